"""The demo: a certificate issued end to end from the local Private CA, files written."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from acmpca_issue._demo import run_demo


def test_demo_prints_the_arn_parts_and_writes_the_files(tmp_path: Path) -> None:
    """Output names the ARN parts and the summary; the files parse; key.pem is 0600."""
    out = io.StringIO()
    assert run_demo(tmp_path / "certs", stdout=out) == 0
    text = out.getvalue()
    for label in ("partition:", "region:", "account:", "CA id:", "serial:", "Subject:", "SANs:"):
        assert label in text
    assert "CN=demo.internal" in text
    assert "DNS:www.demo.internal" in text
    assert "SHA-256:" in text
    assert str(tmp_path / "certs") in text
    certificate = x509.load_pem_x509_certificate((tmp_path / "certs" / "cert.pem").read_bytes())
    key = load_pem_private_key((tmp_path / "certs" / "key.pem").read_bytes(), None)
    assert certificate.public_key() == key.public_key()
    serial = re.search(r"serial:\s+([0-9a-f:]+)", text)
    assert serial is not None
    assert int(serial.group(1).replace(":", ""), 16) == certificate.serial_number
    assert (tmp_path / "certs" / "key.pem").stat().st_mode & 0o777 == 0o600
    chain = x509.load_pem_x509_certificates((tmp_path / "certs" / "fullchain.pem").read_bytes())
    assert len(chain) == 2
    assert "PRIVATE KEY" not in text


def test_demo_refuses_to_overwrite(tmp_path: Path) -> None:
    """Running twice into the same directory fails instead of replacing the files."""
    run_demo(tmp_path, stdout=io.StringIO())
    with pytest.raises(FileExistsError):
        run_demo(tmp_path, stdout=io.StringIO())


def test_demo_default_directory_is_new_and_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without a directory it makes a new temporary one and says which."""
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    assert run_demo() == 0
    made = list(tmp_path.glob("acmpca-issue-demo-*"))
    assert len(made) == 1
    assert str(made[0]) in capsys.readouterr().out
    assert (made[0] / "key.pem").exists()


def test_python_m_acmpca_issue_demo(tmp_path: Path) -> None:
    """The README's first command works as a subprocess."""
    result = subprocess.run(
        [sys.executable, "-m", "acmpca_issue", "demo", "--out-dir", str(tmp_path / "d")],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "certificate/" in result.stdout
    assert (tmp_path / "d" / "fullchain.pem").exists()


def test_demo_that_fails_leaves_no_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When issuing fails, no empty temporary directory is left behind unnamed."""
    import tempfile

    from acmpca_issue._issuer import Issuer
    from acmpca_issue.exceptions import RequestFailedError

    def fail(self: Issuer, **_: object) -> None:
        raise RequestFailedError("failed")

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(tempfile, "tempdir", None)
    monkeypatch.setattr(Issuer, "issue_certificate", fail)
    with pytest.raises(RequestFailedError):
        run_demo(stdout=io.StringIO())
    assert list(tmp_path.glob("acmpca-issue-demo-*")) == []
