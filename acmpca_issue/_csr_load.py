"""Load a certificate signing request and check it against every rule Private CA enforces.

Example::

    from acmpca_issue import load_csr

    csr = load_csr(Path("csr.pem"))  # raises InvalidCsrError for what Private CA rejects

Kept apart from the CSR builder (:mod:`acmpca_issue._csr`) so that a request can be checked
without loading what building one needs.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import warnings
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID

from acmpca_issue._enums import KeyAlgorithm
from acmpca_issue._keys import ACCEPTED_KEY_ALGORITHMS, key_algorithm_of
from acmpca_issue.exceptions import InvalidCsrError

__all__ = ["MAX_COMMON_NAME", "MAX_CSR_PEM_BYTES", "csr_key_algorithm", "load_csr"]

MAX_CSR_PEM_BYTES = 32768
"""The largest CSR Private CA takes (``CsrBlob`` max), measured on the canonical PEM."""

MAX_COMMON_NAME = 64
"""RFC 5280's upper bound for a common name, which Private CA enforces."""


def csr_key_algorithm(csr: x509.CertificateSigningRequest) -> KeyAlgorithm:
    """Name the type of a CSR's key.

    Raises:
        InvalidCsrError: the key is of a type Private CA does not sign (RSA under 2048 bits or
            of another size than 2048/3072/4096, curves other than P-256/P-384/P-521,
            Ed25519, Ed448, DSA, ...); the message lists what is accepted.
    """
    try:
        key = csr.public_key()
    except (ValueError, UnsupportedAlgorithm) as error:
        raise InvalidCsrError(
            f"the CSR's key cannot be read ({error}); Private CA signs {ACCEPTED_KEY_ALGORITHMS}"
        ) from None
    algorithm = key_algorithm_of(key)
    if algorithm is None:
        raise InvalidCsrError(
            f"the CSR's key is {_describe_key(key)}, which Private CA does not sign; it signs "
            f"{ACCEPTED_KEY_ALGORITHMS}"
        )
    return algorithm


def _describe_key(key: object) -> str:
    size = getattr(key, "key_size", None)
    curve = getattr(key, "curve", None)
    kind = type(key).__name__.replace("PublicKey", "").replace("_", "")
    if curve is not None:
        return f"EC on curve {curve.name}"
    if size is not None:
        return f"{kind} with {size} bits"
    return kind


_PEM_BEGIN = b"-----BEGIN"


def load_csr(
    data: str | bytes | bytearray | memoryview | os.PathLike[str] | x509.CertificateSigningRequest,
) -> x509.CertificateSigningRequest:
    """Load a CSR and check it against every rule Private CA enforces.

    Args:
        data: PEM text (``str``) or PEM/DER ``bytes``; a ``pathlib.Path`` (or other
            ``os.PathLike``) of a PEM or DER file; or a CSR object. A plain ``str`` is always
            content, never a file name: wrap file names in ``Path``. ``NEW CERTIFICATE
            REQUEST`` headers (Windows tools) are accepted and normalised.

    Returns:
        The CSR; its ``public_bytes(PEM)`` is what Private CA wants.

    Raises:
        InvalidCsrError: with one problem (path ``""``) per broken rule: not a CSR
            (garbage, another PEM type, unreadable file), base64-encoded once too often, a
            signature that does not verify, over 32768 bytes as PEM, neither subject nor SAN,
            an empty subject with a non-critical SAN, a common name over 64 characters, or a
            key type Private CA does not sign.
    """
    csr = _parse(data)
    problems: list[str] = []
    try:
        if not csr.is_signature_valid:
            problems.append("the CSR's signature does not verify (it was altered or mis-signed)")
    except (ValueError, UnsupportedAlgorithm, TypeError) as error:
        problems.append(f"the CSR's signature cannot be checked ({error})")
    size = len(csr.public_bytes(serialization.Encoding.PEM))
    if size > MAX_CSR_PEM_BYTES:
        problems.append(
            f"the CSR is {size} bytes as PEM, over Private CA's limit of {MAX_CSR_PEM_BYTES}"
        )
    try:
        csr_key_algorithm(csr)
    except InvalidCsrError as error:
        problems.extend(p.message for p in error.problems)
    problems.extend(_name_problems(csr))
    if problems:
        raise InvalidCsrError([("", message) for message in problems])
    return csr


