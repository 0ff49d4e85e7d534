"""Issue 22, step 1: the published report (公表) — the document model, the HTML, the open data
and ``consolidator report`` — through real files: templates generated, filled as a department
would, consolidated, the report written and read back."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from consolidator.cli import main
from consolidator.jobs.publishing import ReportJob, run_report
from consolidator.messages.outputs import JUDGEMENT_TEXT
from consolidator.messages.publish import OPEN_DATA_COLUMNS, PAGES_NAME
from consolidator.plan.catalog import Catalog
from consolidator.publish.fonts import japanese_fonts
from consolidator.publish.model import value_line
from helpers.filling import complete_values, fields_of, submit_all
from helpers.paths import MINI_PLAN
from helpers.published import SEED_YEAR, assert_seed_fidelity, shared_seed_report, squeeze

MINI_HTML = "令和4年度_実施状況報告.html"


# ---- reading the HTML back ---------------------------------------------------------------------

class Page(HTMLParser):
    """The text of a page (script/style/title left out), each text node with the 取組み (h4
    id) it stands under; the headings in order; the tables with their captions and th scopes;
    every src/href."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.nodes: list[tuple[str | None, str]] = []
        self.headings: list[tuple[int, str]] = []
        self.tables: list[dict[str, Any]] = []
        self.links: list[str] = []
        self.tags: list[str] = []
        self.lang: str | None = None
        self.title = ""
        self._skip = 0
        self._initiative: str | None = None
        self._heading: int | None = None
        self._in_caption = False
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append(tag)
        if tag == "html":
            self.lang = a.get("lang")
        if tag in ("style", "script"):
            self._skip += 1
        if tag == "title" and not self.headings and not self.tables:
            self._in_title = True
        for key in ("src", "href"):
            if a.get(key):
                self.links.append(str(a[key]))
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = int(tag[1])
            self.headings.append((self._heading, ""))
            if tag == "h4":
                self._initiative = (a.get("id") or "").removeprefix("i-")
            elif int(tag[1]) < 4:
                self._initiative = None
        if tag == "table":
            self.tables.append({"caption": "", "th": 0, "th_scoped": 0})
        if tag == "caption":
            self._in_caption = True
        if tag == "th" and self.tables:
            self.tables[-1]["th"] += 1
            self.tables[-1]["th_scoped"] += bool(a.get("scope"))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script"):
            self._skip -= 1
        if tag == "title":
            self._in_title = False
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = None
        if tag == "caption":
            self._in_caption = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
            return
        if self._skip:
            return
        if self._heading is not None:
            level, text = self.headings[-1]
            self.headings[-1] = (level, text + data)
        if self._in_caption and self.tables:
            self.tables[-1]["caption"] += data
        self.nodes.append((self._initiative, data))

    @property
    def text(self) -> str:
        return "".join(d for _, d in self.nodes)


def read_page(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text("utf-8"))
    page.close()
    return page


def structure_problems(page: Page, raw: str) -> list[str]:
    problems = []
    if page.lang != "ja":
        problems.append(f"lang={page.lang}")
    if not page.title.strip():
        problems.append("no title")
    levels = [level for level, _ in page.headings]
    if not levels or levels[0] != 1 or levels.count(1) != 1:
        problems.append(f"h1: {levels[:3]}")
    problems += [f"heading jumps {a} → {b}: {page.headings[k + 1][1][:30]}"
                 for k, (a, b) in enumerate(zip(levels, levels[1:], strict=False)) if b > a + 1]
    problems += [f"table without caption #{k}" for k, t in enumerate(page.tables)
                 if not t["caption"].strip()]
    problems += [f"table with th without scope: {t['caption'][:30]}" for t in page.tables
                 if t["th"] == 0 or t["th_scoped"] != t["th"]]
    if "script" in page.tags or re.search(r"<script", raw, re.IGNORECASE):
        problems.append("a script element")
    problems += [f"external reference {link}" for link in page.links
                 if re.match(r"(https?:)?//", link, re.IGNORECASE)]
    if re.search(r"url\(|@import|https?://", raw):
        problems.append("an external address in the page")
    return problems


