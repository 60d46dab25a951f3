"""Whole-process timings of ``acmpca-issue`` against the AWS CLI (awscli v1), in the same run.

Run it with ``python benchmarks/bench_cli.py [--runs N]``. It times, interleaved and as separate
processes each time:

1. ``--generate-cli-skeleton`` of ``issue-certificate`` (target: at most 0.5x the AWS CLI), and
2. issuing one certificate from a local Private CA over HTTP on 127.0.0.1 with the same
   arguments (target: at most 0.8x the AWS CLI), with the preflight on (the default) and off.

It prints the median of each and the ratios, and exits 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

BIN = Path(sys.executable).parent
TARGETS = {"skeleton": 0.5, "issue": 0.8}


def _tool(name: str) -> str:
    path = BIN / name
    if not path.exists():
        raise SystemExit(f"{path} not found: install the project and awscli into this venv")
    return str(path)


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",  # noqa: S106 - fake, for a local endpoint only
        AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE=str(home / "config"),
        AWS_SHARED_CREDENTIALS_FILE=str(home / "credentials"),
        AWS_EC2_METADATA_DISABLED="true",
    )
    return env


def _time(argv: Sequence[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, env=env, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv[:3])} failed: {done.stderr.decode()[-500:]}")
    return elapsed


def _compare(
    runs: int, commands: dict[str, Callable[[int], Sequence[str]]], env: dict[str, str]
) -> dict[str, float]:
    """Median seconds of each command, run interleaved (after one warm-up of each)."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for make in commands.values():
        _time(make(-1), env)
    for index in range(runs):
        for name, make in commands.items():
            times[name].append(_time(make(index), env))
    return {name: statistics.median(values) for name, values in times.items()}


def main(argv: Sequence[str] | None = None) -> int:
    """Run both comparisons and print medians and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs of each (default 7)")
    options = parser.parse_args(argv)
    aws, ours = _tool("aws"), _tool("acmpca-issue")
    # An installed package has its bytecode compiled; an editable one run with
    # PYTHONDONTWRITEBYTECODE set would be compiled again in every process timed here.
    import acmpca_issue

    compileall.compile_dir(Path(acmpca_issue.__file__).parent, quiet=1)

    from acmpca_issue import build_csr
    from acmpca_issue.local import LocalPrivateCA

    missed = []
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        env = _env(home)
        skeleton = _compare(
            options.runs,
            {
                "aws": lambda _: [aws, "acm-pca", "issue-certificate", "--generate-cli-skeleton"],
                "acmpca-issue": lambda _: [ours, "issue-certificate", "--generate-cli-skeleton"],
            },
            env,
        )
        csr = home / "csr.pem"
        csr.write_bytes(build_csr("bench.example").csr_pem)
        pca = LocalPrivateCA()
        ca_arn = str(pca.create_root_ca())
        with pca.serve() as server:

            def request(index: int, tag: str) -> list[str]:
                return [
                    "issue-certificate",
                    "--certificate-authority-arn",
                    ca_arn,
                    "--csr",
                    f"file://{csr}",
                    "--signing-algorithm",
                    "SHA256WITHECDSA",
                    "--validity",
                    "Value=30,Type=DAYS",
                    "--idempotency-token",
                    f"{tag}-{index}",
                    "--endpoint-url",
                    server.endpoint_url,
                ]

            issue = _compare(
                options.runs,
                {
                    "aws": lambda i: [aws, "acm-pca", *request(i, "aws")],
                    "acmpca-issue": lambda i: [ours, *request(i, "ours")],
                    "acmpca-issue --no-preflight": lambda i: [
                        ours,
                        *request(i, "fast"),
                        "--no-preflight",
                    ],
                },
                env,
            )
    print(f"runs: {options.runs} each, interleaved, whole processes; medians")
    for title, key, medians in (
        ("--generate-cli-skeleton", "skeleton", skeleton),
        ("issue one certificate (local CA over HTTP)", "issue", issue),
    ):
        print(f"\n{title}")
        base = medians["aws"]
        for name, seconds in medians.items():
            print(f"  {name:<28} {seconds * 1000:8.1f} ms  {seconds / base:5.2f}x")
        ratio = medians["acmpca-issue"] / base
        verdict = "ok" if ratio <= TARGETS[key] else "MISSED"
        print(f"  target: acmpca-issue <= {TARGETS[key]}x aws: {ratio:.2f}x {verdict}")
        if ratio > TARGETS[key]:
            missed.append(key)
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
