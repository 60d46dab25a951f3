"""CA and certificate ARNs: real examples, part checks, value semantics, botocore drift."""

from __future__ import annotations

import json
import pickle
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from acmpca_issue import (
    CertificateArn,
    CertificateAuthorityArn,
    InvalidArnError,
    InvalidRequestError,
    parse_certificate_arn,
)
from acmpca_issue._arn import MAX_ARN_LENGTH, PARTITION_REGION_PATTERNS

CA_ID = "12345678-1234-1234-1234-123456789012"
CA = f"arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/{CA_ID}"
CLI_CERT = (
    "arn:aws:acm-pca:us-west-2:123456789012:certificate-authority/"
    "12345678-1234-1234-1234-123456789012/certificate/6707447683a9b7f4055627ffd55cebcc"
)

# (ARN, partition, region, account, CA id, serial hex or None): examples from the reference
# (AWS CLI, CloudTrail, Terraform/Pulumi docs, GovCloud and China user guides).
REAL_ARNS = [
    (CA, "aws", "us-east-1", "123456789012", CA_ID, None),
    (CLI_CERT, "aws", "us-west-2", "123456789012", CA_ID, "6707447683a9b7f4055627ffd55cebcc"),
    (
        "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/"
        "ac5a7c2e-19c8-4258-b74e-351c2b791fe1/certificate/6707447683a9b7f4055627ffd55cebcc",
        "aws",
        "us-east-1",
        "123456789012",
        "ac5a7c2e-19c8-4258-b74e-351c2b791fe1",
        "6707447683a9b7f4055627ffd55cebcc",
    ),
    (
        "arn:aws:acm-pca:eu-west-1:012345678901:certificate-authority/"
        "01234567-89ab-cdef-0123-456789abcdef/certificate/1234b4a0d73e2056789bdbe77d5b1a23",
        "aws",
        "eu-west-1",
        "012345678901",
        "01234567-89ab-cdef-0123-456789abcdef",
        "1234b4a0d73e2056789bdbe77d5b1a23",
    ),
    (
        f"arn:aws-us-gov:acm-pca:us-gov-west-1:123456789012:certificate-authority/{CA_ID}",
        "aws-us-gov",
        "us-gov-west-1",
        "123456789012",
        CA_ID,
        None,
    ),
    (
        f"arn:aws-us-gov:acm-pca:us-gov-east-1:123456789012:certificate-authority/{CA_ID}"
        "/certificate/6707447683a9b7f4055627ffd55cebcc",
        "aws-us-gov",
        "us-gov-east-1",
        "123456789012",
        CA_ID,
        "6707447683a9b7f4055627ffd55cebcc",
    ),
    (
        f"arn:aws-cn:acm-pca:cn-north-1:123456789012:certificate-authority/{CA_ID}",
        "aws-cn",
        "cn-north-1",
        "123456789012",
        CA_ID,
        None,
    ),
    (
        f"arn:aws-cn:acm-pca:cn-northwest-1:123456789012:certificate-authority/{CA_ID}"
        "/certificate/1234b4a0d73e2056789bdbe77d5b1a23",
        "aws-cn",
        "cn-northwest-1",
        "123456789012",
        CA_ID,
        "1234b4a0d73e2056789bdbe77d5b1a23",
    ),
    (
        f"arn:aws-eusc:acm-pca:eusc-de-east-1:123456789012:certificate-authority/{CA_ID}",
        "aws-eusc",
        "eusc-de-east-1",
        "123456789012",
        CA_ID,
        None,
    ),
    (
        f"arn:aws-iso-f:acm-pca:us-isof-south-1:000000000000:certificate-authority/{CA_ID}",
        "aws-iso-f",
        "us-isof-south-1",
        "000000000000",
        CA_ID,
        None,
    ),
]


