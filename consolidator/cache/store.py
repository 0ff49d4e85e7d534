"""The result cache file: what each returned file gave when it was last checked, so a file
whose bytes did not change is not checked again.

One SQLite file (stdlib ``sqlite3``) in the output folder, ``.consolidator-cache.sqlite3``,
separate from the ledger (the ledger is history and is migrated; the cache is derived data
and is simply rebuilt). A row is one file's record (:mod:`consolidator.cache.codec`) under a
key made of

* the file's SHA-256 and its name in the folder (the findings name the file);
* the *context* of the run (:func:`context_of`): the catalog's content, the fiscal year, the
  limits, the tool's version, a fingerprint of the toolkit's and the cell reader's code
  (:func:`code_fingerprint`: any change to the rules, the reading or the safety checks is a
  change of their source, so no result checked by other code is reused; nothing to bump by
  hand), the message texts and the record format.

A file replaced by another with the same name has another SHA-256 and is checked again; an
entry of another catalog or tool version has another key and is never used.

Beside the rows of the files, one row (table ``folder``) holds the whole folder's result of
the last run that went through every file and could keep each one's result
(:mod:`consolidator.cache.folder`), under two keys: ``stats``, the context with every
file's name, size and time of last change and the files skipped (the ``listing``, also kept
alone: :mod:`consolidator.cache.listing`), and ``key``, that with
every file's SHA-256. A run whose files have the stored ``stats`` hashes them (a file
changed with the same size and time must still be seen) and, when ``key`` is the same too,
takes the whole result from that row: no file is looked up, no department's file chosen
again. Otherwise, in the same context, the row serves file by file: a file whose name and
SHA-256 it holds is taken from it (its row in ``results`` kept), the others are looked up
one by one as before (the SHA-256 already computed is used, no file is read twice), and a
department's files are chosen again. A folder row that does not decode is dropped with a
finding (``cache-folder-damaged``) and rebuilt; the run goes on file by file.

Never trusted, never fatal: a file that is not a SQLite database, another program's database
or one SQLite finds damaged is renamed aside (``.consolidator-cache.damaged-<time>.sqlite3``,
never deleted) and a new cache started; our own cache of another layout is deleted and
started again (the run is told either way, see :func:`open_cache`); a row whose checksum does
not match or whose record does not decode is ignored and the file checked again; any SQLite
error while the run goes on turns the cache off for the rest of the run. Rows no run touched
are removed at the end of each run, so the file holds exactly the folder's last results.
"""

from __future__ import annotations

import errno
import hashlib
import importlib.util
import json
import os
import sqlite3
from collections.abc import Mapping
from contextlib import ExitStack, closing, suppress
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path
from typing import Any

import consolidator
from consolidator.atomic import set_aside
from consolidator.cache.codec import FORMAT, Record, RecordDamaged, decode
from consolidator.findings import Finding, make
from consolidator.limits import Limits
from consolidator.sqlite_state import connect, transaction, why_not_ours
from consolidator.submission import Submission

CACHE_NAME = ".consolidator-cache.sqlite3"
APPLICATION_ID = 0x43524331  # "CRC1": PRAGMA application_id of our cache files
SCHEMA_VERSION = 2  # PRAGMA user_version: the layout below (1: without ``folder``)
_FOLDER_TABLE = """
CREATE TABLE folder (
    id INTEGER PRIMARY KEY CHECK (id = 1),  -- one row: the last complete run's
    context TEXT NOT NULL,     -- the run's context (see context_of)
    listing TEXT NOT NULL,     -- every file's name, size and times (consolidator.cache.listing)
    stats TEXT NOT NULL,       -- sha256(context, listing)
    key TEXT NOT NULL,         -- sha256(stats, every file's SHA-256)
    data BLOB NOT NULL,        -- the folder's result (consolidator.cache.folder)
    checksum BLOB NOT NULL     -- sha256(context, stats, key, data)
);
"""
_SCHEMA = _FOLDER_TABLE + """
CREATE TABLE results (
    key TEXT PRIMARY KEY,      -- sha256(context, file sha256, file name)
    head BLOB NOT NULL,        -- the record's head (JSON)
    body BLOB NOT NULL,        -- the record's body (compressed JSON)
    checksum BLOB NOT NULL,    -- sha256(key, head, body)
    run INTEGER NOT NULL       -- the last run that used or wrote the row
);
CREATE TABLE runs (id INTEGER PRIMARY KEY, started_at TEXT NOT NULL);
"""


