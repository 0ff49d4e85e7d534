"""The output cache: which outputs a run wrote from which inputs, so a re-run whose inputs for
an output did not change neither renders it again nor rewrites it.

One SQLite file beside the result cache (:mod:`consolidator.cache.store`), in the working
folder: ``.consolidator-outputs.sqlite3``. A row is one output (a department's annotated
workbook and draft, the master, the logs) under a name (``department:<担当>``, ``master``,
``logs``): the digest of everything it was made from (:func:`inputs_digest`, with
:func:`~consolidator.cache.store.code_fingerprint`: other code, other outputs) and, for each
file written, its path, size and time of last change as the run left it.

An output is reused only when its digest is the same *and* every file is still where it was
written with the same size and time (a file deleted, edited, or replaced by another program is
written again). Never trusted, never fatal: a file that is not our output cache or that
SQLite finds damaged is renamed aside (``output-cache-set-aside``) and a new one started; any
SQLite error turns the output cache off (every output is then rendered, as with
``--no-cache``).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from consolidator.atomic import set_aside
from consolidator.cache.store import code_fingerprint
from consolidator.findings import Finding, make
from consolidator.sqlite_state import connect, why_not_ours

OUTPUTS_NAME = ".consolidator-outputs.sqlite3"
APPLICATION_ID = 0x43524f31  # "CRO1"
SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE outputs (
    name TEXT PRIMARY KEY,     -- department:<name>, master, logs
    digest TEXT NOT NULL,      -- sha256 of what it was made from (and the code)
    files TEXT NOT NULL,       -- JSON [[path, size, mtime_ns], ...] as written
    extra TEXT NOT NULL        -- JSON: what the run needs to know of it besides the files
);
"""


def outputs_path(state: Path) -> Path:
    return state / OUTPUTS_NAME


def inputs_digest(*parts: Any) -> str:
    """The digest of what an output is made from (plain values: JSON, anything else by its
    ``repr``), with the toolkit's code."""
    text = json.dumps([code_fingerprint(), *parts], ensure_ascii=False, sort_keys=True,
                      default=repr)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class OutputCache:
    """The output cache of one run (made by :func:`open_outputs`). ``reuse`` False
    (``--no-cache``): nothing is reused, every output is recorded again."""

    def __init__(self, conn: sqlite3.Connection | None, reuse: bool = True) -> None:
        self.conn = conn
        self.reuse = reuse
        self.findings: list[Finding] = []
        self.reused: list[str] = []  # the names of the outputs left as they were

    def unchanged(self, name: str, digest: str) -> tuple[list[Path], Any] | None:
        """The files ``name`` was last written as, and what was recorded with them, when that
        was from inputs of ``digest`` and every one of those files is still as that run
        left it; else None."""
        if self.conn is None or not self.reuse:
            return None
        try:
            row = self.conn.execute("SELECT digest, files, extra FROM outputs WHERE name = ?",
                                    (name,)).fetchone()
        except sqlite3.Error:
            self.close()
            return None
        if row is None or row[0] != digest:
            return None
        try:
            files, extra = json.loads(row[1]), json.loads(row[2])
            if not all(file_stamp(Path(path)) == (size, mtime) for path, size, mtime in files):
                return None
            paths = [Path(path) for path, _, _ in files]
        except (ValueError, TypeError):  # a row that is not what we wrote: not trusted
            return None
        self.reused.append(name)
        return paths, extra

    def wrote(self, name: str, digest: str, files: Sequence[Path], extra: Any = None) -> None:
        """Record that ``name`` was written, from inputs of ``digest``, as ``files`` (and
        ``extra``, plain values)."""
        if self.conn is None:
            return
        stamps = [[str(p), *stamp] for p in files if (stamp := file_stamp(p)) is not None]
        if len(stamps) != len(files):
            self.forget(name)
            return
        try:
            self.conn.execute("INSERT OR REPLACE INTO outputs VALUES (?, ?, ?, ?)",
                              (name, digest, json.dumps(stamps, ensure_ascii=False),
                               json.dumps(extra, ensure_ascii=False)))
        except sqlite3.Error:
            self.close()

    def forget(self, name: str) -> None:
        """``name`` is no longer as recorded (not written, or written elsewhere)."""
        if self.conn is None:
            return
        try:
            self.conn.execute("DELETE FROM outputs WHERE name = ?", (name,))
        except sqlite3.Error:
            self.close()

    def close(self) -> None:
        if self.conn is not None:
            with suppress(sqlite3.Error):
                self.conn.close()
            self.conn = None


def file_stamp(path: Path) -> tuple[int, int] | None:
    """A file's size and time of last change, as an output is known by (None: not there)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


@contextmanager
def opened_outputs(state: Path, reuse: bool = True) -> Iterator[OutputCache]:
    """The output cache of the working folder ``state`` for the block, closed after it."""
    outputs = open_outputs(outputs_path(state), reuse=reuse)
    try:
        yield outputs
    finally:
        outputs.close()


def open_outputs(path: Path, *, reuse: bool = True) -> OutputCache:
    """The output cache at ``path``: created when there is none; a file that is damaged or not
    ours (of another layout: rebuilt) set aside, with a finding saying so, and a new one
    started; none at all when no file can be used (every output is then rendered)."""
    cache = OutputCache(None, reuse)
    with suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        conn, why = _open_ours(path)
        if conn is not None:
            cache.conn = conn
            return cache
        try:
            aside = set_aside(path)
        except OSError:
            return cache  # left alone; this run renders every output
        cache.findings.append(make("output-cache-set-aside", file=path.name, aside=aside.name,
                                   detail=why))
    try:
        cache.conn = _connect(path)
        cache.conn.executescript(_SCHEMA)
        cache.conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        cache.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    except sqlite3.Error:
        cache.close()
    return cache


def _open_ours(path: Path) -> tuple[sqlite3.Connection | None, str]:
    try:
        conn = _connect(path)
    except sqlite3.Error as exc:
        return None, f"{type(exc).__name__}: {exc}"
    try:
        why, _ = why_not_ours(conn, APPLICATION_ID, SCHEMA_VERSION,
                              ["SELECT name, digest, files, extra FROM outputs LIMIT 1"])
        if not why:
            return conn, ""
    except sqlite3.Error as exc:
        why = f"{type(exc).__name__}: {exc}"
    conn.close()
    return None, why


def _connect(path: Path) -> sqlite3.Connection:
    # Derived data: a torn write after a power cut is caught by the checks above (or by the
    # files' sizes and times) and rebuilt.
    return connect(path, timeout=5, pragmas=["PRAGMA synchronous = OFF"])
