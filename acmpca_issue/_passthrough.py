"""The ``ApiPassthrough`` tree: subject and extensions set through the API, not the CSR.

Every class is frozen and checked when built against the constraints of the acm-pca service
model (lengths, patterns, list sizes, one choice per ``GeneralName``), so an instance is always
valid to send. A nested object may also be given as its AWS mapping (PascalCase), and lists
as any sequence (they are kept as tuples).

Example::

    passthrough = ApiPassthrough(
        subject=Subject(common_name="svc.example.com", organization="Example"),
        extensions=Extensions(
            subject_alternative_names=[GeneralName.dns("svc.example.com")],
            extended_key_usage=[ExtendedKeyUsage(extended_key_usage_type="SERVER_AUTH")],
        ),
    )
    passthrough.to_api()  # {"Extensions": {...}, "Subject": {...}}, as botocore takes it
"""

from __future__ import annotations

import base64
import enum
import ipaddress
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar, cast

import attrs
from typing_extensions import Self

from acmpca_issue._enums import ExtendedKeyUsageType, PolicyQualifierId, coerce_enum
from acmpca_issue._problems import Problems, describe
from acmpca_issue.exceptions import InvalidRequestError

__all__ = [
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
]

# Patterns of the service model, anchored (Smithy patterns are not) and ASCII-only.
_OID = re.compile(r"([0-2])\.([0-9]|([0-3][0-9]))((\.([0-9]+)){0,126})", re.ASCII)
_BASE64 = re.compile(r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?", re.ASCII)
_COUNTRY = re.compile(r"[A-Za-z]{2}", re.ASCII)
# ``+-.`` is the range + , - . so the comma is allowed, as PrintableString allows it.
_PRINTABLE = re.compile(r"[a-zA-Z0-9'()+-.?:/= ]*", re.ASCII)


class _Missing(enum.Enum):
    MISSING = enum.auto()


_MISSING = _Missing.MISSING

Check = Callable[[object, str, Problems], object]


@attrs.frozen
class _Member:
    """One field of a model: its snake_case name, its AWS key, and how it is checked."""

    name: str
    key: str
    check: Check
    required: bool = False


def _encodable(value: str) -> bool:
    """Whether ``value`` can be sent as UTF-8 (a lone surrogate such as ``\\ud800`` cannot)."""
    if value.isascii():
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _text(
    max_len: int,
    *,
    min_len: int = 0,
    pattern: re.Pattern[str] | None = None,
    allowed: str = "",
) -> Check:
    def check(value: object, path: str, problems: Problems) -> object:
        if not isinstance(value, str):
            problems.add(path, f"must be a string, got {type(value).__name__}")
        elif not _encodable(value):
            problems.add(
                path, f"must be Unicode text without lone surrogates, got {describe(value)}"
            )
        elif not min_len <= len(value) <= max_len:
            size = (
                f"exactly {max_len}"
                if min_len == max_len
                else f"{min_len}-{max_len}"
                if min_len
                else f"at most {max_len}"
            )
            problems.add(path, f"must be {size} characters long, got {len(value)}")
        elif pattern is not None and pattern.fullmatch(value) is None:
            problems.add(path, f"must be {allowed}, got {describe(value)}")
        return value

    return check


_oid = _text(64, min_len=1, pattern=_OID, allowed="an object identifier like 1.3.6.1.4.1.99")


def _flag(value: object, path: str, problems: Problems) -> object:
    if not isinstance(value, bool):
        problems.add(path, f"must be true or false, got {describe(value)}")
    return value


def _enum(enum_type: type[Any]) -> Check:
    def check(value: object, path: str, problems: Problems) -> object:
        return problems.check(path, coerce_enum, enum_type, value, "") or value

    return check


def _nested(model: type[_Model]) -> Check:
    def check(value: object, path: str, problems: Problems) -> object:
        if isinstance(value, model):
            return value
        if isinstance(value, Mapping):
            return problems.check(path, model.from_api, value) or value
        problems.add(path, f"must be a {model.__name__} or its AWS mapping, got {_kind(value)}")
        return value

    return check


def _items(model: type[_Model], max_len: int) -> Check:
    nested = _nested(model)

    def check(value: object, path: str, problems: Problems) -> object:
        if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Sequence):
            problems.add(path, f"must be a list of {model.__name__}, got {_kind(value)}")
            return value
        try:
            size = len(value)
        except OverflowError:  # a range with more items than an index can count
            size = sys.maxsize + 1
        if not 1 <= size <= max_len:
            # The items of a list refused for its size are not checked one by one.
            got = size if size <= sys.maxsize else f"more than {sys.maxsize}"
            problems.add(path, f"must hold 1-{max_len} items (or be left out), got {got}")
            return value
        return tuple(nested(item, f"{path}[{index}]", problems) for index, item in enumerate(value))

    return check


