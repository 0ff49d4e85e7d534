"""The result of validating a folder: every submission, the one chosen per department, and
all findings (what the log, the console and the master are made from)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from consolidator.findings import ERROR, WARNING, Findings, count, count_accepted
from consolidator.plan.catalog import Catalog
from consolidator.submission import Submission

Progress = Callable[[int, int], None]
"""``progress(done, total)``: called after each file of the folder is checked (``done`` of
``total``), and once with ``(0, total)`` before the first."""

NOTHING_SENT = "unit-missing"  # the finding of a department that sent no file: it is 未提出


@dataclass
class ValidationResult:
    catalog: Catalog
    year: int
    submissions: list[Submission]
    chosen: dict[str, Submission]
    findings: Findings
    # From the ledger, per department: how many versions were received, and the earlier
    # files its used file superseded (empty without a ledger).
    versions: dict[str, int] = field(default_factory=dict)
    superseded: dict[str, list[str]] = field(default_factory=dict)
    # How many files' results were reused from the result cache (their bytes had not changed).
    reused: int = 0

    @property
    def valid(self) -> bool:
        return self.findings.valid

    def department_rows(self) -> list[dict[str, object]]:
        """Per department: received?, file used, files not used, errors, open and accepted
        warnings, versions received and the earlier files superseded."""
        rows = []
        for department in self.catalog.department_names:
            chosen = self.chosen.get(department)
            others = [s.file for s in self.submissions
                      if s.department == department and s is not chosen]
            mine = [f for f in self.findings if f.department == department]
            # a department that sent nothing is 未提出 ("received" False), not one with an error
            errors = [f for f in mine if f.code != NOTHING_SENT]
            rows.append({
                "department": department,
                "received": chosen is not None,
                "file": chosen.file if chosen else "",
                "not_used": others,
                "format_version": chosen.identity.format_version if chosen and chosen.identity
                else "",
                "errors": count(errors, ERROR),
                "warnings": count(mine, WARNING),
                "accepted": count_accepted(mine),
                "versions": self.versions.get(department, 1 if chosen else 0),
                "superseded": self.superseded.get(department, []),
            })
        return rows
