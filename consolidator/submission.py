"""A submission: one returned file as the checks left it — which department and year it is
for, the values accepted from it and the findings about it.

Plain data shared by the stages: made by :mod:`consolidator.checks.validation`, read by
:mod:`consolidator.report` (which therefore never depends on how a file is read).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from consolidator.findings import Finding


@dataclass(frozen=True)
class Identity:
    """Which department, year and plan a workbook says it is for (written by ``generate``,
    or recognised from its content when a copy lost it: then hash and version are empty)."""

    department: str
    year: int
    plan_id: str
    catalog_hash: str
    format_version: str
    recovered: bool = False  # recognised from the content: the stored identity was missing
    # What the department was asked, as ``generate`` wrote it (empty in older templates).
    deadline: str = ""
    contact: str = ""


@dataclass(frozen=True)
class Entry:
    """An accepted value, with where it came from."""

    field_id: str
    value: Any  # number for values; str for texts and reasons
    sheet: str
    cell: str


@dataclass
class Submission:
    """One file from the folder, as far as it could be read."""

    file: str
    department: str | None = None
    identity: Identity | None = None
    modified: str | None = None
    mtime: float = 0.0
    entries: dict[str, Entry] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    file_findings: int = 0  # how many of ``findings`` are about the file (safety, identity)
    used: bool = False
    # What every input cell held as read, accepted or not (field id → value; None = blank):
    # what two versions of a department's workbook are compared on.
    typed: dict[str, Any] = field(default_factory=dict)
    # The file's SHA-256 and size, computed once when it was read (what the ledger records
    # and the result cache is keyed on; empty when the file could not be read).
    sha256: str = ""
    size: int = 0

    @property
    def usable(self) -> bool:
        return self.identity is not None


def comparable(v: Any) -> Any:
    """A value as two versions of a file are compared on it
    (:mod:`consolidator.checks.changes`): blank is None, numbers are floats, texts without
    their line-end differences and surrounding spaces."""
    if v is None or v == "":
        return None
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, (int, float)):
        return float(v)
    return str(v).replace("\r\n", "\n").replace("\r", "\n").strip() or None
