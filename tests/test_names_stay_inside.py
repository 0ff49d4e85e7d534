"""Issue 21: no name from a plan writes outside the working folder.

A department's name becomes part of file names (its template, drafts, 確認事項, reminder).
Names that hold a path, a character Windows refuses or a device name are refused when a
catalog is loaded or imported (JSON, the plan workbook, the report's text; CLI and desk); a
name that slipped past (a catalog built in code, unchecked) still writes nothing outside its
folder, and every other department's files are written. Each test works in
``tmp/a/b/work`` and checks that nothing appeared anywhere else under ``tmp``.
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from consolidator.cli import main
from consolidator.feedback.drafts import write_send_out_drafts
from consolidator.jobs.reminders import remind_departments
from consolidator.jobs.runs import run_consolidate
from consolidator.plan.catalog import Catalog
from consolidator.plan.conformance import plan_findings
from consolidator.plan.workbook_export import export_workbook
from consolidator.safe_paths import UnsafePath, name_problem, output_path
from consolidator.templates.generate import generate_templates
from helpers.desk import BASE, desk_client, download, post, sent
from helpers.filling import submit_all
from helpers.paths import MINI_PLAN

YEAR = 2022
ESCAPE = "../../../../other/PWNED"  # from tmp/a/b/work/<folder>/…: out of work and above it

# (name, the reason name_problem gives)
REFUSED = [
    (ESCAPE, "separator"),
    ("..\\..\\..\\other\\PWNED", "separator"),
    ("<b>強調</b>", "separator"),
    ("福祉／健康課", "separator"),
    ("福祉∕健康課", "separator"),
    ("福祉⁄健康課", "separator"),
    ("福祉＼健康課", "separator"),
    ("..", "parent"),
    ("課..", "parent"),
    ("課\x00", "control"),
    ("福祉\n課", "control"),
    ("課\u202exslx.exe", "control"),
    ("福祉課<b>", "windows-character"),
    ("福祉:課", "windows-character"),
    ('福祉"課', "windows-character"),
    ("福祉|課", "windows-character"),
    ("福祉?課", "windows-character"),
    ("福祉*課", "windows-character"),
    ("CON", "reserved"),
    ("prn", "reserved"),
    ("Aux", "reserved"),
    ("NUL", "reserved"),
    ("COM0", "reserved"),
    ("COM9", "reserved"),
    ("LPT1", "reserved"),
    ("com¹", "reserved"),
    ("LPT³", "reserved"),
    ("CONIN$", "reserved"),
    ("conout$", "reserved"),
    ("CON.txt", "reserved"),
    ("nul.課", "reserved"),
    ("CON .xlsx", "reserved"),
    ("福祉課.", "trailing"),
    ("福祉課 ", "trailing"),
    (" 福祉課", "trailing"),
    ("", "empty"),
    ("福" * 65, "too-long"),
]
# Names a city really uses, and near misses of the rules that are fine.
ACCEPTED = ["市社協", "高齢福祉課", "地域福祉課・協働推進課", "CONSOLE課", "COM10", "LPT", "課.1",
            "福祉課\uff08旧\uff1a保健課\uff09", "子ども・子育て支援課", "福" * 64,
            "課…"]


@pytest.mark.parametrize(("name", "reason"), REFUSED)
def test_a_name_that_is_no_file_name_is_refused_with_its_reason(name: str, reason: str) -> None:
    assert name_problem(name) == reason


@pytest.mark.parametrize("name", ACCEPTED)
def test_a_department_name_a_city_uses_is_accepted(name: str) -> None:
    assert name_problem(name) is None


def test_every_department_of_the_default_plan_is_a_file_name() -> None:
    catalog = Catalog.default()
    assert [d for d in catalog.department_names if name_problem(d)] == []
    assert [f for f in plan_findings(catalog.doc) if f.code == "plan-unsafe-name"] == []


# ---- the one function that builds an output path ------------------------------------------------

@pytest.mark.parametrize("name", ["令和4年度_高齢福祉課_実施状況報告.xlsx", "報告..xlsx",
                                  "master_2022 (2).xlsx", ".consolidator-cache.sqlite3"])
def test_output_path_is_the_file_in_its_folder(tmp_path: Path, name: str) -> None:
    assert output_path(tmp_path / "out", name) == tmp_path / "out" / name


@pytest.mark.parametrize("name", ["../x.xlsx", "a/b.xlsx", "/etc/passwd", "..", ".", "",
                                  "C:evil.xlsx", "\\\\server\\share\\x.xlsx", "x\\..\\y"])
def test_output_path_refuses_a_name_that_is_not_one_file_of_the_folder(tmp_path: Path,
                                                                        name: str) -> None:
    with pytest.raises(UnsafePath):
        output_path(tmp_path, name)


@pytest.mark.skipif(os.name == "nt", reason="symbolic links need a privilege on Windows")
def test_output_path_refuses_a_link_that_leads_out_of_the_folder(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "master_2022.xlsx").symlink_to(tmp_path / "elsewhere" / "master_2022.xlsx")
    with pytest.raises(UnsafePath) as refused:
        output_path(folder, "master_2022.xlsx")
    assert refused.value.reason == "outside"


# ---- a working folder and what appears outside it ---------------------------------------------

@pytest.fixture
def work(tmp_path: Path) -> Iterator[Path]:
    """``tmp/a/b/work``, the current folder while the test runs (as the secretariat's)."""
    folder = tmp_path / "a" / "b" / "work"
    folder.mkdir(parents=True)
    old = Path.cwd()
    os.chdir(folder)
    try:
        yield folder
    finally:
        os.chdir(old)


def outside(work: Path) -> list[str]:
    """Every file and folder under the test's tmp folder that is not in ``work`` (nor one of
    the folders leading to it)."""
    root = work.parents[2]
    leading = {work.parents[0], work.parents[1]}
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                  if p not in leading and p != work and not p.is_relative_to(work))