def cache_path(out_dir: Path) -> Path:
    return out_dir / CACHE_NAME


def context_of(catalog_doc: Mapping[str, Any], year: int, limits: Limits,
               messages: Mapping[str, Any]) -> str:
    """What, besides a file's bytes and name, decides what checking it gives (see the module);
    a hash."""
    parts = {"catalog": catalog_doc, "year": year, "limits": asdict(limits),
             "tool": consolidator.__version__,
             "code": code_fingerprint(), "messages": messages, "format": FORMAT,
             "cache": SCHEMA_VERSION}
    text = json.dumps(parts, ensure_ascii=False, sort_keys=True, default=repr)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """The toolkit's source files (their bytes) and the installed cell reader's files (names,
    sizes, times), hashed: a few milliseconds. Empty parts where the sources are not files
    (a frozen application): the versions in the context then stand alone."""
    h = hashlib.sha256()
    root = Path(consolidator.__file__).parent
    for path in sorted(root.rglob("*.py")):
        try:
            h.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
        except OSError:
            continue
    spec = importlib.util.find_spec("python_calamine")
    if spec is not None and spec.origin:
        folder = Path(spec.origin).parent
        for path in sorted(folder.iterdir()):
            try:
                st = path.stat()
            except OSError:
                continue
            h.update(f"{path.name}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    return h.hexdigest()


class ResultCache:
    """The cache of one run (made by :func:`open_cache`): :meth:`get` a file's earlier result,
    :meth:`put` a new one, :meth:`close` at the end of the run. ``reuse`` False (``--no-cache``):
    nothing is read, every file is checked and stored again. The run is one transaction
    (``owned`` holds it and the connection: ended, the transaction is committed or rolled
    back and the connection closed)."""

    def __init__(self, conn: sqlite3.Connection | None, context: str, reuse: bool,
                 path: Path | None = None, owned: ExitStack | None = None) -> None:
        self.conn = conn
        self._owned = owned if owned is not None else ExitStack()
        self.path = path
        self.context = context
        self.reuse = reuse
        self.run = 0
        self.findings: list[Finding] = []
        self.hits = self.misses = 0
        self._folder_hit = False  # the whole result came from the folder's row
        self._folder_stored = False  # this run stored the folder's row
        self._kept: list[str] = []  # keys of files' rows taken from the folder's row

    def folder_stats(self, listing: str) -> str:
        """The first key of the folder's row: the context with the folder's ``listing``
        (:func:`~consolidator.cache.listing.listing_digest`)."""
        return hashlib.sha256(f"{self.context}\0{listing}".encode()).hexdigest()

    @staticmethod
    def folder_key(stats: str, digests: list[str]) -> str:
        """The second key: ``stats`` with every file's SHA-256 (in the folder's order)."""
        return hashlib.sha256("\0".join([stats, *digests]).encode()).hexdigest()

    def stored_folder(self) -> tuple[str, str, bytes] | None:
        """(stats, key, data) of the folder's row when it was stored in this run's context;
        None when there is none, when nothing is to be reused, or when its checksum does not
        match (the row is then dropped with a finding, :meth:`folder_damaged`)."""
        if self.conn is None or not self.reuse:
            return None
        try:
            row = self.conn.execute("SELECT context, stats, key, data, checksum FROM folder"
                                    ).fetchone()
        except sqlite3.Error as exc:
            self._give_up(exc)
            return None
        if row is None or row[0] != self.context.encode():
            return None  # (text comes back as bytes: see _connect)
        if not all(isinstance(v, bytes) for v in row):
            self.folder_damaged("types")
            return None
        stats, key = (v.decode("utf-8", "replace") for v in row[1:3])
        if _checksum(self._folder_sum(stats, key), b"", row[3]) != row[4]:
            self.folder_damaged("checksum")
            return None
        return stats, key, row[3]

    def _folder_sum(self, stats: str, key: str) -> str:
        return f"{self.context}\0{stats}\0{key}"

    def keep(self, sha256: str, name: str) -> None:
        """A file's result was taken from the folder's row: it counts as reused, and its own
        row is kept as this run's."""
        self.hits += 1
        self._kept.append(self._key(sha256, name))

    def folder_damaged(self, detail: str) -> None:
        """The folder's row is not what a run wrote: dropped (this run stores its own), said."""
        self.findings.append(make("cache-folder-damaged", file=CACHE_NAME, detail=detail))
        self._forget_folder()

    def folder_reused(self, files: int) -> None:
        """The whole result was taken from the folder's row: every file counts as reused, and
        the files' rows, not looked up, are all kept."""
        self.hits += files
        self._folder_hit = True

    def put_folder(self, listing: str, stats: str, key: str, data: bytes) -> None:
        """Keep ``data`` as the folder's result under ``stats`` and ``key`` (and the
        ``listing`` they were made from)."""
        if self.conn is None:
            return
        try:
            self.conn.execute("INSERT OR REPLACE INTO folder"
                              " (id, context, listing, stats, key, data, checksum)"
                              " VALUES (1, ?, ?, ?, ?, ?, ?)",
                              (self.context, listing, stats, key, data,
                               _checksum(self._folder_sum(stats, key), b"", data)))
            self._folder_stored = True
        except sqlite3.Error as exc:
            self._give_up(exc)

    def _forget_folder(self) -> None:
        if self.conn is None:
            return
        try:
            self.conn.execute("DELETE FROM folder")
        except sqlite3.Error as exc:
            self._give_up(exc)

    def _key(self, sha256: str, name: str) -> str:
        return hashlib.sha256(f"{self.context}\0{sha256}\0{name}".encode()).hexdigest()

    def get(self, sha256: str, name: str) -> Submission | None:
        """The result stored for these bytes under this name in this context, or None."""
        if self.conn is None or not self.reuse or not sha256:
            self.misses += 1
            return None
        key = self._key(sha256, name)
        try:
            row = self.conn.execute("SELECT head, body, checksum FROM results WHERE key = ?",
                                    (key,)).fetchone()
            if (row is None or not all(isinstance(v, bytes) for v in row)
                    or _checksum(key, row[0], row[1]) != row[2]):
                self.misses += 1
                return None
            sub = decode(Record(row[0], row[1]))
            if sub.sha256 != sha256 or sub.file != name:
                raise RecordDamaged("not this file")
            self.conn.execute("UPDATE results SET run = ? WHERE key = ?", (self.run, key))
        except RecordDamaged:
            self.misses += 1
            return None
        except sqlite3.Error as exc:
            self._give_up(exc)
            self.misses += 1
            return None
        self.hits += 1
        return sub

    def put(self, sha256: str, name: str, record: Record) -> None:
        if self.conn is None or not sha256:
            return
        key = self._key(sha256, name)
        try:
            self.conn.execute(
                "INSERT OR REPLACE INTO results (key, head, body, checksum, run)"
                " VALUES (?, ?, ?, ?, ?)",
                (key, record.head, record.body, _checksum(key, record.head, record.body),
                 self.run))
        except sqlite3.Error as exc:
            self._give_up(exc)

    def close(self, *, complete: bool = True) -> None:
        """Keep what this run stored; when the run went through the whole folder
        (``complete``), forget the rows it did not touch (files gone or changed, other
        contexts). A run stopped half-way forgets nothing."""
        if self.conn is None:
            return
        try:
            if self._folder_hit:  # no file looked up: every file's row is still the folder's
                self.conn.execute("DELETE FROM runs WHERE id != ?", (self.run,))
            elif complete:
                self.conn.executemany("UPDATE results SET run = ? WHERE key = ?",
                                      [(self.run, key) for key in self._kept])
                self.conn.execute("DELETE FROM results WHERE run != ?", (self.run,))
                self.conn.execute("DELETE FROM runs WHERE id != ?", (self.run,))
                if not self._folder_stored:  # a file's result could not be kept
                    self.conn.execute("DELETE FROM folder")
        except sqlite3.Error as exc:
            self._give_up(exc)
            return
        self.conn = None
        try:
            self._owned.close()  # COMMIT (ROLLBACK when it fails), then the connection closed
        except sqlite3.Error as exc:
            self._give_up(exc)

    def _give_up(self, exc: sqlite3.Error) -> None:
        """An error while the run goes on: no cache for the rest of the run, nothing of this
        run kept in it. A file SQLite finds damaged is removed (the next run starts a new
        one); a full disk or a lock leaves it as it is."""
        self.findings.append(make("cache-unavailable", file=CACHE_NAME,
                                  detail=f"{type(exc).__name__}: {exc}"))
        self.conn = None
        _abandon(self._owned, exc)
        if self.path is not None and not isinstance(exc, sqlite3.OperationalError):
            try:
                os.remove(self.path)
            except OSError:
                pass


def _abandon(owned: ExitStack, exc: sqlite3.Error) -> None:
    """End the run's transaction and connection after ``exc``: ROLLBACK, then the connection
    closed (a further SQLite error on the way is dropped: ``exc`` says what went wrong)."""
    with suppress(sqlite3.Error):
        owned.__exit__(type(exc), exc, exc.__traceback__)


def _checksum(key: str, head: bytes, body: bytes) -> bytes:
    h = hashlib.sha256(key.encode())
    h.update(b"\0%d\0" % len(head))
    h.update(head)
    h.update(body)
    return h.digest()


def open_cache(path: Path, context: str, *, reuse: bool = True) -> ResultCache:
    """The cache at ``path`` for a run in ``context``, begun (one transaction for the run).
    A file that is damaged or not our cache is renamed aside (``cache-set-aside``), our own
    cache of another layout deleted (``cache-rebuilt``), and a new one started, with that
    information finding in :attr:`ResultCache.findings`; when no file can be used at all
    (no room, no permission) the run goes on without one (``cache-unavailable``). Never
    raises for what the file holds."""
    findings: list[Finding] = []
    conn = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        pass  # said below, when the file cannot be opened
    if path.exists():
        conn, why, older = _open_ours(path)
        if conn is None:
            try:
                if older:  # our own cache, of another layout: derived data, nothing to keep
                    os.remove(path)
                    findings.append(make("cache-rebuilt", file=path.name, detail=why))
                elif not path.is_file():  # a folder in its place: left alone, said below
                    raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
                else:  # damaged, or not ours: kept aside, never deleted
                    aside = set_aside(path)
                    findings.append(make("cache-set-aside", file=path.name, aside=aside.name,
                                         detail=why))
            except OSError as exc:
                findings.append(make("cache-unavailable", file=path.name,
                                     detail=f"{why}; {type(exc).__name__}: {exc}"))
                return _without(context, reuse, findings)
    owned = ExitStack()
    try:
        if conn is None:
            conn = _create(path)
        owned.enter_context(closing(conn))
        owned.enter_context(transaction(conn, "DEFERRED"))
        run = int(conn.execute("INSERT INTO runs (started_at) VALUES (datetime('now'))"
                               ).lastrowid or 0)
    except sqlite3.Error as exc:
        _abandon(owned, exc)
        findings.append(make("cache-unavailable", file=path.name,
                             detail=f"{type(exc).__name__}: {exc}"))
        return _without(context, reuse, findings)
    cache = ResultCache(conn, context, reuse, path, owned)
    cache.run = run
    cache.findings.extend(findings)
    return cache


def _open_ours(path: Path) -> tuple[sqlite3.Connection | None, str, bool]:
    """A connection to ``path`` if it is our cache of this layout, else (None, why not,
    whether it is our cache of another layout)."""
    try:
        conn = _connect(path)
    except sqlite3.Error as exc:
        return None, f"{type(exc).__name__}: {exc}", False
    try:
        why, older = why_not_ours(conn, APPLICATION_ID, SCHEMA_VERSION, [
            "SELECT key, head, body, checksum, run FROM results LIMIT 1",
            "SELECT id, started_at FROM runs LIMIT 1",
            "SELECT id, context, listing, stats, key, data, checksum FROM folder LIMIT 1"])
        if not why:
            return conn, "", False
    except sqlite3.Error as exc:
        why, older = f"{type(exc).__name__}: {exc}", False
    conn.close()
    return None, why, older


def _connect(path: Path | str) -> sqlite3.Connection:
    """A connection to ``path`` (closed again when even the first statement fails: a file
    that is not a database)."""
    # Derived data: a torn write after a power cut is caught by the checks above and rebuilt.
    conn = connect(path, timeout=5, pragmas=["PRAGMA synchronous = OFF"])
    conn.text_factory = bytes  # a column rewritten as text comes back as bytes, not an error
    return conn


def _create(path: Path | str) -> sqlite3.Connection:
    conn = _connect(path)
    try:
        conn.executescript(_SCHEMA)
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    except sqlite3.Error:
        conn.close()
        raise
    return conn


def _without(context: str, reuse: bool, findings: list[Finding]) -> ResultCache:
    """No cache file for this run: every file is checked, nothing is stored."""
    cache = ResultCache(None, context, reuse)
    cache.findings.extend(findings)
    return cache
