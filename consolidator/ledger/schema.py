"""The ledger file: created, migrated, and set aside when damaged — never trusted blindly,
never fatal.

The ledger is one SQLite file (stdlib ``sqlite3``, default ``output/ledger.sqlite3``) that
outlives runs and tool versions. Its schema is a list of migrations; the table
``schema_version`` holds one row per migration applied, so a ledger written by an older
version is brought up to date when opened, and later issues add their tables the same way
(append a migration, never edit one that has shipped).

:func:`open_ledger` never raises for a bad file: a file that is not a database, fails
SQLite's quick check or lacks our version table is renamed aside
(``ledger.damaged-<日時>.sqlite3``) and a new ledger is started; a ledger of a newer tool
version is left as it is and the run goes on with a ledger in memory. Each case is a finding
for the run's log.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import datetime
from pathlib import Path

from consolidator.atomic import set_aside
from consolidator.findings import Finding, make
from consolidator.sqlite_state import connect as connect_file
from consolidator.sqlite_state import transaction

LEDGER_NAME = "ledger.sqlite3"

# Each migration is one SQL script; version N is the state after the first N scripts.
MIGRATIONS: tuple[str, ...] = (
    # 1: every file seen, and every run with what it decided about each file.
    """
    CREATE TABLE files (
        id INTEGER PRIMARY KEY,
        sha256 TEXT NOT NULL UNIQUE,
        size INTEGER NOT NULL,
        department TEXT,              -- the department the file claims (its identity)
        year INTEGER,                 -- the fiscal year it claims
        saved_at TEXT,                -- its saved time (document property "modified")
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        status TEXT NOT NULL,         -- used / superseded / rejected
        superseded_by INTEGER REFERENCES files(id)
    );
    CREATE INDEX files_department ON files(department, year);
    CREATE TABLE file_names (
        file_id INTEGER NOT NULL REFERENCES files(id),
        name TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        PRIMARY KEY (file_id, name)
    );
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        command TEXT NOT NULL,        -- validate / consolidate
        started_at TEXT NOT NULL,
        year INTEGER NOT NULL,
        folder TEXT NOT NULL,
        files INTEGER NOT NULL,
        errors INTEGER NOT NULL,
        warnings INTEGER NOT NULL,
        infos INTEGER NOT NULL,
        missing_values INTEGER NOT NULL
    );
    CREATE TABLE run_files (
        run_id INTEGER NOT NULL REFERENCES runs(id),
        name TEXT NOT NULL,
        file_id INTEGER NOT NULL REFERENCES files(id),
        department TEXT,
        status TEXT NOT NULL,
        superseded_by INTEGER REFERENCES files(id),
        errors INTEGER NOT NULL,
        warnings INTEGER NOT NULL,
        infos INTEGER NOT NULL,
        PRIMARY KEY (run_id, name)
    );
    """,
    # 2: the correction loop — what each file held, each run's findings, accepted warnings.
    """
    ALTER TABLE runs ADD COLUMN accepted INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE run_files ADD COLUMN accepted INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE file_fields (
        file_id INTEGER NOT NULL REFERENCES files(id),
        field_id TEXT NOT NULL,
        value TEXT,                   -- JSON of the cell's value as read (null = blank)
        PRIMARY KEY (file_id, field_id)
    );
    CREATE TABLE run_findings (
        run_id INTEGER NOT NULL REFERENCES runs(id),
        file_id INTEGER REFERENCES files(id),
        code TEXT NOT NULL,
        severity TEXT NOT NULL,
        department TEXT NOT NULL DEFAULT '',
        subject TEXT NOT NULL DEFAULT '',  -- the field, or sheet!cell, or the file
        value TEXT NOT NULL DEFAULT '',
        sheet TEXT,
        cell TEXT,
        accepted INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX run_findings_run ON run_findings(run_id);
    CREATE TABLE acceptances (
        id INTEGER PRIMARY KEY,
        code TEXT NOT NULL,
        department TEXT NOT NULL,
        subject TEXT NOT NULL,
        value TEXT NOT NULL,
        accepted_by TEXT NOT NULL,
        accepted_at TEXT NOT NULL,
        reason TEXT NOT NULL,
        UNIQUE (code, department, subject, value)
    );
    """,
    # 3: reminders (consolidator remind) — when each department was asked again, and how.
    """
    CREATE TABLE reminders (
        id INTEGER PRIMARY KEY,
        department TEXT NOT NULL,
        year INTEGER NOT NULL,
        kind TEXT NOT NULL,           -- missing (nothing sent) / fix (its file has errors)
        reminded_at TEXT NOT NULL,
        deadline TEXT NOT NULL DEFAULT '',
        draft TEXT NOT NULL DEFAULT ''  -- the draft's file name
    );
    CREATE INDEX reminders_department ON reminders(department, year);
    """,
    # 4: an acceptance holds for the fiscal year it was given in, and is never rewritten in
    # place: a replaced one is kept in acceptance_history. The acceptances of version 3 had
    # no year: each gets the year of the latest run, made before it was accepted, that had
    # the warning (accept checks the warning against the latest run, so that is the year it
    # was accepted for); else of the latest run before it; else of the latest run at all.
    # SQLite cannot change a UNIQUE constraint, so the table is copied into a new one.
    """
    CREATE TABLE acceptances_v4 (
        id INTEGER PRIMARY KEY,
        year INTEGER NOT NULL,        -- the fiscal year of the run the warning was found in
        code TEXT NOT NULL,
        department TEXT NOT NULL,
        subject TEXT NOT NULL,
        value TEXT NOT NULL,
        accepted_by TEXT NOT NULL,
        accepted_at TEXT NOT NULL,
        reason TEXT NOT NULL,
        UNIQUE (year, code, department, subject, value)
    );
    INSERT INTO acceptances_v4 (id, year, code, department, subject, value, accepted_by,
                                accepted_at, reason)
        SELECT a.id, COALESCE(
            (SELECT r.year FROM run_findings f JOIN runs r ON r.id = f.run_id
              WHERE f.code = a.code AND f.department = a.department AND f.subject = a.subject
                AND f.value = a.value AND r.started_at <= a.accepted_at
              ORDER BY r.id DESC LIMIT 1),
            (SELECT r.year FROM runs r WHERE r.started_at <= a.accepted_at
              ORDER BY r.id DESC LIMIT 1),
            (SELECT r.year FROM runs r ORDER BY r.id DESC LIMIT 1), 0),
            a.code, a.department, a.subject, a.value, a.accepted_by, a.accepted_at, a.reason
        FROM acceptances a;
    DROP TABLE acceptances;
    ALTER TABLE acceptances_v4 RENAME TO acceptances;
    CREATE TABLE acceptance_history (
        id INTEGER PRIMARY KEY,
        acceptance_id INTEGER NOT NULL,  -- the acceptance (row of acceptances) it was
        year INTEGER NOT NULL,
        code TEXT NOT NULL,
        department TEXT NOT NULL,
        subject TEXT NOT NULL,
        value TEXT NOT NULL,
        accepted_by TEXT NOT NULL,
        accepted_at TEXT NOT NULL,
        reason TEXT NOT NULL,
        replaced_by TEXT NOT NULL,     -- who replaced it (accept --replace), and when
        replaced_at TEXT NOT NULL
    );
    CREATE INDEX acceptance_history_acceptance ON acceptance_history(acceptance_id);
    """,
)
CURRENT_VERSION = len(MIGRATIONS)


class NewerLedger(sqlite3.DatabaseError):
    """The ledger was written by a newer version of the toolkit (a database error to those
    that only read it: ``status``, ``accept``)."""


def connect(path: Path | str) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit), foreign keys on. The
    caller closes it."""
    return connect_file(path, timeout=30, pragmas=["PRAGMA foreign_keys = ON"])


@contextmanager
def migrated(path: Path | str) -> Iterator[sqlite3.Connection]:
    """A connection to the ledger at ``path``, brought to the current schema version, for the
    block; closed at its end (also when it raises)."""
    with closing(connect(path)) as conn:
        migrate(conn)
        yield conn


def version_of(conn: sqlite3.Connection) -> int:
    """The schema version of an open ledger (0 for a new, empty database); raises
    :class:`sqlite3.DatabaseError` for a database that is not a ledger."""
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if "schema_version" not in tables:
        if tables:
            raise sqlite3.DatabaseError("not a ledger: tables without schema_version")
        return 0
    row = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def migrate(conn: sqlite3.Connection, upto: int = CURRENT_VERSION) -> int:
    """Apply the migrations the ledger has not had yet, up to version ``upto``, in one
    transaction; returns the version now. Raises :class:`NewerLedger` for a ledger of a newer
    version."""
    version = version_of(conn)
    if version > CURRENT_VERSION:
        raise NewerLedger(f"schema version {version} > {CURRENT_VERSION}")
    if version >= upto:
        return version
    with transaction(conn):
        conn.execute("CREATE TABLE IF NOT EXISTS schema_version ("
                     "version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)")
        for n in range(version + 1, upto + 1):
            for statement in _statements(MIGRATIONS[n - 1]):
                conn.execute(statement)
            conn.execute("INSERT INTO schema_version VALUES (?, ?)", (n, now()))
    return upto


def _statements(script: str) -> list[str]:
    """The statements of a migration (no semicolon inside our statements; comments dropped)."""
    lines = [line.split("--", 1)[0] for line in script.splitlines()]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


def now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def when(stamp: str | None) -> str:
    """A time the ledger keeps (:func:`now`) as a person reads it: 2023-05-20 14:03."""
    return (stamp or "")[:16].replace("T", " ")


def open_ledger(path: Path) -> tuple[sqlite3.Connection, list[Finding]]:
    """The ledger at ``path``, created or migrated; a damaged one set aside and a new one
    started, a newer one left alone (a ledger in memory instead). Returns the connection and
    the findings saying what happened (none when all is well)."""
    try:
        return _open(path), []
    except NewerLedger:
        return _memory(), [make("ledger-newer", file=str(path))]
    except sqlite3.DatabaseError as exc:  # not a database, corrupt, not a ledger
        damage = f"{type(exc).__name__}: {exc}"
    except OSError as exc:
        return _memory(), [make("ledger-unavailable", file=str(path), detail=str(exc))]
    try:
        aside = set_aside(path)
        return _open(path), [make("ledger-damaged", file=str(path), aside=aside.name,
                                  detail=damage)]
    except (OSError, sqlite3.DatabaseError, NewerLedger) as exc:
        return _memory(), [make("ledger-unavailable", file=str(path), detail=str(exc))]


def _open(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = connect(path)
    try:
        check = conn.execute("PRAGMA quick_check").fetchone()
        if check is None or check[0] != "ok":
            raise sqlite3.DatabaseError(f"quick_check: {check[0] if check else '?'}")
        migrate(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def _memory() -> sqlite3.Connection:
    conn = connect(":memory:")
    try:
        migrate(conn)
    except BaseException:
        conn.close()
        raise
    return conn
