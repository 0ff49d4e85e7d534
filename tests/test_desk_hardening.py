"""The desk against the attack of issue 25 (section 3): long upload names, a leaked cookie,
what a refused page shows, restarting on the same port, what a crash leaves in
``submissions/``, when the ledger records a consolidation, and the limits of one request.

Through Flask's test client on real generated and filled workbooks, and real sockets.
"""

from __future__ import annotations

import socket
import sqlite3
from contextlib import closing
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from consolidator.desk.server import PortInUse, listening_socket
from consolidator.jobs.runs import master_path, run_consolidate
from consolidator.plan.catalog import Catalog
from helpers.desk import BASE, ORIGIN, PORT, desk_client, post
from helpers.filling import submit_all


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    return root


def _client_without_key(project: Path, catalog: Catalog) -> Any:
    client, _ws = desk_client(project, catalog)
    client.delete_cookie(f"desk-{PORT}", domain="127.0.0.1")
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
                 client.get("/status", base_url=f"http://attacker.example:{PORT}"),
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
    assert post(client, "/status/check").status_code == 302  # a validate run: recorded
    assert _runs(out / "ledger.sqlite3") == ["validate"]
    master_path(out, 2022).mkdir()  # a folder where the master goes: it cannot be written
    done = post(client, "/consolidate")
    assert done.status_code == 500
    assert _runs(out / "ledger.sqlite3") == ["validate"]  # no consolidate recorded
    recorded = ws.status().recorded  # what 状況 says the latest run was
    assert recorded is not None and recorded.command == "validate"
    master_path(out, 2022).rmdir()
    job = run_consolidate(project / "submissions", mini_catalog, 2022, out)
    assert job.master is not None and job.master.is_file()
    assert _runs(out / "ledger.sqlite3") == ["validate", "consolidate"]
