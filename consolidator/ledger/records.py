"""Recording a run in the ledger: every file seen, what was decided about it, its findings.

A file is known by its SHA-256: the same bytes under another name, or seen again on the next
run, are the same row (names are listed beside it), so re-running adds no duplicate files.
Each run adds one row to ``runs`` and one per file name to ``run_files``, with the counts of
its findings. When a department's used file changes, the file used before is marked as
superseded by the new one, and the run gets a finding saying so, with how many fields changed
(compared with the values the ledger kept of the earlier file, which may be gone from the
folder by then). An earlier version left in the folder beside the new one is information,
not a duplicate to puzzle over.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from consolidator.checks.changes import changed_fields
from consolidator.checks.result import ValidationResult
from consolidator.findings import ERROR, INFO, WARNING, Finding, count, count_accepted, make
from consolidator.ledger.acceptance import subject_of
from consolidator.ledger.schema import now
from consolidator.messages import OUTPUT_TEXT
from consolidator.sqlite_state import transaction
from consolidator.submission import Submission

USED, SUPERSEDED, REJECTED = "used", "superseded", "rejected"


@dataclass
class RunRecord:
    """What recording a run found out from the history: per department the number of
    versions seen and the files its used file superseded; findings for the log."""

    run_id: int
    versions: dict[str, int] = field(default_factory=dict)
    superseded: dict[str, list[str]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)


def digest(path: Path) -> tuple[str, int] | None:
    """SHA-256 and size of a file (None if it cannot be read any more)."""
    h = hashlib.sha256()
    size = 0
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                h.update(chunk)
                size += len(chunk)
    except OSError:
        return None
    return h.hexdigest(), size


def _digest_of(s: Submission, folder: Path) -> tuple[str, int] | None:
    """The SHA-256 and size computed when the file was read for checking, else now."""
    return (s.sha256, s.size) if s.sha256 else digest(folder / s.file)


def record_run(conn: sqlite3.Connection, result: ValidationResult, folder: Path, command: str,
               missing_values: int) -> RunRecord:
    """Record one run of ``command`` on ``folder`` in one transaction: the files (by
    SHA-256), what they hold, their status, the run's counts and its open and accepted
    findings. Returns the history it found (see :class:`RunRecord`)."""
    stamp = now()
    known = [(s, d) for s in result.submissions if (d := _digest_of(s, folder)) is not None]
    with transaction(conn):
        ids = _files(conn, known, stamp)
        _earlier_versions(conn, result, ids)
        record = _decide(conn, result, ids)
        run_id = _run(conn, result, command, folder, len(known), missing_values, stamp)
        record.run_id = run_id
        _run_files(conn, run_id, result, ids)
        _findings(conn, run_id, result.findings, ids)
    return record


def _earlier_versions(conn: sqlite3.Connection, result: ValidationResult,
                      ids: dict[str, int]) -> None:
    """An unused file that came in an earlier run than the file used now is the
    department's earlier version, not a puzzling duplicate: its ``duplicate-not-used``
    warning becomes ``superseded-version`` (information) in ``result``."""
    first = _first_runs(conn)
    mark_earlier_versions(result, {name: first.get(fid) for name, fid in ids.items()})


def _first_runs(conn: sqlite3.Connection) -> dict[int, int]:
    """file id → the first run that saw it (one query for all: run_files has no index)."""
    return {int(fid): int(run) for fid, run in conn.execute(
        "SELECT file_id, MIN(run_id) FROM run_files GROUP BY file_id") if run is not None}


def earlier_versions_known(conn: sqlite3.Connection, result: ValidationResult,
                           digests: dict[str, str]) -> None:
    """:func:`_earlier_versions` without recording: the files of ``result`` by their SHA-256
    (``digests``, name → hash), a file the ledger has not seen yet being the newest. What
    the page of a folder not yet recorded shows as the next run would record it."""
    first = _first_runs(conn)
    by_sha = {sha: int(fid) for fid, sha in conn.execute("SELECT id, sha256 FROM files")}
    mark_earlier_versions(result, {name: first.get(by_sha[sha]) if sha in by_sha else None
                                   for name, sha in digests.items()})


def mark_earlier_versions(result: ValidationResult, first_run: dict[str, int | None]) -> None:
    """``duplicate-not-used`` → ``superseded-version`` for each unused file first seen in an
    earlier run than the department's file used now (``first_run``: file name → the first
    run that saw it, None for none yet; a file it does not name is left as it is)."""
    earlier: dict[str, str] = {}
    for s in result.submissions:
        chosen = result.chosen.get(s.department or "")
        if s.used or not s.usable or chosen is None or s.file not in first_run \
                or chosen.file not in first_run:
            continue
        mine, theirs = first_run[s.file], first_run[chosen.file]
        if mine is not None and (theirs is None or mine < theirs):
            earlier[s.file] = chosen.file
    result.findings.items = [
        make("superseded-version", file=f.file, department=f.department,
             used=earlier[f.file]) if f.code == "duplicate-not-used" and f.file in earlier
        else f for f in result.findings]


def _files(conn: sqlite3.Connection, known: list[tuple[Submission, tuple[str, int]]],
           stamp: str) -> dict[str, int]:
    """Each file (by SHA-256) added or its row brought up to date, its name listed, and the
    values of a usable file kept, in one statement each (not one per file); name → file id.
    The values of a file already known with its values are not encoded again (its bytes are
    the same, so are they)."""
    conn.executemany(
        "INSERT INTO files (sha256, size, department, year, saved_at, first_seen, last_seen,"
        " status) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(sha256) DO UPDATE SET"
        " last_seen = excluded.last_seen,"
        " department = COALESCE(excluded.department, files.department),"
        " year = COALESCE(excluded.year, files.year),"
        " saved_at = COALESCE(excluded.saved_at, files.saved_at)",
        [(sha, size, s.department, s.identity.year if s.identity else None, s.modified, stamp,
          stamp, REJECTED) for s, (sha, size) in known])
    # Only this run's files are looked up (the ledger holds every year's files and values).
    shas = sorted({sha for _, (sha, _) in known})
    by_sha = {sha: int(fid) for fid, sha in conn.execute(
        "SELECT id, sha256 FROM files WHERE sha256 IN (SELECT value FROM json_each(?))",
        (json.dumps(shas),))}
    ids = {s.file: by_sha[sha] for s, (sha, _) in known}
    conn.executemany("INSERT OR IGNORE INTO file_names VALUES (?, ?, ?)",
                     [(ids[s.file], s.file, stamp) for s, _ in known])
    with_values = {int(fid) for (fid,) in conn.execute(
        "SELECT DISTINCT file_id FROM file_fields"
        " WHERE file_id IN (SELECT value FROM json_each(?))",
        (json.dumps(sorted(set(ids.values()))),))}
    # A generator, not a list: each file's values are read back (its body unpacked) and
    # written one file at a time, so memory does not grow with the number of files (a list
    # of every row of 10,000 files held 85 MiB at once).
    conn.executemany("INSERT OR IGNORE INTO file_fields VALUES (?, ?, ?)",
                     ((ids[s.file], k, _json(v)) for s, _ in known
                      if s.usable and ids[s.file] not in with_values
                      for k, v in s.typed.items()))
    return ids


def _json(value: Any) -> str:
    return _ENCODER.encode(value)


_ENCODER = json.JSONEncoder(ensure_ascii=False, default=str)  # = json.dumps(…, these options)


def _decide(conn: sqlite3.Connection, result: ValidationResult, ids: dict[str, int]
            ) -> RunRecord:
    """Each file's status now; a department's file used before and not now superseded by
    the one used now (whether or not it is still in the folder)."""
    record = RunRecord(run_id=0)
    used_ids = {d: ids[s.file] for d, s in result.chosen.items() if s.file in ids}
    before = {d: conn.execute(
        "SELECT id, first_seen FROM files WHERE department = ? AND year = ? AND status = ?"
        " AND id != ?", (d, result.year, USED, new_id)).fetchall()
        for d, new_id in used_ids.items()}
    rank = {REJECTED: 0, SUPERSEDED: 1, USED: 2}
    status: dict[int, tuple[str, int | None]] = {}
    for s in result.submissions:
        if s.file not in ids:
            continue
        mine = USED if s.used else SUPERSEDED if s.usable else REJECTED
        fid = ids[s.file]
        if fid not in status or rank[mine] > rank[status[fid][0]]:
            status[fid] = (mine, used_ids.get(s.department or "") if mine == SUPERSEDED else None)
    conn.executemany("UPDATE files SET status = ?, superseded_by = ? WHERE id = ?",
                     [(st, by, fid) for fid, (st, by) in status.items()])
    names = _names(conn, [fid for rows in before.values() for fid, _ in rows])
    for department, new_id in used_ids.items():
        sub = result.chosen[department]
        for old_id, first_seen in before[department]:
            conn.execute("UPDATE files SET status = ?, superseded_by = ? WHERE id = ?",
                         (SUPERSEDED, new_id, old_id))
            record.findings.append(make(
                "resubmission-used", department=department, file=sub.file,
                previous=names.get(old_id, ""), previous_seen=first_seen[:10],
                changed=len(changed_fields(_fields(conn, old_id), sub.typed))))
        record.versions[department] = int(conn.execute(
            "SELECT COUNT(*) FROM files WHERE department = ? AND year = ? AND status IN (?, ?)",
            (department, result.year, USED, SUPERSEDED)).fetchone()[0])
        record.superseded[department] = [
            f"{names.get(fid, '')}({seen[:10]})" for fid, seen in conn.execute(
                "SELECT id, first_seen FROM files WHERE superseded_by = ? ORDER BY first_seen",
                (new_id,)).fetchall()]
    return record


def _names(conn: sqlite3.Connection, ids: list[int]) -> dict[int, str]:
    """file id → its names, in the order they were first seen, for the files ``ids`` (one
    query for all)."""
    names: dict[int, list[str]] = {}
    for fid, name in conn.execute("SELECT file_id, name FROM file_names"
                                  " WHERE file_id IN (SELECT value FROM json_each(?))"
                                  " ORDER BY file_id, first_seen, name",
                                  (json.dumps(sorted(set(ids))),)):
        names.setdefault(int(fid), []).append(name)
    return {fid: OUTPUT_TEXT["list-separator"].join(n) for fid, n in names.items()}


def _fields(conn: sqlite3.Connection, file_id: int) -> dict[str, Any]:
    return {k: json.loads(v) for k, v in conn.execute(
        "SELECT field_id, value FROM file_fields WHERE file_id = ?", (file_id,))}


def _run(conn: sqlite3.Connection, result: ValidationResult, command: str, folder: Path,
         files: int, missing_values: int, stamp: str) -> int:
    f = list(result.findings)
    cur = conn.execute(
        "INSERT INTO runs (command, started_at, year, folder, files, errors, warnings, infos,"
        " missing_values, accepted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (command, stamp, result.year, str(folder), files, count(f, ERROR), count(f, WARNING),
         count(f, INFO), missing_values, count_accepted(f)))
    return int(cur.lastrowid or 0)


def _run_files(conn: sqlite3.Connection, run_id: int, result: ValidationResult,
               ids: dict[str, int]) -> None:
    by_file: dict[str, list[Finding]] = {}
    for f in result.findings:
        if f.file:
            by_file.setdefault(f.file, []).append(f)
    rows = []
    for s in result.submissions:
        if s.file not in ids:
            continue
        mine = by_file.get(s.file, [])
        chosen = result.chosen.get(s.department or "")
        status = USED if s.used else SUPERSEDED if s.usable else REJECTED
        by = ids.get(chosen.file) if status == SUPERSEDED and chosen else None
        rows.append((run_id, s.file, ids[s.file], s.department, status, by,
                     count(mine, ERROR), count(mine, WARNING), count(mine, INFO),
                     count_accepted(mine)))
    conn.executemany("INSERT INTO run_files (run_id, name, file_id, department, status,"
                     " superseded_by, errors, warnings, infos, accepted)"
                     " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


def _findings(conn: sqlite3.Connection, run_id: int, findings: Any, ids: dict[str, int]
              ) -> None:
    """The run's errors and warnings, each with what a manager's acceptance is keyed on."""
    conn.executemany(
        "INSERT INTO run_findings (run_id, file_id, code, severity, department, subject,"
        " value, sheet, cell, accepted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(run_id, ids.get(f.file or ""), f.code, f.severity, f.department or "",
          subject_of(f), f.value or "", f.sheet, f.cell, int(f.accepted is not None))
         for f in findings if f.severity in (ERROR, WARNING)])
