"""The desk end to end in a real browser: Debian's Chromium, headless, through Selenium.

The desk runs as the command (``consolidator desk --no-browser``) on an empty project folder;
the browser downloads the plan workbook, generates the templates with their e-mail drafts,
uploads the 17 filled workbooks and one hostile file through the file input, reads 状況 (the
ledger's rows), runs 集約 and downloads the master, which must have the same 指標一覧 as the
command line's ``consolidate`` on the same files. On the mini plan, a warning is accepted on
状況 and ``consolidator status`` counts it as accepted; and the year goes round without the
terminal (issue 25, section 2): the steps of はじめに, no command on any page, short cells on one
line, badges in words, a department's versions and what changed. Another origin's page tries
to change the folder and is refused. Screenshots of every page are written to
``DESK_SCREENSHOTS`` when that is set (to look at them), else under the test's tmp folder.
"""

from __future__ import annotations

import http.server
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from consolidator.limits import DEFAULT_LIMITS, MiB
from consolidator.messages import fill
from consolidator.messages.desk import DESK_TEXT
from consolidator.messages.folder import YEAR_STEP_DESK_TEXT
from consolidator.plan.catalog import Catalog, canonical_json
from consolidator.plan.workbook_import import import_workbook
from helpers.browser import chromium, have_browser, running_desk, wait_for_file
from helpers.desk import TERMINAL
from helpers.filling import by_department, realistic_values, submit_all
from helpers.hostile_folder import HostileFolder
from helpers.master import sheet_rows
from helpers.paths import MINI_PLAN

pytestmark = pytest.mark.slow

HOSTILE = "billion_laughs.xlsx"  # entity expansion in a sheet's XML: refused before parsing
WAIT_S = 180


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[tuple[Any, Path]]:
    """A fresh headless Chromium and its download folder (in CI a missing one fails)."""
    if not have_browser():
        if os.environ.get("CI") and os.environ.get("DESK_BROWSER") != "optional":
            pytest.fail("chromium, chromium-driver and selenium are needed (.ci/run installs them)")
        pytest.skip("chromium, chromium-driver or selenium not installed")
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    with chromium(tmp_path / "profile", downloads) as driver:
        yield driver, downloads


def _by(driver: Any, testid: str) -> Any:
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, f"[data-testid='{testid}']")


