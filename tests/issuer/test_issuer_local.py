"""The Issuer against the local Private CA (in-process and over HTTP) and moto, with faults.

In every fault test the certificate is neither lost (its ARN reaches the caller) nor issued
twice: the tests count the certificates the local CA issued.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from botocore.config import Config
from botocore.session import Session
from cryptography import x509

from acmpca_issue import (
    CertificateAuthorityArn,
    IssueCertificateRequest,
    Issuer,
    Validity,
    build_csr,
)
from acmpca_issue._issued import IssuedCertificate
from acmpca_issue.exceptions import (
    InvalidRequestError,
    InvalidStateError,
    IssuanceTimeoutError,
    RequestFailedError,
    TransportError,
    VerificationError,
)
from acmpca_issue.local import LocalPrivateCA
from tests.issuer.issuer_support import FakeClock
from tests.keytypes import key_params

EPOCH = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)


def issued_count(pca: LocalPrivateCA, ca: CertificateAuthorityArn) -> int:
    """How many certificates the local CA has issued from ``ca``."""
    return sum(1 for ca_arn, _ in pca.engine._certificates if ca_arn == str(ca))


@pytest.fixture(scope="module")
def bundle() -> Any:
    return build_csr("svc.internal", common_name="svc.internal")


@pytest.fixture
def shared_clock() -> FakeClock:
    """One fake time for the Issuer (monotonic seconds) and the local CA (datetime)."""
    return FakeClock(now=0.0)


@pytest.fixture
def wall_clock(shared_clock: FakeClock) -> Callable[[], datetime]:
    """``shared_clock`` as a wall clock from EPOCH: for the local CA's ``clock`` and the
    Issuer's ``now``."""
    return lambda: EPOCH + timedelta(seconds=shared_clock.now)


@pytest.fixture
def pca_and_root(
    wall_clock: Callable[[], datetime],
) -> tuple[LocalPrivateCA, CertificateAuthorityArn]:
    pca = LocalPrivateCA(clock=wall_clock)
    return pca, pca.create_root_ca(common_name="Issuer Test Root")


def test_issue_in_process_end_to_end(bundle: Any) -> None:
    """A 90-day EC certificate: issued, verified, chain up to the root, one issued."""
    pca = LocalPrivateCA()
    root = pca.create_root_ca()
    before = issued_count(pca, root)
    issuer = Issuer(pca.client())
    issued = issuer.issue_certificate(
        certificate_authority_arn=root, csr=bundle.csr, validity=Validity.days(90)
    )
    assert isinstance(issued, IssuedCertificate)
    assert issued.arn.certificate_authority_arn == root
    assert issued.chain[-1].subject == issued.chain[-1].issuer
    assert issued.not_after - issued.not_before == timedelta(days=90, minutes=60)
    assert issued.subject_alternative_names == ("DNS:svc.internal",)
    assert issued_count(pca, root) == before + 1


def test_same_request_twice_is_issued_once(bundle: Any) -> None:
    """The derived token makes a repeat return the same certificate."""
    pca = LocalPrivateCA()
    root = pca.create_root_ca()
    issuer = Issuer(pca.client())
    request = IssueCertificateRequest(
        certificate_authority_arn=root,
        csr=bundle.csr,
        signing_algorithm="SHA256WITHECDSA",
        validity=Validity.days(30),
    )
    before = issued_count(pca, root)
    first = issuer.issue(request)
    second = issuer.issue(request)
    assert first.arn == second.arn
    assert issued_count(pca, root) == before + 1


@pytest.mark.parametrize(
    ("key_algorithm", "signing"),
    key_params(
        [("RSA_2048", "SHA256WITHRSA_PSS"), ("ML_DSA_44", "ML_DSA_44"), ("EC_secp384r1", None)]
    ),
)
def test_other_ca_key_types(bundle: Any, key_algorithm: str, signing: str | None) -> None:
    """RSA-PSS and ML-DSA CAs issue and verify too; None takes the CA's algorithm."""
    pca = LocalPrivateCA()
    root = pca.create_root_ca(key_algorithm=key_algorithm)
    issued = Issuer(pca.client()).issue_certificate(
        certificate_authority_arn=root,
        csr=bundle.csr,
        validity=Validity.days(7),
        signing_algorithm=signing,
    )
    issued.verify(csr=bundle.csr)


def test_subordinate_chain_is_split_issuer_first(bundle: Any) -> None:
    """Issued from a subordinate: chain is (subordinate, root)."""
    pca = LocalPrivateCA()
    root = pca.create_root_ca(common_name="Root")
    sub = pca.create_subordinate_ca(root, common_name="Sub")
    issued = Issuer(pca.client()).issue_certificate(
        certificate_authority_arn=sub, csr=bundle.csr, validity=Validity.days(30)
    )
    names = [c.subject.rfc4514_string() for c in issued.chain]
    assert names == ["CN=Sub", "CN=Root"]


