"""Issue 12: the ledger of every file — recorded once per file, migrated from an older schema,
set aside when damaged (the run goes on and says so), left alone when newer."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from click.testing import CliRunner

from consolidator.cli import main
from consolidator.jobs.runs import run_validate
from consolidator.ledger.schema import CURRENT_VERSION, connect, migrate
from consolidator.plan.catalog import Catalog
from helpers.correction import log_findings
from helpers.filling import realistic_values, submit_all
from helpers.paths import MINI_PLAN

YEAR = 2022


def _submit(templates: dict[str, Path], catalog: Catalog, folder: Path,
            overrides: dict[str, dict[str, object]] | None = None) -> dict[str, Path]:
    return submit_all(templates, folder, overrides or {},
                      values=lambda d, t: realistic_values(t, catalog, YEAR))


def _rows(ledger: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(ledger)
    try:
        return list(conn.execute(sql))
    finally:
        conn.close()


def test_every_file_once_every_run_once(tmp_path: Path, mini_templates: dict[str, Path],
                                        mini_catalog: Catalog) -> None:
    files = _submit(mini_templates, mini_catalog, tmp_path / "s",
                    {"高齢福祉課": {"1-1-1-c1.value": "約10"}})
    (tmp_path / "s" / "控え.xlsx").write_bytes(files["高齢福祉課"].read_bytes())  # same bytes
    ledger = tmp_path / "ledger.sqlite3"
    for _ in range(2):
        job = run_validate(tmp_path / "s", mini_catalog, YEAR, tmp_path / "out", ledger=ledger)
    assert not (tmp_path / "out" / "ledger.sqlite3").exists()  # --ledger chose another place
    recorded = _rows(ledger, "SELECT sha256, size, department, year, saved_at, status"
                             " FROM files ORDER BY department")
    expected = sorted((hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_size, d, YEAR,
                       s.modified, "used")
                      for d, p in files.items()
                      for s in job.validation.submissions if s.file == p.name)
    assert sorted(recorded) == expected  # 3 files: the copy is the same file under a 2nd name
    names = _rows(ledger, "SELECT name FROM file_names ORDER BY name")
    assert [n for (n,) in names] == sorted([*(p.name for p in files.values()), "控え.xlsx"])
    assert _rows(ledger, "SELECT COUNT(*), SUM(files) FROM runs") == [(2, 8)]
    per_file = _rows(ledger, "SELECT name, status, errors, warnings FROM run_files"
                             " WHERE run_id = 2 ORDER BY name")
    errors = {f["file"]: 0 for f in log_findings(tmp_path / "out")}
    for f in log_findings(tmp_path / "out"):
        errors[f["file"]] += f["severity"] == "error"
    assert [(n, e) for n, _, e, _ in per_file] == [(n, errors.get(n, 0)) for n, *_ in per_file]
    twins = sorted(s for n, s, *_ in per_file if n in ("控え.xlsx", files["高齢福祉課"].name))
    assert twins == ["superseded", "used"]  # one of the two names is used, the same file
    assert _rows(ledger, "SELECT MAX(version) FROM schema_version") == [(CURRENT_VERSION,)]


def test_a_ledger_of_an_older_schema_is_brought_up_to_date(
        tmp_path: Path, mini_templates: dict[str, Path], mini_catalog: Catalog) -> None:
    """A ledger written at schema version 1 (files and runs only) keeps what it holds and
    gains the later tables; its used file is superseded by the one sent now."""
    ledger = tmp_path / "old.sqlite3"
    conn = connect(ledger)
    assert migrate(conn, upto=1) == 1
    conn.execute("INSERT INTO files (sha256, size, department, year, first_seen, last_seen,"
                 " status) VALUES ('0' , 10, '高齢福祉課', 2022, '2023-05-01T10:00:00+09:00',"
                 " '2023-05-01T10:00:00+09:00', 'used')")
    conn.execute("INSERT INTO file_names VALUES (1, '高齢福祉課_第1版.xlsx', '2023-05-01')")
    conn.close()
    _submit(mini_templates, mini_catalog, tmp_path / "s")
    job = run_validate(tmp_path / "s", mini_catalog, YEAR, tmp_path / "out", ledger=ledger)
    assert _rows(ledger, "SELECT version FROM schema_version ORDER BY version") == [
        (v,) for v in range(1, CURRENT_VERSION + 1)]
    old = _rows(ledger, "SELECT status, superseded_by FROM files WHERE sha256 = '0'")
    new_id = _rows(ledger, "SELECT id FROM files WHERE department = '高齢福祉課' AND status ="
                           " 'used'")
    assert old == [("superseded", new_id[0][0])]
    (note,) = [f for f in job.validation.findings if f.code == "resubmission-used"]
    assert "高齢福祉課_第1版.xlsx" in note.message and "2023-05-01" in note.message
    row = job.validation.department_rows()[2]
    assert row["superseded"] == ["高齢福祉課_第1版.xlsx(2023-05-01)"]


def test_a_corrupt_ledger_does_not_stop_consolidate(tmp_path: Path,
                                                    mini_templates: dict[str, Path],
                                                    mini_catalog: Catalog) -> None:
    _submit(mini_templates, mini_catalog, tmp_path / "s")
    out = tmp_path / "out"
    out.mkdir()
    garbage = b"SQLite format 3\x00" + bytes(range(256)) * 8  # a header, then nonsense
    (out / "ledger.sqlite3").write_bytes(garbage)
    result = CliRunner().invoke(main, ["consolidate", str(tmp_path / "s"), "--plan",
                                       str(MINI_PLAN), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "master_2022.xlsx").is_file()
    (aside,) = out.glob("ledger.damaged-*.sqlite3")
    assert aside.read_bytes() == garbage  # kept as it was, for whoever looks into it
    assert _rows(out / "ledger.sqlite3", "SELECT COUNT(*) FROM runs") == [(1,)]
    (logged,) = [f for f in log_findings(out) if f["code"] == "ledger-damaged"]
    assert aside.name in logged["message"]
    assert "提出台帳" in result.output and aside.name in result.output


def test_a_database_that_is_not_a_ledger_is_set_aside(tmp_path: Path,
                                                      mini_templates: dict[str, Path],
                                                      mini_catalog: Catalog) -> None:
    _submit(mini_templates, mini_catalog, tmp_path / "s")
    other = tmp_path / "ledger.sqlite3"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE 名簿 (氏名 TEXT)")
    conn.commit()
    conn.close()
    job = run_validate(tmp_path / "s", mini_catalog, YEAR, tmp_path / "out", ledger=other)
    assert [f.code for f in job.validation.findings if f.code.startswith("ledger")] == [
        "ledger-damaged"]
    (aside,) = tmp_path.glob("ledger.damaged-*.sqlite3")
    assert _rows(aside, "SELECT name FROM sqlite_master") == [("名簿",)]


def test_a_ledger_of_a_newer_version_is_left_alone(tmp_path: Path,
                                                   mini_templates: dict[str, Path],
                                                   mini_catalog: Catalog) -> None:
    _submit(mini_templates, mini_catalog, tmp_path / "s")
    ledger = tmp_path / "ledger.sqlite3"
    conn = connect(ledger)
    migrate(conn)
    conn.execute("INSERT INTO schema_version VALUES (?, 'later')", (CURRENT_VERSION + 5,))
    conn.close()
    before = ledger.read_bytes()
    job = run_validate(tmp_path / "s", mini_catalog, YEAR, tmp_path / "out", ledger=ledger)
    assert [f.code for f in job.validation.findings if f.code.startswith("ledger")] == [
        "ledger-newer"]
    assert ledger.read_bytes() == before
    assert job.validation.valid


class _Counting:
    """A ledger connection that counts the statements it is given (``executemany`` once)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn, self.statements = conn, 0

    def execute(self, *args: object) -> sqlite3.Cursor:
        self.statements += 1
        return self.conn.execute(*args)  # type: ignore[arg-type]

    def executemany(self, *args: object) -> sqlite3.Cursor:
        self.statements += 1
        return self.conn.executemany(*args)  # type: ignore[arg-type]

    def __getattr__(self, name: str) -> object:
        return getattr(self.conn, name)