def _until(driver: Any, condition: Any, timeout: float = WAIT_S) -> Any:
    """What ``condition(driver)`` gives once truthy; an element the page redrew while it was
    read (stale) is read again, not a failure."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, ignored_exceptions=(StaleElementReferenceException,)
                         ).until(condition)


def _wait(driver: Any, testid: str) -> Any:
    return _until(driver, lambda d: _by(d, testid))[0]


def _shot(driver: Any, name: str, tmp_path: Path) -> None:
    folder = Path(os.environ.get("DESK_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    height = driver.execute_script("return document.body.scrollHeight")
    driver.set_window_size(1280, min(max(int(height) + 140, 700), 4000))
    assert driver.save_screenshot(str(folder / f"{name}.png"))
    driver.set_window_size(1280, 900)


def _the_files(hostile_folder: HostileFolder) -> list[Path]:
    clean = [hostile_folder.path / name for name, _typed in hostile_folder.typed.values()]
    assert len(clean) == 17
    return [*clean, hostile_folder.path / HOSTILE]


def _cli_master(files: list[Path], tmp_path: Path) -> Path:
    """``consolidator consolidate`` on the same files, as the secretariat would run it."""
    staging = tmp_path / "cli" / "submissions"
    staging.mkdir(parents=True)
    for f in files:
        shutil.copy2(f, staging / f.name)
    out = tmp_path / "cli" / "output"
    exe = shutil.which("consolidator")
    command = [exe] if exe else [sys.executable, "-m", "consolidator"]
    done = subprocess.run([*command, "consolidate", str(staging), "--out", str(out)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 1, done.stdout + done.stderr  # the hostile file is an error
    return out / "master_2022.xlsx"


def test_upload_status_consolidate_download_in_a_real_browser(
        tmp_path: Path, browser: tuple[Any, Path], hostile_folder: HostileFolder) -> None:
    driver, downloads = browser
    project = tmp_path / "project"
    project.mkdir()
    files = _the_files(hostile_folder)
    with running_desk(project) as desk:
        driver.get(desk.url)  # the key becomes a cookie; the page is はじめに
        assert _by(driver, "step-plan")[0].get_attribute("data-state") == "current"

        driver.get(f"{desk.base}/plan")
        _shot(driver, "plan", tmp_path)
        _by(driver, "plan-export")[0].click()
        book = wait_for_file(downloads, "計画_*.xlsx")
        doc, found = import_workbook(book)
        assert list(found) == [] and doc is not None
        assert canonical_json(doc) == canonical_json(Catalog.default().doc)

        driver.get(f"{desk.base}/workbooks")
        assert _by(driver, "mail")[0].is_selected()  # the drafts too, unless unticked
        _by(driver, "generate")[0].click()
        _wait(driver, "generated")
        assert len(driver.find_elements("css selector", "[data-testid^='template-']")) == 17
        assert len(driver.find_elements("css selector", "[data-testid^='send-out-']")) == 17
        _shot(driver, "workbooks", tmp_path)

        driver.get(f"{desk.base}/submit")
        _by(driver, "upload")[0].send_keys("\n".join(str(f) for f in files))
        _by(driver, "upload-submit")[0].click()
        report = _wait(driver, "upload-report")
        assert len(_by(driver, "uploaded")) == 18
        saved = sorted(e.text for e in _by(driver, "saved-name"))
        assert saved == sorted(f"submissions/{f.name}" for f in files)
        assert report.find_elements("css selector", "tr[data-code='xml-doctype']")
        _shot(driver, "submit", tmp_path)

        driver.get(f"{desk.base}/status")
        table = _by(driver, "status")[0]
        assert table.get_attribute("data-recorded") == "yes"  # the ledger's rows
        rows = table.find_elements("css selector", "tr[data-testid^='department-']")
        assert len(rows) == 17
        assert [r.get_attribute("data-received") for r in rows] == ["yes"] * 17
        seen = [r.find_element("css selector", "[data-testid='last-seen']").text for r in rows]
        assert DESK_TEXT["not-counted"] not in seen
        assert "提出 17 / 17 担当" in _by(driver, "status-summary")[0].text
        unplaced = _by(driver, "unplaced")[0]
        assert HOSTILE in unplaced.text
        doctype = unplaced.find_elements("css selector", "tr[data-code='xml-doctype']")
        assert len(doctype) == 1 and "文書型宣言" in doctype[0].text
        _shot(driver, "status", tmp_path)

        driver.get(f"{desk.base}/consolidate")
        _by(driver, "consolidate")[0].click()
        _wait(driver, "consolidated")
        assert _by(driver, "overview")
        _shot(driver, "consolidate", tmp_path)
        for kind in ("html", "csv", "xlsx"):  # the published report beside the master
            assert _by(driver, f"download-published-{kind}"), kind
        # the Word file is drawn after 集約 answered: 作成中 until then, its link on a reload
        assert _by(driver, "download-published-docx") or _by(driver, "drawing-published-docx")
        _until(driver, lambda d: _by(d, "download-published-docx") or d.refresh())
        _by(driver, "download-master")[0].click()
        master = wait_for_file(downloads, "master_*.xlsx")
        _by(driver, "download-log")[0].click()
        log = wait_for_file(downloads, "validation_log*.xlsx")

    assert master.name == "master_2022.xlsx" and log.stat().st_size > 0
    cli_master = _cli_master(files, tmp_path)
    assert sheet_rows(master, "指標一覧") == sheet_rows(cli_master, "指標一覧")
    assert len(sheet_rows(master, "指標一覧")) > 80  # a header and every measure


def test_a_warning_accepted_in_the_browser_counts_in_consolidator_status(
        tmp_path: Path, browser: tuple[Any, Path], mini_templates: dict[str, Path]) -> None:

    driver, _downloads = browser
    project = tmp_path / "project"
    project.mkdir()
    catalog = Catalog.from_path(MINI_PLAN)
    files = submit_all(mini_templates, tmp_path / "returned",
                       {"地域福祉課": {"2-1-1-c1.value": 3}},  # 3 % against 42.1 %: a warning
                       values=lambda d, t: realistic_values(t, catalog, 2022))
    with running_desk(project, "--plan", str(MINI_PLAN)) as desk:
        driver.get(desk.url)
        driver.get(f"{desk.base}/submit")
        _by(driver, "upload")[0].send_keys("\n".join(str(f) for f in files.values()))
        _by(driver, "upload-submit")[0].click()
        _wait(driver, "upload-report")
        driver.get(f"{desk.base}/status")
        row = _by(driver, "department-地域福祉課")[0]
        assert row.find_element("css selector", "[data-testid='warnings']").text == "1"
        _by(driver, "toggle-地域福祉課")[0].click()
        findings = _by(driver, "findings-地域福祉課")[0]
        assert findings.is_displayed()
        findings.find_element("css selector", "[data-testid='accept-reason']").send_keys(
            "新しい集計方法のため(課長確認済み)")
        findings.find_element("css selector", "[data-testid='accept']").click()
        _wait(driver, "accept-result")
        _until(driver, lambda d: _by(d, "department-地域福祉課")[0]
                                            .find_element("css selector",
                                                          "[data-testid='accepted-count']")
                                            .text == "1")
        findings = _by(driver, "findings-地域福祉課")[0]  # left open, the result said in it
        assert findings.is_displayed() and "新しい集計方法のため" in findings.text
        _shot(driver, "status-accepted", tmp_path)
    exe = shutil.which("consolidator")
    command = [exe] if exe else [sys.executable, "-m", "consolidator"]
    done = subprocess.run([*command, "status", "--plan", str(MINI_PLAN), "--folder",
                           str(project), "--json"],  # the desk's working folder: its ledger
                          capture_output=True, text=True, timeout=120)
    rows = {r.get("unit"): r for r in map(json.loads, done.stdout.splitlines())}
    assert (rows["地域福祉課"]["warnings"], rows["地域福祉課"]["accepted"]) == (0, 1)


def test_findings_of_a_department_open_on_click(
        tmp_path: Path, browser: tuple[Any, Path], default_templates: dict[str, Path]) -> None:
    driver, _downloads = browser
    project = tmp_path / "project"
    (project / "submissions").mkdir(parents=True)
    untouched = default_templates["高齢福祉課"]  # sent back empty: every value is missing
    shutil.copy2(untouched, project / "submissions" / untouched.name)
    with running_desk(project) as desk:
        driver.get(desk.url)
        driver.get(f"{desk.base}/status")
        findings = _by(driver, "findings-高齢福祉課")[0]
        assert not findings.is_displayed()
        _by(driver, "toggle-高齢福祉課")[0].click()
        assert findings.is_displayed()
        assert findings.find_elements("css selector", "tr[data-code='value-missing']")
        assert _by(driver, "department-高齢福祉課")[0].get_attribute("data-received") == "yes"
        assert _by(driver, "department-市社協")[0].get_attribute("data-received") == "no"


DROP = """
var dt = new DataTransfer();
dt.items.add(new File(["not a workbook"], "../../memo.xlsx"));
var zone = document.querySelector("[data-testid='drop-zone']");
zone.dispatchEvent(new DragEvent("dragover", {dataTransfer: dt, bubbles: true}));
zone.dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true}));
"""


def test_files_dropped_on_the_page_are_saved_and_checked(
        tmp_path: Path, browser: tuple[Any, Path]) -> None:
    driver, _downloads = browser
    project = tmp_path / "project"
    project.mkdir()
    with running_desk(project) as desk:
        driver.get(desk.url)
        driver.get(f"{desk.base}/submit")
        driver.execute_script(DROP)
        report = _wait(driver, "upload-report")
        assert [e.text for e in _by(driver, "saved-name")] == ["submissions/memo.xlsx"]
        assert report.find_elements("css selector", "tr[data-code='file-not-workbook']")
    assert (project / "submissions" / "memo.xlsx").read_bytes() == b"not a workbook"


class _EvilPage(http.server.BaseHTTPRequestHandler):
    """Another origin's page that, once opened, tries to change the desk's folder."""

    target = ""
    timeout = 5  # a connection the browser opened ahead and never used does not hold us
    cookies: list[str] = []  # the Cookie headers the browser sent to this other server

    def do_GET(self) -> None:  # noqa: N802 - the http.server name
        self.cookies.append(self.headers.get("Cookie") or "")
        body = f"""<!doctype html><html><body>
