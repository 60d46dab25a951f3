"""The Issuer against botocore's Stubber: the exact wire parameters, retries, waiter, preflight."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from typing import Any, cast

import pytest
from botocore.client import BaseClient
from botocore.exceptions import ClientError
from botocore.stub import Stubber
from cryptography import x509

from acmpca_issue import CertificateArn, IssueCertificateRequest, Issuer, Validity
from acmpca_issue._issued import IssuedCertificate
from acmpca_issue._token import derive_idempotency_token
from acmpca_issue._waiter import Backoff
from acmpca_issue.exceptions import (
    AccessDeniedError,
    InvalidArgsError,
    InvalidRequestError,
    InvalidStateError,
    IssuanceTimeoutError,
    LimitExceededError,
    MalformedCsrError,
    RequestFailedError,
    ResourceNotFoundError,
    ThrottlingError,
    VerificationError,
)
from tests.issuer.issuer_support import CA_ARN, FakeClock, MiniCa, describe_answer

SERIAL = 0x6707447683A9B7F4055627FFD55CEBCC
CERT_ARN = f"{CA_ARN}/certificate/{SERIAL:x}"


def make_request(csr: x509.CertificateSigningRequest, **changes: Any) -> IssueCertificateRequest:
    fields: dict[str, Any] = {
        "certificate_authority_arn": CA_ARN,
        "csr": csr,
        "signing_algorithm": "SHA256WITHECDSA",
        "validity": Validity.days(90),
    }
    fields.update(changes)
    return IssueCertificateRequest(**fields)


def issue_params(request: IssueCertificateRequest) -> dict[str, Any]:
    params = dict(request.to_api())
    params.setdefault("IdempotencyToken", derive_idempotency_token(params))
    return params


def get_params(arn: str = CERT_ARN) -> dict[str, str]:
    return {"CertificateAuthorityArn": CA_ARN, "CertificateArn": arn}


class NoJitter(random.Random):
    """Jitter that always picks the top of the range, for exact pauses."""

    def uniform(self, a: float, b: float) -> float:
        return b


def make_issuer(client: Any, clock: FakeClock, **options: Any) -> Issuer:
    return Issuer(client, sleep=clock.sleep, clock=clock, **options)


@pytest.fixture
def request_(csr: x509.CertificateSigningRequest) -> IssueCertificateRequest:
    return make_request(csr)


@pytest.fixture
def answer(mini_ca: MiniCa, csr: x509.CertificateSigningRequest) -> dict[str, str]:
    return mini_ca.answer(mini_ca.sign(csr, serial=SERIAL))


class TestWireParameters:
    def test_happy_path_sends_describe_issue_get(
        self,
        *,
        client: BaseClient,
        stubber: Stubber,
        clock: FakeClock,
        request_: IssueCertificateRequest,
        answer: dict[str, str],
        csr: x509.CertificateSigningRequest,
    ) -> None:
        """One describe, one issue with a derived token, one get; the result is verified."""
        stubber.add_response(
            "describe_certificate_authority", describe_answer(), {"CertificateAuthorityArn": CA_ARN}
        )
        stubber.add_response(
            "issue_certificate", {"CertificateArn": CERT_ARN}, issue_params(request_)
        )
        stubber.add_response("get_certificate", answer, get_params())
        issued = make_issuer(client, clock).issue(request_)
        assert isinstance(issued, IssuedCertificate)
        assert issued.arn == CertificateArn.parse(CERT_ARN)
        assert issued.serial == SERIAL
        assert issued.certificate.public_key() == csr.public_key()
        assert clock.sleeps == []

    def test_token_is_stable_and_depends_on_the_whole_request(
        self, *, csr: x509.CertificateSigningRequest
    ) -> None:
        """The same request gives the same 36-character token; any change gives another."""
        base = issue_params(make_request(csr))["IdempotencyToken"]
        assert len(base) == 36
        assert base == issue_params(make_request(csr))["IdempotencyToken"]
        others = {
            issue_params(make_request(csr, validity=Validity.days(91)))["IdempotencyToken"],
            issue_params(make_request(csr, signing_algorithm="SHA384WITHECDSA"))[
                "IdempotencyToken"
            ],
            issue_params(make_request(csr, template_arn="arn:aws:acm-pca:::template/X/V1"))[
                "IdempotencyToken"
            ],
        }
        assert base not in others
        assert len(others) == 3

    def test_caller_token_is_sent_unchanged(
        self, *, client: BaseClient, stubber: Stubber, clock: FakeClock, csr: Any
    ) -> None:
        """A request's own token goes on the wire as given."""
        request = make_request(csr, idempotency_token="my-token-1")
        params = dict(request.to_api())
        assert params["IdempotencyToken"] == "my-token-1"
        stubber.add_response("issue_certificate", {"CertificateArn": CERT_ARN}, params)
        arn = make_issuer(client, clock, preflight=False).issue(request, wait=False)
        assert arn == CertificateArn.parse(CERT_ARN)

    def test_left_out_signing_algorithm_is_the_cas(
        self,
        *,
        client: BaseClient,
        stubber: Stubber,
        clock: FakeClock,
        csr: x509.CertificateSigningRequest,
    ) -> None:
        """issue_certificate without signing_algorithm sends the CA's configured one."""
        stubber.add_response(
            "describe_certificate_authority",
            describe_answer(signing_algorithm="SHA384WITHECDSA"),
            {"CertificateAuthorityArn": CA_ARN},
        )
        expected = issue_params(make_request(csr, signing_algorithm="SHA384WITHECDSA"))
        stubber.add_response("issue_certificate", {"CertificateArn": CERT_ARN}, expected)
        issuer = make_issuer(client, clock, preflight=False)
        arn = issuer.issue_certificate(
            certificate_authority_arn=CA_ARN, csr=csr, validity=Validity.days(90), wait=False
        )
        assert str(arn) == CERT_ARN

    def test_describe_is_cached_for_the_ttl(
        self,
        *,
        client: BaseClient,
        stubber: Stubber,
        clock: FakeClock,
        request_: IssueCertificateRequest,
    ) -> None:
        """A second issue inside the TTL does not describe again; after it, it does."""
        issuer = make_issuer(client, clock, ca_cache_ttl=10.0)
        describe = ("describe_certificate_authority", describe_answer(), None)
        issue = ("issue_certificate", {"CertificateArn": CERT_ARN}, issue_params(request_))
        for call in (describe, issue, issue, describe, issue):
            stubber.add_response(*call)
        issuer.issue(request_, wait=False)
        clock.now += 5
        issuer.issue(request_, wait=False)
        clock.now += 6
        issuer.issue(request_, wait=False)

    def test_forget_drops_the_cache(
        self, *, client: BaseClient, stubber: Stubber, clock: FakeClock
    ) -> None:
        """forget() for one CA and for all CAs makes the next describe call again."""
        issuer = make_issuer(client, clock)
        for _ in range(3):
            stubber.add_response("describe_certificate_authority", describe_answer(), None)
        issuer.describe(CA_ARN)
        issuer.forget(CA_ARN)
        issuer.describe(CA_ARN)
        issuer.forget()
        assert issuer.describe(CA_ARN).status == "ACTIVE"
        assert "preflight=True" in repr(issuer)


