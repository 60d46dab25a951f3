"""Template ARNs: the catalogue, classification by name, parsing and building."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from acmpca_issue import InvalidArnError, TemplateArn
from acmpca_issue._arn import DEFAULT_TEMPLATE_NAME, PARTITION_REGION_PATTERNS, TEMPLATE_NAMES
from acmpca_issue._templates import family_of, passthrough_kind, path_len_of

# The reference's table (section 7), written out by hand so the generated catalogue is checked
# against an independent list: family -> (base, _CSRPassthrough, _APIPassthrough, _APICSR...).
REFERENCE_TABLE = {
    "EndEntityCertificate": "1111",
    "EndEntityClientAuthCertificate": "1111",
    "EndEntityServerAuthCertificate": "1111",
    "CodeSigningCertificate": "1111",
    "OCSPSigningCertificate": "1111",
    "SubordinateCACertificate_PathLen0": "1111",
    "SubordinateCACertificate_PathLen1": "1111",
    "SubordinateCACertificate_PathLen2": "1111",
    "SubordinateCACertificate_PathLen3": "1111",
    "BlankEndEntityCertificate": "0111",
    "BlankEndEntityCertificate_CriticalBasicConstraints": "0111",
    "BlankSubordinateCACertificate_PathLen0": "0111",
    "BlankSubordinateCACertificate_PathLen1": "0111",
    "BlankSubordinateCACertificate_PathLen2": "0111",
    "BlankSubordinateCACertificate_PathLen3": "0111",
    "RootCACertificate": "1010",
    "BlankRootCACertificate": "0010",
    "BlankRootCACertificate_PathLen0": "0010",
    "BlankRootCACertificate_PathLen1": "0010",
    "BlankRootCACertificate_PathLen2": "0010",
    "BlankRootCACertificate_PathLen3": "0010",
}
SUFFIXES = ("", "_CSRPassthrough", "_APIPassthrough", "_APICSRPassthrough")
REFERENCE_NAMES = {
    family + suffix
    for family, marks in REFERENCE_TABLE.items()
    for suffix, mark in zip(SUFFIXES, marks, strict=True)
    if mark == "1"
}


class TestCatalogue:
    """TEMPLATE_NAMES is exactly the reference's 61 templates."""

    def test_matches_reference(self) -> None:
        """The same names as the hand-written table, 61 in all."""
        assert frozenset(REFERENCE_NAMES) == TEMPLATE_NAMES
        assert len(TEMPLATE_NAMES) == 61
        assert isinstance(TEMPLATE_NAMES, frozenset)

    def test_passthrough_counts(self) -> None:
        """21 API, 15 API+CSR and 15 CSR passthrough variants, as the reference counts."""
        kinds = Counter(passthrough_kind(name) for name in TEMPLATE_NAMES)
        assert kinds == {"none": 10, "CSR": 15, "API": 21, "APICSR": 15}

    @pytest.mark.parametrize("name", sorted(TEMPLATE_NAMES))
    def test_every_name_builds_and_parses(self, name: str) -> None:
        """Each catalogue name gives a V1 ARN that parses back to the same value."""
        arn = TemplateArn.of(name)
        assert str(arn) == f"arn:aws:acm-pca:::template/{name}/V1"
        assert TemplateArn.parse(str(arn)) == arn
        assert arn.in_catalogue
        assert arn.family in REFERENCE_TABLE
        assert arn.accepts_api_passthrough == name.endswith(
            ("_APIPassthrough", "_APICSRPassthrough")
        )

    def test_default(self) -> None:
        """The template AWS uses when none is given is in the catalogue."""
        assert DEFAULT_TEMPLATE_NAME == "EndEntityCertificate"
        assert TemplateArn.of(DEFAULT_TEMPLATE_NAME).in_catalogue