class TestRealArns:
    """ARNs from the reference parse into the right parts and print back unchanged."""

    @pytest.mark.parametrize("case", REAL_ARNS)
    def test_parts_and_round_trip(self, case: tuple[str, str, str, str, str, str | None]) -> None:
        """Each part is read verbatim and str() gives the text back."""
        text, partition, region, account, ca_id, serial = case
        arn: CertificateAuthorityArn | CertificateArn
        if serial is None:
            arn = CertificateAuthorityArn.parse(text)
        else:
            arn = CertificateArn.parse(text)
            assert arn.serial_hex == serial
            assert arn.serial == int(serial, 16)
            assert str(arn.certificate_authority_arn) == text.rsplit("/certificate/", 1)[0]
        assert (arn.partition, arn.region, arn.account, arn.ca_id) == (
            partition,
            region,
            account,
            ca_id,
        )
        assert str(arn) == text
        assert f"{arn}" == text

    def test_cli_example_serial_forms(self) -> None:
        """The CLI get-certificate ARN carries the revoke example's serial, colon-hex."""
        arn = parse_certificate_arn(CLI_CERT)
        assert arn.serial_colon == "67:07:44:76:83:a9:b7:f4:05:56:27:ff:d5:5c:eb:cc"
        assert arn.serial == 0x6707447683A9B7F4055627FFD55CEBCC

    def test_model_doc_decimal_example_reads_as_hex(self) -> None:
        """The service model's decimal-looking serial is valid hex and is read as hex."""
        digits = "286535153982981100925020015808220737245"
        arn = CertificateArn.parse(f"{CA}/certificate/{digits}")
        assert arn.serial == int(digits, 16)
        assert arn.serial != int(digits)
        assert str(arn) == f"{CA}/certificate/{digits}"

    def test_account_keeps_leading_zeros(self) -> None:
        """An account is a str of 12 digits, never an int."""
        arn = CertificateAuthorityArn.parse(CA.replace("123456789012", "000000000001"))
        assert arn.account == "000000000001"


def _ca(**parts: str) -> str:
    values = {
        "partition": "aws",
        "service": "acm-pca",
        "region": "us-east-1",
        "account": "123456789012",
        "resource": f"certificate-authority/{CA_ID}",
    } | parts
    return "arn:{partition}:{service}:{region}:{account}:{resource}".format(**values)


BAD_CA_ARNS = [
    ("", "CA ARN is empty"),
    (" " + CA, "leading or trailing whitespace"),
    (CA + "\n", "leading or trailing whitespace"),
    ("ARN:aws:acm-pca", "must start with 'arn:'"),
    ("urn:x", "must start with 'arn:'"),
    ("arn", "partition is missing"),
    (_ca(partition="aws-mars"), "partition must be one of aws, aws-cn, aws-us-gov"),
    (_ca(partition="AWS"), "partition must be one of"),
    ("arn:aws", "service is missing"),
    (_ca(service="acm"), "service must be 'acm-pca', got 'acm'"),
    ("arn:aws:acm-pca", "region is missing"),
    (_ca(region=""), "region is empty"),
    (_ca(region="cn-north-1"), "partition 'aws', got 'cn-north-1' (a region of 'aws-cn')"),
    (_ca(partition="aws-cn", region="us-east-1"), "region must match ^cn"),
    (_ca(partition="aws-us-gov", region="us-east-1"), "region must match ^us\\-gov"),
    (_ca(region="us-east-1a"), "region must match"),
    # The placeholders of the AWS docs' CloudTrail and CLI examples are not an ARN.
    (_ca(region="region", account="account"), "in partition 'aws', got 'region'"),
    (_ca(region="us-ea\u017ft-1"), "region must match"),
    (_ca(region="us-east-\u0661"), "region must match"),
    ("arn:aws:acm-pca:us-east-1", "account is missing"),
    (_ca(account="12345"), "account must be 12 digits, got '12345'"),
    (_ca(account=""), "account must be 12 digits, got ''"),
    (_ca(account="12345678901\u0662"), "account must be 12 digits"),
    ("arn:aws:acm-pca:us-east-1:123456789012", "resource is missing"),
    (_ca(resource=f"certificate-authorities/{CA_ID}"), "resource type must be 'certificate-auth"),
    (_ca(resource="certificate-authority"), "CA id is missing"),
    (_ca(resource="certificate-authority/"), "CA id must be a lowercase UUID (8-4-4-4-12"),
    (_ca(resource=f"certificate-authority/{CA_ID.upper()}x"), "CA id must be a lowercase UUID ("),
    (_ca(resource="certificate-authority/ABCDEF01-1234-1234-1234-123456789012"), "lowercase"),
    (_ca(resource=f"certificate-authority/{CA_ID[:-1]}"), "CA id must be a lowercase UUID"),
    (CA + "/certificate/abc", "got '/certificate/abc' after it (a certificate ARN?"),
    (CA + "/other", "a CA ARN ends at the CA id, got '/other' after it"),
    (_ca(region="us-" + "x" * 200 + "-1"), f"at most {MAX_ARN_LENGTH} characters"),
]


