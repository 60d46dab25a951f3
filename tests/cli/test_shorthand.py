"""The shorthand parser reads exactly what the AWS CLI's parser reads, and fails where it fails."""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acmpca_issue._shorthand import (
    _FIRST_WORD,
    _SECOND_WORD,
    SHAPES,
    Shape,
    coerce_shorthand,
    load_structure,
    parse_shorthand,
)
from acmpca_issue.exceptions import InvalidRequestError

# The AWS CLI's parser runs in a child process: importing awscli replaces `botocore` with the
# copy awscli carries and points botocore's data path at awscli's older models, which would
# change every botocore client made later in this test process.
_ORACLE = r"""
import base64, json, sys
from awscli.shorthand import ShorthandParseError, ShorthandParser
from awscli.paramfile import ResourceLoadingError

def encode(value):
    if isinstance(value, bytes):
        return {"__bytes__": base64.b64encode(value).decode()}
    raise TypeError(type(value))

for line in sys.stdin:
    request = json.loads(line)
    if request["op"] == "patterns":
        answer = [
            [p.regex.pattern, p.regex.flags]
            for p in (ShorthandParser._FIRST_VALUE, ShorthandParser._SECOND_VALUE)
        ]
    else:
        try:
            answer = {"value": ShorthandParser().parse(request["text"])}
        except (ShorthandParseError, ResourceLoadingError):
            answer = "error"
    print(json.dumps(answer, default=encode), flush=True)
"""


class AwsCliParser:
    """The AWS CLI's shorthand parser, asked through a child process."""

    def __init__(self) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-c", _ORACLE],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )

    def ask(self, request: dict[str, str]) -> Any:
        assert self._process.stdin is not None
        assert self._process.stdout is not None
        self._process.stdin.write(json.dumps(request) + "\n")
        self._process.stdin.flush()
        return json.loads(self._process.stdout.readline())

    def close(self) -> None:
        assert self._process.stdin is not None
        assert self._process.stdout is not None
        try:
            self._process.stdin.close()
            self._process.wait(timeout=10)
        finally:
            self._process.kill()
            self._process.wait()
            self._process.stdout.close()


@pytest.fixture(scope="module")
def awscli() -> Iterator[AwsCliParser]:
    """One child process holding the AWS CLI's parser for the whole module."""
    parser = AwsCliParser()
    yield parser
    parser.close()


def _encode(value: object) -> object:
    if isinstance(value, bytes):
        return {"__bytes__": base64.b64encode(value).decode()}
    raise TypeError(type(value))


def aws_parse(awscli: AwsCliParser, text: str) -> object:
    """The AWS CLI's reading of ``text``, or the string ``"error"``."""
    answer = awscli.ask({"op": "parse", "text": text})
    return answer if answer == "error" else answer["value"]


def our_parse(text: str) -> object:
    """Our reading of ``text`` in the same JSON form, or the string ``"error"``."""
    try:
        return json.loads(json.dumps(parse_shorthand(text), default=_encode))
    except InvalidRequestError:
        return "error"


CASES = [
    "Value=365,Type=DAYS",
    "Type=DAYS,Value=365",
    'Value=365,Type="DAYS"',
    "Value='365',Type='DAYS'",
    "Value=365, Type=DAYS",
    " Value = 365 , Type = DAYS ",
    "a=b,c,d=e",
    "a=b,c,d",
    "a=b , c , d",
    "a=b\\,c",
    "a=b=c",
    "a=b c",
    "a=[b,c]",
    "a=[ b , c ]",
    "a=[]",
    "a={}",
    "a={b=c,d=[e,{f=g}]}",
    "a={b=c,b=d}",
    "a=\"x,y\",b='p\\'q'",
    'a="x\\"y"',
    "a='x\\\\y'",
    "a=",
    "a=,b=c",
    "a=b,a=c",
    "a",
    "",
    "=x",
    "a=b,",
    "a=[b,",
    "a={b=c",
    "a={b}",
    "a='unterminated",
    "a=b,'c",
    "a=x,'p,q'=r",
    "Subject={CommonName=a,Organization=b},Extensions={SubjectAlternativeNames="
    "[{DnsName=a.example},{DnsName=b.example}],KeyUsage={DigitalSignature=true}}",
    "a=b\n,c=d",
    "a=\u00e9t\u00e9",
    "a=\U0001f600",
    "a=b,[c]",
    "a=b,{c}",
    "a=b,c]",
    "a:b/c#d.e-f_g=1",
    "a@=plain",
    "a @ = plain",
]


