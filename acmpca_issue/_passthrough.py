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
import ipaddress
import re
from collections.abc import Mapping, Sequence
from typing import Any, cast

import attrs
from typing_extensions import Self

from acmpca_issue._enums import ExtendedKeyUsageType, PolicyQualifierId
from acmpca_issue._problems import Problems, describe
from acmpca_issue._shape import Member, Model, count_set, enum_member, flag, items, nested, text

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

_oid = text(64, min_len=1, pattern=_OID, allowed="an object identifier like 1.3.6.1.4.1.99")


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


@attrs.frozen(kw_only=True, repr=False)
class Qualifier(Model):
    """A policy qualifier: the URI of a certification practice statement (at most 256)."""

    cps_uri: str

    _MEMBERS = (Member("cps_uri", "CpsUri", text(256), required=True),)


@attrs.frozen(kw_only=True, repr=False)
class PolicyQualifierInfo(Model):
    """A qualifier of a certificate policy (``policy_qualifier_id`` is ``CPS``)."""

    policy_qualifier_id: PolicyQualifierId = attrs.field(converter=_qualifier_id)
    qualifier: Qualifier = attrs.field(converter=_qualifier)

    _MEMBERS = (
        Member("policy_qualifier_id", "PolicyQualifierId", enum_member(PolicyQualifierId), True),
        Member("qualifier", "Qualifier", nested(Qualifier), True),
    )


@attrs.frozen(kw_only=True, repr=False)
class PolicyInformation(Model):
    """A certificate policy: its OID and 1-20 optional qualifiers."""

    cert_policy_id: str
    policy_qualifiers: tuple[PolicyQualifierInfo, ...] | None = attrs.field(
        default=None, converter=_qualifier_infos
    )

    _MEMBERS = (
        Member("cert_policy_id", "CertPolicyId", _oid, required=True),
        Member("policy_qualifiers", "PolicyQualifiers", items(PolicyQualifierInfo, 20)),
    )


@attrs.frozen(kw_only=True, repr=False)
class ExtendedKeyUsage(Model):
    """One extended key usage: a named type or an OID, exactly one of the two."""

    extended_key_usage_type: ExtendedKeyUsageType | None = attrs.field(
        default=None, converter=_eku_type
    )
    extended_key_usage_object_identifier: str | None = None

    _MEMBERS = (
        Member(
            "extended_key_usage_type", "ExtendedKeyUsageType", enum_member(ExtendedKeyUsageType)
        ),
        Member("extended_key_usage_object_identifier", "ExtendedKeyUsageObjectIdentifier", _oid),
    )

    def _check_whole(self, problems: Problems) -> None:
        if len(count_set(self)) != 1:
            problems.add(
                "",
                "give exactly one of extended_key_usage_type and "
                "extended_key_usage_object_identifier",
            )


@attrs.frozen(kw_only=True, repr=False)
class KeyUsage(Model):
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
        Member(name, key, flag)
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
    return text(4096, min_len=1, pattern=_BASE64, allowed="base64 text (the DER value)")(
        value, path, problems
    )


@attrs.frozen(kw_only=True, repr=False)
class CustomExtension(Model):
    """An X.509 extension given by OID and base64 DER value (``bytes`` are base64-encoded)."""

    object_identifier: str
    value: str = attrs.field(converter=_blob)
    critical: bool | None = None

    _MEMBERS = (
        Member("object_identifier", "ObjectIdentifier", _oid, required=True),
        Member("value", "Value", _base64_value, required=True),
        Member("critical", "Critical", flag),
    )


@attrs.frozen(kw_only=True, repr=False)
class CustomAttribute(Model):
    """A subject attribute given by OID (``2.5.4.3`` is the common name) and a 1-256 value."""

    object_identifier: str
    value: str

    _MEMBERS = (
        Member("object_identifier", "ObjectIdentifier", _oid, required=True),
        Member("value", "Value", text(256, min_len=1), required=True),
    )