def test_issue_over_http(bundle: Any) -> None:
    """from_session at pca.serve()'s endpoint: the same end to end over HTTP."""
    pca = LocalPrivateCA()
    root = pca.create_root_ca()
    with pca.serve() as server:
        issuer = Issuer.from_session(region_name="us-east-1", endpoint_url=server.endpoint_url)
        issued = issuer.issue_certificate(
            certificate_authority_arn=root, csr=bundle.csr, validity=Validity.days(90)
        )
        again = issuer.get_certificate(issued.arn)
        issuer.client.close()
    assert again.certificate == issued.certificate
    assert again == issued
    assert len({again, issued}) == 1


class TestFaults:
    def test_throttling_burst(
        self, shared_clock: FakeClock, wall_clock: Callable[[], datetime], bundle: Any
    ) -> None:
        """At 2 issues per second, a burst of 6 is throttled, retried, and issued 6 times."""
        pca_throttled = LocalPrivateCA(clock=wall_clock, rate_limits={"IssueCertificate": 2.0})
        root = pca_throttled.create_root_ca()
        issuer = Issuer(
            pca_throttled.client(),
            sleep=shared_clock.sleep,
            clock=shared_clock,
            now=wall_clock,
            preflight=False,
        )
        before = issued_count(pca_throttled, root)
        arns = {
            issuer.issue_certificate(
                certificate_authority_arn=root,
                csr=bundle.csr,
                signing_algorithm="SHA256WITHECDSA",
                validity=Validity.days(n + 1),
            ).arn
            for n in range(6)
        }
        assert len(arns) == 6
        assert issued_count(pca_throttled, root) == before + 6
        assert shared_clock.sleeps  # some calls were throttled and waited

    def test_in_progress_outlasting_the_deadline(
        self, shared_clock: FakeClock, wall_clock: Callable[[], datetime], bundle: Any
    ) -> None:
        """issue_delay 100 s, wait_timeout 3 s: timeout with the ARN, then resume."""
        pca = LocalPrivateCA(clock=wall_clock, issue_delay=100.0)
        root = pca.create_root_ca()
        issuer = Issuer(
            pca.client(),
            sleep=shared_clock.sleep,
            clock=shared_clock,
            now=wall_clock,
            wait_timeout=3.0,
        )
        before = issued_count(pca, root)
        with pytest.raises(IssuanceTimeoutError) as caught:
            issuer.issue_certificate(
                certificate_authority_arn=root, csr=bundle.csr, validity=Validity.days(90)
            )
        shared_clock.now += 100
        resumed = issuer.get_certificate(caught.value.certificate_arn)
        assert resumed.arn == caught.value.certificate_arn
        assert issued_count(pca, root) == before + 1

    def test_request_failed(
        self,
        pca_and_root: tuple[LocalPrivateCA, CertificateAuthorityArn],
        wall_clock: Callable[[], datetime],
        bundle: Any,
    ) -> None:
        """A failed issuance is final, and its ARN is reported."""
        pca, root = pca_and_root
        pca.fail_next_issuance()
        client = pca.client()
        sent: list[str] = []
        client.meta.events.register(
            "before-call.acm-pca.IssueCertificate", lambda **_: sent.append("issue")
        )
        with pytest.raises(RequestFailedError) as caught:
            Issuer(client, now=wall_clock).issue_certificate(
                certificate_authority_arn=root, csr=bundle.csr, validity=Validity.days(1)
            )
        arn = caught.value.certificate_arn
        assert arn is not None
        assert arn.certificate_authority_arn == root
        assert sent == ["issue"]  # a failed issuance is not sent again

    def test_ca_disabled_between_preflight_and_issue(
        self,
        pca_and_root: tuple[LocalPrivateCA, CertificateAuthorityArn],
        wall_clock: Callable[[], datetime],
        bundle: Any,
    ) -> None:
        """The preflight saw ACTIVE (cached); the CA is then disabled: nothing is issued."""
        pca, root = pca_and_root
        client = pca.client()
        issuer = Issuer(client, now=wall_clock)
        assert issuer.describe(root).status == "ACTIVE"
        client.update_certificate_authority(CertificateAuthorityArn=str(root), Status="DISABLED")
        before = issued_count(pca, root)
        with pytest.raises(InvalidStateError):
            issuer.issue_certificate(
                certificate_authority_arn=root, csr=bundle.csr, validity=Validity.days(1)
            )
        assert issued_count(pca, root) == before

    def test_server_that_resets_every_connection(self, bundle: Any) -> None:
        """A server that resets: TransportError after the bounded retries, nothing issued."""
        clock = FakeClock()
        with _ResettingServer() as server:
            issuer = Issuer.from_session(
                endpoint_url=server.url,
                preflight=False,
                max_attempts=3,
                sleep=clock.sleep,
                clock=clock,
            )
            with pytest.raises(TransportError, match="idempotency token") as caught:
                issuer.issue_certificate(
                    certificate_authority_arn=_any_ca(),
                    csr=bundle.csr,
                    signing_algorithm="SHA256WITHECDSA",
                    validity=Validity.days(1),
                )
            issuer.client.close()
        assert server.connections == 3
        token = caught.value.idempotency_token
        assert token is not None
        assert len(token) == 36
        assert type(caught.value.__cause__).__name__ == "ConnectionClosedError"
        assert len(clock.sleeps) == 2

    def test_reset_after_the_issue_was_processed(self, bundle: Any) -> None:
        """The first IssueCertificate answer is lost: the retry gets the same certificate."""
        pca = LocalPrivateCA()
        root = pca.create_root_ca()
        clock = FakeClock()
        with pca.serve() as server, _DroppingProxy(server.port) as proxy:
            issuer = Issuer.from_session(
                endpoint_url=proxy.url, preflight=False, sleep=clock.sleep, clock=clock
            )
            before = issued_count(pca, root)
            issued = issuer.issue_certificate(
                certificate_authority_arn=root,
                csr=bundle.csr,
                signing_algorithm="SHA256WITHECDSA",
                validity=Validity.days(1),
            )
            issuer.client.close()
        assert proxy.dropped == 1
        assert issued_count(pca, root) == before + 1
        assert issued.arn.certificate_authority_arn == root


