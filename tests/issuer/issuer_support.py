"""Shared test code for the Issuer tests: a fake clock, a small real CA, canned answers."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import attrs
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

CA_ARN = (
    "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/"
    "12345678-1234-1234-1234-123456789012"
)


@attrs.define
class FakeClock:
    """A monotonic clock that moves only when something sleeps on it."""

    now: float = 1000.0
    sleeps: list[float] = attrs.Factory(list)

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.sleeps.append(seconds)
        self.now += seconds


@attrs.frozen
class MiniCa:
    """A root CA (and optionally an intermediate) made with cryptography, for stubbed answers."""

    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]

    def sign(
        self,
        csr: x509.CertificateSigningRequest,
        *,
        serial: int,
        issued_at: datetime | None = None,
        days: int = 90,
    ) -> x509.Certificate:
        issued = issued_at or datetime.now(timezone.utc)
        builder = x509.CertificateBuilder()
        for extension in csr.extensions:
            builder = builder.add_extension(extension.value, extension.critical)
        return (
            builder.subject_name(csr.subject)
            .issuer_name(self.certificate.subject)
            .public_key(csr.public_key())
            .serial_number(serial)
            .not_valid_before(issued - timedelta(minutes=60))
            .not_valid_after(issued + timedelta(days=days))
            .sign(self.key, hashes.SHA256())
        )

    def answer(self, certificate: x509.Certificate) -> dict[str, str]:
        """A GetCertificate response for ``certificate``."""
        from cryptography.hazmat.primitives.serialization import Encoding

        return {
            "Certificate": certificate.public_bytes(Encoding.PEM).decode(),
            "CertificateChain": "".join(c.public_bytes(Encoding.PEM).decode() for c in self.chain),
        }


def make_ca(name: str = "Test Root", *, parent: MiniCa | None = None) -> MiniCa:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(timezone.utc)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(parent.certificate.subject if parent else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
    )
    certificate = builder.sign(parent.key if parent else key, hashes.SHA256())
    chain = (certificate, *parent.chain) if parent else (certificate,)
    return MiniCa(key, certificate, chain)


def describe_answer(
    *,
    status: str = "ACTIVE",
    key_algorithm: str = "EC_prime256v1",
    signing_algorithm: str = "SHA256WITHECDSA",
    not_after: datetime | None = None,
    usage_mode: str = "GENERAL_PURPOSE",
) -> dict[str, Any]:
    """A DescribeCertificateAuthority response."""
    return {
        "CertificateAuthority": {
            "Arn": CA_ARN,
            "Status": status,
            "Type": "ROOT",
            "UsageMode": usage_mode,
            "NotAfter": not_after or datetime.now(timezone.utc) + timedelta(days=3650),
            "CertificateAuthorityConfiguration": {
                "KeyAlgorithm": key_algorithm,
                "SigningAlgorithm": signing_algorithm,
                "Subject": {"CommonName": "Test Root"},
            },
        }
    }