class TestMalformed:
    """A malformed ARN raises InvalidArnError naming the first wrong part, left to right."""

    @pytest.mark.parametrize(("text", "message"), BAD_CA_ARNS)
    def test_ca_arn(self, text: str, message: str) -> None:
        """The message names the part and what was expected."""
        with pytest.raises(InvalidArnError, match=re.escape(message)) as caught:
            CertificateAuthorityArn.parse(text)
        assert isinstance(caught.value, InvalidRequestError)
        assert isinstance(caught.value, ValueError)
        assert [p.path for p in caught.value.problems] == [""]

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("", "certificate ARN is empty"),
            (CA, "resource type 'certificate' is missing after the CA id (a CA ARN?"),
            (CA + "/cert/abc", "resource type after the CA id must be 'certificate', got 'cert'"),
            (CA + "/certificate", "serial is missing"),
            (CA + "/certificate/", "serial is missing"),
            (CA + "/certificate/ABCDEF", "serial must be lowercase hex, got 'ABCDEF'"),
            (CA + "/certificate/67:07:44", "serial must be lowercase hex digits (no colons"),
            (CA + "/certificate/0x6707", "no '0x'"),
            (CA + "/certificate/12/34", "serial must be lowercase hex digits"),
            (CA + "/certificate/" + "f" * 41, "at most 40 hex digits (20 octets), got 41"),
            (CA + "/certificate/000", "serial must be positive, got '000'"),
            (_ca(account="12345") + "/certificate/ab", "account must be 12 digits, got '12345'"),
            ("arn:aws:acm-pca", "expected arn:<partition>:acm-pca:<region>:<account>:certif"),
        ],
    )
    def test_certificate_arn(self, text: str, message: str) -> None:
        """Certificate ARNs check the CA part, then the serial."""
        with pytest.raises(InvalidArnError, match=re.escape(message)):
            CertificateArn.parse(text)
        with pytest.raises(InvalidArnError, match=re.escape(message)):
            parse_certificate_arn(text)

    def test_first_wrong_part_wins(self) -> None:
        """With several wrong parts, the leftmost is reported."""
        text = _ca(region="mars-1", account="1", resource="certificate-authority/X")
        with pytest.raises(InvalidArnError, match=r"^region must match"):
            CertificateAuthorityArn.parse(text)

    def test_long_values_are_shortened_in_messages(self) -> None:
        """Arbitrary long input does not flood the message."""
        with pytest.raises(InvalidArnError) as caught:
            CertificateAuthorityArn.parse("x" * 10_000)
        assert len(str(caught.value)) < 200
        assert str(caught.value).endswith("...")

    def test_reroots_under_a_field(self) -> None:
        """A caller can place the problem under its own field name."""
        with pytest.raises(InvalidArnError) as caught:
            CertificateAuthorityArn.parse(_ca(account="12345"))
        moved = caught.value.at("certificate_authority_arn")
        assert isinstance(moved, InvalidArnError)
        assert moved.problems[0].path == "certificate_authority_arn"
        assert moved.problems[0].message == "account must be 12 digits, got '12345'"

    @pytest.mark.parametrize("value", [None, 42, b"arn:aws", ["arn"], {"Arn": CA}, 1.5])
    @pytest.mark.parametrize(
        "parse", [CertificateAuthorityArn.parse, CertificateArn.parse, parse_certificate_arn]
    )
    def test_non_str_input(self, parse: Callable[[object], object], value: object) -> None:
        """Anything but a str or an instance is InvalidArnError, never TypeError."""
        with pytest.raises(InvalidArnError, match=f"must be a str or .*got {type(value).__name__}"):
            parse(value)

    def test_certificate_arn_is_not_a_ca_arn(self) -> None:
        """Passing a CertificateArn where a CA ARN is wanted points at its CA."""
        with pytest.raises(InvalidArnError, match="certificate_authority_arn"):
            CertificateAuthorityArn.parse(CertificateArn.parse(CLI_CERT))

    def test_ca_arn_is_not_a_certificate_arn(self) -> None:
        """A CertificateAuthorityArn instance has no serial."""
        with pytest.raises(InvalidArnError, match="got CertificateAuthorityArn"):
            CertificateArn.parse(CertificateAuthorityArn.parse(CA))