def with_department(name: str, alias: str | None = None) -> dict[str, Any]:
    """The mini plan with one more city department, ``name``, reporting on 1-1-1."""
    doc = copy.deepcopy(json.loads(MINI_PLAN.read_text("utf-8")))
    department: dict[str, Any] = {"name": name, "organisation": "市"}
    if alias is not None:
        department["aliases"] = [alias]
    doc["departments"].append(department)
    first = doc["goals"][0]["activities"][0]["initiatives"][0]
    first["reporters"].append({"department": name})
    return doc


def unchecked(name: str) -> Catalog:
    """A catalog holding ``name`` that was never checked (built in code): what the writers
    must survive if a name ever slips past the check."""
    return Catalog(with_department(name))


NAMES = [ESCAPE, "<b>強調</b>", "..\\..\\..\\..\\other\\PWNED", "CON.x", "課\u202exslx.exe"]


# ---- refused where a catalog comes in ---------------------------------------------------------

@pytest.mark.parametrize("name", NAMES)
def test_a_json_catalog_with_such_a_name_is_refused_by_every_command(work: Path,
                                                                     name: str) -> None:
    plan = work / "plan.json"
    plan.write_text(json.dumps(with_department(name), ensure_ascii=False), "utf-8")
    runner = CliRunner()
    (work / "submissions").mkdir()
    for args in (["plan", "validate", "plan.json"],
                 ["generate", "--plan", "plan.json", "--mail"],
                 ["remind", "submissions", "--plan", "plan.json"],
                 ["consolidate", "submissions", "--plan", "plan.json"]):
        done = runner.invoke(main, args)
        assert done.exit_code != 0, args
        assert "plan-unsafe-name" in done.output, (args, done.output)
        assert "$.departments[3].name" in done.output
    assert outside(work) == []
    assert not (work / "workbook_templates").exists() and not (work / "output").exists()


def test_a_former_name_that_is_no_file_name_is_refused_too() -> None:
    found = plan_findings(with_department("防災課", alias=ESCAPE))
    assert [(f.code, f.path) for f in found.errors] == [
        ("plan-unsafe-name", "$.departments[3].aliases[0]")]


def test_a_name_is_refused_whatever_else_the_schema_found() -> None:
    doc = with_department(ESCAPE)
    del doc["goals"][0]["activities"][0]["initiatives"][0]["title"]  # a structural error
    codes = [f.code for f in plan_findings(doc)]
    assert "plan-schema" in codes and "plan-unsafe-name" in codes


def _plan_book_with(path: Path, name: str) -> Path:
    """The plan workbook (``plan export``) with a department added as a person would: a row
    in 担当一覧, a row in 報告担当."""
    export_workbook(Catalog.from_path(MINI_PLAN), path)
    wb = openpyxl.load_workbook(path)
    for sheet, values in (("担当一覧", {"担当名": name, "組織": "市"}),
                          ("報告担当", {"取組みID": "1-1-1", "担当": name})):
        ws = wb[sheet]
        row = ws.max_row + 1
        for heading, value in values.items():
            ws.cell(row, next(c.column for c in ws[1] if c.value == heading), value)
    edited = path.with_name("計画_編集.xlsx")
    wb.save(edited)
    return edited


