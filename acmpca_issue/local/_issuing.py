"""The rules of IssueCertificate for the local Private CA, as functions of the request and CA.

The engine keeps the state (idempotency tokens, serials, records); this module reads the
request as the service does and makes the certificate: the CSR (as strictly as the service),
the template, ApiPassthrough, the validity window and the signed X.509.

Example::

    csr = service_csr(params["Csr"])
    not_before, not_after = validity_window(params, ca, now, exempt=False, ca_certificate=False)
    certificate = make_certificate(
        ca, csr, template_of(None), None,
        serial=serial, not_before=not_before, not_after=not_after,
        algorithm=SigningAlgorithm.SHA256WITHECDSA,
    )
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from cryptography import x509

from acmpca_issue._arn import TemplateArn
from acmpca_issue._csr_load import load_csr
from acmpca_issue._enums import SigningAlgorithm, ValidityType
from acmpca_issue._passthrough import ApiPassthrough
from acmpca_issue._validity import Validity
from acmpca_issue.exceptions import InvalidRequestError
from acmpca_issue.local._ca import CaRecord, sign
from acmpca_issue.local._protocol import LocalServiceError
from acmpca_issue.local._x509 import certificate_extensions, subject_name

__all__ = [
    "BACKDATE",
    "SHORT_LIVED_MAX",
    "make_certificate",
    "passthrough_of",
    "service_csr",
    "template_of",
    "validity_window",
]

#: How far the default NotBefore is set back from the time of issuance.
BACKDATE = timedelta(minutes=60)
#: The longest validity a SHORT_LIVED_CERTIFICATE CA issues.
SHORT_LIVED_MAX = timedelta(days=7)


def _fail(code: str, message: str) -> LocalServiceError:
    return LocalServiceError(code, message)


_PEM_BEGIN = b"-----BEGIN CERTIFICATE REQUEST-----"
_PEM_END = b"-----END CERTIFICATE REQUEST-----"


def service_csr(data: bytes | str) -> x509.CertificateSigningRequest:
    """The CSR of an IssueCertificate call, read as strictly as the service reads it.

    The service takes exactly one PEM block with the ``CERTIFICATE REQUEST`` label: DER bytes,
    a ``NEW CERTIFICATE REQUEST`` label (Windows output) or text around the block are
    MalformedCSRException there, though :func:`~acmpca_issue.load_csr` repairs them on the
    client side. Then the same rules as ``load_csr`` apply (signature, key type, names, size).
    """
    text = (data.encode() if isinstance(data, str) else bytes(data)).strip()
    if (
        not (text.startswith(_PEM_BEGIN) and text.endswith(_PEM_END))
        or text.count(b"-----BEGIN") != 1
    ):
        raise _fail(
            "MalformedCSRException",
            "The CSR must be exactly one PEM block from -----BEGIN CERTIFICATE REQUEST----- to "
            "-----END CERTIFICATE REQUEST----- (not DER, not a NEW CERTIFICATE REQUEST label).",
        )
    try:
        return load_csr(text)
    except InvalidRequestError as error:
        raise _fail("MalformedCSRException", str(error)) from None


def template_of(text: object) -> TemplateArn:
    """The template of a request (``EndEntityCertificate/V1`` when none is named).

    Raises:
        LocalServiceError: ``InvalidArnException`` for a malformed template ARN.
    """
    if text is None:
        return TemplateArn.of("EndEntityCertificate")
    try:
        return TemplateArn.parse(text)
    except InvalidRequestError as error:
        raise _fail("InvalidArnException", f"Invalid template ARN: {error}") from None


def passthrough_of(params: dict[str, Any], template: TemplateArn) -> ApiPassthrough | None:
    """The request's ApiPassthrough, or ``None`` when the template ignores it (as the service).

    Raises:
        LocalServiceError: ``InvalidArgsException`` for invalid ApiPassthrough.
    """
    if not template.accepts_api_passthrough or params.get("ApiPassthrough") is None:
        return None
    try:
        return ApiPassthrough.from_api(params["ApiPassthrough"])
    except InvalidRequestError as error:
        raise _fail("InvalidArgsException", f"Invalid ApiPassthrough: {error}") from None


def validity_window(
    params: dict[str, Any],
    ca: CaRecord,
    now: datetime,
    *,
    exempt: bool,
    ca_certificate: bool,
) -> tuple[datetime, datetime]:
    """NotBefore and NotAfter of a certificate issued at ``now``, by the service's rules.

    ``exempt`` skips the CA's own limits (a root signing its own certificate);
    ``ca_certificate`` makes the CA's NotAfter a strict limit (a CA certificate must end
    before its issuer does).

    Raises:
        LocalServiceError: ``InvalidArgsException`` for unreadable values,
            ``ValidationException`` for a window the service refuses.
    """
    try:
        not_after = Validity.from_api(params["Validity"]).not_after(now)
    except InvalidRequestError as error:
        raise _fail("InvalidArgsException", f"Invalid Validity: {error}") from None
    not_before = now - BACKDATE
    raw_before = params.get("ValidityNotBefore")
    if raw_before is not None:
        try:
            before = Validity.from_api(raw_before)
        except InvalidRequestError as error:
            raise _fail("InvalidArgsException", f"Invalid ValidityNotBefore: {error}") from None
        if before.type is not ValidityType.ABSOLUTE:
            raise _fail(
                "InvalidArgsException",
                f"ValidityNotBefore must have Type ABSOLUTE, got {before.type.value}.",
            )
        not_before = before.not_after(now)
    if not_after <= now:
        raise _fail(
            "ValidationException",
            f"The validity end {not_after:%Y-%m-%dT%H:%M:%SZ} is not in the future.",
        )
    if not_before >= not_after:
        raise _fail(
            "ValidationException",
            f"ValidityNotBefore {not_before:%Y-%m-%dT%H:%M:%SZ} must be earlier than the "
            f"validity end {not_after:%Y-%m-%dT%H:%M:%SZ}.",
        )
    if exempt:
        return not_before, not_after
    # A CA certificate must end strictly before its issuer does; any other certificate
    # may end exactly when the CA does.
    if (
        ca_certificate
        and ca.certificate is not None
        and not_after >= ca.certificate.not_valid_after_utc
    ):
        raise _fail(
            "ValidationException",
            "The validity of a CA certificate must end before the issuing certificate "
            f"authority's: {not_after:%Y-%m-%dT%H:%M:%SZ} is not before the CA's NotAfter "
            f"{ca.certificate.not_valid_after_utc:%Y-%m-%dT%H:%M:%SZ}.",
        )
    if ca.certificate is not None and not_after > ca.certificate.not_valid_after_utc:
        raise _fail(
            "ValidationException",
            "The certificate validity specified exceeds the certificate authority validity: "
            f"{not_after:%Y-%m-%dT%H:%M:%SZ} is after the CA's NotAfter "
            f"{ca.certificate.not_valid_after_utc:%Y-%m-%dT%H:%M:%SZ}.",
        )
    if ca.usage_mode == "SHORT_LIVED_CERTIFICATE" and not_after - now > SHORT_LIVED_MAX:
        raise _fail(
            "ValidationException",
            "A CA in SHORT_LIVED_CERTIFICATE mode issues certificates valid for at most "
            f"7 days; the requested validity ends {not_after:%Y-%m-%dT%H:%M:%SZ}.",
        )
    return not_before, not_after


def make_certificate(
    ca: CaRecord,
    csr: x509.CertificateSigningRequest,
    template: TemplateArn,
    passthrough: ApiPassthrough | None,
    *,
    serial: int,
    not_before: datetime,
    not_after: datetime,
    algorithm: SigningAlgorithm,
) -> x509.Certificate:
    """The certificate ``ca`` issues for ``csr``, signed with ``algorithm``.

    Raises:
        LocalServiceError: ``InvalidArgsException`` for a value X.509 cannot encode.
    """
    subject = csr.subject
    if passthrough is not None and passthrough.subject is not None:
        subject = subject_name(passthrough.subject)
    issuer = ca.certificate.subject if ca.certificate is not None else ca.subject_name
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(csr.public_key())
        .serial_number(serial)
        .not_valid_before(not_before)
        .not_valid_after(not_after)
    )
    extensions = certificate_extensions(
        template,
        csr,
        api=passthrough.extensions if passthrough is not None else None,
        subject_key=csr.public_key(),
        issuer_certificate=ca.certificate,
        issuer_key=ca.key.public_key(),
        empty_subject=not len(subject),
    )
    for extension in extensions:
        builder = builder.add_extension(extension.value, extension.critical)
    try:
        certificate = sign(builder, ca.key, algorithm)
    except ValueError as error:
        # A value the checks above let through but X.509 cannot encode.
        raise _fail("InvalidArgsException", f"The certificate cannot be encoded: {error}") from None
    return certificate
