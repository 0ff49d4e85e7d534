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

from pathlib import Path
from typing import Any

import pdfplumber
import pytest

from calc.session import CalcSession
from consolidator.jobs.demo import run_demo
from consolidator.jobs.reminders import remind_departments
from consolidator.messages.correction import FEEDBACK_HEADER
from consolidator.plan.catalog import Catalog
from consolidator.report.master_writer import REPORT_POINTS
from consolidator.table_sheets import FONT_POINTS
from consolidator.text_layout import line_points
from consolidator.validation_log import write_department_table
from helpers.printed_pages import (
    FLOOR,
    heading_pattern,
    line_pitch,
    lines,
    printed_headings,
    sizes,
    squeezed,
    top_line,
)

pytestmark = pytest.mark.calc

A4_LONG, A4_SHORT = 842, 595  # points, ±1


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

    measured, pitches = {}, {}
    for k, (book, sheets) in enumerate(books.items()):
        headings = {s: printed_headings(book, s) for s in sheets}
        pdf = tmp_path / f"print{k}.pdf"
        pages = _sheet_pages(pdf, headings)
        if book != master:  # every page is one of the tables'
            with pdfplumber.open(pdf) as doc:
                assert sum(map(len, pages.values())) == len(doc.pages), book.name
        for sheet in sheets:
            assert pages[sheet], (book.name, sheet, "no page starts with its whole heading row")
            median, smallest = sizes(pages[sheet])
            measured[f"{book.name}:{sheet}"] = (median, smallest, len(pages[sheet]))
            if sheet in ("指標一覧", "検証ログ"):  # cells of several lines
                pitches[f"{book.name}:{sheet}"] = line_pitch(pages[sheet]) * FONT_POINTS / median
    print("\n".join(f"{k}: median {m} pt, smallest {s} pt, {n} pages"
                    for k, (m, s, n) in measured.items()), pitches)
    assert {k: v for k, v in measured.items() if v[0] < FLOOR or v[1] < FLOOR} == {}
    # a row is as high as Calc draws its lines (it clipped the last line before, at 15
    # points a line of 11 pt text where Calc draws 16.1)
    assert pitches and {k: p for k, p in pitches.items() if p > line_points(FONT_POINTS)} == {}


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


def _page_lines(pdf: Path) -> list[tuple[list[str], list[dict[str, Any]]]]:
    """Each page's lines and characters (an empty page: none)."""
    out = []
    with pdfplumber.open(pdf) as doc:
        for page in doc.pages:
            assert abs(min(page.width, page.height) - A4_SHORT) <= 1, page.width
            chars = [ch for ch in page.chars if ch["text"].strip()]
            out.append((lines(chars) if chars else [], chars))
    return out


def test_the_master_report_sheets_and_the_feedback_sheet_print_at_8_points(
        tmp_path: Path, calc: CalcSession, default_catalog: Catalog) -> None:
    """The master's 概要 (one page), 基本目標N (each 取組み starting a page of its own, the
    sheet's title on every page) and 推移 (the title on every page), and the 確認事項 sheet
    first in a department's annotated workbook (the heading row on every page, no column on
    a page apart): A4, text at 8 pt or more.

    Before (median / smallest): 概要 9.0 / 9.0 pt, 基本目標N 7.0–7.2 pt, 推移 5.9 / 4.7 pt
    (the charts' text), 確認事項 in the annotated workbook 6.6 pt."""
    run_demo(tmp_path, default_catalog)
    out = tmp_path / "output"
    master = next(out.glob("master_*.xlsx"))
    annotated = out / "担当別" / "市社協_確認事項.xlsx"
    results = calc.run([{"op": "resave", "src": master, "dst": tmp_path / "master.pdf"},
                        {"op": "resave", "src": annotated, "dst": tmp_path / "fb.pdf"}])
    assert all(r.get("ok") for r in results), results
    pages = _page_lines(tmp_path / "master.pdf")
    goals = {squeezed(f"基本目標{g['number']} {g['title']}"): g for g in default_catalog.goals}
    heads = {g["number"]: [squeezed(f"{i.label}{i.title}")[:16]
                           for i in default_catalog.initiatives if i.goal is g]
             for g in default_catalog.goals}
    indicator = heading_pattern(printed_headings(master, "指標一覧"))
    missing = heading_pattern(printed_headings(master, "未入力一覧"))
    sheet_of: list[str] = []
    for text, _ in pages:
        top = text[0] if text else ""
        if not sheet_of:
            sheet = "概要"
        elif top in goals:
            sheet = "基本目標"
        elif indicator.fullmatch(top):
            sheet = "指標一覧"
        elif top.startswith("指標の推移"):
            sheet = "推移"
        elif missing.fullmatch(top):
            sheet = "未入力一覧"
        else:
            sheet = "その他"
        sheet_of.append(sheet)
    order = [s for k, s in enumerate(sheet_of) if k == 0 or sheet_of[k - 1] != s]
    # every page of 基本目標N starts with its title, of 推移 with its own: none printed apart
    assert order[:5] == ["概要", "基本目標", "指標一覧", "推移", "未入力一覧"], order

    started: dict[int, list[str]] = {n: [] for n in heads}
    for (text, _), sheet in zip(pages, sheet_of, strict=True):
        if sheet != "基本目標":
            continue
        number = goals[text[0]]["number"]
        found = [k for k, line in enumerate(text) for h in heads[number] if line.startswith(h)]
        # the title and the legend, then the 活動目標 and the 取組み
        assert found in ([], [3]), (text[:5], "a 取組み starts below another on a page")
        assert text[1].endswith("紫色=未報告")
        started[number] += [h for h in heads[number] if found and text[3].startswith(h)]
    assert started == heads  # each 取組み starts a page, in order

    measured = {}
    for sheet in ("概要", "基本目標", "推移"):
        mine = [chars for (_, chars), s in zip(pages, sheet_of, strict=True) if s == sheet]
        measured[sheet] = (*sizes(mine), len(mine))
        if sheet == "基本目標":  # 10 pt cells of several lines: rows as high as Calc draws them
            pitch = line_pitch(mine) * REPORT_POINTS / measured[sheet][0]
            assert pitch <= line_points(REPORT_POINTS), pitch
    fb = _page_lines(tmp_path / "fb.pdf")
    heading = heading_pattern(list(FEEDBACK_HEADER))
    assert any(heading.fullmatch(line) for line in fb[0][0][:8])
    listing = [fb[0][1], *(chars for text, chars in fb[1:] if text
                           and heading.fullmatch(text[0]))]
    measured["確認事項"] = (*sizes(listing), len(listing))
    print("\n".join(f"{k}: median {m} pt, smallest {s} pt, {n} pages"
                    for k, (m, s, n) in measured.items()))
    assert measured["概要"][2] == 1
    assert {k: v for k, v in measured.items() if v[0] < FLOOR or v[1] < FLOOR} == {}
