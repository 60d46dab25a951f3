"""What :func:`~acmpca_issue.bulk.issue_many` returns: one entry per item, and a summary.

Example::

    result = issue_many(issuer, items)
    print(result)                      # the summary, a few lines
    for entry in result.failed():
        print(entry.id, entry.error)
    result["device-0042"].certificate  # by item id

Nothing here holds key material: entries carry certificates (public) and errors.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

import attrs

from acmpca_issue._display import Panel, Row, html_panel, pretty, text_panel

if TYPE_CHECKING:
    from acmpca_issue._arn import CertificateArn
    from acmpca_issue._issued import IssuedCertificate
    from acmpca_issue.exceptions import AcmPcaIssueError

__all__ = ["BulkEntry", "BulkResult", "BulkSummary", "Status"]

Status = Literal["issued", "skipped", "failed", "unknown", "not_started"]
"""What happened to an item in this run.

- ``issued``: issued (or fetched) in this run;
- ``skipped``: issued in an earlier run of the same journal; its certificate is given back;
- ``failed``: ``error`` says why (a failure stored by an earlier run is reported again);
- ``unknown``: sent without an answer, past the 5-minute idempotency window: it *may* have
  been issued (``error`` is an :class:`~acmpca_issue.exceptions.IssuanceUnknownError`);