class TestRetries:
    def test_throttling_burst_is_retried_with_the_same_token(
        self,
        *,
        client: BaseClient,
        stubber: Stubber,
        clock: FakeClock,
        request_: IssueCertificateRequest,
        answer: dict[str, str],
    ) -> None:
        """Three throttles, then success: every attempt carries the same token."""
        params = issue_params(request_)
        for _ in range(3):
            stubber.add_client_error(
                "issue_certificate", "ThrottlingException", "Rate exceeded", 400, None, params
            )
        stubber.add_response("issue_certificate", {"CertificateArn": CERT_ARN}, params)
        stubber.add_client_error("get_certificate", "ThrottlingException", "slow down", 400)
        stubber.add_response("get_certificate", answer, get_params())
        issued = make_issuer(client, clock, preflight=False).issue(request_)
        assert issued.serial == SERIAL
        assert len(clock.sleeps) == 4
        assert clock.sleeps[0] < clock.sleeps[2]  # the backoff grows

    def test_throttling_gives_up_after_max_attempts(
        self, *, client: BaseClient, stubber: Stubber, clock: FakeClock, request_: Any
    ) -> None:
        """Throttled on every attempt: ThrottlingError after max_attempts, nothing issued."""
        for _ in range(3):
            stubber.add_client_error("issue_certificate", "ThrottlingException", "Rate", 400)
        issuer = make_issuer(client, clock, preflight=False, max_attempts=3)
        with pytest.raises(ThrottlingError) as caught:
            issuer.issue(request_)
        assert caught.value.operation == "IssueCertificate"
        assert len(clock.sleeps) == 2

    def test_throttling_stops_at_the_deadline(
        self, *, client: BaseClient, stubber: Stubber, clock: FakeClock, request_: Any
    ) -> None:
        """No retry is started that would end after wait_timeout."""
        stubber.add_client_error("issue_certificate", "ThrottlingException", "Rate", 400)
        issuer = make_issuer(client, clock, preflight=False, wait_timeout=0.05)
        with pytest.raises(ThrottlingError):
            issuer.issue(request_)
        assert clock.sleeps == []

    @pytest.mark.parametrize(
        ("code", "error_class"),
        [
            ("LimitExceededException", LimitExceededError),
            ("InvalidArgsException", InvalidArgsError),
            ("MalformedCSRException", MalformedCsrError),
        ],
    )
    def test_quota_and_bad_input_are_never_retried(
        self,
        *,
        client: BaseClient,
        stubber: Stubber,
        clock: FakeClock,
        request_: Any,
        code: str,
        error_class: type[Exception],
    ) -> None:
        """One billed call only: the error is raised at once, chained to botocore's."""
        stubber.add_client_error("issue_certificate", code, "no", 400)
        with pytest.raises(error_class) as caught:
            make_issuer(client, clock, preflight=False).issue(request_)
        assert isinstance(caught.value.__cause__, ClientError)
        assert clock.sleeps == []


