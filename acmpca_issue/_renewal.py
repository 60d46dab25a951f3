"""The request that renews an issued certificate: same subject, names, template and lifetime.

What "the same" means, by what is known:

- When the Issuer issued the certificate (``issued.request`` is set), the new CSR has the old
  CSR's subject and every one of its extensions (SANs, key usage, ...), and the request reuses
  its template ARN, ApiPassthrough and signing algorithm. A relative validity (DAYS, MONTHS,
  YEARS) is reused as it is; a fixed end (END_DATE, ABSOLUTE) becomes the same length from now.
- When it is not known (a certificate fetched with ``get_certificate`` or loaded from PEM), the
  new CSR has the certificate's subject and SANs; the template is the service's default
  (``EndEntityCertificate/V1``), the signing algorithm the CA's configured one, and the
  validity the certificate's length: NotAfter minus NotBefore minus the service's 60-minute
  backdate, as whole days when it is that, else as an ABSOLUTE end that far from now.
  Extensions a template or ApiPassthrough added cannot be told from the certificate; renew a
  certificate the Issuer issued, or issue anew with the request, to keep them.

The key is new, of the old key's type (RSA size, EC curve, ML-DSA level), unless one is given.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from cryptography import x509

from acmpca_issue._enums import SigningAlgorithm, ValidityType
from acmpca_issue._issued import BACKDATE, IssuedCertificate
from acmpca_issue._keys import generate_private_key, hash_for, key_algorithm_of
from acmpca_issue._request import IssueCertificateRequest
from acmpca_issue._validity import Validity
from acmpca_issue.exceptions import InvalidRequestError

__all__ = ["renewal_request"]

_RELATIVE = (ValidityType.DAYS, ValidityType.MONTHS, ValidityType.YEARS)
_DAY = timedelta(days=1)
# How far from a whole number of days a lifetime may be and still count as days: the service's
# clock and the backdate are exact, so a few minutes covers any rounding.
_SLACK = timedelta(minutes=5)


def renewal_request(
    issued: IssuedCertificate,
    *,
    private_key: Any,
    validity: Validity | None,
    signing_algorithm: SigningAlgorithm | str,
    now: datetime,
) -> tuple[IssueCertificateRequest, Any]:
    """The request that renews ``issued``, and the private key its CSR is signed with.

    Raises:
        InvalidRequestError: ``private_key`` is not a key Private CA signs, or the old key's
            type cannot be generated here (pass ``private_key``).
    """
    key = _key(issued, private_key)
    earlier = issued.request
    builder = x509.CertificateSigningRequestBuilder()
    if earlier is not None:
        builder = builder.subject_name(earlier.csr.subject)
        for extension in earlier.csr.extensions:
            builder = builder.add_extension(extension.value, extension.critical)
    else:
        builder = builder.subject_name(issued.certificate.subject)
        try:
            san = issued.certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName)
        except x509.ExtensionNotFound:
            pass
        else:
            builder = builder.add_extension(san.value, san.critical)
    algorithm = key_algorithm_of(key)
    assert algorithm is not None  # noqa: S101 - _key returns only keys Private CA signs
    csr = builder.sign(key, hash_for(algorithm))
    request = IssueCertificateRequest(
        certificate_authority_arn=issued.arn.certificate_authority_arn,
        csr=csr,
        signing_algorithm=signing_algorithm,
        validity=validity if validity is not None else _same_length(issued, now),
        template_arn=None if earlier is None else earlier.template_arn,
        api_passthrough=None if earlier is None else earlier.api_passthrough,
    )
    return request, key


def _key(issued: IssuedCertificate, private_key: Any) -> Any:
    if private_key is not None:
        key = getattr(private_key, "private_key", private_key)  # a CsrBundle or a key
        if key_algorithm_of(key) is None:
            raise InvalidRequestError(
                f"a {type(key).__name__} is not a key Private CA signs; pass an RSA, EC or "
                "ML-DSA private key or a CsrBundle",
                path="private_key",
            )
        return key
    algorithm = key_algorithm_of(issued.certificate.public_key())
    if algorithm is None:
        raise InvalidRequestError(
            "the certificate's key is of a type this library cannot generate; pass the new "
            "private_key",
            path="private_key",
        )
    return generate_private_key(algorithm)


def _same_length(issued: IssuedCertificate, now: datetime) -> Validity:
    earlier = issued.request
    if earlier is not None and earlier.validity.type in _RELATIVE:
        return earlier.validity
    backdated = earlier is None or earlier.validity_not_before is None
    length = issued.lifetime - (BACKDATE if backdated else timedelta(0))
    days = round(length / _DAY)
    if days >= 1 and abs(length - days * _DAY) <= _SLACK:
        return Validity.days(days)
    return Validity.absolute(int((now + length).timestamp()))
