"""Fixtures shared by every test module: real keys and CSRs, made once per session.

``pytest --travel-to 2051-03-01`` runs the session with the wall clock moved (time-machine:
``time.time``, ``datetime.now`` and friends; ``time.monotonic`` keeps running), so CI can show
that no test depends on today's date. Python child processes move with it (tests/travel); other
programs (openssl, node) keep the real clock.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from hypothesis import HealthCheck, settings

from acmpca_issue.exceptions import InvalidRequestError, ServiceError
from tests.keytypes import MLDSA_REFUSED

# CI's matrix legs run side by side on a shared machine, where drawing an example can stall for
# a second: `--hypothesis-profile=shared-machine` keeps that from failing a test.
settings.register_profile(
    "shared-machine", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--travel-to DATE``: the wall clock the whole session runs at."""
    parser.addoption(
        "--travel-to",
        metavar="DATE",
        default=None,
        help="move the wall clock to DATE (ISO 8601, UTC unless it names a zone) for the "
        "whole session; it keeps ticking from there",
    )


def _travel_destination(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise pytest.UsageError(f"--travel-to: not an ISO 8601 date or time: {text!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def pytest_configure(config: pytest.Config) -> None:
    """Start the time travel asked for by ``--travel-to`` before any test module is imported."""
    config.addinivalue_line(
        "markers",
        "mldsa: needs ML-DSA keys; with a cryptography that has none, the test must fail with "
        "the library's own refusal (InvalidRequestError or the local CA's InvalidArgsException)",
    )
    text = config.getoption("--travel-to")
    if text:
        import time_machine

        destination = _travel_destination(text)
        os.environ["ACMPCA_ISSUE_TRAVEL"] = f"{destination.timestamp()}:{time.time()}"
        children = str(Path(__file__).parent / "travel")
        os.environ["PYTHONPATH"] = os.pathsep.join(
            [children, *filter(None, [os.environ.get("PYTHONPATH")])]
        )
        traveller = time_machine.travel(destination, tick=True)
        traveller.start()
        config.add_cleanup(traveller.stop)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Without ML-DSA in cryptography, an ``mldsa`` test is expected to hit the library's clear
    refusal: any other outcome, passing included, fails the run."""
    if MLDSA_REFUSED is None:
        return
    from botocore.exceptions import ClientError

    from acmpca_issue.local._protocol import LocalServiceError

    refusal = pytest.mark.xfail(
        raises=(InvalidRequestError, ServiceError, LocalServiceError, ClientError),
        strict=True,
        reason=f"refused as it should be: {MLDSA_REFUSED}",
    )
    for item in items:
        if item.get_closest_marker("mldsa"):
            item.add_marker(refusal)


def pytest_report_header(config: pytest.Config) -> str | None:
    """Say in the header when the clock was moved."""
    text = config.getoption("--travel-to")
    if text:
        return f"wall clock moved to {_travel_destination(text).isoformat()} (--travel-to)"
    return None


CA_ARN = (
    "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/"
    "12345678-1234-1234-1234-123456789012"
)


@pytest.fixture(scope="session")
def ec_key() -> ec.EllipticCurvePrivateKey:
    """An EC P-256 private key."""
    return ec.generate_private_key(ec.SECP256R1())


@pytest.fixture(scope="session")
def csr(ec_key: ec.EllipticCurvePrivateKey) -> x509.CertificateSigningRequest:
    """A CSR for CN=svc.example.com with a DNS SAN, signed by ``ec_key``."""
    return (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "svc.example.com")]))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("svc.example.com")]), critical=False
        )
        .sign(ec_key, hashes.SHA256())
    )


@pytest.fixture(scope="session")
def csr_pem(csr: x509.CertificateSigningRequest) -> bytes:
    """``csr`` as canonical PEM bytes."""
    return csr.public_bytes(serialization.Encoding.PEM)


@pytest.fixture
def ca_arn() -> str:
    """A well-formed CA ARN in the aws partition."""
    return CA_ARN


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """The endpoint URL of a moto server on 127.0.0.1 (an independent acm-pca implementation)."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def _no_real_aws(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Fake credentials and no shared config, so nothing can reach or sign for real AWS.

    Also guards the test process against ``import awscli``, which swaps in the botocore copy that
    awscli carries and its older service models: the AWS CLI runs only in child processes.
    """
    assert "awscli" not in sys.modules, "awscli was imported in the test process"
    home = tmp_path_factory.getbasetemp() / "aws-home"
    home.mkdir(exist_ok=True)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(home / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)


@pytest.fixture
def no_aws_setup(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """A newcomer's machine: no AWS_* variables, and empty AWS config and credentials files.

    Instance metadata is off too, so a missing credential is found without any network.
    """
    import os

    for name in [name for name in os.environ if name.startswith("AWS_")]:
        monkeypatch.delenv(name)
    home = tmp_path_factory.mktemp("aws-home")
    (home / "config").touch()
    (home / "credentials").touch()
    monkeypatch.setenv("AWS_CONFIG_FILE", str(home / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