class TestWaiter:
    def test_in_progress_then_ready(
        self,
        *,
        client: BaseClient,
        stubber: Stubber,
        clock: FakeClock,
        request_: Any,
        answer: dict[str, str],
    ) -> None:
        """RequestInProgress is polled with growing, jittered pauses."""
        stubber.add_response("issue_certificate", {"CertificateArn": CERT_ARN})
        for _ in range(4):
            stubber.add_client_error("get_certificate", "RequestInProgressException", "wait", 400)
        stubber.add_response("get_certificate", answer)
        issued = make_issuer(client, clock, preflight=False).issue(request_)
        assert issued.serial == SERIAL
        assert len(clock.sleeps) == 4
        assert all(0.1 <= pause <= 2.0 for pause in clock.sleeps)

    def test_in_progress_outlasting_the_deadline_then_resume(
        self,
        *,
        client: BaseClient,
        stubber: Stubber,
        clock: FakeClock,
        request_: Any,
        answer: dict[str, str],
    ) -> None:
        """IssuanceTimeoutError carries the ARN; get_certificate(arn) then resumes."""
        stubber.add_response("issue_certificate", {"CertificateArn": CERT_ARN})
        steady = Backoff(initial=1.0, cap=1.0, rng=NoJitter())
        issuer = make_issuer(client, clock, preflight=False, wait_timeout=3.0, backoff=steady)
        for _ in range(4):  # at 0, 1, 2 and 3 seconds: the last one is at the deadline
            stubber.add_client_error("get_certificate", "RequestInProgressException", "wait", 400)
        start = clock.now
        with pytest.raises(IssuanceTimeoutError) as caught:
            issuer.issue(request_)
        assert caught.value.certificate_arn == CertificateArn.parse(CERT_ARN)
        assert clock.now - start == pytest.approx(3.0)
        assert clock.sleeps == [1.0, 1.0, 1.0]
        assert isinstance(caught.value.__cause__, Exception)
        stubber.add_response("get_certificate", answer, get_params())
        resumed = issuer.get_certificate(caught.value.certificate_arn)
        assert resumed.serial == SERIAL

    def test_request_failed_fails_at_once_with_the_arn(
        self, *, client: BaseClient, stubber: Stubber, clock: FakeClock, request_: Any
    ) -> None:
        """RequestFailed is final: raised on the first answer, carrying the ARN."""
        stubber.add_response("issue_certificate", {"CertificateArn": CERT_ARN})
        stubber.add_client_error("get_certificate", "RequestFailedException", "failed", 400)
        with pytest.raises(RequestFailedError) as caught:
            make_issuer(client, clock, preflight=False).issue(request_)
        assert str(caught.value.certificate_arn) == CERT_ARN
        assert clock.sleeps == []

    def test_not_found_right_after_issuing_is_retried(
        self,
        *,
        client: BaseClient,
        stubber: Stubber,
        clock: FakeClock,
        request_: Any,
        answer: dict[str, str],
    ) -> None:
        """A ResourceNotFound in the grace period after issuing means "not yet"."""
        stubber.add_response("issue_certificate", {"CertificateArn": CERT_ARN})
        stubber.add_client_error("get_certificate", "ResourceNotFoundException", "no", 400)
        stubber.add_response("get_certificate", answer)
        assert make_issuer(client, clock, preflight=False).issue(request_).serial == SERIAL

    def test_not_found_after_the_grace_period_is_raised(
        self, *, client: BaseClient, stubber: Stubber, clock: FakeClock, request_: Any
    ) -> None:
        """Past the grace period ResourceNotFound is an error, with the ARN."""
        stubber.add_response("issue_certificate", {"CertificateArn": CERT_ARN})
        issuer = make_issuer(
            client, clock, preflight=False, backoff=Backoff(initial=4.0, cap=4.0, rng=NoJitter())
        )
        for _ in range(3):
            stubber.add_client_error("get_certificate", "ResourceNotFoundException", "no", 400)
        with pytest.raises(ResourceNotFoundError) as caught:
            issuer.issue(request_)
        assert str(caught.value.certificate_arn) == CERT_ARN
        assert clock.sleeps == [4.0, 4.0]  # retried at 4 s (inside the grace), not at 8 s

    def test_get_certificate_not_found_is_raised_at_once(
        self, *, client: BaseClient, stubber: Stubber, clock: FakeClock
    ) -> None:
        """Resuming an unknown ARN has no grace period."""
        stubber.add_client_error("get_certificate", "ResourceNotFoundException", "no", 400)
        with pytest.raises(ResourceNotFoundError):
            make_issuer(client, clock).get_certificate(CERT_ARN)
        assert clock.sleeps == []


