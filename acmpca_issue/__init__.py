"""acmpca_issue: a typed client for issuing certificates from AWS Private CA.

Example::

    from acmpca_issue import IssueCertificateRequest, Issuer, Validity, build_csr

    bundle = build_csr("svc.internal")
    issuer = Issuer.from_session(region_name="us-east-1")
    issued = issuer.issue_certificate(
        certificate_authority_arn=ca_arn, csr=bundle.csr, validity=Validity.days(90)
    )
    print(issued.fullchain_pem)

Importing this package does not import botocore; that happens where a client is made.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from acmpca_issue._arn import (
    CertificateArn,
    CertificateAuthorityArn,
    TemplateArn,
    parse_certificate_arn,
)
from acmpca_issue._csr import load_csr
from acmpca_issue._enums import (
    ExtendedKeyUsageType,
    KeyAlgorithm,
    PolicyQualifierId,
    SigningAlgorithm,
    ValidityType,
)
from acmpca_issue.exceptions import (
    AcmPcaIssueError,
    InvalidArnError,
    InvalidCsrError,
    InvalidRequestError,
    IssuanceTimeoutError,
    ServiceError,
    TransportError,
    VerificationError,
)

if TYPE_CHECKING:
    pass

__all__ = [
    "AcmPcaIssueError",
    "CertificateArn",
    "CertificateAuthorityArn",
    "ExtendedKeyUsageType",
    "InvalidArnError",
    "InvalidCsrError",
    "InvalidRequestError",
    "IssuanceTimeoutError",
    "KeyAlgorithm",
    "PolicyQualifierId",
    "ServiceError",
    "SigningAlgorithm",
    "TemplateArn",
    "TransportError",
    "ValidityType",
    "VerificationError",
    "load_csr",
    "parse_certificate_arn",
]


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import version

        return version("acmpca-issue")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
