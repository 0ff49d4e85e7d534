"""Writing tables into xlsxwriter workbooks: the log, the master's lists, per-department logs.

One look for every table a manager reads: a header row styled and frozen, an Excel table
with filters, rows sized to their text, A4 landscape one page wide. Cells are written by
:func:`write_cell`: numbers as numbers, everything else as plain strings (never a formula or
a link), cut to Excel's cell limit.
"""

from __future__ import annotations

from typing import Any

from consolidator.cell_text import fit_cell_text
from consolidator.text_layout import FONT, row_height

A4 = 9  # xlsxwriter's paper index


def add_table_sheet(wb: Any, name: str, header: tuple[str, ...], rows: list[list[Any]],
                    widths: tuple[int, ...]) -> Any:
    """A sheet holding one Excel table: header, frozen, filterable; strings stay strings."""
    ws = wb.add_worksheet(name)
    wrap = wb.add_format({"text_wrap": True, "valign": "top", "font_name": FONT})
    head = wb.add_format({"bold": True, "bg_color": "#D9E2F3", "border": 1, "text_wrap": True,
                          "valign": "top", "font_name": FONT})
    for c, w in enumerate(widths):
        ws.set_column(c, c, w, wrap)
    columns = [{"header": h, "header_format": head} for h in header]
    last_row = max(1, len(rows))
    ws.add_table(0, 0, last_row, len(header) - 1, {
        "columns": columns, "style": "Table Style Light 9", "autofilter": True})
    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(row):
            write_cell(ws, r, c, v)
        ws.set_row(r, row_height((str(v), w) for v, w in zip(row, widths, strict=False)
                                 if isinstance(v, str)))
    ws.freeze_panes(1, 0)
    ws.set_landscape()
    ws.set_paper(A4)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)
    return ws


def write_cell(ws: Any, row: int, col: int, value: Any, fmt: Any = None) -> None:
    """Numbers as numbers, everything else as a plain string (never a formula or a link).

    Longer text than a cell holds is cut with a visible marker (the validator has already
    reported it as too long). xlsxwriter answers problems with a return code, not an
    exception: anything but 0 is raised here.
    """
    if value is None or value == "":
        ret = ws.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        ret = ws.write_string(row, col, "TRUE" if value else "FALSE", fmt)
    elif isinstance(value, (int, float)):
        ret = ws.write_number(row, col, value, fmt)
    else:
        ret = ws.write_string(row, col, fit_cell_text(str(value)), fmt)
    if ret not in (0, None):
        raise RuntimeError(f"xlsxwriter returned {ret} for cell ({row}, {col})")
