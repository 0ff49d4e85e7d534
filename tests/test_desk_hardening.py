"""The desk against the attack of issue 25 (section 3): long upload names, a leaked cookie,
what a refused page shows, restarting on the same port, what a crash leaves in
``submissions/``, when the ledger records a consolidation, and the limits of one request.

Through Flask's test client on real generated and filled workbooks, and real sockets.
"""

from __future__ import annotations

import errno
import http.client
import io
import random
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

import pytest

from consolidator.desk import uploads
from consolidator.desk import workspace as workspace_module
from consolidator.desk.server import PortInUse, listening_socket, make_desk
from consolidator.desk.uploads import NAME_BYTES, UPLOAD_TEMP_PREFIX, safe_name
from consolidator.jobs.runs import master_path, run_consolidate
from consolidator.limits import DEFAULT_LIMITS
from consolidator.messages.desk import DESK_TEXT
from consolidator.plan.catalog import Catalog
from helpers.browser import running_desk
from helpers.desk import (
    BASE,
    FORM,
    ORIGIN,
    PAGES_ROOT,
    PORT,
    TOKEN,
    desk_client,
    page,
    post,
    sent,
    serving,
)
from helpers.filling import submit_all


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


def _saved_names(html: str) -> list[str]:
    return re.findall(r'data-testid="saved-name">submissions/([^<]*)<', html)


def _client_without_key(project: Path, catalog: Catalog) -> Any:
    client, _ws = desk_client(project, catalog)
    client.delete_cookie(f"desk-{PORT}", domain="127.0.0.1", path=f"{PAGES_ROOT}/")
    return client

# ---- restarting on the same port ----------------------------------------------------------


def _linger(port: int) -> None:
    """Listen on ``port``, serve one connection and close it from the server's side first,
    as a desk stopped with Ctrl+C does: the port keeps that connection in TIME_WAIT."""
    server = listening_socket(port)
    server.listen()
    client = socket.create_connection(("127.0.0.1", port), timeout=5)
    accepted, _ = server.accept()
    accepted.close()
    server.close()
    client.close()


def test_the_same_port_is_free_again_at_once_after_a_stop() -> None:
    first = listening_socket(0)
    port = first.getsockname()[1]
    first.close()
    _linger(port)
    again = listening_socket(port)  # not "address already in use" for a minute
    try:
        assert again.getsockname() == ("127.0.0.1", port)
    finally:
        again.close()