class TestClassification:
    """Names are classified by their parts, in the catalogue or not."""

    @pytest.mark.parametrize(
        ("name", "expected"),
        [
            # name -> (passthrough, family, the true flags among api/csr/ca/root/blank, path_len)
            ("EndEntityCertificate", ("none", "EndEntityCertificate", "", None)),
            ("EndEntityCertificate_CSRPassthrough", ("CSR", "EndEntityCertificate", "csr", None)),
            (
                "EndEntityServerAuthCertificate_APIPassthrough",
                ("API", "EndEntityServerAuthCertificate", "api", None),
            ),
            (
                "CodeSigningCertificate_APICSRPassthrough",
                ("APICSR", "CodeSigningCertificate", "api csr", None),
            ),
            ("OCSPSigningCertificate", ("none", "OCSPSigningCertificate", "", None)),
            (
                "SubordinateCACertificate_PathLen2_APICSRPassthrough",
                ("APICSR", "SubordinateCACertificate_PathLen2", "api csr ca", 2),
            ),
            (
                "BlankSubordinateCACertificate_PathLen0_CSRPassthrough",
                ("CSR", "BlankSubordinateCACertificate_PathLen0", "csr ca blank", 0),
            ),
            ("RootCACertificate", ("none", "RootCACertificate", "ca root", None)),
            (
                "BlankRootCACertificate_PathLen3_APIPassthrough",
                ("API", "BlankRootCACertificate_PathLen3", "api ca root blank", 3),
            ),
            (
                "BlankEndEntityCertificate_CriticalBasicConstraints_APIPassthrough",
                ("API", "BlankEndEntityCertificate_CriticalBasicConstraints", "api blank", None),
            ),
            # Not in the catalogue: classified the same way.
            (
                "SubordinateCACertificate_PathLen12_APIPassthrough",
                ("API", "SubordinateCACertificate_PathLen12", "api ca", 12),
            ),
            ("FutureCertificate_CSRPassthrough", ("CSR", "FutureCertificate", "csr", None)),
            ("X_PathLen1Extra", ("none", "X_PathLen1Extra", "", None)),
        ],
    )
    def test_properties(self, name: str, expected: tuple[str, str, str, int | None]) -> None:
        """Every helper agrees with the name."""
        kind, family, flags, path_len = expected
        arn = TemplateArn.of(name)
        assert arn.passthrough == kind == passthrough_kind(name)
        assert arn.family == family == family_of(name)
        found = {
            "api": arn.accepts_api_passthrough,
            "csr": arn.accepts_csr_passthrough,
            "ca": arn.is_ca,
            "root": arn.is_root,
            "blank": arn.is_blank,
        }
        assert {flag for flag, value in found.items() if value} == set(flags.split())
        assert arn.path_len == path_len == path_len_of(name)
        assert arn.in_catalogue is (name in TEMPLATE_NAMES)

    def test_unknown_name_accepted(self) -> None:
        """A well-formed name outside the catalogue is accepted, as AWS adds templates."""
        arn = TemplateArn.parse("arn:aws:acm-pca:::template/NewTemplate_APIPassthrough/V1")
        assert arn.name == "NewTemplate_APIPassthrough"
        assert not arn.in_catalogue
        assert arn.accepts_api_passthrough

    def test_other_version_is_not_in_catalogue(self) -> None:
        """Catalogue templates are V1; a later version is accepted but not catalogued."""
        arn = TemplateArn.of("EndEntityCertificate/V2")
        assert arn.version == "V2"
        assert not arn.in_catalogue


class TestParse:
    """Template ARNs parse into partition, name and version, and print back unchanged."""

    @pytest.mark.parametrize(
        "text",
        [
            "arn:aws:acm-pca:::template/EndEntityCertificate/V1",
            "arn:aws:acm-pca:::template/SubordinateCACertificate_PathLen0_APICSRPassthrough/V1",
            "arn:aws:acm-pca:::template/BlankRootCACertificate_PathLen0_APIPassthrough/V1",
            "arn:aws-us-gov:acm-pca:::template/EndEntityClientAuthCertificate/V1",
            "arn:aws-cn:acm-pca:::template/RootCACertificate/V1",
            "arn:aws-iso-b:acm-pca:::template/CodeSigningCertificate/V12",
        ],
    )
    def test_round_trip(self, text: str) -> None:
        """str() gives back the text; parts are read verbatim."""
        arn = TemplateArn.parse(text)
        assert str(arn) == text
        assert text.startswith(f"arn:{arn.partition}:")
        assert text.endswith(f"/{arn.name}/{arn.version}")
        assert TemplateArn.parse(arn) is arn
        assert eval(repr(arn)) == arn  # noqa: S307

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("", "template ARN is empty"),
            ("arn:aws:acm-pca:::template/EndEntityCertificate/V1 ", "whitespace"),
            ("arn:aws-x:acm-pca:::template/X/V1", "partition must be one of"),
            ("arn:aws:acm:::template/X/V1", "service must be 'acm-pca', got 'acm'"),
            ("arn:aws:acm-pca", "region is missing"),
            ("arn:aws:acm-pca:us-east-1::template/X/V1", "region must be empty in a template"),
            ("arn:aws:acm-pca::123456789012:template/X/V1", "account must be empty in a templ"),
            ("arn:aws:acm-pca::", "resource is missing"),
            ("arn:aws:acm-pca:::templates/X/V1", "resource type must be 'template', got 'temp"),
            ("arn:aws:acm-pca:::template", "template name must be 1-128 ASCII letters"),
            ("arn:aws:acm-pca:::template//V1", "template name must be 1-128 ASCII letters"),
            ("arn:aws:acm-pca:::template/End-Entity/V1", "got 'End-Entity'"),
            ("arn:aws:acm-pca:::template/1Cert/V1", "starting with a letter"),
            ("arn:aws:acm-pca:::template/" + "A" * 129 + "/V1", "template name must be 1-128"),
            ("arn:aws:acm-pca:::template/EndEntityCertificate", "version is missing"),
            ("arn:aws:acm-pca:::template/EndEntityCertificate/", "version must be 'V' and a nu"),
            ("arn:aws:acm-pca:::template/EndEntityCertificate/v1", "got 'v1'"),
            ("arn:aws:acm-pca:::template/EndEntityCertificate/V0", "got 'V0'"),
            ("arn:aws:acm-pca:::template/EndEntityCertificate/V1/x", "got 'V1/x'"),
            (
                "arn:aws:acm-pca:::template/endEntityCertificate/V1",
                "must be spelled 'EndEntityCertificate' (names are case-sensitive)",
            ),
            (
                "arn:aws-us-gov:acm-pca:::template/" + "A" * 128 + "/V" + "1" * 40,
                "at most 200 characters",
            ),
        ],
    )
    def test_malformed(self, text: str, message: str) -> None:
        """The message names the wrong part and what was expected."""
        with pytest.raises(InvalidArnError, match=re.escape(message)):
            TemplateArn.parse(text)

    @pytest.mark.parametrize("value", [None, 1, b"arn:aws:acm-pca:::template/X/V1"])
    def test_non_str(self, value: object) -> None:
        """Anything but a str or TemplateArn is InvalidArnError."""
        with pytest.raises(InvalidArnError, match="template ARN must be a str or TemplateArn"):
            TemplateArn.parse(value)


