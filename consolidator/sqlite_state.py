"""The SQLite files the toolkit keeps between runs (the ledger, the result cache): opening one,
and the one way a transaction is written.

Every connection is closed by whoever opened it, also when something fails half-way: an open
connection keeps its file locked on Windows (a damaged file could then not be set aside), and
Python 3.13 reports one that is never closed (``ResourceWarning``). ``with conn:`` does not
close a connection (it only commits or rolls back): use :func:`contextlib.closing` or
``try``/``finally``.

The connections are in autocommit mode (``isolation_level=None``): a transaction is only
what :func:`transaction` begins and ends.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Literal


def connect(path: Path | str, *, timeout: float,
            pragmas: Iterable[str] = ()) -> sqlite3.Connection:
    """A connection to ``path`` in autocommit mode with ``pragmas`` run; closed again when
    one of them fails (a file that is not a database fails at the first statement)."""
    conn = sqlite3.connect(str(path), timeout=timeout, isolation_level=None)
    try:
        for pragma in pragmas:
            conn.execute(pragma)
    except BaseException:
        conn.close()
        raise
    return conn


@contextmanager
def transaction(conn: sqlite3.Connection,
                kind: Literal["DEFERRED", "IMMEDIATE"] = "IMMEDIATE") -> Iterator[None]:
    """``BEGIN`` … ``COMMIT``; ``ROLLBACK`` when the block raises or the commit fails (the
    exception goes on). ``IMMEDIATE`` takes the write lock at once, so a second writer
    waits (up to the connection's timeout) at ``BEGIN`` rather than failing half-way.

    Inside a transaction already begun (a run recorded only once its outputs are written,
    :func:`consolidator.jobs.correction.recorded_in_ledger`) the block is a savepoint: undone
    alone when it raises, else kept, and committed or rolled back with the outer one."""
    if conn.in_transaction:
        with _savepoint(conn):
            yield
        return
    conn.execute(f"BEGIN {kind}")
    try:
        yield
        conn.execute("COMMIT")
    finally:
        if conn.in_transaction:  # the block raised, or COMMIT did (SQLite keeps it open)
            with suppress(sqlite3.Error):  # the exception on its way says what went wrong
                conn.execute("ROLLBACK")


@contextmanager
def _savepoint(conn: sqlite3.Connection) -> Iterator[None]:
    conn.execute("SAVEPOINT inner_block")
    try:
        yield
    except BaseException:
        with suppress(sqlite3.Error):
            conn.execute("ROLLBACK TO inner_block")
            conn.execute("RELEASE inner_block")
        raise
    conn.execute("RELEASE inner_block")


def why_not_ours(conn: sqlite3.Connection, application_id: int, version: int,
                 probes: Iterable[str]) -> tuple[str, bool]:
    """``("", False)`` when ``conn`` is a file of ours (``PRAGMA application_id``) of this
    layout (``PRAGMA user_version``) that SQLite finds sound and in which every query of
    ``probes`` runs; else why not, and whether it is ours of another layout. SQLite's errors
    (a file that is no database) go on to the caller."""
    app = conn.execute("PRAGMA application_id").fetchone()[0]
    found = conn.execute("PRAGMA user_version").fetchone()[0]
    if app != application_id:
        return "application_id", False
    if found != version:
        return f"user_version {found}", True
    if conn.execute("PRAGMA quick_check(1)").fetchone()[0] not in ("ok", b"ok"):
        return "quick_check", False  # (b"ok": a connection reading text as bytes)
    for probe in probes:
        conn.execute(probe)
    return "", False