def test_a_run_is_recorded_in_as_many_statements_for_many_files_as_for_few(
        tmp_path: Path, mini_templates: dict[str, Path], mini_catalog: Catalog) -> None:
    """Issue 27: the ledger's rows of a run (one per file) are written together, not one
    statement per file; a run of many copies of the files takes no more statements."""
    from consolidator.ledger.records import record_run
    from consolidator.ledger.schema import open_ledger

    files = _submit(mini_templates, mini_catalog, tmp_path / "s")
    counts = []
    for copies in (0, 12):
        for k in range(copies):
            for p in files.values():  # other bytes: each copy is a file of its own
                (tmp_path / "s" / f"{p.stem}_{k}.xlsx").write_bytes(p.read_bytes() + bytes(k + 1))
        job = run_validate(tmp_path / "s", mini_catalog, YEAR, tmp_path / f"out{copies}",
                           ledger=tmp_path / f"l{copies}.sqlite3")
        conn, _ = open_ledger(tmp_path / f"l{copies}.sqlite3")
        counting = _Counting(conn)
        record_run(counting, job.validation, tmp_path / "s", "validate", 0)  # type: ignore[arg-type]
        conn.close()
        counts.append(counting.statements)
        recorded = _rows(tmp_path / f"l{copies}.sqlite3",
                         "SELECT COUNT(*) FROM run_files WHERE run_id = 2")
        assert recorded == [(len(job.validation.submissions),)]
    assert counts[0] == counts[1]