def test_moto(moto_endpoint: str, csr: x509.CertificateSigningRequest) -> None:
    """Against moto: issue and fetch; moto's ARN suffix is not the serial, so no verify."""
    client: Any = Session().create_client(
        "acm-pca",
        region_name="us-east-1",
        endpoint_url=moto_endpoint,
        config=Config(retries={"total_max_attempts": 1}),
    )
    ca = client.create_certificate_authority(
        CertificateAuthorityConfiguration={
            "KeyAlgorithm": "RSA_2048",
            "SigningAlgorithm": "SHA256WITHRSA",
            "Subject": {"CommonName": "Moto Root"},
        },
        CertificateAuthorityType="ROOT",
    )["CertificateAuthorityArn"]
    issuer = Issuer(client, preflight=False)
    arn = issuer.issue_certificate(
        certificate_authority_arn=ca,
        csr=csr,
        signing_algorithm="SHA256WITHRSA",
        validity=Validity.days(30),
        wait=False,
    )
    fetched = issuer.get_certificate(arn, verify=False)
    assert fetched.certificate.public_key() == csr.public_key()
    assert fetched.subject == "CN=svc.example.com"
    # What moto gets wrong is caught, and the ARN still reaches the caller:
    with pytest.raises(VerificationError, match="serial") as caught:
        issuer.issue_certificate(
            certificate_authority_arn=ca,
            csr=csr,
            signing_algorithm="SHA256WITHRSA",
            validity=Validity.days(3),
        )
    kept = caught.value.certificate_arn
    assert kept is not None
    assert str(kept.certificate_authority_arn) == ca
    # moto leaves a new CA in PENDING_CERTIFICATE, which the preflight refuses before issuing.
    with pytest.raises(InvalidRequestError, match="PENDING_CERTIFICATE"):
        Issuer(client).issue_certificate(
            certificate_authority_arn=ca, csr=csr, validity=Validity.days(3)
        )
    client.close()


def _any_ca() -> str:
    return (
        "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/"
        "12345678-1234-1234-1234-123456789012"
    )


class _ResettingServer:
    """Accepts connections on 127.0.0.1 and resets each one at once (TCP RST)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.connections = 0
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            conn.recv(65536)
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            conn.close()

    def __enter__(self) -> _ResettingServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
        self.sock.close()
        self._thread.join(timeout=5)


class _DroppingProxy:
    """Forwards each HTTP exchange to a port; drops the first IssueCertificate answer."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.dropped = 0
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                self._exchange(conn)

    def _exchange(self, conn: socket.socket) -> None:
        request = _read_http(conn)
        with socket.create_connection(("127.0.0.1", self.port)) as upstream:
            upstream.sendall(request)
            answer = _read_http(upstream)
        if b"ACMPrivateCA.IssueCertificate" in request and self.dropped == 0:
            self.dropped += 1
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            return  # the service did the work; the caller never hears of it
        conn.sendall(answer)

    def __enter__(self) -> _DroppingProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
        self.sock.close()
        self._thread.join(timeout=5)