@pytest.mark.parametrize("name", [ESCAPE, "<b>強調</b>", "CON"])
def test_plan_import_refuses_the_workbook_and_names_the_cell(work: Path, name: str) -> None:
    book = _plan_book_with(work / "計画.xlsx", name)
    done = CliRunner().invoke(main, ["plan", "import", str(book), "-o", "plan.json"])
    assert done.exit_code == 1
    assert "plan-book-unsafe-name" in done.output and "担当一覧!A" in done.output
    assert not (work / "plan.json").exists()
    assert outside(work) == []


def test_plan_import_from_the_report_text_writes_no_catalog_with_such_a_name(
        work: Path, monkeypatch: Any) -> None:
    """The report's reader takes only kana/kanji names ending in 課 or 図書館 as departments
    (lines._DEPARTMENT_RE), so no real text gives such a name; the command refuses one all the
    same, should the reader ever change."""
    from consolidator.findings import Findings
    from consolidator.plan.report_import import importer

    monkeypatch.setattr(importer, "import_report",
                        lambda _text, _fixes=None: (with_department(ESCAPE), Findings()))
    (work / "report.txt").write_text("令和3年度実施状況", "utf-8")
    done = CliRunner().invoke(main, ["plan", "import", "report.txt", "-o", "plan.json"])
    assert done.exit_code == 1 and "plan-unsafe-name" in done.output
    assert not (work / "plan.json").exists()
    assert outside(work) == []


# ---- a name that slipped past: nothing outside, the others written -----------------------------

ESCAPING = [n for n in NAMES if n != "CON.x"]  # CON.x is refused only where it leads a name


@pytest.mark.parametrize("name", ESCAPING)
def test_generate_writes_every_other_template_and_says_which_failed(work: Path,
                                                                    name: str) -> None:
    catalog = unchecked(name)
    out = work / "workbook_templates"
    written = generate_templates(catalog, YEAR, out)
    assert written.owners == ["市社協", "地域福祉課", "高齢福祉課"]
    assert all(p.is_file() and p.parent == out for p in written)
    [failed] = written.failed
    assert failed.code == "output-name-refused" and failed.is_error
    assert "ほかの担当のファイルは書き出しました" in failed.message
    drafts = write_send_out_drafts(catalog, YEAR, written, "5月31日", "内線1234")
    assert drafts.owners == written.owners and drafts.failed == []
    assert outside(work) == []


def test_a_device_name_leading_a_file_name_is_refused_there_only(work: Path) -> None:
    """``CON.x``: ``令和4年度_CON.x_実施状況報告.xlsx`` is a file name, ``CON.x_依頼.eml`` is
    the device CON on Windows: the template is written, the draft refused."""
    catalog = unchecked("CON.x")
    out = work / "workbook_templates"
    written = generate_templates(catalog, YEAR, out)
    assert "CON.x" in written.owners and written.failed == []
    drafts = write_send_out_drafts(catalog, YEAR, written, "5月31日", "内線1234")
    assert drafts.owners == ["市社協", "地域福祉課", "高齢福祉課"]
    [failed] = drafts.failed
    assert failed.code == "output-name-refused" and "予約" in failed.message
    assert not (out / "CON.x_依頼.eml").exists()


def test_generate_command_exits_non_zero_naming_the_department(work: Path,
                                                               monkeypatch: Any) -> None:
    """The CLI on a catalog that slipped past the check (its check made to pass)."""
    import consolidator.cli.working_folder as working_folder

    monkeypatch.setattr(working_folder, "load_catalog", lambda _plan: unchecked(ESCAPE))
    done = CliRunner().invoke(main, ["generate", "--mail"])
    assert done.exit_code == 1
    assert "output-name-refused" in done.output and ESCAPE in done.output
    assert len(list((work / "workbook_templates").glob("*.xlsx"))) == 3
    assert len(list((work / "workbook_templates").glob("*.eml"))) == 3
    assert outside(work) == []


def _all_but_one(work: Path, templates: dict[str, Path]) -> Path:
    """``work/submissions`` with every mini plan department's file but 高齢福祉課's (the
    department with the unsafe name sends nothing either: it has no template)."""
    submit_all(templates, work / "submissions", skip=("高齢福祉課",))
    return work / "submissions"


@pytest.mark.parametrize("name", [ESCAPE, "<b>強調</b>"])
def test_remind_reminds_every_other_department_and_says_which_failed(
        work: Path, mini_templates: dict[str, Path], name: str) -> None:
    done = remind_departments(_all_but_one(work, mini_templates), unchecked(name), YEAR,
                              work / "output", deadline="2023年5月31日",
                              contact="内線1234", today=date(2023, 5, 24))
    assert [r.department for r in done.reminded] == ["高齢福祉課"]
    assert "output-name-refused" in [f.code for f in done.findings]
    assert (work / "output" / "督促" / "高齢福祉課_督促.eml").is_file()
    assert outside(work) == []
    assert [p.name for p in (work / "output" / "督促").iterdir() if p.is_dir()] == []


