"""The journal of a bulk run: one SQLite row per item, so a crashed run resumes exactly once.

Example::

    journal = Journal("fleet.sqlite3")
    issue_many(issuer, items, journal=journal)   # killed half-way? run the same line again

Each row holds the item's id, the digest of its request, the idempotency token it is sent
with, its state, the certificate ARN, the error code and the times. The states::

    pending --(sent_at committed)--> sent --(ARN committed)--> issued --> done
                                       |                         |
                                       +--> failed <-------------+   (terminal)

- ``pending``: nothing was issued (never sent, or the service refused it in a way that a later
  run may not meet: throttling, a disabled CA, a quota).
- ``sent``: IssueCertificate was sent and not answered (or the process died meanwhile); the
  same token within the service's 5-minute window returns the certificate if it was issued.
- ``issued``: the ARN is known; only GetCertificate is left.
- ``done``: the certificate (and its chain, both public) is stored, so a resumed run gives it
  back without a call.
- ``failed``: the service refused the request itself (InvalidArgs, MalformedCSR, ...), or the
  issuance failed (RequestFailed), or the certificate did not verify.

Every change is committed (write-ahead log, no wait for the disk) before the call it prepares,
so a process killed at any point leaves a row that tells the next run what to do. The database
is held in SQLite's exclusive locking mode for the whole run: a second process opening it gets
:class:`JournalInUseError` at once, and the operating system releases the lock when the holder
dies.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import attrs

from acmpca_issue._clock import system_now
from acmpca_issue.exceptions import (
    JournalCorruptError,
    JournalError,
    JournalInUseError,
    JournalMismatchError,
)

__all__ = ["FORMAT", "STATES", "Journal", "JournalRow"]

FORMAT = "acmpca-issue bulk journal 1"
STATES = ("pending", "sent", "issued", "done", "failed")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS items (
    id TEXT PRIMARY KEY,
    digest TEXT NOT NULL,
    token TEXT NOT NULL,
    state TEXT NOT NULL,
    arn TEXT,
    error_code TEXT,
    error_message TEXT,
    created_at TEXT NOT NULL,
    sent_at TEXT,
    issued_at TEXT,
    finished_at TEXT,
    certificate TEXT,
    chain TEXT
);
"""
_COLUMNS = (
    "id, digest, token, state, arn, error_code, error_message, created_at, sent_at, "
    "issued_at, finished_at, certificate, chain"
)


def _time(value: datetime) -> str:
    return value.astimezone(timezone.utc).isoformat()


@attrs.frozen
class JournalRow:
    """One item as the journal has it (times are aware UTC datetimes)."""

    id: str
    digest: str
    token: str
    state: str
    arn: str | None = None
    error_code: str | None = None
    error_message: str | None = None
    created_at: datetime | None = None
    sent_at: datetime | None = None
    issued_at: datetime | None = None
    finished_at: datetime | None = None
    certificate: str | None = attrs.field(default=None, repr=False)
    chain: str | None = attrs.field(default=None, repr=False)


def _row(values: tuple[object, ...]) -> JournalRow:
    texts = [None if value is None else str(value) for value in values]
    times = [None if text is None else datetime.fromisoformat(text) for text in texts[7:11]]
    return JournalRow(
        id=str(texts[0]),
        digest=str(texts[1]),
        token=str(texts[2]),
        state=str(texts[3]),
        arn=texts[4],
        error_code=texts[5],
        error_message=texts[6],
        created_at=times[0],
        sent_at=times[1],
        issued_at=times[2],
        finished_at=times[3],
        certificate=texts[11],
        chain=texts[12],
    )


