"""The correction loop around a run: the ledger, accepted warnings, resubmissions, and what
goes back to each department.

Called by ``validate`` and ``consolidate`` between validating the folder and writing the
outputs: the warnings accepted in the ledger are marked, the run is recorded (which tells
which files superseded which, and how many fields changed), and each department with
something to correct gets its annotated workbook and an e-mail draft. A ledger that cannot be
used never stops the run: its findings say what happened.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from consolidator.cache.outputs import OutputCache
from consolidator.checks.result import ValidationResult
from consolidator.feedback.department_files import DepartmentFiles, write_department_files
from consolidator.ledger.acceptance import apply_acceptances
from consolidator.ledger.records import record_run
from consolidator.ledger.schema import LEDGER_NAME, open_ledger
from consolidator.messages.outputs import DEPARTMENT_LOG_DIR


def ledger_path(state: Path, ledger: Path | None) -> Path:
    """``--ledger PATH``, else ``ledger.sqlite3`` in ``state`` (the working folder, or the
    output folder of a run outside one)."""
    return ledger if ledger is not None else state / LEDGER_NAME


def missing_values(result: ValidationResult) -> int:
    """Indicator values still missing: measures without an accepted value in the file used
    for their department (or whose department sent nothing)."""
    missing = 0
    for m in result.catalog.measures:
        chosen = result.chosen.get(m.owner)
        if chosen is None or f"{m.id}.value" not in chosen.entries:
            missing += 1
    return missing


@contextmanager
def recorded_in_ledger(result: ValidationResult, submissions: Path, ledger: Path,
                       command: str) -> Iterator[None]:
    """Mark accepted warnings, record the run, and add to ``result`` what the history says
    (findings for resubmissions, versions and superseded files per department) before the
    block, which writes the run's outputs from ``result``; the run is committed to the ledger
    only once the block has finished. Outputs that could not be written (the block raises)
    leave no run in the ledger: 状況 never says a consolidation was done whose master is not
    there. The ledger's write lock is held meanwhile (another ``accept`` waits for it)."""
    conn, found = open_ledger(ledger)
    result.findings.extend(found)
    try:
        try:
            conn.execute("BEGIN IMMEDIATE")
            apply_acceptances(conn, result.findings, result.year)
            record = record_run(conn, result, submissions, command, missing_values(result))
            result.findings.extend(record.findings)
            result.versions, result.superseded = record.versions, record.superseded
        except sqlite3.Error as exc:  # locked past the timeout, disk full: the run goes on
            _unavailable(conn, result, ledger, exc)
        try:
            yield
        except BaseException:
            _roll_back(conn)
            raise
        if conn.in_transaction:
            try:
                conn.execute("COMMIT")
            except sqlite3.Error as exc:  # the outputs are written: the ledger says why not
                _unavailable(conn, result, ledger, exc)
    finally:
        conn.close()


def _unavailable(conn: sqlite3.Connection, result: ValidationResult, ledger: Path,
                 exc: sqlite3.Error) -> None:
    _roll_back(conn)
    result.findings.add("ledger-unavailable", file=str(ledger),
                        detail=f"{type(exc).__name__}: {exc}")


def _roll_back(conn: sqlite3.Connection) -> None:
    if conn.in_transaction:
        with suppress(sqlite3.Error):
            conn.execute("ROLLBACK")


def write_department_outputs(out_dir: Path, result: ValidationResult, submissions: Path,
                             outputs: OutputCache | None = None) -> DepartmentFiles:
    """``<out>/担当別/``: each department's annotated workbook (or table) and draft (those
    of a department whose inputs did not change left as they are, see ``outputs``)."""
    files = write_department_files(out_dir / DEPARTMENT_LOG_DIR, result, submissions,
                                   outputs=outputs)
    result.findings.extend(files.findings)
    return files
