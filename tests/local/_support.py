"""Helpers for the local Private CA engine tests: a movable clock, CSRs and one-call issuance."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from acmpca_issue.local import LocalPrivateCA
from acmpca_issue.local._engine import Engine

START = datetime(2026, 11, 27, 12, 0, 0, tzinfo=timezone.utc)
_KEY = ec.generate_private_key(ec.SECP256R1())


class FakeClock:
    """A clock that only moves when told to."""

    def __init__(self, start: datetime = START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def make_csr(
    common_name: str | None = "svc.example.com",
    sans: Sequence[str] = ("svc.example.com",),
    *,
    extensions: Sequence[tuple[x509.ExtensionType, bool]] = (),
    key: Any = None,
) -> bytes:
    """A PEM CSR (EC P-256 unless ``key`` is given)."""
    attributes = (
        [] if common_name is None else [x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    )
    builder = x509.CertificateSigningRequestBuilder().subject_name(x509.Name(attributes))
    if sans:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(name) for name in sans]), critical=False
        )
    for value, critical in extensions:
        builder = builder.add_extension(value, critical=critical)
    csr = builder.sign(key or _KEY, hashes.SHA256())
    return csr.public_bytes(serialization.Encoding.PEM)


CSR = make_csr()


def issue_params(ca_arn: object, **overrides: Any) -> dict[str, Any]:
    """IssueCertificate params with sensible defaults (EC CA, 30 days)."""
    params: dict[str, Any] = {
        "CertificateAuthorityArn": str(ca_arn),
        "Csr": CSR,
        "SigningAlgorithm": "SHA256WITHECDSA",
        "Validity": {"Value": 30, "Type": "DAYS"},
    }
    params.update(overrides)
    return {key: value for key, value in params.items() if value is not None}


def issue(engine: Engine, ca_arn: object, **overrides: Any) -> x509.Certificate:
    """Issue and fetch one certificate through ``engine.handle``."""
    arn = engine.handle("IssueCertificate", issue_params(ca_arn, **overrides))["CertificateArn"]
    got = engine.handle(
        "GetCertificate", {"CertificateAuthorityArn": str(ca_arn), "CertificateArn": arn}
    )
    return x509.load_pem_x509_certificate(got["Certificate"].encode())


def template(name: str) -> str:
    """The ARN of an AWS template."""
    return f"arn:aws:acm-pca:::template/{name}/V1"


def new_pca(**options: Any) -> tuple[LocalPrivateCA, FakeClock]:
    """A local Private CA on a fake clock."""
    clock = FakeClock()
    return LocalPrivateCA(clock=clock, **options), clock