class Journal:
    """A SQLite journal file for :func:`~acmpca_issue.bulk.issue_many`.

    Opening is lazy: :func:`issue_many` opens it (and binds it to the CA of its items) before
    anything is sent, and closes it at the end.

    Args:
        path: the database file; created if missing (mode 0600: it names what was issued).
        now: the wall clock, an aware datetime (default: the system's); it dates the rows and
            judges the 5-minute idempotency window across runs.
    """

    def __init__(
        self, path: str | os.PathLike[str], *, now: Callable[[], datetime] | None = None
    ) -> None:
        self.path = Path(path)
        self.now = now or system_now
        self._db: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        state = "open" if self._db is not None else "closed"
        return f"<Journal {str(self.path)!r} {state}>"

    # Opening ----------------------------------------------------------------------------------

    def open(self, certificate_authority_arn: str) -> None:
        """Lock the file for this process, check it, and bind it to the CA.

        Raises:
            JournalError: the file cannot be created.
            JournalInUseError: another running process has it open.
            JournalCorruptError: not a journal, or damaged.
            JournalMismatchError: it is another CA's journal.
        """
        if self._db is not None:
            return
        where = str(self.path)
        if not self.path.exists():
            try:
                os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
            except OSError as error:
                raise JournalError(
                    f"cannot create the journal {where}: {error.strerror}", path=where
                ) from None
        try:
            db = sqlite3.connect(
                self.path, timeout=0, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as error:
            raise JournalCorruptError(
                f"cannot open the journal {where}: {error}", path=where
            ) from None
        try:
            self._lock_and_check(db, where)
            self._bind(db, where, certificate_authority_arn)
        except BaseException:
            db.close()
            raise
        self._db = db

    def _lock_and_check(self, db: sqlite3.Connection, where: str) -> None:
        try:
            db.execute("PRAGMA locking_mode=EXCLUSIVE")
            # In exclusive locking mode the lock taken here is held until the connection
            # closes (or the process dies), so a second process fails right here.
            db.execute("BEGIN EXCLUSIVE")
            db.execute("COMMIT")
            # A commit survives the process being killed without waiting for the disk; a
            # power cut may lose the last few, which the deterministic token then covers
            # (the same request resent within 5 minutes is the same certificate).
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.DatabaseError as error:
            if "locked" in str(error) or "busy" in str(error):
                raise JournalInUseError(
                    f"the journal {where} is in use by another running process; wait for it "
                    "to finish, or give this run another journal",
                    path=where,
                ) from None
            raise JournalCorruptError(
                f"{where} is not a journal (or it is damaged): {error}", path=where
            ) from None
        try:
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
            if tables and not {"meta", "items"} <= tables:
                raise JournalCorruptError(
                    f"{where} is an SQLite database but not an acmpca-issue journal "
                    f"(its tables: {', '.join(sorted(tables))})",
                    path=where,
                )
            db.executescript(_SCHEMA)
            ok = db.execute("PRAGMA quick_check").fetchone()
        except sqlite3.DatabaseError as error:
            raise JournalCorruptError(
                f"{where} is not a journal (or it is damaged): {error}", path=where
            ) from None
        if not ok or ok[0] != "ok":
            raise JournalCorruptError(f"the journal {where} is damaged: {ok[0]}", path=where)

    def _bind(self, db: sqlite3.Connection, where: str, ca_arn: str) -> None:
        meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
        if not meta:
            db.execute("BEGIN")
            db.executemany(
                "INSERT INTO meta (key, value) VALUES (?, ?)",
                [
                    ("format", FORMAT),
                    ("certificate_authority_arn", ca_arn),
                    ("created_at", _time(self.now())),
                ],
            )
            db.execute("COMMIT")
            return
        if meta.get("format") != FORMAT:
            raise JournalCorruptError(
                f"{where} is not an acmpca-issue journal of this version "
                f"(format {meta.get('format')!r}, expected {FORMAT!r})",
                path=where,
            )
        if meta.get("certificate_authority_arn") != ca_arn:
            raise JournalMismatchError(
                f"the journal {where} is for the CA {meta.get('certificate_authority_arn')}, "
                f"not {ca_arn}; give this run another journal",
                path=where,
            )

    def close(self) -> None:
        """Release the file (and its lock)."""
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    # Rows -------------------------------------------------------------------------------------

    def _conn(self) -> sqlite3.Connection:
        if self._db is None:
            raise RuntimeError("the journal is not open")
        return self._db

    def get(self, item_id: str) -> JournalRow | None:
        """The row of ``item_id``, or None."""
        with self._lock:
            found = (
                self._conn()
                .execute(f"SELECT {_COLUMNS} FROM items WHERE id = ?", (item_id,))  # noqa: S608
                .fetchone()
            )
        return None if found is None else _row(found)

    def rows(self) -> list[JournalRow]:
        """Every row, by id."""
        with self._lock:
            found = self._conn().execute(f"SELECT {_COLUMNS} FROM items ORDER BY id").fetchall()  # noqa: S608
        return [_row(values) for values in found]

    def add(self, item_id: str, digest: str, token: str) -> JournalRow:
        """Record a new item as ``pending`` (or start a changed one again from scratch)."""
        now = _time(self.now())
        self._write(
            "INSERT OR REPLACE INTO items (id, digest, token, state, created_at) "
            "VALUES (?, ?, ?, 'pending', ?)",
            (item_id, digest, token, now),
        )
        return JournalRow(id=item_id, digest=digest, token=token, state="pending")

    def mark_sent(self, item_id: str, *, keep_time: bool) -> None:
        """About to send IssueCertificate; ``keep_time`` keeps the first send's time."""
        sql = (
            "UPDATE items SET state = 'sent', sent_at = COALESCE(sent_at, ?) WHERE id = ?"
            if keep_time
            else "UPDATE items SET state = 'sent', sent_at = ? WHERE id = ?"
        )
        self._write(sql, (_time(self.now()), item_id))

    def mark_pending(self, item_id: str, code: str, message: str) -> None:
        """The service answered with a refusal that a later run may not meet: nothing issued."""
        self._write(
            "UPDATE items SET state = 'pending', sent_at = NULL, error_code = ?, "
            "error_message = ? WHERE id = ?",
            (code, message, item_id),
        )

    def note_error(self, item_id: str, code: str, message: str) -> None:
        """Record the last error without changing the state."""
        self._write(
            "UPDATE items SET error_code = ?, error_message = ? WHERE id = ?",
            (code, message, item_id),
        )

    def mark_issued(self, item_id: str, arn: str) -> None:
        """IssueCertificate answered with ``arn`` (committed before waiting for it)."""
        self._write(
            "UPDATE items SET state = 'issued', arn = ?, issued_at = ?, error_code = NULL, "
            "error_message = NULL WHERE id = ?",
            (arn, _time(self.now()), item_id),
        )

    def mark_done(self, item_id: str, certificate: str, chain: str) -> None:
        """The certificate was fetched and verified."""
        self._write(
            "UPDATE items SET state = 'done', certificate = ?, chain = ?, finished_at = ?, "
            "error_code = NULL, error_message = NULL WHERE id = ?",
            (certificate, chain, _time(self.now()), item_id),
        )

    def mark_failed(self, item_id: str, code: str, message: str) -> None:
        """A terminal failure: the request itself was refused, or issuance failed."""
        self._write(
            "UPDATE items SET state = 'failed', error_code = ?, error_message = ?, "
            "finished_at = ? WHERE id = ?",
            (code, message, _time(self.now()), item_id),
        )

    def _write(self, sql: str, values: tuple[object, ...]) -> None:
        with self._lock:
            db = self._conn()
            with db:  # commits, or rolls back if the statement fails
                db.execute("BEGIN IMMEDIATE")
                db.execute(sql, values)
