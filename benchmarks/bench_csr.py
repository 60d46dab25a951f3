"""Benchmark build_csr against the bare cryptography calls, per key type.

Run::

    python benchmarks/bench_csr.py          # about 30 s on a small machine
    python benchmarks/bench_csr.py --check  # exit 1 if EC P-256 costs more than 1.2x bare

Each sample makes one key and one CSR (CN plus one DNS SAN) either with :func:`build_csr` or
with the equivalent bare cryptography calls; the two are measured interleaved, alternating which
goes first, in the same run, and the medians are compared.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, mldsa, rsa
from cryptography.hazmat.primitives.asymmetric.types import CertificateIssuerPrivateKeyTypes
from cryptography.x509.oid import NameOID

from acmpca_issue._csr import build_csr
from acmpca_issue._enums import KeyAlgorithm

TARGET_RATIO = 1.2
"""build_csr may cost at most this much of the bare calls for EC P-256."""

# Samples (one key + CSR each) per key type; slow key types get few.
PLAN: dict[KeyAlgorithm, int] = {
    KeyAlgorithm.EC_prime256v1: 4001,
    KeyAlgorithm.EC_secp384r1: 801,
    KeyAlgorithm.EC_secp521r1: 801,
    KeyAlgorithm.ML_DSA_44: 401,
    KeyAlgorithm.ML_DSA_65: 301,
    KeyAlgorithm.ML_DSA_87: 301,
    KeyAlgorithm.RSA_2048: 9,
    KeyAlgorithm.RSA_3072: 5,
    KeyAlgorithm.RSA_4096: 3,
}

_SHA256 = hashes.SHA256()
_CURVES: dict[
    KeyAlgorithm, tuple[ec.EllipticCurve, hashes.SHA256 | hashes.SHA384 | hashes.SHA512]
] = {
    KeyAlgorithm.EC_prime256v1: (ec.SECP256R1(), _SHA256),
    KeyAlgorithm.EC_secp384r1: (ec.SECP384R1(), hashes.SHA384()),
    KeyAlgorithm.EC_secp521r1: (ec.SECP521R1(), hashes.SHA512()),
}
_MLDSA: dict[KeyAlgorithm, Callable[[], CertificateIssuerPrivateKeyTypes]] = {
    KeyAlgorithm.ML_DSA_44: mldsa.MLDSA44PrivateKey.generate,
    KeyAlgorithm.ML_DSA_65: mldsa.MLDSA65PrivateKey.generate,
    KeyAlgorithm.ML_DSA_87: mldsa.MLDSA87PrivateKey.generate,
}


def bare(algorithm: KeyAlgorithm) -> None:
    """The same key and CSR, made with cryptography directly."""
    key: CertificateIssuerPrivateKeyTypes
    signing_hash: hashes.SHA256 | hashes.SHA384 | hashes.SHA512 | None
    if algorithm in _CURVES:
        curve, signing_hash = _CURVES[algorithm]
        key = ec.generate_private_key(curve)
    elif algorithm in _MLDSA:
        key = _MLDSA[algorithm]()
        signing_hash = None
    else:
        key = rsa.generate_private_key(65537, int(algorithm.value[4:]))
        signing_hash = _SHA256
    (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "svc")]))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("svc.example.com")]), False)
        .sign(key, signing_hash)
    )


def ours(algorithm: KeyAlgorithm) -> None:
    """build_csr with the same names."""
    build_csr("svc.example.com", common_name="svc", key_algorithm=algorithm)


def _once(function: Callable[[KeyAlgorithm], None], algorithm: KeyAlgorithm) -> int:
    start = time.perf_counter_ns()
    function(algorithm)
    return time.perf_counter_ns() - start


def measure(algorithm: KeyAlgorithm) -> tuple[float, float]:
    """Median seconds per key+CSR for (bare, ours), interleaved in alternating order.

    Single operations are timed and the medians compared: on a busy machine a median of many
    short interleaved timings is far steadier than one long loop per side.
    """
    _once(bare, algorithm)  # warm up both paths (imports, caches)
    _once(ours, algorithm)
    bare_times: list[int] = []
    our_times: list[int] = []
    for index in range(PLAN[algorithm]):
        if index % 2:
            our_times.append(_once(ours, algorithm))
            bare_times.append(_once(bare, algorithm))
        else:
            bare_times.append(_once(bare, algorithm))
            our_times.append(_once(ours, algorithm))
    return statistics.median(bare_times) / 1e9, statistics.median(our_times) / 1e9


def main(argv: list[str] | None = None) -> int:
    """Print the table; with --check, exit 1 when EC P-256 misses the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail above the target ratio")
    parser.add_argument(
        "--only", choices=[a.value for a in PLAN], action="append", help="key types to run"
    )
    args = parser.parse_args(argv)
    chosen = [a for a in PLAN if not args.only or a.value in args.only]
    print(f"{'key type':<14} {'bare ms':>9} {'ours ms':>9} {'ratio':>6} {'ours/s':>9}")
    ratio_p256 = None
    for algorithm in chosen:
        bare_s, ours_s = measure(algorithm)
        ratio = ours_s / bare_s
        if algorithm is KeyAlgorithm.EC_prime256v1:
            ratio_p256 = ratio
        print(
            f"{algorithm.value:<14} {bare_s * 1e3:>9.3f} {ours_s * 1e3:>9.3f} "
            f"{ratio:>5.2f}x {1 / ours_s:>9.1f}",
            flush=True,
        )
    if ratio_p256 is not None:
        verdict = "ok" if ratio_p256 <= TARGET_RATIO else "OVER TARGET"
        print(
            f"EC P-256 build_csr / bare: {ratio_p256:.3f}x (target <= {TARGET_RATIO}x): {verdict}"
        )
        if args.check and ratio_p256 > TARGET_RATIO:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