class TestConstruction:
    """Direct construction checks every part too, so every instance is valid."""

    def test_parse_returns_instances_unchanged(self) -> None:
        """parse() of an instance is that instance."""
        ca = CertificateAuthorityArn.parse(CA)
        cert = CertificateArn.parse(CLI_CERT)
        assert CertificateAuthorityArn.parse(ca) is ca
        assert CertificateArn.parse(cert) is cert

    def test_from_parts_matches_parse(self) -> None:
        """Parts rebuild the same value as the parsed text."""
        ca = CertificateAuthorityArn("aws", "us-east-1", "123456789012", CA_ID)
        assert ca == CertificateAuthorityArn.parse(CA)
        assert CertificateArn(CA, "ab") == CertificateArn(ca, "ab")

    @pytest.mark.parametrize(
        ("parts", "message"),
        [
            (("aws", "us-east-1", 123456789012, CA_ID), "account must be a str, got int"),
            ((None, "us-east-1", "123456789012", CA_ID), "partition must be a str, got NoneType"),
            (("aws", "us-east-1", "123456789012", "nope"), "CA id must be a lowercase UUID"),
            (("aws", "us-gov-west-1", "123456789012", CA_ID), "region must match"),
            (("aws", "us-east-1\n", "123456789012", CA_ID), "got 'us-east-1\\n'"),
            (("aws", "us-east-1", "123456789012\n", CA_ID), "account must be 12 digits"),
            (("aws", "us-east-1", "123456789012", CA_ID + "\n"), "CA id must be a lowercase"),
        ],
    )
    def test_bad_ca_parts(self, parts: tuple[object, ...], message: str) -> None:
        """A wrong part given directly is an InvalidArnError."""
        with pytest.raises(InvalidArnError, match=re.escape(message)):
            CertificateAuthorityArn(*parts)  # type: ignore[arg-type]

    def test_bad_certificate_parts(self) -> None:
        """The CA part is parsed and the serial checked."""
        with pytest.raises(InvalidArnError, match="serial hex must be a str, got int"):
            CertificateArn(CA, 5)  # type: ignore[arg-type]
        with pytest.raises(InvalidArnError, match="account must be 12 digits"):
            CertificateArn(_ca(account="1"), "ab")

    def test_from_parts(self) -> None:
        """from_parts writes lowercase hex without leading zeros."""
        arn = CertificateArn.from_parts(CA, 0x0ABC)
        assert str(arn) == f"{CA}/certificate/abc"
        assert arn.serial == 0xABC
        assert arn.serial_hex == "abc"
        assert CertificateAuthorityArn.parse(CA).certificate(0xABC) == arn
        assert CertificateArn.from_parts(CertificateAuthorityArn.parse(CA), 0xABC) == arn

    @pytest.mark.parametrize(
        ("serial", "message"),
        [
            (0, "between 1 and 2**160 - 1, got 0"),
            (-5, "got -5"),
            (1 << 160, "between 1 and 2**160 - 1"),
            (True, "serial must be an int, got bool"),
            ("abc", "serial must be an int, got str"),
            (1.0, "serial must be an int, got float"),
        ],
    )
    def test_from_parts_bad_serial(self, serial: object, message: str) -> None:
        """Only an int serial in the RFC 5280 range is accepted."""
        with pytest.raises(InvalidArnError, match=re.escape(message)):
            CertificateArn.from_parts(CA, serial)  # type: ignore[arg-type]

    def test_from_parts_bad_ca(self) -> None:
        """The CA ARN given to from_parts is checked."""
        with pytest.raises(InvalidArnError, match="account must be 12 digits"):
            CertificateArn.from_parts(_ca(account="1"), 1)

    def test_largest_serial(self) -> None:
        """A 20-octet serial fits: 40 hex digits and 20 colon-separated octets."""
        arn = CertificateArn.from_parts(CA, (1 << 160) - 1)
        assert arn.serial_hex == "f" * 40
        assert arn.serial_colon == ":".join(["ff"] * 20)