def _name_problems(csr: x509.CertificateSigningRequest) -> list[str]:
    try:
        with warnings.catch_warnings():
            # cryptography warns about over-long attributes while parsing; they are reported
            # below as problems instead.
            warnings.simplefilter("ignore", UserWarning)
            subject = csr.subject
        extensions = csr.extensions
    except ValueError as error:
        return [f"the CSR's subject or extensions cannot be parsed ({error})"]
    try:
        san = extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        san = None
    problems = []
    if not len(subject) and san is None:
        problems.append(
            "the CSR has neither a subject nor a subject alternative name; Private CA needs one"
        )
    elif not len(subject) and san is not None and not san.critical:
        problems.append(
            "the CSR has an empty subject, so its subject alternative name extension must be "
            "marked critical (RFC 5280; Private CA answers MalformedCSRException)"
        )
    for attribute in subject.get_attributes_for_oid(NameOID.COMMON_NAME):
        if len(str(attribute.value)) > MAX_COMMON_NAME:
            problems.append(
                f"the CSR's common name is {len(str(attribute.value))} characters, over the "
                f"{MAX_COMMON_NAME} Private CA allows; put the name in a SAN instead"
            )
    return problems


def _parse(data: object) -> x509.CertificateSigningRequest:
    if isinstance(data, x509.CertificateSigningRequest):
        return data
    if isinstance(data, os.PathLike):
        try:
            raw = Path(data).read_bytes()
        except OSError as error:
            raise InvalidCsrError(f"cannot read the CSR file: {error}") from None
        return _parse_bytes(raw)
    if isinstance(data, str):
        if "-----BEGIN" not in data:
            _refuse_double_base64(data.encode("utf-8", "replace"))
            raise InvalidCsrError(
                "a str must be PEM text (-----BEGIN CERTIFICATE REQUEST-----); to read a file, "
                "pass a pathlib.Path"
            )
        return _parse_bytes(data.encode("utf-8", "replace"))
    if isinstance(data, (bytes, bytearray, memoryview)):
        return _parse_bytes(bytes(data))
    raise InvalidCsrError(
        f"must be PEM str/bytes, DER bytes, a pathlib.Path or an x509.CertificateSigningRequest,"
        f" got {type(data).__name__}"
    )


def _parse_bytes(raw: bytes) -> x509.CertificateSigningRequest:
    if _PEM_BEGIN in raw:
        return _parse_pem(raw)
    try:
        return x509.load_der_x509_csr(raw)
    except x509.InvalidVersion as error:  # not a ValueError
        raise _bad_version(error) from None
    except ValueError:
        pass
    _refuse_double_base64(raw)
    raise InvalidCsrError("not a CSR: neither PEM nor DER (the data is not a certificate request)")


def _bad_version(error: x509.InvalidVersion) -> InvalidCsrError:
    return InvalidCsrError(
        f"not a valid CSR: its version field is {error.parsed_version}; "
        "a CSR is version 1 (encoded as 0)"
    )


_PEM_BLOCK = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----\s*(.*?)\s*-----END \1-----", re.DOTALL)


def _parse_pem(raw: bytes) -> x509.CertificateSigningRequest:
    raw = raw.replace(b"NEW CERTIFICATE REQUEST-----", b"CERTIFICATE REQUEST-----")
    blocks = list(_PEM_BLOCK.finditer(raw))
    if not blocks:
        raise InvalidCsrError("not a CSR: the PEM block is incomplete or its END line is wrong")
    block = next((b for b in blocks if b.group(1) == b"CERTIFICATE REQUEST"), None)
    if block is None:
        kinds = ", ".join(sorted({b.group(1).decode("ascii") for b in blocks}))
        raise InvalidCsrError(f"not a CSR: the PEM holds {kinds}, not a CERTIFICATE REQUEST")
    try:
        return x509.load_pem_x509_csr(block.group(0))
    except x509.InvalidVersion as error:  # not a ValueError
        raise _bad_version(error) from None
    except ValueError as error:
        _refuse_if_csr(_b64decode(block.group(2)) or b"")
        raise InvalidCsrError(f"not a CSR: the PEM block does not hold one ({error})") from None


def _b64decode(text: bytes) -> bytes | None:
    try:
        return base64.b64decode(b"".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        return None


def _refuse_double_base64(raw: bytes) -> None:
    """Raise if ``raw`` is base64 of a PEM or DER CSR (the AWS CLI v2 ``file://`` trap)."""
    decoded = _b64decode(raw)
    if decoded is not None:
        _refuse_if_csr(decoded)


def _refuse_if_csr(decoded: bytes) -> None:
    """Raise if ``decoded`` (data found under one base64 layer too many) is itself a CSR."""
    if b"-----BEGIN" in decoded and b"CERTIFICATE REQUEST-----" in decoded:
        found = True
    else:
        try:
            x509.load_der_x509_csr(decoded)
            found = True
        except ValueError:
            found = False
    if found:
        raise InvalidCsrError(
            "the CSR was base64-encoded once too often: pass the PEM itself (the AWS CLI v2 "
            "base64-decodes blobs given as text; use fileb:// or --cli-binary-format "
            "raw-in-base64-out there)"
        )