def _kind(value: object) -> str:
    return "None" if value is None else type(value).__name__


def _wire(value: object) -> object:
    if isinstance(value, _Model):
        return value.to_api()
    if isinstance(value, tuple):
        return [_wire(item) for item in value]
    if isinstance(value, enum.Enum):
        return value.value
    return value


class _Model:
    """What every ApiPassthrough class shares: checking, ``to_api`` and ``from_api``."""

    __slots__ = ()
    _MEMBERS: ClassVar[tuple[_Member, ...]]

    def __attrs_post_init__(self) -> None:
        problems = Problems()
        for member in self._MEMBERS:
            value = getattr(self, member.name)
            if value is None or value is _MISSING:
                if member.required:
                    problems.add(member.name, "is required")
                continue
            object.__setattr__(self, member.name, member.check(value, member.name, problems))
        self._check_whole(problems)
        problems.raise_if_any()

    def _check_whole(self, problems: Problems) -> None:
        """Rules across fields; the default has none."""

    def __repr__(self) -> str:
        """The members that differ from their defaults, so a GeneralName shows its one name."""
        defaults = attrs.fields_dict(type(self))  # type: ignore[arg-type]
        shown = ", ".join(
            f"{member.name}={getattr(self, member.name)!r}"
            for member in self._MEMBERS
            if getattr(self, member.name) is not defaults[member.name].default
        )
        return f"{type(self).__name__}({shown})"

    def to_api(self) -> dict[str, Any]:
        """The AWS shape (PascalCase keys), with only the members that are set."""
        return {
            member.key: _wire(getattr(self, member.name))
            for member in self._MEMBERS
            if getattr(self, member.name) is not None
        }

    @classmethod
    def from_api(cls, data: object) -> Self:
        """Build from the AWS shape (PascalCase keys, as botocore takes it).

        Problems are reported at the snake_case field paths (``subject.country``).

        Raises:
            InvalidRequestError: not a mapping, an unknown key, or any invalid value.
        """
        keys = ", ".join(member.key for member in cls._MEMBERS)
        if not isinstance(data, Mapping):
            raise InvalidRequestError(f"must be a mapping with keys {keys}, got {_kind(data)}")
        by_key = {member.key: member for member in cls._MEMBERS}
        problems = Problems()
        values: dict[str, object] = {m.name: _MISSING for m in cls._MEMBERS if m.required}
        for key, value in data.items():
            member = by_key.get(key) if isinstance(key, str) else None
            if member is None:
                problems.add("", f"unknown key {describe(key)}; allowed: {keys}")
            else:
                values[member.name] = value
        built = None
        try:
            built = cast(Callable[..., Self], cls)(**values)
        except InvalidRequestError as error:
            problems.absorb("", error)
        problems.raise_if_any()
        return cast(Self, built)


# The converters below only widen what callers may pass (any sequence for a tuple, an AWS
# mapping for a nested object) for type checkers; __attrs_post_init__ checks and converts.
_AwsMapping = Mapping[str, Any]


def _qualifier_infos(
    value: Sequence[PolicyQualifierInfo | _AwsMapping] | None,
) -> tuple[PolicyQualifierInfo, ...] | None:
    return cast("tuple[PolicyQualifierInfo, ...] | None", value)


