"""The problem collector used by every validator."""

from __future__ import annotations

import pytest

from acmpca_issue._problems import Problems
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
