"""The tables a manager or a department prints — ``validation_log.xlsx`` (検証ログ,
担当別), 督促一覧, a department's 確認事項 table and the master's 指標一覧,
未入力一覧, 提出状況 and 検証ログ — printed by LibreOffice Calc as set in the file:
A4, the text at 8 points or more (read back from the PDF's characters), and no column
cut (every page of a sheet starts with the whole printed heading row: a column that did
not fit would start a page of its own, and fail).

Issue 24 part 1. The sizes Calc printed before this rule (median): 指標一覧 3.2 pt,
検証ログ 3.4 pt, 担当別/提出状況 5.9 pt, 督促一覧 5.2 pt, 未入力一覧 7.6 pt.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import openpyxl
import pdfplumber
import pytest

from calc.session import CalcSession
from consolidator.jobs.demo import run_demo
from consolidator.jobs.reminders import remind_departments
from consolidator.plan.catalog import Catalog
from consolidator.validation_log import write_department_table
from helpers.printed_pages import FLOOR, heading_pattern, sizes, top_line

pytestmark = pytest.mark.calc

A4_LONG, A4_SHORT = 842, 595  # points, ±1


def _printed_headings(path: Path, sheet: str) -> list[str]:
    """The heading row of ``sheet`` within its print area (the whole row without one)."""
    wb = openpyxl.load_workbook(path, read_only=False)
    ws = wb[sheet]
    first, last = 1, ws.max_column
    if ws.print_area:
        m = re.search(r"\$?([A-Z]+)\$?\d+:\$?([A-Z]+)\$?\d+", ws.print_area)
        assert m, ws.print_area
        from openpyxl.utils import column_index_from_string
        first, last = (column_index_from_string(m.group(1)),
                       column_index_from_string(m.group(2)))
    return [str(ws.cell(1, c).value or "") for c in range(first, last + 1)]


def _sheet_pages(pdf: Path, headings: dict[str, list[str]]
                 ) -> dict[str, list[list[dict[str, Any]]]]:
    """Sheet → the characters of each of its pages. A page is a sheet's when its first line
    is that sheet's whole printed heading row (the heading repeats on every page); pages of
    other sheets (the master's 概要, 基本目標N, 推移) are left out."""
    patterns = {s: heading_pattern(h) for s, h in headings.items()}
    rest = {s: [heading_pattern(h[j:]) for j in range(1, len(h))] for s, h in headings.items()}
    found: dict[str, list[list[dict[str, Any]]]] = {s: [] for s in headings}
    with pdfplumber.open(pdf) as doc:
        for page in doc.pages:
            assert abs(min(page.width, page.height) - A4_SHORT) <= 1, page.width
            assert abs(max(page.width, page.height) - A4_LONG) <= 1, page.height
            chars = [ch for ch in page.chars if ch["text"].strip()]
            if not chars:
                continue
            top = top_line(chars)
            hits = [s for s, p in patterns.items() if p.fullmatch(top)]
            if hits:
                found[hits[0]].append(chars)
            cut = [s for s, ps in rest.items() if any(p.fullmatch(top) for p in ps)]
            assert not cut, (pdf.name, page.page_number, cut, "columns printed on a page apart")
    return found


def test_the_tables_print_on_a4_at_8_points_with_every_column(
        tmp_path: Path, calc: CalcSession, default_catalog: Catalog) -> None:
    demo = run_demo(tmp_path, default_catalog)
    out = tmp_path / "output"
    remind_departments(tmp_path / "submissions", default_catalog, default_catalog.report_year,
                       out)
    master = next(out.glob("master_*.xlsx"))
    # The table a department gets when its file cannot be read or marked (as 担当別 has it).
    table = out / "担当別" / "table_確認事項.xlsx"
    write_department_table(table, [f for f in demo.job.validation.findings if f.department])
    books = {
        out / "validation_log.xlsx": ["検証ログ", "担当別"],
        out / "督促" / "督促一覧.xlsx": ["督促一覧"],
        table: ["確認事項"],
        master: ["指標一覧", "未入力一覧", "提出状況", "検証ログ"],
    }
    jobs = [{"op": "resave", "src": book, "dst": tmp_path / f"print{k}.pdf"}
            for k, book in enumerate(books)]
    results = calc.run(jobs)
    assert all(r.get("ok") for r in results), results

    measured = {}
    for k, (book, sheets) in enumerate(books.items()):
        headings = {s: _printed_headings(book, s) for s in sheets}
        pdf = tmp_path / f"print{k}.pdf"
        pages = _sheet_pages(pdf, headings)
        if book != master:  # every page is one of the tables'
            with pdfplumber.open(pdf) as doc:
                assert sum(map(len, pages.values())) == len(doc.pages), book.name
        for sheet in sheets:
            assert pages[sheet], (book.name, sheet, "no page starts with its whole heading row")
            median, smallest = sizes(pages[sheet])
            measured[f"{book.name}:{sheet}"] = (median, smallest, len(pages[sheet]))
    print("\n".join(f"{k}: median {m} pt, smallest {s} pt, {n} pages"
                    for k, (m, s, n) in measured.items()))
    assert {k: v for k, v in measured.items() if v[0] < FLOOR or v[1] < FLOOR} == {}


def test_a_table_too_wide_for_a_page_prints_at_8_points_across_pages(
        tmp_path: Path, calc: CalcSession) -> None:
    """More columns than a page holds at 8 pt (指標一覧 with many past years): not shrunk,
    the columns go on to the next page across, each page starting with the first column."""
    import xlsxwriter

    from consolidator.table_sheets import add_table_sheet

    header = ("指標ID", *(f"令和{k}年度実績" for k in range(1, 25)))
    book = tmp_path / "wide.xlsx"
    wb = xlsxwriter.Workbook(str(book))
    add_table_sheet(wb, "表", header, [[f"1-1-1-s{r}", *range(24)] for r in range(1, 30)],
                    (8,) + (10,) * 24)
    wb.close()
    pdf = tmp_path / "wide.pdf"
    assert calc.run([{"op": "resave", "src": book, "dst": pdf}])[0].get("ok")
    with pdfplumber.open(pdf) as doc:
        assert len(doc.pages) >= 2
        for page in doc.pages:
            chars = [ch for ch in page.chars if ch["text"].strip()]
            assert min(ch["size"] for ch in chars) >= FLOOR, page.page_number
            assert top_line(chars).startswith("指標ID"), page.page_number
