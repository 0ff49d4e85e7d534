"""Issue 27: the desk's 集約 answers once the master, the logs, the department files and the
quick forms of the published report (HTML, CSV, xlsx) are written; the PDF and the Word file
are drawn afterwards in a child process (:mod:`consolidator.jobs.drawing`). Meanwhile the 集約
page says they are being made and hands out no older file; a failure there is said on the page;
a newer 集約 supersedes a drawing still running; what is drawn is what ``report`` writes.

The child is held at a gate (a file the test creates) where a test needs the drawing to be
still running: nothing here depends on how fast the machine is.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import threading
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from consolidator.desk.pages import consolidate as consolidate_page
from consolidator.desk.workspace import Workspace
from consolidator.jobs import drawing as jobs_drawing
from consolidator.jobs.drawing import LEFTOVER_PREFIX
from consolidator.jobs.next_year import archive_name
from consolidator.jobs.publishing import run_report
from consolidator.messages import fill
from consolidator.messages.desk import DESK_TEXT
from consolidator.plan.catalog import Catalog
from helpers import drawing
from helpers.desk import BASE, desk_client, download, page, post, upload
from helpers.filling import submit_all

YEAR = 2022
PUBLISHED = {"html": "令和4年度_実施状況報告.html", "csv": "指標一覧_令和4年度.csv",
             "xlsx": "指標一覧_令和4年度.xlsx", "pdf": "令和4年度_実施状況報告.pdf",
             "docx": "令和4年度_実施状況報告.docx"}
SLOW = ("pdf", "docx")
WAIT_S = 60.0  # a bound, never a sleep: every wait below polls
# Under a second each here (2 cores), unmarked; those that draw twice or more are slow.


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory, mini_templates: dict[str, Path]
           ) -> dict[str, Path]:
    return dict(submit_all(mini_templates, tmp_path_factory.mktemp("filled")))


@pytest.fixture(scope="module")
def changed(tmp_path_factory: pytest.TempPathFactory, mini_templates: dict[str, Path]
            ) -> Path:
    """地域福祉課's file sent again with another text: another published report."""
    found = dict(submit_all(mini_templates, tmp_path_factory.mktemp("changed"),
                            {"地域福祉課": {"2-1-1.plan": "計画を変えて、もう一度送ります。"}}))
    return found["地域福祉課"]


def _desk(tmp_path: Path, catalog: Catalog, filled: dict[str, Path],
          draw: Callable[..., Any] | None = None) -> tuple[Any, Workspace, Path]:
    project = tmp_path / "project"
    project.mkdir()
    client, workspace = desk_client(project, catalog, year=YEAR, draw=draw)
    upload(client, list(filled.values()))
    return client, workspace, project / "output" / "公表"


def _gate(tmp_path: Path) -> tuple[Path, Callable[..., Any]]:
    gate = tmp_path / "gate"
    return gate, functools.partial(drawing.gated, str(gate))


