"""What the 状況 page shows per department, from one validation of the submissions folder.

:func:`department_status` is the one place the page takes its numbers from. Today it reads a
:class:`~consolidator.checks.result.ValidationResult` (the same numbers as the command line's
table and the log's 担当別 sheet: :meth:`ValidationResult.department_rows`). When the ledger
of every file exists (versions seen over time, accepted warnings), its status function
replaces this one and the page stays as it is: it only reads :class:`DepartmentStatus`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import cast

from consolidator.checks.result import ValidationResult
from consolidator.findings import Finding


@dataclass(frozen=True)
class DepartmentStatus:
    """One row of 状況."""

    department: str
    received: bool
    file: str  # the file used ("" when none)
    versions: int  # files received for the department (today: those in the folder)
    errors: int
    warnings: int  # open warnings
    accepted: int | None  # accepted warnings; None until the ledger records acceptances
    findings: list[Finding] = field(default_factory=list)


@dataclass(frozen=True)
class UnplacedFile:
    """A file no department could be told from (not a template, hostile, unreadable)."""

    file: str
    findings: list[Finding]


def department_status(result: ValidationResult) -> list[DepartmentStatus]:
    """One row per department of the catalog, in the catalog's order."""
    mine: dict[str, list[Finding]] = {}
    for f in result.findings:
        if f.department:
            mine.setdefault(f.department, []).append(f)
    rows = []
    for row in result.department_rows():
        department = str(row["department"])
        not_used = cast(list[str], row["not_used"])
        rows.append(DepartmentStatus(
            department=department, received=bool(row["received"]), file=str(row["file"]),
            versions=len(not_used) + (1 if row["received"] else 0),
            errors=cast(int, row["errors"]), warnings=cast(int, row["warnings"]), accepted=None,
            findings=mine.get(department, [])))
    return rows


def unplaced_files(result: ValidationResult) -> list[UnplacedFile]:
    """Every file whose findings name no department, with those findings, by file name."""
    by_file: dict[str, list[Finding]] = {}
    for f in result.findings:
        if f.department is None and f.file:
            by_file.setdefault(f.file, []).append(f)
    return [UnplacedFile(name, found) for name, found in sorted(by_file.items())]
