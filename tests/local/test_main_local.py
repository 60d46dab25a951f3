"""``python -m acmpca_issue.local``: the standalone local Private CA server."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from acmpca_issue.local.__main__ import main


def test_subprocess_serves_until_terminated(
    tmp_path: Path, endpoint_client: Callable[[str], Any]
) -> None:
    """The first line is the URL, the second the root ARN; SIGTERM stops it cleanly."""
    process = subprocess.Popen(
        [sys.executable, "-m", "acmpca_issue.local", "--port", "0", "--create-root"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        arn = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        client = endpoint_client(url)
        try:
            ca = client.describe_certificate_authority(CertificateAuthorityArn=arn)
        finally:
            client.close()
        assert ca["CertificateAuthority"]["Status"] == "ACTIVE"
        process.terminate()
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:  # pragma: no cover - only when an assertion failed above
            process.kill()
            process.wait()
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def _run_in_thread(argv: list[str]) -> tuple[threading.Thread, threading.Event, list[int]]:
    stop = threading.Event()
    result: list[int] = []
    thread = threading.Thread(target=lambda: result.append(main(argv, stop=stop)))
    thread.start()
    return thread, stop, result


def test_main_in_a_thread_stops_on_the_event(capsys: pytest.CaptureFixture[str]) -> None:
    """Embedded in a thread (no signal handler there): setting ``stop`` ends the server."""
    thread, stop, result = _run_in_thread(["--port", "0"])
    try:
        for _ in range(200):
            if capsys.readouterr().out:
                break
            threading.Event().wait(0.01)
    finally:
        stop.set()
        thread.join(timeout=10)
    assert result == [0]


def test_sigterm_in_the_main_thread(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """From the main thread, SIGTERM sets the stop event and the old handler comes back."""
    before = signal.getsignal(signal.SIGTERM)
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGTERM))
    timer.start()
    try:
        status = main(["--port", "0", "--create-root", "--state-dir", str(tmp_path)])
    finally:
        timer.cancel()
    assert status == 0
    assert signal.getsignal(signal.SIGTERM) == before
    url, arn = capsys.readouterr().out.splitlines()
    assert url.startswith("http://127.0.0.1:")
    assert arn.startswith("arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/")
    assert any(tmp_path.iterdir())


def test_ctrl_c_is_a_clean_exit(capsys: pytest.CaptureFixture[str]) -> None:
    """KeyboardInterrupt while serving closes the server and exits 0."""

    class Interrupting(threading.Event):
        def wait(self, timeout: float | None = None) -> bool:
            raise KeyboardInterrupt

    assert main(["--port", "0"], stop=Interrupting()) == 0
    assert capsys.readouterr().out.startswith("http://127.0.0.1:")


@pytest.mark.parametrize("case", ["state-dir-is-a-file", "port-in-use", "root-refused"])
def test_start_failures_exit_1(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A CA or server that cannot start is one stderr line and exit status 1."""
    args: list[str]
    blocker: Any = None
    if case == "state-dir-is-a-file":
        (tmp_path / "file").write_text("x")
        args = ["--state-dir", str(tmp_path / "file")]
    elif case == "port-in-use":
        blocker = socket.socket()
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        args = ["--port", str(blocker.getsockname()[1])]
    else:
        args = ["--create-root", "--key-algorithm", "SM2"]
    try:
        assert main(args, stop=threading.Event()) == 1
    finally:
        if blocker is not None:
            blocker.close()
    err = capsys.readouterr().err
    assert err.startswith("error: ")
    assert len(err.splitlines()) == 1
