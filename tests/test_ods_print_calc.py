"""The .ods template (``generate --format ods``) as LibreOffice Calc prints it: as generated,
and after Calc opened and saved it (what a department does before it prints), its pages carry
the template — the cover, every initiative of the department, not the hidden ``_meta`` sheet —
on about as many pages as the .xlsx template printed the same way, with what the .xlsx prints
around them: each page's footer says the department on the left and "n / N" on the right,
every page of an input sheet after its first starts with the sheet's heading row, and the
cover's first line stands as far from the top of the page as the .xlsx's. (Saved by Calc, the
.ods used to print one near-blank page per sheet, footers only: see ``_master_page`` in
ods_writer.)
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from calc.session import CalcSession
from consolidator.plan.catalog import Catalog
from consolidator.templates.generate import generate_templates
from consolidator.templates.model import HEADER_ROWS, TemplateModel, build
from helpers.filling import by_department
from helpers.rendering import Word, words

pytestmark = pytest.mark.calc

DEPARTMENT = "高齢福祉課"  # 9 pages as .xlsx


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _pdf_info(pdf: Path) -> tuple[int, float, float]:
    """(pages, width, height in points of the first page) of ``pdf``."""
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, check=True, text=True,
                          timeout=60).stdout
    pages = re.search(r"^Pages:\s+(\d+)", info, re.M)
    size = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info, re.M)
    assert pages and size, info
    return int(pages.group(1)), float(size.group(1)), float(size.group(2))


def _pages(pdf: Path) -> dict[int, list[Word]]:
    """Page number → its words, for every page of ``pdf`` (a blank page: no words)."""
    pages: dict[int, list[Word]] = {n: [] for n in range(1, _pdf_info(pdf)[0] + 1)}
    for w in words(pdf):
        pages[w.page].append(w)
    return pages


def _footers(pdf: Path, pages: dict[int, list[Word]]) -> dict[int, tuple[str, str]]:
    """Page number → its footer: (the words in the left fifth of the page, the words in the
    right fifth), squeezed. The footer is the line in the bottom tenth of the page below every
    other word."""
    _, width, height = _pdf_info(pdf)
    found = {}
    for n, on_page in pages.items():
        lowest = max((w.y0 for w in on_page), default=0)
        line = sorted((w for w in on_page if w.y0 >= max(lowest - 2, height * 0.9)),
                      key=lambda w: w.x0)
        found[n] = ("".join(w.text for w in line if w.x1 < width * 0.2),
                    "".join(w.text for w in line if w.x0 > width * 0.8))
    return found


def _top_line(on_page: list[Word]) -> str:
    """The first printed line of a page, squeezed: the words whose height overlaps the
    topmost word's by half or more. (Not "within 2 points of the topmost": a Latin word drawn
    in another font than the Japanese ones beside it starts higher — 2.4 points for "ID"
    beside "区分" when Calc prints with Noto Sans CJK.)"""
    first = min(on_page, key=lambda w: w.y0)

    def beside(w: Word) -> bool:
        overlap = min(w.y1, first.y1) - max(w.y0, first.y0)
        return overlap >= 0.5 * min(w.y1 - w.y0, first.y1 - first.y0)

    return "".join(w.text for w in sorted(filter(beside, on_page), key=lambda w: w.x0))


def _heading_line(model: TemplateModel, rows_of_sheet: str) -> re.Pattern[str]:
    """The first printed line of a sheet's heading row: a beginning of each heading cell
    (a cell's text wraps), left to right; the hidden columns (past years without an actual)
    do not print."""
    heading = getattr(model, rows_of_sheet)[HEADER_ROWS - 1].cells
    hidden = set(model.empty_history_columns()) if rows_of_sheet == "indicator_rows" else set()
    return re.compile("".join(
        "(?:" + "|".join(re.escape(text[:k]) for k in range(len(text), 0, -1)) + ")"
        for text in (_squeezed(heading[col]) for col in sorted(heading) if col not in hidden)))


def _continued_pages(pages: dict[int, list[Word]], model: TemplateModel
                     ) -> dict[str, list[int]]:
    """Input sheet ("text_rows", "indicator_rows") → its pages after the first, each found
    starting with the sheet's heading row. The pages before the first input sheet's title are
    the cover's; an AssertionError for a page after it that starts neither with an input
    sheet's title nor with the heading of the sheet it is in."""
    titles = {sheet: _squeezed(getattr(model, sheet)[0].cells[1])
              for sheet in ("text_rows", "indicator_rows")}
    continued: dict[str, list[int]] = {}
    sheet = None
    for n in sorted(pages):
        top = _top_line(pages[n])
        starting = [s for s, title in titles.items() if title.startswith(top)]
        if starting:
            sheet = starting[0]
            continued[sheet] = []
        elif sheet is not None:
            assert _heading_line(model, sheet).fullmatch(top), (n, top)
            continued[sheet].append(n)
    assert sorted(continued) == sorted(titles), continued
    return continued


def test_the_ods_template_prints_its_content_after_calc_saves_it(
        tmp_path: Path, calc: CalcSession, default_catalog: Catalog) -> None:
    year = default_catalog.report_year
    made = {fmt: by_department(generate_templates(default_catalog, year, tmp_path / fmt,
                                                  only=[DEPARTMENT], fmt=fmt))[DEPARTMENT]
            for fmt in ("xlsx", "ods")}
    saved = tmp_path / "saved_by_calc.ods"
    pdf = {kind: tmp_path / f"{kind}.pdf" for kind in ("xlsx", "ods", "saved")}
    jobs = [{"op": "resave", "src": made["ods"], "dst": saved},
            {"op": "resave", "src": saved, "dst": pdf["saved"]},
            {"op": "resave", "src": made["ods"], "dst": pdf["ods"]},
            {"op": "resave", "src": made["xlsx"], "dst": pdf["xlsx"]}]
    results = calc.run(jobs)
    assert all(r.get("ok") for r in results), results

    model = build(default_catalog, DEPARTMENT, year)
    titles = [_squeezed(row.cells[2]) for row in model.text_rows if row.style == "initiative"]
    assert titles
    xlsx_pages = len(_pages(pdf["xlsx"]))
    assert xlsx_pages >= 3  # the cover and the two input sheets at least
    xlsx_top = min(w.y0 for w in _pages(pdf["xlsx"])[1])
    for kind in ("saved", "ods", "xlsx"):  # saved by Calc: the case reported; the .xlsx: how
        # the checks read what the .xlsx prints
        pages = _pages(pdf[kind])
        text = "".join(w.text for on_page in pages.values() for w in on_page)
        cover = [w for w in pages[1] if w.text == DEPARTMENT]
        assert len(cover) >= 2, kind  # the cover's title and the footer
        assert [t for t in titles if t not in text] == [], kind
        assert "catalog_hash" not in text and "defined_name" not in text, kind  # _meta
        assert [n for n, on_page in pages.items() if not on_page] == [], kind  # no blank page
        assert xlsx_pages * 0.75 <= len(pages) <= xlsx_pages * 1.25 + 1, (kind, len(pages),
                                                                        xlsx_pages)
        footers = _footers(pdf[kind], pages)
        assert footers == {n: (DEPARTMENT, f"{n}/{len(pages)}") for n in pages}, (kind, footers)
        continued = _continued_pages(pages, model)
        assert continued["text_rows"], (kind, continued)  # 実施状況 is several pages long
        assert abs(min(w.y0 for w in pages[1]) - xlsx_top) < 2, kind  # the top margin
