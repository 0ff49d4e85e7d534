"""consolidator.sqlite_state: the one transaction helper of the ledger and the cache, and
connections closed also when opening fails. (That every connection a test opens is closed is
checked for every test by conftest's ``sqlite_connections_closed``.)"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from consolidator.cache.store import open_cache
from consolidator.ledger.schema import open_ledger
from consolidator.sqlite_state import connect, transaction
from helpers.connections import ConnectionWatch


def _table(path: Path) -> sqlite3.Connection:
    conn = connect(path, timeout=1, pragmas=["PRAGMA foreign_keys = ON"])
    conn.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
    conn.execute("CREATE TABLE child (parent INTEGER REFERENCES parent (id)"
                 " DEFERRABLE INITIALLY DEFERRED)")
    return conn


def _count(conn: sqlite3.Connection, table: str) -> int:
    return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def test_a_transaction_commits_or_rolls_back(tmp_path: Path) -> None:
    with closing(_table(tmp_path / "t.sqlite3")) as conn:
        with transaction(conn):
            conn.execute("INSERT INTO parent VALUES (1)")
        assert _count(conn, "parent") == 1 and not conn.in_transaction
        with pytest.raises(KeyError), transaction(conn):
            conn.execute("INSERT INTO parent VALUES (2)")
            raise KeyError("stopped half-way")
        assert _count(conn, "parent") == 1 and not conn.in_transaction
        # COMMIT itself fails (a deferred foreign key): rolled back, the error goes on
        with pytest.raises(sqlite3.IntegrityError), transaction(conn, "DEFERRED"):
            conn.execute("INSERT INTO parent VALUES (3)")
            conn.execute("INSERT INTO child VALUES (99)")
        assert not conn.in_transaction
        assert (_count(conn, "parent"), _count(conn, "child")) == (1, 0)


def test_a_file_that_is_not_a_database_is_not_left_open(
        tmp_path: Path, sqlite_connections_closed: ConnectionWatch) -> None:
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"not a database " * 100)
    with pytest.raises(sqlite3.DatabaseError):  # at the first statement, not at connect
        connect(garbage, timeout=1, pragmas=["PRAGMA synchronous = OFF"])
    assert len(sqlite_connections_closed.opened) == 1
    assert sqlite_connections_closed.left_open() == []


def test_damaged_files_are_set_aside_with_every_connection_closed(
        tmp_path: Path, sqlite_connections_closed: ConnectionWatch) -> None:
    """The cache and the ledger, each a file SQLite cannot use: set aside (on Windows only
    possible once no connection holds it) and started again."""
    cache_file, ledger_file = tmp_path / "cache.sqlite3", tmp_path / "ledger.sqlite3"
    cache_file.write_bytes(b"not a database " * 100)
    ledger_file.write_bytes(b"not a database " * 100)
    cache = open_cache(cache_file, "context")
    cache.close()
    conn, found = open_ledger(ledger_file)
    conn.close()
    assert [f.code for f in cache.findings] == ["cache-set-aside"]
    assert [f.code for f in found] == ["ledger-damaged"]
    assert len(list(tmp_path.glob("*.damaged-*.sqlite3"))) == 2
    assert sqlite_connections_closed.left_open() == []


def test_a_transaction_inside_another_is_a_savepoint_kept_only_with_the_outer(
        tmp_path: Path) -> None:
    with closing(_table(tmp_path / "state.sqlite3")) as conn:
        with transaction(conn):
            with transaction(conn):  # was: "cannot start a transaction within a transaction"
                conn.execute("INSERT INTO parent VALUES (1)")
            with pytest.raises(ZeroDivisionError), transaction(conn):
                conn.execute("INSERT INTO parent VALUES (2)")
                raise ZeroDivisionError
            assert conn.in_transaction  # the inner failure undid only its own block
        assert [r[0] for r in conn.execute("SELECT id FROM parent")] == [1]
        with pytest.raises(ZeroDivisionError), transaction(conn):
            with transaction(conn):
                conn.execute("INSERT INTO parent VALUES (3)")
            raise ZeroDivisionError
        assert [r[0] for r in conn.execute("SELECT id FROM parent")] == [1]  # 3 undone
