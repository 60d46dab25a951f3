"""Where "now" comes from: one place reads the system clock, everything else reads the clock in
force (``acmpca_issue._clock``), so one fake time reaches every rule that depends on the date."""

from __future__ import annotations

import ast
from datetime import datetime, timedelta, timezone
from pathlib import Path

from acmpca_issue import Validity, ValidityType
from acmpca_issue._clock import now, system_now, using

PACKAGE = Path(__file__).resolve().parents[1] / "acmpca_issue"
WALL_CLOCK_READS = {
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("datetime", "today"),
    ("date", "today"),
    ("time", "time"),
    ("time", "time_ns"),
    ("time", "localtime"),
    ("time", "gmtime"),
}
FAKE = datetime(2049, 12, 30, 12, tzinfo=timezone.utc)


def _wall_clock_reads(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and (node.value.id, node.attr) in WALL_CLOCK_READS
        ):
            found.append(
                f"{path.relative_to(PACKAGE.parent)}:{node.lineno} {node.value.id}.{node.attr}"
            )
    return found


def test_only_the_clock_module_reads_the_system_clock() -> None:
    """No module but _clock reads the wall clock itself, so no rule can escape a fake one."""
    reads = [
        read
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.name != "_clock.py"
        for read in _wall_clock_reads(path)
    ]
    assert reads == []
    assert _wall_clock_reads(PACKAGE / "_clock.py")  # the check does see a read


def test_using_sets_the_clock_for_the_block() -> None:
    """Inside ``using`` the clock in force is the given one (in UTC); after it, the system's."""
    plus_two = timezone(timedelta(hours=2))
    with using(lambda: FAKE.astimezone(plus_two)):
        assert now() == FAKE
        assert now().tzinfo is timezone.utc
    before = system_now()
    assert before <= now() <= system_now()


def test_from_timedelta_counts_from_the_clock_in_force() -> None:
    """Validity.from_timedelta without ``now`` counts from the clock in force."""
    with using(lambda: FAKE):
        got = Validity.from_timedelta(timedelta(hours=5))
    assert got == Validity(int((FAKE + timedelta(hours=5)).timestamp()), ValidityType.ABSOLUTE)
