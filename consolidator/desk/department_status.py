"""What the 状況 page shows: one row per department, from the ledger — the numbers
``consolidator status`` prints — with each department's findings from the folder's validation.

:func:`status_view` is the one place the page takes its numbers from:

- when the ledger's latest run for the year recorded exactly the files in the folder now (the
  same names with the same SHA-256), each row is :func:`consolidator.ledger.status.ledger_status`'s
  row: received, file used, versions received, errors, open and accepted warnings, when the
  latest version arrived; and the count of indicator values still missing is the ledger's;
- otherwise (no run yet, files added or changed since, the plan replaced on 計画, a ledger that
  cannot be read) the rows come from the validation of the folder as it is now
  (:func:`department_status`, the numbers the next run will record, without the history:
  versions are the files in the folder, no arrival time), and the page offers to validate the
  folder, which records the run.

Either way, the findings listed under a department are the folder's, marked as the next run
would mark them: the warnings the ledger says were accepted as accepted
(:func:`consolidator.ledger.acceptance.apply_acceptances`), and a department's earlier version
still in the folder as such, not as a second file puzzling over
(:func:`consolidator.ledger.records.earlier_versions_known`).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from consolidator.checks.result import NOTHING_SENT, ValidationResult
from consolidator.findings import ERROR, WARNING, Finding, Findings, count, count_accepted
from consolidator.jobs.correction import missing_values
from consolidator.ledger.acceptance import apply_acceptances
from consolidator.ledger.records import earlier_versions_known
from consolidator.ledger.status import Status, ledger_status, recorded_files


@dataclass(frozen=True)
class StatusRow:
    """One row of 状況."""

    department: str
    received: bool
    file: str  # the file used ("" when none)
    versions: int  # versions received (the ledger's; else the department's files in the folder)
    errors: int
    warnings: int  # open warnings
    accepted: int  # accepted warnings
    last_seen: str | None = None  # when its latest version first arrived (the ledger's)
    findings: list[Finding] = field(default_factory=list)


@dataclass(frozen=True)
class UnplacedFile:
    """A file no department could be told from (not a template, hostile, unreadable)."""

    file: str
    findings: list[Finding]


@dataclass(frozen=True)
class StatusView:
    """Everything 状況 shows."""

    rows: list[StatusRow]
    unplaced: list[UnplacedFile]
    missing_values: int
    recorded: Status | None  # the ledger's status, when it is of the folder as it is now
    # the ledger has no run of the folder as it is now (and there is one to make)
    needs_validation: bool
    ledger_problem: str | None = None  # why the ledger could not be read (its error), if so
    plan_replaced: bool = False  # the ledger's runs were made with the plan replaced since

    @property
    def nothing_yet(self) -> bool:
        """Nothing has come in: no department's file, no file at all, no run recorded."""
        return not any(r.received or r.versions for r in self.rows) and not self.unplaced \
            and not self.needs_validation and self.recorded is None

    @property
    def errors(self) -> int:
        return sum(r.errors for r in self.rows) + sum(count(u.findings, ERROR)
                                                      for u in self.unplaced)

    @property
    def warnings(self) -> int:
        return sum(r.warnings for r in self.rows) + sum(count(u.findings, WARNING)
                                                        for u in self.unplaced)

    @property
    def accepted(self) -> int:
        return sum(r.accepted for r in self.rows)


def status_view(result: ValidationResult, ledger: Path, digests: dict[str, str], *,
                trust_ledger: bool = True) -> StatusView:
    """状況 for the folder whose validation is ``result`` and whose files have the SHA-256
    ``digests`` (name → hash, the names ``result`` gives them), with the ledger file
    ``ledger`` (only read, and brought to the current schema). ``trust_ledger`` False: the
    ledger's runs were made with another plan (replaced since), its numbers are not used."""
    catalog, year = result.catalog, result.year
    findings, recorded, problem = list(result.findings), None, None
    try:
        findings = marked(ledger, result, digests)
        files = recorded_files(ledger, year)
        if trust_ledger and files == digests:
            recorded = ledger_status(ledger, catalog.department_names, year)
    except sqlite3.Error as exc:  # damaged, newer, locked past the timeout: the next run says
        problem, files = f"{type(exc).__name__}: {exc}", None
    marked_result = ValidationResult(catalog, year, result.submissions, result.chosen,
                                      Findings(findings))
    unplaced = unplaced_files(findings)
    if recorded is not None:
        return StatusView(from_ledger(recorded, findings), unplaced, recorded.missing_values,
                          recorded, needs_validation=False)
    return StatusView(department_status(marked_result), unplaced,
                      missing_values(marked_result), None,
                      needs_validation=bool(digests) or files is not None, ledger_problem=problem,
                      plan_replaced=not trust_ledger and files is not None)


def marked(ledger: Path, result: ValidationResult, digests: dict[str, str]) -> list[Finding]:
    """``result``'s findings as the next run would mark them from the ledger: the warnings
    accepted for its fiscal year, earlier versions (a copy; ``result`` is left as it is)."""
    from consolidator.ledger.schema import migrated

    if not ledger.is_file():
        return list(result.findings)
    copy = ValidationResult(result.catalog, result.year, result.submissions, result.chosen,
                            Findings(list(result.findings)))
    with migrated(ledger) as conn:
        earlier_versions_known(conn, copy, digests)
        apply_acceptances(conn, copy.findings, result.year)
    return copy.findings.items


def from_ledger(status: Status, findings: list[Finding]) -> list[StatusRow]:
    """The ledger's rows (``consolidator status``), each with the department's findings."""
    mine = _by_department(findings)
    return [StatusRow(
        department=d.department, received=d.submitted, file=d.file or "", versions=d.versions,
        errors=d.errors, warnings=d.warnings, accepted=d.accepted, last_seen=d.last_seen,
        findings=mine.get(d.department, [])) for d in status.departments]


def department_status(result: ValidationResult) -> list[StatusRow]:
    """One row per department of the catalog, in the catalog's order, from the validation
    alone (the numbers of the command line's table and the log's 担当別 sheet,
    :meth:`ValidationResult.department_rows`), for a folder the ledger has no run of. As
    ``consolidator status`` counts them, a department that sent nothing is not received, and
    not a department with an error as well."""
    mine = _by_department(result.findings)
    rows = []
    for row in result.department_rows():
        department = str(row["department"])
        not_used = cast(list[str], row["not_used"])
        rows.append(StatusRow(
            department=department, received=bool(row["received"]), file=str(row["file"]),
            versions=len(not_used) + (1 if row["received"] else 0),
            errors=count([f for f in mine.get(department, []) if f.code != NOTHING_SENT],
                         ERROR),
            warnings=cast(int, row["warnings"]),
            accepted=count_accepted(mine.get(department, [])),
            findings=mine.get(department, [])))
    return rows


def _by_department(findings: Findings | list[Finding]) -> dict[str, list[Finding]]:
    mine: dict[str, list[Finding]] = {}
    for f in findings:
        if f.department:
            mine.setdefault(f.department, []).append(f)
    return mine


def unplaced_files(findings: Findings | list[Finding]) -> list[UnplacedFile]:
    """Every file whose findings name no department, with those findings, by file name."""
    by_file: dict[str, list[Finding]] = {}
    for f in findings:
        if f.department is None and f.file:
            by_file.setdefault(f.file, []).append(f)
    return [UnplacedFile(name, found) for name, found in sorted(by_file.items())]
