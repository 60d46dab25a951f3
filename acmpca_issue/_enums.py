"""The string enums of the acm-pca API; each member's value is the exact AWS string.

Example::

    >>> SigningAlgorithm("SHA256WITHECDSA") is SigningAlgorithm.SHA256WITHECDSA
    True
    >>> SigningAlgorithm.SHA256WITHRSA == "SHA256WITHRSA"
    True
"""

from __future__ import annotations

import enum
from typing import TypeVar

from acmpca_issue._problems import describe, did_you_mean
from acmpca_issue.exceptions import InvalidRequestError

__all__ = [
    "ExtendedKeyUsageType",
    "KeyAlgorithm",
    "PolicyQualifierId",
    "RevocationReason",
    "SigningAlgorithm",
    "ValidityType",
    "coerce_enum",
]


class _AwsEnum(str, enum.Enum):
    """A ``str`` enum whose ``str()`` and ``format()`` give the AWS value."""

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, format_spec: str) -> str:
        return format(str(self.value), format_spec)

    def __repr__(self) -> str:
        return f"{type(self).__name__}.{self.name}"


class SigningAlgorithm(_AwsEnum):
    """The algorithm the CA signs a certificate with; its family must fit the CA's key."""

    SHA256WITHECDSA = "SHA256WITHECDSA"
    SHA384WITHECDSA = "SHA384WITHECDSA"
    SHA512WITHECDSA = "SHA512WITHECDSA"
    SHA256WITHRSA = "SHA256WITHRSA"
    SHA384WITHRSA = "SHA384WITHRSA"
    SHA512WITHRSA = "SHA512WITHRSA"
    SHA256WITHRSA_PSS = "SHA256WITHRSA_PSS"
    SHA384WITHRSA_PSS = "SHA384WITHRSA_PSS"
    SHA512WITHRSA_PSS = "SHA512WITHRSA_PSS"
    SM3WITHSM2 = "SM3WITHSM2"
    ML_DSA_44 = "ML_DSA_44"
    ML_DSA_65 = "ML_DSA_65"
    ML_DSA_87 = "ML_DSA_87"


class ValidityType(_AwsEnum):
    """How :class:`~acmpca_issue.Validity` reads its value."""

    END_DATE = "END_DATE"
    ABSOLUTE = "ABSOLUTE"
    DAYS = "DAYS"
    MONTHS = "MONTHS"
    YEARS = "YEARS"


class KeyAlgorithm(_AwsEnum):
    """A key type Private CA uses for CAs and signs in CSRs."""

    RSA_2048 = "RSA_2048"
    RSA_3072 = "RSA_3072"
    RSA_4096 = "RSA_4096"
    EC_prime256v1 = "EC_prime256v1"
    EC_secp384r1 = "EC_secp384r1"
    EC_secp521r1 = "EC_secp521r1"
    ML_DSA_44 = "ML_DSA_44"
    ML_DSA_65 = "ML_DSA_65"
    ML_DSA_87 = "ML_DSA_87"
    SM2 = "SM2"

    @property
    def family(self) -> str:
        """``"RSA"``, ``"EC"``, ``"ML_DSA"`` or ``"SM2"``."""
        if self.value.startswith("RSA_"):
            return "RSA"
        if self.value.startswith("EC_"):
            return "EC"
        if self.value.startswith("ML_DSA_"):
            return "ML_DSA"
        return "SM2"

    def signing_algorithms(self) -> tuple[SigningAlgorithm, ...]:
        """The signing algorithms a CA with this key may use, in the service's order."""
        if self.family == "RSA":
            return tuple(a for a in SigningAlgorithm if "WITHRSA" in a.value)
        if self.family == "EC":
            return tuple(a for a in SigningAlgorithm if a.value.endswith("WITHECDSA"))
        if self.family == "ML_DSA":
            return (SigningAlgorithm(self.value),)
        return (SigningAlgorithm.SM3WITHSM2,)


