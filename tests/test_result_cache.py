"""Issue 16: a file whose bytes did not change since the last run is not checked again.

Real files through real runs: the mini plan's templates filled as departments would (one with
a value that is not a number, one with a date typed into a text, one sent twice, one as .ods,
and a file that is no workbook at all), consolidated once; then the same folder again with
the result cache and without it (``--no-cache``), from copies of the same output folder, so
the cache is the only difference. Every cell of every workbook written, the logs, next
year's catalog and the e-mail drafts must be the same. Then what must not be reused is not:
a value changed by one byte, another tool version, another catalog, other rules, a hostile
file put in place of a clean one under the same name; and a cache that is damaged or not
ours never stops a run.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import os
import shutil
import sqlite3
import sys
import zlib
from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import consolidator
from consolidator.cache import store
from consolidator.cache.codec import (
    NotRecordable,
    PackedSubmission,
    Record,
    RecordDamaged,
    decode,
    differing_fields,
    encode,
    pack,
    value_digests,
)
from consolidator.cache.listing import folder_unchanged
from consolidator.cache.store import CACHE_NAME, _checksum, cache_path, open_cache
from consolidator.checks import checked_files, validation
from consolidator.checks.validation import validate_folder, validate_reusing
from consolidator.cli import main
from consolidator.cli.app import PROGRESS_MIN, progress_bar
from consolidator.findings import ERROR, make
from consolidator.jobs.runs import JobResult, run_consolidate
from consolidator.limits import DEFAULT_LIMITS
from consolidator.plan.catalog import Catalog
from consolidator.submission import Entry, Identity, Submission
from consolidator.templates.generate import generate_templates
from helpers.filling import (
    by_department,
    complete_values,
    fields_of,
    fill_workbook,
    realistic_values,
)
from helpers.hostile_corpus import XXE, read_entries, write_zip
from helpers.master import master_actuals
from helpers.ods_files import fill_ods
from helpers.outputs import outputs_of

YEAR = 2022
CITY, ELDERLY, COUNCIL = "地域福祉課", "高齢福祉課", "市社協"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory, mini_catalog: Catalog,
           mini_templates: dict[str, Path]) -> Path:
    """The submissions: every mistake kind the cache must carry over (see the module)."""
    root = tmp_path_factory.mktemp("cache_folder")
    subs = root / "submissions"
    subs.mkdir()
    council = complete_values(mini_templates[COUNCIL])
    council[_first(mini_templates[COUNCIL], "value")] = "多数"  # not a number: an error
    council[_first(mini_templates[COUNCIL], "status")] = datetime(2023, 3, 31, 9, 30)
    fill_workbook(mini_templates[COUNCIL], subs / f"{COUNCIL}_提出.xlsx", council)
    city = complete_values(mini_templates[CITY])
    fill_workbook(mini_templates[CITY], subs / f"{CITY}_提出.xlsx", city)
    older = {**city, _first(mini_templates[CITY], "value"): 1}
    (subs / "古い版").mkdir()
    fill_workbook(mini_templates[CITY], subs / "古い版" / f"{CITY}_提出.xlsx", older)
    os.utime(subs / "古い版" / f"{CITY}_提出.xlsx", (1_600_000_000, 1_600_000_000))
    ods = by_department(generate_templates(mini_catalog, YEAR, root / "ods", fmt="ods"))
    fill_ods(ods[ELDERLY], subs / f"{ELDERLY}_提出.ods", complete_values(ods[ELDERLY]))
    (subs / "メモ.xlsx").write_text("これはブックではありません", "utf-8")
    return subs


def _first(template: Path, role: str) -> str:
    return next(fid for fid, row in fields_of(template).items() if row["role"] == role)


def _files(folder: Path) -> int:
    return sum(1 for p in folder.rglob("*") if p.is_file())


def _first_run(folder: Path, catalog: Catalog, out: Path) -> None:
    assert run_consolidate(folder, catalog, YEAR, out).validation.reused == 0


@pytest.fixture(scope="module")
def first_out(tmp_path_factory: pytest.TempPathFactory, folder: Path,
              mini_catalog: Catalog) -> Path:
    """The output folder of a first run on ``folder`` (ledger and cache included). Read
    only: a test runs again on its own copy (:func:`_copy_of`)."""
    out = tmp_path_factory.mktemp("first_run") / "out"
    _first_run(folder, mini_catalog, out)
    return out


@dataclass
class Cold:
    """A second run from a copy of the first run's folder, the cache not used (``--no-cache``):
    what a run with the cache must find and write."""

    job: JobResult
    outputs: dict[str, Any]


@pytest.fixture(scope="module")
def cold(tmp_path_factory: pytest.TempPathFactory, folder: Path, mini_catalog: Catalog,
         first_out: Path) -> Cold:
    out = _copy_of(first_out, tmp_path_factory.mktemp("cold"))
    job = run_consolidate(folder, mini_catalog, YEAR, out, reuse=False)
    assert job.validation.reused == 0
    return Cold(job, outputs_of(out))


def _copy_of(first_out: Path, tmp_path: Path) -> Path:
    """A copy of the first run's output folder for a test to run again in."""
    return Path(shutil.copytree(first_out, tmp_path / "again"))


