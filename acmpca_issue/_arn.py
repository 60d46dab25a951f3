"""ARNs of private CAs, issued certificates and certificate templates, checked part by part.

Each ARN is a frozen, hashable, ordered value whose ``str()`` is exactly the text it was parsed
from. A malformed ARN raises :class:`~acmpca_issue.exceptions.InvalidArnError` naming the first
wrong part, read left to right, and what was expected.

Example::

    >>> arn = CertificateArn.parse(
    ...     "arn:aws:acm-pca:us-west-2:123456789012:certificate-authority/"
    ...     "12345678-1234-1234-1234-123456789012/certificate/6707447683a9b7f4055627ffd55cebcc"
    ... )
    >>> arn.region, arn.serial_colon[:11]
    ('us-west-2', '67:07:44:76')
    >>> TemplateArn.of("EndEntityCertificate_APIPassthrough").accepts_api_passthrough
    True
"""

from __future__ import annotations

import attrs

from acmpca_issue._arn_parts import (
    CA_SHAPE,
    CERT_SHAPE,
    MAX_ARN_LENGTH,
    MAX_SERIAL_DIGITS,
    PARTITION_REGION_PATTERNS,
    PARTS,
    TEMPLATE_SHAPE,
    ca_id_of,
    ca_tail,
    check_account,
    check_ca_id,
    check_length,
    check_partition,
    check_region,
    check_serial_hex,
    check_template_name,
    check_types,
    check_version,
    fail,
    part,
    require_str,
    serial_order,
    show,
    split,
    version_order,
)
from acmpca_issue._problems import describe
from acmpca_issue._templates import (
    DEFAULT_TEMPLATE_NAME,
    TEMPLATE_NAMES,
    PassthroughKind,
    family_of,
    passthrough_kind,
    path_len_of,
)

__all__ = [
    "DEFAULT_TEMPLATE_NAME",
    "MAX_ARN_LENGTH",
    "PARTITION_REGION_PATTERNS",
    "TEMPLATE_NAMES",
    "CertificateArn",
    "CertificateAuthorityArn",
    "PassthroughKind",
    "TemplateArn",
    "parse_certificate_arn",
]


@attrs.frozen(order=True, repr=False)
class CertificateAuthorityArn:
    """The ARN of a private CA (``arn:aws:acm-pca:<region>:<account>:certificate-authority/<id>``).

    Instances order by ``(partition, region, account, ca_id)`` and compare equal only to the
    same ARN (never to a ``str``: compare ``str(arn)``). Constructing one checks every part.

    Attributes:
        partition: ``aws``, ``aws-cn``, ``aws-us-gov``, ``aws-iso``, ``aws-iso-b``, ``aws-iso-e``,
            ``aws-iso-f`` or ``aws-eusc``.
        region: a region of that partition (``us-east-1``).
        account: the 12-digit account, leading zeros kept.
        ca_id: the CA's id, a lowercase UUID.
    """

    partition: str
    region: str
    account: str
    ca_id: str

    def __attrs_post_init__(self) -> None:
        check_types(self, ("partition", "region", "account", "ca_id"))
        check_partition(self.partition)
        check_region(self.partition, self.region)
        check_account(self.account)
        check_ca_id(self.ca_id)
        check_length(str(self), "CA ARN")

    @classmethod
    def parse(cls, text: object) -> CertificateAuthorityArn:
        """Read a CA ARN.

        Args:
            text: the ARN, or a :class:`CertificateAuthorityArn` (returned as is).

        Returns:
            The parsed ARN; ``str()`` of it is ``text``.

        Raises:
            InvalidArnError: ``text`` is not a str or is malformed; the message names the part.
        """
        if isinstance(text, CertificateAuthorityArn):
            return text
        if isinstance(text, CertificateArn):
            fail(
                "CA ARN must be a str or CertificateAuthorityArn, got CertificateArn "
                "(its CA is .certificate_authority_arn)"
            )
        text = require_str(text, "CA ARN", cls.__name__)
        parts = split(text, "CA ARN", CA_SHAPE)
        partition, region, account, resource = parts[1], *ca_tail(parts, text, CA_SHAPE)
        ca_id, sep, rest = ca_id_of(resource)
        if sep:
            hint = (
                " (a certificate ARN? use CertificateArn.parse)"
                if rest[:12] == "certificate/"
                else ""
            )
            fail(f"a CA ARN ends at the CA id, got {show(sep + rest)} after it{hint}")
        return cls(partition, region, account, ca_id)

    def certificate(self, serial: int) -> CertificateArn:
        """The ARN of the certificate with serial number ``serial`` issued by this CA."""
        return CertificateArn.from_parts(self, serial)

    def __str__(self) -> str:
        return (
            f"arn:{self.partition}:acm-pca:{self.region}:{self.account}:"
            f"certificate-authority/{self.ca_id}"
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}.parse({str(self)!r})"


