"""Where "now" comes from for the rules that depend on it.

The request model refuses an END_DATE or ABSOLUTE validity that has already passed; the Issuer
judges the same rules against its own injectable clock (``Issuer(now=...)``). While an Issuer
builds and checks a request it installs its clock here, so the model and the Issuer agree on
the time, and a test can give one fake time to the Issuer and to the local Private CA.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterator
from datetime import datetime, timezone

__all__ = ["now", "using"]


def system_now() -> datetime:
    """The system clock, as an aware UTC datetime."""
    return datetime.now(timezone.utc)


_current: contextvars.ContextVar[Callable[[], datetime]] = contextvars.ContextVar(
    "acmpca_issue_clock", default=system_now
)


def now() -> datetime:
    """The current time by the clock in force, as an aware UTC datetime."""
    return _current.get()().astimezone(timezone.utc)


@contextlib.contextmanager
def using(clock: Callable[[], datetime]) -> Iterator[None]:
    """Make ``clock`` the time for the rules checked inside the ``with`` block."""
    token = _current.set(clock)
    try:
        yield
    finally:
        _current.reset(token)
