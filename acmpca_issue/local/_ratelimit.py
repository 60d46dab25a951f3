"""Token buckets that make the local Private CA answer ThrottlingException above a set rate.

Example::

    >>> from datetime import datetime, timedelta, timezone
    >>> start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    >>> bucket = TokenBucket(rate=2.0, now=start)
    >>> [bucket.take(start) for _ in range(3)]
    [True, True, False]
    >>> bucket.take(start + timedelta(seconds=0.5))
    True
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime

__all__ = ["DEFAULT_RATE_LIMITS", "RateLimiter", "TokenBucket"]

#: The default request rates of the real service (requests per second, per account and Region).
DEFAULT_RATE_LIMITS: Mapping[str, float] = {
    "IssueCertificate": 25.0,
    "GetCertificate": 75.0,
    "RevokeCertificate": 20.0,
    "DescribeCertificateAuthority": 20.0,
    "GetCertificateAuthorityCertificate": 20.0,
}


class TokenBucket:
    """``rate`` tokens a second, holding at most ``rate`` (one second of burst, at least 1).

    Not thread-safe by itself: the engine calls it under its lock.
    """

    __slots__ = ("_capacity", "_last", "_rate", "_tokens")

    def __init__(self, rate: float, now: datetime) -> None:
        self._rate = rate
        self._capacity = max(rate, 1.0)
        self._tokens = self._capacity
        self._last = now

    def take(self, now: datetime) -> bool:
        """Take one token at ``now``; ``False`` if the bucket is empty (the call is throttled)."""
        elapsed = (now - self._last).total_seconds()
        if elapsed > 0:
            self._tokens = min(self._capacity, self._tokens + elapsed * self._rate)
            self._last = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return True
        return False


class RateLimiter:
    """One :class:`TokenBucket` per operation named in ``limits``; other operations are free."""

    __slots__ = ("_buckets", "_limits")

    def __init__(self, limits: Mapping[str, float] | None) -> None:
        checked: dict[str, float] = {}
        for operation, rate in (limits or {}).items():
            if not isinstance(operation, str):
                raise TypeError(f"rate_limits keys must be operation names, got {operation!r}")
            number: object = rate
            if (
                isinstance(number, bool)
                or not isinstance(number, (int, float))
                or not math.isfinite(number)
                or number <= 0
            ):
                raise ValueError(
                    f"rate_limits[{operation!r}] must be a positive number of requests "
                    f"per second, got {rate!r}"
                )
            checked[operation] = float(rate)
        self._limits = checked
        self._buckets: dict[str, TokenBucket] = {}

    @property
    def limits(self) -> dict[str, float]:
        """The configured rates, by operation name."""
        return dict(self._limits)

    def allow(self, operation: str, now: datetime) -> bool:
        """Whether a call to ``operation`` at ``now`` is within its rate (and count it)."""
        rate = self._limits.get(operation)
        if rate is None:
            return True
        bucket = self._buckets.get(operation)
        if bucket is None:
            bucket = self._buckets[operation] = TokenBucket(rate, now)
        return bucket.take(now)
