"""The desk's pages as a user meets them, without the terminal (issue 25, section 2), through
Flask's test client on real generated and filled workbooks of the mini plan:

- no page, in any state of the year, tells the user to type a command;
- はじめに: the steps of the year, the current one from what the folder holds, the folder,
  and the 状況 summary only once something has come in;
- a department's versions and what each changed (the ``diff`` of the versions the ledger kept);
- pages are never stale: a department whose last warning was accepted is offered no
  correction request, a plan taken in says so instead of 「追加・変更されたファイル」, and an
  earlier version is not 「複数のファイル」;
- an information and a warning are told apart in words (エラー / 警告 / お知らせ).

The browser's view of the same (one line per short cell) is in tests/test_desk_browser.py.
"""

from __future__ import annotations

import html as html_lib
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from consolidator.checks.changes import diff_workbooks, shown
from consolidator.messages import MESSAGES, render
from consolidator.messages.desk import DESK_ACTIONS, DESK_TEXT
from consolidator.plan.catalog import Catalog
from helpers.desk import (
    BASE,
    PAGES_ROOT,
    TERMINAL,
    accept_forms,
    desk_client,
    download,
    page,
    post,
    sent,
    upload,
)
from helpers.filling import realistic_values, set_modified, submit_all
from helpers.paths import MINI_PLAN, ROOT

YEAR = 2022
PAGES = ("/", "/plan", "/workbooks", "/submit", "/status", "/consolidate")
# 地域福祉課: a warning (3 % against 42.1 % last year); 高齢福祉課: an error and a warning.
MISTAKES = {"地域福祉課": {"2-1-1-c1.value": 3},
            "高齢福祉課": {"1-1-1-c1.value": "約10", "1-1-1.plan": None}}


@pytest.fixture(scope="module")
def returned(tmp_path_factory: pytest.TempPathFactory, mini_templates: dict[str, Path],
             mini_catalog: Catalog) -> dict[str, Path]:
    """department → its returned workbook with the mistakes above (市社協 left out)."""
    return dict(submit_all(mini_templates, tmp_path_factory.mktemp("returned"), MISTAKES,
                           skip=["市社協"],
                           values=lambda d, t: realistic_values(t, mini_catalog, YEAR)))


@pytest.fixture(scope="module")
def corrected(tmp_path_factory: pytest.TempPathFactory, mini_templates: dict[str, Path],
              mini_catalog: Catalog) -> Path:
    """地域福祉課's second version: the value corrected to 40 %, as 地域福祉課_修正.xlsx."""
    folder = tmp_path_factory.mktemp("corrected")
    made = submit_all({"地域福祉課": mini_templates["地域福祉課"]}, folder,
                      {"地域福祉課": {"2-1-1-c1.value": 40}},
                      values=lambda d, t: realistic_values(t, mini_catalog, YEAR))
    return made["地域福祉課"].rename(folder / "地域福祉課_修正.xlsx")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    return root


def _take_in_the_plan(client: Any, tmp_path: Path) -> None:
    """計画: the plan workbook downloaded and taken in again unchanged (a clean import)."""
    status, data, _ = download(client, "/plan/workbook")
    assert status == 200
    book = tmp_path / "計画.xlsx"
    book.write_bytes(data)
    assert post(client, "/plan/workbook", {"plan": [sent(book, book.name)]}).status_code == 302
    assert 'data-testid="plan-imported"' in page(client, "/plan")


