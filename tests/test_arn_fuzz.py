"""Property tests: generated valid ARNs round-trip; arbitrary input only raises InvalidArnError."""

from __future__ import annotations

import re
from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st

from acmpca_issue import (
    CertificateArn,
    CertificateAuthorityArn,
    InvalidArnError,
    TemplateArn,
    parse_certificate_arn,
)
from acmpca_issue._arn import MAX_ARN_LENGTH, PARTITION_REGION_PATTERNS, TEMPLATE_NAMES


def _template_of(value: object) -> TemplateArn:
    return TemplateArn.of(value)  # type: ignore[arg-type]


PARSERS: list[Callable[[object], object]] = [
    CertificateAuthorityArn.parse,
    CertificateArn.parse,
    parse_certificate_arn,
    TemplateArn.parse,
    _template_of,
]

partitions = st.sampled_from(sorted(PARTITION_REGION_PATTERNS))


@st.composite
def regions(draw: st.DrawFn, partition: str) -> str:
    """A region of ``partition``, drawn from botocore's own regex (ASCII ``\\w``)."""
    pattern = re.compile(PARTITION_REGION_PATTERNS[partition], re.ASCII)
    return draw(st.from_regex(pattern, fullmatch=True).filter(lambda r: len(r) <= 40))


@st.composite
def ca_parts(draw: st.DrawFn) -> tuple[str, str, str, str]:
    """(partition, region, account, CA id) of a valid CA ARN."""
    partition = draw(partitions)
    region = draw(regions(partition))
    account = draw(st.from_regex(r"[0-9]{12}", fullmatch=True))
    ca_id = str(draw(st.uuids()))
    return partition, region, account, ca_id


def ca_text(parts: tuple[str, str, str, str]) -> str:
    partition, region, account, ca_id = parts
    return f"arn:{partition}:acm-pca:{region}:{account}:certificate-authority/{ca_id}"


serials = st.integers(min_value=1, max_value=(1 << 160) - 1)


@st.composite
def serial_texts(draw: st.DrawFn) -> str:
    """A serial as lowercase hex, sometimes with leading zeros, at most 40 digits."""
    digits = format(draw(serials), "x")
    zeros = draw(st.integers(min_value=0, max_value=40 - len(digits)))
    return "0" * zeros + digits


_LOWER_NAMES = {name.lower() for name in TEMPLATE_NAMES}
template_names = st.one_of(
    st.sampled_from(sorted(TEMPLATE_NAMES)),
    st.from_regex(re.compile(r"[A-Z][A-Za-z0-9_]{0,60}", re.ASCII), fullmatch=True).filter(
        lambda n: n.lower() not in _LOWER_NAMES or n in TEMPLATE_NAMES
    ),
)


@settings(max_examples=150)
@given(ca_parts())
def test_ca_round_trip(parts: tuple[str, str, str, str]) -> None:
    """A generated CA ARN parses to its parts and prints back unchanged."""
    text = ca_text(parts)
    arn = CertificateAuthorityArn.parse(text)
    assert str(arn) == text
    assert (arn.partition, arn.region, arn.account, arn.ca_id) == parts
    assert CertificateAuthorityArn(*parts) == arn


@settings(max_examples=150)
@given(ca_parts(), serial_texts())
def test_certificate_round_trip(parts: tuple[str, str, str, str], serial_hex: str) -> None:
    """A generated certificate ARN round-trips and its serial forms agree."""
    text = f"{ca_text(parts)}/certificate/{serial_hex}"
    arn = CertificateArn.parse(text)
    assert str(arn) == text
    assert arn.serial_hex == serial_hex
    assert arn.serial == int(serial_hex, 16)
    assert int(arn.serial_colon.replace(":", ""), 16) == arn.serial
    assert all(len(octet) == 2 for octet in arn.serial_colon.split(":"))
    rebuilt = CertificateArn.from_parts(arn.certificate_authority_arn, arn.serial)
    assert rebuilt.serial == arn.serial
    assert rebuilt.serial_hex == serial_hex.lstrip("0")
    assert CertificateArn.parse(str(rebuilt)) == rebuilt