<form id="f" method="post" action="{self.target}/consolidate">
<input name="csrf" value="guessed"></form>
<script>
var fd = new FormData();
fd.append("files", new Blob(["PK"]), "../../x.xlsx");
fetch("{self.target}/submit", {{method: "POST", body: fd, mode: "no-cors",
                               credentials: "include"}})
  .finally(function () {{ document.getElementById("f").submit(); }});
</script></body></html>""".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


def test_another_origin_cannot_change_the_folder(tmp_path: Path,
                                                 browser: tuple[Any, Path]) -> None:
    driver, _downloads = browser
    project = tmp_path / "project"
    project.mkdir()
    with running_desk(project) as desk:
        driver.get(desk.url)  # the user has the desk open: its cookie is in the browser
        _EvilPage.target = desk.base
        evil = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _EvilPage)
        thread = threading.Thread(target=evil.serve_forever, daemon=True)
        thread.start()
        try:
            driver.get(f"http://127.0.0.1:{evil.server_address[1]}/")

            _until(driver, lambda d: d.current_url.startswith(desk.base), 60)
            assert DESK_TEXT["forbidden-origin"] in driver.page_source
            # Cookies do not tell ports apart, but the desk's is sent only below its root:
            # the other program on 127.0.0.1 never received the key.
            assert _EvilPage.cookies and not any(f"desk-{desk.port}" in c
                                                 for c in _EvilPage.cookies)
        finally:
            evil.shutdown()
            evil.server_close()
        # The server is still there and the folder untouched.
        with socket.create_connection(("127.0.0.1", desk.port), timeout=5):
            pass
        if sys.platform.startswith("linux"):  # bound to 127.0.0.1 only, not all of 127/8
            with pytest.raises(OSError):
                socket.create_connection(("127.0.0.2", desk.port), timeout=5).close()
    assert sorted(p.name for p in project.rglob("*")) == []


LINES = """
var r = document.createRange();
r.selectNodeContents(arguments[0]);
var style = window.getComputedStyle(arguments[0]);
var line = parseFloat(style.lineHeight) || 1.6 * parseFloat(style.fontSize);
return Math.round(r.getBoundingClientRect().height / line);
"""


def _lines(driver: Any, element: Any) -> int:
    """How many lines the element's content takes as rendered."""
    return int(driver.execute_script(LINES, element))


