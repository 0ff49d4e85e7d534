"""Writing tables into xlsxwriter workbooks: the log, the master's lists, per-department logs.

One look for every table a manager reads: a header row styled and frozen, an Excel table
with filters, rows sized to their text, a number's heading aligned right above it. On paper
(A4 landscape, the heading row on every page) the text prints at :data:`FLOOR_POINTS` or more:
see :func:`set_print_layout`. Cells are written by
:func:`write_cell`: numbers as numbers, everything else as plain strings (never a formula or
a link), cut to Excel's cell limit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from consolidator.cell_text import fit_cell_text
from consolidator.colours import HEADER_FILL, css
from consolidator.text_layout import FONT, row_height

A4 = 9  # xlsxwriter's paper index
FONT_POINTS = 11.0  # xlsxwriter's default size, the size of every table cell
FLOOR_POINTS = 8.0  # the smallest text a table prints at (issue 24)


def floor_scale(points: float) -> int:
    """The smallest print scale in percent at which text of ``points`` prints at
    :data:`FLOOR_POINTS` or more."""
    return math.ceil(100 * FLOOR_POINTS / points)


FLOOR_SCALE = floor_scale(FONT_POINTS)  # 73 %
# A4 landscape less the side margins, in points; and a column's width in points at 100 % as
# LibreOffice Calc lays it out: UNIT_POINTS per width unit and COLUMN_POINTS more per column
# (measured from its PDFs; wider than Excel's 7 pixels per unit + 5, so a table that fits
# Calc's page fits Excel's).
SIDE_MARGIN_INCHES = 0.4
PRINTABLE_POINTS = 842 - 2 * 72 * SIDE_MARGIN_INCHES
UNIT_POINTS = 7.0
COLUMN_POINTS = 6.0


@dataclass(frozen=True)
class PreparedTable:
    """A table's rows made ready to write (:func:`prepare_table`): each text already cut to
    a cell's limit, each row's height, which columns hold numbers. Made once, it is written
    into as many workbooks as show the table (the log sheet: the master and the log)."""

    header: tuple[str, ...]
    widths: tuple[int, ...]
    rows: list[list[Any]]
    heights: list[float]
    numeric: list[bool]


def prepare_table(header: tuple[str, ...], rows: list[list[Any]], widths: tuple[int, ...]
                  ) -> PreparedTable:
    """``rows`` under ``header`` made ready for :func:`add_prepared_sheet`."""
    heights = [row_height(((str(v), w) for v, w in zip(row, widths, strict=False)
                           if isinstance(v, str)), points=FONT_POINTS) for row in rows]
    fitted = [[fit_cell_text(v) if isinstance(v, str) else v for v in row] for row in rows]
    return PreparedTable(header, widths, fitted, heights,
                         [_numeric(rows, c) for c in range(len(header))])


def add_table_sheet(wb: Any, name: str, header: tuple[str, ...], rows: list[list[Any]],
                    widths: tuple[int, ...], printed: int | None = None) -> Any:
    """A sheet holding one Excel table: header, frozen, filterable; strings stay strings.

    ``printed``: how many leading columns print (default all): the machine columns a reader
    does not need on paper (項目ID, 出典, コード) are the table's last; they stay in the
    sheet."""
    return add_prepared_sheet(wb, name, prepare_table(header, rows, widths), printed)


def add_prepared_sheet(wb: Any, name: str, table: PreparedTable, printed: int | None = None
                       ) -> Any:
    """:func:`add_table_sheet` of a table already prepared (:func:`prepare_table`)."""
    header, widths, rows = table.header, table.widths, table.rows
    ws = wb.add_worksheet(name)
    wrap = wb.add_format({"text_wrap": True, "valign": "top", "font_name": FONT})
    head_style = {"bold": True, "bg_color": css(HEADER_FILL), "border": 1, "text_wrap": True,
                  "valign": "top", "font_name": FONT}
    head = wb.add_format(head_style)
    head_right = wb.add_format({**head_style, "align": "right"})
    for c, w in enumerate(widths):
        ws.set_column(c, c, w, wrap)
    columns = [{"header": h, "header_format": head_right if table.numeric[c] else head}
               for c, h in enumerate(header)]
    last_row = max(1, len(rows))
    ws.add_table(0, 0, last_row, len(header) - 1, {
        "columns": columns, "style": "Table Style Light 9", "autofilter": True})
    for r, (row, height) in enumerate(zip(rows, table.heights, strict=True), start=1):
        for c, v in enumerate(row):
            write_cell(ws, r, c, v, fitted=True)
        ws.set_row(r, height)
    ws.set_row(0, row_height(zip(header, widths, strict=False), points=FONT_POINTS))
    ws.freeze_panes(1, 0)
    printed = len(header) if printed is None else printed
    if printed < len(header):
        ws.print_area(0, 0, last_row, printed - 1)
    set_print_layout(ws, widths[:printed])
    return ws


def set_page(ws: Any) -> None:
    """A4 landscape with narrow side margins: the paper of every sheet a manager prints."""
    ws.set_landscape()
    ws.set_paper(A4)
    ws.set_margins(left=SIDE_MARGIN_INCHES, right=SIDE_MARGIN_INCHES, top=0.6, bottom=0.6)


def set_print_layout(ws: Any, widths: Sequence[float]) -> None:
    """A4 landscape, narrow side margins, the first row on every page, and a scale that keeps
    the text at :data:`FLOOR_POINTS` or more: one page wide (fit to width) when the columns
    ``widths`` fit at that scale, else the floor scale itself, the first column repeated on
    every page across. (xlsxwriter cannot give fit-to-width a floor, so the scale is computed
    here from the widths: :func:`fit_scale`.)"""
    set_page(ws)
    ws.repeat_rows(0)
    if fit_scale(widths) >= FLOOR_SCALE:
        ws.fit_to_pages(1, 0)
    else:
        ws.set_print_scale(FLOOR_SCALE)
        ws.repeat_columns(0)


def set_scaled_layout(ws: Any, widths: Sequence[float], points: float) -> int:
    """A4 landscape at the scale that fits columns ``widths`` one page wide, never below
    the floor of text ``points`` (:func:`floor_scale`); returns the scale. A fixed scale, not
    fit-to-width: Excel drops manual page breaks when it fits a sheet to pages, and the
    report sheets break before each 取組み."""
    set_page(ws)
    scale = max(fit_scale(widths), floor_scale(points))
    ws.set_print_scale(scale)
    return scale


def fit_scale(widths: Sequence[float]) -> int:
    """The print scale in percent (100 at most) at which columns ``widths`` fit A4 landscape
    one page wide."""
    return min(100, math.floor(100 * PRINTABLE_POINTS / printed_points(widths)))


def printed_points(widths: Sequence[float]) -> float:
    """The width in points of columns ``widths`` printed at 100 % (as Calc lays them out)."""
    return max(1.0, UNIT_POINTS * sum(widths) + COLUMN_POINTS * len(widths))


def _numeric(rows: list[list[Any]], col: int) -> bool:
    """Whether column ``col`` holds numbers (most of its filled cells)."""
    values = [r[col] for r in rows if col < len(r) and r[col] not in (None, "")]
    numbers = sum(1 for v in values if isinstance(v, (int, float)) and not isinstance(v, bool))
    return bool(values) and 2 * numbers >= len(values)


def write_cell(ws: Any, row: int, col: int, value: Any, fmt: Any = None, *,
               fitted: bool = False) -> None:
    """Numbers as numbers, everything else as a plain string (never a formula or a link).

    Longer text than a cell holds is cut with a visible marker (the validator has already
    reported it as too long; ``fitted``: the text is already cut, :func:`prepare_table`).
    xlsxwriter answers problems with a return code, not an exception: anything but 0 is
    raised here.
    """
    if value is None or value == "":
        ret = ws.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        ret = ws.write_string(row, col, "TRUE" if value else "FALSE", fmt)
    elif isinstance(value, (int, float)):
        ret = ws.write_number(row, col, value, fmt)
    else:
        text = value if fitted and isinstance(value, str) else fit_cell_text(str(value))
        ret = ws.write_string(row, col, text, fmt)
    if ret not in (0, None):
        raise RuntimeError(f"xlsxwriter returned {ret} for cell ({row}, {col})")