- ``not_started``: the run stopped before this item (``error`` says why).
"""


def _error_code(error: AcmPcaIssueError | None) -> str:
    if error is None:
        return ""
    code = getattr(error, "code", "")
    return str(code) if code else type(error).__name__


@attrs.frozen
class BulkEntry:
    """One item of a bulk run.

    Attributes:
        id: the item's id.
        status: see :data:`Status`.
        error: why it was not issued, a library error (``failed``, ``unknown``,
            ``not_started``).
        arn: the certificate ARN, whenever one is known (also for a failure after issuing).
        certificate_pem: the certificate as PEM text (``issued`` and ``skipped``).
        chain_pem: its chain as PEM text, the issuer first.
    """

    id: str
    status: Status
    error: AcmPcaIssueError | None = None
    arn: CertificateArn | None = None
    certificate_pem: str | None = attrs.field(default=None, repr=False)
    chain_pem: str | None = attrs.field(default=None, repr=False)

    @property
    def certificate(self) -> IssuedCertificate | None:
        """The :class:`~acmpca_issue.IssuedCertificate`, parsed when asked for (an entry keeps
        only its PEM text, so a result of many thousands of entries stays small)."""
        if self.certificate_pem is None or self.arn is None:
            return None
        from acmpca_issue._issued import IssuedCertificate

        return IssuedCertificate.from_pem(self.arn, self.certificate_pem, self.chain_pem)

    @property
    def ok(self) -> bool:
        """Whether the item has its certificate (issued now or in an earlier run)."""
        return self.status in ("issued", "skipped")

    @property
    def error_code(self) -> str:
        """The service's error code, or the error's class name; empty when there is none."""
        return _error_code(self.error)

    def __repr__(self) -> str:
        parts = [f"id={self.id!r}", f"status={self.status!r}"]
        if self.arn is not None:
            parts.append(f"arn={str(self.arn)!r}")
        if self.error is not None:
            parts.append(f"error={self.error_code}")
        return f"<BulkEntry {' '.join(parts)}>"


@attrs.frozen
class BulkSummary:
    """The counts of a bulk run.

    Attributes:
        total: items.
        issued: issued in this run.
        skipped: issued by an earlier run of the same journal.
        failed: failures by error code.
        unknown: items that may have been issued (sent unanswered, window passed).
        not_started: items left when the run stopped.
        elapsed: seconds the run took.
        throttled: calls the service answered with ThrottlingException.
        stopped: why the run stopped early, or None.
    """

    total: int
    issued: int
    skipped: int
    failed: Mapping[str, int]
    unknown: int
    not_started: int
    elapsed: float
    throttled: int = 0
    stopped: str | None = None

    @property
    def rate(self) -> float:
        """Certificates issued per second in this run."""
        return self.issued / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def failed_total(self) -> int:
        """How many items failed, over every code."""
        return sum(self.failed.values())

    def lines(self) -> list[str]:
        """The summary as short lines of text."""
        lines = [
            f"{self.total} items: {self.issued} issued, {self.skipped} already issued, "
            f"{self.failed_total} failed, {self.unknown} may have been issued, "
            f"{self.not_started} not started",
            f"{self.rate:.1f} certificates/s over {self.elapsed:.1f} s; "
            f"{self.throttled} calls throttled",
        ]
        lines.extend(f"failed {code}: {count}" for code, count in sorted(self.failed.items()))
        if self.stopped:
            lines.append(f"stopped: {self.stopped}")
        return lines


class BulkResult(Sequence[BulkEntry]):
    """The entries of a bulk run, in the order of the items, and their :class:`BulkSummary`.

    A sequence of :class:`BulkEntry`; ``result["id"]`` finds an entry by item id.
    """

    __slots__ = ("_by_id", "entries", "summary")

    def __init__(self, entries: Sequence[BulkEntry], summary: BulkSummary) -> None:
        self.entries = tuple(entries)
        self.summary = summary
        self._by_id: dict[str, int] | None = None

    @classmethod
    def collect(
        cls,
        entries: Sequence[BulkEntry],
        *,
        elapsed: float,
        throttled: int = 0,
        stopped: str | None = None,
    ) -> BulkResult:
        """Count ``entries`` into a result."""
        counts = Counter(entry.status for entry in entries)
        failed = Counter(entry.error_code for entry in entries if entry.status == "failed")
        summary = BulkSummary(
            total=len(entries),
            issued=counts["issued"],
            skipped=counts["skipped"],
            failed=dict(failed),
            unknown=counts["unknown"],
            not_started=counts["not_started"],
            elapsed=elapsed,
            throttled=throttled,
            stopped=stopped,
        )
        return cls(entries, summary)

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[BulkEntry]:
        return iter(self.entries)

    def __getitem__(self, key: int | str | slice) -> BulkEntry:  # type: ignore[override]
        if isinstance(key, str):
            if self._by_id is None:
                self._by_id = {entry.id: index for index, entry in enumerate(self.entries)}
            index = self._by_id.get(key)
            if index is None:
                raise KeyError(key)
            return self.entries[index]
        if isinstance(key, slice):
            raise TypeError("a BulkResult is indexed by position or item id, not by a slice")
        return self.entries[key]

    @property
    def ok(self) -> bool:
        """Whether every item has its certificate."""
        return all(entry.ok for entry in self.entries)

    def failed(self) -> list[BulkEntry]:
        """The entries without a certificate (failed, unknown, not started)."""
        return [entry for entry in self.entries if not entry.ok]

    def __repr__(self) -> str:
        s = self.summary
        return (
            f"<BulkResult {s.total} items: issued={s.issued} skipped={s.skipped} "
            f"failed={s.failed_total} unknown={s.unknown} not_started={s.not_started} "
            f"rate={s.rate:.1f}/s>"
        )

    def __str__(self) -> str:
        return "\n".join(self.summary.lines())

    def _panel(self) -> Panel:
        s = self.summary
        rows = [
            Row("Items", str(s.total)),
            Row("Issued", str(s.issued)),
            Row("Already issued", str(s.skipped)),
            Row("Failed", str(s.failed_total)),
            Row("May have been issued", str(s.unknown)),
            Row("Not started", str(s.not_started)),
            Row("Rate", f"{s.rate:.1f} certificates/s over {s.elapsed:.1f} s"),
            Row("Throttled calls", str(s.throttled)),
        ]
        rows.extend(Row(f"Failed: {code}", str(count)) for code, count in sorted(s.failed.items()))
        if s.stopped:
            rows.append(Row("Stopped", s.stopped))
        without = self.failed()
        table: list[tuple[str, str, str]] = [
            (entry.id, entry.status, " ".join(str(entry.error).split()))
            for entry in without[:_SHOWN_FAILURES]
        ]
        if len(without) > _SHOWN_FAILURES:
            table.append(("...", f"and {len(without) - _SHOWN_FAILURES} more", ""))
        return Panel(
            "Bulk issuance",
            rows,
            "acmpca-bulk-result",
            table_header=("Item", "Status", "Error") if table else (),
            table=table,
        )

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        pretty(printer, text_panel(self._panel()))

    def _repr_html_(self) -> str:
        return html_panel(self._panel())


#: How many items without a certificate the notebook views list.
_SHOWN_FAILURES = 20