class TestPreflight:
    def test_ca_disabled_between_preflight_and_issue(
        self, *, client: BaseClient, stubber: Stubber, clock: FakeClock, request_: Any
    ) -> None:
        """InvalidStateException from IssueCertificate: raised, and the CA cache is dropped."""
        issuer = make_issuer(client, clock)
        stubber.add_response("describe_certificate_authority", describe_answer())
        stubber.add_client_error("issue_certificate", "InvalidStateException", "disabled", 400)
        with pytest.raises(InvalidStateError, match="ACTIVE"):
            issuer.issue(request_)
        stubber.add_response("describe_certificate_authority", describe_answer(status="DISABLED"))
        with pytest.raises(InvalidRequestError, match="DISABLED"):
            issuer.issue(request_)

    @pytest.mark.parametrize(
        ("answer", "changes", "path", "text"),
        [
            ({"status": "PENDING_CERTIFICATE"}, {}, "certificate_authority_arn", "not ACTIVE"),
            (
                {"key_algorithm": "RSA_2048", "signing_algorithm": "SHA256WITHRSA"},
                {"signing_algorithm": "SHA384WITHECDSA"},
                "signing_algorithm",
                "SHA256WITHRSA, SHA384WITHRSA, SHA512WITHRSA, SHA256WITHRSA_PSS",
            ),
            (
                {"key_algorithm": "ML_DSA_65", "signing_algorithm": "ML_DSA_65"},
                {"signing_algorithm": "ML_DSA_44"},
                "signing_algorithm",
                "use one of ML_DSA_65",
            ),
            (
                {"not_after": datetime.now(timezone.utc) + timedelta(days=30)},
                {},
                "validity",
                "after the CA's own NotAfter",
            ),
            (
                {"usage_mode": "SHORT_LIVED_CERTIFICATE"},
                {"validity": Validity.days(8)},
                "validity",
                "at most 7 days",
            ),
        ],
    )
    def test_refusals_are_raised_before_the_billed_call(
        self,
        *,
        client: BaseClient,
        stubber: Stubber,
        clock: FakeClock,
        csr: x509.CertificateSigningRequest,
        answer: dict[str, Any],
        changes: dict[str, Any],
        path: str,
        text: str,
    ) -> None:
        """InvalidRequestError names the field; no IssueCertificate is queued or sent."""
        stubber.add_response("describe_certificate_authority", describe_answer(**answer))
        with pytest.raises(InvalidRequestError) as caught:
            make_issuer(client, clock).issue(make_request(csr, **changes))
        assert [p.path for p in caught.value.problems] == [path]
        assert text in str(caught.value)

    def test_seven_days_on_a_short_lived_ca_pass(
        self, *, client: BaseClient, stubber: Stubber, clock: FakeClock, csr: Any
    ) -> None:
        """Exactly 7 days is allowed on a SHORT_LIVED_CERTIFICATE CA."""
        request = make_request(csr, validity=Validity.days(7))
        stubber.add_response(
            "describe_certificate_authority", describe_answer(usage_mode="SHORT_LIVED_CERTIFICATE")
        )
        stubber.add_response("issue_certificate", {"CertificateArn": CERT_ARN})
        assert str(make_issuer(client, clock).issue(request, wait=False)) == CERT_ARN

    def test_access_denied_on_describe_hints_at_preflight_false(
        self, *, client: BaseClient, stubber: Stubber, clock: FakeClock, request_: Any
    ) -> None:
        """Without DescribeCertificateAuthority permission the error says how to go on."""
        stubber.add_client_error("describe_certificate_authority", "AccessDeniedException", "no")
        with pytest.raises(AccessDeniedError, match="preflight=False"):
            make_issuer(client, clock).issue(request_)


