"""Fixtures for the command's tests: a recording acm-pca server, a local Private CA over HTTP,
CSR files, and ways to run the real AWS CLI."""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cli_support import (
    LocalCa,
    RecordingServer,
    Result,
    recording_server_running,
    subprocess_env,
)

from acmpca_issue._cli import main


@pytest.fixture(scope="session")
def recording_server() -> Iterator[RecordingServer]:
    """A recording acm-pca server on 127.0.0.1 (cleared by ``recorder``)."""
    with recording_server_running() as server:
        yield server


@pytest.fixture
def recorder(recording_server: RecordingServer) -> RecordingServer:
    """The recording server, emptied for this test."""
    recording_server.clear()
    return recording_server


@pytest.fixture
def csr_file(tmp_path: Path, csr_pem: bytes) -> Path:
    """The session CSR as a canonical PEM file."""
    path = tmp_path / "csr.pem"
    path.write_bytes(csr_pem)
    return path


@pytest.fixture(scope="session")
def local_ca() -> Iterator[LocalCa]:
    """A local Private CA on 127.0.0.1 with an ACTIVE EC P-256 root CA."""
    from acmpca_issue.local import LocalPrivateCA

    pca = LocalPrivateCA()
    arn = pca.create_root_ca()
    with pca.serve() as server:
        yield LocalCa(pca=pca, endpoint_url=server.endpoint_url, ca_arn=str(arn))


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Any:
    """Run ``main(argv)`` in-process, optionally with bytes on standard input."""

    def _run(*argv: str, stdin: bytes = b"") -> Result:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
        capsys.readouterr()
        status = main(list(argv))
        captured = capsys.readouterr()
        return Result(status, captured.out, captured.err)

    return _run


@pytest.fixture
def aws_cli(tmp_path: Path) -> Any:
    """Run the real AWS CLI (``python -m awscli``) as a child process."""

    def _aws(*argv: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "awscli", *argv],
            capture_output=True,
            text=True,
            env=subprocess_env(tmp_path),
            cwd=cwd or tmp_path,
            timeout=120,
            check=False,
        )

    return _aws