def test_recording_a_run_holds_the_values_of_one_file_at_a_time(
        tmp_path: Path, mini_templates: dict[str, Path], mini_catalog: Catalog) -> None:
    """Issue 27: every usable file's values go into the ledger (``file_fields``) one file at
    a time, not as one list of every value of every file (at 10,000 files that list took
    85 MiB at once): the peak memory of recording a run grows with the number of files by
    what is kept of each file (its name, id, status), not by its values."""
    import tracemalloc

    from consolidator.checks.validation import validate_folder
    from consolidator.ledger.records import record_run
    from consolidator.ledger.schema import open_ledger

    files = _submit(mini_templates, mini_catalog, tmp_path / "s")
    peaks: dict[int, int] = {}
    rows: dict[int, int] = {}
    for copies in (3, 9):
        folder = tmp_path / f"s{copies}"
        folder.mkdir()
        for k in range(copies):
            for p in files.values():  # other bytes: each copy is a file of its own
                (folder / f"{p.stem}_{k}.xlsx").write_bytes(p.read_bytes() + bytes(k + 1))
        result = validate_folder(folder, mini_catalog, YEAR)
        n = len(result.submissions)
        rows[n] = sum(len(s.typed) for s in result.submissions if s.usable)
        conn, _ = open_ledger(tmp_path / f"l{copies}.sqlite3")
        tracemalloc.start()
        try:
            record_run(conn, result, folder, "validate", 0)
            peaks[n] = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
            conn.close()
        assert _rows(tmp_path / f"l{copies}.sqlite3", "SELECT COUNT(*) FROM file_fields") \
            == [(rows[n],)]
    (few, low), (many, high) = sorted(peaks.items())
    per_file = (high - low) / (many - few)
    values_per_file = (rows[many] - rows[few]) / (many - few)
    assert values_per_file >= 10  # the files hold values: a list of them all would show
    assert per_file < 1_000
