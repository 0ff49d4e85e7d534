"""Issue 25 §1 on the desk: a plan imported on 計画 is the folder's after a restart, and
集約's 次の年度へ / 元に戻す are ``next-year`` / ``next-year --undo`` (confirmed, refused with
the same reasons, nothing moved when refused)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from consolidator.cli import main
from consolidator.plan.catalog import Catalog
from helpers.desk import BASE, TERMINAL, desk_client, download, post, sent, serving
from helpers.filling import submit_all
from helpers.paths import MINI_PLAN

ARCHIVE = "令和4年度"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    return root


def test_a_plan_imported_on_the_desk_is_kept_for_the_next_start(
        project: Path, mini_catalog: Catalog, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    client, _ws = desk_client(project, mini_catalog)
    status, data, _headers = download(client, "/plan/workbook")
    book = tmp_path / "計画.xlsx"
    book.write_bytes(data)
    assert post(client, "/plan/workbook", {"plan": [sent(book, book.name)]}).status_code == 302
    kept = tomllib.loads((project / "consolidator.toml").read_text("utf-8"))
    assert kept["plan"] == "plan.json"

    started: list[Catalog] = []  # the desk started again on the folder, without --plan
    monkeypatch.setattr("consolidator.desk.server.serve",
                        lambda folder, catalog, **_kw: started.append(catalog))
    done = CliRunner().invoke(main, ["desk", "--folder", str(project), "--no-browser"])
    assert done.exit_code == 0, done.output
    assert started[0].department_names == mini_catalog.department_names  # not the default
    assert started[0].source == str(project / "plan.json")


def _page(client: Any) -> str:
    return str(client.get("/consolidate", base_url=BASE).get_data(as_text=True))


def test_next_year_and_back_on_the_desk(project: Path, mini_catalog: Catalog,
                                        mini_templates: dict[str, Path], tmp_path: Path
                                        ) -> None:
    plan = project / "plan.json"
    plan.write_bytes(MINI_PLAN.read_bytes())  # the desk started with --plan plan.json
    client, ws = desk_client(project, Catalog.from_path(plan))
    missing = mini_catalog.department_names[-1]
    filled = submit_all(mini_templates, tmp_path / "filled", skip=[missing])
    assert post(client, "/submit", {"files": [sent(p, p.name) for p in filled.values()]}
                ).status_code == 302
    assert post(client, "/consolidate").status_code == 302
    assert ws.drawings.wait(60)  # the PDF and the Word file drawn after 集約 answered
    before = sorted(p.relative_to(project) for p in project.rglob("*"))

    post(client, "/next-year", {})  # not confirmed
    assert 'data-testid="next-year-result"' in _page(client)
    post(client, "/next-year", {"confirm": "1"})  # a department is missing
    page = _page(client)
    assert 'data-code="next-year-units-missing"' in page and missing in page
    reason = re.search(r'<li data-code="next-year-units-missing">(.*?)</li>', page, re.S)
    assert reason and not TERMINAL.search(reason.group(1))  # said for the desk, not --force
    assert sorted(p.relative_to(project) for p in project.rglob("*")
                  if p.name != ".consolidator.lock") == [
        p for p in before if p.name != ".consolidator.lock"]

    post(client, "/next-year", {"confirm": "1", "force": "1"})
    assert (project / ARCHIVE / "output" / "master_2022.xlsx").is_file()
    assert ws.project.year == 2023 and ws.project.catalog.source == str(project /
                                                                        "plan_2023.json")
    page = _page(client)
    assert 'data-testid="next-year-undo"' in page and "令和5年度" in page
    for path in ("/status", "/workbooks", "/submit", "/plan"):  # the new year: no folder yet
        assert client.get(path, base_url=BASE).status_code == 200, path

    post(client, "/next-year/undo")
    assert not (project / ARCHIVE).exists()
    assert (project / "output" / "master_2022.xlsx").is_file()
    assert ws.project.year == 2022 and ws.project.catalog.source == str(plan)


def test_the_folders_contact_fills_an_empty_field(project: Path, mini_catalog: Catalog) -> None:
    (project / "consolidator.toml").write_text(
        'deadline = "2023年5月31日"\ncontact = "地域福祉課 内線1234"\n', "utf-8")
    client, _ws = desk_client(project, mini_catalog)
    assert post(client, "/workbooks/generate", {"mail": "1"}).status_code == 302
    import email

    draft = next((project / "workbook_templates").glob("*.eml")).read_bytes()
    text = email.message_from_bytes(draft).get_payload(0).get_payload(decode=True).decode()
    assert "2023年5月31日" in text and "地域福祉課 内線1234" in text


def _page_served(desk: Any, path: str) -> str:
    """``path`` as the browser gets it from the running ``desk``: the printed address first
    (its key becomes the cookie), then the page with the cookie."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(desk.url)
    conn = http.client.HTTPConnection("127.0.0.1", desk.port, timeout=10)
    try:
        conn.request("GET", f"{parts.path}?{parts.query}")
        first = conn.getresponse()
        first.read()
        cookie = str(first.getheader("Set-Cookie")).split(";")[0]
        conn.request("GET", parts.path + path.lstrip("/"), headers={"Cookie": cookie})
        answer = conn.getresponse()
        assert answer.status == 200
        return answer.read().decode("utf-8")
    finally:
        conn.close()


def test_the_desk_works_on_the_year_the_folder_names(
        project: Path, mini_catalog: Catalog, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """``year`` in consolidator.toml is the desk's year, as it is every command's: not the
    plan's report year (令和4)."""
    from consolidator.desk.server import make_desk

    (project / "consolidator.toml").write_text('year = "令和5"\n', "utf-8")
    started: list[int | None] = []  # the command gives the server the folder's year
    with monkeypatch.context() as patched:
        patched.setattr("consolidator.desk.server.serve",
                        lambda folder, catalog, **kw: started.append(kw.get("year")))
        done = CliRunner().invoke(main, ["desk", "--folder", str(project), "--no-browser",
                                         "--plan", str(MINI_PLAN)])
    assert done.exit_code == 0 and started == [2023], done.output

    desk = make_desk(project, mini_catalog)  # the server reads it too
    with serving(desk):
        page = _page_served(desk, "/workbooks")
    assert "令和5年度" in page and "令和4年度" not in page

    client, ws = desk_client(project, mini_catalog, year=2023)  # a plan taken in keeps it
    _status, data, _headers = download(client, "/plan/workbook")
    book = tmp_path / "計画.xlsx"
    book.write_bytes(data)
    assert post(client, "/plan/workbook", {"plan": [sent(book, book.name)]}).status_code == 302
    assert ws.project.catalog.source == str(project / "plan.json") and ws.project.year == 2023
    assert post(client, "/workbooks/generate").status_code == 302
    assert sorted(p.name.split("_")[0] for p in (project / "workbook_templates").glob(
        "*.xlsx")) == ["令和5年度"] * len(mini_catalog.department_names)


def test_a_year_the_desk_cannot_read_stops_it_at_start(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "consolidator.toml").write_text('year = "来年"\n', "utf-8")
    started: list[Any] = []
    monkeypatch.setattr("consolidator.desk.server.serve", lambda *a, **kw: started.append(a))
    done = CliRunner().invoke(main, ["desk", "--folder", str(project), "--no-browser",
                                     "--plan", str(MINI_PLAN)])
    assert done.exit_code == 2 and not started
    assert "年度を読み取れません:来年" in done.output and "Traceback" not in done.output