# ---- reused, and the same -----------------------------------------------------------------

def test_a_warm_run_writes_exactly_what_a_cold_run_writes(tmp_path: Path, folder: Path,
                                                          mini_catalog: Catalog,
                                                          first_out: Path, cold: Cold) -> None:
    warm_out = _copy_of(first_out, tmp_path)
    warm = run_consolidate(folder, mini_catalog, YEAR, warm_out)
    assert warm.validation.reused == _files(folder)
    assert {f.code for f in warm.validation.findings} >= {
        "value-not-number", "duplicate-not-used", "file-not-workbook"}
    written = outputs_of(warm_out)
    assert {"master_2022.xlsx", "validation_log.xlsx", "validation_log.csv",
            "validation_log.jsonl", "plan_2023.json"} <= set(written)
    assert any(name.endswith(".eml") for name in written)
    assert written == cold.outputs
    assert [(s.file, s.sha256, s.used, s.entries, s.typed)
            for s in warm.validation.submissions] == [
        (s.file, s.sha256, s.used, s.entries, s.typed) for s in cold.job.validation.submissions]


@pytest.mark.slow
def test_the_default_plan_warm_as_cold(tmp_path: Path, default_catalog: Catalog,
                                       default_templates: dict[str, Path],
                                       default_ods_templates: dict[str, Path]) -> None:
    """The 17 departments of the default plan with realistic input (texts with line breaks,
    decimals, last year's values), 市社協 as .ods, one department twice: warm as cold."""
    year = default_catalog.report_year
    subs = tmp_path / "submissions"
    subs.mkdir()
    for department, template in default_templates.items():
        values = realistic_values(template, default_catalog, year)
        if department == COUNCIL:
            ods = default_ods_templates[COUNCIL]
            fill_ods(ods, subs / f"{COUNCIL}.ods", realistic_values(ods, default_catalog, year))
            continue
        fill_workbook(template, subs / f"{department}.xlsx", values)
    shutil.copy(subs / f"{CITY}.xlsx", subs / f"{CITY}(再送).xlsx")
    _first_run(subs, default_catalog, tmp_path / "first")
    for name in ("cold", "warm"):
        shutil.copytree(tmp_path / "first", tmp_path / name)
    cold = run_consolidate(subs, default_catalog, year, tmp_path / "cold", reuse=False)
    warm = run_consolidate(subs, default_catalog, year, tmp_path / "warm")
    assert (cold.validation.reused, warm.validation.reused) == (0, 18)
    assert outputs_of(tmp_path / "warm") == outputs_of(tmp_path / "cold")


def test_the_ledger_records_the_hash_computed_when_the_file_was_read(
        tmp_path: Path, folder: Path, mini_catalog: Catalog) -> None:
    run_consolidate(folder, mini_catalog, YEAR, tmp_path / "out")
    with closing(sqlite3.connect(tmp_path / "out" / "ledger.sqlite3")) as conn:
        recorded = {name: sha for name, sha in conn.execute(
            "SELECT n.name, f.sha256 FROM files f JOIN file_names n ON n.file_id = f.id")}
    assert recorded == {p.relative_to(folder).as_posix():
                        hashlib.sha256(p.read_bytes()).hexdigest()
                        for p in folder.rglob("*") if p.is_file()}


# ---- what must not be reused ------------------------------------------------------------------

def _with_value(src: Path, dst: Path, old: bytes, new: bytes) -> None:
    """``src`` with one cell value changed in the sheet XML (``<v>old</v>``), all else kept."""
    entries = read_entries(src)
    hits = [n for n, d in entries if n.startswith("xl/worksheets/") and old in d]
    assert len(hits) == 1, hits
    write_zip(dst, [(n, d.replace(old, new, 1) if n == hits[0] else d) for n, d in entries])


