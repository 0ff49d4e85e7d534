"""The desk (``consolidator desk``) without a browser: its guard, uploads, downloads and
pages through Flask's test client, on real generated and filled workbooks (the mini plan).

The browser end-to-end tests are in tests/test_desk_browser.py.
"""

from __future__ import annotations

import io
import re
import socket
import subprocess
import sys
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from consolidator.checks.validation import validate_folder
from consolidator.desk.app import create_app
from consolidator.desk.department_status import department_status, unplaced_files
from consolidator.desk.project import Project
from consolidator.desk.server import make_desk
from consolidator.desk.uploads import safe_name
from consolidator.desk.workspace import Workspace
from consolidator.jobs.output_folder import exclusive
from consolidator.jobs.runs import master_path
from consolidator.limits import DEFAULT_LIMITS, Limits
from consolidator.messages.desk import DESK_TEXT
from consolidator.plan.catalog import Catalog, canonical_json
from consolidator.plan.workbook_import import import_workbook
from helpers.desk import (
    BASE,
    FORM,
    GUARD,
    ORIGIN,
    PAGES_ROOT,
    PORT,
    TOKEN,
    desk_client,
    download,
    post,
    sent,
)
from helpers.desk import files as files_below
from helpers.filling import submit_all

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "consolidator" / "desk" / "templates"
JAPANESE = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]")


def _client(project: Path, catalog: Catalog, limits: Limits = DEFAULT_LIMITS) -> Any:
    return desk_client(project, catalog, limits)[0]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    return root


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory, mini_templates: dict[str, Path]
           ) -> dict[str, Path]:
    """department → a completely filled workbook of the mini plan (outside any project)."""
    return dict(submit_all(mini_templates, tmp_path_factory.mktemp("filled")))


# ---- names --------------------------------------------------------------------------------

@pytest.mark.parametrize(("sent", "saved"), [
    ("../../x.xlsx", "x.xlsx"),
    ("..\\..\\Windows\\x.xlsx", "x.xlsx"),
    ("/etc/passwd", "passwd"),
    ("高齢福祉課_提出.xlsx", "高齢福祉課_提出.xlsx"),
    (".bashrc", "bashrc"),
    ("..", DESK_TEXT["default-name"]),
    ("", DESK_TEXT["default-name"]),
    ("CON.xlsx", "_CON.xlsx"),
    ("a<b>:c|d?.xlsx", "a_b__c_d_.xlsx"),
    ("x\x00y\r\n.xlsx", "x_y__.xlsx"),
    ("報告 .xlsx. ", "報告.xlsx"),
    ("x" * 300 + ".xlsx", "x" * 100 + ".xlsx"),
    ("report.x?lsx", "report_x_lsx"),
    ("COM¹.xlsx", "_COM¹.xlsx"),
    ("conin$.xlsx", "_conin$.xlsx"),
    ("福祉／健康課.xlsx", "福祉_健康課.xlsx"),
    ("報..告.xlsx", "報..告.xlsx"),
], ids=["parent-dirs", "windows-parent-dirs", "absolute", "japanese", "hidden", "dot-dot",
        "empty", "windows-device", "forbidden-chars", "control-chars", "trailing-dots",
        "too-long", "odd-suffix", "superscript-device", "console-device", "slash-look-alike",
        "double-dot-inside"])
def test_safe_name(sent: str, saved: str) -> None:
    assert safe_name(sent, DESK_TEXT["default-name"]) == saved


# ---- the guard ----------------------------------------------------------------------------

def test_the_printed_address_sets_the_key_and_drops_it_from_the_url(
        project: Path, mini_catalog: Catalog) -> None:
    app = create_app(Workspace(Project(project, mini_catalog, 2022)), GUARD)
    client = app.test_client()
    assert client.get("/status", base_url=BASE).status_code == 403
    first = client.get(f"/?token={TOKEN}", base_url=BASE)
    assert first.status_code == 302 and "token" not in first.headers["Location"]
    cookie = first.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert client.get("/plan", base_url=BASE).status_code == 200
    assert client.get(f"/?token={'x' * 43}", base_url=BASE).status_code == 200  # はじめに…
    other = app.test_client()
    assert other.get(f"/?token={'x' * 43}", base_url=BASE).status_code == 403  # …not a key