def _policies(
    value: Sequence[PolicyInformation | _AwsMapping] | None,
) -> tuple[PolicyInformation, ...] | None:
    return cast("tuple[PolicyInformation, ...] | None", value)


def _ekus(
    value: Sequence[ExtendedKeyUsage | _AwsMapping] | None,
) -> tuple[ExtendedKeyUsage, ...] | None:
    return cast("tuple[ExtendedKeyUsage, ...] | None", value)


def _names(value: Sequence[GeneralName | _AwsMapping] | None) -> tuple[GeneralName, ...] | None:
    return cast("tuple[GeneralName, ...] | None", value)


def _custom_extensions(
    value: Sequence[CustomExtension | _AwsMapping] | None,
) -> tuple[CustomExtension, ...] | None:
    return cast("tuple[CustomExtension, ...] | None", value)


def _custom_attributes(
    value: Sequence[CustomAttribute | _AwsMapping] | None,
) -> tuple[CustomAttribute, ...] | None:
    return cast("tuple[CustomAttribute, ...] | None", value)


def _qualifier(value: Qualifier | _AwsMapping) -> Qualifier:
    return cast("Qualifier", value)


def _other_name(value: OtherName | _AwsMapping | None) -> OtherName | None:
    return cast("OtherName | None", value)


def _subject(value: Subject | _AwsMapping | None) -> Subject | None:
    return cast("Subject | None", value)


def _edi(value: EdiPartyName | _AwsMapping | None) -> EdiPartyName | None:
    return cast("EdiPartyName | None", value)


def _key_usage(value: KeyUsage | _AwsMapping | None) -> KeyUsage | None:
    return cast("KeyUsage | None", value)


def _extensions(value: Extensions | _AwsMapping | None) -> Extensions | None:
    return cast("Extensions | None", value)


def _blob(value: str | bytes) -> str:
    return cast(str, value)


def _address(value: str | ipaddress.IPv4Address | ipaddress.IPv6Address | None) -> str | None:
    return cast("str | None", value)


def _qualifier_id(value: PolicyQualifierId | str) -> PolicyQualifierId:
    return cast(PolicyQualifierId, value)


def _eku_type(value: ExtendedKeyUsageType | str | None) -> ExtendedKeyUsageType | None:
    return cast("ExtendedKeyUsageType | None", value)


def _count_set(model: _Model) -> list[str]:
    return [m.name for m in model._MEMBERS if getattr(model, m.name) is not None]


@attrs.frozen(kw_only=True, repr=False)
class Qualifier(_Model):
    """A policy qualifier: the URI of a certification practice statement (at most 256)."""

    cps_uri: str

    _MEMBERS = (_Member("cps_uri", "CpsUri", _text(256), required=True),)


@attrs.frozen(kw_only=True, repr=False)
class PolicyQualifierInfo(_Model):
    """A qualifier of a certificate policy (``policy_qualifier_id`` is ``CPS``)."""

    policy_qualifier_id: PolicyQualifierId = attrs.field(converter=_qualifier_id)
    qualifier: Qualifier = attrs.field(converter=_qualifier)

    _MEMBERS = (
        _Member("policy_qualifier_id", "PolicyQualifierId", _enum(PolicyQualifierId), True),
        _Member("qualifier", "Qualifier", _nested(Qualifier), True),
    )


@attrs.frozen(kw_only=True, repr=False)
class PolicyInformation(_Model):
    """A certificate policy: its OID and 1-20 optional qualifiers."""

    cert_policy_id: str
    policy_qualifiers: tuple[PolicyQualifierInfo, ...] | None = attrs.field(
        default=None, converter=_qualifier_infos
    )

    _MEMBERS = (
        _Member("cert_policy_id", "CertPolicyId", _oid, required=True),
        _Member("policy_qualifiers", "PolicyQualifiers", _items(PolicyQualifierInfo, 20)),
    )


