"""acmpca_issue: a typed client for issuing certificates from AWS Private CA.

Example::

    from acmpca_issue import Issuer, Validity, build_csr

    bundle = build_csr("svc.internal")
    issuer = Issuer.from_session(region_name="us-east-1")
    issued = issuer.issue_certificate(
        certificate_authority_arn=ca_arn, csr=bundle.csr, validity=Validity.days(90)
    )
    print(issued.fullchain_pem)

Names are loaded on first use, so ``import acmpca_issue`` is cheap and never imports botocore;
that happens only where a client is made.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from acmpca_issue._arn import (
        CertificateArn,
        CertificateAuthorityArn,
        TemplateArn,
        parse_certificate_arn,
    )
    from acmpca_issue._async_issuer import AsyncIssuer
    from acmpca_issue._bulk_keys import CsrSpec, build_csrs
    from acmpca_issue._bulk_run import issue_many
    from acmpca_issue._csr import CsrBundle, build_csr, generate_private_key
    from acmpca_issue._csr_load import load_csr
    from acmpca_issue._enums import (
        ExtendedKeyUsageType,
        KeyAlgorithm,
        PolicyQualifierId,
        RevocationReason,
        SigningAlgorithm,
        ValidityType,
    )
    from acmpca_issue._issued import IssuedCertificate, Renewal
    from acmpca_issue._issuer import Issuer
    from acmpca_issue._passthrough import (
        ApiPassthrough,
        CustomAttribute,
        CustomExtension,
        EdiPartyName,
        ExtendedKeyUsage,
        Extensions,
        GeneralName,
        KeyUsage,
        OtherName,
        PolicyInformation,
        PolicyQualifierInfo,
        Qualifier,
        Subject,
    )
    from acmpca_issue._request import IssueCertificateRequest
    from acmpca_issue._validity import Validity
    from acmpca_issue.exceptions import (
        AccessDeniedError,
        AcmPcaIssueError,
        AlreadyRevokedError,
        CertificateMismatchError,
        ConcurrentModificationError,
        InternalFailureError,
        InvalidArgsError,
        InvalidArnError,
        InvalidArnServiceError,
        InvalidCsrError,
        InvalidNextTokenError,
        InvalidPolicyError,
        InvalidRequestError,
        InvalidRequestServiceError,
        InvalidStateError,
        InvalidTagError,
        IssuanceTimeoutError,
        IssuanceUnknownError,
        JournalCorruptError,
        JournalError,
        JournalInUseError,
        JournalMismatchError,
        LimitExceededError,
        LockoutPreventedError,
        MalformedCertificateError,
        MalformedCsrError,
        NotIssuedByCaError,
        PermissionAlreadyExistsError,
        Problem,
        RequestAlreadyProcessedError,
        RequestFailedError,
        RequestInProgressError,
        ResourceNotFoundError,
        RevocationNotConfiguredError,
        ServiceError,
        ServiceUnavailableError,
        ThrottlingError,
        TooManyTagsError,
        TransportError,
        ValidationError,
        VerificationError,
    )

# Public name -> the module that defines it.
_EXPORTS: dict[str, str] = {
    **dict.fromkeys(
        ["CertificateArn", "CertificateAuthorityArn", "TemplateArn", "parse_certificate_arn"],
        "acmpca_issue._arn",
    ),
    **dict.fromkeys(["CsrSpec", "build_csrs"], "acmpca_issue._bulk_keys"),
    "issue_many": "acmpca_issue._bulk_run",
    **dict.fromkeys(["CsrBundle", "build_csr", "generate_private_key"], "acmpca_issue._csr"),
    "load_csr": "acmpca_issue._csr_load",
    **dict.fromkeys(
        [
            "ExtendedKeyUsageType",
            "KeyAlgorithm",
            "PolicyQualifierId",
            "RevocationReason",
            "SigningAlgorithm",
            "ValidityType",
        ],
        "acmpca_issue._enums",
    ),
    "IssuedCertificate": "acmpca_issue._issued",
    "Renewal": "acmpca_issue._issued",
    "Issuer": "acmpca_issue._issuer",
    "AsyncIssuer": "acmpca_issue._async_issuer",
    **dict.fromkeys(
        [
            "ApiPassthrough",
            "CustomAttribute",
            "CustomExtension",
            "EdiPartyName",
            "ExtendedKeyUsage",
            "Extensions",
            "GeneralName",
            "KeyUsage",
            "OtherName",
            "PolicyInformation",
            "PolicyQualifierInfo",
            "Qualifier",
            "Subject",
        ],
        "acmpca_issue._passthrough",
    ),
    "IssueCertificateRequest": "acmpca_issue._request",
    "Validity": "acmpca_issue._validity",
    **dict.fromkeys(
        [
            "AccessDeniedError",
            "AcmPcaIssueError",
            "AlreadyRevokedError",
            "CertificateMismatchError",
            "ConcurrentModificationError",
            "InternalFailureError",
            "InvalidArgsError",
            "InvalidArnError",
            "InvalidArnServiceError",
            "InvalidCsrError",
            "InvalidNextTokenError",
            "InvalidPolicyError",
            "InvalidRequestError",
            "InvalidRequestServiceError",
            "InvalidStateError",
            "InvalidTagError",
            "IssuanceTimeoutError",
            "IssuanceUnknownError",
            "JournalCorruptError",
            "JournalError",
            "JournalInUseError",
            "JournalMismatchError",
            "LimitExceededError",
            "LockoutPreventedError",
            "MalformedCertificateError",
            "MalformedCsrError",
            "NotIssuedByCaError",
            "PermissionAlreadyExistsError",
            "Problem",
            "RequestAlreadyProcessedError",
            "RequestFailedError",
            "RequestInProgressError",
            "ResourceNotFoundError",
            "RevocationNotConfiguredError",
            "ServiceError",
            "ServiceUnavailableError",
            "ThrottlingError",
            "TooManyTagsError",
            "TransportError",
            "ValidationError",
            "VerificationError",
        ],
        "acmpca_issue.exceptions",
    ),
}

__all__ = [
    "AccessDeniedError",
    "AcmPcaIssueError",
    "AlreadyRevokedError",
    "ApiPassthrough",
    "AsyncIssuer",
    "CertificateArn",
    "CertificateAuthorityArn",
    "CertificateMismatchError",
    "ConcurrentModificationError",
    "CsrBundle",
    "CsrSpec",
    "CustomAttribute",
    "CustomExtension",
    "EdiPartyName",
    "ExtendedKeyUsage",
    "ExtendedKeyUsageType",
    "Extensions",
    "GeneralName",
    "InternalFailureError",
    "InvalidArgsError",
    "InvalidArnError",
    "InvalidArnServiceError",
    "InvalidCsrError",
    "InvalidNextTokenError",
    "InvalidPolicyError",
    "InvalidRequestError",
    "InvalidRequestServiceError",
    "InvalidStateError",
    "InvalidTagError",
    "IssuanceTimeoutError",
    "IssuanceUnknownError",
    "IssueCertificateRequest",
    "IssuedCertificate",
    "Issuer",
    "JournalCorruptError",
    "JournalError",
    "JournalInUseError",
    "JournalMismatchError",
    "KeyAlgorithm",
    "KeyUsage",
    "LimitExceededError",
    "LockoutPreventedError",
    "MalformedCertificateError",
    "MalformedCsrError",
    "NotIssuedByCaError",
    "OtherName",
    "PermissionAlreadyExistsError",
    "PolicyInformation",
    "PolicyQualifierId",
    "PolicyQualifierInfo",
    "Problem",
    "Qualifier",
    "Renewal",
    "RequestAlreadyProcessedError",
    "RequestFailedError",
    "RequestInProgressError",
    "ResourceNotFoundError",
    "RevocationNotConfiguredError",
    "RevocationReason",
    "ServiceError",
    "ServiceUnavailableError",
    "SigningAlgorithm",
    "Subject",
    "TemplateArn",
    "ThrottlingError",
    "TooManyTagsError",
    "TransportError",
    "ValidationError",
    "Validity",
    "ValidityType",
    "VerificationError",
    "build_csr",
    "build_csrs",
    "generate_private_key",
    "issue_many",
    "load_csr",
    "parse_certificate_arn",
]


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import version

        return version("acmpca-issue")
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    # The public names only: not the helpers this module imports (importlib, Any, ...).
    return sorted([*__all__, "__version__"])