# ---- the seed's own year ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def seed_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return shared_seed_report(tmp_path_factory)


def test_fidelity_to_the_seed(seed_report: dict[str, Any]) -> None:
    """The seed's own 実施状況, 予定 and 実績値, typed into the 令和3 templates of a catalog
    that holds none of them, come back as the seed's document: ≥ 98 % of its lines."""
    page = read_page(seed_report["html"])
    assert_seed_fidelity(squeeze(page.text), seed_report,
                         [h for level, h in page.headings if level == 4])
    assert structure_problems(page, seed_report["html"].read_text("utf-8")) == []


def test_seed_report_values_and_shared_rows(seed_report: dict[str, Any]) -> None:
    page = read_page(seed_report["html"])
    text = squeeze(page.text)
    job: ReportJob = seed_report["job"]
    shown = 0
    for m in job.consolidated.measures:
        actual = m.measure.actual_of(SEED_YEAR)
        assert actual is None  # the stripped catalog: nothing to read it from
        line = value_line(m)
        assert squeeze(line) in text, line
        shown += m.value is not None
    assert shown == 75
    # 2-5-3: 生活安全課 and 地域福祉課 sent the same text: one row naming both, as the seed
    assert squeeze("生活安全課 地域福祉課・ふれあい・いきいきサロンや老人クラブ等を対象に") in text
    assert squeeze("推進協議会への社会福祉法人の加入率 57.5%") in text


# ---- a small plan: the rules one by one ---------------------------------------------------------

def _report(templates: dict[str, Path], root: Path, **submit: Any) -> tuple[ReportJob, Page]:
    submit_all(templates, root / "submissions", **submit)
    job = run_report(root / "submissions", Catalog.from_path(MINI_PLAN), 2022, root / "output")
    return job, read_page(root / "output" / "公表" / MINI_HTML)


MINI_DEPARTMENTS = ("市社協", "地域福祉課", "高齢福祉課")


def _distinct_values(department: str, template: Path) -> dict[str, Any]:
    values = complete_values(template)
    for k, fid in enumerate(sorted(f for f, row in fields_of(template).items()
                                   if row["role"] == "value")):
        values[fid] = 11 + k + 10 * MINI_DEPARTMENTS.index(department)  # ≤ 100: % too
    return values


def test_every_typed_text_and_value_appears_once_where_it_belongs(
        mini_templates: dict[str, Path], tmp_path: Path) -> None:
    job, page = _report(mini_templates, tmp_path, values=_distinct_values)
    typed = {d: _distinct_values(d, t) for d, t in mini_templates.items()}
    checked = 0
    for department, template in mini_templates.items():
        fields = fields_of(template)
        for fid, value in typed[department].items():
            row = fields[fid]
            if row["role"] in ("status", "plan"):
                where = [ini for ini, node in page.nodes if node == value]
                assert where == [row["initiative_id"]], (fid, where)
                checked += 1
    for m in job.consolidated.measures:
        line = value_line(m)
        assert m.value is not None
        where = [ini for ini, node in page.nodes if node == line]
        assert where == [m.measure.initiative.id], (line, where)
        checked += 1
    assert checked > 10


def test_department_text_is_shown_as_text(mini_templates: dict[str, Path],
                                          tmp_path: Path) -> None:
    hostile = "<script>alert(1)</script> {{ 7*7 }} {% if 1 %}x{% endif %} &amp; ＝SUM(A1)"
    job, page = _report(mini_templates, tmp_path,
                        overrides={"地域福祉課": {"1-1-1.status": hostile}})
    raw = (tmp_path / "output" / "公表" / MINI_HTML).read_text("utf-8")
    assert hostile in [node for _, node in page.nodes]
    assert "<script>" not in raw and "&lt;script&gt;alert(1)&lt;/script&gt;" in raw
    assert "{{ 7*7 }}" in page.text and "49" not in page.text
    assert structure_problems(page, raw) == []


