"""Every SQLite connection a test opens, and whether it was closed.

An open connection keeps its file locked on Windows (a damaged ledger or cache could then not
be set aside) and Python 3.13 reports one that is never closed; 3.11 and 3.12 say nothing.
:class:`ConnectionWatch` wraps ``sqlite3.connect`` for one test (conftest's autouse fixture),
so any Python the suite runs on fails a test that leaves one open.
"""

from __future__ import annotations

import sqlite3
import traceback
from contextlib import suppress
from typing import Any

import pytest


class ConnectionWatch:
    def __init__(self) -> None:
        self.opened: list[tuple[sqlite3.Connection, str]] = []

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        real = sqlite3.connect

        def connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
            conn = real(*args, **kwargs)
            where = "".join(traceback.format_stack(limit=12)[:-1])
            self.opened.append((conn, where))
            return conn

        monkeypatch.setattr(sqlite3, "connect", connect)

    def left_open(self) -> list[str]:
        """Where each connection still open was opened."""
        return [where for conn, where in self.opened if _is_open(conn)]

    def close_all(self) -> None:
        for conn, _ in self.opened:
            with suppress(sqlite3.ProgrammingError):  # opened in a thread of a running desk
                conn.close()


def _is_open(conn: sqlite3.Connection) -> bool:
    try:
        conn.in_transaction  # noqa: B018  (checks the connection, from any thread)
    except sqlite3.ProgrammingError:  # "Cannot operate on a closed database."
        return False
    return True
