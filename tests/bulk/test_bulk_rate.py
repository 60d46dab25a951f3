"""The client-side buckets: even pacing, AIMD on throttling, one bucket per quota scope."""

from __future__ import annotations

import math

import pytest

from acmpca_issue.bulk import RateLimits, TokenBucket
from acmpca_issue.exceptions import InvalidRequestError
from tests.bulk.bulk_support import FakeTime


def test_calls_are_paced_evenly_without_a_burst(fake: FakeTime) -> None:
    """Ten calls at 25/s take nine gaps of 40 ms: no burst, unlike the service's bucket."""
    bucket = TokenBucket(25.0, clock=fake.monotonic, sleep=fake.sleep)
    for _ in range(10):
        bucket.acquire()
    assert fake.elapsed == pytest.approx(9 * 0.04)


def test_an_unpaced_bucket_never_waits(fake: FakeTime) -> None:
    """``math.inf`` lets every call through at once."""
    bucket = TokenBucket(math.inf, clock=fake.monotonic, sleep=fake.sleep)
    for _ in range(100):
        bucket.acquire()
    bucket.throttled_call()
    assert fake.elapsed == 0
    assert bucket.rate == math.inf
    assert bucket.throttled == 1


def test_throttling_halves_the_rate_once_per_round_trip(fake: FakeTime) -> None:
    """Calls let through before a cut do not cut the rate again when they come back throttled."""
    bucket = TokenBucket(20.0, clock=fake.monotonic, sleep=fake.sleep)
    tickets = [bucket.acquire() for _ in range(5)]
    for ticket in tickets:
        bucket.throttled_call(ticket)
    assert bucket.rate == 10.0
    assert bucket.throttled == 5
    bucket.throttled_call(bucket.acquire())
    assert bucket.rate == 5.0
    for _ in range(20):
        bucket.throttled_call()
    assert bucket.rate == 0.5  # the floor


def test_success_climbs_back_to_the_ceiling(fake: FakeTime) -> None:
    """Additive increase: a tenth of the ceiling per second, never above it."""
    bucket = TokenBucket(20.0, clock=fake.monotonic, sleep=fake.sleep)
    bucket.throttled_call(bucket.acquire())
    assert bucket.rate == 10.0
    fake.advance(1.0)
    bucket.succeeded()
    assert bucket.rate == pytest.approx(12.0)
    fake.advance(10.0)
    bucket.succeeded()
    assert bucket.rate == 20.0
    assert "ceiling=20/s" in repr(bucket)


def test_one_bucket_per_operation_and_scope(fake: FakeTime) -> None:
    """Quotas are per (partition, account, region) and per operation, shared by every caller."""
    limits = fake.limits(issue=10.0, get=30.0)
    scope = ("aws", "123456789012", "us-east-1")
    assert limits.bucket("IssueCertificate", scope) is limits.bucket("IssueCertificate", scope)
    other = limits.bucket("IssueCertificate", ("aws", "123456789012", "eu-west-1"))
    assert other is not limits.bucket("IssueCertificate", scope)
    assert limits.bucket("GetCertificate", scope).ceiling == 30.0
    other.throttled_call()
    assert limits.throttled == 1
    assert repr(limits) == "<RateLimits IssueCertificate=10/s, GetCertificate=30/s>"


def test_defaults_are_the_service_quotas() -> None:
    """25 IssueCertificate and 75 GetCertificate a second, as the service's defaults."""
    assert RateLimits().rates == {"IssueCertificate": 25.0, "GetCertificate": 75.0}


@pytest.mark.parametrize("bad", [0, -1, float("nan"), True, "25"])
def test_bad_rates_are_named(bad: object) -> None:
    """A rate that is not a positive number is InvalidRequestError naming it."""
    with pytest.raises(InvalidRequestError) as caught:
        RateLimits(issue=bad)  # type: ignore[arg-type]
    assert caught.value.problems[0].path == "rate.issue"
