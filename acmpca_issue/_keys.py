"""Private keys of the types AWS Private CA signs, and naming a key's type.

Example::

    from acmpca_issue import KeyAlgorithm, generate_private_key

    key = generate_private_key(KeyAlgorithm.EC_secp384r1)
    assert key_algorithm_of(key) is KeyAlgorithm.EC_secp384r1

ML-DSA needs a cryptography release that can generate ML-DSA keys *and* sign X.509 CSRs with
them; :func:`mldsa_unsupported_reason` detects that once, by trying it, and
:func:`generate_private_key` raises a clear error naming the version needed when it is
missing. SM2 keys cannot be made with cryptography at all.
"""

from __future__ import annotations

import functools
from types import ModuleType
from typing import Any

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.types import (
    CertificateIssuerPrivateKeyTypes,
    CertificatePublicKeyTypes,
)

from acmpca_issue._enums import KeyAlgorithm, coerce_enum
from acmpca_issue.exceptions import InvalidRequestError

__all__ = [
    "ACCEPTED_KEY_ALGORITHMS",
    "MLDSA_MIN_CRYPTOGRAPHY",
    "PrivateKey",
    "generate_private_key",
    "hash_for",
    "key_algorithm_of",
    "mldsa_unsupported_reason",
    "public_key_der",
]

PrivateKey = CertificateIssuerPrivateKeyTypes
"""Any private key cryptography can sign a CSR with (not all of them are accepted by AWS)."""

MLDSA_MIN_CRYPTOGRAPHY = "50.0"
"""The cryptography release this library needs for ML-DSA keys and ML-DSA-signed CSRs."""

_RSA_SIZES = {2048: KeyAlgorithm.RSA_2048, 3072: KeyAlgorithm.RSA_3072, 4096: KeyAlgorithm.RSA_4096}
_SIZE_OF = {algorithm: size for size, algorithm in _RSA_SIZES.items()}
_CURVES: dict[str, KeyAlgorithm] = {
    "secp256r1": KeyAlgorithm.EC_prime256v1,
    "secp384r1": KeyAlgorithm.EC_secp384r1,
    "secp521r1": KeyAlgorithm.EC_secp521r1,
}
_CURVE_OF: dict[KeyAlgorithm, type[ec.EllipticCurve]] = {
    KeyAlgorithm.EC_prime256v1: ec.SECP256R1,
    KeyAlgorithm.EC_secp384r1: ec.SECP384R1,
    KeyAlgorithm.EC_secp521r1: ec.SECP521R1,
}
_MLDSA_CLASSES = {
    KeyAlgorithm.ML_DSA_44: "MLDSA44",
    KeyAlgorithm.ML_DSA_65: "MLDSA65",
    KeyAlgorithm.ML_DSA_87: "MLDSA87",
}

# Hash objects are immutable; share them.
_SHA256, _SHA384, _SHA512 = hashes.SHA256(), hashes.SHA384(), hashes.SHA512()

ACCEPTED_KEY_ALGORITHMS = (
    "RSA 2048, 3072 or 4096 bits; EC P-256 (prime256v1), P-384 (secp384r1) or P-521 "
    "(secp521r1); ML-DSA-44, ML-DSA-65 or ML-DSA-87"
)
"""The CSR key types AWS Private CA signs, as a sentence for error messages."""


def _import_mldsa() -> ModuleType:
    """Import cryptography's ML-DSA module (raises ImportError on releases without it)."""
    from cryptography.hazmat.primitives.asymmetric import mldsa

    return mldsa


@functools.cache
def mldsa_unsupported_reason() -> str | None:
    """Say why ML-DSA CSRs cannot be made here, or return ``None`` when they can.

    The check is real, and done once: import cryptography's ML-DSA module, generate an
    ML-DSA-44 key and sign a CSR with it.
    """
    try:
        mldsa = _import_mldsa()
        probe = mldsa.MLDSA44PrivateKey.generate()
        x509.CertificateSigningRequestBuilder().subject_name(
            x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "probe")])
        ).sign(probe, None)
    except (ImportError, AttributeError, UnsupportedAlgorithm, TypeError, ValueError) as error:
        import cryptography

        return (
            f"ML-DSA keys and CSRs need cryptography >= {MLDSA_MIN_CRYPTOGRAPHY} built with "
            f"ML-DSA support; the installed cryptography {cryptography.__version__} cannot "
            f"({type(error).__name__}: {error})"
        )
    return None