@pytest.mark.parametrize("name", [ESCAPE, "..\\..\\..\\..\\other\\PWNED"])
def test_consolidate_writes_the_master_and_nothing_outside(
        work: Path, mini_templates: dict[str, Path], name: str) -> None:
    job = run_consolidate(_all_but_one(work, mini_templates), unchecked(name), YEAR,
                          work / "output")
    assert job.master is not None and job.master.is_file()
    # Neither department that sent nothing gets a file from consolidate (their one draft is
    # remind's, above): the unsafe name is never made a path here.
    assert [f for f in job.validation.findings if f.code == "output-name-refused"] == []
    folder = work / "output" / "担当別"
    assert [p.name for p in folder.glob("高齢福祉課*")] == []
    assert outside(work) == []


# ---- the desk -------------------------------------------------------------------------------

def test_the_desk_refuses_a_plan_workbook_with_such_a_name(work: Path) -> None:
    client, ws = desk_client(work, Catalog.from_path(MINI_PLAN))
    (work / "受信").mkdir()
    book = _plan_book_with(work / "受信" / "計画.xlsx", ESCAPE)
    assert post(client, "/plan/workbook", {"plan": [sent(book, "計画.xlsx")]}
                ).status_code == 302
    page = client.get("/plan", base_url=BASE).get_data(as_text=True)
    assert 'data-code="plan-book-unsafe-name"' in page
    assert not (work / "plan.json").exists()
    assert ESCAPE not in ws.project.catalog.department_names
    assert outside(work) == []


def test_the_desk_generates_every_other_template_and_lists_the_one_it_could_not(
        work: Path) -> None:
    client, _ws = desk_client(work, unchecked(ESCAPE))
    done = post(client, "/workbooks/generate", {"deadline": "5月31日", "contact": "内線1",
                                            "mail": "1"})
    assert done.status_code == 302  # not a 500 half way through
    page = client.get("/workbooks", base_url=BASE).get_data(as_text=True)
    assert 'data-testid="generate-failed"' in page
    assert 'data-code="output-name-refused"' in page
    assert len(list((work / "workbook_templates").glob("*.xlsx"))) == 3
    status, _data, _headers = download(client, f"/workbooks/template/{ESCAPE}")
    assert status == 404
    assert outside(work) == []


def test_the_plan_id_which_names_the_plan_workbook_is_a_plain_word() -> None:
    """The desk hands out the plan workbook as ``計画_<plan id>.xlsx``: an id holding a path
    is refused by the schema like a department's name by its own check."""
    doc = json.loads(MINI_PLAN.read_text("utf-8"))
    doc["plan"]["id"] = ESCAPE
    assert [(f.code, f.path) for f in plan_findings(doc).errors] == [("plan-schema", "$.plan.id")]


@pytest.mark.parametrize(("name", "said"), [("福祉／健康課", "「／」"), ("福祉:課", "「:」"),
                                            ("課\u202exslx.exe", "U+202E"),
                                            ("CON.x", "「CON」"), ("福" * 70, "70 文字")])
def test_the_finding_names_what_in_the_name_breaks_the_rule(name: str, said: str) -> None:
    [found] = [f for f in plan_findings(with_department(name)) if f.code == "plan-unsafe-name"]
    assert said in found.message and "$.departments[3].name" in found.message
    assert "\u202e" not in found.message  # shown, never applied


@pytest.mark.skipif(os.name == "nt", reason="Windows refuses the rename as held open: beside")
def test_a_file_the_system_refuses_is_named_and_the_others_are_written(work: Path) -> None:
    """Not a name but the file system: a folder where 地域福祉課's template and draft go."""
    from consolidator.templates.generate import template_filename

    catalog = Catalog.from_path(MINI_PLAN)
    out = work / "workbook_templates"
    (out / template_filename("地域福祉課", YEAR)).mkdir(parents=True)
    written = generate_templates(catalog, YEAR, out)
    assert written.owners == ["市社協", "高齢福祉課"]
    [failed] = written.failed
    assert failed.code == "template-not-written" and "地域福祉課" in failed.message
    (out / "高齢福祉課_依頼.eml").mkdir()
    drafts = write_send_out_drafts(catalog, YEAR, written, "5月31日", "内線1234")
    assert drafts.owners == ["市社協"]
    assert [f.code for f in drafts.failed] == ["draft-not-written"]