class TestVerification:
    def test_mismatched_serial_raises_with_the_arn(
        self,
        *,
        client: BaseClient,
        stubber: Stubber,
        clock: FakeClock,
        request_: Any,
        mini_ca: MiniCa,
        csr: x509.CertificateSigningRequest,
    ) -> None:
        """A certificate whose serial is not the ARN's fails verification; the ARN is kept."""
        stubber.add_response("issue_certificate", {"CertificateArn": CERT_ARN})
        stubber.add_response("get_certificate", mini_ca.answer(mini_ca.sign(csr, serial=7)))
        with pytest.raises(VerificationError, match="serial") as caught:
            make_issuer(client, clock, preflight=False).issue(request_)
        assert str(caught.value.certificate_arn) == CERT_ARN

    def test_verify_false_returns_it_anyway(
        self,
        *,
        client: BaseClient,
        stubber: Stubber,
        clock: FakeClock,
        request_: Any,
        mini_ca: MiniCa,
        csr: x509.CertificateSigningRequest,
    ) -> None:
        """verify=False skips the checks."""
        stubber.add_response("issue_certificate", {"CertificateArn": CERT_ARN})
        stubber.add_response("get_certificate", mini_ca.answer(mini_ca.sign(csr, serial=7)))
        issued = make_issuer(client, clock, preflight=False).issue(request_, verify=False)
        assert issued.serial == 7

    def test_get_certificate_verifies_the_chain(
        self,
        *,
        client: BaseClient,
        stubber: Stubber,
        clock: FakeClock,
        mini_ca: MiniCa,
        csr: x509.CertificateSigningRequest,
    ) -> None:
        """get_certificate checks the serial against the ARN unless verify=False."""
        wrong = mini_ca.answer(mini_ca.sign(csr, serial=7))
        stubber.add_response("get_certificate", wrong)
        stubber.add_response("get_certificate", wrong)
        issuer = make_issuer(client, clock)
        with pytest.raises(VerificationError):
            issuer.get_certificate(CERT_ARN)
        assert issuer.get_certificate(CERT_ARN, verify=False).serial == 7

    def test_unreadable_answers_keep_the_arn(
        self, *, client: BaseClient, stubber: Stubber, clock: FakeClock, request_: Any
    ) -> None:
        """A GetCertificate answer that is not PEM raises VerificationError with the ARN."""
        stubber.add_response("issue_certificate", {"CertificateArn": CERT_ARN})
        stubber.add_response("get_certificate", {"Certificate": "garbage"})
        with pytest.raises(VerificationError, match="not PEM") as caught:
            make_issuer(client, clock, preflight=False).issue(request_)
        assert str(caught.value.certificate_arn) == CERT_ARN

    def test_unreadable_arn_is_reported_not_lost(
        self, *, client: BaseClient, stubber: Stubber, clock: FakeClock, request_: Any
    ) -> None:
        """An ARN that does not parse is still handed to the caller."""
        bad = f"{CA_ARN}/certificate/NOT-HEX"
        stubber.add_response("issue_certificate", {"CertificateArn": bad})
        with pytest.raises(VerificationError, match="unreadable ARN") as caught:
            make_issuer(client, clock, preflight=False).issue(request_)
        assert repr(bad) in str(caught.value)
        assert caught.value.certificate_arn is None


