"""Where the input columns of a workbook without its field list are: read from its header rows.

A template lists its fields, with their columns, on its identity sheet (``_meta``): a workbook
of any format is read by that list (:mod:`consolidator.reading.field_list`). A copy of its
sheets lost the list, and the formats differ: format 1 showed one past year, format 2 three
(neither had 増減の理由), format 3 has 増減の理由 right of the value. Read with today's columns,
an older copy would put its 未記入の理由 into 増減の理由 and its 理由の説明 into 未記入の理由,
silently. So the columns are taken from the sheet itself:

- the header row is the one row whose first two cells are the template's (ID and 区分 in
  実施状況, ID and 取組み in 活動指標); every format drew them the same;
- each input column is where its header is in that row (内容; the year's 実績値, 増減の理由,
  未記入の理由, 理由の説明). A column whose header is not there is not in that workbook
  (増減の理由 before format 3), and its fields are not asked for;
- the sheet is the one of that name or, renamed in a copy ("Sheet1"), the one sheet of
  another name whose header row is that sheet's.

Nothing is guessed: when there is no such header row or more than one, when the header of a
field every department must fill (内容, 実績値) is missing, or when a header stands in two
columns, the sheet's layout is not determined and :attr:`Layout.unknown` says what was wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from consolidator.messages import fill
from consolidator.messages.submission import LAYOUT_TEXT
from consolidator.reading.raw_workbook import RawWorkbook, is_identity_grid
from consolidator.templates.model import (
    INDICATOR_SHEET,
    KEY_COL,
    META_SHEET,
    TEXT_SHEET,
    Row,
    TemplateModel,
)


@dataclass(frozen=True)
class SheetLayout:
    """One input sheet as a workbook has it."""

    sheet: str  # its name in the workbook
    columns: dict[int, int]  # the model's column of an input field → the workbook's


@dataclass
class Layout:
    """The input sheets of a workbook: where their input columns are, or why that is not
    known (model's sheet name → (the workbook's sheet or the model's name, what is wrong))."""

    sheets: dict[str, SheetLayout] = field(default_factory=dict)
    unknown: dict[str, tuple[str, str]] = field(default_factory=dict)


def read_layout(raw: RawWorkbook, model: TemplateModel) -> Layout:
    """The layout of every input sheet of ``model`` that has fields, from ``raw``'s headers."""
    layout = Layout()
    others = [name for name, grid in raw.grids.items()
              if name not in (TEXT_SHEET, INDICATOR_SHEET, META_SHEET)
              and not is_identity_grid(grid)]
    for sheet, rows in ((TEXT_SHEET, model.text_rows), (INDICATOR_SHEET, model.indicator_rows)):
        fields = [f for f in model.fields if f.sheet == sheet]
        if not fields:
            continue
        header = _header(rows)
        name = sheet if sheet in raw.grids else _renamed(raw, others, header)
        if name is None:
            layout.unknown[sheet] = (sheet, _text("no-sheet", sheet=sheet, **_first(header)))
            continue
        needed = {f.col for f in fields if f.required}
        found = _columns(raw.grids[name], header, sorted({f.col for f in fields}), needed)
        if isinstance(found, str):
            layout.unknown[sheet] = (name, found)
        else:
            layout.sheets[sheet] = SheetLayout(name, found)
    return layout


def _header(rows: list[Row]) -> dict[int, str]:
    return next(row.cells for row in rows if row.style == "header")


def _renamed(raw: RawWorkbook, others: list[str], header: dict[int, str]) -> str | None:
    """The one sheet of another name with the header row of ``header``'s sheet."""
    found = [name for name in others if _header_rows(raw.grids[name], header)]
    return found[0] if len(found) == 1 else None


def _header_rows(grid: list[list[Any]], header: dict[int, str]) -> list[int]:
    """The rows (0-based) whose first two cells are the header's."""
    first, second = _norm(header[KEY_COL]), _norm(header[KEY_COL + 1])
    return [r for r, row in enumerate(grid)
            if len(row) > KEY_COL and _norm(row[KEY_COL - 1]) == first
            and _norm(row[KEY_COL]) == second]


def _columns(grid: list[list[Any]], header: dict[int, str], inputs: list[int],
             needed: set[int]) -> dict[int, int] | str:
    """The model's input columns → the workbook's, or what keeps them from being known."""
    rows = _header_rows(grid, header)
    if len(rows) != 1:
        key = "no-header" if not rows else "headers"
        return _text(key, count=len(rows), **_first(header))
    at: dict[str, list[int]] = {}
    for c, v in enumerate(grid[rows[0]], start=1):
        at.setdefault(_norm(v), []).append(c)
    columns = {}
    for col in inputs:
        places = at.get(_norm(header[col]), [])
        if len(places) > 1:
            return _text("header-twice", header=header[col])
        if places:
            columns[col] = places[0]
        elif col in needed:
            return _text("header-missing", header=header[col])
    return columns


def _first(header: dict[int, str]) -> dict[str, str]:
    """The first two headers, by which the header row is known."""
    return {"first": header[KEY_COL], "second": header[KEY_COL + 1]}


def _text(key: str, **values: object) -> str:
    return fill(LAYOUT_TEXT[key], **values)


def _norm(v: Any) -> str:
    return "" if v is None else " ".join(str(v).split())