class ExtendedKeyUsageType(_AwsEnum):
    """The named extended key usages of ``ApiPassthrough``."""

    SERVER_AUTH = "SERVER_AUTH"
    CLIENT_AUTH = "CLIENT_AUTH"
    CODE_SIGNING = "CODE_SIGNING"
    EMAIL_PROTECTION = "EMAIL_PROTECTION"
    TIME_STAMPING = "TIME_STAMPING"
    OCSP_SIGNING = "OCSP_SIGNING"
    SMART_CARD_LOGIN = "SMART_CARD_LOGIN"
    DOCUMENT_SIGNING = "DOCUMENT_SIGNING"
    CERTIFICATE_TRANSPARENCY = "CERTIFICATE_TRANSPARENCY"

    @property
    def dotted_string(self) -> str:
        """The object identifier this usage stands for in a certificate."""
        return _EKU_DOTTED[self.value]


# One table for every place that turns a named usage into an OID (CSRs and the local CA).
_EKU_DOTTED = {
    "SERVER_AUTH": "1.3.6.1.5.5.7.3.1",
    "CLIENT_AUTH": "1.3.6.1.5.5.7.3.2",
    "CODE_SIGNING": "1.3.6.1.5.5.7.3.3",
    "EMAIL_PROTECTION": "1.3.6.1.5.5.7.3.4",
    "TIME_STAMPING": "1.3.6.1.5.5.7.3.8",
    "OCSP_SIGNING": "1.3.6.1.5.5.7.3.9",
    "SMART_CARD_LOGIN": "1.3.6.1.4.1.311.20.2.2",
    # Microsoft Document Signing: the OID in use when AWS added the name in 2021
    # (RFC 9336's id-kp-documentSigning, 1.3.6.1.5.5.7.3.36, came later).
    "DOCUMENT_SIGNING": "1.3.6.1.4.1.311.10.3.12",
    # Certificate Transparency precertificate signing (RFC 6962, section 3.1).
    "CERTIFICATE_TRANSPARENCY": "1.3.6.1.4.1.11129.2.4.4",
}


class PolicyQualifierId(_AwsEnum):
    """The policy qualifier ids of ``ApiPassthrough`` certificate policies."""

    CPS = "CPS"


_E = TypeVar("_E", bound=_AwsEnum)


class RevocationReason(_AwsEnum):
    """Why a certificate is revoked (RevokeCertificate's ``RevocationReason``)."""

    UNSPECIFIED = "UNSPECIFIED"
    KEY_COMPROMISE = "KEY_COMPROMISE"
    CERTIFICATE_AUTHORITY_COMPROMISE = "CERTIFICATE_AUTHORITY_COMPROMISE"
    AFFILIATION_CHANGED = "AFFILIATION_CHANGED"
    SUPERSEDED = "SUPERSEDED"
    CESSATION_OF_OPERATION = "CESSATION_OF_OPERATION"
    PRIVILEGE_WITHDRAWN = "PRIVILEGE_WITHDRAWN"
    A_A_COMPROMISE = "A_A_COMPROMISE"


def coerce_enum(enum_type: type[_E], value: object, path: str) -> _E:
    """Return ``value`` as a member of ``enum_type``.

    Args:
        enum_type: the enum to convert to.
        value: a member, or its exact AWS string.
        path: the field path to name in the error.

    Raises:
        InvalidRequestError: ``value`` is not a member or the string of one; the message lists
            every valid value and suggests the closest (``DAY``: did you mean ``DAYS``?).
    """
    if isinstance(value, enum_type):
        return value
    if isinstance(value, str):
        try:
            return enum_type(value)
        except ValueError:
            pass
    values = [member.value for member in enum_type]
    raise InvalidRequestError(
        f"must be one of {', '.join(values)}; got {describe(value)}{did_you_mean(value, values)}",
        path=path,
    )