def test_same_text_from_several_departments_is_one_row(mini_templates: dict[str, Path],
                                                       tmp_path: Path) -> None:
    same = "・地域の見守り活動を合同で支援"
    _, page = _report(mini_templates, tmp_path,
                      overrides={"地域福祉課": {"1-1-1.status": same},
                                 "高齢福祉課": {"1-1-1.status": same}})
    assert [node for _, node in page.nodes].count(same) == 1
    assert "地域福祉課 高齢福祉課" in [node for _, node in page.nodes]


def test_structure_and_judgements(mini_templates: dict[str, Path], tmp_path: Path) -> None:
    _, page = _report(mini_templates, tmp_path,
                      overrides={"高齢福祉課": {"1-1-1-c1.value": None}})
    raw = (tmp_path / "output" / "公表" / MINI_HTML).read_text("utf-8")
    assert structure_problems(page, raw) == []
    levels = [level for level, _ in page.headings]
    assert levels[0] == 1 and {2, 3, 4, 5} <= set(levels)
    for word in JUDGEMENT_TEXT.values():  # 判定 as words, in the summary and the tables
        assert word in page.text
    assert '<svg role="img"' in raw and "<title" in raw.split("<svg", 1)[1]
    assert "@page" in raw and "size: A4" in raw
    # the summary says where to look: the 取組み with a measure 未報告, linked
    attention = raw.split('class="attention"', 1)[1].split("</table>", 1)[0]
    assert '<a href="#i-1-1-1">' in attention and 'id="i-1-1-1"' in raw
    # a missing value: 未報告 beside it, and 未報告 as its 判定
    assert any(node.endswith(" 未報告") and node.startswith("・") for _, node in page.nodes)


def test_draft_when_a_department_is_missing(mini_templates: dict[str, Path],
                                            tmp_path: Path) -> None:
    job, page = _report(mini_templates, tmp_path, skip=["高齢福祉課"])
    raw = (tmp_path / "output" / "公表" / MINI_HTML).read_text("utf-8")
    assert job.published.document.draft
    assert any("高齢福祉課" in reason for reason in job.published.document.draft)
    cover = raw.split("<h1", 1)[0]
    assert "案" in cover and "高齢福祉課" in cover
    header = re.search(r'<div class="draft-header"[^>]*>(.*?)</div>', raw, re.DOTALL)
    assert header and "案" in header.group(1) and "高齢福祉課" in header.group(1)
    # printed: at the top of every page (a page margin box), with the reason
    top = re.search(r"@top-left \{ content: \"([^\"]*)\"", raw)
    assert top and top.group(1).startswith("案") and "高齢福祉課" in top.group(1)
    assert page.title.startswith("案")


def test_no_draft_when_the_year_is_complete(mini_templates: dict[str, Path],
                                            tmp_path: Path) -> None:
    job, page = _report(mini_templates, tmp_path)
    assert job.consolidated.validation.valid
    assert job.published.document.draft == []
    raw = (tmp_path / "output" / "公表" / MINI_HTML).read_text("utf-8")
    assert "draft-header" not in raw.split("</style>", 1)[1]
    assert "案" not in page.title


