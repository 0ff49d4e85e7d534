"""Validating a folder and asking its findings where they are."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from consolidator.checks.validation import ValidationResult, validate_folder
from consolidator.findings import Finding
from consolidator.plan.catalog import Catalog
from helpers.filling import fields_of

YEAR = 2022  # the report year of tests/data/mini_plan.json (令和4年度)


def validate(folder: Path, catalog: Catalog, year: int = YEAR) -> ValidationResult:
    """``validate_folder`` with one worker (the tests run many small folders)."""
    return validate_folder(folder, catalog, year, workers=1)


def where(findings: Iterable[Finding], code: str, file: str | None = None
          ) -> list[tuple[Any, ...]]:
    """(department, sheet, cell) of every finding with ``code`` (of ``file``, if given)."""
    return [(f.department, f.sheet, f.cell) for f in findings
            if f.code == code and (file is None or f.file == file)]


def of_file(findings: Iterable[Finding], file: str) -> list[Finding]:
    return [f for f in findings if f.file == file]


def empty_template_findings(template: Path) -> Counter[tuple[str, str, str]]:
    """What an untouched template must produce: (code, sheet, cell) for every required field
    left empty; nothing else."""
    expected: Counter[tuple[str, str, str]] = Counter()
    required = _required_fields(template)
    for fid, row in fields_of(template).items():
        if row["role"] == "value":
            expected[("value-missing", row["sheet"], row["cell"])] += 1
        elif row["role"] in ("status", "plan") and required[fid]:
            code = "status-empty" if row["role"] == "status" else "plan-empty"
            expected[(code, row["sheet"], row["cell"])] += 1
    return expected


def _required_fields(template: Path) -> dict[str, bool]:
    """The ``required`` flag of every field, from the identity sheet the template carries."""
    from consolidator.reading.field_map import stored_fields
    from consolidator.reading.workbook import read_workbook

    raw = read_workbook(template)
    grid = next(g for g in raw.grids.values() if g and g[0] and g[0][0] == "format_version")
    return {f.field_id: f.required for f in stored_fields(raw, grid)}