def visible_text(html: str, folder: Path) -> str:
    """What a user reads on a page: its text and the titles, placeholders and labels shown
    on hover or in empty fields; not the markup, the script or hidden fields; the project
    folder's path (a test's tmp folder) and the checkout's (where the test plan shown as the
    plan's source is: a checkout named ``wt-desk25`` is no command) left out."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r'<input type="hidden"[^>]*>', " ", html)
    shown_attrs = " ".join(re.findall(r'(?:title|placeholder|aria-label)="([^"]*)"', html))
    text = html_lib.unescape(re.sub(r"<[^>]+>", " ", html) + " " + shown_attrs)
    for path in (str(folder.resolve()), str(folder), str(ROOT)):
        text = text.replace(path, " ")
    return text


def _terminal_words(client: Any, folder: Path, paths: tuple[str, ...] = PAGES) -> list[str]:
    found = []
    for path in paths:
        for m in TERMINAL.finditer(visible_text(page(client, path), folder)):
            found.append(f"{path}: {m.group(0)!r}")
    return found


# ---- no terminal command ----------------------------------------------------------------------

def test_no_page_tells_the_user_to_type_a_command(
        project: Path, mini_catalog: Catalog, returned: dict[str, Path], corrected: Path,
        tmp_path: Path) -> None:
    client, _ws = desk_client(project, mini_catalog)
    said: list[str] = []
    said += _terminal_words(client, project)  # a fresh folder
    assert post(client, "/workbooks/generate", {"deadline": "5月31日", "contact": "内線1",
                                            "mail": "1"}).status_code == 302
    said += _terminal_words(client, project)  # templates made
    junk = tmp_path / "memo.xlsx"
    junk.write_text("not a workbook", "utf-8")
    upload(client, [*returned.values(), junk])
    said += _terminal_words(client, project)  # files in, with errors
    upload(client, [corrected])  # 地域福祉課 corrected: the file used changed
    html = page(client, "/status")
    assert 'data-code="resubmission-used"' in html
    said += _terminal_words(client, project, ("/status", "/status/versions/地域福祉課"))
    plan_empty = next(f for f in accept_forms(html) if f["code"] == "plan-empty")
    assert post(client, "/status/accept", {**plan_empty, "reason": "予定なし"}).status_code == 302
    assert post(client, "/status/remind", {"deadline": "6月5日"}).status_code == 302
    said += _terminal_words(client, project, ("/status",))  # accepted, reminded
    _take_in_the_plan(client, tmp_path)
    said += _terminal_words(client, project)  # a plan taken in
    assert post(client, "/consolidate").status_code == 302
    said += _terminal_words(client, project)  # consolidated
    assert said == []


def test_findings_that_name_a_command_say_what_to_do_on_the_desk() -> None:
    """Every finding whose action names a command has the desk's own action, which names
    none; no finding's message names one."""
    for code, (_severity, message, action) in MESSAGES.items():
        assert not TERMINAL.search(message), code
        if TERMINAL.search(action):
            assert code in DESK_ACTIONS, code
    for code, text in DESK_ACTIONS.items():
        assert code in MESSAGES and not TERMINAL.search(text), code
    _severity, _message, action = render("resubmission-used", department="地域福祉課")
    assert "consolidator diff" in action  # the command line's log keeps its own


# ---- はじめに: the steps of the year ------------------------------------------------------