def _until(check: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not check():
        assert time.monotonic() < deadline, what
        time.sleep(0.01)


def _state(html: str) -> dict[str, str]:
    """kind → ready / drawing / not-drawn, as the 集約 page shows each form."""
    found = {}
    for state, kind in re.findall(r'data-testid="(download|drawing|not-drawn)-published-(\w+)"',
                                  html):
        found[kind] = {"download": "ready"}.get(state, state)
    return found


def _progress(client: Any) -> dict[str, Any]:
    done = client.get("/consolidate/progress", base_url=BASE)
    assert done.status_code == 200
    return dict(done.get_json())


def _same_form(a: Path, b: Path) -> bool:
    """The same file but for the time it was written (a Word file's docProps/core.xml; a
    PDF's dates and the IDs Typst makes from them)."""
    if a.suffix == ".docx":
        with zipfile.ZipFile(a) as x, zipfile.ZipFile(b) as y:
            names = set(x.namelist()) - {"docProps/core.xml"}
            return names == set(y.namelist()) - {"docProps/core.xml"} and all(
                x.read(n) == y.read(n) for n in names)
    if a.suffix == ".pdf":
        times = re.compile(rb"/(CreationDate|ModDate) ?\([^)]*\)|/ID ?\[[^\]]*\]"
                           rb"|<xmp:\w+Date>[^<]*</xmp:\w+Date>"
                           rb"|<xmpMM:\w+ID>[^<]*</xmpMM:\w+ID>")  # IDs made from the time
        return times.sub(b"", a.read_bytes()) == times.sub(b"", b.read_bytes())
    if a.suffix == ".xlsx":
        with zipfile.ZipFile(a) as x, zipfile.ZipFile(b) as y:
            names = set(x.namelist()) - {"docProps/core.xml"}
            return all(x.read(n) == y.read(n) for n in names)
    return a.read_bytes() == b.read_bytes()


# ---- the drawing after 集約 ----------------------------------------------------------------

def test_consolidate_answers_before_the_word_and_pdf_exist_and_they_appear_after(
        tmp_path: Path, mini_catalog: Catalog, filled: dict[str, Path]) -> None:
    gate, draw = _gate(tmp_path)
    client, workspace, published = _desk(tmp_path, mini_catalog, filled, draw)
    assert post(client, "/consolidate").status_code == 302
    assert (published.parent / "master_2022.xlsx").is_file()
    for kind in ("html", "csv", "xlsx"):
        assert (published / PUBLISHED[kind]).is_file(), kind
    for kind in SLOW:
        assert not (published / PUBLISHED[kind]).exists(), kind
    html = page(client, "/consolidate")
    assert _state(html) == {"html": "ready", "csv": "ready", "xlsx": "ready",
                            "pdf": "drawing", "docx": "drawing"}
    assert fill(DESK_TEXT["published-drawing"], form=DESK_TEXT["download-published-pdf"]) in html
    assert "data-drawing-poll=" in html  # desk.js shows the page again once they are done
    assert _progress(client)["drawing"] is True
    gate.touch()
    assert workspace.drawings.wait(WAIT_S)
    assert _progress(client)["drawing"] is False
    html = page(client, "/consolidate")
    assert _state(html) == dict.fromkeys(PUBLISHED, "ready")
    assert "data-drawing-poll=" not in html
    for kind, name in PUBLISHED.items():
        status, data, _ = download(client, f"/download/published/{kind}")
        assert status == 200 and data == (published / name).read_bytes(), kind
    assert not list(published.glob(LEFTOVER_PREFIX + "*"))


def test_a_download_of_a_form_being_drawn_waits_for_it_or_says_it_is_being_made(
        tmp_path: Path, mini_catalog: Catalog, filled: dict[str, Path],
        monkeypatch: pytest.MonkeyPatch) -> None:
    gate, draw = _gate(tmp_path)
    client, workspace, published = _desk(tmp_path, mini_catalog, filled, draw)
    assert post(client, "/consolidate").status_code == 302
    (published / PUBLISHED["pdf"]).write_bytes(b"an older report")  # never handed out now
    monkeypatch.setattr(consolidate_page, "DOWNLOAD_WAIT_S", 0.05)
    status, data, headers = download(client, "/download/published/pdf")
    assert status == 503 and headers["Retry-After"]
    assert b"an older report" not in data
    assert fill(DESK_TEXT["published-drawing-download"],
                form=DESK_TEXT["download-published-pdf"]) in data.decode("utf-8")
    monkeypatch.setattr(consolidate_page, "DOWNLOAD_WAIT_S", WAIT_S)
    started = Path(str(gate) + ".started")
    _until(started.exists, "the child started")
    gate.touch()
    status, data, _ = download(client, "/download/published/pdf")  # waits for the drawing
    assert status == 200 and data.startswith(b"%PDF") and data != b"an older report"
    assert data == (published / PUBLISHED["pdf"]).read_bytes()


@pytest.mark.parametrize("draw", [drawing.failing, drawing.crashing], ids=["raises", "crashes"])
def test_a_failure_of_the_drawing_is_said_on_the_page(
        tmp_path: Path, mini_catalog: Catalog, filled: dict[str, Path],
        draw: Callable[..., Any]) -> None:
    client, workspace, published = _desk(tmp_path, mini_catalog, filled, draw)
    assert post(client, "/consolidate").status_code == 302
    assert workspace.drawings.wait(WAIT_S)
    html = page(client, "/consolidate")
    assert _state(html) == {"html": "ready", "csv": "ready", "xlsx": "ready",
                            "pdf": "not-drawn", "docx": "not-drawn"}
    assert 'data-testid="published-findings"' in html
    assert html.count('data-code="published-drawing-failed"') == 2
    assert PUBLISHED["pdf"] in html and PUBLISHED["docx"] in html
    for kind in SLOW:
        assert (f"{kind} stopped" if draw is drawing.failing else "exit code 3") in html
    for kind in SLOW:
        assert download(client, f"/download/published/{kind}")[0] == 404
        assert not (published / PUBLISHED[kind]).exists()
    assert not list(published.glob(LEFTOVER_PREFIX + "*"))  # what it began is removed


def test_a_form_whose_drawing_fails_is_said_and_the_other_is_placed(
        tmp_path: Path, mini_catalog: Catalog, filled: dict[str, Path]) -> None:
    client, workspace, published = _desk(tmp_path, mini_catalog, filled, drawing.word_failing)
    assert post(client, "/consolidate").status_code == 302
    assert workspace.drawings.wait(WAIT_S)
    html = page(client, "/consolidate")
    assert _state(html)["pdf"] == "ready" and _state(html)["docx"] == "not-drawn"
    assert html.count('data-code="published-drawing-failed"') == 1
    assert "python-docx stopped" in html
    assert (published / PUBLISHED["pdf"]).is_file()
    assert not (published / PUBLISHED["docx"]).exists()


def test_a_drawing_that_never_ends_is_ended_at_its_deadline_and_said(
        tmp_path: Path, mini_catalog: Catalog, filled: dict[str, Path],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jobs_drawing, "DRAW_TIMEOUT_S", 0.5)
    client, workspace, published = _desk(tmp_path, mini_catalog, filled, drawing.hanging)
    assert post(client, "/consolidate").status_code == 302
    assert workspace.drawings.wait(WAIT_S)  # ended long before the child's own GATE_WAIT_S
    html = page(client, "/consolidate")
    assert _state(html)["pdf"] == "not-drawn" and _state(html)["docx"] == "not-drawn"
    assert html.count('data-code="published-drawing-timeout"') == 2
    assert "0.5 秒たってもできあがらない" in html
    assert not (published / PUBLISHED["pdf"]).exists()
    assert not list(published.glob(LEFTOVER_PREFIX + "*"))


def test_a_drawn_form_older_than_the_report_is_not_handed_out_after_a_restart(
        tmp_path: Path, mini_catalog: Catalog, filled: dict[str, Path]) -> None:
    """The desk ended while drawing a newer report (or the drawing failed, then the desk was
    started again): the PDF and Word file in place are the earlier report's; the new desk
    knows nothing of the drawing, and still offers neither."""
    client, workspace, published = _desk(tmp_path, mini_catalog, filled)
    assert post(client, "/consolidate").status_code == 302
    assert workspace.drawings.wait(WAIT_S)
    assert set(_state(page(client, "/consolidate")).values()) == {"ready"}
    html = published / PUBLISHED["html"]
    later = max((published / PUBLISHED[k]).stat().st_mtime_ns for k in SLOW) + 10**9
    os.utime(html, ns=(later, later))  # the newer report's quick forms, written by its 集約
    workspace.close(timeout=1.0)
    again, _restarted = desk_client(tmp_path / "project", mini_catalog, year=YEAR)
    shown = _state(page(again, "/consolidate"))
    assert (shown["html"], shown["pdf"], shown["docx"]) == ("ready", "not-drawn", "not-drawn")
    for kind in SLOW:
        assert download(again, f"/download/published/{kind}")[0] == 404


@pytest.mark.slow
def test_a_second_consolidate_supersedes_the_drawing_still_running(
        tmp_path: Path, mini_catalog: Catalog, filled: dict[str, Path], changed: Path) -> None:
    gate, draw = _gate(tmp_path)
    client, workspace, published = _desk(tmp_path, mini_catalog, filled, draw)
    assert post(client, "/consolidate").status_code == 302
    started = Path(str(gate) + ".started")
    _until(started.exists, "the first child started")
    first = int(started.read_text(encoding="utf-8"))
    first_folder = next(published.glob(LEFTOVER_PREFIX + "*"))
    started.unlink()
    upload(client, [changed])  # another text: another report
    assert post(client, "/consolidate").status_code == 302
    _until(started.exists, "the second child started")
    assert int(started.read_text(encoding="utf-8")) != first
    assert not first_folder.exists()  # the first child ended, its folder removed
    gate.touch()
    assert workspace.drawings.wait(WAIT_S)
    assert _state(page(client, "/consolidate")) == dict.fromkeys(PUBLISHED, "ready")
    # What is in place is the report of the second run, as the command line writes it.
    out = tmp_path / "report"
    run_report(tmp_path / "project" / "submissions", mini_catalog, YEAR, out)
    for name in PUBLISHED.values():
        assert _same_form(published / name, out / "公表" / name), name
    assert not list(published.glob(LEFTOVER_PREFIX + "*"))


@pytest.mark.slow
def test_a_second_consolidate_of_the_same_report_lets_its_drawing_go_on(
        tmp_path: Path, mini_catalog: Catalog, filled: dict[str, Path], changed: Path) -> None:
    gate, draw = _gate(tmp_path)
    client, workspace, published = _desk(tmp_path, mini_catalog, filled, draw)
    gate.touch()
    assert post(client, "/consolidate").status_code == 302  # the page file made
    assert workspace.drawings.wait(WAIT_S)
    gate.unlink()
    upload(client, [changed])
    assert post(client, "/consolidate").status_code == 302
    _until(Path(str(gate) + ".started").exists, "the child started")
    running = list(published.glob(LEFTOVER_PREFIX + "*"))
    assert post(client, "/consolidate").status_code == 302  # the same report again
    assert list(published.glob(LEFTOVER_PREFIX + "*")) == running  # the same child draws
    assert _state(page(client, "/consolidate"))["pdf"] == "drawing"
    gate.touch()
    assert workspace.drawings.wait(WAIT_S)
    assert _state(page(client, "/consolidate")) == dict.fromkeys(PUBLISHED, "ready")
    before = {p.name: p.stat().st_mtime_ns for p in published.iterdir()}
    assert post(client, "/consolidate").status_code == 302  # recorded: not drawn again
    assert workspace.drawing().drawing == ()
    assert {p.name: p.stat().st_mtime_ns for p in published.iterdir()} == before


@pytest.mark.slow
def test_what_the_desk_draws_is_what_report_writes_and_an_unchanged_report_is_not_drawn_again(
        tmp_path: Path, mini_catalog: Catalog, filled: dict[str, Path]) -> None:
    client, workspace, published = _desk(tmp_path, mini_catalog, filled)
    for _ in range(2):  # the first made the secretariat's page file: another document
        assert post(client, "/consolidate").status_code == 302
        assert workspace.drawings.wait(WAIT_S)
    out = tmp_path / "report"
    shutil.copytree(published, out / "公表")  # the same secretariat's page file
    run_report(tmp_path / "project" / "submissions", mini_catalog, YEAR, out)
    for name in PUBLISHED.values():
        assert _same_form(published / name, out / "公表" / name), name
    before = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in published.iterdir()}
    assert post(client, "/consolidate").status_code == 302  # nothing changed
    assert workspace.drawing().drawing == ()  # nothing to draw: the output cache has it
    assert {p.name: (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in published.iterdir()} == before


def test_the_desks_end_stops_a_drawing_and_leaves_nothing_half_written(
        tmp_path: Path, mini_catalog: Catalog, filled: dict[str, Path]) -> None:
    gate, draw = _gate(tmp_path)
    client, workspace, published = _desk(tmp_path, mini_catalog, filled, draw)
    assert post(client, "/consolidate").status_code == 302
    _until(Path(str(gate) + ".started").exists, "the child started")
    workspace.close(timeout=0.05)
    assert workspace.drawing().drawing == ()
    assert sorted(p.name for p in published.iterdir()) == sorted(
        [PUBLISHED["html"], PUBLISHED["csv"], PUBLISHED["xlsx"], "公表ページ.txt"])
    # a drawing cut short by a crash: its folder removed when the desk starts again
    left = published / f"{LEFTOVER_PREFIX}crash"
    left.mkdir()
    (left / PUBLISHED["pdf"]).write_bytes(b"%PDF half")
    Workspace(workspace.project).tidy()
    assert not left.exists()


@pytest.mark.slow
def test_next_year_waits_for_the_drawing_so_the_year_moves_whole(
        tmp_path: Path, mini_catalog: Catalog, filled: dict[str, Path]) -> None:
    gate, draw = _gate(tmp_path)
    client, workspace, _published = _desk(tmp_path, mini_catalog, filled, draw)
    assert post(client, "/consolidate").status_code == 302
    opening = threading.Timer(0.2, gate.touch)
    opening.start()
    try:
        assert post(client, "/next-year", {"confirm": "1"}).status_code == 302
    finally:
        opening.join()
    assert workspace.last_year_step is not None and workspace.last_year_step.done
    archived = tmp_path / "project" / archive_name(YEAR) / "output" / "公表"
    assert sorted(p.name for p in archived.iterdir()) == sorted(
        [*PUBLISHED.values(), "公表ページ.txt"])