@pytest.mark.parametrize(("origin", "token", "cookie"), [
    ("http://evil.example", FORM, True),
    ("null", FORM, True),
    (f"http://127.0.0.1:{PORT + 1}", FORM, True),
    (None, FORM, True),
    (ORIGIN, None, True),
    (ORIGIN, "x" * 43, True),
    (ORIGIN, TOKEN, True),
    (ORIGIN, FORM, False),
], ids=["other-site", "null-origin", "other-port", "no-origin", "no-form-key", "wrong-form-key",
        "cookie-key-as-form-key", "no-cookie"])
def test_a_post_from_elsewhere_is_refused_and_changes_nothing(
        project: Path, mini_catalog: Catalog, filled: dict[str, Path], origin: str | None,
        token: str | None, cookie: bool) -> None:
    client = _client(project, mini_catalog)
    if not cookie:
        client.delete_cookie(f"desk-{PORT}", domain="127.0.0.1", path=f"{PAGES_ROOT}/")
    path = filled["高齢福祉課"]
    for url, data in (("/submit", {"files": [sent(path, "../../x.xlsx")]}),
                      ("/consolidate", {}),
                      ("/workbooks/generate", {"deadline": "5月31日"})):
        done = post(client, url, data, origin=origin, token=token)
        assert done.status_code == 403, url
        assert any(DESK_TEXT[k] in done.get_data(as_text=True)
                   for k in ("forbidden-origin", "forbidden-token"))
    assert files_below(project.parent) == {}


def test_a_page_is_refused_under_another_host_name(project: Path, mini_catalog: Catalog) -> None:
    client = _client(project, mini_catalog)
    assert client.get("/status", base_url=BASE).status_code == 200
    rebound = client.get("/status", base_url=f"http://attacker.example:{PORT}{PAGES_ROOT}")
    assert rebound.status_code == 403
    assert DESK_TEXT["forbidden-host"] in rebound.get_data(as_text=True)


def test_pages_say_where_they_come_from(project: Path, mini_catalog: Catalog) -> None:
    done = _client(project, mini_catalog).get("/plan", base_url=BASE)
    assert "frame-ancestors 'none'" in done.headers["Content-Security-Policy"]
    assert done.headers["X-Frame-Options"] == "DENY"
    html = done.get_data(as_text=True)
    assert not re.search(r"""(src|href)=["']https?://""", html)  # nothing from a CDN


# ---- uploads ------------------------------------------------------------------------------

def test_an_upload_named_with_parent_dirs_lands_inside_submissions_never_overwriting(
        project: Path, mini_catalog: Catalog, filled: dict[str, Path]) -> None:
    client = _client(project, mini_catalog)
    first, second = filled["高齢福祉課"], filled["地域福祉課"]
    for path in (first, second):
        done = post(client, "/submit", {"files": [sent(path, "../../x.xlsx")]})
        assert done.status_code == 302
    saved = files_below(project.parent)
    assert {f for f in saved if not f.startswith("project/output/")} - {
        "project/ledger.sqlite3", "project/.consolidator-cache.sqlite3",
        "project/.consolidator-outputs.sqlite3"} == {
        "project/submissions/x.xlsx", "project/submissions/x (2).xlsx"}
    assert saved["project/submissions/x.xlsx"] == first.read_bytes()
    assert saved["project/submissions/x (2).xlsx"] == second.read_bytes()
    page = client.get("/submit", base_url=BASE).get_data(as_text=True)
    assert "submissions/x (2).xlsx" in page and "地域福祉課" in page


def test_uploaded_files_are_checked_at_once_with_their_findings(
        project: Path, mini_catalog: Catalog, mini_templates: dict[str, Path]) -> None:
    client = _client(project, mini_catalog)
    empty = mini_templates["市社協"]  # returned untouched: every required field is missing
    bogus = project.parent / "memo.txt"
    bogus.write_text("not a workbook", "utf-8")
    done = post(client, "/submit", {"files": [sent(empty, "市社協.xlsx"),
                                               sent(bogus, "memo.xlsx")]})
    assert done.status_code == 302
    page = client.get("/submit", base_url=BASE).get_data(as_text=True)
    assert 'data-code="value-missing"' in page  # the untouched template's findings
    assert 'data-code="file-not-workbook"' in page  # the text file's
    assert page.count('data-testid="uploaded"') == 2