def generate_private_key(
    algorithm: KeyAlgorithm | str = KeyAlgorithm.EC_prime256v1,
) -> PrivateKey:
    """Generate a new private key of a type AWS Private CA signs.

    Args:
        algorithm: a :class:`~acmpca_issue.KeyAlgorithm` or its AWS string (``"RSA_2048"``,
            ``"EC_secp384r1"``, ``"ML_DSA_65"``, ...). RSA keys use the public exponent 65537.

    Returns:
        An ``rsa.RSAPrivateKey``, ``ec.EllipticCurvePrivateKey`` or ML-DSA private key.

    Raises:
        InvalidRequestError: ``algorithm`` is not a key algorithm; it is SM2, which
            cryptography cannot generate; or it is ML-DSA and the installed cryptography cannot
            sign ML-DSA CSRs (the message names the release needed).
    """
    chosen = coerce_enum(KeyAlgorithm, algorithm, "key_algorithm")
    curve = _CURVE_OF.get(chosen)
    if curve is not None:
        return ec.generate_private_key(curve())
    size = _SIZE_OF.get(chosen)
    if size is not None:
        return rsa.generate_private_key(public_exponent=65537, key_size=size)
    if chosen in _MLDSA_CLASSES:
        reason = mldsa_unsupported_reason()
        if reason is not None:
            raise InvalidRequestError(reason, path="key_algorithm")
        key_class = getattr(_import_mldsa(), f"{_MLDSA_CLASSES[chosen]}PrivateKey")
        key: PrivateKey = key_class.generate()
        return key
    raise InvalidRequestError(
        "SM2 keys are not supported by cryptography, so this library cannot generate them or "
        "sign CSRs with them; make the SM2 key and CSR with another tool (e.g. GmSSL) and pass "
        "the CSR as PEM",
        path="key_algorithm",
    )


def key_algorithm_of(key: PrivateKey | CertificatePublicKeyTypes | object) -> KeyAlgorithm | None:
    """Name the key type of a private or public key, or ``None`` if AWS does not sign it.

    RSA keys count only at 2048, 3072 or 4096 bits (the sizes AWS lists), EC keys only on
    P-256, P-384 or P-521; Ed25519, Ed448, DSA, other curves and other sizes give ``None``.
    """
    if isinstance(key, (rsa.RSAPrivateKey, rsa.RSAPublicKey)):
        return _RSA_SIZES.get(key.key_size)
    if isinstance(key, (ec.EllipticCurvePrivateKey, ec.EllipticCurvePublicKey)):
        return _CURVES.get(key.curve.name)
    try:
        mldsa = _import_mldsa()
    except ImportError:
        return None
    for algorithm, prefix in _MLDSA_CLASSES.items():
        classes = (getattr(mldsa, f"{prefix}PrivateKey"), getattr(mldsa, f"{prefix}PublicKey"))
        if isinstance(key, classes):
            return algorithm
    return None


def hash_for(algorithm: KeyAlgorithm) -> hashes.SHA256 | hashes.SHA384 | hashes.SHA512 | None:
    """The hash a CSR signed by a key of ``algorithm`` uses.

    SHA-256 for RSA and P-256, SHA-384 for P-384, SHA-512 for P-521 and none for ML-DSA (it
    signs the message itself).
    """
    if algorithm is KeyAlgorithm.EC_secp384r1:
        return _SHA384
    if algorithm is KeyAlgorithm.EC_secp521r1:
        return _SHA512
    if algorithm in _MLDSA_CLASSES:
        return None
    return _SHA256


def public_key_der(key: Any) -> bytes:
    """The DER SubjectPublicKeyInfo of a public key, the form two keys are compared in."""
    return bytes(
        key.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
