"""issue_many: many certificates at the service's quota, each issued once, resumable.

Example::

    from acmpca_issue.bulk import issue_many

    result = issue_many(issuer, [(device.id, device.request) for device in fleet],
                        journal="fleet.sqlite3")
    print(result)

How one item goes (the journal rows are described in :mod:`acmpca_issue._bulk_journal`):

1. its row is read; a finished item is given back without a call, an issued one is only
   fetched, an unanswered one is sent again with the same token while the service's 5-minute
   window holds (and reported as "may have been issued" after it, unless
   ``resend_expired=True``);
2. ``sent`` is committed, then ``Issuer.issue(request, wait=False)``; the ARN is committed
   before waiting;
3. ``Issuer.get_certificate``, then ``IssuedCertificate.verify(request=...)``; the certificate
   is committed.

Pacing: on a botocore client every IssueCertificate and GetCertificate *attempt*, the
Issuer's own retries included, waits for its bucket (botocore's ``before-parameter-build``
event), and every ThrottlingException answer slows the bucket (``after-call``), so the
Issuer's retries never outrun the pace. Other clients are paced once per item.
"""

from __future__ import annotations

import concurrent.futures
import itertools
import math
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import attrs

from acmpca_issue._arn import CertificateArn, CertificateAuthorityArn
from acmpca_issue._bulk_journal import Journal, JournalRow
from acmpca_issue._bulk_rate import DEFAULT_RATES, RateLimits, Scope, TokenBucket
from acmpca_issue._bulk_result import BulkEntry, BulkResult
from acmpca_issue._request import IssueCertificateRequest
from acmpca_issue._token import derive_idempotency_token
from acmpca_issue.exceptions import (
    AcmPcaIssueError,
    InvalidArgsError,
    InvalidRequestError,
    IssuanceUnknownError,
    JournalMismatchError,
    LimitExceededError,
    MalformedCsrError,
    RequestFailedError,
    ResourceNotFoundError,
    ServiceError,
    ThrottlingError,
    ValidationError,
    VerificationError,
    service_error_class,
)

if TYPE_CHECKING:
    from acmpca_issue._bulk_progress import Progress
    from acmpca_issue._issuer import Issuer

__all__ = ["IDEMPOTENCY_WINDOW", "RESEND_MARGIN", "issue_many"]

#: How long the service deduplicates on an idempotency token.
IDEMPOTENCY_WINDOW = timedelta(minutes=5)
#: An unanswered item is sent again only this long before the window closes: room for the
#: resend's own pacing and retries to land inside it.
RESEND_MARGIN = timedelta(seconds=60)
#: Seconds after issuing during which ResourceNotFound from GetCertificate means "not yet".
_NOT_FOUND_GRACE = 5.0
#: Refusals of the request itself: sending it again cannot succeed.
_TERMINAL = (InvalidArgsError, MalformedCsrError, ValidationError)

Item = IssueCertificateRequest | tuple[str, IssueCertificateRequest]


def _limits(rate: float | RateLimits | None) -> RateLimits:
    if rate is None:
        return RateLimits()
    if isinstance(rate, RateLimits):
        return rate
    given: object = rate
    unpaced = isinstance(given, (int, float)) and math.isinf(given)
    return RateLimits(issue=rate, get=math.inf if unpaced else DEFAULT_RATES["GetCertificate"])


def _code(error: AcmPcaIssueError) -> str:
    code = getattr(error, "code", "")
    return str(code) if code else type(error).__name__


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())


def _stored_error(row: JournalRow) -> AcmPcaIssueError:
    """The error of a terminal failure an earlier run recorded."""
    code = row.error_code or "VerificationError"
    message = f"{row.error_message or code} (recorded by an earlier run)"
    error: AcmPcaIssueError = (
        VerificationError(message)
        if code == "VerificationError"
        else service_error_class(code)(message, code=code)
    )
    if row.arn is not None:
        error.certificate_arn = CertificateArn.parse(row.arn)
    return error


#: The row of an item when there is no journal.
_FRESH = JournalRow(id="", digest="", token="", state="pending")


