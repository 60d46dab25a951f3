"""The tests and the Python processes they start read one wall clock, moved or not.

CI runs the suite with ``--travel-to DATE`` (see tests/conftest.py); a child process that kept the
real clock would judge validity periods by another date than the test that started it.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest


def test_a_child_process_reads_the_same_wall_clock(pytestconfig: pytest.Config) -> None:
    """A fresh interpreter's ``datetime.now`` lies between the test's before and after."""
    code = "from datetime import datetime, timezone; print(datetime.now(timezone.utc).isoformat())"
    before = datetime.now(timezone.utc)
    child = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    after = datetime.now(timezone.utc)
    seen = datetime.fromisoformat(child.stdout.strip())
    assert before - timedelta(seconds=1) <= seen <= after + timedelta(seconds=1)
    destination = pytestconfig.getoption("--travel-to")
    if destination:
        assert seen.date() >= datetime.fromisoformat(destination).date()
