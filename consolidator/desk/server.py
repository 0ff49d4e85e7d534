"""``consolidator desk``: the desk served on 127.0.0.1 only, and the browser opened on it.

The socket is bound here, to 127.0.0.1 and nothing else (no option makes it listen on another
interface), then handed to waitress — a pure-Python WSGI server that runs the same on Windows,
macOS and Linux, with a few threads; the folder itself is changed by one request at a time
(:class:`~consolidator.desk.workspace.Workspace`). The address printed and opened carries the
start's key once (see :mod:`consolidator.desk.security`).
"""

from __future__ import annotations

import socket
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from consolidator.desk.app import create_app
from consolidator.desk.project import Project
from consolidator.desk.security import LOOPBACK, TOKEN_PARAM, Guard, new_token
from consolidator.desk.workspace import Workspace
from consolidator.limits import DEFAULT_LIMITS, Limits, MiB
from consolidator.plan.catalog import Catalog

THREADS = 4


class PortInUse(Exception):
    """The port asked for is taken."""


@dataclass
class Desk:
    server: Any  # waitress's server
    url: str  # the address with the key, to open once
    port: int


def make_desk(folder: Path, catalog: Catalog, *, port: int = 0,
              limits: Limits = DEFAULT_LIMITS) -> Desk:
    """Bind 127.0.0.1:``port`` (0: any free port) and build the server for the project in
    ``folder`` (for ``catalog``'s report year); nothing is served until ``server.run()``."""
    from waitress import create_server

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind((LOOPBACK, port))
    except OSError as exc:
        sock.close()
        raise PortInUse(str(port)) from exc
    bound = int(sock.getsockname()[1])
    guard = Guard(new_token(), bound)
    project = Project(folder.resolve(), catalog, catalog.report_year)
    app = create_app(Workspace(project, limits), guard)
    server = create_server(app, sockets=[sock], threads=THREADS, ident="consolidator-desk",
                           max_request_body_size=limits.max_upload_bytes + MiB)
    return Desk(server, f"http://{LOOPBACK}:{bound}/?{TOKEN_PARAM}={guard.token}", bound)


def serve(folder: Path, catalog: Catalog, *, port: int = 0, open_browser: bool = True,
          started: Callable[[Desk], None] = lambda desk: None) -> None:
    """Run the desk until interrupted (Ctrl+C): ``started`` is told the address once the
    server listens, then the browser is opened on it (unless ``open_browser`` is False)."""
    desk = make_desk(folder, catalog, port=port)
    started(desk)
    if open_browser:
        webbrowser.open(desk.url)
    try:
        desk.server.run()
    except KeyboardInterrupt:
        pass
    finally:
        desk.server.close()
