"""The desk through Flask's test client, as its own browser would talk to it: the key as a
cookie, state-changing requests from the desk's origin with the key in the form."""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from consolidator.desk.app import create_app
from consolidator.desk.project import Project
from consolidator.desk.security import Guard
from consolidator.desk.workspace import Workspace
from consolidator.limits import DEFAULT_LIMITS, Limits
from consolidator.plan.catalog import Catalog

PORT = 5000
PAGES_ROOT = "/r" + "o" * 31  # the start's random first path segment, every page below it
ORIGIN = f"http://127.0.0.1:{PORT}"  # what the desk's own pages send as Origin
BASE = ORIGIN + PAGES_ROOT  # the test client's base: "/status" is PAGES_ROOT + "/status"
TOKEN = "k" * 43  # the cookie's key
FORM = "f" * 43  # the form's key, in the desk's pages


GUARD = Guard(TOKEN, PORT, PAGES_ROOT, FORM)
# Every workspace desk_client made: closed after each test (tests/conftest.py), so that no
# drawing of the published report goes on into the next test.
OPENED: list[Workspace] = []
# A command, an option or a command name, as a terminal would want it typed: no page says one.
TERMINAL = re.compile(r"consolidator |--[a-z]|pip install|(?<![A-Za-z_])(validate|consolidate|"
                      r"generate|diff|status|accept|remind|report|export|import|desk)(?![A-Za-z_])")


def desk_client(project: Path, catalog: Catalog, limits: Limits = DEFAULT_LIMITS,
                year: int = 2022, draw: Any = None) -> tuple[Any, Workspace]:
    """A test client of a desk on ``project`` (its key already a cookie), and its workspace;
    ``draw``: what the child drawing the published report's PDF and Word file runs
    (:mod:`helpers.drawing`; default the real drawing)."""
    workspace = Workspace(Project(project, catalog, year), limits,
                          **({} if draw is None else {"draw": draw}))
    OPENED.append(workspace)
    app = create_app(workspace, GUARD)
    client = app.test_client()
    client.set_cookie(f"desk-{PORT}", TOKEN, domain="127.0.0.1", path=f"{PAGES_ROOT}/")
    return client, workspace


def post(client: Any, path: str, data: dict[str, Any] | None = None,
         origin: str | None = ORIGIN, token: str | None = FORM) -> Any:
    form = dict(data or {})
    if token is not None:
        form["csrf"] = token
    headers = {"Origin": origin} if origin else {}
    return client.post(path, data=form, headers=headers, base_url=BASE,
                       content_type="multipart/form-data")


def page(client: Any, path: str) -> str:
    done = client.get(path, base_url=BASE)
    assert done.status_code == 200, (path, done.status_code)
    return str(done.get_data(as_text=True))


def sent(path: Path, name: str) -> tuple[io.BytesIO, str]:
    """A file as the browser sends it: its bytes under the name the user's system gave it."""
    return io.BytesIO(path.read_bytes()), name


def download(client: Any, url: str) -> tuple[int, bytes, Any]:
    done = client.get(url, base_url=BASE)
    try:
        return done.status_code, done.get_data(), done.headers
    finally:
        done.close()


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def row_cells(html: str, department: str) -> dict[str, str]:
    """data-testid → text of the cells of a department's row on 状況 (without its links' tags)."""
    row = re.search(rf'<tr id="department-{re.escape(department)}".*?</tr>', html, re.S)
    assert row, department
    return {k: re.sub(r"<[^>]*>", "", v).strip() for k, v in re.findall(
        r'<td[^>]*data-testid="([a-z-]+)"[^>]*>(.*?)</td>', row.group(0), re.S)}


def accept_forms(html: str) -> list[dict[str, str]]:
    """The hidden fields (code, department, subject, value) of every accept form on 状況."""
    out = []
    action = f"{PAGES_ROOT}/status/accept"
    for form in re.findall(rf'<form method="post" action="{action}".*?</form>', html, re.S):
        out.append(dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form)))
    return out


def upload(client: Any, paths: list[Path]) -> None:
    """提出: the files dropped on the page under their own names (saved and checked)."""
    assert post(client, "/submit", {"files": [sent(p, p.name) for p in paths]}
                ).status_code == 302


@contextmanager
def serving(desk: Any) -> Iterator[None]:
    """``desk`` (:func:`consolidator.desk.server.make_desk`) answering real HTTP in a thread
    for the block, then stopped: the requests' threads first, then the socket. The loop may
    be waiting on the socket as it is closed: what that raises once stopping is the stop."""
    stopping = threading.Event()

    def run() -> None:
        try:
            desk.server.run()
        except (OSError, ValueError):  # the socket closed under the loop's select
            if not stopping.is_set():
                raise

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stopping.set()
        desk.server.task_dispatcher.shutdown()
        desk.close()
        thread.join(10)