@pytest.mark.parametrize("text", CASES)
def test_same_reading_as_the_aws_cli(awscli: AwsCliParser, text: str) -> None:
    """Each sample gives the AWS CLI's result, or an error where the AWS CLI errs."""
    assert our_parse(text) == aws_parse(awscli, text)


def test_a_documented_example() -> None:
    """The passthrough shorthand from the AWS CLI's documentation parses to the nested JSON."""
    assert parse_shorthand(
        "Subject={CommonName=a,Organization=b},Extensions={SubjectAlternativeNames="
        "[{DnsName=a.example},{DnsName=b.example}],KeyUsage={DigitalSignature=true}}"
    ) == {
        "Subject": {"CommonName": "a", "Organization": "b"},
        "Extensions": {
            "SubjectAlternativeNames": [{"DnsName": "a.example"}, {"DnsName": "b.example"}],
            "KeyUsage": {"DigitalSignature": "true"},
        },
    }


def test_character_classes_match_the_aws_cli(awscli: AwsCliParser) -> None:
    """The bare-word patterns accept the same characters as the AWS CLI's, over all of the BMP."""
    first, second = (re.compile(p, f) for p, f in awscli.ask({"op": "patterns"}))
    for ours, theirs in ((_FIRST_WORD, first), (_SECOND_WORD, second)):
        for code in range(0x10000):
            char = chr(code)
            for text in (char, "a" + char):
                mine = ours.match(text)
                other = theirs.match(text)
                assert (mine and mine.group()) == (other and other.group()), hex(code)


ALPHABET = st.sampled_from([*"ab=,[]{}'\"\\ \t\n@:é", "\U0001f600", "x=y", "file://"])


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ALPHABET, max_size=30).map("".join))
def test_fuzz_matches_the_aws_cli(awscli: AwsCliParser, text: str) -> None:
    """Random text: the same result as the AWS CLI, and only InvalidRequestError on failure."""
    assert our_parse(text) == aws_parse(awscli, text)


@settings(max_examples=100)
@given(st.text(max_size=40))
def test_fuzz_only_our_errors(text: str) -> None:
    """Arbitrary text either parses to a dict or raises InvalidRequestError."""
    try:
        result = parse_shorthand(text)
    except InvalidRequestError as error:
        message = str(error)
    else:
        message = "position" if isinstance(result, dict) else "not a dict"
    assert "position" in message


class TestErrors:
    """Error messages say what was expected, where, and quote the text."""

    def test_missing_equals(self) -> None:
        """A key without '=' names the position and the text."""
        with pytest.raises(InvalidRequestError) as info:
            parse_shorthand("Value")
        assert str(info.value) == "expected '=' but found end of text at position 5 in 'Value'"

    def test_wrong_character(self) -> None:
        """The character found instead is quoted."""
        with pytest.raises(InvalidRequestError, match=r"expected '=' but found '\{' at position 0"):
            parse_shorthand("{a=b}")

    def test_duplicate_key(self) -> None:
        """A repeated top-level key is named, with the likely cause."""
        with pytest.raises(InvalidRequestError, match="key 'Type' is given twice"):
            parse_shorthand("Type=DAYS,Type=YEARS")

    def test_long_text_is_clipped(self) -> None:
        """A long input is shortened in the message."""
        with pytest.raises(InvalidRequestError) as info:
            parse_shorthand("a" * 200)
        assert "..." in str(info.value)
        assert len(str(info.value)) < 150

    def test_not_text(self) -> None:
        """A non-string is refused with a typed error."""
        with pytest.raises(InvalidRequestError, match="must be text"):
            parse_shorthand(b"a=b")  # type: ignore[arg-type]

    def test_unclosed_quote(self) -> None:
        """An unterminated quote is reported at the quote."""
        with pytest.raises(InvalidRequestError, match="expected a closing ' but found"):
            parse_shorthand("a='b")

    def test_deep_nesting(self) -> None:
        """Nesting past the recursion limit is an InvalidRequestError, not RecursionError."""
        text = "a=" + "[" * 5000
        with pytest.raises(InvalidRequestError, match="nested too deeply"):
            parse_shorthand(text)