def test_open_data(mini_templates: dict[str, Path], tmp_path: Path) -> None:
    job, _ = _report(mini_templates, tmp_path, values=_distinct_values,
                     overrides={"市社協": {"1-1-1-s1.value": 1234.5}})
    folder = tmp_path / "output" / "公表"
    header = list(OPEN_DATA_COLUMNS.values())
    measures = [m.id for m in Catalog.from_path(MINI_PLAN).measures]
    data = (folder / "指標一覧_令和4年度.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data and b"\n" not in data.replace(
        b"\r\n", b"")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == header
    by_id = {r[header.index("指標ID")]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert list(by_id) == measures
    assert by_id["1-1-1-s1"]["実績値"] == "1234.5" and by_id["1-1-1-s1"]["年度"] == "2022"
    assert by_id["1-1-1-s1"]["和暦"] == "令和4年度"
    book = CalamineWorkbook.from_path(str(folder / "指標一覧_令和4年度.xlsx"))
    sheet = book.get_sheet_by_index(0).to_python()
    assert list(sheet[0]) == header
    assert len(sheet) == 1 + len(measures)
    col = {h: k for k, h in enumerate(header)}
    for r in sheet[1:]:
        assert isinstance(r[col["年度"]], (int, float)) and r[col["年度"]] == 2022
        assert isinstance(r[col["実績値"]], (int, float)), r
        assert isinstance(r[col["目標値"]], (int, float, str))
        assert r[col["単位"]] and not str(r[col["実績値"]]).endswith(str(r[col["単位"]]))
        assert r[col["判定"]] in JUDGEMENT_TEXT.values()
    wb = openpyxl.load_workbook(folder / "指標一覧_令和4年度.xlsx")
    assert [ws.merged_cells.ranges for ws in wb.worksheets] == [set()]
    with zipfile.ZipFile(folder / "指標一覧_令和4年度.xlsx") as z:
        assert not any("<f>" in z.read(n).decode("utf-8", "replace") for n in z.namelist()
                       if n.startswith("xl/worksheets/"))


def test_secretariat_pages(mini_templates: dict[str, Path], tmp_path: Path) -> None:
    job, page = _report(mini_templates, tmp_path)
    pages = tmp_path / "output" / "公表" / PAGES_NAME
    assert job.published.document.pages.created and pages.is_file()
    guide = pages.read_bytes().decode("utf-8")  # CRLF: Notepad's line ends
    assert "【はしがき】\r\n" in guide and "上書きされません" in guide
    edited = guide.replace("【はしがき】\r\n", "【はしがき】\r\n"
                           "この報告は、計画の進み具合をまとめたものです。\r\n\r\n二段落目です。\r\n")
    edited = edited.replace("【発行者】\r\n", "【発行者】\r\n山口市 健康福祉部 地域福祉課\r\n")
    edited = edited.replace("【委員会の意見と市の考え方】\r\n",
                            "【委員会の意見と市の考え方】\r\n意見:見守りの担い手が不足している。\r\n"
                            "市の考え方:養成講座を増やします。\r\n")
    pages.write_bytes(edited.encode("utf-8"))
    job2 = run_report(tmp_path / "submissions", Catalog.from_path(MINI_PLAN), 2022,
                      tmp_path / "output")
    assert not job2.published.document.pages.created
    assert pages.read_bytes().decode("utf-8") == edited  # never overwritten
    page = read_page(tmp_path / "output" / "公表" / MINI_HTML)
    nodes = [node for _, node in page.nodes]
    assert "この報告は、計画の進み具合をまとめたものです。" in nodes and "二段落目です。" in nodes
    assert "山口市 健康福祉部 地域福祉課" in nodes
    assert "意見:見守りの担い手が不足している。\n市の考え方:養成講座を増やします。" in nodes
    assert ("はしがき" in [h for _, h in page.headings]
            and "委員会の意見と市の考え方" in [h for _, h in page.headings])
    assert "#" not in "".join(nodes)  # the guidance is never published


def test_cli_report(mini_templates: dict[str, Path], tmp_path: Path) -> None:
    submit_all(mini_templates, tmp_path / "submissions", skip=["地域福祉課"])
    out = tmp_path / "output"
    result = CliRunner().invoke(main, ["report", str(tmp_path / "submissions"), "--out",
                                       str(out), "--plan", str(MINI_PLAN), "--year", "令和4"])
    assert result.exit_code == 1, result.output  # as consolidate: written, with errors
    assert "公表資料" in result.output and "案" in result.output
    assert "地域福祉課" in result.output  # why it is a draft
    assert "報告書" not in result.output  # the master's word, kept apart
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    pdf = ["公表/令和4年度_実施状況報告.pdf"] if japanese_fonts()[0] else []  # typst: dev extra
    assert written == sorted([".consolidator-cache.sqlite3", ".consolidator.lock",
                              "公表/令和4年度_実施状況報告.html", *pdf,
                              "公表/令和4年度_実施状況報告.docx", "公表/公表ページ.txt",
                              "公表/指標一覧_令和4年度.csv", "公表/指標一覧_令和4年度.xlsx"])
    assert not (tmp_path / "submissions" / "公表").exists()
    # everyone in, no error: exit 0, no 案
    submit_all(mini_templates, tmp_path / "submissions")
    again = CliRunner().invoke(main, ["report", str(tmp_path / "submissions"), "--out",
                                      str(out), "--plan", str(MINI_PLAN), "--year", "令和4"])
    assert again.exit_code == 0, again.output
    assert "「案」の表示なしで作成しました" in again.output and "理由" not in again.output


def test_accepted_warning_changes_no_text_and_is_said(mini_templates: dict[str, Path],
                                                      mini_catalog: Catalog,
                                                      tmp_path: Path) -> None:
    from consolidator.jobs.runs import run_validate
    from helpers.filling import realistic_values

    folder, out = tmp_path / "submissions", tmp_path / "output"
    submit_all(mini_templates, folder, {"地域福祉課": {"2-1-1-c1.value": 3}},
               values=lambda d, t: realistic_values(t, mini_catalog, 2022))
    first = run_validate(folder, mini_catalog, 2022, out)
    log = first.logs["xlsx"]
    wb = openpyxl.load_workbook(log)
    ws = wb["検証ログ"]
    header = [c.value for c in ws[1]]
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, header.index("コード") + 1).value == "value-tenfold":
            ws.cell(r, header.index("承認") + 1).value = "承認する"
            ws.cell(r, header.index("承認理由") + 1).value = "新基準による集計のため"
    wb.save(log)
    accepted = CliRunner().invoke(main, ["accept", str(log), "--by", "山田"])
    assert "1 件" in accepted.output, accepted.output
    job = run_report(folder, mini_catalog, 2022, out)
    page = read_page(out / "公表" / MINI_HTML)
    (m,) = [m for m in job.consolidated.measures if m.measure.id == "2-1-1-c1"]
    assert m.value == 3
    assert [ini for ini, node in page.nodes if node == value_line(m)] == ["2-1-1"]
    notes = [(ini, node) for ini, node in page.nodes if "承認" in node and "山田" in node]
    assert len(notes) == 1 and notes[0][0] == "2-1-1", notes
    assert "新基準による集計のため" in notes[0][1]