def _coerce_ca(value: object) -> CertificateAuthorityArn:
    return CertificateAuthorityArn.parse(value)


@attrs.frozen(order=True, repr=False)
class CertificateArn:
    """The ARN of an issued certificate: the CA's ARN, then ``/certificate/<serial hex>``.

    The serial is lowercase hexadecimal, as in every real ARN (the service model's example shows
    a decimal number, a documentation slip), so a serial made only of decimal digits is still
    read as hex. ``serial_hex`` keeps the text as given, leading zeros included, so ``str()``
    round-trips. Instances order by the CA ARN, then the serial's value (then fewer leading
    zeros first).

    Attributes:
        certificate_authority_arn: the issuing CA's :class:`CertificateAuthorityArn`.
        serial_hex: the serial exactly as in the ARN.
    """

    certificate_authority_arn: CertificateAuthorityArn = attrs.field(converter=_coerce_ca)
    serial_hex: str = attrs.field(order=serial_order)

    def __attrs_post_init__(self) -> None:
        check_types(self, ("serial_hex",))
        check_serial_hex(self.serial_hex)
        check_length(str(self), "certificate ARN")

    @classmethod
    def parse(cls, text: object) -> CertificateArn:
        """Read a certificate ARN.

        Args:
            text: the ARN, or a :class:`CertificateArn` (returned as is).

        Returns:
            The parsed ARN; ``str()`` of it is ``text``.

        Raises:
            InvalidArnError: ``text`` is not a str or is malformed; the message names the part.
        """
        if isinstance(text, CertificateArn):
            return text
        text = require_str(text, "certificate ARN", cls.__name__)
        parts = split(text, "certificate ARN", CERT_SHAPE)
        partition, region, account, resource = parts[1], *ca_tail(parts, text, CERT_SHAPE)
        ca_id, sep, rest = ca_id_of(resource)
        if not sep:
            fail(
                "resource type 'certificate' is missing after the CA id (a CA ARN? use "
                "CertificateAuthorityArn.parse)"
            )
        kind, sep, serial = rest.partition("/")
        if kind != "certificate":
            fail(f"resource type after the CA id must be 'certificate', got {show(kind)}")
        if not sep or not serial:
            fail("serial is missing after '/certificate/'")
        check_serial_hex(serial)
        return cls(CertificateAuthorityArn(partition, region, account, ca_id), serial)

    @classmethod
    def from_parts(cls, ca_arn: CertificateAuthorityArn | str, serial: int) -> CertificateArn:
        """Build the ARN of the certificate ``serial`` issued by ``ca_arn``.

        The serial is written in lowercase hex without leading zeros, as ``format(serial, "x")``
        and Terraform's ``%x`` do.

        Raises:
            InvalidArnError: ``ca_arn`` is malformed, or ``serial`` is not an int in
                ``1 .. 2**160 - 1`` (RFC 5280 allows 20 octets).
        """
        ca = CertificateAuthorityArn.parse(ca_arn)
        given: object = serial
        if not isinstance(given, int) or isinstance(given, bool):
            fail(f"serial must be an int, got {type(given).__name__}")
        if not 0 < serial < 1 << (4 * MAX_SERIAL_DIGITS):
            fail(f"serial must be between 1 and 2**160 - 1, got {describe(serial)}")
        return cls(ca, format(serial, "x"))

    @property
    def partition(self) -> str:
        """The CA's partition."""
        return self.certificate_authority_arn.partition

    @property
    def region(self) -> str:
        """The CA's region."""
        return self.certificate_authority_arn.region

    @property
    def account(self) -> str:
        """The CA's account (12 digits)."""
        return self.certificate_authority_arn.account

    @property
    def ca_id(self) -> str:
        """The CA's id."""
        return self.certificate_authority_arn.ca_id

    @property
    def serial(self) -> int:
        """The certificate's serial number."""
        return int(self.serial_hex, 16)

    @property
    def serial_colon(self) -> str:
        """The serial as colon-separated octets (``67:07:...:cc``), as RevokeCertificate and
        audit reports show it: two lowercase hex digits per octet, as few octets as the value
        needs."""
        value = self.serial
        octets = value.to_bytes((value.bit_length() + 7) // 8, "big")
        return ":".join(f"{octet:02x}" for octet in octets)

    def __str__(self) -> str:
        return f"{self.certificate_authority_arn}/certificate/{self.serial_hex}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}.parse({str(self)!r})"


def parse_certificate_arn(text: object) -> CertificateArn:
    """Read a certificate ARN; the same as :meth:`CertificateArn.parse`."""
    return CertificateArn.parse(text)


@attrs.frozen(order=True, repr=False)
class TemplateArn:
    """The ARN of a certificate template: ``arn:<partition>:acm-pca:::template/<name>/<version>``.

    Region and account are empty. Any well-formed name is accepted, since AWS adds templates;
    ``in_catalogue`` says whether it is one of the documented :data:`TEMPLATE_NAMES`, and the
    properties below classify any name by its parts. A name that differs from a catalogue name
    only in case is rejected. Instances order by partition, name, then version number.

    Attributes:
        partition: the partition, as for CA ARNs.
        name: the template name (``EndEntityCertificate_APIPassthrough``).
        version: ``V`` and a number (``V1``).
    """

    partition: str
    name: str
    version: str = attrs.field(default="V1", order=version_order)

    def __attrs_post_init__(self) -> None:
        check_types(self, ("partition", "name", "version"))
        check_partition(self.partition)
        check_template_name(self.name)
        check_version(self.version)
        check_length(str(self), "template ARN")

    @classmethod
    def parse(cls, text: object) -> TemplateArn:
        """Read a template ARN.

        Args:
            text: the ARN, or a :class:`TemplateArn` (returned as is).

        Returns:
            The parsed ARN; ``str()`` of it is ``text``.

        Raises:
            InvalidArnError: ``text`` is not a str or is malformed; the message names the part.
        """
        if isinstance(text, TemplateArn):
            return text
        text = require_str(text, "template ARN", cls.__name__)
        parts = split(text, "template ARN", TEMPLATE_SHAPE)
        for index in (3, 4):
            value = part(parts, index, text, TEMPLATE_SHAPE)
            if value:
                fail(f"{PARTS[index]} must be empty in a template ARN, got {show(value)}")
        kind, sep, rest = part(parts, 5, text, TEMPLATE_SHAPE).partition("/")
        if kind != "template":
            fail(f"resource type must be 'template', got {show(kind)}")
        name, sep, version = rest.partition("/")
        check_template_name(name)
        if not sep:
            fail(f"version is missing after the template name: expected {TEMPLATE_SHAPE}")
        check_version(version)
        return cls(parts[1], name, version)

    @classmethod
    def of(cls, name: str, partition: str = "aws") -> TemplateArn:
        """The ARN of template ``name`` in ``partition``.

        Args:
            name: ``"EndEntityCertificate"`` (version ``V1``) or ``"EndEntityCertificate/V1"``.
            partition: the partition of the CA that will use it.

        Raises:
            InvalidArnError: the name, version or partition is malformed.
        """
        name = require_str(name, "template name")
        partition = require_str(partition, "partition")
        if name.startswith("arn:"):
            fail("TemplateArn.of takes a template name; read an ARN with TemplateArn.parse")
        base, sep, version = name.partition("/")
        return cls(partition, base, version if sep else "V1")

    @property
    def passthrough(self) -> PassthroughKind:
        """Which passthrough the template applies, by its suffix: ``"none"``, ``"CSR"``
        (extensions from the CSR), ``"API"`` (``ApiPassthrough``) or ``"APICSR"`` (both)."""
        return passthrough_kind(self.name)

    @property
    def family(self) -> str:
        """The name without its passthrough suffix (``"SubordinateCACertificate_PathLen0"``)."""
        return family_of(self.name)

    @property
    def accepts_api_passthrough(self) -> bool:
        """Whether the template applies ``ApiPassthrough``; AWS silently ignores it otherwise."""
        return self.passthrough in ("API", "APICSR")

    @property
    def accepts_csr_passthrough(self) -> bool:
        """Whether the template copies the CSR's extensions into the certificate."""
        return self.passthrough in ("CSR", "APICSR")

    @property
    def is_ca(self) -> bool:
        """Whether the template makes a CA certificate (its family names a ``CACertificate``)."""
        return "CACertificate" in self.family

    @property
    def is_root(self) -> bool:
        """Whether the template makes a self-signed root CA certificate."""
        return self.family.startswith(("RootCACertificate", "BlankRootCACertificate"))

    @property
    def is_blank(self) -> bool:
        """Whether the template sets only basic constraints (KU and EKU come from passthrough)."""
        return self.family.startswith("Blank")

    @property
    def path_len(self) -> int | None:
        """The ``pathLenConstraint`` of a ``_PathLenN`` template, else ``None``."""
        return path_len_of(self.name)

    @property
    def in_catalogue(self) -> bool:
        """Whether this is one of the templates AWS documents (:data:`TEMPLATE_NAMES`, ``V1``)."""
        return self.version == "V1" and self.name in TEMPLATE_NAMES

    def __str__(self) -> str:
        return f"arn:{self.partition}:acm-pca:::template/{self.name}/{self.version}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}.parse({str(self)!r})"
