"""Issuer rules checked one by one: token stability, no botocore retries, key families, verify."""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from acmpca_issue import (
    ApiPassthrough,
    ExtendedKeyUsage,
    Extensions,
    GeneralName,
    IssueCertificateRequest,
    Issuer,
    KeyUsage,
    Subject,
    TemplateArn,
    Validity,
)
from acmpca_issue._clock import using as using_clock
from acmpca_issue._issued import IssuedCertificate
from acmpca_issue._preflight import CaInfo, check_request
from acmpca_issue._token import derive_idempotency_token
from acmpca_issue.exceptions import (
    InvalidArgsError,
    InvalidRequestError,
    LimitExceededError,
    MalformedCsrError,
    ServiceError,
    VerificationError,
)
from tests.issuer.issuer_support import CA_ARN, MiniCa

# Builds the same request in any process from a CSR file; prints its derived token.
_TOKEN_SCRIPT = """
import sys
from pathlib import Path
from tests.issuer.test_issuer_rules import full_request
from acmpca_issue._token import derive_idempotency_token
request = full_request(Path(sys.argv[1]).read_bytes())
print(derive_idempotency_token(request.to_api()))
"""


#: When full_request is built: its fixed validity dates are judged against this, not today.
_BUILT_AT = datetime(2026, 11, 27, 12, tzinfo=timezone.utc)


def full_request(csr_pem: bytes) -> IssueCertificateRequest:
    """A request using every member, passthrough lists and key usage included, made at
    ``_BUILT_AT`` in any process and on any date."""
    passthrough = ApiPassthrough(
        extensions=Extensions(
            key_usage=KeyUsage(digital_signature=True, key_encipherment=False),
            extended_key_usage=[
                ExtendedKeyUsage(extended_key_usage_type="SERVER_AUTH"),
                ExtendedKeyUsage(extended_key_usage_type="CLIENT_AUTH"),
            ],
            subject_alternative_names=[
                GeneralName(dns_name="x.example"),
                GeneralName(ip_address="10.1.1.1"),
            ],
        ),
        subject=Subject(common_name="x", organization="Org", country="US"),
    )
    with using_clock(lambda: _BUILT_AT):
        return IssueCertificateRequest(
            certificate_authority_arn=CA_ARN,
            csr=csr_pem,
            signing_algorithm="SHA256WITHECDSA",
            validity=Validity.end_date(datetime(2030, 1, 1, tzinfo=timezone.utc)),
            validity_not_before=Validity.absolute(1_850_000_000),
            template_arn=TemplateArn.of("BlankEndEntityCertificate_APIPassthrough"),
            api_passthrough=passthrough,
        )


class TestTokenAcrossProcesses:
    def test_same_token_in_every_process(self, csr_pem: bytes, tmp_path: Path) -> None:
        """A fresh interpreter (other hash seed) derives the same token for the same request."""
        path = tmp_path / "csr.pem"
        path.write_bytes(csr_pem)
        here = derive_idempotency_token(full_request(csr_pem).to_api())
        root = Path(__file__).resolve().parents[2]
        tokens = set()
        for seed in ("0", "1", "12345"):
            env = {**os.environ, "PYTHONHASHSEED": seed}
            result = subprocess.run(
                [sys.executable, "-c", _TOKEN_SCRIPT, str(path)],
                capture_output=True,
                text=True,
                check=True,
                cwd=root,
                env=env,
                timeout=60,
            )
            tokens.add(result.stdout.strip())
        assert tokens == {here}

    def test_token_is_the_request_not_its_form(self, csr_pem: bytes) -> None:
        """The CSR as PEM text, PEM bytes, DER or an object gives one token."""
        csr = x509.load_pem_x509_csr(csr_pem)
        forms = (csr_pem, csr_pem.decode(), csr.public_bytes(Encoding.DER), csr)
        tokens = {derive_idempotency_token(full_request(form).to_api()) for form in forms}  # type: ignore[arg-type]
        assert len(tokens) == 1
        assert all(ch in "0123456789abcdef" for ch in tokens.pop())


