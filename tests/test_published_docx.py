"""Issue 22, step 3: the published report as a Word file (``令和N年度_実施状況報告.docx``), drawn
from the same document model as the HTML — read back with python-docx (its text in document
order, its headings and tables) and its XML parts, and opened by LibreOffice Writer."""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from click.testing import CliRunner
from lxml import etree
from test_published_report import MINI_HTML, read_page

from consolidator.cli import main
from consolidator.jobs.publishing import ReportJob, run_report
from consolidator.messages.publish import REPORT_TEXT
from consolidator.plan.catalog import Catalog
from consolidator.publish.model import Document
from consolidator.publish.word import A4_TWIPS, build_docx, word_text
from consolidator.text_layout import FONT
from helpers.filling import submit_all
from helpers.ooxml_audit import problems
from helpers.paths import MINI_PLAN
from helpers.published import SEED_DOCX, assert_seed_fidelity, shared_seed_report, squeeze

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MINI_DOCX = "令和4年度_実施状況報告.docx"
HEADING_LEVEL = {"Title": 1, **{f"Heading {n}": n + 1 for n in range(1, 10)}}  # as HTML h1–h5


@dataclasses.dataclass
class WordText:
    """A .docx read back: the text of its paragraphs and table cells in document order (a
    merged cell once), its headings as (HTML level, text), its tables."""

    texts: list[str]
    headings: list[tuple[int, str]]
    document: Any

    @property
    def text(self) -> str:
        return "\n".join(self.texts)


def read_docx(path: Path) -> WordText:
    d = docx.Document(str(path))
    texts: list[str] = []
    headings: list[tuple[int, str]] = []
    for block in d.iter_inner_content():
        if isinstance(block, docx.table.Table):
            seen: set[Any] = set()  # the cells' elements (kept alive: an id can be reused)
            for row in block.rows:
                for cell in row.cells:
                    if cell._tc not in seen:
                        seen.add(cell._tc)
                        texts += [p.text for p in cell.paragraphs]
            continue
        texts.append(block.text)
        style = block.style.name if block.style is not None else ""
        if style in HEADING_LEVEL:
            headings.append((HEADING_LEVEL[style], block.text))
    return WordText(texts, headings, d)


def part(path: Path, name: str) -> Any:
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read(name))


def structure_problems(path: Path) -> list[str]:
    """What the Word file lacks of the structure the brief asks (empty: none)."""
    problems = []
    read = read_docx(path)
    levels = [level for level, _ in read.headings]
    if not levels or levels[0] != 1 or levels.count(1) != 1:
        problems.append(f"Title: {levels[:3]}")
    problems += [f"heading jumps {a} → {b}: {read.headings[k + 1][1][:30]}"
                 for k, (a, b) in enumerate(zip(levels, levels[1:], strict=False)) if b > a + 1]
    body = part(path, "word/document.xml")
    for k, tbl in enumerate(body.iter(f"{W}tbl")):
        first = tbl.find(f"{W}tr")
        if first is None or first.find(f"{W}trPr/{W}tblHeader") is None:
            problems.append(f"table {k}: no repeating header row")
        if tbl.find(f"{W}tblPr/{W}tblCaption") is None:
            problems.append(f"table {k}: no caption")
    styles = part(path, "word/styles.xml")
    for where in (f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang",
                  f"{W}style[@{W}styleId='Normal']/{W}rPr/{W}lang"):
        lang = styles.find(where)
        if lang is None or (lang.get(f"{W}val"), lang.get(f"{W}eastAsia")) != ("ja-JP",
                                                                              "ja-JP"):
            problems.append(f"language not ja-JP: {where}")
    fonts = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
    if fonts is None or not fonts.get(f"{W}eastAsia") or not fonts.get(f"{W}ascii"):
        problems.append("no East Asian font in the defaults")
    size = body.find(f".//{W}sectPr/{W}pgSz")
    if size is None or (int(size.get(f"{W}w")), int(size.get(f"{W}h"))) != A4_TWIPS:
        problems.append("not A4")
    if not read.document.core_properties.title:
        problems.append("no title")
    footers = [part(path, n) for n in zipfile.ZipFile(path).namelist() if "footer" in n]
    if not any("PAGE" in "".join(f.itertext()) for f in footers):
        problems.append("no PAGE field in the footer")
    instructions = [t.text or "" for t in body.iter(f"{W}instrText")]
    if not any(i.strip().startswith("TOC ") for i in instructions):
        problems.append("no TOC field")
    if part(path, "word/settings.xml").find(f"{W}updateFields") is None:
        problems.append("Word is not told to update the fields")
    return problems