class _NoJournal:
    """Stands in for a journal when there is none: remembers nothing."""

    def now(self) -> Any:  # pragma: no cover - never asked: without a journal nothing resends
        raise NotImplementedError

    def open(self, certificate_authority_arn: str) -> None:
        """Nothing to open."""

    def close(self) -> None:
        """Nothing to close."""

    def mark_sent(self, item_id: str, *, keep_time: bool) -> None:
        """Nothing to record."""

    def mark_pending(self, item_id: str, code: str, message: str) -> None:
        """Nothing to record."""

    def note_error(self, item_id: str, code: str, message: str) -> None:
        """Nothing to record."""

    def mark_issued(self, item_id: str, arn: str) -> None:
        """Nothing to record."""

    def mark_done(self, item_id: str, certificate: str, chain: str) -> None:
        """Nothing to record."""

    def mark_failed(self, item_id: str, code: str, message: str) -> None:
        """Nothing to record."""


class _Pacer:
    """Puts every IssueCertificate and GetCertificate attempt through its bucket."""

    def __init__(self, client: Any, limits: RateLimits) -> None:
        self.limits = limits
        self._scopes: dict[str, Scope] = {}
        self.unanswered: set[str] = set()
        self._lock = threading.Lock()
        events = getattr(getattr(client, "meta", None), "events", None)
        self._events = events
        self._handlers: list[tuple[str, Callable[..., None], str]] = []
        if events is not None:
            tag = f"acmpca-issue-bulk-{id(self)}"
            for operation in ("IssueCertificate", "GetCertificate"):
                self._on(f"before-parameter-build.acm-pca.{operation}", self._before, tag)
                self._on(f"after-call.acm-pca.{operation}", self._after, tag)
            self._on("after-call-error.acm-pca.IssueCertificate", self._lost, tag)

    @property
    def per_attempt(self) -> bool:
        """Whether each attempt is paced (a botocore client), rather than each item."""
        return self._events is not None

    def _on(self, event: str, handler: Callable[..., None], tag: str) -> None:
        unique = f"{tag}-{event}"
        assert self._events is not None  # noqa: S101 - only called with events
        self._events.register(event, handler, unique_id=unique)
        self._handlers.append((event, handler, unique))

    def close(self) -> None:
        """Remove the event handlers from the client."""
        for event, handler, unique in self._handlers:
            assert self._events is not None  # noqa: S101 - only registered with events
            self._events.unregister(event, handler, unique_id=unique)
        self._handlers.clear()

    def scope(self, ca_arn: str) -> Scope:
        """(partition, account, region) of a CA ARN, cached."""
        found = self._scopes.get(ca_arn)
        if found is None:
            arn = CertificateAuthorityArn.parse(ca_arn)
            found = self._scopes[ca_arn] = (arn.partition, arn.account, arn.region)
        return found

    def bucket(self, operation: str, ca_arn: str) -> TokenBucket:
        return self.limits.bucket(operation, self.scope(ca_arn))

    # botocore event handlers --------------------------------------------------------------

    def _before(self, params: Any, model: Any, context: Any, **_: Any) -> None:
        bucket = self.bucket(model.name, str(params.get("CertificateAuthorityArn", "")))
        context["acmpca_bulk_bucket"] = bucket
        context["acmpca_bulk_token"] = params.get("IdempotencyToken")
        context["acmpca_bulk_ticket"] = bucket.acquire()

    def _after(self, http_response: Any, parsed: Any, context: Any, **_: Any) -> None:
        bucket: TokenBucket | None = context.get("acmpca_bulk_bucket")
        if bucket is None:  # pragma: no cover - a call the before-handler did not see
            return
        code = (parsed or {}).get("Error", {}).get("Code")
        if code == "ThrottlingException":
            bucket.throttled_call(context.get("acmpca_bulk_ticket"))
        elif getattr(http_response, "status_code", 500) < 300:
            bucket.succeeded()

    def _lost(self, context: Any, **_: Any) -> None:
        with self._lock:
            self.unanswered.add(str(context.get("acmpca_bulk_token")))

    def was_unanswered(self, token: str) -> bool:
        """Whether an attempt with ``token`` got no answer (so it may have been issued)."""
        with self._lock:
            return token in self.unanswered


@attrs.frozen
class _Options:
    resend_expired: bool


