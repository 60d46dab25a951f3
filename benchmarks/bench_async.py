"""Benchmark: 200 issuances, AsyncIssuer with 32 in flight vs the Issuer from 32 threads.

Both issue the same number of distinct certificates (issue, wait, fetch, verify) from the same
local Private CA over HTTP on 127.0.0.1, in one run, alternating which goes first: the
AsyncIssuer as 32 tasks on one event loop (an ``asyncio.Semaphore`` of 32), the Issuer from a
``ThreadPoolExecutor`` of 32 threads sharing one Issuer and one botocore client. The local CA
signs in its own server threads, so both measure the client side's overhead and concurrency.
The ratio printed is async time over threaded time (below 1: the AsyncIssuer was faster).

Run::

    python benchmarks/bench_async.py [--count 200] [--in-flight 32] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import statistics
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from aiobotocore.config import AioConfig
from aiobotocore.session import AioSession
from botocore.config import Config
from botocore.session import Session
from cryptography import x509

from acmpca_issue import AsyncIssuer, IssueCertificateRequest, Issuer, Validity, build_csr
from acmpca_issue.local import LocalPrivateCA


def _requests(
    root: str, csr: x509.CertificateSigningRequest, days: Iterator[int], count: int
) -> list[IssueCertificateRequest]:
    # A different validity each, so no issuance is answered from the idempotency window.
    return [
        IssueCertificateRequest(
            certificate_authority_arn=root,
            csr=csr,
            signing_algorithm="SHA256WITHECDSA",
            validity=Validity.days(next(days)),
        )
        for _ in range(count)
    ]


async def _async_run(
    issuer: AsyncIssuer, requests: list[IssueCertificateRequest], in_flight: int
) -> float:
    gate = asyncio.Semaphore(in_flight)

    async def one(request: IssueCertificateRequest) -> None:
        async with gate:
            await issuer.issue(request)

    start = time.perf_counter()
    await asyncio.gather(*(one(request) for request in requests))
    return time.perf_counter() - start


def _threaded_run(issuer: Issuer, requests: list[IssueCertificateRequest], in_flight: int) -> float:
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=in_flight) as pool:
        list(pool.map(issuer.issue, requests))
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the times and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--in-flight", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)

    pca = LocalPrivateCA()
    root = str(pca.create_root_ca())
    csr = build_csr("bench.internal").csr
    days = itertools.count(1)
    times: dict[str, list[float]] = {"async": [], "threads": []}
    with pca.serve() as server:
        # Both clients: no retries of their own, a connection pool as large as the concurrency
        # (botocore's and aiobotocore's default is 10), so neither side queues for a socket.
        url = server.endpoint_url
        key = "testing"  # the local CA takes any key
        retries: Any = {"total_max_attempts": 1}
        config = Config(retries=retries, max_pool_connections=args.in_flight)
        threaded = Issuer(
            Session().create_client(
                "acm-pca",
                region_name="us-east-1",
                endpoint_url=url,
                aws_access_key_id=key,
                aws_secret_access_key=key,
                config=config,
            )
        )
        aio_config = AioConfig(retries=retries, max_pool_connections=args.in_flight)

        async def async_rounds() -> None:
            async with (
                AioSession().create_client(
                    "acm-pca",
                    region_name="us-east-1",
                    endpoint_url=url,
                    aws_access_key_id=key,
                    aws_secret_access_key=key,
                    config=aio_config,
                ) as client,
                AsyncIssuer(client) as issuer,
            ):
                await _async_run(issuer, _requests(root, csr, days, 10), args.in_flight)
                _threaded_run(threaded, _requests(root, csr, days, 10), args.in_flight)  # warm
                for round_number in range(args.rounds):
                    order = ["async", "threads"] if round_number % 2 == 0 else ["threads", "async"]
                    for name in order:
                        batch = _requests(root, csr, days, args.count)
                        if name == "async":
                            elapsed = await _async_run(issuer, batch, args.in_flight)
                        else:
                            elapsed = _threaded_run(threaded, batch, args.in_flight)
                        times[name].append(elapsed)

        asyncio.run(async_rounds())
        threaded.client.close()

    medians = {name: statistics.median(values) for name, values in times.items()}
    print(
        f"{args.count} issuances, {args.in_flight} in flight, {args.rounds} rounds "
        "(order alternated), local CA over HTTP"
    )
    for name, median in medians.items():
        rate = args.count / median
        print(f"  {name:<8} median {median:7.3f} s   {rate:7.1f} certificates/s")
    ratio = medians["async"] / medians["threads"]
    print(f"AsyncIssuer / Issuer from {args.in_flight} threads = {ratio:.2f}x the time")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