def _state(driver: Any, base: str) -> str:
    """The step marked current on はじめに."""
    driver.get(f"{base}/")
    current = driver.find_elements("css selector", "li.step[aria-current='step']")
    assert len(current) == 1
    return str(current[0].get_attribute("data-testid")).removeprefix("step-")


def _no_command(driver: Any, project: Path) -> None:
    text = driver.find_element("css selector", "body").text.replace(str(project.resolve()), "")
    assert not TERMINAL.search(text), (driver.current_url, TERMINAL.search(text))


def test_the_year_without_the_terminal(tmp_path: Path, browser: tuple[Any, Path],
                                       mini_templates: dict[str, Path]) -> None:

    driver, _downloads = browser
    project = tmp_path / "project"
    project.mkdir()
    catalog = Catalog.from_path(MINI_PLAN)
    files = submit_all(mini_templates, tmp_path / "returned",
                       {"地域福祉課": {"2-1-1-c1.value": 3},  # a warning
                        "高齢福祉課": {"1-1-1-c1.value": "約10"}},  # an error
                       skip=["市社協"], values=lambda d, t: realistic_values(t, catalog, 2022))
    corrected = submit_all({"地域福祉課": mini_templates["地域福祉課"]}, tmp_path / "again",
                           {"地域福祉課": {"2-1-1-c1.value": 40}},
                           values=lambda d, t: realistic_values(t, catalog, 2022))["地域福祉課"]
    corrected = corrected.rename(corrected.with_name("地域福祉課_修正.xlsx"))
    with running_desk(project, "--plan", str(MINI_PLAN)) as desk:
        driver.get(desk.url)  # a fresh folder: the steps, where the folder is, no board
        assert _state(driver, desk.base) == "plan"
        assert str(project.resolve()) in _by(driver, "home-folder")[0].text
        assert not _by(driver, "home-status")
        _no_command(driver, project)
        _shot(driver, "home-fresh", tmp_path)
        driver.get(f"{desk.base}/status")
        assert _by(driver, "nothing-yet") and not _by(driver, "status")
        assert not _by(driver, "missing")  # no red list of the 未提出 before anything went out
        _no_command(driver, project)

        driver.get(f"{desk.base}/workbooks")
        _by(driver, "generate")[0].click()
        _wait(driver, "generated")
        assert _state(driver, desk.base) == "send"

        driver.get(f"{desk.base}/submit")
        _by(driver, "upload")[0].send_keys("\n".join(str(f) for f in files.values()))
        _by(driver, "upload-submit")[0].click()
        _wait(driver, "upload-report")
        _no_command(driver, project)
        assert _state(driver, desk.base) == "receive"
        assert _by(driver, "home-status")

        driver.set_window_size(1024, 900)  # a laptop's screen: short cells stay on one line
        driver.get(f"{desk.base}/status")
        _no_command(driver, project)
        heads = driver.find_elements("css selector", "table.status > thead th")
        assert len(heads) == 10
        for th in heads:
            assert _lines(driver, th) == 1, (th.get_attribute("outerHTML"), th.rect)
        missing = _by(driver, "department-市社協")[0].find_element("css selector", "td.state")
        assert missing.text == DESK_TEXT["not-received"] and _lines(driver, missing) == 1
        for department in ("地域福祉課", "高齢福祉課"):  # 「エラー 1」, never 「エラ/ー 1」
            for badge in _by(driver, f"toggle-{department}")[0].find_elements(
                    "css selector", ".badge"):
                assert _lines(driver, badge) == 1, (department, badge.text)
        _shot(driver, "status-narrow", tmp_path)
        driver.set_window_size(1280, 900)

        assert _by(driver, "mail-地域福祉課")  # its warning asks for a correction…
        _by(driver, "toggle-地域福祉課")[0].click()
        findings = _by(driver, "findings-地域福祉課")[0]
        findings.find_element("css selector", "[data-testid='accept-reason']").send_keys(
            "新しい集計方法のため")
        findings.find_element("css selector", "[data-testid='accept']").click()
        _wait(driver, "accept-result")
        assert not _by(driver, "mail-地域福祉課")  # …until it is accepted
        assert _by(driver, "mail-高齢福祉課")

        driver.get(f"{desk.base}/submit")  # 地域福祉課 sends a corrected file all the same
        _by(driver, "upload")[0].send_keys(str(corrected))
        _by(driver, "upload-submit")[0].click()
        _until(driver,  # the page shows the last report until then
            lambda d: [e.text for e in _by(d, "saved-name")] == [f"submissions/{corrected.name}"])
        driver.get(f"{desk.base}/status")
        info = _by(driver, "toggle-地域福祉課")[0].find_elements("css selector", ".badge")
        assert [b.text for b in info] == [f"{DESK_TEXT['severity-info']} 2"]
        error = _by(driver, "toggle-高齢福祉課")[0].find_elements("css selector", ".badge")
        assert [b.text.split()[0] for b in error] == [DESK_TEXT["severity-error"]]
        assert info[0].value_of_css_property("background-color") != \
            error[0].value_of_css_property("background-color")
        _by(driver, "versions-地域福祉課")[0].click()
        versions = _wait(driver, "versions")
        rows = versions.find_elements("css selector", "tr[data-testid='version']")
        assert [r.get_attribute("data-status") for r in rows] == ["superseded", "used"]
        change = _by(driver, "changes-2")[0].find_element(
            "css selector", "tr[data-field='2-1-1-c1.value']")
        assert [c.text for c in change.find_elements("css selector", "td")] == ["3", "40"]
        _no_command(driver, project)
        _shot(driver, "versions", tmp_path)

        driver.get(f"{desk.base}/consolidate")
        _by(driver, "consolidate")[0].click()
        _wait(driver, "consolidated")
        assert _by(driver, "download-published-html") and _by(driver, "download-master")
        _no_command(driver, project)
        assert _state(driver, desk.base) == "report"
        _no_command(driver, project)
        _shot(driver, "home-report", tmp_path)


