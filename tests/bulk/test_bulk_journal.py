"""The SQLite journal: states committed in order, one process at a time, one CA, no silent reuse."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from acmpca_issue.bulk import Journal
from acmpca_issue.exceptions import (
    JournalCorruptError,
    JournalError,
    JournalInUseError,
    JournalMismatchError,
)
from tests.bulk.bulk_support import FakeTime

CA = (
    "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/"
    "11111111-2222-3333-4444-555555555555"
)
OTHER_CA = CA.replace("11111111", "99999999")

_HOLD = """
import sys, time
from acmpca_issue.bulk import Journal
journal = Journal(sys.argv[1])  # kept: a dropped Journal may be collected, its lock with it
journal.open(sys.argv[2])
print("open", flush=True)
time.sleep(60)
"""


def test_rows_keep_every_state_and_time(tmp_path: Path, fake: FakeTime) -> None:
    """Each transition is committed; a new connection reads back what the last one wrote."""
    path = tmp_path / "j.sqlite3"
    journal = Journal(path, now=fake.now)
    journal.open(CA)
    journal.open(CA)  # opening twice is harmless
    journal.add("a", "digest-a", "token-a")
    journal.mark_sent("a", keep_time=True)
    first = journal.get("a")
    assert first is not None
    fake.advance(30)
    journal.mark_sent("a", keep_time=True)  # a resend keeps the first send's time
    assert journal.get("a") == first
    journal.mark_issued("a", "arn:cert")
    journal.mark_done("a", "CERT", "CHAIN")
    journal.add("b", "digest-b", "token-b")
    journal.mark_sent("b", keep_time=False)
    journal.mark_pending("b", "ThrottlingException", "slow down")
    journal.add("c", "digest-c", "token-c")
    journal.note_error("c", "TransportError", "no answer")
    journal.mark_failed("c", "InvalidArgsException", "bad")
    journal.close()
    journal.close()

    again = Journal(path, now=fake.now)
    again.open(CA)
    a, b, c = again.rows()
    again.close()
    assert (a.state, a.arn, a.certificate, a.chain, a.token) == (
        "done",
        "arn:cert",
        "CERT",
        "CHAIN",
        "token-a",
    )
    assert a.sent_at == fake.start
    assert a.finished_at == fake.now()
    assert (b.state, b.sent_at, b.error_code) == ("pending", None, "ThrottlingException")
    assert (c.state, c.error_code, c.error_message) == ("failed", "InvalidArgsException", "bad")
    assert "CERT" not in repr(a)
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_a_closed_journal_refuses_rows(tmp_path: Path) -> None:
    """Using rows before open is a programming error, said plainly."""
    journal = Journal(tmp_path / "j.sqlite3")
    assert "closed" in repr(journal)
    with pytest.raises(RuntimeError, match="not open"):
        journal.get("a")


def test_another_running_process_is_refused_until_it_dies(tmp_path: Path) -> None:
    """Two runs never share a journal; the lock goes with the process that held it."""
    path = tmp_path / "j.sqlite3"
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(path), CA], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "open"
        with pytest.raises(JournalInUseError, match="in use by another running process") as caught:
            Journal(path).open(CA)
        assert caught.value.path == str(path)
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
    journal = Journal(path)
    journal.open(CA)
    journal.close()


def test_another_cas_journal_is_refused(tmp_path: Path) -> None:
    """A journal is bound to the CA of its first run."""
    path = tmp_path / "j.sqlite3"
    journal = Journal(path)
    journal.open(CA)
    journal.close()
    with pytest.raises(JournalMismatchError, match=r"is for the CA .*11111111"):
        Journal(path).open(OTHER_CA)


def test_a_file_that_is_not_a_database_is_corrupt(tmp_path: Path) -> None:
    """Random bytes are refused, not overwritten."""
    path = tmp_path / "j.sqlite3"
    path.write_bytes(b"not a database at all" * 200)
    with pytest.raises(JournalCorruptError, match="not a journal"):
        Journal(path).open(CA)
    assert path.read_bytes().startswith(b"not a database")


def test_another_sqlite_database_is_refused(tmp_path: Path) -> None:
    """An SQLite file of something else is not taken over."""
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE users (name TEXT)")
    db.close()
    with pytest.raises(JournalCorruptError, match=r"not an acmpca-issue journal .*users"):
        Journal(path).open(CA)


def test_a_journal_of_another_format_is_refused(tmp_path: Path) -> None:
    """The format line guards against a future or foreign layout."""
    path = tmp_path / "j.sqlite3"
    journal = Journal(path)
    journal.open(CA)
    journal.close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = 'something else' WHERE key = 'format'")
    db.close()
    with pytest.raises(JournalCorruptError, match="format 'something else'"):
        Journal(path).open(CA)


@pytest.mark.parametrize("page", [2, 3])
def test_a_damaged_journal_is_corrupt(tmp_path: Path, page: int) -> None:
    """A journal with a page header overwritten is reported, not trusted (two kinds of page)."""
    path = tmp_path / "j.sqlite3"
    journal = Journal(path)
    journal.open(CA)
    for n in range(300):
        journal.add(f"item-{n}", "d" * 36, "t" * 36)
    journal.close()
    data = bytearray(path.read_bytes())
    data[page * 4096 : page * 4096 + 12] = b"\x07" * 12
    path.write_bytes(bytes(data))
    with pytest.raises(JournalCorruptError, match="damaged"):
        Journal(path).open(CA)


def test_a_journal_that_cannot_be_created_is_a_journal_error(tmp_path: Path) -> None:
    """A missing directory is a JournalError naming the file, not an OSError."""
    where = tmp_path / "missing" / "j.sqlite3"
    with pytest.raises(JournalError, match=r"cannot create the journal .*No such file") as caught:
        Journal(where).open(CA)
    assert caught.value.path == str(where)


def test_a_directory_is_not_a_journal(tmp_path: Path) -> None:
    """A directory where the file should be is a clear error, not sqlite's."""
    with pytest.raises(JournalCorruptError, match=r"cannot open the journal|not a journal"):
        Journal(tmp_path).open(CA)
