"""The AWS CLI (awscli from PyPI) issues a certificate end to end against ``pca.serve()``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from cryptography import x509

from acmpca_issue.local import LocalPrivateCA


def aws(endpoint_url: str, home: Path, *args: str) -> str:
    """Run ``python -m awscli`` from this venv against ``endpoint_url``; return stdout."""
    config = home / "config"
    credentials = home / "credentials"
    config.touch()
    credentials.touch()
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_CONFIG_FILE": str(config),
        "AWS_SHARED_CREDENTIALS_FILE": str(credentials),
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_PAGER": "",
    }
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "awscli",
            "--endpoint-url",
            endpoint_url,
            "--region",
            "us-east-1",
            *args,
        ],
        env=env,
        cwd=home,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return completed.stdout


def test_aws_cli_issues_and_gets_a_certificate(
    tmp_path: Path, csr: x509.CertificateSigningRequest, csr_pem: bytes
) -> None:
    """issue-certificate with fileb:// and shorthand validity, then get-certificate as text."""
    pca = LocalPrivateCA()
    ca_arn = str(pca.create_root_ca(common_name="CLI Root"))
    (tmp_path / "csr.pem").write_bytes(csr_pem)
    with pca.serve() as server:
        issued = aws(
            server.endpoint_url,
            tmp_path,
            "acm-pca",
            "issue-certificate",
            "--certificate-authority-arn",
            ca_arn,
            "--csr",
            "fileb://csr.pem",
            "--signing-algorithm",
            "SHA256WITHECDSA",
            "--validity",
            "Value=30,Type=DAYS",
            "--output",
            "json",
        )
        certificate_arn = json.loads(issued)["CertificateArn"]
        assert certificate_arn.startswith(ca_arn + "/certificate/")
        pem = aws(
            server.endpoint_url,
            tmp_path,
            "acm-pca",
            "get-certificate",
            "--certificate-authority-arn",
            ca_arn,
            "--certificate-arn",
            certificate_arn,
            "--query",
            "Certificate",
            "--output",
            "text",
        )
    certificate = x509.load_pem_x509_certificate(pem.encode())
    assert certificate.public_key() == csr.public_key()
    assert format(certificate.serial_number, "x") == certificate_arn.rpartition("/")[2]
    lifetime = certificate.not_valid_after_utc - certificate.not_valid_before_utc
    assert 30 <= lifetime.days <= 31
