"""The result of validating a folder: every submission, the one chosen per department, and
all findings (what the log, the console and the master are made from)."""

from __future__ import annotations

from dataclasses import dataclass

from consolidator.findings import ERROR, WARNING, Findings, count
from consolidator.plan.catalog import Catalog
from consolidator.submission import Submission


@dataclass
class ValidationResult:
    catalog: Catalog
    year: int
    submissions: list[Submission]
    chosen: dict[str, Submission]
    findings: Findings

    @property
    def valid(self) -> bool:
        return self.findings.valid

    def department_rows(self) -> list[dict[str, object]]:
        """Per department: received?, file used, files not used, errors, warnings."""
        rows = []
        for department in self.catalog.department_names:
            chosen = self.chosen.get(department)
            others = [s.file for s in self.submissions
                      if s.department == department and s is not chosen]
            mine = [f for f in self.findings if f.department == department]
            rows.append({
                "department": department,
                "received": chosen is not None,
                "file": chosen.file if chosen else "",
                "not_used": others,
                "format_version": chosen.identity.format_version if chosen and chosen.identity
                else "",
                "errors": count(mine, ERROR),
                "warnings": count(mine, WARNING),
            })
        return rows
