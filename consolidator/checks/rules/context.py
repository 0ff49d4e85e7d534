"""What the value rules share: the findings and the accepted entries of one workbook
(:class:`RuleContext`), and how a cell's value is read as text."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from consolidator.findings import Finding, make
from consolidator.submission import Entry
from consolidator.templates.model import Field, TemplateModel


class RuleContext:
    """One workbook's run of the rules: ``model`` (its department's template), ``file`` (how
    the log names it), the findings so far and the accepted entries (field id → value)."""

    def __init__(self, model: TemplateModel, file: str) -> None:
        self.model = model
        self.file = file
        self.findings: list[Finding] = []
        self.entries: dict[str, Entry] = {}

    def add(self, code: str, read: Any, **extra: Any) -> None:
        """A finding ``code`` at the cell of ``read`` (a field read from the workbook)."""
        f: Field = read.field
        self.findings.append(make(
            code, file=self.file, department=self.model.department, sheet=read.sheet,
            cell=read.cell,
            field_id=f.field_id, initiative_id=f.initiative_id, indicator=f.indicator_name,
            label=f.label, **extra))

    def accept(self, read: Any, value: Any) -> None:
        """``value`` accepted for the field of ``read``: what the master may use."""
        self.entries[read.field.field_id] = Entry(read.field.field_id, value, read.sheet, read.cell)


def as_text(v: Any) -> str:
    """A cell's value as the text a person typed ("" for blank)."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, (datetime, date, time)):
        return v.isoformat()
    return str(v).replace("\r\n", "\n").strip()


def is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)
