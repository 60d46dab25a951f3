"""Client-side request pacing for bulk issuance: one AIMD token bucket per quota scope.

Example::

    limits = RateLimits(issue=25.0)          # the service's defaults: 25 and 75 a second
    bucket = limits.bucket("GetCertificate", ("aws", "123456789012", "us-east-1"))
    bucket.acquire()                          # waits for the next slot, then returns

Private CA's request quotas are per account and Region (per *partition, account, region*), not
per CA, and separate for IssueCertificate and GetCertificate. A bucket paces calls evenly at
its rate (no burst: a slot every ``1/rate`` seconds), so a fleet never meets the service's own
bucket empty. When the service throttles anyway (someone else shares the account, or its quota
is lower than the rate given), the bucket halves its rate and then climbs back by a tenth of its
ceiling per second: additive increase, multiplicative decrease, as TCP does.

The buckets read a monotonic clock and sleep through injectable callables, so tests move time
without waiting.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

from acmpca_issue.exceptions import InvalidRequestError

__all__ = ["DEFAULT_RATES", "RateLimits", "Scope", "TokenBucket"]

#: The service's default quotas, requests per second per account and Region.
DEFAULT_RATES = {"IssueCertificate": 25.0, "GetCertificate": 75.0}

Scope = tuple[str, str, str]
"""(partition, account, region): what one quota covers."""

#: The lowest rate a throttled bucket falls to, requests per second.
MIN_RATE = 0.5


class TokenBucket:
    """Paces one operation in one scope; thread-safe and shared by every worker.

    Args:
        rate: the ceiling, requests per second (``math.inf``: no pacing).
        clock: a monotonic clock in seconds.
        sleep: how to wait.
    """

    def __init__(
        self,
        rate: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], object] = time.sleep,
    ) -> None:
        self.ceiling = float(rate)
        self.rate = self.ceiling
        self.throttled = 0
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next = -math.inf  # the earliest time the next call may go
        self._last_increase = clock()
        self._generation = 0  # how many times the rate was cut

    def __repr__(self) -> str:
        return f"<TokenBucket rate={self.rate:g}/s ceiling={self.ceiling:g}/s>"

    def acquire(self) -> int:
        """Wait for the next slot; returns a ticket to hand to :meth:`throttled_call`."""
        with self._lock:
            ticket = self._generation
            if math.isinf(self.rate):
                return ticket
            now = self._clock()
            start = max(now, self._next)
            self._next = start + 1.0 / self.rate
        if start > now:
            self._sleep(start - now)
        return ticket

    def succeeded(self) -> None:
        """An answered call: climb back towards the ceiling (additive increase)."""
        with self._lock:
            now = self._clock()
            elapsed = max(0.0, now - self._last_increase)
            self._last_increase = now
            if self.rate < self.ceiling:
                step = max(1.0, self.ceiling / 10.0) * elapsed
                self.rate = min(self.ceiling, self.rate + step)

    def throttled_call(self, ticket: int | None = None) -> None:
        """A ThrottlingException for the call :meth:`acquire` gave ``ticket``: halve the rate.

        Calls let through before the last cut went at the old rate: their throttling is
        counted but does not cut the rate again (once per round trip, as TCP does).
        """
        with self._lock:
            self.throttled += 1
            if ticket is not None and ticket < self._generation:
                return
            self._generation += 1
            now = self._clock()
            self._last_increase = now
            if math.isinf(self.rate):
                return
            self.rate = max(MIN_RATE, self.rate / 2.0)
            self._next = max(self._next, now) + 1.0 / self.rate


class RateLimits:
    """The buckets of one bulk run: one per (operation, scope), made on first use.

    Args:
        issue: IssueCertificate requests per second per scope (default 25, the service's
            default quota); ``math.inf`` for no pacing.
        get: GetCertificate requests per second per scope (default 75).
        clock: a monotonic clock in seconds (``time.monotonic``).
        sleep: how to wait (``time.sleep``).

    Raises:
        InvalidRequestError: a rate that is not a positive number.
    """

    def __init__(
        self,
        issue: float = DEFAULT_RATES["IssueCertificate"],
        get: float = DEFAULT_RATES["GetCertificate"],
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], object] = time.sleep,
    ) -> None:
        self.rates = {
            "IssueCertificate": _positive(issue, "rate.issue"),
            "GetCertificate": _positive(get, "rate.get"),
        }
        self.clock = clock
        self.sleep = sleep
        self._buckets: dict[tuple[str, Scope], TokenBucket] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        rates = ", ".join(f"{name}={rate:g}/s" for name, rate in self.rates.items())
        return f"<RateLimits {rates}>"

    def bucket(self, operation: str, scope: Scope) -> TokenBucket:
        """The bucket for ``operation`` in ``scope``, shared by every caller."""
        with self._lock:
            found = self._buckets.get((operation, scope))
            if found is None:
                found = self._buckets[(operation, scope)] = TokenBucket(
                    self.rates[operation], clock=self.clock, sleep=self.sleep
                )
            return found

    @property
    def throttled(self) -> int:
        """How many calls were answered ThrottlingException, over every bucket."""
        with self._lock:
            return sum(bucket.throttled for bucket in self._buckets.values())


def _positive(value: object, name: str) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or math.isnan(value)
        or value <= 0
    ):
        raise InvalidRequestError(
            f"must be a positive number of requests per second (math.inf: no pacing), "
            f"got {value!r}",
            path=name,
        )
    return float(value)
