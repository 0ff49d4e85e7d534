"""The .ods template (``generate --format ods``) as LibreOffice Calc prints it: as generated,
and after Calc opened and saved it (what a department does before it prints), its pages carry
the template — the cover, every initiative of the department, the department in each page's
footer, not the hidden ``_meta`` sheet — on about as many pages as the .xlsx template printed
the same way. (Saved by Calc, the .ods used to print one near-blank page per sheet, footers
only: see ``_master_page`` in ods_writer.)
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from calc.session import CalcSession
from consolidator.plan.catalog import Catalog
from consolidator.templates.generate import generate_templates
from consolidator.templates.model import build
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


def _footer_pages(pdf: Path, pages: dict[int, list[Word]]) -> list[int]:
    """The pages whose footer says the department: centred, in the bottom tenth of the page,
    below every other word (in the sheets, the department stands in the left columns)."""
    _, width, height = _pdf_info(pdf)
    found = []
    for n, on_page in pages.items():
        lowest = max((w.y0 for w in on_page), default=0)
        if any(w.text == DEPARTMENT and w.y0 >= max(lowest - 2, height * 0.9)
               and abs((w.x0 + w.x1) / 2 - width / 2) < width * 0.05 for w in on_page):
            found.append(n)
    return found


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
    for kind in ("saved", "ods"):  # saved by Calc: the case reported
        pages = _pages(pdf[kind])
        text = "".join(w.text for on_page in pages.values() for w in on_page)
        cover = [w for w in pages[1] if w.text == DEPARTMENT]
        assert len(cover) >= 2, kind  # the cover's title and the footer
        assert [t for t in titles if t not in text] == [], kind
        assert "catalog_hash" not in text and "defined_name" not in text, kind  # _meta
        assert [n for n, on_page in pages.items() if not on_page] == [], kind  # no blank page
        assert xlsx_pages * 0.75 <= len(pages) <= xlsx_pages * 1.25 + 1, (kind, len(pages),
                                                                        xlsx_pages)
        assert _footer_pages(pdf[kind], pages) == sorted(pages), kind
