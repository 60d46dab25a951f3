"""Issue and fetch one certificate: the local Private CA against moto, in-process, same run.

Run: ``python benchmarks/bench_local.py [--rounds N]``. Prints the median time of one
IssueCertificate + GetCertificate pair through a botocore client answered by the local Private
CA (EC P-256 CA), by moto's ``mock_aws`` (its CAs are always RSA-2048), and, as a floor, the
time cryptography alone needs to build and sign the same kind of certificate. The local CA must
be at least 10x faster than moto.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

REQUIRED_SPEEDUP = 10.0


def _csr_pem() -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "bench.example")]))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("bench.example")]), False)
        .sign(key, hashes.SHA256())
    )
    return csr.public_bytes(serialization.Encoding.PEM)


def _median_ms(run: Callable[[], object], rounds: int, warmup: int = 3) -> float:
    for _ in range(warmup):
        run()
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def bench_local(csr: bytes, rounds: int) -> float:
    """Median ms of issue + get through ``LocalPrivateCA.client()``."""
    from acmpca_issue.local import LocalPrivateCA

    pca = LocalPrivateCA()
    ca = str(pca.create_root_ca())
    client = pca.client()

    def once() -> object:
        arn = client.issue_certificate(
            CertificateAuthorityArn=ca,
            Csr=csr,
            SigningAlgorithm="SHA256WITHECDSA",
            Validity={"Value": 30, "Type": "DAYS"},
        )["CertificateArn"]
        return client.get_certificate(CertificateAuthorityArn=ca, CertificateArn=arn)

    try:
        return _median_ms(once, rounds)
    finally:
        client.close()


def bench_moto(csr: bytes, rounds: int) -> float:
    """Median ms of issue + get through a botocore client inside ``moto.mock_aws``."""
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    import botocore.session
    import moto

    with moto.mock_aws():
        client: Any = botocore.session.get_session().create_client(
            "acm-pca", region_name="us-east-1"
        )
        ca = client.create_certificate_authority(
            CertificateAuthorityConfiguration={
                "KeyAlgorithm": "EC_prime256v1",
                "SigningAlgorithm": "SHA256WITHECDSA",
                "Subject": {"CommonName": "Bench Root"},
            },
            CertificateAuthorityType="ROOT",
        )["CertificateAuthorityArn"]

        def once() -> object:
            arn = client.issue_certificate(
                CertificateAuthorityArn=ca,
                Csr=csr,
                SigningAlgorithm="SHA256WITHECDSA",
                Validity={"Value": 30, "Type": "DAYS"},
            )["CertificateArn"]
            return client.get_certificate(CertificateAuthorityArn=ca, CertificateArn=arn)

        try:
            return _median_ms(once, rounds)
        finally:
            client.close()


def bench_raw(csr_pem: bytes, rounds: int) -> float:
    """Median ms for cryptography alone to read the CSR and sign a leaf (the floor)."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    issuer = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Raw Root")])

    def once() -> object:
        csr = x509.load_pem_x509_csr(csr_pem)
        now = dt.datetime.now(dt.timezone.utc)
        cert = (
            x509.CertificateBuilder()
            .subject_name(csr.subject)
            .issuer_name(issuer)
            .public_key(csr.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(hours=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .sign(ca_key, hashes.SHA256())
        )
        return cert.public_bytes(serialization.Encoding.PEM)

    return _median_ms(once, rounds)


def main(argv: list[str] | None = None) -> int:
    """Run the three measurements, print medians and ratios; 1 if below the required speedup."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200, help="timed pairs per measurement")
    args = parser.parse_args(argv)
    csr = _csr_pem()
    local = bench_local(csr, args.rounds)
    moto_ms = bench_moto(csr, args.rounds)
    raw = bench_raw(csr, args.rounds)
    speedup = moto_ms / local
    print(f"issue + get, median of {args.rounds}:")
    print(f"  local Private CA (in-process client) {local:8.3f} ms")
    print(f"  moto mock_aws                         {moto_ms:8.3f} ms")
    print(f"  cryptography alone (sign, no API)     {raw:8.3f} ms")
    print(f"  local vs moto: {speedup:.1f}x faster (required: {REQUIRED_SPEEDUP:.0f}x)")
    print(f"  local vs cryptography alone: {local / raw:.1f}x the bare signing cost")
    return 0 if speedup >= REQUIRED_SPEEDUP else 1


if __name__ == "__main__":
    raise SystemExit(main())