def test_the_folder_remembers_its_plan_and_goes_to_the_next_year(
        tmp_path: Path, browser: tuple[Any, Path]) -> None:
    """Issue 25, section 1 as a user clicks it: the plan taken in on 計画 is the folder's
    after the desk is started again (no --plan), and 集約's 次の年度へ moves the year into its
    archive folder, the steps back at 様式を作る; 元に戻す brings it back."""

    driver, downloads = browser
    project = tmp_path / "project"
    project.mkdir()
    with running_desk(project, "--plan", str(MINI_PLAN)) as desk:
        driver.get(desk.url)
        driver.get(f"{desk.base}/plan")
        _by(driver, "plan-export")[0].click()
        book = wait_for_file(downloads, "計画_*.xlsx")
        _by(driver, "plan-upload")[0].send_keys(str(book))
        _by(driver, "plan-import")[0].click()
        assert _wait(driver, "plan-imported")
        assert not _by(driver, "plan-refused")
    kept = tomllib.loads((project / "consolidator.toml").read_text("utf-8"))
    assert kept["plan"] == "plan.json" and (project / "plan.json").is_file()

    catalog = Catalog.from_path(MINI_PLAN)
    with running_desk(project) as desk:  # started again on the folder, without --plan
        driver.get(desk.url)
        driver.get(f"{desk.base}/plan")
        text = driver.find_element("css selector", "main").text
        assert "(既定の計画)" not in text and str(project / "plan.json") in text
        for department in catalog.department_names:
            assert department in text
        _shot(driver, "plan-kept", tmp_path)
        assert _state(driver, desk.base) == "workbooks"

        driver.get(f"{desk.base}/workbooks")
        _by(driver, "generate")[0].click()
        _wait(driver, "generated")
        made = by_department((project / "workbook_templates").glob("*.xlsx"))
        assert sorted(made) == sorted(catalog.department_names)
        files = submit_all(made, tmp_path / "returned")  # every department, complete
        driver.get(f"{desk.base}/submit")
        _by(driver, "upload")[0].send_keys("\n".join(str(f) for f in files.values()))
        _by(driver, "upload-submit")[0].click()
        _wait(driver, "upload-report")
        driver.get(f"{desk.base}/consolidate")
        _by(driver, "consolidate")[0].click()
        _wait(driver, "consolidated")
        assert _by(driver, "download-next-plan")
        assert _state(driver, desk.base) == "report"

        driver.get(f"{desk.base}/consolidate")
        assert "令和4年度" in _by(driver, "next-year")[0].text
        _by(driver, "next-year-confirm")[0].click()
        _by(driver, "next-year-button")[0].click()
        said = _wait(driver, "next-year-result")
        assert "「令和4年度」" in said.text and "plan_2023.json" in said.text, said.text
        assert "令和5年度" in _by(driver, "next-year")[0].text  # the page is the new year's
        _shot(driver, "next-year", tmp_path)
        assert (project / "令和4年度" / "output" / "master_2022.xlsx").is_file()
        assert (project / "令和4年度" / "submissions").is_dir()
        assert not (project / "submissions").exists() or not any(
            (project / "submissions").iterdir())
        assert tomllib.loads((project / "consolidator.toml").read_text("utf-8"))[
            "plan"] == "plan_2023.json"
        assert _state(driver, desk.base) == "workbooks"  # 様式を作る, for 令和5年度

        driver.get(f"{desk.base}/consolidate")
        _by(driver, "next-year-undo")[0].click()
        _until(driver,  # the page said the step until then
            lambda d: [e.text for e in _by(d, "next-year-result")]
            == [YEAR_STEP_DESK_TEXT["undo-done"]])
        assert not (project / "令和4年度").exists()
        assert (project / "output" / "master_2022.xlsx").is_file()
        assert sorted(p.name for p in (project / "submissions").iterdir()) == sorted(
            f.name for f in files.values())
        assert tomllib.loads((project / "consolidator.toml").read_text("utf-8"))[
            "plan"] == "plan.json"
        assert "令和4年度" in _by(driver, "next-year")[0].text
        assert _state(driver, desk.base) == "report"


