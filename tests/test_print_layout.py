"""The page set-up of the tables (table_sheets.add_table_sheet): A4 landscape, the heading row
on every page, a scale that keeps the text at 8 pt or more, the machine columns out of the
print area, a number column's heading right-aligned. (What Calc prints from it:
tests/test_print_legible_calc.py.)"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import xlsxwriter

from consolidator.checks.log import LOG_PRINTED, LOG_WIDTHS, SUMMARY_WIDTHS
from consolidator.feedback.reminders import LIST_WIDTHS
from consolidator.messages.outputs import LOG_HEADER
from consolidator.report.master_writer import (
    INDICATOR_WIDTHS,
    MISSING_WIDTHS,
    PAST_YEAR_WIDTH,
)
from consolidator.table_sheets import (
    FLOOR_POINTS,
    FLOOR_SCALE,
    FONT_POINTS,
    PRINTABLE_POINTS,
    add_table_sheet,
    printed_points,
)


def _written(tmp_path: Path, header: tuple[str, ...], rows: list[list[object]],
             widths: tuple[int, ...], printed: int | None = None) -> openpyxl.Workbook:
    path = tmp_path / "t.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    add_table_sheet(wb, "表", header, rows, widths, printed)
    wb.close()
    return openpyxl.load_workbook(path)


def test_the_floor_scale_keeps_the_text_at_8_points() -> None:
    assert FONT_POINTS * FLOOR_SCALE / 100 >= FLOOR_POINTS
    assert FONT_POINTS * (FLOOR_SCALE - 1) / 100 < FLOOR_POINTS


def test_a_table_that_fits_at_the_floor_is_fitted_to_one_page_wide(tmp_path: Path) -> None:
    ws = _written(tmp_path, ("担当", "件数"), [["地域福祉課", 2]], (20, 8))["表"]
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.paperSize == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth in (None, 1)  # 1 is the default xlsxwriter leaves out
    assert ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows.replace("$", "") == "1:1"
    assert not ws.print_area  # every column prints


def test_a_table_too_wide_prints_at_the_floor_scale_across_pages(tmp_path: Path) -> None:
    ws = _written(tmp_path, tuple(f"列{k}" for k in range(12)), [["x"] * 12],
                  (30,) * 12)["表"]
    assert not ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.scale == FLOOR_SCALE
    assert ws.print_title_rows.replace("$", "") == "1:1"
    assert ws.print_title_cols.replace("$", "") == "A:A"


def test_the_machine_columns_at_the_end_stay_in_the_sheet_not_in_the_print_area(
        tmp_path: Path) -> None:
    ws = _written(tmp_path, ("担当", "メッセージ", "項目ID"), [["市社協", "文", "F_x"]],
                  (10, 30, 20), printed=2)["表"]
    assert [c.value for c in ws[1]] == ["担当", "メッセージ", "項目ID"]
    assert ws.print_area.replace("$", "").endswith("A1:B2")


def test_a_number_column_has_its_heading_right_aligned(tmp_path: Path) -> None:
    ws = _written(tmp_path, ("担当", "版数", "以前の版"),
                  [["地域福祉課", 2, "地域福祉課R4報告(最終).xlsx"], ["市社協", 1, None]],
                  (14, 6, 24))["表"]
    assert [c.alignment.horizontal for c in ws[1]] == [None, "right", None]


def test_the_tables_people_print_fit_one_page_wide_at_8_points() -> None:
    """The widths of 検証ログ, 担当別/提出状況, 督促一覧, 未入力一覧 and 指標一覧 (one past
    year, as the default plan) fit A4 landscape at the floor scale."""
    indicator = [w for k, w in INDICATOR_WIDTHS.items() if k != "source"]
    indicator[list(INDICATOR_WIDTHS).index("past_years")] = PAST_YEAR_WIDTH
    assert len(LOG_HEADER) == len(LOG_WIDTHS) and LOG_HEADER[LOG_PRINTED:] == ("項目ID",)
    for name, widths in {"検証ログ": LOG_WIDTHS[:LOG_PRINTED], "担当別": SUMMARY_WIDTHS,
                         "督促一覧": LIST_WIDTHS, "未入力一覧": MISSING_WIDTHS[:-1],
                         "指標一覧": tuple(indicator)}.items():
        scale = 100 * PRINTABLE_POINTS / printed_points(widths)
        assert scale >= FLOOR_SCALE, (name, scale)