# ---- axe-core in headless Chromium ---------------------------------------------------------------

AXE = Path(__file__).parent / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _axe_violations(driver: Any, page: Path) -> list[dict[str, Any]]:
    driver.get(page.as_uri())
    driver.execute_script(AXE.read_text("utf-8"))
    driver.set_script_timeout(120)
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})"
        ".then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact,"
        " help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.html)}))))"
        ".catch(e => done([{id: 'axe-error', help: String(e), nodes: []}]));", WCAG_TAGS)
    return list(result)


@pytest.mark.slow
def test_no_wcag_violation_found_by_axe(seed_report: dict[str, Any], mini_templates:
                                        dict[str, Path], tmp_path: Path) -> None:
    """The published HTML (the seed's year, and a draft of the small plan) under axe-core's
    WCAG 2.1 A and AA rules, in Debian's headless Chromium (as the desk's browser tests)."""
    import os

    from helpers.browser import chromium, have_browser

    if not (have_browser() and AXE.is_file()):
        if os.environ.get("CI") and os.environ.get("DESK_BROWSER") != "optional":
            pytest.fail("chromium, chromium-driver, selenium and axe-core (npm ci in "
                        "tests/a11y) are needed: .ci/run installs them")
        pytest.skip("chromium, chromium-driver, selenium or axe-core not installed")
    _report(mini_templates, tmp_path / "draft", skip=["高齢福祉課"])
    pages = [seed_report["html"], tmp_path / "draft" / "output" / "公表" / MINI_HTML]
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    bad = tmp_path / "bad.html"  # the check itself sees a violation where there is one
    bad.write_text("<!DOCTYPE html><html><head><title>x</title></head><body>"
                   "<table><tr><th></th><td>1</td></tr></table></body></html>", "utf-8")
    with chromium(tmp_path / "profile", downloads) as driver:
        found = {page.name: _axe_violations(driver, page) for page in pages}
        seen = {v["id"] for v in _axe_violations(driver, bad)}
    assert found == {page.name: [] for page in pages}
    assert "html-has-lang" in seen, seen