MANY = """
var dt = new DataTransfer();
for (var i = 0; i < arguments[0]; i++) { dt.items.add(new File(["PK"], i + ".xlsx")); }
var zone = document.querySelector("[data-testid='drop-zone']");
zone.dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true}));
"""


def test_a_selection_over_the_limits_is_refused_before_it_is_sent(
        tmp_path: Path, browser: tuple[Any, Path]) -> None:
    """More than one request takes (256 MB) is refused on the page, in Japanese, before a
    byte is sent (the server would refuse it too, but the browser, still sending, might show
    a reset connection); so are more files than one request takes, dropped."""
    driver, _downloads = browser
    project = tmp_path / "project"
    project.mkdir()
    chosen = tmp_path / "chosen"
    chosen.mkdir()
    big = chosen / "写真入り_提出.xlsx"
    with big.open("wb") as f:
        f.truncate(DEFAULT_LIMITS.max_upload_bytes)  # sparse: its size, no disk
    small = chosen / "地域福祉課_提出.xlsx"
    small.write_bytes(b"PK")
    with running_desk(project) as desk:
        driver.get(desk.url)
        for page, field, button in (("submit", "upload", "upload-submit"),
                                    ("plan", "plan-upload", "plan-import")):
            driver.get(f"{desk.base}/{page}")
            assert not _by(driver, "too-large")[0].is_displayed()
            _by(driver, field)[0].send_keys(str(big) if page == "plan" else f"{small}\n{big}")
            _by(driver, button)[0].click()
            notice = _by(driver, "too-large")[0]
            assert notice.is_displayed() and notice.text == fill(
                DESK_TEXT["too-large-request"], limit=DEFAULT_LIMITS.max_upload_bytes // MiB)
            assert driver.current_url == f"{desk.base}/{page}"  # not sent
            assert _by(driver, button)[0].is_enabled()  # another choice can be sent
            _shot(driver, f"{page}-too-large", tmp_path)

        driver.get(f"{desk.base}/submit")
        driver.execute_script(MANY, DEFAULT_LIMITS.max_upload_files + 1)
        notice = _by(driver, "too-many")[0]
        assert notice.is_displayed() and f"{DEFAULT_LIMITS.max_upload_files} 件まで" in notice.text
        assert not _by(driver, "too-large")[0].is_displayed()
        assert driver.current_url == f"{desk.base}/submit" and not _by(driver, "upload-report")
    assert not (project / "submissions").exists() and not (project / "plan.json").exists()
