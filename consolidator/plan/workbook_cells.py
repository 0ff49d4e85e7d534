"""Reading the plan workbook's cells: the sheets' values, and one cell by its column's kind.

The cells are read with python-calamine (values only, as the other readers of the toolkit
do). A cell's text is taken as it is; a number, a year, a flag, a drop-down value or a list of
names is checked and converted (:data:`~.workbook_layout.ColumnKind`). A cell that cannot be
read is a finding at its sheet and cell, never a guess and never 0.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from consolidator.cell_address import a1
from consolidator.findings import Findings
from consolidator.japanese_values import (
    NUMBER_PATTERN,
    normalize_text,
    parse_fiscal_year,
    to_number,
)
from consolidator.plan.workbook_layout import FLAG, SEPARATOR, Column, ColumnKind

Grid = list[list[Any]]
_NUMBER = re.compile(rf"^-?(?:{NUMBER_PATTERN})$")
_LIST_SPLIT = re.compile(rf"[{re.escape(SEPARATOR)},\n]")
_TRUE = (FLAG, "TRUE", "1")


class UnreadableBook(Exception):
    """The file is not a workbook python-calamine can read."""


def read_sheets(path: Path) -> dict[str, Grid]:
    """Every sheet's values, by sheet name (integral numbers as int). Raises
    :class:`UnreadableBook` for a file that cannot be read."""
    import python_calamine

    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        try:
            return {name: [[_plain(v) for v in row]
                           for row in book.get_sheet_by_name(name).to_python(
                               skip_empty_area=False)]
                    for name in book.sheet_names}
        finally:
            book.close()
    except (python_calamine.CalamineError, OSError, ValueError) as exc:
        raise UnreadableBook(f"{type(exc).__name__}: {exc}") from exc


def _plain(v: Any) -> Any:
    if isinstance(v, float) and v.is_integer() and abs(v) < 2**53:
        return int(v)
    return v


def blank(v: Any) -> bool:
    return v is None or v == ""


@dataclass
class Cells:
    """Where findings about cells go; remembers the cells already reported."""

    findings: Findings
    reported: set[tuple[str, str]]

    def report(self, code: str, sheet: str, cell: str, **values: Any) -> None:
        self.reported.add((sheet, cell))
        self.findings.add(code, sheet=sheet, cell=cell, **values)

    def convert(self, raw: Any, column: Column, label: str, sheet: str, row: int, col: int,
                choices: list[str] | None = None) -> Any:
        """The value of one cell as its column's kind says (None for a blank cell); a cell
        that breaks the kind is reported and read as blank."""
        if blank(raw):
            return None
        value, ok = _converted(raw, column.kind, choices)
        if ok:
            return value
        cell = a1(row, col)
        shown = raw if isinstance(raw, str) else repr(raw)
        if column.kind in ("choice", "flag"):
            self.report("plan-book-bad-choice", sheet, cell, label=label, value=shown,
                        choices=SEPARATOR.join(choices or [FLAG]))
        else:
            self.report("plan-book-not-number", sheet, cell, label=label, value=shown)
        return None


def _converted(raw: Any, kind: ColumnKind, choices: list[str] | None) -> tuple[Any, bool]:
    number = isinstance(raw, (int, float)) and not isinstance(raw, bool)
    if kind == "text":
        return (str(raw) if not number else _number_text(raw)), True
    if kind == "id":
        return (_number_text(raw) if number else str(raw).strip()), True
    if kind in ("int", "number", "year"):
        value = raw if number else _number(str(raw))
        if kind == "year" and value is None and isinstance(raw, str):
            value = parse_fiscal_year(raw)
        if value is None or (kind != "number" and not float(value).is_integer()):
            return None, False
        return (value if kind == "number" else int(value)), True
    if kind == "flag":
        return True, str(raw).strip().upper() in _TRUE or raw is True
    if kind == "choice":
        text = str(raw).strip()
        return text, text in (choices or [])
    names = [n.strip() for n in _LIST_SPLIT.split(str(raw))]
    return [n for n in names if n], True


def _number(text: str) -> int | float | None:
    t = normalize_text(text)
    return to_number(t) if _NUMBER.match(t) else None


def _number_text(v: int | float) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)
