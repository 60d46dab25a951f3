"""The ApiPassthrough tree: the service model's constraints, to_api and from_api."""

from __future__ import annotations

import ipaddress
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acmpca_issue import (
    ApiPassthrough,
    CustomAttribute,
    CustomExtension,
    EdiPartyName,
    ExtendedKeyUsage,
    ExtendedKeyUsageType,
    Extensions,
    GeneralName,
    InvalidRequestError,
    KeyUsage,
    OtherName,
    PolicyInformation,
    PolicyQualifierId,
    PolicyQualifierInfo,
    Qualifier,
    Subject,
)

_CLASSES = (
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


def _full() -> ApiPassthrough:
    return ApiPassthrough(
        subject=Subject(
            country="US",
            organization="Example",
            organizational_unit="Ops",
            distinguished_name_qualifier="dnq",
            state="WA",
            common_name="svc.example.com",
            serial_number="1234, (A)",
            locality="Seattle",
            title="Svc",
            surname="Doe",
            given_name="Jane",
            initials="JD",
            pseudonym="jd",
            generation_qualifier="III",
        ),
        extensions=Extensions(
            certificate_policies=[
                PolicyInformation(
                    cert_policy_id="2.5.29.32.0",
                    policy_qualifiers=[
                        PolicyQualifierInfo(
                            policy_qualifier_id="CPS",
                            qualifier=Qualifier(cps_uri="https://example.com/cps"),
                        )
                    ],
                )
            ],
            extended_key_usage=[
                ExtendedKeyUsage(extended_key_usage_type=ExtendedKeyUsageType.SERVER_AUTH),
                ExtendedKeyUsage(extended_key_usage_object_identifier="1.3.6.1.5.5.7.3.2"),
            ],
            key_usage=KeyUsage(digital_signature=True, key_encipherment=True),
            subject_alternative_names=[
                GeneralName.dns("svc.example.com"),
                GeneralName.email("ops@example.com"),
                GeneralName.uri("https://svc.example.com/"),
                GeneralName.ip("10.0.0.1"),
                GeneralName.ip(ipaddress.ip_address("2001:db8::1")),
                GeneralName.directory(Subject(common_name="dir")),
                GeneralName.registered("1.2.3.4"),
                GeneralName.other("1.3.6.1.4.1.311.20.2.3", "upn@example.com"),
                GeneralName.edi_party("party", "assigner"),
            ],
            custom_extensions=[
                CustomExtension(object_identifier="1.2.3.4.5", value=b"\x05\x00", critical=True)
            ],
        ),
    )


class TestShape:
    """to_api gives botocore's shape; from_api inverts it."""

    def test_to_api(self) -> None:
        """PascalCase keys, only set members, enums as their strings, bytes as base64."""
        api = _full().to_api()
        extensions = api["Extensions"]
        assert api["Subject"]["Country"] == "US"
        assert extensions["KeyUsage"] == {"DigitalSignature": True, "KeyEncipherment": True}
        assert extensions["ExtendedKeyUsage"] == [
            {"ExtendedKeyUsageType": "SERVER_AUTH"},
            {"ExtendedKeyUsageObjectIdentifier": "1.3.6.1.5.5.7.3.2"},
        ]
        assert extensions["CertificatePolicies"][0]["PolicyQualifiers"][0] == {
            "PolicyQualifierId": "CPS",
            "Qualifier": {"CpsUri": "https://example.com/cps"},
        }
        assert extensions["SubjectAlternativeNames"][4] == {"IpAddress": "2001:db8::1"}
        assert extensions["SubjectAlternativeNames"][7] == {
            "OtherName": {"TypeId": "1.3.6.1.4.1.311.20.2.3", "Value": "upn@example.com"}
        }
        assert extensions["SubjectAlternativeNames"][8] == {
            "EdiPartyName": {"PartyName": "party", "NameAssigner": "assigner"}
        }
        assert extensions["CustomExtensions"] == [
            {"ObjectIdentifier": "1.2.3.4.5", "Value": "BQA=", "Critical": True}
        ]

    def test_round_trip(self) -> None:
        """from_api(to_api(x)) == x, for every class in the tree."""
        full = _full()
        assert ApiPassthrough.from_api(full.to_api()) == full
        assert full.extensions is not None
        assert Extensions.from_api(full.extensions.to_api()) == full.extensions

    def test_every_class_round_trips(self) -> None:
        """Each object in a tree using all 13 classes is rebuilt by its own from_api."""
        custom_subject = Subject(
            custom_attributes=[CustomAttribute(object_identifier="2.5.4.3", value="cn")]
        )
        seen: dict[type[Any], int] = {}
        pending: list[object] = [_full(), custom_subject]
        while pending:
            item = pending.pop()
            if isinstance(item, tuple):
                pending.extend(item)
                continue
            if not isinstance(item, _CLASSES):
                continue
            rebuilt = type(item).from_api(item.to_api())
            assert rebuilt == item
            assert hash(rebuilt) == hash(item)
            seen[type(item)] = seen.get(type(item), 0) + 1
            pending.extend(getattr(item, field.name) for field in attrs.fields(type(item)))
        assert set(seen) == set(_CLASSES)

    def test_lists_become_tuples_and_mappings_objects(self) -> None:
        """Any sequence is kept as a tuple; an AWS mapping in place of an object is read."""
        extensions = Extensions(subject_alternative_names=[{"DnsName": "a.example"}])
        assert extensions.subject_alternative_names == (GeneralName.dns("a.example"),)
        assert hash(extensions) == hash(Extensions.from_api(extensions.to_api()))

    def test_enums_from_strings(self) -> None:
        """Enum fields take their strings."""
        info = PolicyQualifierInfo(policy_qualifier_id="CPS", qualifier={"CpsUri": "u"})
        assert info.policy_qualifier_id is PolicyQualifierId.CPS
        assert info.qualifier == Qualifier(cps_uri="u")

    def test_empty_objects_follow_the_model(self) -> None:
        """The model allows empty structures; they give empty mappings."""
        assert ApiPassthrough().to_api() == {}
        assert KeyUsage().to_api() == {}
        explicit = KeyUsage.from_api({"DigitalSignature": False})
        assert explicit == KeyUsage(digital_signature=False)
        assert explicit != KeyUsage()
        assert explicit.to_api() == {"DigitalSignature": False}

    def test_custom_attributes_alone(self) -> None:
        """Custom attributes on their own are fine (standard OIDs included)."""
        subject = Subject(
            custom_attributes=[CustomAttribute(object_identifier="2.5.4.3", value="cn")]
        )
        assert subject.to_api() == {
            "CustomAttributes": [{"ObjectIdentifier": "2.5.4.3", "Value": "cn"}]
        }

    @pytest.mark.parametrize(
        "oid", ["0.0", "1.2", "2.39.1", "1.3.6.1.4.1.99999", "2." + ".".join(["1"] * 20)]
    )
    def test_oids_accepted(self, oid: str) -> None:
        """OIDs matching the model's pattern are accepted."""
        assert CustomExtension(object_identifier=oid, value="AA==").object_identifier == oid

    def test_repr_shows_what_is_set(self) -> None:
        """The repr leaves out members at their defaults but keeps an explicit False."""
        passthrough = ApiPassthrough(
            extensions=Extensions(
                key_usage=KeyUsage(crl_sign=True),
                subject_alternative_names=[GeneralName.dns("a.example")],
                custom_extensions=[
                    CustomExtension(object_identifier="1.2", value="AA==", critical=False)
                ],
            )
        )
        assert repr(passthrough) == (
            "ApiPassthrough(extensions=Extensions(key_usage=KeyUsage(crl_sign=True), "
            "subject_alternative_names=(GeneralName(dns_name='a.example'),), "
            "custom_extensions=(CustomExtension(object_identifier='1.2', value='AA==', "
            "critical=False),)))"
        )

    def test_edi_without_assigner(self) -> None:
        """The name assigner is optional."""
        assert EdiPartyName(party_name="p").to_api() == {"PartyName": "p"}
        assert OtherName(type_id="1.2", value="").to_api() == {"TypeId": "1.2", "Value": ""}


def _problems(error: pytest.ExceptionInfo[InvalidRequestError]) -> dict[str, str]:
    return {p.path: p.message for p in error.value.problems}


class TestConstraints:
    """Every constraint of the model, reported at the right path."""

    @pytest.mark.parametrize(
        ("build", "path", "match"),
        [
            (lambda: Subject(country="USA"), "country", "exactly 2"),
            (lambda: Subject(country="1A"), "country", "two letters"),
            (lambda: Subject(country="ÄB"), "country", "two letters"),
            (lambda: Subject(common_name="a\ud800b"), "common_name", "lone surrogates"),
            (lambda: GeneralName.dns("\udfff.example"), "dns_name", "lone surrogates"),
            (lambda: GeneralName.ip("fe80::1%eth0"), "ip_address", "without a zone"),
            (
                lambda: GeneralName.ip(ipaddress.IPv6Address("fe80::1%1")),
                "ip_address",
                "without a zone",
            ),
            (lambda: Subject(common_name="x" * 65), "common_name", "at most 64"),
            (lambda: Subject(organization="x" * 65), "organization", "at most 64"),
            (lambda: Subject(state="x" * 129), "state", "at most 128"),
            (lambda: Subject(surname="x" * 41), "surname", "at most 40"),
            (lambda: Subject(given_name="x" * 17), "given_name", "at most 16"),
            (lambda: Subject(initials="x" * 6), "initials", "at most 5"),
            (lambda: Subject(generation_qualifier="Jr.x"), "generation_qualifier", "at most 3"),
            (lambda: Subject(serial_number="a_b"), "serial_number", "PrintableString"),
            (
                lambda: Subject(distinguished_name_qualifier="é"),
                "distinguished_name_qualifier",
                "PrintableString",
            ),
            (lambda: Subject(title=5), "title", "must be a string, got int"),  # type: ignore[arg-type]
            (lambda: Subject(custom_attributes=[]), "custom_attributes", "1-150 items"),
            (
                lambda: Subject(
                    custom_attributes=[CustomAttribute(object_identifier="1.2", value="v")] * 151
                ),
                "custom_attributes",
                "1-150 items",
            ),
            (
                lambda: Subject(
                    common_name="a",
                    custom_attributes=[CustomAttribute(object_identifier="1.2", value="v")],
                ),
                "custom_attributes",
                "cannot be combined",
            ),
            (
                lambda: CustomAttribute(object_identifier="1.2", value=""),
                "value",
                "1-256",
            ),
            (
                lambda: CustomAttribute(object_identifier="3.1", value="v"),
                "object_identifier",
                "object identifier",
            ),
            (
                lambda: CustomAttribute(object_identifier="1.2.", value="v"),
                "object_identifier",
                "object identifier",
            ),
            (
                lambda: CustomAttribute(object_identifier="1.2\n", value="v"),
                "object_identifier",
                "object identifier",
            ),
            (
                lambda: CustomAttribute(object_identifier="1.٣", value="v"),
                "object_identifier",
                "object identifier",
            ),
            (
                lambda: CustomAttribute(object_identifier="1.2." + "1" * 61, value="v"),
                "object_identifier",
                "1-64 characters",
            ),
            (lambda: CustomExtension(object_identifier="1.2", value=""), "value", "1-4096"),
            (lambda: CustomExtension(object_identifier="1.2", value="AAA"), "value", "base64"),
            (lambda: CustomExtension(object_identifier="1.2", value="A" * 4100), "value", "1-4096"),
            (
                lambda: CustomExtension(object_identifier="1.2", value="AA==", critical=1),  # type: ignore[arg-type]
                "critical",
                "true or false",
            ),
            (lambda: KeyUsage(digital_signature="yes"), "digital_signature", "true or false"),  # type: ignore[arg-type]
            (ExtendedKeyUsage, "", "exactly one"),
            (
                lambda: ExtendedKeyUsage(
                    extended_key_usage_type="SERVER_AUTH",
                    extended_key_usage_object_identifier="1.2",
                ),
                "",
                "exactly one",
            ),
            (
                lambda: ExtendedKeyUsage(extended_key_usage_type="serverAuth"),
                "extended_key_usage_type",
                "must be one of",
            ),
            (GeneralName, "", "got none"),
            (lambda: GeneralName(dns_name="a", rfc822_name="b"), "", "got rfc822_name, dns_name"),
            (lambda: GeneralName(dns_name=""), "dns_name", "1-253"),
            (lambda: GeneralName(dns_name="a" * 254), "dns_name", "1-253"),
            (
                lambda: GeneralName(uniform_resource_identifier="a" * 254),
                "uniform_resource_identifier",
                "1-253",
            ),
            (lambda: GeneralName(rfc822_name="a" * 257), "rfc822_name", "1-256"),
            (lambda: GeneralName(ip_address="10.0.0.256"), "ip_address", "IPv4 or IPv6"),
            (lambda: GeneralName(ip_address="10.0.0.0/8"), "ip_address", "IPv4 or IPv6"),
            (lambda: GeneralName(ip_address=167772161), "ip_address", "must be a string"),  # type: ignore[arg-type]
            (
                lambda: GeneralName(ip_address="0000:0000:0000:0000:0000:ffff:255.255.255.255"),
                "ip_address",
                "at most 39",
            ),
            (lambda: GeneralName(registered_id="x"), "registered_id", "object identifier"),
            (lambda: GeneralName(directory_name="CN=a"), "directory_name", "must be a Subject"),  # type: ignore[arg-type]
            (lambda: GeneralName(other_name={"TypeId": "1.2"}), "other_name.value", "is required"),
            (
                lambda: GeneralName(edi_party_name={"PartyName": "x" * 257}),
                "edi_party_name.party_name",
                "at most 256",
            ),
            (lambda: Qualifier(cps_uri="x" * 257), "cps_uri", "at most 256"),
            (
                lambda: PolicyInformation(cert_policy_id="1.2", policy_qualifiers=[]),
                "policy_qualifiers",
                "1-20",
            ),
            (
                lambda: Extensions(
                    certificate_policies=[PolicyInformation(cert_policy_id="1.2")] * 21
                ),
                "certificate_policies",
                "1-20",
            ),
            (lambda: Extensions(extended_key_usage=[]), "extended_key_usage", "1-20"),
            (
                lambda: Extensions(subject_alternative_names=[GeneralName.dns("a")] * 151),
                "subject_alternative_names",
                "1-150",
            ),
            (
                lambda: Extensions(subject_alternative_names="a.example"),  # type: ignore[arg-type]
                "subject_alternative_names",
                "must be a list",
            ),
            (
                lambda: Extensions(subject_alternative_names=[GeneralName.dns("a"), "b"]),  # type: ignore[list-item]
                "subject_alternative_names[1]",
                "got str",
            ),
            (lambda: Extensions(custom_extensions=[]), "custom_extensions", "1-150"),
            (lambda: Extensions(key_usage=[]), "key_usage", "must be a KeyUsage"),  # type: ignore[arg-type]
            (lambda: ApiPassthrough(subject=Subject), "subject", "must be a Subject"),  # type: ignore[arg-type]
        ],
    )
    def test_refused(self, build: Any, path: str, match: str) -> None:
        """Each broken rule raises InvalidRequestError at its path."""
        with pytest.raises(InvalidRequestError) as error:
            build()
        problems = _problems(error)
        assert path in problems, problems
        assert match in problems[path]

    def test_a_list_refused_for_its_size_is_not_checked_item_by_item(self) -> None:
        """151 bad SANs give one problem (the size), not 151 more."""
        with pytest.raises(InvalidRequestError) as error:
            Extensions(subject_alternative_names=[None] * 151)  # type: ignore[list-item]
        assert [p.path for p in error.value.problems] == ["subject_alternative_names"]
        assert "got 151" in error.value.problems[0].message

    def test_a_sequence_too_long_to_count(self) -> None:
        """A range whose len() overflows is refused for its size, not an OverflowError."""
        with pytest.raises(InvalidRequestError, match="got more than") as error:
            Subject(custom_attributes=range(10**20))  # type: ignore[arg-type]
        assert [p.path for p in error.value.problems] == ["custom_attributes"]

    def test_every_problem_at_once(self) -> None:
        """Problems deep in the tree are all reported with dotted paths."""
        with pytest.raises(InvalidRequestError) as error:
            ApiPassthrough(
                subject={"Country": "USA", "CommonName": "x" * 65},
                extensions={
                    "SubjectAlternativeNames": [
                        GeneralName.dns("ok"),
                        {"DnsName": "a", "IpAddress": "1.2.3.4"},
                        {"IpAddress": "nope"},
                    ]
                },
            )
        assert sorted(_problems(error)) == [
            "extensions.subject_alternative_names[1]",
            "extensions.subject_alternative_names[2].ip_address",
            "subject.common_name",
            "subject.country",
        ]

    def test_separately_built_part_has_its_own_paths(self) -> None:
        """A nested object built on its own raises with paths relative to itself."""
        with pytest.raises(InvalidRequestError) as error:
            ApiPassthrough(extensions=Extensions(subject_alternative_names=[{"IpAddress": "x"}]))
        assert list(_problems(error)) == ["subject_alternative_names[0].ip_address"]

    def test_required_members(self) -> None:
        """A required member set to None is named."""
        with pytest.raises(InvalidRequestError) as error:
            CustomExtension(object_identifier=None, value=None)  # type: ignore[arg-type]
        assert _problems(error) == {"object_identifier": "is required", "value": "is required"}


class TestFromApi:
    """from_api reads botocore's shape and names what is wrong."""

    def test_unknown_key(self) -> None:
        """An unknown key names itself and the allowed ones; snake_case keys are unknown."""
        with pytest.raises(InvalidRequestError) as error:
            ApiPassthrough.from_api({"subject": {}})
        assert _problems(error) == {
            "": "unknown key 'subject'; allowed: Extensions, Subject; did you mean 'Subject'?"
        }

    def test_nested_unknown_key(self) -> None:
        """Nested unknown keys are reported under the snake_case path."""
        with pytest.raises(InvalidRequestError) as error:
            ApiPassthrough.from_api({"Extensions": {"KeyUsage": {"Sign": True}}})
        assert list(_problems(error)) == ["extensions.key_usage"]

    def test_missing_required(self) -> None:
        """A missing required key is reported."""
        with pytest.raises(InvalidRequestError) as error:
            CustomAttribute.from_api({"Value": "v", 3: "x"})
        assert _problems(error) == {
            "": "unknown key 3; allowed: ObjectIdentifier, Value",
            "object_identifier": "is required",
        }

    @pytest.mark.parametrize("data", [None, [], "Subject={}", 5])
    def test_not_a_mapping(self, data: object) -> None:
        """Anything but a mapping is refused."""
        with pytest.raises(InvalidRequestError, match="must be a mapping"):
            ApiPassthrough.from_api(data)

    @settings(max_examples=150, deadline=None)
    @given(
        st.recursive(
            st.one_of(
                st.none(),
                st.booleans(),
                st.integers(),
                st.text(max_size=8),
                st.sampled_from(["1.2.3", "AA==", "US", "SERVER_AUTH", "CPS", "10.0.0.1"]),
            ),
            lambda children: st.one_of(
                st.lists(children, max_size=3),
                st.dictionaries(
                    st.sampled_from(
                        [
                            "Extensions",
                            "Subject",
                            "Country",
                            "CommonName",
                            "CustomAttributes",
                            "ObjectIdentifier",
                            "Value",
                            "SubjectAlternativeNames",
                            "DnsName",
                            "IpAddress",
                            "DirectoryName",
                            "KeyUsage",
                            "DigitalSignature",
                            "ExtendedKeyUsage",
                            "ExtendedKeyUsageType",
                            "CertificatePolicies",
                            "CertPolicyId",
                            "PolicyQualifiers",
                            "CustomExtensions",
                            "Critical",
                            "OtherName",
                            "TypeId",
                            "junk",
                        ]
                    ),
                    children,
                    max_size=4,
                ),
            ),
            max_leaves=20,
        )
    )
    def test_fuzz(self, data: object) -> None:
        """Arbitrary nested junk gives an ApiPassthrough or InvalidRequestError only."""
        try:
            passthrough = ApiPassthrough.from_api(data)
        except InvalidRequestError:
            return
        assert ApiPassthrough.from_api(passthrough.to_api()) == passthrough
