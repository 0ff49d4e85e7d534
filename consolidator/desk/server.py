"""``consolidator desk``: the desk served on 127.0.0.1 only, and the browser opened on it.

The socket is bound here, to 127.0.0.1 and nothing else (no option makes it listen on another
interface), so that the same ``--port`` can be used again at once after Ctrl+C or a crash and
by no other program while the desk runs (:func:`listening_socket`), then handed to waitress —
a pure-Python WSGI server that runs the same on Windows, macOS and Linux, with a few threads;
the folder itself is changed by one request at a time
(:class:`~consolidator.desk.workspace.Workspace`). The address printed and opened carries the
start's key once (see :mod:`consolidator.desk.security`).
"""

from __future__ import annotations

import socket
import sys
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from consolidator.desk.app import SECURITY_HEADERS, create_app, early_page
from consolidator.desk.project import Project, folder_year
from consolidator.desk.security import LOOPBACK, TOKEN_PARAM, Guard
from consolidator.desk.workspace import Workspace
from consolidator.limits import DEFAULT_LIMITS, Limits, MiB
from consolidator.messages import fill
from consolidator.messages.desk import DESK_TEXT
from consolidator.plan.catalog import Catalog

THREADS = 8  # pages and downloads answer while a long job (集約) holds one


class PortInUse(Exception):
    """The port asked for is taken."""


@dataclass
class Desk:
    server: Any  # waitress's server
    url: str  # the address with the key, to open once
    port: int
    workspace: Workspace | None = None

    def close(self) -> None:
        """Stop serving, then let a drawing of the published report end (waited for a
        while, then ended: nothing half-written left)."""
        self.server.close()
        if self.workspace is not None:
            self.workspace.close()


def make_desk(folder: Path, catalog: Catalog, *, port: int = 0, year: int | None = None,
              limits: Limits = DEFAULT_LIMITS) -> Desk:
    """Bind 127.0.0.1:``port`` (0: any free port) and build the server for the project in
    ``folder``, for ``year`` (None: the folder's settings' year, else ``catalog``'s report
    year); nothing is served until ``server.run()``."""
    from waitress import create_server

    from consolidator.desk.early_answers import answer_in_japanese

    sock = listening_socket(port)
    bound = int(sock.getsockname()[1])
    guard = Guard.new(bound)
    root = folder.resolve()
    project = Project(root, catalog, folder_year(root, catalog) if year is None else year)
    workspace = Workspace(project, limits)
    workspace.tidy()  # what a crash during an upload left in submissions/
    app = create_app(workspace, guard)
    # waitress refuses a body over the upload limit before reading it (>= its limit), in
    # Japanese: see consolidator.desk.early_answers for why not Flask.
    server = create_server(app, sockets=[sock], threads=THREADS, ident="consolidator-desk",
                           max_request_body_size=limits.max_upload_bytes + 1)
    too_large = fill(DESK_TEXT["too-large-request"], limit=limits.max_upload_bytes // MiB)
    answer_in_japanese(
        server, {413: early_page(app, guard.root, DESK_TEXT["forbidden-heading"], too_large)},
        early_page(app, guard.root, DESK_TEXT["unreadable-heading"],
                   DESK_TEXT["unreadable-request"]), SECURITY_HEADERS)
    return Desk(server, f"http://{LOOPBACK}:{bound}{guard.root}/?{TOKEN_PARAM}={guard.token}",
                bound, workspace)


def listening_socket(port: int, *, windows: bool = sys.platform == "win32",
                     sockets: ModuleType = socket) -> socket.socket:
    """A TCP socket bound to 127.0.0.1:``port`` (0: any free port); :class:`PortInUse` when
    another program listens there.

    After Ctrl+C or a crash the port keeps connections in TIME_WAIT for up to a minute or
    two. On macOS and Linux ``SO_REUSEADDR`` lets the desk bind it again at once; there it
    never lets a second socket bind a port someone listens on. On Windows ``SO_REUSEADDR``
    would let any other program take a port in use, so it is never set there: the port is
    taken with ``SO_EXCLUSIVEADDRUSE`` (no other socket may bind it while the desk runs, and a
    port whose previous connections only linger is still free to bind). waitress sets
    ``SO_REUSEADDR`` on the socket it is given after it is bound: on Windows that is refused
    beside ``SO_EXCLUSIVEADDRUSE`` (waitress ignores the error), and it no longer changes
    what the bound socket accepts anywhere."""
    sock = sockets.socket(sockets.AF_INET, sockets.SOCK_STREAM)
    try:
        if windows:
            sock.setsockopt(sockets.SOL_SOCKET, sockets.SO_EXCLUSIVEADDRUSE, 1)
        else:
            sock.setsockopt(sockets.SOL_SOCKET, sockets.SO_REUSEADDR, 1)
        sock.bind((LOOPBACK, port))
    except OSError as exc:
        sock.close()
        raise PortInUse(str(port)) from exc
    return sock


def serve(folder: Path, catalog: Catalog, *, port: int = 0, year: int | None = None,
          open_browser: bool = True,
          started: Callable[[Desk], None] = lambda desk: None) -> None:
    """Run the desk until interrupted (Ctrl+C): ``started`` is told the address once the
    server listens, then the browser is opened on it (unless ``open_browser`` is False)."""
    desk = make_desk(folder, catalog, port=port, year=year)
    started(desk)
    if open_browser:
        webbrowser.open(desk.url)
    try:
        desk.server.run()
    except KeyboardInterrupt:
        pass
    finally:
        desk.close()
