"""Fixtures for the command's tests: a recording acm-pca server, a local Private CA over HTTP,
CSR files, and ways to run the command and the real AWS CLI."""

from __future__ import annotations

import http.server
import io
import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from acmpca_issue._cli import main

RECORDED_CERT_ARN = (
    "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/"
    "12345678-1234-1234-1234-123456789012/certificate/0a1b2c3d4e5f60718293a4b5c6d7e8f9"
)


@dataclass
class Recorded:
    """One request the recording server received."""

    target: str
    body: dict[str, Any]
    authorization: str = ""


@dataclass
class RecordingServer:
    """An acm-pca endpoint on 127.0.0.1 that records each request and answers IssueCertificate."""

    url: str
    requests: list[Recorded] = field(default_factory=list)
    cert_arn: str = RECORDED_CERT_ARN

    def bodies(self, operation: str = "IssueCertificate") -> list[dict[str, Any]]:
        """The JSON bodies of the recorded calls of ``operation``."""
        return [r.body for r in self.requests if r.target == f"ACMPrivateCA.{operation}"]

    def clear(self) -> None:
        """Forget what was recorded."""
        self.requests.clear()


class _Recorder(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _RecorderServer

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        body = json.loads(self.rfile.read(length) or b"{}")
        target = self.headers.get("X-Amz-Target", "")
        authorization = self.headers.get("Authorization", "")
        self.server.recording.requests.append(Recorded(target, body, authorization))
        if target.endswith(".IssueCertificate"):
            status, answer = 200, {"CertificateArn": RECORDED_CERT_ARN}
        else:
            status, answer = 400, {"__type": "InvalidRequestException", "message": "not recorded"}
        payload = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("x-amzn-RequestId", "00000000-0000-0000-0000-000000000000")
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


class _RecorderServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    recording: RecordingServer


@contextmanager
def recording_server_running() -> Iterator[RecordingServer]:
    """Run a recording server on 127.0.0.1 until the block ends."""
    server = _RecorderServer(("127.0.0.1", 0), _Recorder)
    server.recording = RecordingServer(url=f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield server.recording
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


@dataclass
class Result:
    """What a run of the command gave."""

    status: int
    out: str
    err: str

    def json(self) -> Any:
        """stdout as JSON."""
        return json.loads(self.out)


def subprocess_env(tmp_path: Path) -> dict[str, str]:
    """An environment for a child process with fake credentials and no shared AWS config."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE=str(tmp_path / "aws-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "aws-credentials"),
        AWS_EC2_METADATA_DISABLED="true",
        PYTHONWARNINGS="ignore",
    )
    return env


@dataclass
class LocalCa:
    """A local Private CA served over HTTP, with one ACTIVE EC root CA."""

    pca: Any
    endpoint_url: str
    ca_arn: str


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


@pytest.fixture(scope="session")
def child_env() -> Callable[[Path], dict[str, str]]:
    """Makes the environment of a child process: fake credentials, no shared AWS config."""
    return subprocess_env


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
