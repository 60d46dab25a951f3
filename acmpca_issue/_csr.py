"""CSRs and keys. (Minimal first cut; the CSR toolkit replaces it.)"""

from __future__ import annotations

from cryptography import x509

from acmpca_issue.exceptions import InvalidCsrError

__all__ = ["load_csr"]


def load_csr(data: object) -> x509.CertificateSigningRequest:
    """Load a CSR from PEM ``str``/``bytes``, DER ``bytes`` or an object; raises InvalidCsrError."""
    if isinstance(data, x509.CertificateSigningRequest):
        csr = data
    elif isinstance(data, (str, bytes)):
        raw = data.encode() if isinstance(data, str) else data
        try:
            csr = (
                x509.load_pem_x509_csr(raw)
                if raw.lstrip().startswith(b"-----")
                else x509.load_der_x509_csr(raw)
            )
        except ValueError as error:
            raise InvalidCsrError(f"not a CSR: {error}") from None
    else:
        raise InvalidCsrError(f"must be PEM, DER or a CSR object, got {type(data).__name__}")
    if not csr.is_signature_valid:
        raise InvalidCsrError("the CSR's signature does not verify")
    return csr
