"""Fault tests: ``issue-many`` killed with SIGKILL at many points, then resumed, issues each item
exactly once, counted by the local Private CA (with a state_dir) that served every run.

The CA runs in this process, over HTTP; the command runs as ``python -m acmpca_issue`` in a child
process. A kill is either timed (from the start: key generation, the journal, any call) or tied to
the CA's view: right after the CA issued a certificate but before the child hears the ARN (the
answer is lost: the hardest case), or when the child asks for a certificate whose ARN it has
already committed. The CA also throttles bursts: the command asks for more than it allows.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from cryptography import x509

from acmpca_issue.local import LocalPrivateCA
from acmpca_issue.local._http import serve
from tests.bulk.bulk_support import issued_count, key_matches_certificate

ITEMS = 10
CYCLES = 10


class _Killer:
    """Kills the running child when the CA has answered the n-th call of an operation."""

    def __init__(self, pca: LocalPrivateCA) -> None:
        self.pca = pca
        self.child: subprocess.Popen[bytes] | None = None
        self.operation = ""
        self.left = 0
        self.kills: list[str] = []
        self._lock = threading.Lock()

    def arm(self, child: subprocess.Popen[bytes], operation: str, nth: int) -> None:
        with self._lock:
            self.child, self.operation, self.left = child, operation, nth

    def dispatch(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        answer = self.pca.dispatch(operation, params)  # throttled calls raise: not counted
        with self._lock:
            if self.child is not None and operation == self.operation:
                self.left -= 1
                if self.left == 0:
                    os.kill(self.child.pid, signal.SIGKILL)
                    self.kills.append(operation)
                    self.child = None
        return answer


def test_killed_and_resumed_many_times_each_item_is_issued_once(tmp_path: Path) -> None:
    """Ten SIGKILLs at random points, then a clean run: N certificates, each its key's."""
    # Fixed seed: the same kill points on every run of the suite (not for cryptography).
    rng = random.Random(20261202)  # noqa: S311
    state = tmp_path / "pca-state"
    state.mkdir()
    pca = LocalPrivateCA(state_dir=state, rate_limits={"IssueCertificate": 8.0}, issue_delay=0.3)
    root = pca.create_root_ca()
    manifest = tmp_path / "fleet.csv"
    manifest.write_text(
        "id,names,common_name\n"
        + "".join(f"dev{n},dev{n}.fleet.internal,dev{n}\n" for n in range(ITEMS))
    )
    out = tmp_path / "out"
    killer = _Killer(pca)
    with serve(killer.dispatch) as server:
        command = [
            sys.executable,
            "-m",
            "acmpca_issue",
            "issue-many",
            "--endpoint-url",
            server.endpoint_url,
            "--certificate-authority-arn",
            str(root),
            "--manifest",
            str(manifest),
            "--out-dir",
            str(out),
            "--validity",
            "Value=7,Type=DAYS",
            "--rate",
            "30",  # above the CA's 8/s: bursts are throttled
            "--resume",
            "--no-progress",
        ]
        for cycle in range(CYCLES):
            child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            # The first cycle always loses the answer to an issued certificate (the hardest
            # case), so that it happens however fast or slow the machine is; the rest are drawn.
            kind = (
                "IssueCertificate"
                if cycle == 0
                else rng.choice(["IssueCertificate", "GetCertificate", "timer"])
            )
            if kind == "timer":
                delay = rng.uniform(0.3, 2.0)
            else:
                killer.arm(child, kind, rng.randint(1, 3))
                delay = 60.0
            try:
                child.wait(timeout=delay)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
            killer.arm(child, "", 0)
            assert child.stderr is not None
            errors = child.stderr.read().decode()
            child.stderr.close()
            assert "Traceback" not in errors, errors
            assert child.returncode in (0, -signal.SIGKILL), errors
        final = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert final.returncode == 0, final.stderr
    assert killer.kills[0] == "IssueCertificate"  # the lost-answer case happened
    assert issued_count(pca) == ITEMS + 1  # + the root's own certificate
    serials = set()
    for n in range(ITEMS):
        directory = out / f"dev{n}"
        assert key_matches_certificate(directory)
        assert (directory / "key.pem").stat().st_mode & 0o777 == 0o600
        cert = x509.load_pem_x509_certificate((directory / "cert.pem").read_bytes())
        serials.add(cert.serial_number)
    issued = {serial for (_, serial) in pca.engine._certificates} - {
        x509.load_pem_x509_certificate(
            pca.client()
            .get_certificate_authority_certificate(CertificateAuthorityArn=str(root))["Certificate"]
            .encode()
        ).serial_number
    }
    assert serials == issued
    reloaded = LocalPrivateCA(state_dir=state)
    assert issued_count(reloaded) == ITEMS + 1
