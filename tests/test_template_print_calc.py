"""A department's template (``generate``, .xlsx and .ods) as LibreOffice Calc prints it: A4,
each sheet's text at 8 points or more (median and smallest, read back from the PDF's
characters, the footer left out), 記入要領 on one page, and no column cut (the sheet's first
page holds its whole heading row; no page starts with a part of it).

Issue 24 part 1. Before (main at 2d2484f, median / smallest), the same for both
departments: 活動指標 .xlsx 4.9 / 4.4 pt, .ods 6.3 / 5.7 pt; 実施状況・予定 .xlsx 7.1 / 6.4 pt
(市社協; 高齢福祉課 7.31 / 6.6), .ods 9.31 / 8.41 pt; 記入要領 11 pt on two pages.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pdfplumber
import pytest

from calc.session import CalcSession
from consolidator.plan.catalog import Catalog
from consolidator.templates.generate import generate_templates
from consolidator.templates.model import (
    COVER_SHEET,
    HEADER_ROWS,
    INDICATOR_SHEET,
    TEXT_SHEET,
)
from helpers.filling import by_department
from helpers.printed_pages import FLOOR, heading_pattern, lines, printed_headings, sizes

pytestmark = pytest.mark.calc

DEPARTMENTS = ("市社協", "高齢福祉課")
FOOTER_POINTS = 72  # the body ends 1 inch above the paper's bottom edge; the footer below


def _sheet_pages(pdf: Path, headings: dict[str, list[str]]
                 ) -> dict[str, list[list[dict[str, Any]]]]:
    """Sheet → the body characters of each of its pages. The cover's pages come first; an
    input sheet's first page is the first holding a line that is its whole heading row (its
    later pages start with it)."""
    whole = {s: heading_pattern(h) for s, h in headings.items()}
    parts = {s: [heading_pattern(h[j:]) for j in range(1, len(h))] for s, h in headings.items()}
    found: dict[str, list[list[dict[str, Any]]]] = {COVER_SHEET: [], **{s: [] for s in headings}}
    sheet = COVER_SHEET
    with pdfplumber.open(pdf) as doc:
        for page in doc.pages:
            chars = [ch for ch in page.chars if ch["text"].strip()
                     and ch["top"] < page.height - FOOTER_POINTS]
            if not chars:
                continue
            on_page = lines(chars)
            for s, pattern in whole.items():
                if any(pattern.fullmatch(line) for line in on_page):
                    sheet = s
            cut = [s for s, ps in parts.items() if any(p.fullmatch(on_page[0]) for p in ps)]
            assert not cut, (pdf.name, page.page_number, cut, "columns printed on a page apart")
            found[sheet].append(chars)
    return found


def test_the_template_prints_on_a4_at_8_points_the_cover_on_one_page(
        tmp_path: Path, calc: CalcSession, default_catalog: Catalog) -> None:
    year = default_catalog.report_year
    made = {(fmt, d): path for fmt in ("xlsx", "ods")
            for d, path in by_department(generate_templates(
                default_catalog, year, tmp_path / fmt, only=list(DEPARTMENTS), fmt=fmt)).items()}
    pdfs = {key: tmp_path / f"{key[0]}-{k}.pdf" for k, key in enumerate(made)}
    results = calc.run([{"op": "resave", "src": made[key], "dst": pdf}
                        for key, pdf in pdfs.items()])
    assert all(r.get("ok") for r in results), results

    measured = {}
    for (fmt, department), pdf in pdfs.items():
        headings = {s: printed_headings(made["xlsx", department], s, HEADER_ROWS)
                    for s in (TEXT_SHEET, INDICATOR_SHEET)}
        pages = _sheet_pages(pdf, headings)
        for sheet, on_pages in pages.items():
            assert on_pages, (fmt, department, sheet, "no page holds its whole heading row")
            median, smallest = sizes(on_pages)
            measured[fmt, department, sheet] = (median, smallest, len(on_pages))
    print("\n".join(f"{k}: median {m} pt, smallest {s} pt, {n} pages"
                    for k, (m, s, n) in measured.items()))
    assert {k: v for k, v in measured.items() if v[0] < FLOOR or v[1] < FLOOR} == {}
    assert {k: v for k, v in measured.items() if k[2] == COVER_SHEET and v[2] != 1} == {}
