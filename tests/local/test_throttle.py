"""Rate limits (token buckets on the engine clock) and many concurrent clients."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError

from acmpca_issue import CertificateArn
from acmpca_issue.local import LocalPrivateCA
from acmpca_issue.local._protocol import LocalServiceError
from acmpca_issue.local._ratelimit import DEFAULT_RATE_LIMITS, RateLimiter, TokenBucket
from tests.local._support import START, issue_params, new_pca


def test_bucket_burst_and_refill() -> None:
    """A bucket holds one second of requests and refills at its rate."""
    pca, clock = new_pca(rate_limits={"IssueCertificate": 4})
    ca = str(pca.create_root_ca())

    def attempt() -> str:
        try:
            pca.engine.handle("IssueCertificate", issue_params(ca))
        except LocalServiceError as error:
            return f"{error.code}: {error.message}"
        return "ok"

    throttled = "ThrottlingException: Rate exceeded"

    assert [attempt() for _ in range(5)] == ["ok"] * 4 + [throttled]
    clock.advance(seconds=0.25)
    assert [attempt() for _ in range(2)] == ["ok", throttled]
    clock.advance(seconds=10)
    assert [attempt() for _ in range(5)] == ["ok"] * 4 + [throttled]


def test_only_listed_operations_are_limited() -> None:
    """GetCertificate is free when only IssueCertificate is limited; conveniences are free."""
    pca, _ = new_pca(rate_limits={"IssueCertificate": 1})
    ca = str(pca.create_root_ca())
    pca.create_root_ca()  # internal issuance does not use the bucket
    arn = pca.engine.handle("IssueCertificate", issue_params(ca))["CertificateArn"]
    for _ in range(50):
        pca.engine.handle("GetCertificate", {"CertificateAuthorityArn": ca, "CertificateArn": arn})


def test_slow_rates_allow_one() -> None:
    """A rate below one a second still lets one request through, then one per 1/rate s."""
    start = START
    bucket = TokenBucket(0.5, start)
    assert bucket.take(start)
    assert not bucket.take(start + timedelta(seconds=1))
    assert bucket.take(start + timedelta(seconds=3))


def test_throttling_through_a_client() -> None:
    """A botocore client sees ThrottlingException (the local client does not retry)."""
    pca, _ = new_pca(rate_limits=DEFAULT_RATE_LIMITS)
    ca = str(pca.create_root_ca())
    client = pca.client()
    codes: list[str] = []
    try:
        for _ in range(30):
            try:
                client.describe_certificate_authority(CertificateAuthorityArn=ca)
                codes.append("ok")
            except ClientError as error:
                codes.append(error.response["Error"]["Code"])
    finally:
        client.close()
    assert codes.count("ok") == 20
    assert set(codes[20:]) == {"ThrottlingException"}


@pytest.mark.parametrize(
    ("limits", "error"),
    [
        ({"IssueCertificate": 0}, ValueError),
        ({"IssueCertificate": -1.0}, ValueError),
        ({"IssueCertificate": float("nan")}, ValueError),
        ({"IssueCertificate": True}, ValueError),
        ({"IssueCertificate": "25"}, ValueError),
        ({25: 1.0}, TypeError),
    ],
)
def test_bad_limits(limits: Any, error: type[Exception]) -> None:
    """Rates must be positive finite numbers keyed by operation name."""
    with pytest.raises(error, match="rate_limits"):
        LocalPrivateCA(rate_limits=limits)


def test_limits_are_reported() -> None:
    """The configured limits can be read back."""
    assert RateLimiter({"GetCertificate": 75}).limits == {"GetCertificate": 75.0}
    assert RateLimiter(None).limits == {}


def test_many_concurrent_clients() -> None:
    """Threads issuing through several clients get unique serials and no errors."""
    pca = LocalPrivateCA()
    ca = str(pca.create_root_ca())
    clients = [pca.client() for _ in range(4)]
    lock = threading.Lock()
    arns: list[str] = []

    def work(index: int) -> None:
        client = clients[index % len(clients)]
        for _ in range(10):
            arn = client.issue_certificate(**issue_params(ca))["CertificateArn"]
            got = client.get_certificate(CertificateAuthorityArn=ca, CertificateArn=arn)
            assert got["Certificate"].startswith("-----BEGIN CERTIFICATE-----")
            with lock:
                arns.append(arn)

    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            for future in [pool.submit(work, i) for i in range(8)]:
                future.result()
    finally:
        for client in clients:
            client.close()
    assert len(arns) == 80
    assert len({CertificateArn.parse(arn).serial for arn in arns}) == 80


def test_concurrent_calls_share_one_bucket() -> None:
    """Threads racing one bucket at one instant get exactly its capacity, the rest throttled."""
    pca, _ = new_pca(rate_limits={"DescribeCertificateAuthority": 10})
    ca = str(pca.create_root_ca())
    start = threading.Barrier(8)

    def work(_: int) -> list[str]:
        start.wait()
        codes = []
        for _ in range(5):
            try:
                pca.engine.handle("DescribeCertificateAuthority", {"CertificateAuthorityArn": ca})
                codes.append("ok")
            except LocalServiceError as error:
                codes.append(error.code)
        return codes

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = [code for result in pool.map(work, range(8)) for code in result]
    assert codes.count("ok") == 10
    assert codes.count("ThrottlingException") == 30


def test_concurrent_retries_with_one_token_issue_once() -> None:
    """Clients racing the same IdempotencyToken all get one ARN, and one certificate exists."""
    pca, _ = new_pca()
    ca = str(pca.create_root_ca())
    clients = [pca.client() for _ in range(4)]
    before = set(pca.engine._certificates)  # the root's own certificate
    start = threading.Barrier(8)

    def work(index: int) -> str:
        start.wait()
        params = issue_params(ca, IdempotencyToken="same-token")
        arn: str = clients[index % len(clients)].issue_certificate(**params)["CertificateArn"]
        return arn

    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            arns = set(pool.map(work, range(8)))
    finally:
        for client in clients:
            client.close()
    assert len(arns) == 1
    added = [pca.engine._certificates[key].arn for key in set(pca.engine._certificates) - before]
    assert added == list(arns)