class _Exploding:
    """A client whose calls raise something that is not a botocore error."""

    def issue_certificate(self, **_: Any) -> Any:
        raise KeyError("bug in a client wrapper")

    def get_certificate(self, **_: Any) -> Any:
        raise KeyError("bug in a client wrapper")


class _Scripted:
    """A client answering IssueCertificate and GetCertificate from scripts of results."""

    def __init__(self, issue: list[Any], get: list[Any]) -> None:
        self.issue_script = issue
        self.get_script = get
        self.issue_calls: list[dict[str, Any]] = []

    @staticmethod
    def _next(script: list[Any]) -> Any:
        result = script.pop(0)
        if isinstance(result, BaseException):
            raise result
        return result

    def issue_certificate(self, **params: Any) -> Any:
        self.issue_calls.append(params)
        return self._next(self.issue_script)

    def get_certificate(self, **_: Any) -> Any:
        return self._next(self.get_script)


def test_foreign_exceptions_pass_through(request_: IssueCertificateRequest) -> None:
    """Exceptions that are not botocore's are not translated or retried."""
    issuer = Issuer(cast(Any, _Exploding()), preflight=False)  # a duck-typed client
    with pytest.raises(KeyError):
        issuer.issue(request_)
    with pytest.raises(KeyError):
        issuer.get_certificate(CERT_ARN)