_STANDARD_SUBJECT = (
    ("country", "Country", text(2, min_len=2, pattern=_COUNTRY, allowed="two letters")),
    ("organization", "Organization", text(64)),
    ("organizational_unit", "OrganizationalUnit", text(64)),
    (
        "distinguished_name_qualifier",
        "DistinguishedNameQualifier",
        text(64, pattern=_PRINTABLE, allowed="PrintableString (A-Z a-z 0-9 '()+,-./:=? space)"),
    ),
    ("state", "State", text(128)),
    ("common_name", "CommonName", text(64)),
    (
        "serial_number",
        "SerialNumber",
        text(64, pattern=_PRINTABLE, allowed="PrintableString (A-Z a-z 0-9 '()+,-./:=? space)"),
    ),
    ("locality", "Locality", text(128)),
    ("title", "Title", text(64)),
    ("surname", "Surname", text(40)),
    ("given_name", "GivenName", text(16)),
    ("initials", "Initials", text(5)),
    ("pseudonym", "Pseudonym", text(128)),
    ("generation_qualifier", "GenerationQualifier", text(3)),
)


@attrs.frozen(kw_only=True, repr=False)
class Subject(Model):
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
        *(Member(name, key, check) for name, key, check in _STANDARD_SUBJECT),
        Member("custom_attributes", "CustomAttributes", items(CustomAttribute, 150)),
    )

    def _check_whole(self, problems: Problems) -> None:
        standard = [name for name in count_set(self) if name != "custom_attributes"]
        if standard and self.custom_attributes is not None:
            problems.add(
                "custom_attributes",
                "cannot be combined with standard fields (" + ", ".join(standard) + "); "
                "give those as custom attributes too (common_name is 2.5.4.3)",
            )


@attrs.frozen(kw_only=True, repr=False)
class OtherName(Model):
    """An ``otherName`` general name: a type OID and a value (at most 256)."""

    type_id: str
    value: str

    _MEMBERS = (
        Member("type_id", "TypeId", _oid, required=True),
        Member("value", "Value", text(256), required=True),
    )


@attrs.frozen(kw_only=True, repr=False)
class EdiPartyName(Model):
    """An ``ediPartyName`` general name."""

    party_name: str
    name_assigner: str | None = None

    _MEMBERS = (
        Member("party_name", "PartyName", text(256), required=True),
        Member("name_assigner", "NameAssigner", text(256)),
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
            text(39)(value, path, problems)
    return value


@attrs.frozen(kw_only=True, repr=False)
class GeneralName(Model):
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
        Member("other_name", "OtherName", nested(OtherName)),
        Member("rfc822_name", "Rfc822Name", text(256, min_len=1)),
        Member("dns_name", "DnsName", text(253, min_len=1)),
        Member("directory_name", "DirectoryName", nested(Subject)),
        Member("edi_party_name", "EdiPartyName", nested(EdiPartyName)),
        Member("uniform_resource_identifier", "UniformResourceIdentifier", text(253, min_len=1)),
        Member("ip_address", "IpAddress", _ip),
        Member("registered_id", "RegisteredId", _oid),
    )

    def _check_whole(self, problems: Problems) -> None:
        given = count_set(self)
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
class Extensions(Model):
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
        Member("certificate_policies", "CertificatePolicies", items(PolicyInformation, 20)),
        Member("extended_key_usage", "ExtendedKeyUsage", items(ExtendedKeyUsage, 20)),
        Member("key_usage", "KeyUsage", nested(KeyUsage)),
        Member("subject_alternative_names", "SubjectAlternativeNames", items(GeneralName, 150)),
        Member("custom_extensions", "CustomExtensions", items(CustomExtension, 150)),
    )


@attrs.frozen(kw_only=True, repr=False)
class ApiPassthrough(Model):
    """Subject and extensions applied by an ``APIPassthrough``/``APICSRPassthrough`` template."""

    extensions: Extensions | None = attrs.field(default=None, converter=_extensions)
    subject: Subject | None = attrs.field(default=None, converter=_subject)

    _MEMBERS = (
        Member("extensions", "Extensions", nested(Extensions)),
        Member("subject", "Subject", nested(Subject)),
    )
