"""The table behind the published report as open data (総務省「機械判読可能なデータの表記方法の
統一ルール」): ``指標一覧_令和N年度.csv`` (UTF-8 with BOM, CRLF) and ``.xlsx`` (xlsxwriter) —
one row per measure, one header row, no merged cells, numbers as numbers, the unit in its own
column, 年度 as the western year with 和暦 beside it. Text cells go through
:func:`~consolidator.cell_text.csv_cell` (CSV) and
:func:`~consolidator.table_sheets.write_cell` (xlsx): never a formula.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from consolidator.atomic import write_text_atomic, write_with
from consolidator.cell_text import XLSX_OPTIONS, csv_table
from consolidator.japanese_values import wareki
from consolidator.messages import fill
from consolidator.messages.outputs import JUDGEMENT_TEXT
from consolidator.messages.publish import OPEN_DATA_COLUMNS, OPEN_DATA_SHEET, WAREKI_YEAR
from consolidator.report.merge import Consolidated
from consolidator.table_sheets import write_cell
from consolidator.text_layout import FONT

WIDTHS = (6, 10, 11, 24, 24, 9, 28, 32, 14, 24, 8, 8, 8, 8, 10, 30, 20)


def open_data_rows(c: Consolidated) -> list[list[Any]]:
    """One row per measure, in :data:`OPEN_DATA_COLUMNS`' order; 達成率 as a fraction."""
    rows = []
    for m in c.measures:
        mv = m.measure
        ini = mv.initiative
        rows.append([
            c.year, fill(WAREKI_YEAR, year=wareki(c.year)), mv.id, ini.goal["title"],
            ini.activity["title"], ini.id, ini.title, mv.name, mv.owner,
            mv.target_text, m.target, mv.unit,
            m.value, m.achievement, JUDGEMENT_TEXT[m.judgement],
            m.explanation if m.value is not None else None,
            m.reason_words if m.value is None else None,
        ])
    return rows


def write_open_data_csv(path: Path, rows: list[list[Any]]) -> Path:
    """The CSV of :func:`open_data_rows`: BOM, CRLF, a header row, then one row per measure."""
    return write_text_atomic(path, csv_table(list(OPEN_DATA_COLUMNS.values()), rows),
                             encoding="utf-8-sig")


def write_open_data_xlsx(path: Path, rows: list[list[Any]]) -> Path:
    """The same table as one sheet: a plain header row (no table object, no merge), frozen."""
    return write_with(path, lambda tmp: _xlsx(tmp, rows))


def _xlsx(path: Path, rows: list[list[Any]]) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), XLSX_OPTIONS)
    try:
        ws = wb.add_worksheet(OPEN_DATA_SHEET)
        head = wb.add_format({"bold": True, "font_name": FONT, "text_wrap": True,
                              "valign": "top"})
        plain = wb.add_format({"font_name": FONT, "text_wrap": True, "valign": "top"})
        rate = wb.add_format({"font_name": FONT, "valign": "top", "num_format": "0.0%"})
        keys = list(OPEN_DATA_COLUMNS)
        for col, heading in enumerate(OPEN_DATA_COLUMNS.values()):
            ws.set_column(col, col, WIDTHS[col] if col < len(WIDTHS) else 12)
            ws.write_string(0, col, heading, head)
        pct = keys.index("achievement")
        for r, row in enumerate(rows, start=1):
            for col, v in enumerate(row):
                write_cell(ws, r, col, v, rate if col == pct else plain)
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, max(1, len(rows)), len(keys) - 1)
        wb.set_properties({"title": OPEN_DATA_SHEET, "author": "consolidator"})
    finally:
        wb.close()
