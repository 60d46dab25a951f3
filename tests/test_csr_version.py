"""A CSR whose version field is not 0 is InvalidCsrError, never cryptography's InvalidVersion."""

from __future__ import annotations

import base64
from collections.abc import Callable

import pytest
from cryptography.hazmat.primitives import serialization

from acmpca_issue import InvalidCsrError, build_csr, load_csr


def _with_version(version: int) -> bytes:
    """A DER CSR whose CertificationRequestInfo version INTEGER is ``version`` (one byte)."""
    der = build_csr("a.example").csr.public_bytes(serialization.Encoding.DER)
    at = der.index(b"\x02\x01\x00")  # the first INTEGER is the version
    return der[:at] + bytes([2, 1, version]) + der[at + 3 :]


def _pem(der: bytes) -> bytes:
    body = base64.encodebytes(der)
    return b"-----BEGIN CERTIFICATE REQUEST-----\n" + body + b"-----END CERTIFICATE REQUEST-----\n"


@pytest.mark.parametrize("encode", [bytes, _pem], ids=["der", "pem"])
def test_bad_version_is_invalid_csr(encode: Callable[[bytes], bytes]) -> None:
    """Both encodings name the version found and the one allowed."""
    data = encode(_with_version(4))
    with pytest.raises(InvalidCsrError, match="version field is 4; a CSR is version 1"):
        load_csr(data)