def test_a_value_changed_by_one_byte_is_read_again(tmp_path: Path, folder: Path,
                                                   mini_catalog: Catalog) -> None:
    subs = tmp_path / "subs"
    shutil.copytree(folder, subs, ignore=shutil.ignore_patterns("古い版"))  # one city file
    out = tmp_path / "out"
    _first_run(subs, mini_catalog, out)
    assert master_actuals(out / "master_2022.xlsx")["2-1-1-c1"] == 3
    city = subs / f"{CITY}_提出.xlsx"
    stat = city.stat()
    _with_value(city, tmp_path / "changed.xlsx", b"<v>3</v>", b"<v>4</v>")
    shutil.move(tmp_path / "changed.xlsx", city)
    os.utime(city, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same name, same file time
    job = run_consolidate(subs, mini_catalog, YEAR, out)
    assert job.validation.reused == _files(subs) - 1
    assert master_actuals(out / "master_2022.xlsx")["2-1-1-c1"] == 4


def _reused(folder: Path, catalog: Catalog, out: Path) -> int:
    return validate_reusing(folder, catalog, YEAR, cache_path(out)).reused


def test_an_entry_of_another_tool_version_catalog_or_rules_is_not_used(
        tmp_path: Path, folder: Path, mini_catalog: Catalog,
        monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    out.mkdir()
    n = _files(folder)
    assert _reused(folder, mini_catalog, out) == 0
    assert _reused(folder, mini_catalog, out) == n
    with monkeypatch.context() as m:
        m.setattr(consolidator, "__version__", "99.0.0")
        assert _reused(folder, mini_catalog, out) == 0
    assert _reused(folder, mini_catalog, out) == 0  # the other version's run replaced them
    assert _reused(folder, mini_catalog, out) == n
    doc = mini_catalog.doc
    other = Catalog({**doc, "departments": [{**d, "email": "x@city.example.jp"}
                                            for d in doc["departments"]]})
    assert other.content_hash == mini_catalog.content_hash  # same plan, other contact data
    assert _reused(folder, other, out) == 0
    assert _reused(folder, other, out) == n
    with monkeypatch.context() as m:
        m.setattr(store, "code_fingerprint", lambda: "the rules' code changed")
        assert _reused(folder, other, out) == 0


def test_a_file_replaced_by_a_hostile_one_is_checked_again(tmp_path: Path, folder: Path,
                                                           mini_catalog: Catalog) -> None:
    subs = tmp_path / "subs"
    shutil.copytree(folder, subs)
    out = tmp_path / "out"
    _first_run(subs, mini_catalog, out)
    city = subs / f"{CITY}_提出.xlsx"
    stat = city.stat()
    entries = read_entries(city)
    hostile = [(n, XXE + d[d.index(b"<cp:"):] if n == "docProps/core.xml" else d)
               for n, d in entries]
    write_zip(tmp_path / "hostile.xlsx", hostile)
    shutil.move(tmp_path / "hostile.xlsx", city)
    os.utime(city, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    job = run_consolidate(subs, mini_catalog, YEAR, out)
    assert job.validation.reused == _files(subs) - 1
    mine = [f for f in job.validation.findings if f.file == city.name]
    assert [(f.code, f.severity) for f in mine] == [("xml-doctype", ERROR)]
    assert job.validation.chosen[CITY].file == f"古い版/{CITY}_提出.xlsx"  # the other one


# ---- a cache that cannot be trusted -------------------------------------------------------------

def _garbage(path: Path) -> None:
    path.write_bytes(b"not a database " * 100)


def _truncated(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:1500])


def _foreign(path: Path) -> None:
    path.unlink()
    with closing(sqlite3.connect(path)) as conn, conn:  # closed, and committed first
        conn.execute("CREATE TABLE results (key TEXT, head BLOB)")


def _other_layout(path: Path) -> None:
    with closing(sqlite3.connect(path)) as conn, conn:  # closed, and committed first
        conn.execute("PRAGMA user_version = 99")


def _flipped_row(path: Path) -> None:
    with closing(sqlite3.connect(path)) as conn, conn:  # closed, and committed first
        conn.execute("UPDATE results SET body = X'00' || substr(body, 2)")
        conn.execute("DELETE FROM folder")  # the files' rows looked up (see test_folder_*)


def _forged_row(path: Path) -> None:
    """Rows rewritten with a matching checksum but a record that is not one."""
    with closing(sqlite3.connect(path)) as conn, conn:  # closed, and committed first
        for key, in conn.execute("SELECT key FROM results").fetchall():
            head, body = b'{"file": 1}', b"x"
            conn.execute("UPDATE results SET head = ?, body = ?, checksum = ? WHERE key = ?",
                         (head, body, _checksum(key, head, body), key))
        conn.execute("DELETE FROM folder")


@pytest.mark.parametrize("damage, said", [
    (_garbage, "cache-set-aside"), (_truncated, "cache-set-aside"),
    (_foreign, "cache-set-aside"), (_other_layout, "cache-rebuilt"),
    (_flipped_row, None), (_forged_row, None),
], ids=["garbage", "truncated", "foreign", "other-layout", "flipped-row", "forged-row"])
def test_a_damaged_or_foreign_cache_never_stops_a_run(tmp_path: Path, folder: Path,
                                                      mini_catalog: Catalog, first_out: Path,
                                                      cold: Cold, damage: Any,
                                                      said: str | None) -> None:
    damaged_out = _copy_of(first_out, tmp_path)
    damage(damaged_out / CACHE_NAME)
    damaged = (damaged_out / CACHE_NAME).read_bytes()
    job = run_consolidate(folder, mini_catalog, YEAR, damaged_out)
    assert job.validation.reused == 0
    extra = [f for f in job.validation.findings if f.code.startswith("cache-")]
    assert [f.code for f in extra] == ([said] if said else [])
    assert all(f.severity == "info" for f in extra)
    # a damaged or foreign file is kept aside as it was, never deleted; our own older one is
    aside = sorted(damaged_out.glob(".consolidator-cache.damaged-*.sqlite3"))
    if said == "cache-set-aside":
        assert [p.read_bytes() for p in aside] == [damaged]
        assert aside[0].name in extra[0].message and "残し" in extra[0].message
    else:
        assert aside == []
    if not said:
        assert outputs_of(damaged_out) == cold.outputs
    assert [f for f in job.validation.findings if f not in extra] == list(
        cold.job.validation.findings)
    again = run_consolidate(folder, mini_catalog, YEAR, damaged_out)
    assert again.validation.reused == _files(folder)  # rebuilt, and trusted again


def test_a_cache_that_cannot_be_written_is_said_and_the_run_goes_on(
        tmp_path: Path, folder: Path, mini_catalog: Catalog) -> None:
    out = tmp_path / "out"
    (out / CACHE_NAME).mkdir(parents=True)  # a folder where the file should be
    result = validate_reusing(folder, mini_catalog, YEAR, cache_path(out))
    assert [f.code for f in result.findings if f.code.startswith("cache-")] == [
        "cache-unavailable"]
    assert result.reused == 0 and len(result.submissions) == _files(folder)


def test_an_entry_is_only_found_in_its_own_context(tmp_path: Path) -> None:
    path = tmp_path / CACHE_NAME
    sub = Submission(file="a.xlsx", sha256="ab" * 32, size=3)
    cache = open_cache(path, "context-1")
    cache.put(sub.sha256, sub.file, encode(sub))
    cache.close()
    for context, name, found in (("context-2", "a.xlsx", False), ("context-1", "b.xlsx", False),
                                 ("context-1", "a.xlsx", True)):
        copy = tmp_path / context / name / CACHE_NAME  # a run forgets what it did not use
        copy.parent.mkdir(parents=True)
        shutil.copy(path, copy)
        cache = open_cache(copy, context)
        assert (cache.get(sub.sha256, name) is not None) is found, (context, name)
        cache.close()


# ---- the record ------------------------------------------------------------------------------

def _submission() -> Submission:
    values: dict[str, Any] = {"a": "実施しました。\n二行目", "b": 12, "c": 57.5, "d": True,
                              "e": None, "f": datetime(2023, 3, 31, 9, 30), "g": date(2023, 4, 1),
                              "h": time(8, 15), "i": timedelta(days=1, seconds=5), "j": -0.0,
                              "k": float("inf"), "l": 2**60}
    finding = make("value-not-number", file="x.xlsx", department=COUNCIL, sheet="活動指標",
                   cell="I4", field_id="1-1-1-s1.value", value="約十")
    return Submission(
        file="x.xlsx", department=COUNCIL,
        identity=Identity(COUNCIL, YEAR, "plan", "hash", "2", deadline="5月31日"),
        modified="2023-05-01T00:00:00Z", mtime=123.0,
        entries={k: Entry(k, v, "活動指標", "I4") for k, v in values.items() if v is not None},
        findings=[finding, make("file-macro", file="x.xlsx")], file_findings=1,
        typed=values, sha256="cd" * 32, size=1234)


def test_a_record_gives_back_the_submission() -> None:
    sub = _submission()
    back = decode(encode(sub))
    assert isinstance(back, PackedSubmission)
    assert back.unpacked() == Submission(**{**sub.__dict__, "mtime": 0.0})
    assert back.entries == sub.entries and back.typed == sub.typed
    assert [type(v) for v in back.typed.values()] == [type(v) for v in sub.typed.values()]
    assert back.entry_values() == {k: e.value for k, e in sub.entries.items()}


def test_a_value_a_record_cannot_hold_is_not_recorded() -> None:
    with pytest.raises(NotRecordable):
        encode(Submission(file="x.xlsx", typed={"a": object()}))
    with pytest.raises(NotRecordable):
        encode(Submission(file="x.xlsx", typed={"a": "\ud800"}))


_VARIANTS: list[dict[str, Any]] = [
    {}, {"a": None}, {"a": ""}, {"a": "  "}, {"a": "x"}, {"a": " x\r\n"}, {"a": "x\n"},
    {"a": 1}, {"a": 1.0}, {"a": "1"}, {"a": "1.0"}, {"a": True}, {"a": "True"}, {"a": 0.0},
    {"a": -0.0}, {"a": False}, {"a": datetime(2023, 3, 31)}, {"a": "2023-03-31 00:00:00"},
    {"a": 2**60}, {"a": float("inf")}, {"a": "x", "b": 2}, {"b": 2}, {"a": "\ud800"},
]


@pytest.mark.parametrize("before", _VARIANTS)
def test_the_digests_of_values_differ_exactly_where_the_values_do(before: dict[str, Any]) -> None:
    from consolidator.checks.changes import changed_fields

    for after in _VARIANTS:
        a, b = value_digests(before), value_digests(after)
        assert a is not None and b is not None
        assert differing_fields(a, b) == changed_fields(before, after), (before, after)
    assert value_digests({"a": float("nan")}) is None  # NaN equals nothing: compared in full


def test_an_unused_duplicate_is_compared_without_reading_a_body_back(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from consolidator.checks import validation

    def sub(name: str, modified: str, **values: Any) -> Submission:
        s = _submission()
        s.file, s.modified = name, modified
        s.entries = {k: Entry(k, v, "活動指標", "I4") for k, v in values.items()}
        back = decode(encode(s))
        back.mtime = 1.0
        return back

    subs = [sub("a.xlsx", "2023-05-01T00:00:00Z", x="1", y=2),
            sub("b.xlsx", "2023-05-02T00:00:00Z", x="1", y=3, z="new"),
            sub("c.xlsx", "2023-04-01T00:00:00Z", x=" 1", y=3.0, z="new")]
    expected = validation._duplicate_findings(list(subs), validation.choose(subs))
    assert [f.message for f in expected] == [
        make("duplicate-not-used", file=f, department=COUNCIL, used="b.xlsx", differ=n,
             differ_list=listed).message
        for f, n, listed in (("a.xlsx", 2, ":y、z"), ("c.xlsx", 0, ""))]

    def no_body(self: PackedSubmission) -> Any:
        raise AssertionError("a body read back")

    monkeypatch.setattr(PackedSubmission, "entries", property(no_body))
    monkeypatch.setattr(PackedSubmission, "entry_values", no_body)
    assert validation._duplicate_findings(subs, validation.choose(subs)) == expected
    assert isinstance(pack(subs[0]), PackedSubmission)


def _head(change: Any) -> Any:
    """A mutation of a record's head, as its JSON."""
    def mutate(r: Record) -> Record:
        head = json.loads(r.head)
        change(head)
        return Record(json.dumps(head).encode(), r.body)
    return mutate


@pytest.mark.parametrize("mutate", [
    lambda r: Record(r.head[:-1], r.body),
    lambda r: Record(b"[]", r.body),
    _head(lambda h: h.update(size="1234")),
    _head(lambda h: h.update(file_findings=9)),
    _head(lambda h: h["findings"][0].__setitem__(1, "fatal")),
    _head(lambda h: h["findings"][0].pop()),
    _head(lambda h: h.update(identity=[*h["identity"][:1], "2022", *h["identity"][2:]])),
    _head(lambda h: h.update(more=1)),
    _head(lambda h: h.update(digests="a\tnot-hex")),
    _head(lambda h: h.update(digests=["a", "0" * 16])),
    lambda r: Record(r.head, r.body[:-2]),
    lambda r: Record(r.head, b""),
], ids=["cut", "not-an-object", "size-type", "file-findings", "severity", "finding-short",
        "year-type", "unknown-key", "digests", "digests-type", "body-cut", "body-empty"])
def test_a_record_that_is_not_one_is_refused(mutate: Any) -> None:
    with pytest.raises(RecordDamaged):
        decode(mutate(encode(_submission())))


# ---- progress ---------------------------------------------------------------------------------

def test_progress_is_reported_file_by_file(tmp_path: Path, folder: Path,
                                           mini_catalog: Catalog) -> None:
    n = _files(folder)
    for cached in (False, True, True):  # without a cache, filling it, from it
        cache = open_cache(tmp_path / CACHE_NAME, "c") if cached else None
        calls: list[tuple[int, int]] = []
        validate_folder(folder, mini_catalog, YEAR, workers=1, cache=cache,
                        progress=lambda done, total, seen=calls: seen.append((done, total)))
        assert calls == [(i, n) for i in range(n + 1)]
        if cache is not None:
            cache.close()
    calls = []
    generate_templates(mini_catalog, YEAR, tmp_path / "t",
                       progress=lambda done, total: calls.append((done, total)))
    assert calls == [(0, 3), (1, 3), (2, 3), (3, 3)]


def test_no_cache_and_no_progress_bar_when_piped(tmp_path: Path, folder: Path) -> None:
    from helpers.paths import MINI_PLAN

    args = ["validate", str(folder), "--out", str(tmp_path / "out"), "--plan", str(MINI_PLAN),
            "--year", str(YEAR)]
    runs = [CliRunner().invoke(main, a) for a in (args, args, [*args, "--no-cache"])]
    assert [r.exit_code for r in runs] == [1, 1, 1], runs[0].output
    said = "前回の検証結果を使いました"
    assert [said in r.output for r in runs] == [False, True, False]
    assert all("ファイルを検証しています" not in r.output for r in runs)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("total", "terminal", "shown"), [
    (PROGRESS_MIN + 10, True, True), (PROGRESS_MIN, True, False),
    (PROGRESS_MIN + 10, False, False)])
def test_the_bar_shows_on_a_terminal_for_many_files(
        monkeypatch: pytest.MonkeyPatch, total: int, terminal: bool, shown: bool) -> None:
    err = _Terminal() if terminal else io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    with progress_bar("ファイルを検証しています") as update:
        for done in range(total + 1):
            update(done, total)
    said = err.getvalue()
    assert ("ファイルを検証しています" in said and f"{total}/{total}" in said) is shown
    assert said == "" or shown


# ---- the whole folder's result (issue 27) ---------------------------------------------------

@pytest.fixture
def looked_up(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One item per run that looked its files up one by one (did not reuse the folder's
    whole result)."""
    calls: list[int] = []
    real = checked_files.all_results

    def spy(*args: Any, **kwargs: Any) -> Any:
        if args[5] is not None:  # with a result cache (not a cold run to compare with)
            calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(checked_files, "all_results", spy)
    return calls


def _as_checked(result: Any) -> Any:
    """All a run takes from validating: every file as checked, the files used, the findings."""
    return ([(s.file, s.department, s.identity, s.modified, s.mtime, s.findings,
              s.file_findings, s.used, s.sha256, s.size, s.entries, s.typed)
             for s in result.submissions],
            {d: s.file for d, s in result.chosen.items()}, list(result.findings))


def _cold(folder: Path, catalog: Catalog, year: int = YEAR, limits: Any = None) -> Any:
    return validate_folder(folder, catalog, year, limits or DEFAULT_LIMITS, workers=1)


def test_the_folder_result_is_reused_when_nothing_changed(
        tmp_path: Path, folder: Path, mini_catalog: Catalog, looked_up: list[int],
        monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    first = validate_reusing(folder, mini_catalog, YEAR, cache_path(out))
    assert (first.reused, looked_up) == (0, [1])
    again = validate_reusing(folder, mini_catalog, YEAR, cache_path(out))
    assert (again.reused, looked_up) == (_files(folder), [1])  # no file looked up
    assert _as_checked(again) == _as_checked(first) == _as_checked(_cold(folder, mini_catalog))
    # the files' rows are kept while the folder's row is used: one file changed, the others
    # are still found
    _with_value(folder / f"{CITY}_提出.xlsx", tmp_path / "c.xlsx", b"<v>3</v>", b"<v>5</v>")
    subs = tmp_path / "subs"
    shutil.copytree(folder, subs)
    shutil.copy2(tmp_path / "c.xlsx", subs / f"{CITY}_提出.xlsx")
    gets: list[str] = []
    real_get = store.ResultCache.get

    def get(self: Any, sha256: str, name: str) -> Any:
        gets.append(name)
        return real_get(self, sha256, name)

    monkeypatch.setattr(store.ResultCache, "get", get)
    changed = validate_reusing(subs, mini_catalog, YEAR, cache_path(out))
    assert (changed.reused, looked_up) == (_files(subs) - 1, [1, 1])
    assert gets == [f"{CITY}_提出.xlsx"]  # the others taken from the folder's row
    assert _as_checked(changed) == _as_checked(_cold(subs, mini_catalog))
    # and their own rows kept: without the folder's row, every file is still found
    with closing(sqlite3.connect(cache_path(out))) as conn, conn:
        conn.execute("DELETE FROM folder")
    again = validate_reusing(subs, mini_catalog, YEAR, cache_path(out))
    assert (again.reused, len(gets)) == (_files(subs), 1 + _files(subs))


def _same_size_and_time(subs: Path) -> None:
    """One byte of a workbook's compressed data changed: same size, same file time."""
    city = subs / f"{CITY}_提出.xlsx"
    stat = city.stat()
    data = bytearray(city.read_bytes())
    data[len(data) // 3] ^= 0xFF
    city.write_bytes(bytes(data))
    os.utime(city, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert city.stat().st_size == stat.st_size


def _added(subs: Path) -> None:
    shutil.copy2(subs / f"{CITY}_提出.xlsx", subs / f"{CITY}_再提出.xlsx")


def _removed(subs: Path) -> None:
    shutil.rmtree(subs / "古い版")


def _renamed(subs: Path) -> None:
    (subs / f"{COUNCIL}_提出.xlsx").rename(subs / f"{COUNCIL}_提出2.xlsx")


def _touched(subs: Path) -> None:
    """Only the file time (which decides between two files of a department)."""
    os.utime(subs / "古い版" / f"{CITY}_提出.xlsx", (1_900_000_000, 1_900_000_000))


def _lock_file(subs: Path) -> None:
    (subs / f"~${CITY}_提出.xlsx").write_bytes(b"lock")


@pytest.mark.parametrize("change", [_same_size_and_time, _added, _removed, _renamed, _touched,
                                    _lock_file])
@pytest.mark.parametrize("ctime", [True, False], ids=["ctime", "no-ctime"])
def test_a_changed_folder_is_not_taken_whole(tmp_path: Path, folder: Path,
                                             mini_catalog: Catalog, looked_up: list[int],
                                             change: Any, ctime: bool,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """``no-ctime``: as on a file system whose status-change time says nothing (the listing
    then matches after a write that kept the size and the file time: the files' SHA-256
    must tell)."""
    if not ctime:
        real = validation.stamps_of

        def without_ctime(candidates: Any) -> Any:
            stamps = real(candidates)
            return stamps and {k: (*v[:3], 0) for k, v in stamps.items()}

        monkeypatch.setattr(validation, "stamps_of", without_ctime)
    subs, out = tmp_path / "subs", tmp_path / "out"
    shutil.copytree(folder, subs)
    validate_reusing(subs, mini_catalog, YEAR, cache_path(out))
    change(subs)
    again = validate_reusing(subs, mini_catalog, YEAR, cache_path(out))
    assert looked_up == [1, 1]
    assert _as_checked(again) == _as_checked(_cold(subs, mini_catalog))
    validate_reusing(subs, mini_catalog, YEAR, cache_path(out))
    assert looked_up == [1, 1]  # and taken whole again once it is kept


def test_another_plan_year_limits_or_code_is_not_taken_whole(
        tmp_path: Path, folder: Path, mini_catalog: Catalog, looked_up: list[int],
        monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    doc = mini_catalog.doc
    other = Catalog({**doc, "departments": [{**d, "email": "x@city.example.jp"}
                                            for d in doc["departments"]]})
    limits = dataclasses.replace(DEFAULT_LIMITS, parse_timeout_s=DEFAULT_LIMITS.parse_timeout_s + 1)
    validate_reusing(folder, mini_catalog, YEAR, cache_path(out))
    for n, (catalog, year, limits_now) in enumerate(
            [(other, YEAR, DEFAULT_LIMITS), (other, YEAR + 1, DEFAULT_LIMITS),
             (other, YEAR + 1, limits)], start=2):
        again = validate_reusing(folder, catalog, year, cache_path(out), limits=limits_now)
        assert len(looked_up) == n
        assert _as_checked(again) == _as_checked(_cold(folder, catalog, year, limits_now))
    monkeypatch.setattr(store, "code_fingerprint", lambda: "the rules' code changed")
    validate_reusing(folder, other, YEAR + 1, cache_path(out), limits=limits)
    assert len(looked_up) == 5


def _folder_row(path: Path, change: Any) -> None:
    with closing(sqlite3.connect(path)) as conn, conn:  # closed, and committed first
        context, stats, key, data = conn.execute(
            "SELECT context, stats, key, data FROM folder").fetchone()
        data, checksum = change(f"{context}\0{stats}\0{key}", data)  # what the checksum covers
        conn.execute("UPDATE folder SET data = ?, checksum = ?", (data, checksum))


def _flipped_folder(key: str, data: bytes) -> tuple[bytes, bytes]:
    flipped = data[:20] + bytes([data[20] ^ 1]) + data[21:]
    return flipped, _checksum(key, b"", data)  # the old checksum: it no longer matches


def _forged_folder(key: str, data: bytes) -> tuple[bytes, bytes]:
    """A matching checksum over what is not a folder's record: texts where indices go."""
    n = int.from_bytes(data[:8], "big")
    doc = json.loads(zlib.decompress(data[8:8 + n]))
    doc["findings"][0][0] = "code"
    packed = zlib.compress(json.dumps(doc).encode())
    forged = len(packed).to_bytes(8, "big") + packed + data[8 + n:]
    return forged, _checksum(key, b"", forged)


def _forged_bodies(key: str, data: bytes) -> tuple[bytes, bytes]:
    """A matching checksum, the record's JSON intact, every file's body not one."""
    at = 0
    for _ in range(2):  # the two JSON parts, each after its length
        at += 8 + int.from_bytes(data[at:at + 8], "big")
    forged = data[:at] + b"x" * (len(data) - at)
    return forged, _checksum(key, b"", forged)


@pytest.mark.parametrize("damage", [_flipped_folder, _forged_folder, _forged_bodies])
def test_a_damaged_folder_row_is_dropped_said_and_the_run_goes_on(
        tmp_path: Path, folder: Path, mini_catalog: Catalog, looked_up: list[int],
        damage: Any) -> None:
    out = tmp_path / "out"
    validate_reusing(folder, mini_catalog, YEAR, cache_path(out))
    _folder_row(cache_path(out), damage)
    again = validate_reusing(folder, mini_catalog, YEAR, cache_path(out))
    assert looked_up == [1, 1]
    said = [f for f in again.findings if f.code == "cache-folder-damaged"]
    assert [f.severity for f in said] == ["info"]
    assert ("(checksum)" in said[0].message) == (damage is _flipped_folder)  # forged: decoded
    assert again.reused == _files(folder)  # every file's own row still used
    cold = _as_checked(_cold(folder, mini_catalog))
    assert _as_checked(again)[:2] == cold[:2]
    assert [f for f in again.findings if f not in said] == cold[2]
    rebuilt = validate_reusing(folder, mini_catalog, YEAR, cache_path(out))
    assert looked_up == [1, 1] and _as_checked(rebuilt) == cold


def test_the_reading_children_are_started_only_when_the_folder_changed(
        tmp_path: Path, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from consolidator.safety import isolation
    from helpers.paths import MINI_PLAN

    subs, out = tmp_path / "subs", tmp_path / "out"
    shutil.copytree(folder, subs)
    started: list[int] = []
    real = isolation.start_early
    monkeypatch.setattr(isolation, "start_early", lambda m: (started.append(1), real(m)))
    args = ["consolidate", str(subs), "--out", str(out), "--plan", str(MINI_PLAN),
            "--year", str(YEAR)]
    assert not folder_unchanged(cache_path(out), subs)  # no cache yet
    for touch, no_cache, expected in [(False, False, 1), (False, False, 1), (True, False, 2),
                                      (False, False, 2), (False, True, 3)]:
        if touch:  # one file's time: the listing differs (its result is still reused)
            os.utime(subs / "メモ.xlsx", (1_800_000_000, 1_800_000_000))
        run = CliRunner().invoke(main, [*args, "--no-cache"] if no_cache else args)
        assert run.exit_code == 1, run.output
        assert len(started) == expected
    assert folder_unchanged(cache_path(out), subs)
    (subs / "メモ.xlsx").unlink()
    assert not folder_unchanged(cache_path(out), subs)


def test_bodies_kept_in_a_file_read_back_as_they_were(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 27: the parent keeps each packed result's body in a temporary file
    (:func:`consolidator.cache.codec.spill`) and reads it back unchanged, however the reads
    and the appends interleave; entries or values assigned afterwards stay in memory. Without
    a temporary file the bodies simply stay in memory."""
    from consolidator.cache.codec import SpilledSubmission, body_file, pack, spill

    subs = [pack(Submission(
        file=f"f{k}.xlsx", department="市社協",
        entries={f"a{i}": Entry(f"a{i}", i * k + 0.5, "実績", f"B{i}") for i in range(30)},
        typed={f"a{i}": f"値{i}・{k}" for i in range(30)})) for k in range(40)]
    bodies = body_file()
    assert bodies is not None
    spilled = [spill(s, bodies) for s in subs[:20]]
    for k in (7, 3, 19, 0):  # reads between appends
        assert spilled[k].unpacked() == subs[k].unpacked()
        spilled.append(spill(subs[len(spilled)], bodies))
    spilled += [spill(s, bodies) for s in subs[len(spilled):]]
    for s, packed in zip(spilled, subs, strict=True):
        assert isinstance(s, SpilledSubmission) and "body" not in vars(s)
        assert (s.body, s.digests, s.entries, s.typed, s.entry_values()) == (
            packed.body, packed.digests, packed.entries, packed.typed, packed.entry_values())
    spilled[5].typed = {"a1": "直した"}
    assert spilled[5].typed == {"a1": "直した"} and spilled[5].entries == subs[5].entries
    assert spilled[6].typed == subs[6].typed

    def no_file(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("tempfile.TemporaryFile", no_file)
    assert body_file() is None
    assert spill(subs[0], None) is subs[0]