class _Run:
    def __init__(
        self,
        issuer: Issuer,
        journal: Journal | _NoJournal,
        pacer: _Pacer,
        options: _Options,
        progress: Progress | None,
    ) -> None:
        self.issuer = issuer
        self.journal = journal
        self.pacer = pacer
        self.options = options
        self.progress = progress
        self.stopped: str | None = None
        self.ca: str | None = None
        self._chains: dict[str, str] = {}

    def shared(self, chain: str) -> str:
        """One copy of each chain's text for all the entries that have it."""
        return self._chains.setdefault(chain, chain)

    # One item ----------------------------------------------------------------------------------

    def item(self, item_id: str, request: IssueCertificateRequest) -> BulkEntry:
        if self.stopped is not None:
            return BulkEntry(item_id, "not_started", error=_Stopped(self.stopped))
        ca = str(request.certificate_authority_arn)
        if self.ca is not None and ca != self.ca:
            return self._journal_mismatch(
                item_id, f"item {item_id!r} is for the CA {ca}, but the journal is for {self.ca}"
            )
        if isinstance(self.journal, _NoJournal):
            # Nothing to resume: the Issuer derives the token itself.
            return self._send(item_id, request, _FRESH, resend=False)
        digest = derive_idempotency_token(request.to_api())
        row = self.journal.get(item_id)
        if row is not None and row.digest != digest:
            if row.state == "pending" or (row.state == "failed" and row.arn is None):
                row = None  # nothing was issued for the old request: start the new one
            else:
                return self._journal_mismatch(
                    item_id,
                    f"item {item_id!r} was {row.state} by an earlier run with a different "
                    "request; give the new request another id, or use another journal",
                )
        if row is None:
            token = request.idempotency_token or digest
            row = self.journal.add(item_id, digest, token)
        if row.state == "done":
            assert row.arn is not None  # noqa: S101
            return BulkEntry(
                item_id,
                "skipped",
                arn=CertificateArn.parse(row.arn),
                certificate_pem=row.certificate,
                chain_pem=self.shared(row.chain or ""),
            )
        if row.state == "failed":
            error = _stored_error(row)
            return BulkEntry(item_id, "failed", error=error, arn=error.certificate_arn)
        if request.idempotency_token != row.token and (
            request.idempotency_token is not None or row.token != digest
        ):
            request = attrs.evolve(request, idempotency_token=row.token)
        if row.state == "issued":
            assert row.arn is not None  # noqa: S101
            return self._fetch(item_id, request, CertificateArn.parse(row.arn), issued_at=None)
        resend = row.state == "sent"
        if resend and not self.options.resend_expired and not self._window_holds(row):
            return BulkEntry(
                item_id,
                "unknown",
                error=IssuanceUnknownError(
                    f"item {item_id!r}: IssueCertificate was sent at "
                    f"{row.sent_at.isoformat() if row.sent_at else 'an unknown time'} and not "
                    "answered, and the 5-minute idempotency window has passed: it may have "
                    "been issued. Check the CA's audit report, or send it again with "
                    "resend_expired=True (--resend-expired) if a second certificate is "
                    f"acceptable (idempotency token {row.token})",
                    idempotency_token=row.token,
                ),
            )
        return self._send(item_id, request, row, resend=resend)

    def _window_holds(self, row: JournalRow) -> bool:
        if row.sent_at is None:  # pragma: no cover - a sent row always has its time
            return False
        return self.journal.now() - row.sent_at < IDEMPOTENCY_WINDOW - RESEND_MARGIN

    def _journal_mismatch(self, item_id: str, message: str) -> BulkEntry:
        path = str(getattr(self.journal, "path", ""))
        return BulkEntry(item_id, "failed", error=JournalMismatchError(message, path=path))

    def _send(
        self, item_id: str, request: IssueCertificateRequest, row: JournalRow, *, resend: bool
    ) -> BulkEntry:
        # An expired unanswered item sent again on the caller's word starts a new window.
        expired = resend and not self._window_holds(row)
        self.journal.mark_sent(item_id, keep_time=resend and not expired)
        bucket = self._item_bucket("IssueCertificate", ca(request))
        ticket = None if bucket is None else bucket.acquire()
        started = self.pacer.limits.clock()
        try:
            arn = self.issuer.issue(request, wait=False)
        except AcmPcaIssueError as error:
            if bucket is not None and isinstance(error, ThrottlingError):
                bucket.throttled_call(ticket)
            self._refused(item_id, row, error, resend=resend and not expired)
            return BulkEntry(item_id, "failed", error=error)
        if bucket is not None:
            bucket.succeeded()
        self.journal.mark_issued(item_id, str(arn))
        return self._fetch(item_id, request, arn, issued_at=started)

    def _item_bucket(self, operation: str, ca_arn: str) -> TokenBucket | None:
        """The bucket to pace this item's call with, when attempts are not paced one by one."""
        return None if self.pacer.per_attempt else self.pacer.bucket(operation, ca_arn)

    def _refused(
        self, item_id: str, row: JournalRow, error: AcmPcaIssueError, *, resend: bool
    ) -> None:
        code, message = _code(error), _one_line(error)
        if isinstance(error, LimitExceededError):
            self.stopped = f"{code} on item {item_id!r}: {message}"
        if isinstance(error, (*_TERMINAL, VerificationError)):
            self.journal.mark_failed(item_id, code, message)
            return
        if isinstance(error, InvalidRequestError):
            maybe_issued = resend  # the preflight refused: nothing was sent this time
        elif isinstance(error, ServiceError):
            # Answered; but an earlier attempt of the Issuer's retries, or of an earlier
            # run, may have gone through unanswered. Unknown for clients without events.
            maybe_issued = (
                resend or not self.pacer.per_attempt or self.pacer.was_unanswered(row.token)
            )
        else:
            maybe_issued = True  # no answer
        if maybe_issued:
            self.journal.note_error(item_id, code, message)
        else:
            self.journal.mark_pending(item_id, code, message)

    def _fetch(
        self,
        item_id: str,
        request: IssueCertificateRequest,
        arn: CertificateArn,
        *,
        issued_at: float | None,
    ) -> BulkEntry:
        clock, sleep = self.pacer.limits.clock, self.pacer.limits.sleep
        while True:
            bucket = self._item_bucket("GetCertificate", str(arn.certificate_authority_arn))
            if bucket is not None:
                bucket.acquire()
            try:
                # verify(request=...) checks all that get_certificate's own check does, and more.
                issued = self.issuer.get_certificate(arn, verify=False)
                issued.verify(request=request)
            except ResourceNotFoundError as error:
                if issued_at is not None and clock() - issued_at < _NOT_FOUND_GRACE:
                    sleep(0.5)
                    continue
                return self._fetch_failed(item_id, arn, error)
            except AcmPcaIssueError as error:
                # (The Issuer waits out throttled GetCertificate calls itself.)
                return self._fetch_failed(item_id, arn, error)
            break
        certificate_pem, chain_pem = issued.certificate_pem, self.shared(issued.chain_pem)
        self.journal.mark_done(item_id, certificate_pem, chain_pem)
        return BulkEntry(
            item_id, "issued", arn=arn, certificate_pem=certificate_pem, chain_pem=chain_pem
        )

    def _fetch_failed(
        self, item_id: str, arn: CertificateArn, error: AcmPcaIssueError
    ) -> BulkEntry:
        error.certificate_arn = arn
        if isinstance(error, (RequestFailedError, VerificationError)):
            self.journal.mark_failed(item_id, _code(error), _one_line(error))
        else:
            self.journal.note_error(item_id, _code(error), _one_line(error))
        return BulkEntry(item_id, "failed", error=error, arn=arn)