@attrs.frozen(kw_only=True, repr=False)
class ExtendedKeyUsage(_Model):
    """One extended key usage: a named type or an OID, exactly one of the two."""

    extended_key_usage_type: ExtendedKeyUsageType | None = attrs.field(
        default=None, converter=_eku_type
    )
    extended_key_usage_object_identifier: str | None = None

    _MEMBERS = (
        _Member("extended_key_usage_type", "ExtendedKeyUsageType", _enum(ExtendedKeyUsageType)),
        _Member("extended_key_usage_object_identifier", "ExtendedKeyUsageObjectIdentifier", _oid),
    )

    def _check_whole(self, problems: Problems) -> None:
        if len(_count_set(self)) != 1:
            problems.add(
                "",
                "give exactly one of extended_key_usage_type and "
                "extended_key_usage_object_identifier",
            )


@attrs.frozen(kw_only=True, repr=False)
class KeyUsage(_Model):
    """The key usage bits.

    Each is ``True``, ``False`` or ``None`` (left out); the service reads a left-out bit as
    false. Only the bits that are set are sent, so an explicit ``False`` goes on the wire as
    ``false`` exactly as the AWS CLI sends it.
    """

    digital_signature: bool | None = None
    non_repudiation: bool | None = None
    key_encipherment: bool | None = None
    data_encipherment: bool | None = None
    key_agreement: bool | None = None
    key_cert_sign: bool | None = None
    crl_sign: bool | None = None
    encipher_only: bool | None = None
    decipher_only: bool | None = None

    _MEMBERS = tuple(
        _Member(name, key, _flag)
        for name, key in (
            ("digital_signature", "DigitalSignature"),
            ("non_repudiation", "NonRepudiation"),
            ("key_encipherment", "KeyEncipherment"),
            ("data_encipherment", "DataEncipherment"),
            ("key_agreement", "KeyAgreement"),
            ("key_cert_sign", "KeyCertSign"),
            ("crl_sign", "CRLSign"),
            ("encipher_only", "EncipherOnly"),
            ("decipher_only", "DecipherOnly"),
        )
    )


def _base64_value(value: object, path: str, problems: Problems) -> object:
    if isinstance(value, (bytes, bytearray)):
        value = base64.b64encode(value).decode("ascii")
    return _text(4096, min_len=1, pattern=_BASE64, allowed="base64 text (the DER value)")(
        value, path, problems
    )


@attrs.frozen(kw_only=True, repr=False)
class CustomExtension(_Model):
    """An X.509 extension given by OID and base64 DER value (``bytes`` are base64-encoded)."""

    object_identifier: str
    value: str = attrs.field(converter=_blob)
    critical: bool | None = None

    _MEMBERS = (
        _Member("object_identifier", "ObjectIdentifier", _oid, required=True),
        _Member("value", "Value", _base64_value, required=True),
        _Member("critical", "Critical", _flag),
    )


@attrs.frozen(kw_only=True, repr=False)
class CustomAttribute(_Model):
    """A subject attribute given by OID (``2.5.4.3`` is the common name) and a 1-256 value."""

    object_identifier: str
    value: str

    _MEMBERS = (
        _Member("object_identifier", "ObjectIdentifier", _oid, required=True),
        _Member("value", "Value", _text(256, min_len=1), required=True),
    )


_STANDARD_SUBJECT = (
    ("country", "Country", _text(2, min_len=2, pattern=_COUNTRY, allowed="two letters")),
    ("organization", "Organization", _text(64)),
    ("organizational_unit", "OrganizationalUnit", _text(64)),
    (
        "distinguished_name_qualifier",
        "DistinguishedNameQualifier",
        _text(64, pattern=_PRINTABLE, allowed="PrintableString (A-Z a-z 0-9 '()+,-./:=? space)"),
    ),
    ("state", "State", _text(128)),
    ("common_name", "CommonName", _text(64)),
    (
        "serial_number",
        "SerialNumber",
        _text(64, pattern=_PRINTABLE, allowed="PrintableString (A-Z a-z 0-9 '()+,-./:=? space)"),
    ),
    ("locality", "Locality", _text(128)),
    ("title", "Title", _text(64)),
    ("surname", "Surname", _text(40)),
    ("given_name", "GivenName", _text(16)),
    ("initials", "Initials", _text(5)),
    ("pseudonym", "Pseudonym", _text(128)),
    ("generation_qualifier", "GenerationQualifier", _text(3)),
)