def _steps(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-testid="step-(\w+)" data-state="(\w+)"', html))


def _current(client: Any) -> str:
    states = _steps(page(client, "/"))
    assert list(states) == ["plan", "workbooks", "send", "receive", "consolidate", "report"]
    assert list(states.values()).count("current") == 1
    return next(k for k, v in states.items() if v == "current")


def test_a_fresh_folder_opens_on_the_steps_of_the_year(
        project: Path, mini_catalog: Catalog, returned: dict[str, Path],
        mini_templates: dict[str, Path], tmp_path: Path) -> None:
    client, _ws = desk_client(project, mini_catalog)
    home = page(client, "/")
    assert _current(client) == "plan"
    assert str(project.resolve()) in visible_text(home, tmp_path / "elsewhere")
    assert 'data-testid="home-status"' not in home  # no status board yet
    status = page(client, "/status")  # nor 3 red rows of 未提出 on 状況
    assert 'data-testid="nothing-yet"' in status and 'data-testid="status"' not in status
    assert 'class="badge badge-error"' not in status
    assert 'data-testid="missing"' not in status  # nobody is late before anything went out

    _take_in_the_plan(client, tmp_path)
    assert _current(client) == "workbooks"
    assert post(client, "/workbooks/generate", {"deadline": "5月31日"}).status_code == 302
    assert _current(client) == "send"
    status = page(client, "/status")  # sent out: whom to remind, should nobody answer
    assert 'data-testid="nothing-yet"' in status and 'data-testid="missing-市社協"' in status
    upload(client, list(returned.values()))  # 市社協 still out
    assert _current(client) == "receive"
    home = page(client, "/")
    assert 'data-testid="home-status"' in home and "提出 2 / 3 担当" in home
    full = submit_all({"市社協": mini_templates["市社協"]}, tmp_path / "last")
    upload(client, [full["市社協"]])
    assert _current(client) == "consolidate"
    assert post(client, "/consolidate").status_code == 302
    assert _current(client) == "report"
    states = _steps(page(client, "/"))
    assert [states[k] for k in ("plan", "consolidate")] == ["done", "done"]


# ---- versions and what changed ----------------------------------------------------------------

def _changes(html: str) -> list[tuple[str, str, str]]:
    """(field, 前回, 今回) of every row of the pages' changes tables."""
    rows = re.findall(r'<tr data-field="([^"]+)"><th>.*?</th><td>(.*?)</td><td>(.*?)</td>',
                      html, re.S)
    return [(f, html_lib.unescape(a), html_lib.unescape(b)) for f, a, b in rows]


def test_the_versions_of_a_department_and_what_changed(
        project: Path, mini_catalog: Catalog, returned: dict[str, Path],
        corrected: Path) -> None:
    client, _ws = desk_client(project, mini_catalog)
    first = returned["地域福祉課"]
    upload(client, [first])
    upload(client, [corrected])
    (project / "submissions" / first.name).unlink()  # moved away: the ledger still has it
    assert post(client, "/status/validate").status_code == 302
    status = page(client, "/status")
    assert f'href="{PAGES_ROOT}/status/versions/%E5%9C%B0%E5%9F%9F%E7%A6%8F%E7%A5%89%E8%AA%B2"' \
        in status
    html = page(client, "/status/versions/地域福祉課")
    versions = re.findall(r'<tr data-testid="version" data-status="(\w+)">.*?'
                          r'<td class="file">(.*?)</td>', html, re.S)
    assert versions == [("superseded", first.name), ("used", corrected.name)]
    changes, problems = diff_workbooks(first, corrected, mini_catalog, YEAR)  # the CLI's diff
    assert problems == [] and [c.field_id for c in changes] == ["2-1-1-c1.value"]
    assert _changes(html) == [(c.field_id, shown(c.before), shown(c.after)) for c in changes]
    assert _changes(html) == [("2-1-1-c1.value", "3", "40")]
    assert 'data-testid="changes-2"' in html and 'data-testid="changes-1"' not in html
    assert client.get("/status/versions/人事課", base_url=BASE).status_code == 404


def test_a_department_with_one_version_has_no_changes_to_show(
        project: Path, mini_catalog: Catalog, returned: dict[str, Path]) -> None:
    client, _ws = desk_client(project, mini_catalog)
    html = page(client, "/status/versions/地域福祉課")
    assert 'data-testid="no-versions"' in html  # nothing in yet
    upload(client, [returned["地域福祉課"]])
    html = page(client, "/status/versions/地域福祉課")
    assert html.count('data-testid="version"') == 1 and _changes(html) == []


# ---- never stale --------------------------------------------------------------------------------

def test_a_department_whose_warning_was_accepted_is_offered_no_correction_request(
        project: Path, mini_catalog: Catalog, returned: dict[str, Path]) -> None:
    client, _ws = desk_client(project, mini_catalog)
    upload(client, list(returned.values()))
    html = page(client, "/status")
    assert 'data-testid="mail-地域福祉課"' in html and 'data-testid="log-地域福祉課"' in html
    tenfold = next(f for f in accept_forms(html) if f["code"] == "value-tenfold")
    assert post(client, "/status/accept", {**tenfold, "reason": "新基準のため"}).status_code == 302
    html = page(client, "/status")
    assert 'data-testid="mail-地域福祉課"' not in html
    assert 'data-testid="log-地域福祉課"' not in html
    assert 'data-testid="mail-高齢福祉課"' in html  # its error is still open


def test_after_a_plan_is_taken_in_the_page_says_so_and_no_earlier_version_is_a_duplicate(
        project: Path, mini_catalog: Catalog, returned: dict[str, Path], corrected: Path,
        tmp_path: Path) -> None:
    client, _ws = desk_client(project, mini_catalog)
    upload(client, [returned["地域福祉課"]])
    upload(client, [corrected])  # the first version left in the folder beside it
    duplicate = render("duplicate-not-used", department="地域福祉課")[1].split("。")[0]
    html = page(client, "/status")
    assert 'data-code="superseded-version"' in html and duplicate not in html
    _take_in_the_plan(client, tmp_path)
    html = page(client, "/status")
    assert 'data-testid="not-recorded"' in html  # the runs were of the plan replaced…
    assert DESK_TEXT["status-plan-replaced"] in html
    assert DESK_TEXT["status-not-recorded"] not in html  # …no file was added or changed
    assert 'data-code="superseded-version"' in html and duplicate not in html
    assert post(client, "/status/validate").status_code == 302
    html = page(client, "/status")
    assert 'data-recorded="yes"' in html and DESK_TEXT["status-plan-replaced"] not in html


def test_files_saved_into_the_folder_are_no_duplicates_before_the_check(
        project: Path, mini_catalog: Catalog, returned: dict[str, Path], corrected: Path
        ) -> None:
    """The corrected file saved straight into the folder: until it is checked, the page
    already counts the first as the earlier version (as the check will)."""
    client, _ws = desk_client(project, mini_catalog)
    upload(client, [returned["地域福祉課"]])
    saved = project / "submissions" / corrected.name
    shutil.copy2(corrected, saved)
    set_modified(saved, "2030-06-01T09:00:00Z")  # saved after the first: the one to use
    html = page(client, "/status")
    assert DESK_TEXT["status-not-recorded"] in html
    assert 'data-code="superseded-version"' in html
    assert 'data-code="duplicate-not-used"' not in html


# ---- badges -------------------------------------------------------------------------------------

def _badges(html: str, department: str) -> list[tuple[str, str]]:
    button = re.search(rf'data-testid="toggle-{re.escape(department)}">(.*?)</button>', html,
                       re.S)
    assert button, department
    return re.findall(r'<span class="badge badge-(\w+)" data-severity="\w+">(.*?)</span>',
                      button.group(1))


def test_an_information_and_a_warning_do_not_look_alike(
        project: Path, mini_catalog: Catalog, returned: dict[str, Path], corrected: Path
        ) -> None:
    client, _ws = desk_client(project, mini_catalog)
    upload(client, list(returned.values()))
    upload(client, [corrected])  # 地域福祉課's warning gone: only information left
    html = page(client, "/status")
    assert _badges(html, "地域福祉課") == [("info", "お知らせ 2")]
    assert _badges(html, "高齢福祉課") == [("error", "エラー 1"), ("warning", "警告 1")]
    rows = re.findall(r'<tr class="sev-(\w+)[^"]*" data-code="[^"]+">\s*<td class="severity">'
                      r'<span class="badge badge-\w+">(.*?)</span>', html)
    assert {severity: word for severity, word in rows} == {
        "error": "エラー", "warning": "警告", "info": "お知らせ"}


def test_a_folder_whose_settings_name_a_plan_starts_at_the_templates(
        project: Path, mini_catalog: Catalog) -> None:
    """A folder taken to the next year on the command line holds no plan.json, but its
    consolidator.toml names next year's plan: はじめに is at 様式を作る, not 計画を確かめる."""
    (project / "plan_2023.json").write_text(MINI_PLAN.read_text("utf-8"), "utf-8")
    (project / "consolidator.toml").write_text('plan = "plan_2023.json"\n', "utf-8")
    client, _ws = desk_client(project, mini_catalog)
    assert not (project / "plan.json").exists()
    assert _current(client) == "workbooks"
