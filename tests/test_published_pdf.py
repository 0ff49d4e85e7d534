"""Issue 22, step 2: the published report as a tagged PDF (Typst), drawn from the same document
as the HTML — read back: its text (pdftotext, in the content's order), its structure (pikepdf),
its 目次 against the pages where the headings are; the fonts found per operating system; the
PDF skipped with a Japanese finding where typst or a Japanese font is missing."""

from __future__ import annotations

import builtins
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pikepdf
import pytest

from consolidator.jobs.publishing import ReportJob, run_report
from consolidator.messages import fill
from consolidator.messages.publish import PDF_TEXT, REPORT_TEXT
from consolidator.plan.catalog import Catalog
from consolidator.publish import fonts
from consolidator.publish.fonts import find_fonts, font_dirs, japanese_fonts
from helpers.filling import submit_all
from helpers.paths import MINI_PLAN
from helpers.published import assert_faithful, fidelity, shared_seed_report, squeeze

SEED_PDF = "令和3年度_実施状況報告.pdf"
MINI_PDF = "令和4年度_実施状況報告.pdf"


def pdf_pages(path: Path) -> list[str]:
    """Each page's text in the content's order (poppler's ``pdftotext -raw``: the reading
    order of a table's cells; pdfminer's and pdfplumber's readings interleave them)."""
    exe = shutil.which("pdftotext")
    if exe is None:
        pytest.skip("poppler's pdftotext is not installed (CI on Linux installs poppler-utils)")
    done = subprocess.run([exe, "-raw", "-enc", "UTF-8", str(path), "-"],
                          capture_output=True, check=True)
    return done.stdout.decode("utf-8").split("\f")[:-1]


def need_japanese_font() -> None:
    """Skip where the machine has no Japanese font the PDF can use (CI on Linux installs
    Noto CJK and IPAex; a Windows or macOS machine has its own)."""
    if not japanese_fonts()[0]:
        pytest.skip("no Japanese font for the PDF on this machine (see the README)")


def header_rows(results_year: str, next_year: str) -> set[str]:
    """The header rows of the document's tables, squeezed (a table's header repeats at the
    top of each page it continues on)."""
    t = REPORT_TEXT
    rows = [
        [t["results-organisation"], t["results-reporter"],
         fill(t["results-status"], year=results_year),
         fill(t["results-values"], year=results_year)],
        [t["results-organisation"], t["results-reporter"], fill(t["plans-text"], year=next_year)],
        [t["plan-organisation"], t["plan-actions"], t["plan-indicators"]],
        [t["glossary-term"], t["glossary-description"]],
        [t["judgement-indicator"], t["judgement-target"], t["judgement-value"],
         t["judgement-rate"], t["judgement-judgement"]],
    ]
    return {squeeze("".join(r)) for r in rows}


def body_lines(page: str) -> list[str]:
    """A page's lines without its furniture: the draft's header and the page number."""
    lines = [line for line in page.splitlines() if line.strip()]
    if lines and re.fullmatch(r"\d+ / \d+", lines[-1].strip()):
        lines.pop()
    if lines and lines[0].strip() == PDF_TEXT["draft-header"]:
        lines.pop(0)
    return lines


def document_text(pages: list[str], repeated: set[str]) -> str:
    """The document's text, squeezed, without the page furniture: the draft's header and the
    page number (artifacts, not content), and a table's header row repeated where the table
    goes on onto the next page (a row broken across pages reads as one row again)."""
    out = []
    for k, page in enumerate(pages):
        lines = body_lines(page)
        if k and lines and squeeze(lines[0]) in repeated:
            lines.pop(0)
        out.append(squeeze("".join(lines)))
    return "".join(out)