class TestSerialForms:
    """serial, serial_hex and serial_colon agree."""

    @pytest.mark.parametrize(
        ("serial_hex", "value", "colon"),
        [
            ("1", 1, "01"),
            ("abc", 0xABC, "0a:bc"),
            ("0abc", 0xABC, "0a:bc"),
            ("000abc", 0xABC, "0a:bc"),
            ("ff", 255, "ff"),
            ("100", 256, "01:00"),
            ("80" + "00" * 15, 1 << 127, "80:" + ":".join(["00"] * 15)),
        ],
    )
    def test_forms(self, serial_hex: str, value: int, colon: str) -> None:
        """serial_hex is verbatim; serial_colon pads each octet to two digits."""
        arn = CertificateArn.parse(f"{CA}/certificate/{serial_hex}")
        assert arn.serial_hex == serial_hex
        assert arn.serial == value
        assert arn.serial_colon == colon
        assert int(arn.serial_colon.replace(":", ""), 16) == value


class TestValueSemantics:
    """Frozen, hashable, ordered, picklable, with a short repr."""

    def test_frozen(self) -> None:
        """Attributes cannot be assigned."""
        import attrs

        arn = CertificateAuthorityArn.parse(CA)
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            arn.region = "us-west-2"  # type: ignore[misc]

    def test_hash_and_equality(self) -> None:
        """Equal ARNs hash equally and work as dict keys and set members."""
        first = CertificateArn.parse(CLI_CERT)
        second = CertificateArn.parse(CLI_CERT)
        assert first == second
        assert hash(first) == hash(second)
        assert len({first, second, first.certificate_authority_arn}) == 2
        assert first.__eq__(CLI_CERT) is NotImplemented

    def test_leading_zeros_are_a_different_text(self) -> None:
        """Two texts of the same serial are different ARNs that name the same serial."""
        short = CertificateArn.parse(f"{CA}/certificate/abc")
        padded = CertificateArn.parse(f"{CA}/certificate/0abc")
        assert short != padded
        assert short.serial == padded.serial
        assert sorted([padded, short]) == [short, padded]

    def test_ca_order(self) -> None:
        """CA ARNs order by partition, region, account, then CA id."""
        texts = [
            _ca(partition="aws-cn", region="cn-north-1"),
            _ca(region="us-west-2"),
            _ca(account="999999999999"),
            _ca(resource="certificate-authority/02345678-1234-1234-1234-123456789012"),
            _ca(resource="certificate-authority/01345678-1234-1234-1234-123456789012"),
        ]
        ordered = sorted(CertificateAuthorityArn.parse(t) for t in texts)
        keys = [(a.partition, a.region, a.account, a.ca_id) for a in ordered]
        assert keys == sorted(keys)
        assert ordered[-1].partition == "aws-cn"

    def test_certificate_order_is_by_serial_value(self) -> None:
        """Certificates of one CA order by serial number, not by the hex text."""
        arns = [CertificateArn.from_parts(CA, serial) for serial in (0x100, 0xFF, 0x2)]
        assert [a.serial for a in sorted(arns)] == [0x2, 0xFF, 0x100]
        other_ca = CertificateArn.from_parts(_ca(region="us-west-2"), 1)
        assert sorted([other_ca, *arns])[0] != other_ca

    def test_repr_evaluates_back(self) -> None:
        """repr() is a parse call that rebuilds the value."""
        for arn in (CertificateAuthorityArn.parse(CA), CertificateArn.parse(CLI_CERT)):
            assert eval(repr(arn)) == arn  # noqa: S307
            assert repr(arn).startswith(f"{type(arn).__name__}.parse('arn:")

    def test_pickle(self) -> None:
        """Pickling keeps the value."""
        arn = CertificateArn.parse(CLI_CERT)
        assert pickle.loads(pickle.dumps(arn)) == arn  # noqa: S301


