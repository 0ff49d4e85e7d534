"""Copies of a filled workbook that lose its identity, the way people make them.

- :func:`values_copy`: the visible sheets copied cell by cell into a new, blank workbook with
  openpyxl (a "clean copy", or pasting into one's own file): no custom properties, no hidden
  ``_meta``, no defined names, no merged cells, no validation, no protection; the number
  formats only when asked.
- :func:`strip_identity`: the same file with some of its identity removed in place (custom
  properties, the ``_meta`` sheet, the defined names), as Excel's *Move or Copy → new book*
  does (it keeps the names of the copied sheets).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.cell.cell import MergedCell

from consolidator.templates.model import META_SHEET


def values_copy(src: Path, dst: Path, *, sheets: Iterable[str] | None = None,
                number_formats: bool = False,
                delete_rows: dict[str, list[int]] | None = None,
                append_rows: dict[str, list[list[Any]]] | None = None) -> Path:
    """Copy the visible sheets of ``src`` (or ``sheets``, in that order) value by value into a
    new workbook saved as ``dst``. ``delete_rows``: sheet → row numbers of ``src`` left out
    (the rows below move up); ``append_rows``: sheet → rows of values added at the end."""
    wb = openpyxl.load_workbook(src)
    names = list(sheets) if sheets is not None else [
        ws.title for ws in wb.worksheets if ws.sheet_state == "visible"]
    out = openpyxl.Workbook()
    assert out.active is not None
    out.remove(out.active)
    for name in names:
        ws, copy = wb[name], out.create_sheet(name)
        skipped = set((delete_rows or {}).get(name, ()))
        r = 0
        for row in ws.iter_rows():
            if row and row[0].row in skipped:
                continue
            r += 1
            for cell in row:
                if isinstance(cell, MergedCell) or cell.value is None:
                    continue
                new = copy.cell(row=r, column=cell.column, value=cell.value)
                if isinstance(cell.value, str):
                    new.data_type = "s"
                if number_formats:
                    new.number_format = cell.number_format
        for values in (append_rows or {}).get(name, []):
            copy.append(values)
    out.save(dst)
    return dst


def row_values(path: Path, sheet: str, first_key: str) -> list[list[Any]]:
    """Every row of ``sheet`` whose column A starts with ``first_key`` (a block to paste)."""
    wb = openpyxl.load_workbook(path)
    return [[c.value for c in row] for row in wb[sheet].iter_rows()
            if isinstance(row[0].value, str) and row[0].value.startswith(first_key)]


def strip_identity(path: Path, *, properties: bool = False, meta: bool = False,
                   names: bool = False) -> Path:
    """Remove from ``path``, in place, its custom properties, its ``_meta`` sheet and/or its
    defined names."""
    wb = openpyxl.load_workbook(path)
    if properties:
        for prop in list(wb.custom_doc_props):
            wb.custom_doc_props.props.remove(prop)
    if meta:
        wb.remove(wb[META_SHEET])
    if names:
        for name in list(wb.defined_names):
            del wb.defined_names[name]
    wb.save(path)
    return path
