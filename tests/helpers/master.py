"""Reading the master, the validation log and its CSV back, as a person would see them."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path
from typing import Any

import openpyxl

INDICATOR_SHEET_MASTER = "指標一覧"


def sheet_rows(path: Path, sheet: str) -> list[list[Any]]:
    """Every row of one sheet, as lists of cell values (header included)."""
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return [list(r) for r in wb[sheet].iter_rows(values_only=True)]
    finally:
        wb.close()


def table(path: Path, sheet: str) -> list[dict[str, Any]]:
    """A table sheet (header in row 1) as one dict per row."""
    header, *rows = sheet_rows(path, sheet)
    return [dict(zip(header, r, strict=False)) for r in rows]


def cell_values(path: Path) -> dict[str, list[list[Any]]]:
    """sheet → its rows of cell values, for every sheet of the workbook."""
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)]
                for ws in wb.worksheets}
    finally:
        wb.close()


def master_actuals(path: Path) -> dict[str, Any]:
    """指標一覧: 指標ID (the measure id) → 実績値."""
    return {r["指標ID"]: r["実績値"] for r in table(path, INDICATOR_SHEET_MASTER)}


def report_texts(path: Path) -> Counter[str]:
    """Every string cell of the 基本目標N report sheets (as the cells hold them)."""
    return Counter(text for sheet, text in _strings(path) if sheet.startswith("基本目標"))


def all_texts(path: Path) -> list[str]:
    """Every string cell of every sheet."""
    return [text for _sheet, text in _strings(path)]


def _strings(path: Path) -> list[tuple[str, str]]:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return [(ws.title, v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True)
                for v in row if isinstance(v, str)]
    finally:
        wb.close()


def formula_or_link_cells(path: Path) -> list[str]:
    """``sheet!A1`` of every cell that holds a formula or a hyperlink (nothing a department
    typed may become either)."""
    wb = openpyxl.load_workbook(path)
    try:
        return [f"{ws.title}!{c.coordinate}" for ws in wb.worksheets for row in ws.iter_rows()
                for c in row if c.data_type == "f" or c.hyperlink is not None]
    finally:
        wb.close()


def assert_no_formula_or_link(path: Path) -> None:
    assert formula_or_link_cells(path) == [], path.name


def csv_cells(path: Path) -> list[list[str]]:
    """The rows of a CSV log as a spreadsheet program splits them (UTF-8 with BOM)."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))
