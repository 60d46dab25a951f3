"""Helpers for the command's tests: a recording acm-pca server and run results."""

from __future__ import annotations

import http.server
import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
