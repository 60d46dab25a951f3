"""Deadlines and jittered exponential backoff for the Issuer's retries and its waiter.

Example::

    backoff = Backoff(initial=0.2, cap=2.0)
    deadline = Deadline(clock, 60.0)
    for attempt in itertools.count(1):
        ...
        if deadline.expired():
            break
        sleep(deadline.clip(backoff.delay(attempt)))
"""

from __future__ import annotations

import random
from collections.abc import Callable

import attrs

__all__ = ["Backoff", "Deadline"]


@attrs.frozen
class Backoff:
    """Exponential backoff with "equal jitter": half the step fixed, half random.

    Attributes:
        initial: the first step, in seconds.
        cap: the largest step, in seconds.
        factor: how much each step grows.
        rng: where the jitter comes from (a ``random.Random``; not for secrets).
    """

    initial: float = 0.2
    cap: float = 2.0
    factor: float = 2.0
    rng: random.Random = attrs.field(factory=random.Random, eq=False, repr=False)

    def delay(self, attempt: int) -> float:
        """The pause after failed attempt number ``attempt`` (1 for the first)."""
        step = min(self.cap, self.initial * self.factor ** max(0, attempt - 1))
        return step / 2 + self.rng.uniform(0.0, step / 2)


@attrs.define
class Deadline:
    """A point in time on a monotonic clock, ``seconds`` from when it was made."""

    clock: Callable[[], float]
    seconds: float
    at: float = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        self.at = self.clock() + self.seconds

    def remaining(self) -> float:
        """Seconds left (negative once passed)."""
        return self.at - self.clock()

    def expired(self) -> bool:
        """Whether the deadline has passed."""
        return self.remaining() <= 0

    def clip(self, delay: float) -> float:
        """``delay``, shortened so that a pause ends at the deadline at the latest."""
        return max(0.0, min(delay, self.remaining()))