def test_no_other_socket_can_take_the_port_while_the_desk_listens() -> None:
    held = listening_socket(0)
    held.listen()
    try:
        with pytest.raises(PortInUse):
            listening_socket(held.getsockname()[1])
        intruder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        intruder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        with pytest.raises(OSError):
            intruder.bind(("127.0.0.1", held.getsockname()[1]))
        intruder.close()
    finally:
        held.close()


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM and TIME_WAIT as on Linux")
def test_the_desk_started_again_on_its_port_right_after_being_killed(project: Path) -> None:
    """``consolidator desk --port N`` killed while the browser holds a connection, then
    started again at once on N: not 「ポート … は使用中です」 for a minute."""
    first = listening_socket(0)
    port = first.getsockname()[1]
    first.close()
    with running_desk(project, "--port", str(port)) as desk:
        held = socket.create_connection(("127.0.0.1", port), timeout=5)
        held.sendall(f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        assert held.recv(100).startswith(b"HTTP/1.1 403")  # a kept-alive connection
        desk.process.kill()
        desk.process.wait(10)
    while held.recv(4096):  # read to the end (unread bytes would make close a reset) …
        pass
    held.close()  # … the server closed first: its side of the connection is in TIME_WAIT
    with running_desk(project, "--port", str(port)) as again:
        assert again.port == port


class _FakeSocket:
    def __init__(self, options: list[tuple[Any, ...]]) -> None:
        self.options = options

    def setsockopt(self, *option: Any) -> None:
        self.options.append(option)

    def bind(self, address: tuple[str, int]) -> None:
        self.options.append(("bind", address))

    def close(self) -> None:
        pass


@pytest.mark.parametrize(("windows", "expected"), [
    (True, ("SOL_SOCKET", "SO_EXCLUSIVEADDRUSE", 1)),
    (False, ("SOL_SOCKET", "SO_REUSEADDR", 1)),
], ids=["windows", "posix"])
def test_windows_takes_the_port_exclusively_and_never_with_reuseaddr(
        windows: bool, expected: tuple[Any, ...]) -> None:
    options: list[tuple[Any, ...]] = []
    fake = SimpleNamespace(
        AF_INET="AF_INET", SOCK_STREAM="SOCK_STREAM", SOL_SOCKET="SOL_SOCKET",
        SO_REUSEADDR="SO_REUSEADDR", SO_EXCLUSIVEADDRUSE="SO_EXCLUSIVEADDRUSE",
        socket=lambda *_args: _FakeSocket(options))
    listening_socket(8765, windows=windows, sockets=fake)  # type: ignore[arg-type]
    assert options == [expected, ("bind", ("127.0.0.1", 8765))]


# ---- what a refused page shows ------------------------------------------------------------

def test_a_refused_page_says_nothing_of_the_folder_or_the_plan(
        project: Path, mini_catalog: Catalog) -> None:
    client, _ws = desk_client(project, mini_catalog)
    keyless = _client_without_key(project, mini_catalog)
    plan_name = mini_catalog.plan["name"]
    for done in (keyless.get("/status", base_url=BASE),
                 keyless.get("/static/nothing.css", base_url=BASE),
                 keyless.get("/no-such-page", base_url=BASE),
                 client.get("/status", base_url=f"http://attacker.example:{PORT}{PAGES_ROOT}"),
                 keyless.post("/submit", base_url=BASE, headers={"Origin": ORIGIN})):
        html = done.get_data(as_text=True)
        assert done.status_code in (403, 404), done.status_code
        assert str(project) not in html and project.name not in html
        assert plan_name not in html and "/plan" not in html
    keyed = client.get("/no-such-page", base_url=BASE)  # with the key: the desk's frame
    assert keyed.status_code == 404 and plan_name in keyed.get_data(as_text=True)


# ---- the ledger records a consolidation once its outputs are in place -----------------------

def _runs(ledger: Path) -> list[str]:
    with closing(sqlite3.connect(ledger)) as conn:
        return [r[0] for r in conn.execute("SELECT command FROM runs ORDER BY id")]


def test_a_master_that_cannot_be_written_leaves_no_consolidation_in_the_ledger(
        project: Path, mini_catalog: Catalog, mini_templates: dict[str, Path]) -> None:
    submit_all(mini_templates, project / "submissions")
    out = project / "output"
    client, ws = desk_client(project, mini_catalog)
    assert post(client, "/status/validate").status_code == 302  # a validate run: recorded
    ledger = project / "ledger.sqlite3"  # the working folder's
    assert _runs(ledger) == ["validate"]
    master_path(out, 2022).mkdir()  # a folder where the master goes: it cannot be written
    done = post(client, "/consolidate")
    assert done.status_code == 500
    assert _runs(ledger) == ["validate"]  # no consolidate recorded
    recorded = ws.status().recorded  # what 状況 says the latest run was
    assert recorded is not None and recorded.command == "validate"
    master_path(out, 2022).rmdir()
    job = run_consolidate(project / "submissions", mini_catalog, 2022, out, state=project)
    assert job.master is not None and job.master.is_file()
    assert _runs(ledger) == ["validate", "consolidate"]


# ---- upload names longer than the file system allows -------------------------------------

LONG = "令和四年度地域福祉計画進捗報告書" * 6 + ".xlsx"  # 90 kana and kanji: 270 bytes in UTF-8


def test_a_name_over_255_bytes_is_shortened_and_every_file_of_the_batch_is_saved_and_checked(
        project: Path, mini_catalog: Catalog, filled: dict[str, Path]) -> None:
    client, _ws = desk_client(project, mini_catalog)
    first, second, third = filled.values()
    done = post(client, "/submit", {"files": [sent(first, "a.xlsx"), sent(second, LONG),
                                               sent(third, LONG), sent(first, "z.xlsx")]})
    assert done.status_code == 302
    html = page(client, "/submit")
    saved = _saved_names(html)
    assert len(saved) == 4 and saved[0] == "a.xlsx" and saved[3] == "z.xlsx"
    shortened = saved[1:3]
    for name in shortened:  # under the limit with room left, the extension kept
        assert len(name.encode("utf-8")) <= NAME_BYTES and name.endswith(".xlsx")
        assert (project / "submissions" / name).is_file()
    assert shortened[1] == shortened[0].replace(".xlsx", " (2).xlsx")  # unique
    assert (project / "submissions" / shortened[0]).read_bytes() == second.read_bytes()
    assert html.count(DESK_TEXT["unknown-department"]) == 0  # all four checked: departments
    assert sorted(p.name for p in (project / "submissions").iterdir()) == sorted(saved)


@pytest.mark.parametrize("name", ["あ" * 300, "報告" * 200 + ".xlsx", "x" * 300 + ".xlsx",
                                  "😀" * 100 + ".xlsx"])
def test_a_safe_name_fits_every_file_system_with_room_for_a_number(name: str) -> None:
    safe = safe_name(name, "d")
    numbered = safe.replace(".xlsx", " (1000).xlsx") if safe.endswith(".xlsx") else safe + " (1000)"
    assert len(numbered.encode("utf-8")) <= NAME_BYTES
    assert len(numbered.encode("utf-16-le")) // 2 <= NAME_BYTES
    assert safe.endswith(".xlsx") == name.endswith(".xlsx")


def test_one_file_that_cannot_be_written_loses_none_of_the_others(
        project: Path, mini_catalog: Catalog, filled: dict[str, Path],
        monkeypatch: pytest.MonkeyPatch) -> None:
    real = workspace_module.save_upload

    def disk_full_for_b(stream: Any, folder: Path, name: str, *args: Any) -> Path:
        if name == "b.xlsx":
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(stream, folder, name, *args)

    monkeypatch.setattr(workspace_module, "save_upload", disk_full_for_b)
    client, _ws = desk_client(project, mini_catalog)
    first, second, third = filled.values()
    done = post(client, "/submit", {"files": [sent(first, "a.xlsx"), sent(second, "b.xlsx"),
                                               sent(third, "c.xlsx")]})
    assert done.status_code == 302  # not a 500 that drops the rest
    html = page(client, "/submit")
    assert _saved_names(html) == ["a.xlsx", "c.xlsx"]
    assert "No space left on device" in html and "b.xlsx" in html
    assert html.count(DESK_TEXT["unknown-department"]) == 0  # both saved files were checked
    assert sorted(p.name for p in (project / "submissions").iterdir()) == ["a.xlsx", "c.xlsx"]


def test_on_windows_a_name_is_shortened_to_keep_the_path_under_max_path(
        project: Path, mini_catalog: Catalog, filled: dict[str, Path],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A deep working folder: MAX_PATH (260) where long paths are not enabled; the limit is
    set to what the folder leaves room for, as on Windows."""
    folder = project / "submissions"
    limit = len(str(folder)) + 1 + 50 + len(" (1000)")  # room for a name of 50 characters
    monkeypatch.setattr(workspace_module, "path_limit", lambda: limit)
    client, _ws = desk_client(project, mini_catalog)
    path = next(iter(filled.values()))
    assert post(client, "/submit", {"files": [sent(path, LONG), sent(path, LONG)]}
                ).status_code == 302
    saved = _saved_names(page(client, "/submit"))
    assert len(saved) == 2 and all(n.endswith(".xlsx") for n in saved)
    assert all(len(str(folder / n)) <= limit for n in saved)
    assert len(saved[0]) == 50 and saved[1] == saved[0].replace(".xlsx", " (2).xlsx")
    monkeypatch.setattr(workspace_module, "path_limit", lambda: len(str(folder)) + 10)
    assert post(client, "/submit", {"files": [sent(path, "a.xlsx")]}).status_code == 302
    html = page(client, "/submit")
    assert _saved_names(html) == []
    assert DESK_TEXT["upload-path-too-long"].split(":")[0] in html
    assert not (folder / "a.xlsx").exists()


def test_where_there_are_no_hard_links_a_name_is_still_never_overwritten(
        project: Path, mini_catalog: Catalog, filled: dict[str, Path],
        monkeypatch: pytest.MonkeyPatch) -> None:
    def no_links(*_args: Any) -> None:
        raise PermissionError(errno.EPERM, "Operation not permitted")  # FAT, some shares

    monkeypatch.setattr(uploads.os, "link", no_links)
    client, _ws = desk_client(project, mini_catalog)
    first, second = list(filled.values())[:2]
    for path in (first, second):
        assert post(client, "/submit", {"files": [sent(path, "x.xlsx")]}).status_code == 302
    folder = project / "submissions"
    assert sorted(p.name for p in folder.iterdir()) == ["x (2).xlsx", "x.xlsx"]
    assert (folder / "x.xlsx").read_bytes() == first.read_bytes()
    assert (folder / "x (2).xlsx").read_bytes() == second.read_bytes()


@pytest.mark.parametrize(("enabled", "limit"), [(None, 259), (0, 259), (1, None)],
                         ids=["no-value", "disabled", "enabled"])
def test_windows_paths_are_limited_unless_long_paths_are_enabled(
        monkeypatch: pytest.MonkeyPatch, enabled: int | None, limit: int | None) -> None:
    class Key:
        def __enter__(self) -> Key:
            return self

        def __exit__(self, *_exc: object) -> None:
            pass

    def query(_key: Key, name: str) -> tuple[int, int]:
        assert name == "LongPathsEnabled"
        if enabled is None:
            raise FileNotFoundError(name)
        return enabled, 4

    fake = SimpleNamespace(HKEY_LOCAL_MACHINE=object(), OpenKey=lambda *_a: Key(),
                           QueryValueEx=query)
    monkeypatch.setitem(sys.modules, "winreg", fake)
    monkeypatch.setattr(uploads.sys, "platform", "win32")
    assert uploads.path_limit() == limit


# ---- what a crash during an upload leaves ----------------------------------------------------

CRASH = """
import os, sys
from pathlib import Path
from consolidator.desk.uploads import save_upload

class Cut:  # the desk killed half-way through receiving the file
    sent = 0
    def read(self, n):
        if self.sent:
            os._exit(3)
        self.sent = 1
        return b"PK" * 1000

save_upload(Cut(), Path(sys.argv[1]), "高齢福祉課.xlsx", 10**6)
"""


def test_a_crash_during_an_upload_leaves_no_empty_file_and_the_desk_removes_its_temporary(
        project: Path, mini_catalog: Catalog, filled: dict[str, Path]) -> None:
    folder = project / "submissions"
    folder.mkdir()
    department = folder / "地域福祉課.xlsx"
    department.write_bytes(next(iter(filled.values())).read_bytes())
    (folder / "空.xlsx").write_bytes(b"")  # a department sent an empty file: theirs, kept
    done = subprocess.run([sys.executable, "-c", CRASH, str(folder)], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 3, done.stderr
    left = sorted(p.name for p in folder.iterdir())
    assert "高齢福祉課.xlsx" not in left  # no empty placeholder under the upload's name
    assert [n for n in left if n.startswith(UPLOAD_TEMP_PREFIX)]  # only the desk's temporary
    # What the desk before this one left: atomic's temporary and the empty reserved name.
    (folder / ".consolidator-tmp-市社協 (2)-ab12cd_3.xlsx").write_bytes(b"PK")
    (folder / "市社協 (2).xlsx").write_bytes(b"")
    desk = make_desk(project, mini_catalog)  # the desk started again
    desk.server.close()
    assert sorted(p.name for p in folder.iterdir()) == ["地域福祉課.xlsx", "空.xlsx"]
    assert department.read_bytes() == next(iter(filled.values())).read_bytes()


# ---- the limits of one request ----------------------------------------------------------------

def test_more_files_than_the_form_takes_are_refused_for_their_count_not_their_size(
        project: Path, mini_catalog: Catalog) -> None:
    assert DEFAULT_LIMITS.max_upload_files >= 500  # hundreds of files in one drop
    client, _ws = desk_client(project, mini_catalog,
                              replace(DEFAULT_LIMITS, max_upload_files=3))
    chosen = [(io.BytesIO(b"PK"), f"{n}.xlsx") for n in range(40)]  # 80 bytes in all
    done = post(client, "/submit", {"files": chosen})
    assert done.status_code == 413
    html = done.get_data(as_text=True)
    assert "一度に送れるのは 3 件まで" in html and "MB" not in html
    assert not (project / "submissions").exists()


def _raw(port: int, request: bytes) -> tuple[str, dict[str, str], str]:
    """Send ``request`` as it is and read the answer to its end: status line, headers, body."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(request)
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines)
    return status, headers, body.decode("utf-8")


@pytest.mark.slow  # a real server and a raw socket: in the full suite
def test_a_body_over_the_limit_is_refused_in_japanese_before_it_is_read(
        project: Path, mini_catalog: Catalog) -> None:
    """waitress refuses it from the Content-Length alone (nothing of the body is sent here),
    with the desk's page, not its English text; a body of exactly the limit reaches the desk."""
    limit = 1024 * 1024
    desk = make_desk(project, mini_catalog, limits=replace(DEFAULT_LIMITS,
                                                           max_upload_bytes=limit))
    with serving(desk):
        browser = _Browser(desk.url)
        status, headers, body = _raw(desk.port, (
            f"POST {browser.root}/submit HTTP/1.1\r\nHost: 127.0.0.1:{desk.port}\r\n"
            f"Cookie: {browser.cookie}\r\nOrigin: http://127.0.0.1:{desk.port}\r\n"
            "Content-Type: multipart/form-data; boundary=b0undary\r\n"
            f"Content-Length: {limit + 1}\r\n\r\n").encode())
        assert status.startswith("HTTP/1.1 413 ")
        assert headers["Content-Type"] == "text/html; charset=utf-8"
        assert headers["Content-Security-Policy"].startswith("default-src 'self'")
        assert "一度に送れる量を超えています(1 MB まで)" in body
        assert DESK_TEXT["forbidden-heading"] in body and '<html lang="ja">' in body
        assert "max_body" not in body and "Entity" not in body
        assert f'href="{browser.root}/static/desk.css"' in body

        head = (b"--b0undary\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n"
                + browser.form.encode() + b"\r\n--b0undary\r\nContent-Disposition: "
                b"form-data; name=\"files\"; filename=\"\"\r\n\r\n")  # no file chosen
        tail = b"\r\n--b0undary--\r\n"
        padding = random.Random(25).randbytes(limit - len(head) - len(tail))  # as a zip is
        exactly = head + padding.replace(b"--b0undary", b"--b1undary") + tail
        answer = browser.request("POST", "/submit", exactly,
                                 "multipart/form-data; boundary=b0undary")
        assert answer[0] == 302, re.findall("notice[^>]*>([^<]*)", answer[1])  # no file chosen

        status, _headers, body = _raw(desk.port, (  # a request waitress cannot read
            f"POST {browser.root}/submit HTTP/1.1\r\nHost: 127.0.0.1:{desk.port}\r\n"
            "Content-Length: 1x\r\n\r\n").encode())
        assert status.startswith("HTTP/1.1 400 ") and DESK_TEXT["unreadable-request"] in body
    assert not (project / "submissions").exists()


def _multipart(filename: bytes) -> tuple[bytes, str]:
    body = (b"--b0undary\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n"
            + FORM.encode() + b"\r\n--b0undary\r\nContent-Disposition: form-data; "
            b"name=\"files\"; filename=\"" + filename + b"\"\r\n"
            b"Content-Type: application/octet-stream\r\n\r\nPK\x03\x04\r\n--b0undary--\r\n")
    return body, "multipart/form-data; boundary=b0undary"


def test_a_file_name_that_is_not_utf8_is_said_as_such_not_as_another_page(
        project: Path, mini_catalog: Catalog) -> None:
    client, _ws = desk_client(project, mini_catalog)
    body, kind = _multipart("報告.xlsx".encode("cp932"))  # as a Shift_JIS tool would send it
    done = client.post("/submit", data=body, base_url=BASE,
                       headers={"Origin": ORIGIN, "Content-Type": kind})
    assert done.status_code == 400
    html = done.get_data(as_text=True)
    assert DESK_TEXT["unreadable-form"] in html and DESK_TEXT["forbidden-origin"] not in html
    assert not (project / "submissions").exists()
    body, kind = _multipart("報告.xlsx".encode())  # the same in UTF-8 is saved
    done = client.post("/submit", data=body, base_url=BASE,
                       headers={"Origin": ORIGIN, "Content-Type": kind})
    assert done.status_code == 302
    assert [p.name for p in (project / "submissions").iterdir()] == ["報告.xlsx"]


# ---- a leaked cookie opens nothing --------------------------------------------------------

def test_the_key_becomes_a_cookie_sent_only_below_the_root(project: Path,
                                                        mini_catalog: Catalog) -> None:
    client = _client_without_key(project, mini_catalog)
    first = client.get(f"/?token={TOKEN}", base_url=BASE)
    assert first.status_code == 302 and first.headers["Location"] == f"{PAGES_ROOT}/"
    cookie = first.headers["Set-Cookie"]
    assert f"Path={PAGES_ROOT}/" in cookie and "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie
    assert client.get("/status", base_url=BASE).status_code == 200
    # The printed key at the server's top, outside the root: no cookie, nothing said.
    other = _client_without_key(project, mini_catalog)
    assert other.get(f"/?token={TOKEN}", base_url=ORIGIN).status_code == 403


@pytest.mark.parametrize("root", ["", "/r" + "x" * 31, PAGES_ROOT[:-1], PAGES_ROOT + "x"],
                         ids=["none", "another", "shorter", "longer"])
def test_the_cookie_without_the_root_opens_nothing(project: Path, mini_catalog: Catalog,
                                                   filled: dict[str, Path], root: str) -> None:
    """What another program on 127.0.0.1 could do with a leaked ``desk-<port>=<key>``: send
    it back with any Host, Origin and form it likes — but it never saw the root."""
    client, _ws = desk_client(project, mini_catalog)
    cookie = {"Cookie": f"desk-{PORT}={TOKEN}", "Origin": ORIGIN}
    for path in ("/status", "/plan", "/download/master", "/workbooks/all.zip", "/plan/workbook"):
        done = client.get(f"{root}{path}", base_url=ORIGIN, headers=cookie)
        assert done.status_code == 403, path
        assert DESK_TEXT["forbidden-token"] in done.get_data(as_text=True)
        assert mini_catalog.plan["name"] not in done.get_data(as_text=True)
    path = next(iter(filled.values()))
    for url, data in ((f"{root}/submit", {"files": [sent(path, "x.xlsx")]}),
                      (f"{root}/consolidate", {}), (f"{root}/workbooks/generate", {})):
        done = client.post(url, data={**data, "csrf": FORM}, base_url=ORIGIN, headers=cookie,
                           content_type="multipart/form-data")
        assert done.status_code == 403, url
    assert sorted(p.name for p in project.iterdir()) == []


def test_no_page_holds_the_cookie_key(project: Path, mini_catalog: Catalog) -> None:
    client, _ws = desk_client(project, mini_catalog)
    for path in ("/", "/status", "/plan", "/workbooks", "/submit", "/consolidate"):
        html = page(client, path)
        assert TOKEN not in html  # the form's key only, where the page has a form
        assert FORM in html or "<form" not in html
        links = re.findall(r'(?:href|action|src|data-poll)="(/[^"]*)"', html)
        assert links and all(link.startswith(f"{PAGES_ROOT}/") for link in links), links
    done = post(client, "/status/validate")  # redirects stay below the root
    assert done.headers["Location"].startswith(f"{PAGES_ROOT}/")


def test_the_printed_address_carries_a_new_root_and_key_at_every_start(
        project: Path, mini_catalog: Catalog) -> None:
    addresses = []
    for _ in range(2):
        desk = make_desk(project, mini_catalog)
        desk.server.close()
        found = re.fullmatch(rf"http://127\.0\.0\.1:{desk.port}(/[\w-]{{20,}})/\?token=([\w-]{{40,}})",
                             desk.url)
        assert found, desk.url
        addresses.append(found.groups())
    assert addresses[0][0] != addresses[1][0] and addresses[0][1] != addresses[1][1]


# ---- pages answer while a long job runs ---------------------------------------------------

class _Browser:
    """The user's browser on a running desk: real HTTP, the cookie, the form's key."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.port = parts.port or 0
        self.root = parts.path.rstrip("/")
        self.cookie = f"desk-{self.port}={parts.query.split('=', 1)[1]}"
        html = self.get("/submit")[1]
        found = re.search(r'name="csrf" value="([^"]+)"', html)
        assert found, html
        self.form = found.group(1)

    def request(self, method: str, path: str, body: bytes = b"",
                kind: str = "application/x-www-form-urlencoded") -> tuple[int, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request(method, self.root + path, body=body, headers={
                "Cookie": self.cookie, "Origin": f"http://127.0.0.1:{self.port}",
                "Content-Type": kind})
            answer = conn.getresponse()
            return answer.status, answer.read().decode("utf-8", "replace")
        finally:
            conn.close()

    def get(self, path: str) -> tuple[int, str]:
        return self.request("GET", path)

    def post(self, path: str) -> tuple[int, str]:
        return self.request("POST", path, f"csrf={self.form}".encode())


@pytest.mark.slow  # a real server and a job held long on purpose: in the full suite
def test_pages_answer_and_other_changes_are_told_busy_while_a_long_job_runs(
        project: Path, mini_catalog: Catalog, monkeypatch: pytest.MonkeyPatch) -> None:
    started, release = threading.Event(), threading.Event()
    real = workspace_module.run_consolidate

    def long_consolidation(*args: Any, **kwargs: Any) -> Any:
        started.set()
        release.wait(60)
        return real(*args, **kwargs)

    monkeypatch.setattr(workspace_module, "run_consolidate", long_consolidation)
    desk = make_desk(project, mini_catalog)
    with serving(desk), ThreadPoolExecutor(12) as pool:
        browser = _Browser(desk.url)
        job = pool.submit(browser.post, "/consolidate")
        assert started.wait(30)
        others = [pool.submit(browser.post, "/status/validate") for _ in range(10)]
        begun = time.monotonic()
        answers = [f.result(timeout=10) for f in others]  # at once, not after the job
        assert all(status == 409 for status, _html in answers), [s for s, _ in answers]
        assert DESK_TEXT["busy"] in answers[0][1]
        for path in ("/plan", "/status", "/consolidate/progress"):  # pages still answer
            assert browser.get(path)[0] == 200, path
        assert time.monotonic() - begun < 8
        release.set()
        assert job.result(timeout=60)[0] == 302  # done: to 集約's page
