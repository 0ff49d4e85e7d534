"""Reminders in the ledger: when each department was asked again for its workbook (``remind``).

One row per department and reminder (table ``reminders``, ledger migration 3): the year, what
it was asked (``missing``: the workbook, nothing having arrived; ``fix``: a correction of the
file it sent), when, the deadline given and the draft written. What ``remind`` shows as the
previous reminder, and how many there were.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from consolidator.ledger.schema import now
from consolidator.sqlite_state import transaction


@dataclass(frozen=True)
class Reminder:
    department: str
    kind: str  # missing / fix
    deadline: str
    draft: str  # the draft's file name


@dataclass(frozen=True)
class Reminded:
    """A department's reminders so far for one year."""

    last: str  # when (ISO 8601, local time)
    count: int


def reminders_so_far(conn: sqlite3.Connection, year: int) -> dict[str, Reminded]:
    """department → its last reminder for fiscal ``year`` and how many there were."""
    return {d: Reminded(last, n) for d, last, n in conn.execute(
        "SELECT department, MAX(reminded_at), COUNT(*) FROM reminders WHERE year = ?"
        " GROUP BY department", (year,))}


def departments_seen(conn: sqlite3.Connection, year: int) -> set[str]:
    """Every department a file for fiscal ``year`` was ever received from (whatever became of
    the file since)."""
    return {d for (d,) in conn.execute(
        "SELECT DISTINCT department FROM files WHERE year = ? AND department IS NOT NULL",
        (year,))}


def record_reminders(conn: sqlite3.Connection, year: int, reminders: list[Reminder],
                     at: str | None = None) -> str:
    """Record ``reminders`` (one transaction); returns the time recorded."""
    stamp = at or now()
    with transaction(conn):
        conn.executemany(
            "INSERT INTO reminders (department, year, kind, reminded_at, deadline, draft)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [(r.department, year, r.kind, stamp, r.deadline, r.draft) for r in reminders])
    return stamp