# ---- the seed's own year ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def seed_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    report = shared_seed_report(tmp_path_factory)
    report["docx"] = report["root"] / "output" / "公表" / SEED_DOCX
    return report


def test_docx_fidelity_to_the_seed(seed_report: dict[str, Any]) -> None:
    """The seed's year as a Word file holds the seed's document as the HTML does (≥ 98 % of
    its lines, the same known losses), every 取組み in order, every 実施状況 and 予定."""
    read = read_docx(seed_report["docx"])
    assert_seed_fidelity(squeeze(read.text), seed_report,
                         [h for level, h in read.headings if level == 4])


def test_docx_structure_is_the_htmls(seed_report: dict[str, Any]) -> None:
    """Word's built-in headings, nested as the HTML's (Title = h1, Heading n = h(n+1)), the
    same headings; as many tables; each with a repeating header row and a caption; ja-JP;
    A4; the page number; the TOC field; the title."""
    path = seed_report["docx"]
    assert structure_problems(path) == []
    read = read_docx(path)
    page = read_page(seed_report["html"])
    assert read.headings == page.headings
    assert len(read.document.tables) == len(page.tables)
    captions = [t.get(f"{W}val") for t in part(path, "word/document.xml").iter(f"{W}tblCaption")]
    assert captions == [t["caption"] for t in page.tables]
    props = read.document.core_properties
    assert props.title == page.title  # 案 first when a draft, as the HTML's <title>
    assert props.language == "ja-JP" and props.subject and props.author
    fonts = {f.get(f"{W}name"): f for f in part(path, "word/fontTable.xml")}
    assert fonts[FONT].find(f"{W}altName").get(f"{W}val") == "Yu Gothic"
    assert fonts[FONT].find(f"{W}charset").get(f"{W}val") == "80"  # Japanese: substituted so
    styles = {p.style.name for p in read.document.paragraphs}
    assert {"Title", "Heading 1", "Heading 2", "Heading 3", "Heading 4"} <= styles
    # the 目次 reads before Word updates it: its entries are the 取組み, in order
    entries = [p.text for p in read.document.paragraphs if p.style.name.lower() == "toc 3"]
    assert entries == [h for level, h in page.headings if level == 4]


@pytest.mark.slow  # the Open XML SDK's rules over the whole file: in the full suite
def test_docx_has_no_schema_error(seed_report: dict[str, Any], tmp_path: Path) -> None:
    """openxml-audit (the Open XML SDK's schema and semantic rules, in Python) finds nothing;
    the same check sees an element out of place."""
    validator = pytest.importorskip("openxml_audit").OpenXmlValidator()
    result = validator.validate(str(seed_report["docx"]))
    assert result.is_valid, [(e.part_uri, e.path, e.description) for e in result.errors]
    d = docx.Document(str(seed_report["docx"]))
    d.tables[0]._tbl.tblPr.insert(0, d.tables[0]._tbl.tblPr[-1])  # tblCaption first
    d.save(str(tmp_path / "bad.docx"))
    assert not validator.validate(str(tmp_path / "bad.docx")).is_valid


@pytest.mark.slow  # the Open XML SDK's rules over the whole file: in the full suite
def test_open_data_workbook_has_no_schema_error(seed_report: dict[str, Any]) -> None:
    """The same run's table of indicators (.xlsx) passes openxml-audit too (the known false
    positives of helpers/ooxml_audit.py left out)."""
    books = sorted(seed_report["docx"].parent.glob("*.xlsx"))
    assert len(books) == 1 and problems(books[0]) == []


