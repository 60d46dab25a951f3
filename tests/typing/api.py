"""Type-checked use of the request model's public API; NOT meant to be executed.

``mypy --strict`` checks this file; pytest never collects it (no ``test_`` prefix).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

from cryptography import x509

from acmpca_issue import (
    ApiPassthrough,
    CertificateArn,
    CertificateAuthorityArn,
    CustomExtension,
    ExtendedKeyUsage,
    ExtendedKeyUsageType,
    Extensions,
    GeneralName,
    InvalidRequestError,
    IssueCertificateRequest,
    KeyUsage,
    SigningAlgorithm,
    Subject,
    TemplateArn,
    Validity,
    ValidityType,
    parse_certificate_arn,
)

if TYPE_CHECKING:
    from mypy_boto3_acm_pca.client import ACMPCAClient
    from mypy_boto3_acm_pca.type_defs import IssueCertificateRequestTypeDef


def validity_forms(now: datetime) -> list[Validity]:
    return [
        Validity(365, ValidityType.DAYS),
        Validity(365, "DAYS"),
        Validity.days(90),
        Validity.months(1),
        Validity.years(1),
        Validity.end_date(now + timedelta(days=30)),
        Validity.absolute(now),
        Validity.absolute(2524608000),
        Validity.from_timedelta(timedelta(hours=12), now=now),
        Validity.parse("Value=365,Type=DAYS"),
        Validity.from_api({"Value": 1, "Type": "YEARS"}),
    ]


def expiry(validity: Validity) -> datetime:
    value: int = validity.value
    kind: ValidityType = validity.type
    print(value, kind)
    return validity.not_after(datetime.now(timezone.utc))


def passthrough() -> ApiPassthrough:
    return ApiPassthrough(
        subject=Subject(common_name="svc.example.com", country="US"),
        extensions=Extensions(
            subject_alternative_names=[GeneralName.dns("svc.example.com"), {"IpAddress": "::1"}],
            extended_key_usage=[ExtendedKeyUsage(extended_key_usage_type="SERVER_AUTH")],
            key_usage=KeyUsage(digital_signature=True),
            custom_extensions=[CustomExtension(object_identifier="1.2.3", value=b"\x05\x00")],
        ),
    )


def build(
    ca_arn: str, csr: x509.CertificateSigningRequest | bytes | str
) -> IssueCertificateRequest:
    request = IssueCertificateRequest(
        certificate_authority_arn=ca_arn,
        csr=csr,
        signing_algorithm=SigningAlgorithm.SHA256WITHECDSA,
        validity=Validity.days(30),
        template_arn=TemplateArn.of("EndEntityCertificate_APIPassthrough"),
        api_passthrough=passthrough(),
        idempotency_token="token",
    )
    arn: CertificateAuthorityArn = request.certificate_authority_arn
    template: TemplateArn | None = request.template_arn
    algorithm: SigningAlgorithm = request.signing_algorithm
    names: tuple[GeneralName, ...] | None = (
        request.api_passthrough.extensions.subject_alternative_names
        if request.api_passthrough and request.api_passthrough.extensions
        else None
    )
    kind: ExtendedKeyUsageType | None = ExtendedKeyUsage(
        extended_key_usage_type="CLIENT_AUTH"
    ).extended_key_usage_type
    print(arn, template, algorithm, names, kind)
    return request.evolve(idempotency_token="other")


def send(client: ACMPCAClient, request: IssueCertificateRequest) -> str:
    params: IssueCertificateRequestTypeDef = request.to_api()
    answer = client.issue_certificate(**params)
    return answer["CertificateArn"]


def reread(request: IssueCertificateRequest) -> IssueCertificateRequest:
    text: str = request.to_cli_json()
    try:
        return IssueCertificateRequest.from_cli_json(text)
    except InvalidRequestError as error:
        for path, message in error.problems:
            print(path, message)
        return IssueCertificateRequest.from_api(dict(request.to_api()))


def arns(ca_text: str, certificate_text: str) -> list[str]:
    ca = CertificateAuthorityArn.parse(ca_text)
    same: CertificateAuthorityArn = CertificateAuthorityArn.parse(ca)
    certificate: CertificateArn = CertificateArn.parse(certificate_text)
    also: CertificateArn = parse_certificate_arn(certificate_text)
    built: CertificateArn = CertificateArn.from_parts(ca, 0x6707)
    serial: int = certificate.serial
    issuer: CertificateAuthorityArn = certificate.certificate_authority_arn
    template = TemplateArn.of("EndEntityCertificate", partition="aws-us-gov")
    passthrough: bool = template.accepts_api_passthrough
    print(same, also, built, serial, issuer, passthrough, sorted([certificate, built]))
    return [
        ca.partition,
        ca.region,
        ca.account,
        ca.ca_id,
        certificate.serial_hex,
        certificate.serial_colon,
        template.name,
        template.version,
        template.partition,
        str(TemplateArn.parse(str(template))),
    ]