class TestOf:
    """TemplateArn.of builds an ARN from a name and a partition."""

    def test_name_with_and_without_version(self) -> None:
        """'Name' means V1; 'Name/V1' is the same ARN."""
        assert TemplateArn.of("EndEntityCertificate") == TemplateArn.of("EndEntityCertificate/V1")
        assert TemplateArn.of("EndEntityCertificate").version == "V1"

    @pytest.mark.parametrize("partition", sorted(PARTITION_REGION_PATTERNS))
    def test_partitions(self, partition: str) -> None:
        """Every partition gives its own prefix."""
        arn = TemplateArn.of("RootCACertificate", partition=partition)
        assert str(arn) == f"arn:{partition}:acm-pca:::template/RootCACertificate/V1"

    @pytest.mark.parametrize(
        ("name", "partition", "message"),
        [
            ("EndEntityCertificate", "aws-mars", "partition must be one of"),
            ("EndEntityCertificate", "", "partition must be one of"),
            ("EndEntityCertificate", None, "partition must be a str, got NoneType"),
            (None, "aws", "template name must be a str, got NoneType"),
            ("", "aws", "template name must be 1-128"),
            ("EndEntityCertificate/", "aws", "version must be 'V' and a number"),
            ("ENDENTITYCERTIFICATE", "aws", "must be spelled 'EndEntityCertificate'"),
            ("arn:aws:acm-pca:::template/X/V1", "aws", "read an ARN with TemplateArn.parse"),
        ],
    )
    def test_bad(self, name: object, partition: object, message: str) -> None:
        """Bad names and partitions are InvalidArnError, never TypeError."""
        with pytest.raises(InvalidArnError, match=re.escape(message)):
            TemplateArn.of(name, partition=partition)  # type: ignore[arg-type]

    def test_direct_construction_is_checked(self) -> None:
        """TemplateArn(...) checks its parts like parse does."""
        assert TemplateArn("aws", "EndEntityCertificate") == TemplateArn.of("EndEntityCertificate")
        with pytest.raises(InvalidArnError, match="version must be a str, got int"):
            TemplateArn("aws", "EndEntityCertificate", 1)  # type: ignore[arg-type]


class TestValueSemantics:
    """Template ARNs are frozen, hashable and ordered."""

    def test_order_by_partition_name_then_version_number(self) -> None:
        """V10 sorts after V2."""
        arns = [
            TemplateArn.of("B", partition="aws-cn"),
            TemplateArn.of("B/V10"),
            TemplateArn.of("B/V2"),
            TemplateArn.of("A"),
        ]
        assert [str(a).split(":", 2)[1] + ":" + a.name + a.version for a in sorted(arns)] == [
            "aws:AV1",
            "aws:BV2",
            "aws:BV10",
            "aws-cn:BV1",
        ]

    def test_hashable(self) -> None:
        """Equal templates collapse in a set."""
        arns = {TemplateArn.of("EndEntityCertificate"), TemplateArn.of("EndEntityCertificate/V1")}
        assert len(arns) == 1