class _ErrorServer:
    """An HTTP endpoint on 127.0.0.1 answering every call with one service error; counts calls."""

    def __init__(self, code: str) -> None:
        self.calls = 0
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers["Content-Length"]))
                server.calls += 1
                body = json.dumps({"__type": code, "message": "refused"}).encode()
                self.send_response(400)
                self.send_header("Content-Type", "application/x-amz-json-1.1")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_: Any) -> None:
                return

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> _ErrorServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(timeout=5)


@pytest.fixture
def retry_happy_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings that would make botocore retry, as a user's environment might have."""
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "5")
    monkeypatch.setenv("AWS_RETRY_MODE", "adaptive")


@pytest.mark.usefixtures("retry_happy_env")
@pytest.mark.parametrize(
    ("code", "error_class"),
    [
        ("LimitExceededException", LimitExceededError),
        ("InvalidArgsException", InvalidArgsError),
        ("MalformedCSRException", MalformedCsrError),
    ],
)
def test_from_session_client_sends_a_refused_issue_once(
    code: str, error_class: type[ServiceError], csr: x509.CertificateSigningRequest
) -> None:
    """Neither the Issuer nor botocore underneath resends a quota or bad-input refusal."""
    with _ErrorServer(code) as server:
        issuer = Issuer.from_session(region_name="us-east-1", endpoint_url=server.url)
        try:
            with pytest.raises(error_class):
                issuer.issue_certificate(
                    certificate_authority_arn=CA_ARN,
                    csr=csr,
                    signing_algorithm="SHA256WITHECDSA",
                    validity=Validity.days(1),
                    wait=False,
                )
        finally:
            issuer.client.close()
    # The preflight's DescribeCertificateAuthority got the same refusal, once, and stopped it.
    assert server.calls == 1


@pytest.mark.usefixtures("retry_happy_env")
def test_from_session_issue_certificate_is_sent_once(
    csr: x509.CertificateSigningRequest,
) -> None:
    """Without the preflight, exactly one IssueCertificate reaches the endpoint."""
    with _ErrorServer("LimitExceededException") as server:
        issuer = Issuer.from_session(
            region_name="us-east-1", endpoint_url=server.url, preflight=False
        )
        try:
            with pytest.raises(LimitExceededError):
                issuer.issue_certificate(
                    certificate_authority_arn=CA_ARN,
                    csr=csr,
                    signing_algorithm="SHA256WITHECDSA",
                    validity=Validity.days(1),
                )
        finally:
            issuer.client.close()
    assert server.calls == 1


