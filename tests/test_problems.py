"""The problem collector used by every validator."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from acmpca_issue import (
    CertificateArn,
    CertificateAuthorityArn,
    ExtendedKeyUsage,
    GeneralName,
    IssueCertificateRequest,
    KeyUsage,
    SigningAlgorithm,
    Subject,
    Validity,
)
from acmpca_issue._enums import coerce_enum
from acmpca_issue._problems import Problems, describe
from acmpca_issue.exceptions import InvalidArnError, InvalidRequestError, Problem


def _fail(message: str) -> int:
    raise InvalidRequestError(message, path="inner")


def test_collects_and_raises_all() -> None:
    """Problems found one after another are raised together."""
    problems = Problems()
    assert not problems
    problems.add("a", "first")
    assert problems.check("b", _fail, "second") is None
    assert problems.check("c", int, "7") == 7
    assert len(problems) == 2
    assert problems.items == (Problem("a", "first"), Problem("b.inner", "second"))
    with pytest.raises(InvalidRequestError) as info:
        problems.raise_if_any()
    assert [p.path for p in info.value.problems] == ["a", "b.inner"]


def test_raise_if_any_uses_the_given_class_and_is_silent_when_empty() -> None:
    """Nothing found raises nothing; the error class can be chosen."""
    problems = Problems()
    problems.raise_if_any()
    problems.absorb("arn", InvalidArnError("bad partition"))
    with pytest.raises(InvalidArnError):
        problems.raise_if_any(InvalidArnError)


class _BrokenRepr:
    def __repr__(self) -> str:
        raise RuntimeError("no repr")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (5, "5"),
        ("abc", "'abc'"),
        (10**5000, "an integer of 16610 bits"),
        (-(10**5000), "a negative integer of 16610 bits"),
        ("x" * 200, "'" + "x" * 76 + "..."),
        (_BrokenRepr(), "a _BrokenRepr that cannot be shown"),
    ],
    ids=["int", "str", "huge-int", "huge-negative-int", "long-str", "broken-repr"],
)
def test_describe_never_raises_and_stays_short(value: object, expected: str) -> None:
    """describe() shows a value in a message: short, and even when repr() would fail."""
    assert describe(value) == expected
    assert len(describe(value)) <= 80


_HUGE = 10**5000  # past the 4300-digit limit of int -> str


@pytest.mark.parametrize(
    ("build", "path"),
    [
        (lambda: Validity(_HUGE, "DAYS"), "value"),
        (lambda: Validity(-_HUGE, "DAYS"), "value"),
        (lambda: Validity(1, _HUGE), "type"),  # type: ignore[arg-type]
        (lambda: Validity.from_api({_HUGE: 1, "Value": 1, "Type": "DAYS"}), ""),
        (lambda: KeyUsage(digital_signature=_HUGE), "digital_signature"),  # type: ignore[arg-type]
        (lambda: ExtendedKeyUsage(extended_key_usage_type=_HUGE), "extended_key_usage_type"),  # type: ignore[arg-type]
        (lambda: Subject.from_api({_HUGE: "x"}), ""),
        (lambda: IssueCertificateRequest.from_api({_HUGE: 1}), ""),
        (lambda: coerce_enum(SigningAlgorithm, _HUGE, "signing_algorithm"), "signing_algorithm"),
    ],
)
def test_huge_integers_are_refused_not_raised(build: Callable[[], object], path: str) -> None:
    """An int too long to print is refused with InvalidRequestError, not a ValueError leak."""
    with pytest.raises(InvalidRequestError) as error:
        build()
    assert path in [problem.path for problem in error.value.problems]
    assert any("integer of 16610 bits" in problem.message for problem in error.value.problems)


def test_huge_serial_is_refused_not_raised() -> None:
    """CertificateArn.from_parts names a huge serial by its size."""
    ca = CertificateAuthorityArn(
        "aws", "us-east-1", "123456789012", "1" * 8 + "-1111" * 3 + "-" + "1" * 12
    )
    for serial in (_HUGE, -_HUGE):
        with pytest.raises(InvalidArnError, match="integer of 16610 bits"):
            CertificateArn.from_parts(ca, serial)


def test_long_values_are_cut_in_messages() -> None:
    """A long bad value is shown cut short, not copied whole into the message."""
    with pytest.raises(InvalidRequestError) as error:
        GeneralName.ip("x" * 100_000)
    assert len(str(error.value)) < 200
