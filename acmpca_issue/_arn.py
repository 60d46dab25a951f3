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

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import NoReturn

import attrs

from acmpca_issue._problems import describe
from acmpca_issue._templates import (
    DEFAULT_TEMPLATE_NAME,
    TEMPLATE_NAMES,
    PassthroughKind,
    family_of,
    passthrough_kind,
    path_len_of,
)
from acmpca_issue.exceptions import InvalidArnError

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

#: Partition -> the ``regionRegex`` botocore's ``partitions.json`` gives it (matched with ASCII
#: ``\w``, against the whole region). A test compares this table with the installed botocore.
PARTITION_REGION_PATTERNS: Mapping[str, str] = MappingProxyType(
    {
        "aws": r"^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$",
        "aws-cn": r"^cn\-\w+\-\d+$",
        "aws-us-gov": r"^us\-gov\-\w+\-\d+$",
        "aws-iso": r"^us\-iso\-\w+\-\d+$",
        "aws-iso-b": r"^us\-isob\-\w+\-\d+$",
        "aws-iso-e": r"^eu\-isoe\-\w+\-\d+$",
        "aws-iso-f": r"^us\-isof\-\w+\-\d+$",
        "aws-eusc": r"^eusc\-(de)\-\w+\-\d+$",
    }
)

#: The longest ARN the service model's ``Arn`` shape allows.
MAX_ARN_LENGTH = 200

_REGIONS = {p: re.compile(pattern, re.ASCII) for p, pattern in PARTITION_REGION_PATTERNS.items()}
_ACCOUNT = re.compile(r"[0-9]{12}", re.ASCII)
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.ASCII)
_HEX = re.compile(r"[0-9a-f]+", re.ASCII)
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,127}", re.ASCII)
_VERSION = re.compile(r"V[1-9][0-9]*", re.ASCII)
_MAX_SERIAL_DIGITS = 40  # RFC 5280 4.1.2.2: a serial is at most 20 octets
_BY_LOWER = {name.lower(): name for name in TEMPLATE_NAMES}
_PARTS = ("'arn' prefix", "partition", "service", "region", "account", "resource")
_CA_SHAPE = "arn:<partition>:acm-pca:<region>:<account>:certificate-authority/<CA id>"
_CERT_SHAPE = f"{_CA_SHAPE}/certificate/<serial hex>"
_TEMPLATE_SHAPE = "arn:<partition>:acm-pca:::template/<name>/<version>"


def _show(text: str) -> str:
    return repr(text) if len(text) <= 80 else f"{text[:77]!r}..."


def _fail(message: str) -> NoReturn:
    raise InvalidArnError(message)


def _require_str(value: object, what: str, alternative: str = "") -> str:
    if isinstance(value, str):
        return value
    also = f" or {alternative}" if alternative else ""
    _fail(f"{what} must be a str{also}, got {type(value).__name__}")


def _split(text: str, what: str, shape: str) -> list[str]:
    """Split ``text`` into its six colon-separated parts, checking those before the region."""
    if not text:
        _fail(f"{what} is empty; expected {shape}")
    if text != text.strip():
        _fail(f"{what} has leading or trailing whitespace: {_show(text)}")
    parts = text.split(":", 5)
    if parts[0] != "arn":
        _fail(f"{what} must start with 'arn:', got {_show(text)}")
    _check_partition(_part(parts, 1, text, shape))
    service = _part(parts, 2, text, shape)
    if service != "acm-pca":
        _fail(f"service must be 'acm-pca', got {_show(service)}")
    return parts


def _part(parts: list[str], index: int, text: str, shape: str) -> str:
    if index < len(parts):
        return parts[index]
    _fail(f"{_PARTS[index]} is missing: expected {shape}, got {_show(text)}")


def _check_length(text: str, what: str) -> None:
    if len(text) > MAX_ARN_LENGTH:
        _fail(f"{what} must be at most {MAX_ARN_LENGTH} characters, got {len(text)}")


def _check_partition(partition: str) -> None:
    if partition not in _REGIONS:
        known = ", ".join(PARTITION_REGION_PATTERNS)
        _fail(f"partition must be one of {known}, got {_show(partition)}")


def _check_region(partition: str, region: str) -> None:
    if _REGIONS[partition].fullmatch(region):
        return
    if not region:
        _fail("region is empty; a CA ARN names the CA's region, such as 'us-east-1'")
    pattern = PARTITION_REGION_PATTERNS[partition]
    hint = next((f" (a region of {p!r})" for p, rx in _REGIONS.items() if rx.fullmatch(region)), "")
    _fail(f"region must match {pattern} in partition {partition!r}, got {_show(region)}{hint}")


def _check_account(account: str) -> None:
    if not _ACCOUNT.fullmatch(account):
        _fail(f"account must be 12 digits, got {_show(account)}")


def _check_ca_id(ca_id: str) -> None:
    if _UUID.fullmatch(ca_id):
        return
    if _UUID.fullmatch(ca_id.lower()):
        _fail(f"CA id must be a lowercase UUID, got {_show(ca_id)}")
    _fail(f"CA id must be a lowercase UUID (8-4-4-4-12 hex digits), got {_show(ca_id)}")


def _check_serial_hex(serial: str) -> None:
    if not _HEX.fullmatch(serial):
        if _HEX.fullmatch(serial.lower()):
            _fail(f"serial must be lowercase hex, got {_show(serial)}")
        _fail(f"serial must be lowercase hex digits (no colons, no '0x'), got {_show(serial)}")
    if len(serial) > _MAX_SERIAL_DIGITS:
        _fail(f"serial must be at most 40 hex digits (20 octets), got {len(serial)} digits")
    if int(serial, 16) == 0:
        _fail(f"serial must be positive, got {_show(serial)}")


