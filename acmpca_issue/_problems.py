"""Collecting every problem with an input before raising one :class:`InvalidRequestError`."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TypeVar

from acmpca_issue.exceptions import InvalidRequestError, Problem

__all__ = ["Problems", "describe", "did_you_mean", "show_time"]

_T = TypeVar("_T")

#: The longest a value is shown in a message; the rest is cut and marked with "...".
_SHOWN = 80


def describe(value: object) -> str:
    """The ``repr`` of ``value`` for an error message, at most 80 characters.

    It never raises: an integer too long to print in decimal (past Python's 4300-digit limit)
    is described by its size, and an object whose ``repr`` fails by its type.

    Example::

        >>> describe(10**5000)
        'an integer of 16610 bits'
    """
    try:
        text = repr(value)
    except Exception:  # a message must never fail to build
        if isinstance(value, int):
            sign = "a negative" if value < 0 else "an"
            return f"{sign} integer of {value.bit_length()} bits"
        return f"a {type(value).__name__} that cannot be shown"
    return text if len(text) <= _SHOWN else f"{text[: _SHOWN - 3]}..."


def show_time(when: datetime) -> str:
    """A time for a message: ISO 8601 to the second (``2026-01-31T12:00:00+00:00``).

    Certificate times are whole seconds, so microseconds in a message are only noise.
    """
    return when.isoformat(timespec="seconds")


def did_you_mean(value: object, choices: Iterable[str]) -> str:
    """``"; did you mean 'DAYS'?"`` for the choice closest to ``value``, or ``""``.

    Case and ``-``/``_`` are ignored in the comparison (``days`` and ``Day`` both suggest
    ``DAYS``), so the suggestion is what the caller most likely meant to type.

    Example::

        >>> did_you_mean("DAY", ["END_DATE", "DAYS", "MONTHS"])
        "; did you mean 'DAYS'?"
    """
    if not isinstance(value, str) or not value:
        return ""
    by_folded = {_fold(choice): choice for choice in choices}
    close = difflib.get_close_matches(_fold(value), by_folded, n=1, cutoff=0.6)
    return f"; did you mean {by_folded[close[0]]!r}?" if close else ""


def _fold(text: str) -> str:
    return text.lower().replace("-", "").replace("_", "")


class Problems:
    """A list of problems found while checking one input, raised together at the end.

    Example::

        problems = Problems()
        value = problems.check("validity", Validity.from_api, raw)  # None if it failed
        if not token:
            problems.add("idempotency_token", "must not be empty")
        problems.raise_if_any()
    """

    __slots__ = ("_items",)

    def __init__(self) -> None:
        self._items: list[Problem] = []

    def __bool__(self) -> bool:
        return bool(self._items)

    def __len__(self) -> int:
        return len(self._items)

    @property
    def items(self) -> tuple[Problem, ...]:
        """The problems found so far, in order."""
        return tuple(self._items)

    def add(self, path: str, message: str) -> None:
        """Record one problem at ``path``."""
        self._items.append(Problem(path, message))

    def absorb(self, prefix: str, error: InvalidRequestError) -> None:
        """Record every problem of ``error``, its paths placed under ``prefix``."""
        self._items.extend(error.at(prefix).problems)

    def check(self, path: str, function: Callable[..., _T], /, *args: object) -> _T | None:
        """Call ``function(*args)``; on :class:`InvalidRequestError` record it and return None."""
        try:
            return function(*args)
        except InvalidRequestError as error:
            self.absorb(path, error)
            return None

    def raise_if_any(self, error_type: type[InvalidRequestError] = InvalidRequestError) -> None:
        """Raise ``error_type`` with every problem recorded, if there is any."""
        if self._items:
            raise error_type(self._items)
