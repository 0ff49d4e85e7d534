"""Reading the plan workbook's sheets into rows of checked values (for :mod:`.workbook_import`).

Each record sheet is found by its name and each column by its heading (extra columns are
ignored); every non-empty row becomes a :class:`Row` of values converted by the column's
kind (:mod:`.workbook_cells`), with the address of each cell. The :class:`Book` keeps the
findings and, for every JSON path of the catalog being built, the sheet and cell it came
from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from consolidator.cell_address import a1
from consolidator.findings import Findings
from consolidator.messages.plan_book import PLAN_BOOK_ITEMS
from consolidator.plan.workbook_cells import Cells, Grid, blank
from consolidator.plan.workbook_layout import (
    PLAN_ITEM_KINDS,
    PLAN_SHEET,
    RECORD_SHEETS,
    REQUIRED_ITEMS,
    Column,
    Sheet,
    choice_lists,
)

Place = tuple[str, str]  # (sheet, cell)


@dataclass
class Row:
    number: int  # the row in the sheet (1-based)
    values: dict[str, Any]
    cells: dict[str, str]  # column key → A1 address


@dataclass
class Book:
    """The workbook being read: its rows, the findings, and where each JSON path came from."""

    file: str
    cells: Cells
    where: dict[str, Place] = field(default_factory=dict)
    former: dict[str, str] = field(default_factory=dict)  # former name → name now
    dropped: set[str] = field(default_factory=set)  # measures of rows already reported

    @property
    def findings(self) -> Findings:
        return self.cells.findings


def read_tables(book: Book, grids: dict[str, Grid]) -> dict[str, list[Row]] | None:
    """Every record sheet's rows, by sheet key; None when a sheet or a column is missing."""
    ok = PLAN_SHEET in grids
    if not ok:
        book.findings.add("plan-book-sheet-missing", sheet=PLAN_SHEET, file=book.file)
    lists = choice_lists()
    lists["department"] = []  # any name: checked against 担当一覧 by the catalog's rules
    tables: dict[str, list[Row]] = {}
    for sheet in RECORD_SHEETS:
        grid = grids.get(sheet.name)
        if grid is None:
            if not sheet.optional:
                book.findings.add("plan-book-sheet-missing", sheet=sheet.name, file=book.file)
                ok = False
            tables[sheet.key] = []
            continue
        rows = _rows(book, sheet, grid, lists)
        ok = ok and rows is not None
        tables[sheet.key] = rows or []
    return tables if ok else None


def _rows(book: Book, sheet: Sheet, grid: Grid, lists: dict[str, list[str]]
          ) -> list[Row] | None:
    header = [str(v).strip() if not blank(v) else "" for v in (grid[0] if grid else [])]
    cols: dict[str, int] = {}
    for column in sheet.columns:
        heading = sheet.heading(column)
        if heading in header:
            cols[column.key] = header.index(heading) + 1
        elif not (column.reference or column.added):
            book.findings.add("plan-book-column-missing", sheet=sheet.name, cell="1",
                              value=heading)
    if any(c.key not in cols and not (c.reference or c.added) for c in sheet.columns):
        return None
    out = []
    for r, raw in enumerate(grid[1:], start=2):
        cells = {k: raw[c - 1] if c <= len(raw) else None for k, c in cols.items()}
        if all(blank(v) for v in cells.values()):
            continue
        values: dict[str, Any] = {}
        places: dict[str, str] = {}
        for column in sheet.columns:
            if column.reference:
                continue
            if column.key not in cols:  # a column added since the workbook was exported
                values[column.key], places[column.key] = None, a1(r, 1)
                continue
            col = cols[column.key]
            places[column.key] = a1(r, col)
            values[column.key] = book.cells.convert(
                cells[column.key], column, sheet.heading(column), sheet.name, r, col,
                lists.get(column.choices or "") if column.kind == "choice" else None)
            if column.required and values[column.key] in (None, []) \
                    and (sheet.name, places[column.key]) not in book.cells.reported:
                book.cells.report("plan-book-required", sheet.name, places[column.key],
                                  label=sheet.heading(column))
        out.append(Row(r, values, places))
    return out


def plan_items(book: Book, grid: Grid) -> dict[str, Any]:
    names = {name: key for key, (name, _) in PLAN_BOOK_ITEMS.items()}
    items: dict[str, Any] = {}
    for r, row in enumerate(grid[1:], start=2):
        key = names.get(str(row[0]).strip() if row and not blank(row[0]) else "")
        if key is None:
            continue
        raw = row[1] if len(row) > 1 else None
        column = Column(key, PLAN_ITEM_KINDS.get(key, "text"))
        items[key] = book.cells.convert(raw, column, PLAN_BOOK_ITEMS[key][0], PLAN_SHEET, r, 2)
        book.where[f"plan.{key}"] = (PLAN_SHEET, a1(r, 2))
    for key in REQUIRED_ITEMS:
        if key not in items:
            book.findings.add("plan-book-item-missing", sheet=PLAN_SHEET,
                              value=PLAN_BOOK_ITEMS[key][0])
        elif items[key] is None and book.where[f"plan.{key}"] not in book.cells.reported:
            book.cells.report("plan-book-required", PLAN_SHEET, book.where[f"plan.{key}"][1],
                              label=PLAN_BOOK_ITEMS[key][0])
    return items


def remember(book: Book, path: str, sheet: Sheet, row: Row,
              keys: dict[str, str] | None = None) -> None:
    """Where the record at ``path`` and each of its fields (column key → JSON key) are."""
    book.where[path] = (sheet.name, row.cells[sheet.columns[0].key])
    for column_key, json_key in (keys or {c: c for c in row.cells}).items():
        book.where[f"{path}.{json_key}"] = (sheet.name, row.cells[column_key])