def test_missing_value_with_its_reason_and_a_change_with_its_explanation(
        mini_templates: dict[str, Path], tmp_path: Path) -> None:
    job, page = _report(mini_templates, tmp_path, overrides={
        "高齢福祉課": {"1-1-1-c1.value": None, "1-1-1-c1.reason": "その他",
                   "1-1-1-c1.reason_text": "会場が使えず集計できなかった"},
        "地域福祉課": {"2-1-1-c1.value": 3, "2-1-1-c1.explanation": "新基準による集計のため"}})
    by_id = {m.measure.id: m for m in job.consolidated.measures}
    nodes = {(ini, node) for ini, node in page.nodes}
    missing = by_id["1-1-1-c1"]
    assert ("1-1-1", f"・{missing.measure.name} その他(会場が使えず集計できなかった)") in nodes
    changed = by_id["2-1-1-c1"]
    assert ("2-1-1", f"・{changed.measure.name} 3%(増減の理由:新基準による集計のため)") in nodes
    rows = list(csv.DictReader(io.StringIO(
        (tmp_path / "output" / "公表" / "指標一覧_令和4年度.csv").read_bytes().decode("utf-8-sig"),
        newline="")))
    row = {r["指標ID"]: r for r in rows}
    assert row["1-1-1-c1"]["未記入の理由"] == "その他(会場が使えず集計できなかった)"
    assert row["1-1-1-c1"]["判定"] == "未報告" and row["1-1-1-c1"]["実績値"] == ""
    assert row["2-1-1-c1"]["増減の理由"] == "新基準による集計のため"


def test_values_of_an_owner_without_a_text_row_are_shown(mini_catalog: Catalog) -> None:
    from consolidator.publish.model import _grouped
    from consolidator.report.merge import MeasureResult

    m = MeasureResult(measure=mini_catalog.measure_by_id["1-1-1-c1"], value=7)
    (group,) = _grouped([], [m])
    assert group.organisation == "市" and [r.label for r in group.rows] == ["高齢福祉課"]
    assert [v.text for v in group.values] == [value_line(m)]


def test_pages_file_saved_as_shift_jis_is_read_and_said(tmp_path: Path) -> None:
    from consolidator.publish.pages import load_pages

    folder = tmp_path / "公表"
    folder.mkdir()
    (folder / PAGES_NAME).write_bytes("【発行者】\r\n山口市 地域福祉課\r\n<script>x</script>\r\n"
                                      .encode("cp932"))
    pages = load_pages(folder)
    assert pages.not_utf8 and not pages.created
    assert pages.publisher == ["山口市 地域福祉課\n<script>x</script>"]
    assert pages.foreword == [] and pages.committee == []