class TestFiles:
    """``key@=file://`` and ``fileb://`` read files, as in the AWS CLI."""

    def test_file_text(self, awscli: AwsCliParser, tmp_path: Path) -> None:
        """file:// reads text; the same as the AWS CLI."""
        path = tmp_path / "cn.txt"
        path.write_text("svc.example.com")
        text = f"CommonName@=file://{path}"
        assert parse_shorthand(text) == {"CommonName": "svc.example.com"}
        assert our_parse(text) == aws_parse(awscli, text)

    def test_fileb_bytes_in_list(self, awscli: AwsCliParser, tmp_path: Path) -> None:
        """fileb:// reads bytes, also for list items and quoted values."""
        path = tmp_path / "v.bin"
        path.write_bytes(b"\x00\x01")
        text = f"a@=[fileb://{path},'fileb://{path}']"
        assert parse_shorthand(text) == {"a": [b"\x00\x01", b"\x00\x01"]}
        assert our_parse(text) == aws_parse(awscli, text)

    def test_hash_member(self, awscli: AwsCliParser, tmp_path: Path) -> None:
        """``@=`` works inside a structure, and only for the key it follows."""
        path = tmp_path / "x.txt"
        path.write_text("X")
        text = f"s={{a@=file://{path},b=file://{path}}},c=d,e"
        assert parse_shorthand(text) == {"s": {"a": "X", "b": f"file://{path}"}, "c": ["d", "e"]}
        assert our_parse(text) == aws_parse(awscli, text)

    def test_csv_second_value(self, tmp_path: Path) -> None:
        """An implicit list after ``@=`` reads each file."""
        path = tmp_path / "x.txt"
        path.write_text("X")
        assert parse_shorthand(f"a@=file://{path},file://{path}") == {"a": ["X", "X"]}

    def test_missing_file(self, tmp_path: Path) -> None:
        """A file that cannot be read is named."""
        with pytest.raises(InvalidRequestError, match=r"cannot read file://.*nope: No such file"):
            parse_shorthand(f"a@=file://{tmp_path}/nope")

    def test_binary_as_text(self, tmp_path: Path) -> None:
        """Binary data under file:// suggests fileb://."""
        path = tmp_path / "b.bin"
        path.write_bytes(b"\xff\xfe\xfa")
        with pytest.raises(InvalidRequestError, match="use fileb://"):
            parse_shorthand(f"a@=file://{path}")

    def test_without_at_no_file_is_read(self) -> None:
        """Without ``@`` a file:// value is just text."""
        assert parse_shorthand("a=file:///etc/passwd") == {"a": "file:///etc/passwd"}


class TestCoerce:
    """Member types are applied as the AWS CLI applies them."""

    def test_validity(self) -> None:
        """Value becomes an int; Type stays a string."""
        assert coerce_shorthand({"Value": "365", "Type": "DAYS"}, "Validity") == {
            "Value": 365,
            "Type": "DAYS",
        }

    def test_int_like_the_aws_cli(self) -> None:
        """int() rules: surrounding space, a sign and underscores are accepted, as in the CLI."""
        assert coerce_shorthand({"Value": " +3_65 "}, "Validity") == {"Value": 365}

    def test_booleans_and_lists(self) -> None:
        """Booleans take any case; a lone value for a list member becomes a one-element list."""
        parsed = parse_shorthand(
            "Extensions={KeyUsage={DigitalSignature=TRUE,KeyCertSign=false},"
            "SubjectAlternativeNames={DnsName=a},CustomExtensions=[{ObjectIdentifier=1.2.3,"
            "Value=AQ==,Critical=true}]},Subject={CustomAttributes={ObjectIdentifier=2.5,Value=v}}"
        )
        assert coerce_shorthand(parsed, "ApiPassthrough") == {
            "Extensions": {
                "KeyUsage": {"DigitalSignature": True, "KeyCertSign": False},
                "SubjectAlternativeNames": [{"DnsName": "a"}],
                "CustomExtensions": [
                    {"ObjectIdentifier": "1.2.3", "Value": "AQ==", "Critical": True}
                ],
            },
            "Subject": {"CustomAttributes": [{"ObjectIdentifier": "2.5", "Value": "v"}]},
        }

    def test_all_problems_with_paths(self) -> None:
        """Every problem is listed with its dotted path."""
        with pytest.raises(InvalidRequestError) as info:
            coerce_shorthand({"Value": "1y", "type": "DAYS"}, "Validity")
        assert [tuple(p) for p in info.value.problems] == [
            ("Validity.Value", "expected an integer, got '1y'"),
            (
                "Validity.type",
                "unknown key 'type', must be one of: Value, Type; did you mean 'Type'?",
            ),
        ]

    @pytest.mark.parametrize(
        ("value", "message"),
        [
            ({"Value": ["1", "2"]}, "expected a single long value, got a list"),
            ({"Value": {"a": "1"}}, "expected a single long value, got a structure"),
            ({"Value": b"1"}, "expected a single long value, got the bytes of a fileb:// file"),
            ("Value", "expected a structure, got 'Value'"),
        ],
    )
    def test_wrong_kinds(self, value: object, message: str) -> None:
        """A list, structure or bytes where a scalar belongs is named."""
        with pytest.raises(InvalidRequestError, match=re.escape(message)):
            coerce_shorthand(value, "Validity")

    def test_bad_boolean(self) -> None:
        """A boolean other than true/false is refused (the AWS CLI would send the string)."""
        with pytest.raises(InvalidRequestError, match="expected true or false, got 'yes'"):
            coerce_shorthand(
                {"Extensions": {"KeyUsage": {"DigitalSignature": "yes"}}}, "ApiPassthrough"
            )

    def test_explicit_shape_and_path(self) -> None:
        """A shape can be given directly, with a path prefix."""
        with pytest.raises(InvalidRequestError) as info:
            coerce_shorthand({"n": "x"}, {"n": "long"}, path="top")
        assert info.value.problems[0].path == "top.n"


