"""Benchmark: ``Issuer.issue()`` against the raw botocore sequence, over HTTP to a local CA.

The raw sequence is what a careful botocore user writes: ``issue_certificate`` (with an
idempotency token), the ``certificate_issued`` waiter, then ``get_certificate``. The Issuer adds
the derived token, its own waiter, parsing the answer and verifying the certificate (key,
signature, chain, serial, validity). Both talk to the same local Private CA over HTTP on
127.0.0.1, interleaved in one run; the preflight (one DescribeCertificateAuthority per CA,
cached) is measured on its own.

Run::

    python benchmarks/bench_issuer.py [--rounds 150]
"""

from __future__ import annotations

import argparse
import functools
import statistics
import time
import uuid
from collections.abc import Callable
from typing import Any

from botocore.config import Config
from botocore.session import Session

from acmpca_issue import IssueCertificateRequest, Issuer, Validity, build_csr
from acmpca_issue.local import LocalPrivateCA

TARGET = 1.15


def _client(endpoint_url: str) -> Any:
    return Session().create_client(
        "acm-pca",
        region_name="us-east-1",
        endpoint_url=endpoint_url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",  # noqa: S106 - the local CA takes any key
        config=Config(retries={"total_max_attempts": 1}),
    )


def _timed(function: Callable[[], object]) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print medians and ratios; exit 1 if over the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=150)
    args = parser.parse_args(argv)

    pca = LocalPrivateCA()
    root = pca.create_root_ca()
    csr = build_csr("bench.internal").csr
    with pca.serve() as server:
        raw = _client(server.endpoint_url)
        plain = Issuer(_client(server.endpoint_url), preflight=False)
        checked = Issuer(_client(server.endpoint_url), preflight=True)
        waiter = raw.get_waiter("certificate_issued")

        # Each round issues distinct certificates (a different validity per round), so no
        # call is answered from the idempotency window.
        requests = [
            IssueCertificateRequest(
                certificate_authority_arn=root,
                csr=csr,
                signing_algorithm="SHA256WITHECDSA",
                validity=Validity.days(days),
            )
            for days in range(1, 3 * args.rounds + 20)
        ]
        ca = str(root)

        def raw_sequence(request: IssueCertificateRequest) -> None:
            params = dict(request.to_api())
            params["IdempotencyToken"] = uuid.uuid4().hex
            arn = raw.issue_certificate(**params)["CertificateArn"]
            waiter.wait(
                CertificateAuthorityArn=ca,
                CertificateArn=arn,
                WaiterConfig={"Delay": 1, "MaxAttempts": 60},
            )
            raw.get_certificate(CertificateAuthorityArn=ca, CertificateArn=arn)

        def describe_uncached() -> None:
            checked.forget()
            checked.describe(ca)

        pending = iter(requests)
        for _ in range(5):  # warm up connections and caches
            raw_sequence(next(pending))
            plain.issue(next(pending))
            checked.issue(next(pending))

        times: dict[str, list[float]] = {"raw": [], "issuer": [], "issuer+preflight": []}
        describe_times: list[float] = []
        runs: list[tuple[str, Callable[[IssueCertificateRequest], object]]] = [
            ("raw", raw_sequence),
            ("issuer", plain.issue),
            ("issuer+preflight", checked.issue),
        ]
        for round_number in range(args.rounds):
            shift = round_number % len(runs)
            for name, run in runs[shift:] + runs[:shift]:  # rotate the order each round
                request = next(pending)
                times[name].append(_timed(functools.partial(run, request)))
            describe_times.append(_timed(describe_uncached))

        for client in (raw, plain.client, checked.client):
            client.close()

    medians = {name: statistics.median(values) * 1000 for name, values in times.items()}
    describe_ms = statistics.median(describe_times) * 1000
    print(f"rounds: {args.rounds} (interleaved, order rotated each round)")
    for name, median in medians.items():
        ratio = median / medians["raw"]
        print(f"  {name:<18} median {median:7.3f} ms   {ratio:5.2f}x raw")
    print(
        f"  preflight: one uncached DescribeCertificateAuthority {describe_ms:.3f} ms, paid "
        f"once per CA per ca_cache_ttl ({checked.ca_cache_ttl:g} s)"
    )
    ratio = medians["issuer"] / medians["raw"]
    verdict = "OK" if ratio <= TARGET else "OVER TARGET"
    print(f"issuer.issue() / raw botocore = {ratio:.2f}x (target <= {TARGET}x): {verdict}")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
