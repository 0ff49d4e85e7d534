"""Accepted warnings: a manager's 承認 in ``validation_log.xlsx``, kept in the ledger.

A warning is accepted for one value in one fiscal year: the acceptance is keyed on the year
of the run the warning was found in, the finding's code, the department, its subject (the
field, else the sheet and cell, else the file) and the value it was about. While the value
stays the same the warning is shown as 承認済み and is not counted as open; when the value
changes, or the next year is reported, the key no longer matches and the warning is open
again. Errors are never accepted: :func:`accept_rows` refuses them row by row (and any row
that is not in the latest run, or has no reason), and records only the others.

An acceptance is never rewritten by accepting the same warning again: the first record (who,
when, why) is kept and said. Changing it is an explicit act (``accept --replace``, the desk's
承認をやり直す), and the record it replaces is kept in ``acceptance_history``.
"""

from __future__ import annotations

import getpass
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from consolidator.findings import ERROR, WARNING, Finding, Findings
from consolidator.ledger.schema import now, when
from consolidator.messages import SEVERITY_LABELS, fill
from consolidator.messages.correction import ACCEPT_TEXT
from consolidator.messages.outputs import LOG_HEADER, LOG_SHEET
from consolidator.sqlite_state import transaction

# The columns of the log that an acceptance is read from (LOG_HEADER names them).
SEVERITY_COL, CODE_COL, DEPARTMENT_COL, FILE_COL, SHEET_COL, CELL_COL = LOG_HEADER[:6]
VALUE_COL = LOG_HEADER[8]
ACCEPT_COL, REASON_COL, FIELD_COL = LOG_HEADER[-3:]

Key = tuple[str, str, str, str]  # what an acceptance is keyed on: code, department, subject, value
Where = Callable[[int, Key], str]  # a refused row in words


def subject_of(f: Finding) -> str:
    """What a finding is about, stable across versions of a file: its field, else its
    sheet and cell, else its file."""
    if f.field_id:
        return f.field_id
    if f.sheet and f.cell:
        return f"{f.sheet}!{f.cell}"
    return f.file or ""


def accepted_keys(conn: sqlite3.Connection, year: int) -> dict[Key, tuple[str, str, str]]:
    """The warnings accepted for fiscal ``year``: key → (who, when, why)."""
    return {(r[0], r[1], r[2], r[3]): (r[4], r[5], r[6]) for r in conn.execute(
        "SELECT code, department, subject, value, accepted_by, accepted_at, reason"
        " FROM acceptances WHERE year = ?", (year,))}


def apply_acceptances(conn: sqlite3.Connection, findings: Findings, year: int) -> int:
    """Mark the warnings accepted in the ledger for fiscal ``year`` (same code, department,
    subject and value) as accepted; returns how many."""
    accepted = accepted_keys(conn, year)
    n = 0
    for i, f in enumerate(findings.items):
        if f.severity != WARNING:
            continue
        hit = accepted.get((f.code, f.department or "", subject_of(f), f.value or ""))
        if hit is not None:
            by, at, reason = hit
            findings.items[i] = replace(f, accepted=fill(ACCEPT_TEXT["shown"], reason=reason,
                                                          by=by, at=at[:10]))
            n += 1
    return n


@dataclass
class AcceptResult:
    accepted: list[int] = field(default_factory=list)  # the log's row numbers
    already: list[int] = field(default_factory=list)  # accepted before: the record kept
    replaced: list[int] = field(default_factory=list)  # accepted before: replaced (--replace)
    refused: list[str] = field(default_factory=list)  # one Japanese message per row
    kept: list[str] = field(default_factory=list)  # per row already accepted: by whom, when
    problem: str = ""  # why nothing could be read or recorded (Japanese), if so


def accept_log(log: Path, ledger: Path, by: str | None = None, *,
               replace: bool = False) -> AcceptResult:
    """``consolidator accept``: read the rows of ``log`` marked 承認する into ``ledger``
    (see :func:`record_acceptances`). A missing ledger, one without runs, or a log that
    cannot be read is a ``problem``, and nothing is recorded."""
    if not ledger.is_file():
        return AcceptResult(problem=fill(ACCEPT_TEXT["no-runs"], ledger=ledger))
    try:
        rows = read_log_rows(log)
    except Exception as exc:  # noqa: BLE001 - calamine's errors, a missing sheet: say so
        return AcceptResult(problem=fill(ACCEPT_TEXT["no-log"], file=log,
                                         detail=f"{type(exc).__name__}: {exc}"))
    return record_acceptances(ledger, rows, by, replace=replace)


def record_acceptances(ledger: Path, rows: list[tuple[int, dict[str, Any]]],
                       by: str | None = None, where: Where | None = None, *,
                       replace: bool = False) -> AcceptResult:
    """Record ``rows`` (as the log has them, see :func:`accept_rows`) in the ledger file, in
    one transaction: what ``consolidator accept`` does with the log's rows, and the desk with
    a warning accepted on its 状況 page. A missing ledger or one without runs is a
    ``problem``, and nothing is recorded."""
    from consolidator.ledger.schema import migrated

    if not ledger.is_file():
        return AcceptResult(problem=fill(ACCEPT_TEXT["no-runs"], ledger=ledger))
    with migrated(ledger) as conn:
        if conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 0:
            return AcceptResult(problem=fill(ACCEPT_TEXT["no-runs"], ledger=ledger))
        with transaction(conn):
            return accept_rows(conn, rows, by, where, replace=replace)