def _read_http(conn: socket.socket) -> bytes:
    """One HTTP message (headers and a Content-Length body)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


@pytest.mark.parametrize(
    "validity",
    [
        Validity.months(1),
        Validity.years(1),
        Validity.end_date(EPOCH + timedelta(days=40, hours=3, seconds=7)),
        Validity.absolute(int((EPOCH + timedelta(days=3)).timestamp())),
    ],
    ids=["months", "years", "end_date", "absolute"],
)
def test_every_validity_type_verifies(
    pca_and_root: tuple[LocalPrivateCA, CertificateAuthorityArn], bundle: Any, validity: Validity
) -> None:
    """The verification's validity rule agrees with the local CA for every type."""
    pca, root = pca_and_root
    issued = Issuer(pca.client(), now=lambda: EPOCH).issue_certificate(
        certificate_authority_arn=root, csr=bundle.csr, validity=validity
    )
    assert issued.not_after == validity.not_after(EPOCH)


def test_issuer_reads_its_injected_wall_clock(
    pca_and_root: tuple[LocalPrivateCA, CertificateAuthorityArn], bundle: Any
) -> None:
    """The preflight judges "in the future" by the Issuer's ``now``, not the system clock."""
    pca, root = pca_and_root
    ends = Validity.absolute(int((EPOCH + timedelta(days=3)).timestamp()))
    before = issued_count(pca, root)
    later = Issuer(pca.client(), now=lambda: EPOCH + timedelta(days=4))
    with pytest.raises(InvalidRequestError, match="not in the future"):
        later.issue_certificate(certificate_authority_arn=root, csr=bundle.csr, validity=ends)
    issued = Issuer(pca.client(), now=lambda: EPOCH).issue_certificate(
        certificate_authority_arn=root, csr=bundle.csr, validity=ends
    )
    assert issued.not_after == EPOCH + timedelta(days=3)
    assert issued_count(pca, root) == before + 1


def test_explicit_not_before_verifies(bundle: Any) -> None:
    """ValidityNotBefore is honoured, and issue() verifies both ends against the request."""
    pca = LocalPrivateCA()
    root = pca.create_root_ca()
    start = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(days=2)
    issued = Issuer(pca.client()).issue_certificate(
        certificate_authority_arn=root,
        csr=bundle.csr,
        validity=Validity.days(30),
        validity_not_before=Validity.absolute(int(start.timestamp())),
    )
    assert issued.not_before == start


def test_many_threads_share_one_issuer(bundle: Any) -> None:
    """One Issuer used from 8 threads at once: 8 certificates, one DescribeCertificateAuthority."""
    pca = LocalPrivateCA()
    root = pca.create_root_ca()
    client = pca.client()
    describes: list[str] = []
    client.meta.events.register(
        "before-call.acm-pca.DescribeCertificateAuthority",
        lambda **_: describes.append("describe"),
    )
    issuer = Issuer(client)
    before = issued_count(pca, root)
    results: list[Any] = []
    start = threading.Barrier(8)

    def work(days: int) -> None:
        start.wait(timeout=10)
        results.append(
            issuer.issue_certificate(
                certificate_authority_arn=root, csr=bundle.csr, validity=Validity.days(days)
            ).arn
        )

    threads = [threading.Thread(target=work, args=(n + 1,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(results)) == 8
    assert issued_count(pca, root) == before + 8
    assert describes == ["describe"]


def test_dates_across_2050(bundle: Any) -> None:
    """A 10-year root made in 2045 ends in 2055 (GeneralizedTime); a certificate ending after 2050
    issues and verifies, and a 12-digit END_DATE keeps meaning 19YY/20YY as UTCTime does."""
    made = datetime(2045, 6, 1, 12, tzinfo=timezone.utc)
    pca = LocalPrivateCA(clock=lambda: made)
    root = pca.create_root_ca()
    issuer = Issuer(pca.client(), now=lambda: made)
    assert issuer.describe(root).not_after == made.replace(year=2055)
    end = datetime(2052, 2, 29, 23, 59, 59, tzinfo=timezone.utc)
    issued = issuer.issue_certificate(
        certificate_authority_arn=root, csr=bundle.csr, validity=Validity.end_date(end)
    )
    assert issued.not_after == end
    assert issued.chain[-1].not_valid_after_utc == made.replace(year=2055)
    assert Validity(491231235959, "END_DATE").not_after(made).year == 2049
    with pytest.raises(InvalidRequestError, match="1950-12-31T23:59:59"):
        issuer.issue_certificate(
            certificate_authority_arn=root,
            csr=bundle.csr,
            validity=Validity(501231235959, "END_DATE"),
        )
