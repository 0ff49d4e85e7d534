"""The page set-up of the tables (table_sheets.add_table_sheet): A4 landscape, the heading row
on every page, a scale that keeps the text at 8 pt or more, the machine columns out of the
print area, a number column's heading right-aligned. (What Calc prints from it:
tests/test_print_legible_calc.py.)"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from consolidator.feedback.reminders import LIST_WIDTHS
from consolidator.messages.outputs import LOG_HEADER
from consolidator.plan.catalog import Catalog
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
from consolidator.validation_log import LOG_PRINTED, LOG_WIDTHS, SUMMARY_WIDTHS


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


def test_the_template_sheets_fit_one_page_wide_at_8_points() -> None:
    """記入要領 (11 pt), 実施状況・予定 and 活動指標 (column A 9 pt, the rest 10 pt) fit A4
    landscape one page wide at a scale that keeps their smallest text at 8 pt (as Calc lays
    the columns out; Excel's are narrower)."""
    from consolidator.templates.ods_writer import COVER_WIDTH
    from consolidator.templates.writer import INDICATOR_WIDTHS as TEMPLATE_INDICATOR_WIDTHS
    from consolidator.templates.writer import PRINT_FLOOR_SCALE, TEXT_WIDTHS

    assert 9 * PRINT_FLOOR_SCALE / 100 >= FLOOR_POINTS
    for name, widths in {"記入要領": [COVER_WIDTH], "実施状況・予定": TEXT_WIDTHS.values(),
                         "活動指標": TEMPLATE_INDICATOR_WIDTHS.values()}.items():
        scale = 100 * PRINTABLE_POINTS / printed_points(list(widths))
        assert scale >= PRINT_FLOOR_SCALE, (name, scale)


@pytest.mark.slow  # every department's template measured: in the full suite
def test_the_template_prints_one_page_wide_and_the_cover_on_one_page(
        tmp_path: Path, default_catalog: Catalog) -> None:
    """The page set-up of both formats: A4 landscape, one page wide, as many pages high as it
    takes, the cover on one page (fit to 1 × 1)."""
    from odf.opendocument import load
    from odf.style import MasterPage, PageLayout, PageLayoutProperties
    from odf.table import Table

    from consolidator.templates.generate import generate_templates
    from consolidator.templates.model import COVER_SHEET, INDICATOR_SHEET, TEXT_SHEET

    year = default_catalog.report_year
    [xlsx] = generate_templates(default_catalog, year, tmp_path, only=["市社協"])
    [ods] = generate_templates(default_catalog, year, tmp_path, only=["市社協"], fmt="ods")
    wb = openpyxl.load_workbook(xlsx)
    for sheet, high in {COVER_SHEET: 1, TEXT_SHEET: 0, INDICATOR_SHEET: 0}.items():
        ws = wb[sheet]
        assert (ws.page_setup.paperSize, ws.page_setup.orientation) == (9, "landscape")
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, high), sheet

    doc = load(str(ods))
    layouts = {str(p.getAttribute("name")): p.getElementsByType(PageLayoutProperties)[0]
               for p in doc.automaticstyles.getElementsByType(PageLayout)}
    pages = {str(m.getAttribute("name")): layouts[str(m.getAttribute("pagelayoutname"))]
             for m in doc.masterstyles.getElementsByType(MasterPage)}
    tables = {str(s.getAttribute("name")): str(s.getAttribute("masterpagename"))
              for s in doc.automaticstyles.childNodes
              if s.qname[1] == "style" and s.getAttribute("family") == "table"}
    for table in doc.spreadsheet.getElementsByType(Table):
        name = str(table.getAttribute("name"))
        if name not in (COVER_SHEET, TEXT_SHEET, INDICATOR_SHEET):
            continue
        props = pages[tables[str(table.getAttribute("stylename"))]]
        assert props.getAttribute("printorientation") == "landscape"
        assert (props.getAttribute("scaletox"), props.getAttribute("scaletoy")) == (
            "1", "1" if name == COVER_SHEET else "0"), name


def test_the_report_sheets_and_the_feedback_sheet_fit_one_page_wide_at_8_points() -> None:
    """基本目標N, 概要, 推移 (as wide as its charts, two years) and a department's 確認事項
    fit A4 landscape one page wide at a scale that keeps their 10 pt text at 8 pt."""
    from consolidator.feedback.findings_sheet import POINTS, WIDTHS
    from consolidator.report import trend_sheet
    from consolidator.report.master_writer import OVERVIEW_WIDTHS, REPORT_POINTS, REPORT_WIDTHS
    from consolidator.table_sheets import fit_scale, floor_scale

    assert floor_scale(POINTS) == floor_scale(REPORT_POINTS) == floor_scale(
        trend_sheet.POINTS) == 80
    for name, widths in {"基本目標N": REPORT_WIDTHS, "概要": OVERVIEW_WIDTHS,
                         "推移": trend_sheet.column_widths(2), "確認事項": WIDTHS}.items():
        assert fit_scale(widths) >= 80, (name, fit_scale(widths))
    assert trend_sheet.CHARTS_PER_ROW * (trend_sheet.chart_width() + trend_sheet.CHART_GAP) \
        <= sum(7 * w + 5 for w in trend_sheet.column_widths(2)) + trend_sheet.CHART_GAP


def test_the_report_sheets_print_at_a_fixed_scale_keeping_their_page_breaks(
        tmp_path: Path, mini_catalog: Catalog) -> None:
    """基本目標N break before each 取組み: a fixed scale (Excel drops manual breaks on a
    sheet fitted to pages), A4 landscape."""
    from consolidator.jobs.demo import run_demo

    run_demo(tmp_path, mini_catalog)
    wb = openpyxl.load_workbook(next((tmp_path / "output").glob("master_*.xlsx")))
    for name in ("概要", "基本目標1", "推移"):
        ws = wb[name]
        assert (ws.page_setup.paperSize, ws.page_setup.orientation) == (9, "landscape")
        assert not (ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage)
        assert int(ws.page_setup.scale or 100) >= 80, name
    assert len(wb["基本目標1"].row_breaks.brk) >= 1