def _check_template_name(name: str) -> None:
    if not _NAME.fullmatch(name):
        _fail(
            "template name must be 1-128 ASCII letters, digits and '_', starting with a letter, "
            f"got {_show(name)}"
        )
    known = _BY_LOWER.get(name.lower(), name)
    if known != name:
        _fail(f"template name {name!r} must be spelled {known!r} (names are case-sensitive)")


def _check_version(version: str) -> None:
    if not _VERSION.fullmatch(version):
        _fail(f"version must be 'V' and a number, such as 'V1', got {_show(version)}")


def _check_types(obj: object, names: tuple[str, ...]) -> None:
    for name in names:
        value = getattr(obj, name)
        if not isinstance(value, str):
            _fail(f"{name.replace('_', ' ')} must be a str, got {type(value).__name__}")


def _serial_order(serial_hex: str) -> tuple[int, int]:
    return int(serial_hex, 16), len(serial_hex)  # then fewer leading zeros first


def _version_order(version: str) -> int:
    return int(version[1:])


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
        _check_types(self, ("partition", "region", "account", "ca_id"))
        _check_partition(self.partition)
        _check_region(self.partition, self.region)
        _check_account(self.account)
        _check_ca_id(self.ca_id)
        _check_length(str(self), "CA ARN")

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
            _fail(
                "CA ARN must be a str or CertificateAuthorityArn, got CertificateArn "
                "(its CA is .certificate_authority_arn)"
            )
        text = _require_str(text, "CA ARN", cls.__name__)
        parts = _split(text, "CA ARN", _CA_SHAPE)
        partition, region, account, resource = parts[1], *_ca_tail(parts, text, _CA_SHAPE)
        ca_id, sep, rest = _ca_id_of(resource)
        if sep:
            hint = (
                " (a certificate ARN? use CertificateArn.parse)"
                if rest[:12] == "certificate/"
                else ""
            )
            _fail(f"a CA ARN ends at the CA id, got {_show(sep + rest)} after it{hint}")
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


def _ca_tail(parts: list[str], text: str, shape: str) -> tuple[str, str, str]:
    """Check region and account; return them and the resource."""
    region = _part(parts, 3, text, shape)
    _check_region(parts[1], region)
    account = _part(parts, 4, text, shape)
    _check_account(account)
    return region, account, _part(parts, 5, text, shape)


def _ca_id_of(resource: str) -> tuple[str, str, str]:
    """Check ``certificate-authority/<id>`` and return ``(id, "/" or "", what follows)``."""
    kind, sep, rest = resource.partition("/")
    if kind != "certificate-authority":
        _fail(f"resource type must be 'certificate-authority', got {_show(kind)}")
    if not sep:
        _fail("CA id is missing after 'certificate-authority/'")
    ca_id, sep, rest = rest.partition("/")
    _check_ca_id(ca_id)
    return ca_id, sep, rest


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
    serial_hex: str = attrs.field(order=_serial_order)

    def __attrs_post_init__(self) -> None:
        _check_types(self, ("serial_hex",))
        _check_serial_hex(self.serial_hex)
        _check_length(str(self), "certificate ARN")

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
        text = _require_str(text, "certificate ARN", cls.__name__)
        parts = _split(text, "certificate ARN", _CERT_SHAPE)
        partition, region, account, resource = parts[1], *_ca_tail(parts, text, _CERT_SHAPE)
        ca_id, sep, rest = _ca_id_of(resource)
        if not sep:
            _fail(
                "resource type 'certificate' is missing after the CA id (a CA ARN? use "
                "CertificateAuthorityArn.parse)"
            )
        kind, sep, serial = rest.partition("/")
        if kind != "certificate":
            _fail(f"resource type after the CA id must be 'certificate', got {_show(kind)}")
        if not sep or not serial:
            _fail("serial is missing after '/certificate/'")
        _check_serial_hex(serial)
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
            _fail(f"serial must be an int, got {type(given).__name__}")
        if not 0 < serial < 1 << (4 * _MAX_SERIAL_DIGITS):
            _fail(f"serial must be between 1 and 2**160 - 1, got {describe(serial)}")
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
    version: str = attrs.field(default="V1", order=_version_order)

    def __attrs_post_init__(self) -> None:
        _check_types(self, ("partition", "name", "version"))
        _check_partition(self.partition)
        _check_template_name(self.name)
        _check_version(self.version)
        _check_length(str(self), "template ARN")

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
        text = _require_str(text, "template ARN", cls.__name__)
        parts = _split(text, "template ARN", _TEMPLATE_SHAPE)
        for index in (3, 4):
            value = _part(parts, index, text, _TEMPLATE_SHAPE)
            if value:
                _fail(f"{_PARTS[index]} must be empty in a template ARN, got {_show(value)}")
        kind, sep, rest = _part(parts, 5, text, _TEMPLATE_SHAPE).partition("/")
        if kind != "template":
            _fail(f"resource type must be 'template', got {_show(kind)}")
        name, sep, version = rest.partition("/")
        _check_template_name(name)
        if not sep:
            _fail(f"version is missing after the template name: expected {_TEMPLATE_SHAPE}")
        _check_version(version)
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
        name = _require_str(name, "template name")
        partition = _require_str(partition, "partition")
        if name.startswith("arn:"):
            _fail("TemplateArn.of takes a template name; read an ARN with TemplateArn.parse")
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