def _botocore_data(name: str) -> dict[str, object]:
    import botocore

    path = Path(botocore.__file__).parent / "data" / name
    data: dict[str, object] = json.loads(path.read_text())
    return data


class TestPartitionsDrift:
    """The hard-coded partition table matches the installed botocore."""

    def test_same_partitions_and_patterns(self) -> None:
        """Every botocore partition is known, with the same region regex."""
        partitions = _botocore_data("partitions.json")["partitions"]
        assert isinstance(partitions, list)
        botocore_table = {p["id"]: p["regionRegex"] for p in partitions}
        assert botocore_table == dict(PARTITION_REGION_PATTERNS)

    def test_every_botocore_region_is_accepted(self) -> None:
        """Each region botocore lists (but the *-global aliases) makes a valid CA ARN."""
        partitions = _botocore_data("partitions.json")["partitions"]
        assert isinstance(partitions, list)
        checked = 0
        for partition in partitions:
            for region in partition["regions"]:
                if region.endswith("-global"):
                    continue
                arn = CertificateAuthorityArn(partition["id"], region, "123456789012", CA_ID)
                assert str(CertificateAuthorityArn.parse(str(arn))) == str(arn)
                checked += 1
        assert checked > 40

    def test_acm_pca_endpoints_fit_their_partition(self) -> None:
        """Every region with an acm-pca endpoint is valid in its partition, and no other."""
        endpoints = _botocore_data("endpoints.json")["partitions"]
        assert isinstance(endpoints, list)
        seen = set()
        for partition in endpoints:
            service = partition["services"].get("acm-pca", {})
            for region in service.get("endpoints", {}):
                if "fips" in region:
                    continue
                seen.add(region)
                CertificateAuthorityArn(partition["partition"], region, "123456789012", CA_ID)
                others = [p for p in PARTITION_REGION_PATTERNS if p != partition["partition"]]
                for other in others:
                    with pytest.raises(InvalidArnError, match="region must match"):
                        CertificateAuthorityArn(other, region, "123456789012", CA_ID)
        assert {"us-east-1", "cn-north-1", "us-gov-west-1", "eusc-de-east-1"} <= seen


def test_import_does_not_load_botocore() -> None:
    """The ARN module stays free of botocore."""
    code = "import sys, acmpca_issue._arn; sys.exit('botocore' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], check=False)
    assert result.returncode == 0


def test_module_examples() -> None:
    """The examples in the modules' docstrings run as written."""
    import doctest

    from acmpca_issue import _arn, _arn_parts, _templates

    for module in (_arn, _arn_parts, _templates):
        result = doctest.testmod(module)
        assert result.attempted > 0
        assert result.failed == 0
