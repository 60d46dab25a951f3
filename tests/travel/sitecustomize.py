"""Moves the wall clock of a Python child process along with the test session's.

``pytest --travel-to DATE`` puts this folder first on ``PYTHONPATH``, so every Python process a
test starts (the command, the AWS CLI, a local CA server) imports this module at start-up and
runs on the same moved clock as the tests: ``ACMPCA_ISSUE_TRAVEL`` holds the destination and the
real time the session's travel began, both in epoch seconds.
"""

from __future__ import annotations

import os
import time

_travel = os.environ.get("ACMPCA_ISSUE_TRAVEL")
if _travel:
    import time_machine

    _destination, _began = (float(part) for part in _travel.split(":"))
    time_machine.travel(_destination + (time.time() - _began), tick=True).start()