@attrs.frozen(kw_only=True, repr=False)
class Subject(_Model):
    """A distinguished name (``ASN1Subject``): standard fields, or custom attributes alone."""

    country: str | None = None
    organization: str | None = None
    organizational_unit: str | None = None
    distinguished_name_qualifier: str | None = None
    state: str | None = None
    common_name: str | None = None
    serial_number: str | None = None
    locality: str | None = None
    title: str | None = None
    surname: str | None = None
    given_name: str | None = None
    initials: str | None = None
    pseudonym: str | None = None
    generation_qualifier: str | None = None
    custom_attributes: tuple[CustomAttribute, ...] | None = attrs.field(
        default=None, converter=_custom_attributes
    )

    _MEMBERS = (
        *(_Member(name, key, check) for name, key, check in _STANDARD_SUBJECT),
        _Member("custom_attributes", "CustomAttributes", _items(CustomAttribute, 150)),
    )

    def _check_whole(self, problems: Problems) -> None:
        standard = [name for name in _count_set(self) if name != "custom_attributes"]
        if standard and self.custom_attributes is not None:
            problems.add(
                "custom_attributes",
                "cannot be combined with standard fields (" + ", ".join(standard) + "); "
                "give those as custom attributes too (common_name is 2.5.4.3)",
            )


@attrs.frozen(kw_only=True, repr=False)
class OtherName(_Model):
    """An ``otherName`` general name: a type OID and a value (at most 256)."""

    type_id: str
    value: str

    _MEMBERS = (
        _Member("type_id", "TypeId", _oid, required=True),
        _Member("value", "Value", _text(256), required=True),
    )


@attrs.frozen(kw_only=True, repr=False)
class EdiPartyName(_Model):
    """An ``ediPartyName`` general name."""

    party_name: str
    name_assigner: str | None = None

    _MEMBERS = (
        _Member("party_name", "PartyName", _text(256), required=True),
        _Member("name_assigner", "NameAssigner", _text(256)),
    )


def _ip(value: object, path: str, problems: Problems) -> object:
    if isinstance(value, (ipaddress.IPv4Address, ipaddress.IPv6Address)):
        value = str(value)
    if not isinstance(value, str):
        problems.add(path, f"must be a string, got {type(value).__name__}")
        return value
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        problems.add(path, f"must be an IPv4 or IPv6 address, got {describe(value)}")
    else:
        if isinstance(address, ipaddress.IPv6Address) and address.scope_id is not None:
            problems.add(path, f"must be an address without a zone (%...), got {describe(value)}")
        else:
            _text(39)(value, path, problems)
    return value