@pytest.fixture(scope="module")
def seed_pdf(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    need_japanese_font()
    seed = shared_seed_report(tmp_path_factory)
    pdf = seed["folder"] / SEED_PDF
    assert pdf.is_file(), seed["job"].published.skipped
    return {**seed, "pdf": pdf, "html": seed["folder"] / "令和3年度_実施状況報告.html"}


def seed_pages(seed: dict[str, Any]) -> list[str]:
    if "pages" not in seed:
        seed["pages"] = pdf_pages(seed["pdf"])
    return list(seed["pages"])


@pytest.mark.slow
def test_pdf_fidelity_to_the_seed(seed_pdf: dict[str, Any]) -> None:
    """The PDF's text holds the seed's document as the HTML does: ≥ 98 % of its lines, every
    missing line with a known cause."""
    job: ReportJob = seed_pdf["job"]
    doc = job.published.document
    text = document_text(seed_pages(seed_pdf), header_rows(doc.results_year, doc.next_year))
    assert_faithful(fidelity(text, job), text)
    for ini in seed_pdf["original"].initiatives:
        for section in ("status", "plans"):
            for row in ini.previous[section]:
                assert squeeze(row["text"]) in text, (ini.id, section, row["text"][:40])


def _struct_elements(path: Path) -> list[dict[str, str]]:
    """Every structure element of the PDF: its type (/S) and its alternate text (/Alt)."""
    with pikepdf.open(path) as pdf:
        found = []
        stack: list[Any] = [pdf.Root.StructTreeRoot]
        while stack:
            node = stack.pop()
            if isinstance(node, pikepdf.Array):
                stack.extend(node)
            elif isinstance(node, pikepdf.Dictionary):
                if "/S" in node:
                    found.append({k: str(v) for k, v in node.items() if k in ("/Alt", "/S")})
                if "/K" in node:
                    stack.append(node.K)
        return found


@pytest.mark.slow
def test_pdf_is_tagged_titled_japanese_with_embedded_fonts(seed_pdf: dict[str, Any]) -> None:
    doc = seed_pdf["job"].published.document
    with pikepdf.open(seed_pdf["pdf"]) as pdf:
        root = pdf.Root
        assert "/StructTreeRoot" in root
        assert root.MarkInfo.Marked is True
        assert str(root.Lang).startswith("ja")
        assert root.ViewerPreferences.DisplayDocTitle is True
        with pdf.open_metadata() as meta:
            assert meta.get("dc:title") == (f"{REPORT_TEXT['draft-mark']} " if doc.is_draft
                                            else "") + doc.title
        assert re.search(rb"pdfuaid:part[^0-9]{0,3}1", bytes(root.Metadata.read_bytes()))
        for page in pdf.pages:
            assert abs(float(page.mediabox[2]) - 595.28) < 1  # A4
            assert abs(float(page.mediabox[3]) - 841.89) < 1
        descriptors = []
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font":
                for font in [obj, *(obj.get("/DescendantFonts") or [])]:
                    if "/FontDescriptor" in font:
                        descriptors.append(font.FontDescriptor)
        assert descriptors
        assert all(any(k in d for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                   for d in descriptors)
    elements = _struct_elements(seed_pdf["pdf"])
    types = [e["/S"] for e in elements]
    html = seed_pdf["html"].read_text("utf-8")
    assert types.count("/Table") == html.count("<table"), (types.count("/Table"),
                                                           html.count("<table"))
    assert types.count("/TH") > 0 and "/H1" in types and "/Figure" in types
    (chart,) = [e for e in elements if e["/S"] == "/Figure"]  # the summary's chart, described
    assert chart.get("/Alt", "").startswith(PDF_TEXT["chart-alt"][:10])
    assert all(f"{goal.counts['achieved']}" in chart["/Alt"] for goal in doc.goals)
    # a table going on onto the next page starts it with its header row again
    repeated = header_rows(doc.results_year, doc.next_year)
    continued = [k for k, p in enumerate(seed_pages(seed_pdf)) if k and body_lines(p)
                 and squeeze(body_lines(p)[0]) in repeated]
    assert len(continued) >= 3, continued


@pytest.mark.slow
def test_toc_page_numbers_are_the_pages_of_the_headings(seed_pdf: dict[str, Any]) -> None:
    """Every 取組み in the 目次 with the number of the page whose text holds its heading; the
    bookmarks point there too."""
    doc = seed_pdf["job"].published.document
    pages = [squeeze(p) for p in seed_pages(seed_pdf)]
    toc_first = next(k for k, p in enumerate(pages) if squeeze(REPORT_TEXT["toc"]) in p[:40])
    toc_end = next(k for k, p in enumerate(pages) if k > toc_first
                   and p.find(squeeze(REPORT_TEXT["summary"])) >= 0)
    # not NFKC here: ① would read as 1, next to the page number before it
    toc = re.sub(r"\s+", "", "".join("".join(body_lines(p))
                                      for p in seed_pages(seed_pdf)[toc_first:toc_end]))
    headings = [ini.heading for g in doc.goals for a in g.activities for ini in a.initiatives]
    assert len(headings) == 30
    printed = {}
    for h in headings:
        m = re.search(re.escape(re.sub(r"\s+", "", h)) + r"\.*\u2060?(\d+)", toc)
        assert m, h
        number = int(m.group(1))
        printed[h] = number
        assert squeeze(h) in pages[number - 1], (h, number)
    with pikepdf.open(seed_pdf["pdf"]) as pdf, pdf.open_outline() as outline:
        targets = {}
        stack = list(outline.root)
        while stack:
            item = stack.pop()
            stack.extend(item.children)
            dest = item.destination
            if dest is not None:
                targets[item.title] = pikepdf.Page(dest[0]).index + 1
        # the labelled headings (i-<id>: the summary links to them) are named destinations
        names = pdf.Root.Names.Dests.Names
        named_pages = {str(names[k]): pikepdf.Page(names[k + 1][0]).index + 1
                       for k in range(0, len(names), 2)}
        linked = {}  # the 目次's links: the heading they name → the page they go to
        for k in range(toc_first, toc_end):
            for a in pdf.pages[k].get("/Annots") or []:
                named = re.search(r"“(.*)”", str(a.get("/Contents", "")))
                if a.get("/Subtype") == "/Link" and named and "/Dest" in a:
                    dest = a.Dest
                    linked[named.group(1)] = (named_pages.get(str(dest))
                                              if isinstance(dest, pikepdf.String)
                                              else pikepdf.Page(dest[0]).index + 1)
    assert {h: targets.get(h) for h in headings} == printed
    assert {h: linked.get(h) for h in headings} == printed
    ids = {ini.heading: ini.id for g in doc.goals for a in g.activities for ini in a.initiatives}
    assert {h: named_pages.get(f"i-{ids[h]}") for h in headings} == printed


# ---- a small plan: the rules one by one ------------------------------------------------------

def _report(templates: dict[str, Path], root: Path, need_pdf: bool = True,
            **submit: Any) -> tuple[ReportJob, Path]:
    if need_pdf:
        need_japanese_font()
    submit_all(templates, root / "submissions", **submit)
    job = run_report(root / "submissions", Catalog.from_path(MINI_PLAN), 2022, root / "output")
    return job, root / "output" / "公表" / MINI_PDF


def test_draft_mark_on_every_page_and_never_on_a_final(mini_templates: dict[str, Path],
                                                       tmp_path: Path) -> None:
    job, pdf = _report(mini_templates, tmp_path / "draft", skip=["高齢福祉課"])
    assert job.published.document.draft and pdf.is_file()
    pages = pdf_pages(pdf)
    assert len(pages) > 2
    assert all(PDF_TEXT["draft-header"] in p for p in pages)
    assert REPORT_TEXT["draft-banner"] in pages[0] and "高齢福祉課" in pages[0]
    job, pdf = _report(mini_templates, tmp_path / "final")
    assert not job.published.document.draft
    assert not any("案" in p for p in pdf_pages(pdf))


def test_characters_beyond_jis_level_2_and_markup_come_out_as_typed(
        mini_templates: dict[str, Path], tmp_path: Path) -> None:
    rare = "𠮷田さん 髙橋さん ①②⑳ ㈱まちづくり"
    hostile = "#let x = 1 $x$ *bold* _u_ <script>alert(1)</script> {{ 7*7 }} \\ @ref // c"
    job, pdf = _report(mini_templates, tmp_path, overrides={
        "地域福祉課": {"1-1-1.status": rare}, "高齢福祉課": {"1-1-1.status": hostile}})
    assert job.published.skipped == []
    text = "".join(pdf_pages(pdf))
    flat = re.sub(r"\s+", "", text)
    for ch in ("𠮷", "髙", "①", "⑳", "㈱"):
        assert ch in text, ch
    assert re.sub(r"\s+", "", rare) in flat
    assert re.sub(r"\s+", "", hostile) in flat
    assert "49" not in text


def _without_typst(monkeypatch: pytest.MonkeyPatch) -> None:
    real = builtins.__import__

    def fake(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "typst" or name.startswith("typst."):
            raise ImportError("No module named 'typst'")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake)


@pytest.mark.parametrize("missing", ["engine", "font"])
def test_without_typst_or_a_font_the_other_forms_are_written(
        missing: str, mini_templates: dict[str, Path], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    if missing == "engine":
        _without_typst(monkeypatch)
    else:
        empty = tmp_path / "no-fonts"
        empty.mkdir()
        monkeypatch.setattr(fonts, "font_dirs", lambda *_args: [empty])
    job, pdf = _report(mini_templates, tmp_path, need_pdf=False)
    folder = pdf.parent
    assert not pdf.exists()
    assert {p.name for p in job.published.files if p.suffix != ".docx"} == {  # Word: its own
        "令和4年度_実施状況報告.html", "指標一覧_令和4年度.csv", "指標一覧_令和4年度.xlsx"}
    assert all(p.is_file() for p in job.published.files) and folder.is_dir()
    (finding,) = [f for f in job.published.skipped if f.code.startswith("pdf-")]
    if missing == "engine":
        assert finding.code == "pdf-engine-missing"
        assert 'pip install "consolidator[report]"' in finding.action
    else:
        assert finding.code == "pdf-font-missing" and str(empty) in finding.message
        assert "Noto Sans CJK JP" in finding.action and "游ゴシック" in finding.action
    assert "PDF" in finding.message and "HTML" in finding.message


def test_cli_says_what_to_install(mini_templates: dict[str, Path], tmp_path: Path,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from consolidator.cli import main

    submit_all(mini_templates, tmp_path / "submissions")
    _without_typst(monkeypatch)
    result = CliRunner().invoke(main, ["report", str(tmp_path / "submissions"), "--out",
                                       str(tmp_path / "out"), "--plan", str(MINI_PLAN),
                                       "--year", "令和4"])
    assert result.exit_code == 0, result.output
    assert "pdf-engine-missing" in result.output and "consolidator[report]" in result.output


def test_windows_fonts_found_in_a_fake_windows_folder(tmp_path: Path) -> None:
    windir = tmp_path / "Windows"
    (windir / "Fonts").mkdir(parents=True)
    for name in ("meiryo.ttc", "YUGOTHR.TTC", "arial.ttf"):
        (windir / "Fonts" / name).write_bytes(b"")
    found, searched = japanese_fonts("win32", {"WINDIR": str(windir)}, tmp_path / "home")
    assert [f.family for f in found] == ["Yu Gothic", "Meiryo"]  # the preferred one first
    assert found[0].path == windir / "Fonts" / "YUGOTHR.TTC"
    assert searched[0] == windir / "Fonts"
    # the user's own fonts (installed without administrator rights) are searched too
    local = tmp_path / "Local"
    (local / "Microsoft" / "Windows" / "Fonts").mkdir(parents=True)
    (local / "Microsoft" / "Windows" / "Fonts" / "BIZ-UDGothicR.ttc").write_bytes(b"")
    found, _ = japanese_fonts("win32", {"WINDIR": str(tmp_path / "none"),
                                        "LOCALAPPDATA": str(local)}, tmp_path / "home")
    assert [f.family for f in found] == ["BIZ UDGothic"]


def test_font_folders_per_system(tmp_path: Path) -> None:
    assert Path("/System/Library/Fonts") in font_dirs("darwin", {}, tmp_path)
    assert tmp_path / "Library" / "Fonts" in font_dirs("darwin", {}, tmp_path)
    linux = font_dirs("linux", {"XDG_DATA_HOME": str(tmp_path / "data")}, tmp_path)
    assert tmp_path / ".fonts" in linux and tmp_path / "data" / "fonts" in linux
    fake = tmp_path / "fonts" / "opentype" / "ipaexfont-gothic"
    fake.mkdir(parents=True)
    (fake / "ipaexg.ttf").write_bytes(b"")
    (tmp_path / "fonts" / "NotoSansCJK-Regular.ttc").write_bytes(b"")
    found = find_fonts([tmp_path / "fonts", tmp_path / "missing"],
                       [("Noto Sans CJK JP", ("NotoSansCJK-Regular.ttc",)),
                        ("IPAexGothic", ("ipaexg.ttf",))])
    assert [(f.family, f.path.name) for f in found] == [
        ("Noto Sans CJK JP", "NotoSansCJK-Regular.ttc"), ("IPAexGothic", "ipaexg.ttf")]


def test_a_character_no_font_has_is_said_and_the_pdf_is_still_made(
        mini_templates: dict[str, Path], tmp_path: Path) -> None:
    """IPAexGothic alone lacks 𠮷: PDF/UA-1 refuses it, so the PDF is made tagged without the
    claim and a finding names the character (where the machine has only that font)."""
    from consolidator.publish.fonts import FontChoice
    from consolidator.publish.pdf import write_pdf

    (ipaex,) = [f for f in japanese_fonts()[0] if f.family == "IPAexGothic"] or [None]
    if ipaex is None:
        pytest.skip("IPAexGothic not installed")
    job, _ = _report(mini_templates, tmp_path, need_pdf=False,
                     overrides={"地域福祉課": {"1-1-1.status": "𠮷田"}})
    path, found = write_pdf(tmp_path / "only_ipaex.pdf", job.published.document,
                            [FontChoice(ipaex.family, ipaex.path)])
    assert path == tmp_path / "only_ipaex.pdf" and path.is_file()
    (finding,) = found
    assert finding.code == "pdf-characters-missing" and "𠮷" in finding.message
    with pikepdf.open(path) as pdf:
        assert "/StructTreeRoot" in pdf.Root and str(pdf.Root.Lang).startswith("ja")


def test_the_family_names_are_the_ones_typst_reads_in_the_files(tmp_path: Path) -> None:
    from consolidator.publish.fonts import FontChoice
    from consolidator.publish.pdf import typst_families

    yu, meiryo, gone = (tmp_path / "YuGothR.ttc", tmp_path / "meiryo.ttc", tmp_path / "x.ttf")
    book: list[tuple[str, str | None, int]] = [
        ("Yu Gothic UI", str(yu), 1), ("YuGothic", str(yu), 0), ("Meiryo UI", str(meiryo), 1),
        ("Meiryo", str(meiryo), 0), ("Libertinus Serif", None, 0)]
    chosen = [FontChoice("Yu Gothic", yu), FontChoice("Meiryo", meiryo),
              FontChoice("Gone", gone)]
    assert typst_families(chosen, book) == ["YuGothic", "Meiryo", "Gone"]


def test_the_secretariats_pages_are_in_the_pdf(mini_templates: dict[str, Path],
                                               tmp_path: Path) -> None:
    from consolidator.messages.publish import PAGES_NAME

    _report(mini_templates, tmp_path)
    (tmp_path / "output" / "公表" / PAGES_NAME).write_text(
        "【はしがき】\nこの報告は計画の進み具合をまとめたものです。#見出しではない *強調でもない*\n"
        "【発行者】\n山口市 健康福祉部 地域福祉課\n【発行日】\n令和5年3月\n"
        "【委員会の意見と市の考え方】\n意見:見守りの担い手が不足している。\n", "utf-8")
    job, pdf = _report(mini_templates, tmp_path)
    pages = pdf_pages(pdf)
    cover = re.sub(r"\s+", "", pages[0])
    assert "山口市健康福祉部地域福祉課" in cover and "令和5年3月" in cover
    text = re.sub(r"\s+", "", "".join(pages))
    for shown in ("はしがき", "この報告は計画の進み具合をまとめたものです。",
                  "#見出しではない*強調でもない*", "委員会の意見と市の考え方",
                  "意見:見守りの担い手が不足している。"):
        assert shown in text, shown


def test_a_font_typst_cannot_read_is_a_finding_not_an_empty_pdf(
        mini_templates: dict[str, Path], tmp_path: Path) -> None:
    """A font file found by name but not a font (damaged, or a stub): Typst would draw a PDF
    with no text at all; the PDF is skipped with the font finding instead."""
    fake = tmp_path / "fonts"
    fake.mkdir()
    (fake / "ipaexg.ttf").write_bytes(b"not a font")
    from consolidator.publish.fonts import FontChoice
    from consolidator.publish.pdf import write_pdf

    job, _ = _report(mini_templates, tmp_path, need_pdf=False)
    path, found = write_pdf(tmp_path / "x.pdf", job.published.document,
                            [FontChoice("IPAexGothic", fake / "ipaexg.ttf")])
    assert path is None and not (tmp_path / "x.pdf").exists()
    (finding,) = found
    assert finding.code == "pdf-font-missing" and "ipaexg.ttf" in finding.message
