"""``consolidator status``: where the year stands, from the ledger (nothing is read again).

Per department: received or not, the file used, how many versions were received, its errors,
open and accepted warnings in the latest run, when its latest version arrived; and how many
indicator values are still missing. Warnings accepted for the year since the latest run count
as accepted (acceptances are matched again, as the next run would). A department that sent no
file is 未提出, not a department with an error as well (the run's ``unit-missing`` is not
counted), and the summary counts each department once. Clean means every department is in,
without errors or open warnings.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from consolidator.checks.result import NOTHING_SENT
from consolidator.findings import ERROR, WARNING
from consolidator.ledger.acceptance import accepted_keys
from consolidator.ledger.schema import when
from consolidator.messages import fill
from consolidator.messages.correction import STATUS_TEXT
from consolidator.text_layout import display_width, pad, rpad


@dataclass(frozen=True)
class DepartmentStatus:
    department: str
    submitted: bool
    file: str | None
    versions: int
    errors: int
    warnings: int
    accepted: int
    last_seen: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The object ``status --json`` prints: exactly the keys the issue names (the
        department's key is ``unit``, as scripts reading it have always had it)."""
        d = asdict(self)
        d.pop("last_seen")
        return {"unit": d.pop("department"), **d}


@dataclass(frozen=True)
class Status:
    run_at: str
    command: str
    year: int
    departments: list[DepartmentStatus]
    missing_values: int

    @property
    def clean(self) -> bool:
        return all(d.submitted and not d.errors and not d.warnings for d in self.departments)

    def json_lines(self) -> list[str]:
        """``status --json``: one object per department, then ``{"missing_values": n}``."""
        return [json.dumps(d.to_json(), ensure_ascii=False) for d in self.departments] + [
            json.dumps({"missing_values": self.missing_values})]


def ledger_status(ledger: Path, departments: list[str], year: int) -> Status | None:
    """``consolidator status``: the status in the ledger file (None when there is no ledger
    or it has no run for ``year``). The ledger is only read (and brought to the current
    schema version)."""
    from consolidator.ledger.schema import migrated

    if not ledger.is_file():
        return None
    with migrated(ledger) as conn:
        return read_status(conn, departments, year)


def read_status(conn: sqlite3.Connection, departments: list[str], year: int) -> Status | None:
    """The status of ``departments`` for fiscal ``year`` after the latest run (None when the
    ledger has no run for that year)."""
    run = conn.execute("SELECT id, started_at, command, missing_values FROM runs"
                       " WHERE year = ? ORDER BY id DESC LIMIT 1", (year,)).fetchone()
    if run is None:
        return None
    run_id, run_at, command, missing = run
    used = {d: (name, fid) for d, name, fid in conn.execute(
        "SELECT department, name, file_id FROM run_files WHERE run_id = ? AND status = 'used'",
        (run_id,))}
    accepted = accepted_keys(conn, year)
    counts: dict[str, list[int]] = {}
    for code, severity, department, subject, value in conn.execute(
            "SELECT code, severity, department, subject, value FROM run_findings"
            " WHERE run_id = ?", (run_id,)):
        c = counts.setdefault(department, [0, 0, 0])
        if code == NOTHING_SENT:  # said by 未提出, not an error of the department as well
            continue
        if severity == ERROR:
            c[0] += 1
        elif severity == WARNING:
            c[2 if (code, department, subject, value) in accepted else 1] += 1
    out = []
    for d in departments:
        versions, last = conn.execute(
            "SELECT COUNT(*), MAX(first_seen) FROM files WHERE department = ? AND year = ?"
            " AND status IN ('used', 'superseded')", (d, year)).fetchone()
        errors, warnings, accepted_n = counts.get(d, [0, 0, 0])
        out.append(DepartmentStatus(d, d in used, used[d][0] if d in used else None,
                                    int(versions), errors, warnings, accepted_n, last))
    return Status(run_at, command, year, out, int(missing))


def recorded_files(ledger: Path, year: int) -> dict[str, str] | None:
    """The files the latest run for fiscal ``year`` recorded: name → SHA-256 (None when
    there is no ledger or no run for that year). Compared with a folder's files, it says
    whether :func:`ledger_status` is the status of the folder as it is now."""
    from consolidator.ledger.schema import migrated

    if not ledger.is_file():
        return None
    with migrated(ledger) as conn:
        run = conn.execute("SELECT MAX(id) FROM runs WHERE year = ?", (year,)).fetchone()[0]
        if run is None:
            return None
        return dict(conn.execute("SELECT run_files.name, files.sha256 FROM run_files JOIN files"
                                 " ON files.id = run_files.file_id WHERE run_files.run_id = ?",
                                 (run,)).fetchall())


def status_lines(status: Status, year_label: str) -> list[str]:
    """The one-screen table for the secretariat."""
    t = STATUS_TEXT
    header = [t["department"], t["submitted"], t["file"], t["versions"], t["errors"],
              t["warnings"], t["accepted"], t["last-seen"]]
    rows = [[d.department, t["yes"] if d.submitted else t["no"], d.file or "", str(d.versions),
             str(d.errors), str(d.warnings), str(d.accepted), when(d.last_seen)]
            for d in status.departments]
    widths = [max(display_width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    numeric = {3, 4, 5, 6}
    lines = ["  ".join((rpad if i in numeric else pad)(cell, widths[i])
                       for i, cell in enumerate(r)).rstrip() for r in [header, *rows]]
    lines.append(fill(t["run"], at=when(status.run_at), command=status.command,
                      year=year_label))
    lines.append(fill(t["missing"], count=status.missing_values))
    if status.clean:
        lines.append(t["clean"])
    else:
        ds = status.departments
        sent = [d for d in ds if d.submitted]  # a department is counted once: 提出待ち first
        lines.append(fill(t["not-clean"], missing=len(ds) - len(sent),
                          errors=sum(d.errors > 0 for d in sent),
                          warnings=sum(d.warnings > 0 for d in sent)))
    return lines