class TestNothingLost:
    """Whatever ends the call after IssueCertificate answered, the caller gets the ARN."""

    @pytest.mark.parametrize("interruption", [KeyboardInterrupt(), KeyError("wrapper bug")])
    def test_interrupted_wait_keeps_the_arn(
        self,
        *,
        clock: FakeClock,
        request_: IssueCertificateRequest,
        interruption: BaseException,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        """Ctrl-C (or a foreign error) while waiting: re-raised as is, carrying the ARN."""
        client = _Scripted(issue=[{"CertificateArn": CERT_ARN}], get=[interruption])
        issuer = make_issuer(client, clock, preflight=False)
        with pytest.raises(type(interruption)) as caught:
            issuer.issue(request_)
        assert caught.value is interruption
        assert str(getattr(caught.value, "certificate_arn", None)) == CERT_ARN
        assert any(CERT_ARN in note for note in getattr(caught.value, "__notes__", []))
        assert CERT_ARN in caplog.text
        assert len(client.issue_calls) == 1

    def test_library_error_without_arn_gets_it(
        self,
        *,
        clock: FakeClock,
        request_: IssueCertificateRequest,
        answer: dict[str, str],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """Any library error raised after issuing (not only the waiter's) names the ARN."""

        def refuse(self: IssuedCertificate, **_: Any) -> None:
            raise InvalidRequestError("cannot judge the validity", path="validity")

        monkeypatch.setattr(IssuedCertificate, "verify", refuse)
        client = _Scripted(issue=[{"CertificateArn": CERT_ARN}], get=[answer])
        with pytest.raises(InvalidRequestError) as caught:
            make_issuer(client, clock, preflight=False).issue(request_)
        assert str(caught.value.certificate_arn) == CERT_ARN

    def test_interrupted_issue_names_the_token(
        self, *, clock: FakeClock, request_: IssueCertificateRequest
    ) -> None:
        """Ctrl-C during IssueCertificate: no ARN yet, so the note gives the token to resend."""
        client = _Scripted(issue=[KeyboardInterrupt()], get=[])
        with pytest.raises(KeyboardInterrupt) as caught:
            make_issuer(client, clock, preflight=False).issue(request_)
        token = issue_params(request_)["IdempotencyToken"]
        assert any(token in note for note in getattr(caught.value, "__notes__", []))

    def test_unanswered_attempt_then_throttled_names_the_token(
        self, *, clock: FakeClock, request_: IssueCertificateRequest
    ) -> None:
        """A lost answer, then throttling to the end: the error says it may have been issued."""
        from botocore.exceptions import ReadTimeoutError

        throttled = ClientError(
            {"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}},
            "IssueCertificate",
        )
        client = _Scripted(
            issue=[ReadTimeoutError(endpoint_url="http://x"), throttled, throttled], get=[]
        )
        with pytest.raises(ThrottlingError) as caught:
            make_issuer(client, clock, preflight=False, max_attempts=3).issue(request_)
        token = issue_params(request_)["IdempotencyToken"]
        notes = getattr(caught.value, "__notes__", [])
        assert any(token in note and "may have been issued" in note for note in notes)
        assert {call["IdempotencyToken"] for call in client.issue_calls} == {token}
        assert len(client.issue_calls) == 3

    def test_throttled_without_a_lost_answer_has_no_note(
        self, *, clock: FakeClock, request_: IssueCertificateRequest
    ) -> None:
        """Throttled every time: nothing can have been issued, so no such note."""
        throttled = ClientError(
            {"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}},
            "IssueCertificate",
        )
        client = _Scripted(issue=[throttled, throttled], get=[])
        with pytest.raises(ThrottlingError) as caught:
            make_issuer(client, clock, preflight=False, max_attempts=2).issue(request_)
        assert not getattr(caught.value, "__notes__", [])


def test_a_thread_waiting_for_a_describe_takes_its_answer() -> None:
    """A second thread that missed the cache while the first described gets the same answer."""
    import threading
    import time

    from tests.issuer.issuer_support import describe_answer

    entered, release = threading.Event(), threading.Event()
    calls: list[str] = []

    class SlowDescribe:
        def describe_certificate_authority(self, **params: Any) -> Any:
            calls.append(params["CertificateAuthorityArn"])
            entered.set()
            assert release.wait(timeout=10)
            return describe_answer()

    issuer = Issuer(cast(Any, SlowDescribe()))  # a duck-typed client
    answers: list[Any] = []
    first = threading.Thread(target=lambda: answers.append(issuer.describe(CA_ARN)))
    second = threading.Thread(target=lambda: answers.append(issuer.describe(CA_ARN)))
    first.start()
    assert entered.wait(timeout=10)
    second.start()
    time.sleep(0.05)  # let the second thread reach the CA's lock
    release.set()
    first.join(timeout=10)
    second.join(timeout=10)
    assert calls == [CA_ARN]
    assert len(answers) == 2
    assert answers[0] is answers[1]
