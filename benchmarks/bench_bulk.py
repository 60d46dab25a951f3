"""Benchmark: ``issue_many`` and ``build_csrs`` against their raw paths, measured in one run.

Four measurements, each a ratio against what it replaces:

1. pace: 500 certificates from a local Private CA over HTTP that allows 25 IssueCertificate a
   second (the service's default quota): the rate sustained (target >= 95 % of 25/s), the
   certificates the CA issued (target: exactly one per item), the calls it throttled (target: a
   few at most); and, for comparison, the same CA driven by ``issue_many`` with no pacing;
2. overhead: with no rate limit, the time per item of ``issue_many`` (one at a time, no
   journal) over a bare ``for request in requests: issuer.issue(request)`` loop, interleaved in
   rounds (target <= 1.1x); with a journal and with 8 in flight for information;
3. memory: peak RSS growth of ``issue_many`` over 10,000 items in-process (target < 50 MB),
   in a child process so nothing else counts, and over 1,000 to show it is flat;
4. keys: ``build_csrs`` of 200 RSA-3072 keys on 2 worker processes against 1 (target >= 1.7x
   faster; a machine busy with other work cannot reach it).

Run::

    python benchmarks/bench_bulk.py [--pace-items 500] [--rounds 12] [--memory-items 10000]
                                    [--rsa-keys 200] [--only pace,overhead,memory,keys]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import math
import multiprocessing
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

from botocore.config import Config
from botocore.session import Session

from acmpca_issue import (
    CertificateAuthorityArn,
    IssueCertificateRequest,
    Issuer,
    Validity,
    build_csr,
    generate_private_key,
)
from acmpca_issue.bulk import CsrSpec, build_csrs, issue_many
from acmpca_issue.local import LocalPrivateCA

PACE_TARGET = 0.95
OVERHEAD_TARGET = 1.1
MEMORY_TARGET_MB = 50.0
KEYS_TARGET = 1.7
QUOTA = 25.0
#: Throttled calls the pace run may waste (the CA's and the client's clocks start apart).
FEW = 3


def _client(endpoint_url: str) -> Any:
    return Session().create_client(
        "acm-pca",
        region_name="us-east-1",
        endpoint_url=endpoint_url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",  # noqa: S106 - the local CA takes any key
        config=Config(retries={"total_max_attempts": 1}, max_pool_connections=64),
    )


def _requests(ca: CertificateAuthorityArn, count: int, prefix: str) -> Iterator[Any]:
    """Distinct requests (one CSR each, one key for all: the CA's work is what is measured)."""
    key = generate_private_key()
    for n in range(count):
        csr = build_csr(f"{prefix}{n}.bench.internal", private_key=key).csr
        yield IssueCertificateRequest(
            certificate_authority_arn=ca,
            csr=csr,
            signing_algorithm="SHA256WITHECDSA",
            validity=Validity.days(7),
        )


def _issued(pca: LocalPrivateCA) -> int:
    return len(pca.engine._certificates)


def pace(items: int) -> bool:
    """issue_many against a CA limited to the service's default rate."""
    pca = LocalPrivateCA(rate_limits={"IssueCertificate": QUOTA})
    ca = pca.create_root_ca()
    with pca.serve() as server:
        issuer = Issuer(_client(server.endpoint_url))
        requests = list(_requests(ca, items, "pace"))
        before = _issued(pca)
        time.sleep(1.5)  # let the CA's bucket fill, as an account idle before a run
        result = issue_many(issuer, enumerate_ids(requests), progress=False)
        issued = _issued(pca) - before
        fraction = result.summary.rate / QUOTA
        unpaced_requests = list(_requests(ca, 100, "unpaced"))
        time.sleep(1.5)
        unpaced = issue_many(issuer, unpaced_requests, rate=math.inf, progress=False)
        issuer.client.close()
    print(f"pace: {items} certificates, a CA allowing {QUOTA:g} IssueCertificate/s over HTTP")
    print(
        f"  issue_many (default rate): {result.summary.rate:5.2f}/s = {fraction:.1%} of "
        f"{QUOTA:g}/s; CA issued {issued} for {items} items ({issued - items} duplicates); "
        f"{result.summary.throttled} calls throttled; ok={result.ok}"
    )
    print(
        f"  unpaced (rate=math.inf), 100 items for comparison: "
        f"{unpaced.summary.throttled} calls throttled, {unpaced.summary.rate:5.2f}/s"
    )
    good = (
        fraction >= PACE_TARGET
        and issued == items
        and result.summary.throttled <= FEW
        and result.ok
    )
    print(
        f"  sustained/quota = {fraction:.3f} (target >= {PACE_TARGET}), duplicates "
        f"{issued - items} (target 0), throttled {result.summary.throttled} (target <= {FEW}): "
        f"{'OK' if good else 'OVER TARGET'}"
    )
    return good


def enumerate_ids(requests: list[Any]) -> list[tuple[str, Any]]:
    return [(f"item{n}", request) for n, request in enumerate(requests)]


def overhead(rounds: int, per_round: int) -> bool:
    """Per-item time of issue_many against the bare Issuer.issue loop, no rate limit."""
    import tempfile

    pca = LocalPrivateCA()
    ca = pca.create_root_ca()
    times: dict[str, list[float]] = {"loop": [], "issue_many": [], "journal": [], "8 in flight": []}
    with pca.serve() as server, tempfile.TemporaryDirectory() as scratch:
        issuer = Issuer(_client(server.endpoint_url))
        pending = _requests(ca, (rounds + 1) * per_round * len(times), "over")

        def batch() -> list[Any]:
            return [next(pending) for _ in range(per_round)]

        def loop(requests: list[Any]) -> None:
            for request in requests:
                issuer.issue(request)

        journals = iter(range(1_000_000))
        runs: list[tuple[str, Callable[[list[Any]], object]]] = [
            ("loop", loop),
            (
                "issue_many",
                lambda r: issue_many(issuer, r, rate=math.inf, max_in_flight=1, progress=False),
            ),
            (
                "journal",
                lambda r: issue_many(
                    issuer,
                    r,
                    rate=math.inf,
                    max_in_flight=1,
                    progress=False,
                    journal=f"{scratch}/j{next(journals)}.sqlite3",
                ),
            ),
            (
                "8 in flight",
                lambda r: issue_many(issuer, r, rate=math.inf, max_in_flight=8, progress=False),
            ),
        ]
        for _, run in runs:  # warm up connections and caches
            run(batch())
        for round_number in range(rounds):
            shift = round_number % len(runs)
            for name, run in runs[shift:] + runs[:shift]:
                requests = batch()
                start = time.perf_counter()
                run(requests)
                times[name].append((time.perf_counter() - start) / per_round)
        issuer.client.close()
    medians = {name: statistics.median(values) * 1000 for name, values in times.items()}
    print(f"overhead: {rounds} rounds of {per_round} items each, no rate limit, HTTP, interleaved")
    print(
        "  (journal: a new file each round, its creation included; 8 in flight: the CA serves "
        "from this process, so threads share one interpreter with it)"
    )
    for name, median in medians.items():
        print(f"  {name:<12} {median:7.3f} ms/item   {median / medians['loop']:5.2f}x loop")
    ratio = medians["issue_many"] / medians["loop"]
    good = ratio <= OVERHEAD_TARGET
    print(
        f"  issue_many / Issuer.issue loop = {ratio:.3f}x (target <= {OVERHEAD_TARGET}x): "
        f"{'OK' if good else 'OVER TARGET'}"
    )
    return good


_MEMORY_CHILD = """
import gc, math, resource, sys
from acmpca_issue import Issuer
from acmpca_issue.bulk import issue_many
from acmpca_issue.local import LocalPrivateCA
sys.path.insert(0, sys.argv[2])
from bench_bulk import _requests

def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

pca = LocalPrivateCA()
ca = pca.create_root_ca()
issuer = Issuer(pca.client())
issue_many(issuer, _requests(ca, 200, "warm"), rate=math.inf, progress=False, max_in_flight=4)
gc.collect()
before = peak_mb()
result = issue_many(
    issuer, _requests(ca, int(sys.argv[1]), "mem"), rate=math.inf, progress=False, max_in_flight=4
)
assert result.summary.issued == int(sys.argv[1]), result
print(peak_mb() - before)
"""


def memory(items: int) -> bool:
    """Peak RSS growth over ``items`` in-process items (and over a tenth of them)."""
    from pathlib import Path

    here = str(Path(__file__).resolve().parent)
    growth = {}
    for count in (items // 10, items):
        done = subprocess.run(
            [sys.executable, "-c", _MEMORY_CHILD, str(count), here],
            capture_output=True,
            text=True,
            check=True,
        )
        growth[count] = float(done.stdout.split()[-1])
    print("memory: peak RSS growth of issue_many in-process (results and the CA's records kept)")
    for count, mb in growth.items():
        print(f"  {count:>6} items: {mb:6.1f} MB ({mb * 1024 / count:.2f} KB/item)")
    good = growth[items] < MEMORY_TARGET_MB
    print(
        f"  {items} items: {growth[items]:.1f} MB (target < {MEMORY_TARGET_MB:g} MB): "
        f"{'OK' if good else 'OVER TARGET'}"
    )
    return good


def keys(count: int) -> bool:
    """build_csrs of RSA-3072 keys on 2 worker processes against 1."""
    specs = [
        CsrSpec(identities=(f"k{n}.bench.internal",), key_algorithm="RSA_3072")
        for n in range(count)
    ]
    context = multiprocessing.get_context("spawn")
    seconds = {}
    for workers in (1, 2):
        with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
            build_csrs(specs[:workers], executor=pool)  # start the workers first
            start = time.perf_counter()
            bundles = build_csrs(specs, executor=pool)
            seconds[workers] = time.perf_counter() - start
        if len(bundles) != count:
            raise RuntimeError(f"build_csrs returned {len(bundles)} bundles for {count} specs")
    speedup = seconds[1] / seconds[2]
    good = speedup >= KEYS_TARGET
    print(f"keys: build_csrs of {count} RSA-3072 keys and CSRs")
    for workers, value in seconds.items():
        print(f"  {workers} worker(s): {value:6.2f} s ({count / value:5.1f} keys/s)")
    print(
        f"  2 workers / 1 worker = {speedup:.2f}x faster (target >= {KEYS_TARGET}x; "
        f"{multiprocessing.cpu_count()} CPUs here): {'OK' if good else 'OVER TARGET'}"
    )
    return good


def main(argv: list[str] | None = None) -> int:
    """Run every measurement; exit 1 if one misses its target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--pace-items", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--per-round", type=int, default=20)
    parser.add_argument("--memory-items", type=int, default=10_000)
    parser.add_argument("--rsa-keys", type=int, default=200)
    parser.add_argument(
        "--only",
        default="pace,overhead,memory,keys",
        help="which measurements, comma-separated (default: all four)",
    )
    args = parser.parse_args(argv)
    chosen = set(args.only.split(","))
    measurements: list[tuple[str, Callable[[], bool]]] = [
        ("pace", lambda: pace(args.pace_items)),
        ("overhead", lambda: overhead(args.rounds, args.per_round)),
        ("memory", lambda: memory(args.memory_items)),
        ("keys", lambda: keys(args.rsa_keys)),
    ]
    results = [run() for name, run in measurements if name in chosen]
    return 0 if all(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
