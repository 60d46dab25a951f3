"""Keys and signing for the local Private CA: one record per CA, holding its key in memory.

Example::

    key = generate_key(KeyAlgorithm.EC_prime256v1)
    check_signing_algorithm(KeyAlgorithm.EC_prime256v1, SigningAlgorithm.SHA256WITHECDSA)
    certificate = sign(builder, key, SigningAlgorithm.SHA256WITHECDSA)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, overload

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.types import CertificateIssuerPrivateKeyTypes

from acmpca_issue._enums import KeyAlgorithm, SigningAlgorithm
from acmpca_issue._keys import generate_private_key, public_key_der
from acmpca_issue.exceptions import InvalidRequestError
from acmpca_issue.local._protocol import LocalServiceError

__all__ = [
    "CaRecord",
    "check_signing_algorithm",
    "generate_key",
    "key_matches",
    "sign",
]

_HASHES: dict[str, Callable[[], hashes.SHA256 | hashes.SHA384 | hashes.SHA512]] = {
    "SHA256": hashes.SHA256,
    "SHA384": hashes.SHA384,
    "SHA512": hashes.SHA512,
}


def generate_key(algorithm: KeyAlgorithm) -> CertificateIssuerPrivateKeyTypes:
    """A new private key of ``algorithm``, made by the library's own key generator.

    Raises:
        LocalServiceError: ``InvalidArgsException`` for SM2, which cryptography cannot make,
            and for ML-DSA where the installed cryptography cannot.
    """
    if algorithm is KeyAlgorithm.SM2:
        raise LocalServiceError(
            "InvalidArgsException",
            f"The local Private CA cannot create {algorithm.value} keys (cryptography has no "
            "SM2); use an RSA, EC or ML-DSA key algorithm.",
        )
    try:
        return generate_private_key(algorithm)
    except InvalidRequestError as error:
        raise LocalServiceError("InvalidArgsException", error.problems[0].message) from None


def check_signing_algorithm(key: KeyAlgorithm, algorithm: SigningAlgorithm) -> None:
    """Check that ``algorithm`` fits a CA key of type ``key``.

    Raises:
        LocalServiceError: ``InvalidArgsException`` worded like the service's.
    """
    allowed = key.signing_algorithms()
    if algorithm not in allowed:
        raise LocalServiceError(
            "InvalidArgsException",
            f"Signing algorithm {algorithm.value} cannot be used with key type {key.value}. "
            f"Valid signing algorithms are: {', '.join(a.value for a in allowed)}.",
        )


@overload
def sign(
    builder: x509.CertificateBuilder,
    key: CertificateIssuerPrivateKeyTypes,
    algorithm: SigningAlgorithm,
) -> x509.Certificate: ...
@overload
def sign(
    builder: x509.CertificateSigningRequestBuilder,
    key: CertificateIssuerPrivateKeyTypes,
    algorithm: SigningAlgorithm,
) -> x509.CertificateSigningRequest: ...
def sign(
    builder: x509.CertificateBuilder | x509.CertificateSigningRequestBuilder,
    key: CertificateIssuerPrivateKeyTypes,
    algorithm: SigningAlgorithm,
) -> x509.Certificate | x509.CertificateSigningRequest:
    """Sign a certificate or CSR ``builder`` with ``key`` exactly as ``algorithm`` says.

    RSA uses PKCS#1 v1.5, or PSS with MGF1 of the same hash and a salt as long as the hash for
    the ``_PSS`` algorithms; ECDSA uses the named hash; ML-DSA signs without a separate hash.
    """
    name = algorithm.value
    if name.startswith("ML_DSA_"):
        return builder.sign(key, None)
    digest = _HASHES[name[:6]]()
    if name.endswith("_PSS"):
        pss = padding.PSS(mgf=padding.MGF1(digest), salt_length=digest.digest_size)
        return builder.sign(key, digest, rsa_padding=pss)
    return builder.sign(key, digest)


def key_matches(certificate: x509.Certificate, key: CertificateIssuerPrivateKeyTypes) -> bool:
    """Whether ``certificate`` holds the public half of ``key``."""
    return public_key_der(certificate.public_key()) == public_key_der(key.public_key())


@dataclass(eq=False)
class CaRecord:
    """One CA of the local Private CA. Its key never appears in ``repr``."""

    arn: str
    ca_type: str
    key_algorithm: KeyAlgorithm
    signing_algorithm: SigningAlgorithm
    subject: dict[str, Any]
    subject_name: x509.Name
    usage_mode: str
    key_storage: str
    created_at: datetime
    key: CertificateIssuerPrivateKeyTypes = field(repr=False)
    status: str = "PENDING_CERTIFICATE"
    last_state_change_at: datetime | None = None
    csr_pem: bytes | None = field(default=None, repr=False)
    certificate: x509.Certificate | None = field(default=None, repr=False)
    chain: tuple[x509.Certificate, ...] = field(default=(), repr=False)
    revocation_configuration: dict[str, Any] | None = None
    certificate_pem: str = field(default="", repr=False)
    chain_pem: str = field(default="", repr=False)

    def install(self, certificate: x509.Certificate, chain: tuple[x509.Certificate, ...]) -> None:
        """Keep ``certificate`` (and the chain above it, issuer first) as the CA's own."""
        self.certificate = certificate
        self.chain = chain
        self.certificate_pem = pem(certificate)
        self.chain_pem = "".join(pem(item) for item in chain)

    def issuing_chain_pem(self) -> str:
        """The chain of a certificate this CA issues: its certificate, then the chain above."""
        return self.certificate_pem + self.chain_pem


def pem(certificate: x509.Certificate) -> str:
    """A certificate as PEM text."""
    return certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")
