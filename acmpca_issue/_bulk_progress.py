"""The progress bar of a bulk run: tqdm (``tqdm.auto``: a widget in a notebook, text in a
terminal), imported only when a run shows one.

Example::

    bar = Progress(total=500, enabled=True)
    bar.done(entry)   # once per item
    bar.close()
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from acmpca_issue._bulk_result import BulkEntry

__all__ = ["Progress"]


class Progress:
    """Counts items done, issued and failed, and shows them with the rate.

    Args:
        total: how many items there are, if known.
        enabled: show a bar; tqdm also stays quiet when its output is not a terminal.
    """

    def __init__(self, *, total: int | None, enabled: bool) -> None:
        self.issued = 0
        self.failed = 0
        self._lock = threading.Lock()
        self._bar: Any = None
        if enabled:
            from tqdm.auto import tqdm

            self._bar = tqdm(total=total, unit="cert", desc="issuing", disable=None)

    def done(self, entry: BulkEntry) -> None:
        """One item finished, whichever way."""
        with self._lock:
            if entry.ok:
                self.issued += 1
            else:
                self.failed += 1
            if self._bar is not None:
                self._bar.set_postfix(issued=self.issued, failed=self.failed, refresh=False)
                self._bar.update(1)

    def close(self) -> None:
        """Leave the bar at its final state."""
        with self._lock:
            if self._bar is not None:
                self._bar.close()
                self._bar = None