def ca(request: IssueCertificateRequest) -> str:
    """The request's CA ARN as text."""
    return str(request.certificate_authority_arn)


class _Stopped(AcmPcaIssueError):
    """Why an item was not started: the run stopped on an earlier item's error."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"not started: the run stopped ({reason})")


def _pairs(items: Iterable[object]) -> Iterator[tuple[str, IssueCertificateRequest | None, str]]:
    """(id, request or None, why not) for each item, ids defaulting to the position."""
    for index, item in enumerate(items):
        if isinstance(item, IssueCertificateRequest):
            yield str(index), item, ""
            continue
        if isinstance(item, tuple) and len(item) == 2:
            item_id, request = item
            if not isinstance(item_id, str) or not item_id:
                why = f"item {index}: the id must be a non-empty str, got {item_id!r}"
                yield str(index), None, why
                continue
            if not isinstance(request, IssueCertificateRequest):
                yield (
                    item_id,
                    None,
                    f"item {item_id!r}: expected an IssueCertificateRequest, got "
                    f"{type(request).__name__}",
                )
                continue
            yield item_id, request, ""
            continue
        yield (
            str(index),
            None,
            f"item {index}: expected an IssueCertificateRequest or an (id, request) pair, got "
            f"{type(item).__name__}",
        )


def issue_many(
    issuer: Issuer,
    items: Iterable[Item],
    *,
    journal: str | os.PathLike[str] | Journal | None = None,
    rate: float | RateLimits | None = None,
    max_in_flight: int = 64,
    progress: bool = True,
    resend_expired: bool = False,
) -> BulkResult:
    """Issue a certificate for each item, paced to the service's quota, each exactly once.

    It never raises for one item: each entry of the result holds its certificate or its error.

    Args:
        issuer: the :class:`~acmpca_issue.Issuer` to issue with (its preflight, retries,
            waiter and verification apply to every item).
        items: :class:`~acmpca_issue.IssueCertificateRequest` objects (their ids are their
            positions, ``"0"``, ``"1"``, ...) or ``(id, request)`` pairs; any iterable, read
            as the run goes. Give stable ids when using a journal.
        journal: a :class:`~acmpca_issue.bulk.Journal` or the path of its SQLite file. Run
            again with the same journal after a crash: finished items are given back without
            a call, issued ones are fetched, unanswered ones resent with the same token.
            ``None``: no journal (nothing survives the process).
        rate: IssueCertificate calls per second per (partition, account, region) (default:
            the service's default quota, 25; GetCertificate at its own 75), ``math.inf`` for
            no pacing, or a :class:`~acmpca_issue.bulk.RateLimits`.
        max_in_flight: items worked on at once (threads); at 25/s and about 2 s per item,
            50 keep the quota busy.
        progress: show a tqdm progress bar (in a terminal or a notebook).
        resend_expired: send again items sent by an earlier run without an answer and past
            the 5-minute idempotency window, accepting that a second certificate may be
            issued; by default they are reported as ``unknown``.

    Returns:
        A :class:`~acmpca_issue.bulk.BulkResult`: one entry per item, in order, and a summary.

    Raises:
        JournalError: the journal is in use by another process, is another CA's, or is
            damaged; nothing was sent.
        InvalidRequestError: a bad ``rate`` or ``max_in_flight``.
    """
    workers: object = max_in_flight
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise InvalidRequestError(
            f"must be a positive int, got {max_in_flight!r}", path="max_in_flight"
        )
    limits = _limits(rate)
    book: Journal | _NoJournal = (
        _NoJournal()
        if journal is None
        else journal
        if isinstance(journal, Journal)
        else Journal(journal)
    )
    total = len(items) if hasattr(items, "__len__") else None  # type: ignore[arg-type]
    from acmpca_issue._bulk_progress import Progress

    bar = Progress(total=total, enabled=progress)
    pacer = _Pacer(issuer.client, limits)
    run = _Run(issuer, book, pacer, _Options(resend_expired=resend_expired), bar)
    started = limits.clock()
    entries: list[BulkEntry | None] = []
    seen: set[str] = set()
    slots = threading.BoundedSemaphore(max_in_flight)
    pool = concurrent.futures.ThreadPoolExecutor(
        max_workers=max_in_flight, thread_name_prefix="acmpca-issue-bulk"
    )
    futures: list[concurrent.futures.Future[None]] = []

    def work(index: int, item_id: str, request: IssueCertificateRequest) -> None:
        try:
            entry = run.item(item_id, request)
            entries[index] = entry
            bar.done(entry)
        finally:
            slots.release()

    try:
        for index, (item_id, request, problem) in zip(itertools.count(), _pairs(items)):
            entries.append(None)
            if request is None or item_id in seen:
                why = problem or f"item id {item_id!r} appears more than once"
                refused = BulkEntry(item_id, "failed", error=InvalidRequestError(why, path="items"))
                entries[index] = refused
                bar.done(refused)
                continue
            seen.add(item_id)
            if run.ca is None and not isinstance(book, _NoJournal):
                book.open(ca(request))
                run.ca = ca(request)
            slots.acquire()
            futures.append(pool.submit(work, index, item_id, request))
            # Keep the list of futures short: drop the finished ones, raising their errors.
            if len(futures) >= 4 * max_in_flight:
                for future in [f for f in futures if f.done()]:
                    future.result()
                futures = [f for f in futures if not f.done()]
        for future in futures:
            future.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        pacer.close()
        book.close()
        bar.close()
    done = [entry for entry in entries if entry is not None]
    return BulkResult.collect(
        done, elapsed=limits.clock() - started, throttled=limits.throttled, stopped=run.stopped
    )