def read_log_rows(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """(row number, column → value) of every row of the log's 検証ログ sheet."""
    import python_calamine

    book = python_calamine.CalamineWorkbook.from_path(str(path))
    try:
        rows = book.get_sheet_by_name(LOG_SHEET).to_python(skip_empty_area=False)
    finally:
        book.close()
    if not rows:
        return []
    header = [str(h) for h in rows[0]]
    return [(n, dict(zip(header, (_text(v) for v in row), strict=False)))
            for n, row in enumerate(rows[1:], start=2)]


def _text(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return "" if v is None else str(v).strip()


def accept_rows(conn: sqlite3.Connection, rows: list[tuple[int, dict[str, Any]]],
                by: str | None = None, where: Where | None = None, *,
                replace: bool = False) -> AcceptResult:
    """Record the rows marked 承認する as accepted warnings (who, when, why) for the fiscal
    year of the latest run; refuse errors, rows without a reason and rows the latest run
    does not have, each with a message that names the row (``where``: its words, from the
    row number and the key; default the log's row). A warning accepted before keeps its
    record (said in ``kept``), unless ``replace``: then the earlier record goes to
    ``acceptance_history`` and this one takes its place."""
    result = AcceptResult()
    who = by or _user()
    latest, year = conn.execute("SELECT id, year FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    for n, row in rows:
        if row.get(ACCEPT_COL) != ACCEPT_TEXT["accept"]:
            continue
        key = (row.get(CODE_COL, ""), row.get(DEPARTMENT_COL, ""), _subject(row),
               row.get(VALUE_COL, ""))
        place = (where or log_row)(n, key)
        severities = {r[0] for r in conn.execute(
            "SELECT severity FROM run_findings WHERE run_id = ? AND code = ? AND department = ?"
            " AND subject = ? AND value = ?", (latest, *key))}
        refusal = _refusal(severities, row)
        if refusal:
            result.refused.append(fill(ACCEPT_TEXT[refusal], where=place))
            continue
        done = conn.execute("SELECT id, accepted_by, accepted_at, reason FROM acceptances"
                            " WHERE year = ? AND code = ? AND department = ? AND subject = ?"
                            " AND value = ?", (year, *key)).fetchone()
        reason = row.get(REASON_COL, "")
        if done is None:
            conn.execute("INSERT INTO acceptances (year, code, department, subject, value,"
                         " accepted_by, accepted_at, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                         (year, *key, who, now(), reason))
            result.accepted.append(n)
        elif replace:
            _replace(conn, done[0], who, reason)
            result.replaced.append(n)
        else:
            _, first_by, first_at, first_reason = done
            result.already.append(n)
            result.kept.append(fill(ACCEPT_TEXT["kept"], where=place, by=first_by or "-",
                                    at=when(first_at), reason=first_reason))
    return result


def _replace(conn: sqlite3.Connection, acceptance_id: int, who: str, reason: str) -> None:
    """Keep acceptance ``acceptance_id`` as it was in ``acceptance_history``, then give it
    who accepts it now, when, and why."""
    stamp = now()
    conn.execute("INSERT INTO acceptance_history (acceptance_id, year, code, department,"
                 " subject, value, accepted_by, accepted_at, reason, replaced_by, replaced_at)"
                 " SELECT id, year, code, department, subject, value, accepted_by, accepted_at,"
                 " reason, ?, ? FROM acceptances WHERE id = ?", (who, stamp, acceptance_id))
    conn.execute("UPDATE acceptances SET accepted_by = ?, accepted_at = ?, reason = ?"
                 " WHERE id = ?", (who, stamp, reason, acceptance_id))


def marked_row(key: Key, reason: str) -> dict[str, str]:
    """One warning to accept, as the row of the log a manager marks 承認する with a reason
    (the row :func:`accept_rows` reads)."""
    code, department, subject, value = key
    return {CODE_COL: code, DEPARTMENT_COL: department, FIELD_COL: subject, VALUE_COL: value,
            ACCEPT_COL: ACCEPT_TEXT["accept"], REASON_COL: reason}


def log_row(n: int, key: Key) -> str:
    """A row of the log in a refusal: its number, code, department and subject."""
    return fill(ACCEPT_TEXT["row"], row=n, code=key[0], department=key[1] or "-",
                subject=key[2])


def _refusal(severities: set[str], row: dict[str, Any]) -> str | None:
    """Why a row marked 承認する is refused (a key of ACCEPT_TEXT), None to accept it. The
    severity is the one the run recorded, not what the row says (a row edited to look like a
    warning is still an error)."""
    label = row.get(SEVERITY_COL, "")
    if ERROR in severities or label == SEVERITY_LABELS[ERROR]:
        return "refused-error"
    if label not in ("", SEVERITY_LABELS[WARNING]):
        return "refused-info"
    if WARNING not in severities:
        return "refused-unknown"
    if not row.get(REASON_COL):
        return "refused-no-reason"
    return None


def _subject(row: dict[str, Any]) -> str:
    if row.get(FIELD_COL):
        return str(row[FIELD_COL])
    if row.get(SHEET_COL) and row.get(CELL_COL):
        return f"{row[SHEET_COL]}!{row[CELL_COL]}"
    return str(row.get(FILE_COL, ""))


def _user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):
        return ""
