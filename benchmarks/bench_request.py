"""Benchmark the request model against the raw botocore path, in one run.

Measures, each as a median:

- ``import acmpca_issue`` (and loading ``IssueCertificateRequest`` from it) in a fresh
  interpreter, next to ``import botocore.session``, both less an empty interpreter's start-up;
- building, validating and serialising one request with an EC P-256 CSR
  (``IssueCertificateRequest(...).to_api()``), next to writing the raw kwargs dict by hand and
  to botocore's own parameter validation of that dict.

Run: ``python benchmarks/bench_request.py [--imports N] [--builds N]``.
"""

from __future__ import annotations

import argparse
import compileall
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import acmpca_issue

CA_ARN = (
    "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/"
    "12345678-1234-1234-1234-123456789012"
)


def _median_seconds(function: Callable[[], object], repeats: int) -> float:
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def _interpreter(code: str) -> Callable[[], object]:
    def run() -> object:
        return subprocess.run([sys.executable, "-c", code], check=True)

    return run


def _csr_pem() -> bytes:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "svc.example.com")]))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("svc.example.com")]), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    return csr.public_bytes(serialization.Encoding.PEM)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print medians and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--imports", type=int, default=7, help="interpreters per import case")
    parser.add_argument("--builds", type=int, default=300, help="repeats per build case")
    options = parser.parse_args(argv)
    # An installed package has its bytecode compiled; an editable one run with
    # PYTHONDONTWRITEBYTECODE set would be compiled again in every interpreter timed here.
    compileall.compile_dir(Path(acmpca_issue.__file__).parent, quiet=1)

    baseline = _median_seconds(_interpreter("pass"), options.imports)
    ours = _median_seconds(_interpreter("import acmpca_issue"), options.imports) - baseline
    ours_model = (
        _median_seconds(
            _interpreter("import acmpca_issue; acmpca_issue.IssueCertificateRequest"),
            options.imports,
        )
        - baseline
    )
    botocore_import = (
        _median_seconds(_interpreter("import botocore.session"), options.imports) - baseline
    )
    print(f"interpreter start-up (subtracted below): {baseline * 1e3:8.1f} ms")
    print(f"import acmpca_issue:                      {ours * 1e3:8.1f} ms")
    print(f"import acmpca_issue + the request model:  {ours_model * 1e3:8.1f} ms")
    print(f"import botocore.session:                  {botocore_import * 1e3:8.1f} ms")
    print(f"  ratio acmpca_issue / botocore.session:  {ours / botocore_import:8.2f}")
    print(f"  ratio with the model / botocore:        {ours_model / botocore_import:8.2f}")

    import botocore.session
    from botocore.validate import ParamValidator

    from acmpca_issue import IssueCertificateRequest, Validity

    pem = _csr_pem()
    session = botocore.session.get_session()
    shape = session.get_service_model("acm-pca").operation_model("IssueCertificate").input_shape
    if shape is None:  # pragma: no cover - the model always has an input shape
        raise SystemExit("botocore's acm-pca model has no IssueCertificate input")

    def raw() -> dict[str, Any]:
        return {
            "CertificateAuthorityArn": CA_ARN,
            "Csr": pem,
            "SigningAlgorithm": "SHA256WITHECDSA",
            "Validity": {"Value": 30, "Type": "DAYS"},
        }

    def raw_validated() -> object:
        report = ParamValidator().validate(raw(), shape)
        if report.has_errors():
            raise SystemExit(report.generate_report())
        return report

    def model() -> object:
        return IssueCertificateRequest(
            certificate_authority_arn=CA_ARN,
            csr=pem,
            signing_algorithm="SHA256WITHECDSA",
            validity=Validity.days(30),
        ).to_api()

    if model() != raw():
        raise SystemExit("the model and the raw dict disagree")
    raw_time = _median_seconds(raw, options.builds)
    validated_time = _median_seconds(raw_validated, options.builds)
    model_time = _median_seconds(model, options.builds)
    print(f"raw kwargs dict:                          {raw_time * 1e6:8.1f} us")
    print(f"raw dict + botocore ParamValidator:       {validated_time * 1e6:8.1f} us")
    print(f"IssueCertificateRequest(...).to_api():    {model_time * 1e6:8.1f} us")
    print(f"  ratio model / raw dict:                 {model_time / raw_time:8.1f}")
    print(f"  ratio model / botocore-validated dict:  {model_time / validated_time:8.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
