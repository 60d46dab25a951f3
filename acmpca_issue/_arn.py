"""ARNs of CAs, certificates and templates. (Minimal first cut; the ARN toolkit replaces it.)"""

from __future__ import annotations

import re

import attrs

from acmpca_issue.exceptions import InvalidArnError

__all__ = ["CertificateArn", "CertificateAuthorityArn", "TemplateArn", "parse_certificate_arn"]

_CA = re.compile(
    r"arn:(?P<partition>aws[a-z-]*):acm-pca:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):"
    r"certificate-authority/(?P<ca_id>[0-9a-f-]{36})",
    re.ASCII,
)


@attrs.frozen
class CertificateAuthorityArn:
    """The ARN of a private CA."""

    partition: str
    region: str
    account: str
    ca_id: str

    @classmethod
    def parse(cls, text: object) -> CertificateAuthorityArn:
        """Parse a CA ARN; raises :class:`InvalidArnError`."""
        if isinstance(text, CertificateAuthorityArn):
            return text
        match = _CA.fullmatch(text) if isinstance(text, str) else None
        if match is None:
            raise InvalidArnError(f"not a certificate authority ARN: {text!r}")
        return cls(**match.groupdict())

    def __str__(self) -> str:
        return (
            f"arn:{self.partition}:acm-pca:{self.region}:{self.account}:"
            f"certificate-authority/{self.ca_id}"
        )


@attrs.frozen
class CertificateArn:
    """The ARN of an issued certificate: the CA's ARN, then ``/certificate/<serial hex>``."""

    certificate_authority_arn: CertificateAuthorityArn
    serial_hex: str

    @classmethod
    def parse(cls, text: object) -> CertificateArn:
        """Parse a certificate ARN; raises :class:`InvalidArnError`."""
        if isinstance(text, CertificateArn):
            return text
        if not isinstance(text, str) or "/certificate/" not in text:
            raise InvalidArnError(f"not a certificate ARN: {text!r}")
        ca, _, serial = text.rpartition("/certificate/")
        if not re.fullmatch(r"[0-9a-f]+", serial):
            raise InvalidArnError(f"serial must be lowercase hex, got {serial!r}")
        return cls(CertificateAuthorityArn.parse(ca), serial)

    @property
    def serial(self) -> int:
        """The certificate's serial number."""
        return int(self.serial_hex, 16)

    def __str__(self) -> str:
        return f"{self.certificate_authority_arn}/certificate/{self.serial_hex}"


def parse_certificate_arn(text: str) -> CertificateArn:
    """Parse a certificate ARN; raises :class:`InvalidArnError`."""
    return CertificateArn.parse(text)


@attrs.frozen
class TemplateArn:
    """The ARN of a certificate template (``arn:aws:acm-pca:::template/Name/V1``)."""

    partition: str
    name: str
    version: str

    @classmethod
    def parse(cls, text: object) -> TemplateArn:
        """Parse a template ARN; raises :class:`InvalidArnError`."""
        if isinstance(text, TemplateArn):
            return text
        match = (
            re.fullmatch(r"arn:(aws[a-z-]*):acm-pca:::template/(\w+)/(V\d+)", text, re.ASCII)
            if isinstance(text, str)
            else None
        )
        if match is None:
            raise InvalidArnError(f"not a template ARN: {text!r}")
        return cls(*match.groups())

    @classmethod
    def of(cls, name: str, partition: str = "aws") -> TemplateArn:
        """The ARN of the AWS template ``name`` (``"EndEntityCertificate"`` or ``".../V1"``)."""
        base, _, version = name.partition("/")
        return cls(partition, base, version or "V1")

    @property
    def accepts_api_passthrough(self) -> bool:
        """Whether the template applies ``ApiPassthrough`` (an ``APIPassthrough`` variant)."""
        return self.name.endswith(("_APIPassthrough", "_APICSRPassthrough"))

    def __str__(self) -> str:
        return f"arn:{self.partition}:acm-pca:::template/{self.name}/{self.version}"