@settings(max_examples=100)
@given(ca_parts(), serials, serials)
def test_certificate_order_follows_serial(
    parts: tuple[str, str, str, str], first: int, second: int
) -> None:
    """Within one CA, certificate ARNs order as their serial numbers do."""
    ca = CertificateAuthorityArn(*parts)
    assert (ca.certificate(first) < ca.certificate(second)) == (first < second)


@settings(max_examples=150)
@given(partitions, template_names, st.integers(min_value=1, max_value=10**6))
def test_template_round_trip(partition: str, name: str, version: int) -> None:
    """A generated template ARN round-trips, and of() builds the same value."""
    text = f"arn:{partition}:acm-pca:::template/{name}/V{version}"
    arn = TemplateArn.parse(text)
    assert str(arn) == text
    assert arn == TemplateArn.of(f"{name}/V{version}", partition=partition)
    assert arn.family + name[len(arn.family) :] == name


def _only_invalid_arn_error(value: object) -> None:
    for parse in PARSERS:
        try:
            result = parse(value)
        except InvalidArnError as error:
            problems = error.problems
            assert problems
            assert all(p.path == "" and p.message for p in problems)
        else:
            assert isinstance(value, str)
            expected = value
            if parse is _template_of:
                expected = f"arn:aws:acm-pca:::template/{value}" + ("" if "/" in value else "/V1")
            assert str(result) == expected
            assert len(expected) <= MAX_ARN_LENGTH


@settings(max_examples=200)
@given(st.text())
def test_arbitrary_text(text: str) -> None:
    """Any text makes each parser succeed or raise InvalidArnError, nothing else."""
    _only_invalid_arn_error(text)


@settings(max_examples=200)
@given(st.from_regex(r"arn:[a-z-]{0,12}:[a-z-]{0,9}:[\w-]{0,15}:\d{0,13}:[\w/:.-]{0,90}"))
def test_arn_like_text(text: str) -> None:
    """Text shaped like an ARN reaches the deeper checks and still raises only InvalidArnError."""
    _only_invalid_arn_error(text)


@settings(max_examples=50)
@given(
    st.one_of(
        st.none(),
        st.integers(),
        st.floats(),
        st.binary(),
        st.lists(st.text(), max_size=3),
        st.dictionaries(st.text(), st.text(), max_size=2),
    )
)
def test_arbitrary_objects(value: object) -> None:
    """Non-str values raise InvalidArnError, never TypeError."""
    _only_invalid_arn_error(value)


@st.composite
def mutated_arns(draw: st.DrawFn) -> str:
    """A valid certificate or template ARN with one character replaced, inserted or removed."""
    text = draw(
        st.one_of(
            st.builds(lambda p, s: f"{ca_text(p)}/certificate/{s}", ca_parts(), serial_texts()),
            st.builds(lambda n: f"arn:aws:acm-pca:::template/{n}/V1", template_names),
        )
    )
    index = draw(st.integers(min_value=0, max_value=len(text) - 1))
    char = draw(st.characters())
    edit = draw(st.sampled_from(["replace", "insert", "delete"]))
    if edit == "replace":
        return text[:index] + char + text[index + 1 :]
    if edit == "insert":
        return text[:index] + char + text[index:]
    return text[:index] + text[index + 1 :]


@settings(max_examples=150)
@given(mutated_arns())
def test_one_character_off(text: str) -> None:
    """A near-valid ARN either parses and round-trips or raises InvalidArnError."""
    _only_invalid_arn_error(text)
    for parse in (CertificateArn.parse, TemplateArn.parse):
        try:
            arn = parse(text)
        except InvalidArnError:
            continue
        assert str(arn) == text
        assert len(text) <= MAX_ARN_LENGTH