@pytest.fixture
def botocore_pauses(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """botocore's own retry pauses, recorded instead of slept."""
    import types

    import botocore.endpoint

    pauses: list[float] = []
    monkeypatch.setattr(botocore.endpoint, "time", types.SimpleNamespace(sleep=pauses.append))
    return pauses


@pytest.mark.usefixtures("retry_happy_env")
class TestCallersOwnClient:
    """A client the caller made, with botocore's retries on (here 5 attempts, adaptive)."""

    @staticmethod
    def _client(server: _ErrorServer) -> Any:
        from botocore.session import Session

        return Session().create_client("acm-pca", region_name="us-east-1", endpoint_url=server.url)

    @pytest.mark.parametrize(
        ("code", "error_class"),
        [
            ("LimitExceededException", LimitExceededError),
            ("InvalidArgsException", InvalidArgsError),
            ("MalformedCSRException", MalformedCsrError),
        ],
    )
    def test_refusals_are_sent_once(
        self,
        code: str,
        error_class: type[ServiceError],
        csr: x509.CertificateSigningRequest,
        botocore_pauses: list[float],
    ) -> None:
        """The Issuer stops botocore's retries of a quota or bad input; chained as usual."""
        from botocore.exceptions import ClientError

        with _ErrorServer(code) as server:
            client = self._client(server)
            try:
                with pytest.raises(error_class) as caught:
                    Issuer(client, preflight=False).issue_certificate(
                        certificate_authority_arn=CA_ARN,
                        csr=csr,
                        signing_algorithm="SHA256WITHECDSA",
                        validity=Validity.days(1),
                    )
            finally:
                client.close()
        assert server.calls == 1
        assert botocore_pauses == []
        assert isinstance(caught.value.__cause__, ClientError)
        assert caught.value.code == code
        assert caught.value.operation == "IssueCertificate"

    def test_the_clients_other_retries_are_its_own(
        self,
        csr: x509.CertificateSigningRequest,
        botocore_pauses: list[float],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """Throttling is still retried by the client, and its direct calls are untouched."""
        # Standard mode (adaptive would also pace the calls with its own rate limiter).
        monkeypatch.setenv("AWS_RETRY_MODE", "standard")
        with _ErrorServer("ThrottlingException") as server:
            client = self._client(server)
            try:
                issuer = Issuer(client, preflight=False, max_attempts=1)
                with pytest.raises(ServiceError):
                    issuer.issue_certificate(
                        certificate_authority_arn=CA_ARN,
                        csr=csr,
                        signing_algorithm="SHA256WITHECDSA",
                        validity=Validity.days(1),
                    )
                assert server.calls == 5
            finally:
                client.close()
        with _ErrorServer("LimitExceededException") as server:
            client = self._client(server)
            try:
                Issuer(client)  # registered on this client, inert outside the Issuer's calls
                with pytest.raises(client.exceptions.LimitExceededException):
                    client.describe_certificate_authority(CertificateAuthorityArn=CA_ARN)
            finally:
                client.close()
        assert server.calls == 5  # botocore's standard behaviour, as the caller configured it
        assert len(botocore_pauses) == 8  # 4 pauses for each of the two calls


def _ca(key_algorithm: str, **changes: Any) -> CaInfo:
    fields: dict[str, Any] = {
        "arn": CA_ARN,
        "status": "ACTIVE",
        "key_algorithm": key_algorithm,
        "signing_algorithm": "SHA256WITHECDSA",
    }
    fields.update(changes)
    return CaInfo(**fields)


def _request(
    csr: x509.CertificateSigningRequest, *, now: datetime | None = None, **changes: Any
) -> IssueCertificateRequest:
    """A request, judged at ``now`` (the real clock if None), as check_request is given."""
    fields: dict[str, Any] = {
        "certificate_authority_arn": CA_ARN,
        "csr": csr,
        "signing_algorithm": "SHA256WITHECDSA",
        "validity": Validity.days(30),
    }
    fields.update(changes)
    if now is None:
        return IssueCertificateRequest(**fields)
    with using_clock(lambda: now):
        return IssueCertificateRequest(**fields)


_FAMILIES = {
    "RSA": ("RSA_2048", "RSA_3072", "RSA_4096"),
    "EC": ("EC_prime256v1", "EC_secp384r1", "EC_secp521r1"),
    "SM2": ("SM2",),
}
_ALGORITHMS = {
    "RSA": (
        "SHA256WITHRSA",
        "SHA384WITHRSA",
        "SHA512WITHRSA",
        "SHA256WITHRSA_PSS",
        "SHA384WITHRSA_PSS",
        "SHA512WITHRSA_PSS",
    ),
    "EC": ("SHA256WITHECDSA", "SHA384WITHECDSA", "SHA512WITHECDSA"),
    "SM2": ("SM3WITHSM2",),
}
_PAIRS = (
    [
        (key, algorithm, key_family == algorithm_family)
        for key_family, keys in _FAMILIES.items()
        for key in keys
        for algorithm_family, algorithms in _ALGORITHMS.items()
        for algorithm in algorithms
    ]
    + [
        (key, algorithm, key == algorithm)
        for key in ("ML_DSA_44", "ML_DSA_65", "ML_DSA_87")
        for algorithm in ("ML_DSA_44", "ML_DSA_65", "ML_DSA_87", "SHA256WITHECDSA", "SHA256WITHRSA")
    ]
    + [
        (key, algorithm, False)
        for key in ("RSA_2048", "EC_prime256v1", "SM2")
        for algorithm in ("ML_DSA_44",)
    ]
)


@pytest.mark.parametrize(("key_algorithm", "algorithm", "allowed"), _PAIRS)
def test_signing_algorithm_must_fit_the_ca_key_family(
    csr: x509.CertificateSigningRequest, key_algorithm: str, algorithm: str, allowed: bool
) -> None:
    """RSA: WITHRSA and WITHRSA_PSS; EC: WITHECDSA; ML_DSA_n: ML_DSA_n; SM2: SM3WITHSM2."""
    request = _request(csr, signing_algorithm=algorithm)
    now = datetime.now(timezone.utc)
    if allowed:
        check_request(request, _ca(key_algorithm), now=now)
        return
    with pytest.raises(InvalidRequestError) as caught:
        check_request(request, _ca(key_algorithm), now=now)
    assert [p.path for p in caught.value.problems] == ["signing_algorithm"]
    assert key_algorithm in str(caught.value)


def test_not_after_equal_to_the_cas_is_allowed(csr: x509.CertificateSigningRequest) -> None:
    """The certificate may end exactly when the CA does, not a second later."""
    end = datetime(2030, 1, 1, tzinfo=timezone.utc)
    now = end - timedelta(days=100)
    ca = _ca("EC_prime256v1", not_after=end)
    check_request(_request(csr, now=now, validity=Validity.end_date(end)), ca, now=now)
    later = Validity.end_date(end + timedelta(seconds=1))
    with pytest.raises(InvalidRequestError, match="after the CA's own NotAfter"):
        check_request(_request(csr, now=now, validity=later), ca, now=now)


def test_short_lived_limit_counts_every_validity_type(
    csr: x509.CertificateSigningRequest,
) -> None:
    """7 days, however expressed, passes on a SHORT_LIVED_CERTIFICATE CA; a second more fails."""
    now = datetime(2026, 11, 27, 12, tzinfo=timezone.utc)
    ca = _ca("EC_prime256v1", usage_mode="SHORT_LIVED_CERTIFICATE")
    week = now + timedelta(days=7)
    for validity in (
        Validity.days(7),
        Validity.end_date(week),
        Validity.absolute(int(week.timestamp())),
    ):
        check_request(_request(csr, now=now, validity=validity), ca, now=now)
    for validity in (
        Validity.end_date(week + timedelta(seconds=1)),
        Validity.months(1),
        Validity.years(1),
    ):
        with pytest.raises(InvalidRequestError, match="at most 7 days"):
            check_request(_request(csr, now=now, validity=validity), ca, now=now)


def test_every_problem_is_reported_at_once(csr: x509.CertificateSigningRequest) -> None:
    """A disabled RSA CA, an EC algorithm and a NotAfter past the CA's: three problems."""
    now = datetime.now(timezone.utc)
    ca = _ca("RSA_2048", status="DISABLED", not_after=now + timedelta(days=10))
    with pytest.raises(InvalidRequestError) as caught:
        check_request(_request(csr, signing_algorithm="SHA256WITHECDSA"), ca, now=now)
    assert [p.path for p in caught.value.problems] == [
        "certificate_authority_arn",
        "signing_algorithm",
        "validity",
    ]


def test_verify_catches_a_serial_that_is_not_the_arns(
    mini_ca: MiniCa, csr: x509.CertificateSigningRequest
) -> None:
    """verify() alone (no request) compares the ARN's serial with the certificate's."""
    certificate = mini_ca.sign(csr, serial=0xABC)
    answer = mini_ca.answer(certificate)
    good = IssuedCertificate.from_api(f"{CA_ARN}/certificate/abc", answer)
    good.verify()
    wrong = IssuedCertificate.from_api(f"{CA_ARN}/certificate/abd", answer)
    with pytest.raises(VerificationError, match="ARN's serial abd is not the certificate's abc"):
        wrong.verify()


def test_backoff_grows_to_its_cap_with_half_of_each_step_random() -> None:
    """Step n is initial * 2**(n-1), capped; each pause lies in [step/2, step] and varies."""
    import random

    from acmpca_issue._waiter import Backoff, Deadline

    backoff = Backoff(initial=0.2, cap=2.0, rng=random.Random(7))  # noqa: S311 - jitter, not a secret
    for attempt, step in [(1, 0.2), (2, 0.4), (3, 0.8), (4, 1.6), (5, 2.0), (9, 2.0)]:
        pauses = {backoff.delay(attempt) for _ in range(20)}
        assert all(step / 2 <= pause <= step for pause in pauses)
        assert len(pauses) > 1  # jittered, so concurrent callers spread out
    now = [10.0]
    deadline = Deadline(lambda: now[0], 3.0)
    assert deadline.clip(5.0) == 3.0
    now[0] = 14.0
    assert deadline.expired()
    assert deadline.clip(1.0) == 0.0
