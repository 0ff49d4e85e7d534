"""Findings: problems found in user data, as data (never raised one at a time).

A finding has a stable English ``code`` (see :mod:`consolidator.messages`), a severity, a
location (department, file, sheet, cell, field, initiative, indicator, JSON path) and the
Japanese message and action text rendered from the message table.

The severities are defined in :mod:`consolidator.severity` (below the message tables, which
give each code its severity) and named here too, for the modules that build findings.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from consolidator.messages import SEVERITY_LABELS, render
from consolidator.severity import ERROR, INFO, SEVERITY_ORDER, WARNING, Severity

__all__ = ["ERROR", "INFO", "SEVERITY_ORDER", "WARNING", "Finding", "Findings", "Severity",
           "count", "count_accepted", "has_error", "make"]


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    message: str
    action: str = ""
    department: str | None = None
    file: str | None = None
    sheet: str | None = None
    cell: str | None = None
    field_id: str | None = None
    initiative_id: str | None = None
    indicator: str | None = None
    value: str | None = None
    path: str | None = None
    # A warning a manager accepted (``consolidator accept``): who, when and why. It is shown
    # as 承認済み and no longer counted as open (see :func:`count`).
    accepted: str | None = None

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABELS[self.severity]

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    @property
    def is_warning(self) -> bool:
        return self.severity == WARNING

    def to_dict(self) -> dict[str, Any]:
        # Every field is a plain value: a shallow dict is what dataclasses.asdict would give.
        return {name: getattr(self, name) for name in _FIELD_NAMES}


_FIELD_NAMES = tuple(f.name for f in dataclasses.fields(Finding))


def make(code: str, *, value: Any = None, **where: Any) -> Finding:
    """Build a finding from the message table; ``where`` fills both the location fields and
    the placeholders of the message template."""
    severity, message, action = render(code, value=value, **where)
    location = {k: where.get(k) for k in _LOCATION_FIELDS}
    shown = None if value is None else _show(value)
    return Finding(code=code, severity=severity, message=message, action=action,
                   value=shown, **location)


_LOCATION_FIELDS = ("department", "file", "sheet", "cell", "field_id", "initiative_id",
                    "indicator", "path")


def _show(value: Any) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 200 else text[:200] + "…"


def count(findings: Iterable[Finding], severity: Severity) -> int:
    """How many open findings of ``severity`` (an accepted warning is not open)."""
    return sum(1 for f in findings if f.severity == severity and f.accepted is None)


def count_accepted(findings: Iterable[Finding]) -> int:
    return sum(1 for f in findings if f.accepted is not None)


def has_error(findings: Iterable[Finding]) -> bool:
    return any(f.severity == ERROR for f in findings)


@dataclass
class Findings:
    """An ordered collection of findings with the counts a report needs."""

    items: list[Finding] = field(default_factory=list)

    def add(self, code: str, *, value: Any = None, **where: Any) -> Finding:
        item = make(code, value=value, **where)
        self.items.append(item)
        return item

    def extend(self, items: Iterable[Finding]) -> None:
        self.items.extend(items)

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def codes(self) -> list[str]:
        return [f.code for f in self.items]

    def count(self, severity: Severity) -> int:
        return count(self.items, severity)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.items if f.severity == ERROR]

    @property
    def valid(self) -> bool:
        return not self.errors