def test_too_many_files_are_refused_and_nothing_is_saved(
        project: Path, mini_catalog: Catalog, filled: dict[str, Path]) -> None:
    client = _client(project, mini_catalog, replace(DEFAULT_LIMITS, max_upload_files=2))
    chosen = [sent(p, p.name) for p in filled.values()]
    assert post(client, "/submit", {"files": chosen}).status_code == 302
    page = client.get("/submit", base_url=BASE).get_data(as_text=True)
    assert "一度に送れるのは 2 件まで" in page
    assert not (project / "submissions").exists()


def test_a_file_over_the_size_limit_is_not_kept(project: Path, mini_catalog: Catalog,
                                               filled: dict[str, Path]) -> None:
    client = _client(project, mini_catalog, replace(DEFAULT_LIMITS, max_file_bytes=1000))
    path = filled["市社協"]
    assert post(client, "/submit", {"files": [sent(path, path.name)]}).status_code == 302
    assert "大きすぎるため保存しませんでした" in client.get("/submit", base_url=BASE).get_data(
        as_text=True)
    assert list((project / "submissions").iterdir()) == []


def test_a_request_over_the_upload_limit_is_refused(project: Path, mini_catalog: Catalog,
                                                   filled: dict[str, Path]) -> None:
    client = _client(project, mini_catalog, replace(DEFAULT_LIMITS, max_upload_bytes=10_000))
    chosen = [sent(p, p.name) for p in filled.values()]
    done = post(client, "/submit", {"files": chosen})
    assert done.status_code == 413
    assert not (project / "submissions").exists()


# ---- downloads ------------------------------------------------------------------------------

def test_nothing_is_served_from_outside_the_project(project: Path, mini_catalog: Catalog,
                                                   tmp_path: Path) -> None:
    secret = tmp_path / "secret.xlsx"
    secret.write_bytes(b"secret")
    (project / "output").mkdir()
    try:
        (project / "output" / "master_2022.xlsx").symlink_to(secret)
    except OSError:  # Windows without the right to make links
        pytest.skip("symbolic links cannot be made here")
    client = _client(project, mini_catalog)
    for url in ("/download/master", "/download/log", "/status/log/../../secret.xlsx",
                "/status/log/%2e%2e%2fsecret", "/workbooks/template/人事課", "/static/",
                "/static/../../../secret.xlsx", "/download/", "/output/", "/submissions/"):
        status, data, _ = download(client, url)
        assert status == 404, url
        assert b"secret" not in data


def test_consolidate_from_the_page_writes_what_the_command_writes(
        project: Path, mini_catalog: Catalog, filled: dict[str, Path]) -> None:
    client, workspace = desk_client(project, mini_catalog)
    chosen = [sent(p, p.name) for p in filled.values()]
    assert post(client, "/submit", {"files": chosen}).status_code == 302
    assert post(client, "/consolidate").status_code == 302
    # the PDF and the Word file are drawn after 集約 answered (tests/test_desk_drawing.py)
    assert workspace.drawings.wait(60)
    page = client.get("/consolidate", base_url=BASE).get_data(as_text=True)
    assert 'data-testid="download-master"' in page and 'data-testid="overview"' in page
    status, data, headers = download(client, "/download/master")
    assert status == 200
    assert data == master_path(project / "output", 2022).read_bytes()
    assert "attachment" in headers["Content-Disposition"]
    # the published report (consolidator report's files) beside the master
    published = project / "output" / "公表"
    for kind, name in (("html", "令和4年度_実施状況報告.html"), ("csv", "指標一覧_令和4年度.csv"),
                       ("xlsx", "指標一覧_令和4年度.xlsx"), ("pdf", "令和4年度_実施状況報告.pdf"),
                       ("docx", "令和4年度_実施状況報告.docx")):
        assert f'data-testid="download-published-{kind}"' in page
        status, data, _ = download(client, f"/download/published/{kind}")
        assert status == 200 and data == (published / name).read_bytes()
    for kind in ("doc", "..%2fmaster_2022.xlsx", "txt"):
        assert download(client, f"/download/published/{kind}")[0] == 404