def _botocore_shape(shape: Any) -> Shape:
    if shape.type_name == "structure":
        return {name: _botocore_shape(member) for name, member in shape.members.items()}
    if shape.type_name == "list":
        return [_botocore_shape(shape.member)]
    return str(shape.type_name)


def test_shapes_match_botocore() -> None:
    """The built-in member types equal botocore's acm-pca model for IssueCertificate."""
    import botocore.session

    model = botocore.session.get_session().get_service_model("acm-pca")
    input_shape = model.operation_model("IssueCertificate").input_shape
    assert input_shape is not None
    members = input_shape.members
    for name, shape in SHAPES.items():
        assert _botocore_shape(members[name]) == shape, name


class TestLoadStructure:
    """JSON when the text starts with { or [, shorthand otherwise."""

    def test_shorthand(self) -> None:
        """Shorthand is parsed and typed."""
        assert load_structure("Value=1,Type=YEARS", "Validity") == {"Value": 1, "Type": "YEARS"}

    def test_json_as_written(self) -> None:
        """JSON is taken as written, after leading space."""
        assert load_structure('  {"Value": "1"}', "Validity") == {"Value": "1"}
        assert load_structure("[1]", "Validity") == [1]

    def test_bad_json(self) -> None:
        """Invalid JSON names the JSON error and the text."""
        with pytest.raises(InvalidRequestError, match=r"invalid JSON: Expecting property name"):
            load_structure("{'Value': 1}", "Validity")

    def test_deep_json(self) -> None:
        """Deep JSON is an InvalidRequestError."""
        with pytest.raises(InvalidRequestError, match="nested too deeply"):
            load_structure("[" * 100000, "Validity")

    def test_not_text(self) -> None:
        """Only text is accepted."""
        with pytest.raises(InvalidRequestError, match="must be text"):
            load_structure(None, "Validity")  # type: ignore[arg-type]


STRUCTURE_WORDS = st.sampled_from(
    [
        *"ab=,[]{}'\"\\ 1-",
        "Value",
        "Type",
        "DAYS",
        "Subject",
        "Extensions",
        "CommonName",
        "KeyUsage",
        "SubjectAlternativeNames",
        "DnsName",
        "DigitalSignature",
        "true",
        "CustomExtensions",
        "Critical",
        "DirectoryName",
        "CustomAttributes",
        '{"',
        '":',
        "null",
        "[1]",
    ]
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(STRUCTURE_WORDS, max_size=25).map("".join),
    st.sampled_from(["Validity", "ApiPassthrough"]),
)
def test_fuzz_structure_to_model_only_our_errors(text: str, shape: str) -> None:
    """Shorthand or JSON near the real member names, read and then given to the request model
    as --validity and --api-passthrough are: a value or InvalidRequestError, nothing else."""
    from acmpca_issue._passthrough import ApiPassthrough
    from acmpca_issue._validity import Validity

    problems: tuple[object, ...] = ()
    try:
        value = load_structure(text, shape)
        if shape == "Validity":
            validity = Validity.from_api(value)
            assert Validity.from_api(validity.to_api()) == validity
        else:
            passthrough = ApiPassthrough.from_api(value)
            assert ApiPassthrough.from_api(passthrough.to_api()) == passthrough
    except InvalidRequestError as error:
        problems = error.problems
        assert problems, text