# ---- a small plan: the rules one by one ---------------------------------------------------------

def _report(templates: dict[str, Path], root: Path, **submit: Any) -> tuple[ReportJob, Path]:
    submit_all(templates, root / "submissions", **submit)
    job = run_report(root / "submissions", Catalog.from_path(MINI_PLAN), 2022, root / "output")
    return job, root / "output" / "公表" / MINI_DOCX


def _header_texts(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        return ["".join(part(path, n).itertext()) for n in z.namelist()
                if re.fullmatch(r"word/header\d*\.xml", n)]


def test_draft_is_marked_on_the_cover_and_every_page(mini_templates: dict[str, Path],
                                                     tmp_path: Path) -> None:
    job, path = _report(mini_templates, tmp_path, skip=["高齢福祉課"])
    assert job.published.document.draft
    headers = _header_texts(path)
    assert len(headers) == 1 and headers[0].startswith(REPORT_TEXT["draft-mark"])
    assert "高齢福祉課" in headers[0]
    d = docx.Document(str(path))
    assert len(d.sections) == 1 and not d.sections[0].different_first_page_header_footer
    cover = [p.text for p in d.paragraphs[:next(k for k, p in enumerate(d.paragraphs)
                                                 if p.style.name == "Title")]]
    assert cover[0].startswith("案") and any("高齢福祉課" in line for line in cover)
    assert structure_problems(path) == []


def test_secretariat_pages_are_in_it(mini_templates: dict[str, Path], tmp_path: Path) -> None:
    """はしがき, 発行日, 発行者 and 委員会の意見と市の考え方 from 公表ページ.txt, as in the
    HTML; the publisher is the file's author."""
    _report(mini_templates, tmp_path)
    pages = tmp_path / "output" / "公表" / "公表ページ.txt"
    written = {"【はしがき】": "この報告は、計画の進み具合をまとめたものです。\n\n二段落目です。",
               "【発行者】": "山口市 健康福祉部 地域福祉課", "【発行日】": "令和5年3月",
               "【委員会の意見と市の考え方】": "意見:担い手不足。\n市の考え方:増やします。"}
    text = pages.read_text("utf-8")
    for heading, body in written.items():
        text = text.replace(heading + "\n", f"{heading}\n{body}\n")
    pages.write_text(text, "utf-8")
    _, path = _report(mini_templates, tmp_path)
    read = read_docx(path)
    for body in written.values():
        for paragraph in body.split("\n\n"):
            assert paragraph in read.texts, paragraph
    html = read_page(tmp_path / "output" / "公表" / MINI_HTML)
    assert read.headings == html.headings
    assert {"はしがき", "委員会の意見と市の考え方"} <= {h for _, h in read.headings}
    assert read.document.core_properties.author == "山口市 健康福祉部 地域福祉課"
    assert structure_problems(path) == []


def test_no_draft_mark_when_the_year_is_complete(mini_templates: dict[str, Path],
                                                 tmp_path: Path) -> None:
    job, path = _report(mini_templates, tmp_path)
    assert job.published.document.draft == []
    assert all("案" not in text for text in _header_texts(path))
    d = docx.Document(str(path))
    assert d.paragraphs[0].style.name == "Title"
    assert structure_problems(path) == []


def test_department_text_is_plain_text(mini_templates: dict[str, Path], tmp_path: Path) -> None:
    hostile = "<script>alert(1)</script> {{ 7*7 }} {% if 1 %}x{% endif %} &amp; ＝SUM(A1)"
    _, path = _report(mini_templates, tmp_path,
                      overrides={"地域福祉課": {"1-1-1.status": hostile}})
    read = read_docx(path)
    assert hostile in read.texts
    html = read_page(tmp_path / "output" / "公表" / MINI_HTML)
    assert read.headings == html.headings


def test_characters_xml_cannot_hold_are_removed(mini_templates: dict[str, Path],
                                                tmp_path: Path) -> None:
    """A control character (pasted from another program) never stops the Word file: removed,
    a vertical tab or form feed read as a line break; python-docx alone would refuse it."""
    job, _ = _report(mini_templates, tmp_path)
    doc: Document = job.published.document
    dirty = "前\x00\x01\x08中\x0b後\x0c末\x1f\ud800\ufffe。\r\n次の行\t表"
    with pytest.raises(ValueError):
        docx.Document().add_paragraph(dirty)
    goal = doc.goals[0]
    ini = goal.activities[0].initiatives[0]
    rows = [dataclasses.replace(ini.results[0], rows=[
        dataclasses.replace(ini.results[0].rows[0], text=dirty)])] + ini.results[1:]
    ini2 = dataclasses.replace(ini, results=rows, heading=ini.heading + "\x07")
    activity = dataclasses.replace(goal.activities[0], initiatives=[ini2])
    pages = dataclasses.replace(doc.pages, foreword=[dirty], publisher=["市\x02役所"])
    dirty_doc = dataclasses.replace(doc, goals=[dataclasses.replace(goal, activities=[activity])],
                                    pages=pages, title=doc.title + "\x03")
    out = tmp_path / "dirty.docx"
    build_docx(dirty_doc).save(str(out))
    read = read_docx(out)
    clean = "前中\n後\n末。\n次の行\t表"
    assert word_text(dirty) == clean
    assert read.texts.count(clean) == 2  # the foreword and the 実施状況 cell
    assert read.document.core_properties.author == "市役所"
    assert read.document.core_properties.title == doc.title
    assert ini.heading in read.texts


def test_without_python_docx_the_other_forms_are_written(mini_templates: dict[str, Path],
                                                         tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "docx", None)  # import docx → ImportError
    job, path = _report(mini_templates, tmp_path)
    folder = path.parent
    assert not path.exists()
    assert sorted(p.name for p in folder.iterdir() if p.suffix != ".pdf") == sorted(  # PDF: its own
        [MINI_HTML, "公表ページ.txt", "指標一覧_令和4年度.csv", "指標一覧_令和4年度.xlsx"])
    (finding,) = [f for f in job.published.skipped if not f.code.startswith("pdf-")]
    assert finding.code == "docx-engine-missing"
    assert "Word" in finding.message and 'pip install "consolidator[report]"' in finding.action
    result = CliRunner().invoke(main, ["report", str(tmp_path / "submissions"), "--out",
                                       str(tmp_path / "output"), "--plan", str(MINI_PLAN),
                                       "--year", "令和4"])
    assert 'pip install "consolidator[report]"' in result.output, result.output
    assert not path.exists()


# ---- LibreOffice Writer opens it -----------------------------------------------------------------

@pytest.mark.calc
@pytest.mark.slow
def test_libreoffice_opens_the_docx(seed_report: dict[str, Any], tmp_path: Path) -> None:
    """A word processor reads the file: LibreOffice Writer converts it to PDF, whose text
    holds every heading, on A4 pages."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if os.environ.get("CI"):
            pytest.fail("soffice is needed (libreoffice-writer-nogui)")
        pytest.skip("LibreOffice is not installed")
    source = tmp_path / "report.docx"
    shutil.copy(seed_report["docx"], source)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    done = subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
                           "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                           str(source)], capture_output=True, text=True, timeout=300, env=env)
    pdf = tmp_path / "report.pdf"
    if not pdf.is_file():
        if "could not be loaded" in done.stderr and not os.environ.get("CI"):
            pytest.skip("LibreOffice Writer is not installed (libreoffice-writer-nogui)")
        pytest.fail(done.stdout + done.stderr)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True,
                          timeout=60).stdout
    assert "A4" in info, info
    text = squeeze(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                                  text=True, check=True, timeout=120).stdout)
    headings = read_docx(seed_report["docx"]).headings
    lost = [h for _, h in headings if squeeze(h) not in text]
    assert lost == [], lost