def test_the_folder_held_by_another_run_is_said_and_left_alone(
        project: Path, mini_catalog: Catalog) -> None:
    client = _client(project, mini_catalog)
    with exclusive(project / "output"):
        done = post(client, "/consolidate")
    assert done.status_code == 409
    assert DESK_TEXT["busy"] in done.get_data(as_text=True)
    assert not (project / "output" / "master_2022.xlsx").exists()


def test_an_upload_while_a_run_holds_the_folder_saves_nothing(
        project: Path, mini_catalog: Catalog, filled: dict[str, Path]) -> None:
    client = _client(project, mini_catalog)
    path = filled["市社協"]
    with exclusive(project / "output"):
        done = post(client, "/submit", {"files": [sent(path, path.name)]})
        generated = post(client, "/workbooks/generate")
    assert done.status_code == generated.status_code == 409
    assert not (project / "submissions").exists() and not (project / "workbook_templates").exists()


def test_templates_are_generated_and_handed_out(project: Path, mini_catalog: Catalog) -> None:
    client = _client(project, mini_catalog)
    assert post(client, "/workbooks/generate", {"deadline": "5月31日", "contact": "内線1"}
                 ).status_code == 302
    page = client.get("/workbooks", base_url=BASE).get_data(as_text=True)
    assert page.count('data-testid="template-') == 3
    status, data, _ = download(client, "/workbooks/template/高齢福祉課")
    assert status == 200 and data.startswith(b"PK")
    status, data, _ = download(client, "/workbooks/all.zip")
    assert status == 200 and len(zipfile.ZipFile(io.BytesIO(data)).namelist()) == 3


# ---- the 状況 numbers ------------------------------------------------------------------------

def test_status_rows_before_a_run_is_recorded_are_the_validations_numbers(
        tmp_path: Path, mini_catalog: Catalog, mini_templates: dict[str, Path]) -> None:
    folder = tmp_path / "submissions"
    submit_all(mini_templates, folder, skip=["地域福祉課"])
    (folder / "junk.xlsx").write_bytes(b"junk")
    result = validate_folder(folder, mini_catalog, 2022, workers=1)
    rows = department_status(result)
    # the validation's numbers, but a department that sent nothing is 未提出, not an error
    # as well (as consolidator status counts it, issue 24)
    assert [(r.department, r.received, r.errors, r.warnings) for r in rows] == [
        (r["department"], r["received"], r["errors"] if r["received"] else 0, r["warnings"])
        for r in result.department_rows()]
    missing = next(r for r in rows if r.department == "地域福祉課")
    assert not missing.received and [f.code for f in missing.findings] == ["unit-missing"]
    assert missing.errors == 0
    unplaced = unplaced_files(result.findings)
    assert [(u.file, [f.code for f in u.findings]) for u in unplaced] == [
        ("junk.xlsx", ["file-not-workbook"])]


# ---- the server and the package ---------------------------------------------------------

def test_the_server_listens_on_127_0_0_1_only(project: Path, mini_catalog: Catalog) -> None:
    desk = make_desk(project, mini_catalog)
    try:
        assert desk.server.socket.getsockname() == ("127.0.0.1", desk.port)
        with socket.create_connection(("127.0.0.1", desk.port), timeout=5):
            pass
        if sys.platform.startswith("linux"):  # all of 127/8 is this machine: not bound there
            with pytest.raises(OSError):
                socket.create_connection(("127.0.0.2", desk.port), timeout=5).close()
    finally:
        desk.server.close()