@attrs.frozen(kw_only=True, repr=False)
class GeneralName(_Model):
    """One name of a SAN list; exactly one member is set.

    Prefer the named constructors: ``GeneralName.dns("a.example")``, ``.email(...)``,
    ``.uri(...)``, ``.ip(...)``, ``.directory(Subject(...))``, ``.registered_id(oid)``,
    ``.other(type_id, value)`` and ``.edi_party(party_name)``.
    """

    other_name: OtherName | None = attrs.field(default=None, converter=_other_name)
    rfc822_name: str | None = None
    dns_name: str | None = None
    directory_name: Subject | None = attrs.field(default=None, converter=_subject)
    edi_party_name: EdiPartyName | None = attrs.field(default=None, converter=_edi)
    uniform_resource_identifier: str | None = None
    ip_address: str | None = attrs.field(default=None, converter=_address)
    registered_id: str | None = None

    _MEMBERS = (
        _Member("other_name", "OtherName", _nested(OtherName)),
        _Member("rfc822_name", "Rfc822Name", _text(256, min_len=1)),
        _Member("dns_name", "DnsName", _text(253, min_len=1)),
        _Member("directory_name", "DirectoryName", _nested(Subject)),
        _Member("edi_party_name", "EdiPartyName", _nested(EdiPartyName)),
        _Member("uniform_resource_identifier", "UniformResourceIdentifier", _text(253, min_len=1)),
        _Member("ip_address", "IpAddress", _ip),
        _Member("registered_id", "RegisteredId", _oid),
    )

    def _check_whole(self, problems: Problems) -> None:
        given = _count_set(self)
        if len(given) != 1:
            names = ", ".join(m.name for m in self._MEMBERS)
            found = f"got {', '.join(given)}" if given else "got none"
            problems.add("", f"give exactly one of {names}; {found}")

    @classmethod
    def dns(cls, name: str) -> Self:
        """A DNS name (``svc.example.com``)."""
        return cls(dns_name=name)

    @classmethod
    def email(cls, address: str) -> Self:
        """An email address (``rfc822_name``)."""
        return cls(rfc822_name=address)

    @classmethod
    def uri(cls, uri: str) -> Self:
        """A URI (``uniform_resource_identifier``)."""
        return cls(uniform_resource_identifier=uri)

    @classmethod
    def ip(cls, address: str | ipaddress.IPv4Address | ipaddress.IPv6Address) -> Self:
        """An IPv4 or IPv6 address."""
        return cls(ip_address=address)

    @classmethod
    def directory(cls, subject: Subject) -> Self:
        """A directory name."""
        return cls(directory_name=subject)

    @classmethod
    def registered(cls, object_identifier: str) -> Self:
        """A registered ID (an OID)."""
        return cls(registered_id=object_identifier)

    @classmethod
    def other(cls, type_id: str, value: str) -> Self:
        """An other name: a type OID and its value."""
        return cls(other_name=OtherName(type_id=type_id, value=value))

    @classmethod
    def edi_party(cls, party_name: str, name_assigner: str | None = None) -> Self:
        """An EDI party name."""
        return cls(edi_party_name=EdiPartyName(party_name=party_name, name_assigner=name_assigner))


@attrs.frozen(kw_only=True, repr=False)
class Extensions(_Model):
    """The X.509 extensions to set; each list holds 1 to its limit (20 or 150) items."""

    certificate_policies: tuple[PolicyInformation, ...] | None = attrs.field(
        default=None, converter=_policies
    )
    extended_key_usage: tuple[ExtendedKeyUsage, ...] | None = attrs.field(
        default=None, converter=_ekus
    )
    key_usage: KeyUsage | None = attrs.field(default=None, converter=_key_usage)
    subject_alternative_names: tuple[GeneralName, ...] | None = attrs.field(
        default=None, converter=_names
    )
    custom_extensions: tuple[CustomExtension, ...] | None = attrs.field(
        default=None, converter=_custom_extensions
    )

    _MEMBERS = (
        _Member("certificate_policies", "CertificatePolicies", _items(PolicyInformation, 20)),
        _Member("extended_key_usage", "ExtendedKeyUsage", _items(ExtendedKeyUsage, 20)),
        _Member("key_usage", "KeyUsage", _nested(KeyUsage)),
        _Member("subject_alternative_names", "SubjectAlternativeNames", _items(GeneralName, 150)),
        _Member("custom_extensions", "CustomExtensions", _items(CustomExtension, 150)),
    )


@attrs.frozen(kw_only=True, repr=False)
class ApiPassthrough(_Model):
    """Subject and extensions applied by an ``APIPassthrough``/``APICSRPassthrough`` template."""

    extensions: Extensions | None = attrs.field(default=None, converter=_extensions)
    subject: Subject | None = attrs.field(default=None, converter=_subject)

    _MEMBERS = (
        _Member("extensions", "Extensions", _nested(Extensions)),
        _Member("subject", "Subject", _nested(Subject)),
    )