def test_cli_start_up_loads_no_web_framework() -> None:
    code = ("import sys, consolidator.cli; print(sorted(m for m in sys.modules "
            "if m.split('.')[0] in ('flask', 'werkzeug', 'jinja2', 'waitress', 'markupsafe', "
            "'consolidator') and not m.startswith(('consolidator.cli', 'consolidator.messages')) "
            "and m not in ('consolidator', 'consolidator.findings', 'consolidator.severity')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"


def test_page_templates_hold_no_words() -> None:
    """Every word comes from DESK_TEXT: the HTML holds markup and placeholders only."""
    found = [f"{p.name}: {m}" for p in sorted(TEMPLATES.glob("*.html"))
             for m in JAPANESE.findall(p.read_text("utf-8"))]
    assert found == []


# ---- the plan workbook (plan export / plan import FILE.xlsx) ----------------------------------

def _plan_workbook(client: Any, tmp_path: Path) -> Path:
    status, data, headers = download(client, "/plan/workbook")
    assert status == 200 and "attachment" in headers["Content-Disposition"]
    path = tmp_path / "downloaded.xlsx"
    path.write_bytes(data)
    return path


def _edit(path: Path, sheet: str, cell: str, value: Any) -> Path:
    """As the secretariat in Excel: one cell changed, the workbook saved under a new name."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    wb[sheet][cell] = value
    edited = path.with_name(f"edited_{path.name}")
    wb.save(edited)
    return edited


def _cell_of(path: Path, sheet: str, heading: str, first_column: str) -> str:
    """The cell of column ``heading`` in the row whose first cell is ``first_column``."""
    import openpyxl

    ws = openpyxl.load_workbook(path)[sheet]
    col = next(c.column_letter for c in ws[1] if c.value == heading)
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == first_column)
    return f"{col}{row}"


def test_the_plan_workbook_downloaded_is_the_plan(project: Path, mini_catalog: Catalog,
                                                  tmp_path: Path) -> None:
    client = _client(project, mini_catalog)
    assert 'data-testid="plan-workbook"' in client.get("/plan", base_url=BASE).get_data(
        as_text=True)
    doc, found = import_workbook(_plan_workbook(client, tmp_path))
    assert list(found) == [] and doc is not None
    assert canonical_json(doc) == canonical_json(mini_catalog.doc)


def test_a_clean_plan_workbook_replaces_the_plan(project: Path, mini_catalog: Catalog,
                                                tmp_path: Path) -> None:
    client = _client(project, mini_catalog)
    book = _plan_workbook(client, tmp_path)
    edited = _edit(book, "計画", _cell_of(book, "計画", "値", "計画の名称"), "改訂した計画")
    assert post(client, "/plan/workbook", {"plan": [sent(edited, "計画.xlsx")]}
                ).status_code == 302
    page = client.get("/plan", base_url=BASE).get_data(as_text=True)
    assert 'data-testid="plan-imported"' in page and "改訂した計画" in page
    written = Catalog.from_path(project / "plan.json")
    assert written.plan["name"] == "改訂した計画"
    assert canonical_json({**written.doc, "plan": mini_catalog.plan}) == canonical_json(
        mini_catalog.doc)  # nothing else changed


@pytest.mark.parametrize("breakage", ["unknown-owner", "not-a-workbook", "hostile"])
def test_a_plan_workbook_with_errors_replaces_nothing(project: Path, mini_catalog: Catalog,
                                                     tmp_path: Path, breakage: str) -> None:
    client = _client(project, mini_catalog)
    where = None
    if breakage == "not-a-workbook":
        edited = tmp_path / "plan.xlsx"
        edited.write_text("<html>not a workbook</html>", "utf-8")
        code = "file-not-workbook"
    elif breakage == "hostile":  # a DOCTYPE in the workbook part: refused before parsing
        import zipfile as zf

        book = _plan_workbook(client, tmp_path)
        edited = tmp_path / "hostile.xlsx"
        with zf.ZipFile(book) as src, zf.ZipFile(edited, "w") as dst:
            for item in src.infolist():
                data = src.read(item.filename)
                if item.filename == "xl/workbook.xml":
                    data = data.replace(b"?>", b'?><!DOCTYPE x [<!ENTITY a "b">]>', 1)
                dst.writestr(item, data)
        code = "xml-doctype"
    else:  # an indicator's owner that is not in 担当一覧: found at its cell of 指標
        book = _plan_workbook(client, tmp_path)
        measure = mini_catalog.measures[0]
        cell = _cell_of(book, "指標", "担当", measure.indicator["id"])
        edited = _edit(book, "指標", cell, "存在しない課")
        code, where = "plan-book-unknown-department", ("指標", cell)
    assert post(client, "/plan/workbook", {"plan": [sent(edited, "計画.xlsx")]}
                ).status_code == 302
    page = client.get("/plan", base_url=BASE).get_data(as_text=True)
    assert 'data-testid="plan-refused"' in page and f'data-code="{code}"' in page
    if where is not None:  # the finding's row names the sheet and the cell
        row = page[page.index(f'data-code="{code}"'):].split("</tr>")[0]
        assert f'<td class="sheet">{where[0]}</td><td class="cell">{where[1]}</td>' in row
    assert not (project / "plan.json").exists()
    assert mini_catalog.plan["name"] in page
