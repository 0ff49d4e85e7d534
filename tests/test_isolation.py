"""Isolated parsing: every item yields one outcome, whatever the child does."""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from consolidator.safety.isolation import (
    PORTABLE_ENV,
    Outcome,
    outcome_finding,
    portable_mode,
    run_isolated,
)
from consolidator.safety.verdict import verdict_of
from helpers.hostile_corpus import make_base

MiB = 1024 * 1024

# Both ways a worker is started and capped, whatever CONSOLIDATOR_PORTABLE says: fork server
# with RLIMIT_AS (Linux), spawn with the parent watching memory through psutil (Windows, macOS).
# The spawn mode (the Windows and macOS path) starts a fresh interpreter a worker: seconds a
# test, in the full suite (and CI's portable re-run), not the fast loop.
MODES = [False, pytest.param(True, marks=pytest.mark.slow)]
MODE_IDS = ["forkserver-rlimit", "spawn-psutil"]


@pytest.fixture(params=MODES, ids=MODE_IDS)
def portable(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


def work(item: str) -> str:
    """A stand-in parser: misbehaves on request."""
    if item == "raise":
        raise ValueError("壊れたセル B5")
    if item.startswith("abort"):
        os.abort()
    if item == "sleep":
        time.sleep(60)
    if item == "alloc":
        return str(len(bytearray(2 * 1024 * MiB)))  # 2 GiB under a 512 MiB cap
    if item.startswith("exit"):
        os._exit(3)
    if item == "unpicklable":
        return lambda: None  # type: ignore[return-value]
    return item.upper()


def read_with_calamine(path: str) -> dict[str, int]:
    """The real reader the toolkit uses: rows per sheet."""
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(path)
    return {name: len(wb.get_sheet_by_name(name).to_python()) for name in wb.sheet_names}


def run(items: list[str], portable: bool, **kw: object) -> dict[str, Outcome]:
    options = {"timeout_s": 2.0, "memory_bytes": 512 * MiB, "portable": portable} | kw
    seen: dict[str, Outcome] = {}
    for item, outcome in run_isolated(work, items, **options):  # type: ignore[arg-type]
        assert item not in seen, f"{item} yielded twice"
        seen[item] = outcome
    assert sorted(seen) == sorted(items)
    return seen


@pytest.mark.slow  # waits for its 2 s timeout
def test_each_failure_costs_one_item_only(portable: bool) -> None:
    items = ["ok-1", "raise", "abort", "ok-2", "sleep", "alloc", "exit", "ok-3", "unpicklable",
             "ok-4"]
    if portable:  # the watch needs the worker to run: under load 2 s may not be enough
        items.remove("alloc")  # (test_a_big_allocation_is_a_memory_outcome, 20 s)
    out = run(items, portable)
    for name in ("ok-1", "ok-2", "ok-3", "ok-4"):
        assert (out[name].ok, out[name].value, out[name].error_code) == (True, name.upper(), None)
    assert (out["raise"].error_code, out["raise"].detail) == ("exception",
                                                              "ValueError: 壊れたセル B5")
    assert out["abort"].error_code == "crashed" and "SIGABRT" in out["abort"].detail
    assert out["sleep"].error_code == "timeout" and out["sleep"].limit == 2.0
    assert out["sleep"].elapsed_s >= 2.0
    if not portable:
        assert out["alloc"].error_code == "memory" and out["alloc"].limit == 512 * MiB
    assert out["exit"].error_code == "crashed" and "exit code 3" in out["exit"].detail
    assert out["unpicklable"].error_code == "exception"
    for name in set(items) & {"raise", "abort", "sleep", "alloc", "exit"}:
        assert not out[name].ok and out[name].value is None


def test_a_big_allocation_is_a_memory_outcome(portable: bool) -> None:
    """2 GiB under a 512 MiB cap: refused at once (RLIMIT_AS) or ended by the watch; the
    finding says which limit, and the next item gets a fresh worker."""
    out = run(["alloc", "ok"], portable, timeout_s=20.0, workers=1)
    assert out["alloc"].error_code == "memory" and out["alloc"].limit == 512 * MiB
    finding = outcome_finding(out["alloc"], "alloc.xlsx")
    assert finding.code == "parse-memory" and "512 MB" in finding.message
    assert out["ok"].ok and out["ok"].value == "OK"


def test_many_quick_items(portable: bool) -> None:
    items = [f"item-{i}" for i in range(50)]
    out = run(items, portable, timeout_s=10.0)
    assert all(o.ok and o.value == k.upper() for k, o in out.items())


def test_crashing_worker_is_replaced_every_time(portable: bool) -> None:
    out = run(["abort-1", "ok-a", "abort-2", "exit-1", "ok-b", "abort-3"], portable, workers=1)
    assert out["ok-a"].ok and out["ok-b"].ok
    assert [out[k].error_code for k in ("abort-1", "abort-2", "exit-1", "abort-3")] == [
        "crashed"] * 4


def test_items_are_taken_lazily_and_workers_reaped_on_close(portable: bool) -> None:
    pulled = []

    def source() -> Iterator[str]:
        for i in range(1_000_000):
            pulled.append(i)
            yield f"x{i}"

    workers = 2
    results = run_isolated(work, source(), timeout_s=5.0, memory_bytes=None, workers=workers,
                           portable=portable)
    try:
        first = [next(results) for _ in range(3)]
        assert all(o.ok for _, o in first)
        # Taken so far, at most: the 3 results given, the others of the last batch collected
        # (workers - 1, not yet given), one item in each worker, and the one read ahead.
        assert len(pulled) <= 3 + (workers - 1) + workers + 1
    finally:
        results.close()
    assert multiprocessing.active_children() == []


def test_unpicklable_item() -> None:
    [(item, outcome)] = list(run_isolated(work, [lambda: 1], timeout_s=1.0,  # type: ignore[list-item]
                                          memory_bytes=None))
    assert outcome.error_code == "exception" and callable(item)


def test_outcome_findings(portable: bool) -> None:
    out = run(["sleep", "abort", "raise"], portable, timeout_s=1.0)
    findings = {k: outcome_finding(o, f"{k}.xlsx") for k, o in out.items()}
    assert findings["sleep"].code == "parse-timeout" and "(1秒)" in findings["sleep"].message
    assert findings["abort"].code == "parse-crashed" and "SIGABRT" in findings["abort"].message
    assert findings["raise"].code == "parse-exception" and "B5" in findings["raise"].message
    assert all(f.severity == "error" and f.action and f.file for f in findings.values())
    with pytest.raises(ValueError):
        outcome_finding(Outcome(ok=True, value=1), "ok.xlsx")


def test_real_reader_on_the_extreme_grid(tmp_path: Path, portable: bool) -> None:
    """A1 + XFD1048576 is legal, so it passes the safety checks, but it makes calamine try
    to allocate the whole grid (and abort). Isolated, it costs that one file; the clean one
    is still read."""
    import openpyxl

    extreme = tmp_path / "extremes.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = 1
    wb.active["XFD1048576"] = 2
    wb.save(extreme)
    assert verdict_of(extreme).findings == []
    base = make_base(tmp_path / "base.xlsx")
    results = dict(run_isolated(read_with_calamine, [str(extreme), str(base)], timeout_s=20.0,
                                memory_bytes=1024 * MiB, portable=portable))
    print(f"\ncalamine on extremes.xlsx: {results[str(extreme)]}")
    assert not results[str(extreme)].ok
    assert results[str(extreme)].error_code in ("memory", "crashed", "timeout")
    assert results[str(base)].ok and results[str(base)].value == {"実績": 4, "予定": 2}


def test_the_portable_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    """CONSOLIDATOR_PORTABLE=1 takes the Windows path on Linux; without it Linux forks."""
    monkeypatch.setenv(PORTABLE_ENV, "1")
    assert portable_mode() is True
    monkeypatch.setenv(PORTABLE_ENV, "0")
    assert portable_mode() is (not sys.platform.startswith("linux"))
    monkeypatch.delenv(PORTABLE_ENV)
    assert portable_mode() is (not sys.platform.startswith("linux"))


def grow(item: str) -> int:
    """Allocate step by step (as a parser filling a grid does), touching every page."""
    chunks = [bytearray(16 * MiB) for _ in range(int(item))]
    return len(chunks)


def test_the_watched_cap_ends_a_growing_worker() -> None:
    """The portable cap: the parent samples the worker's memory and ends it past the cap; the
    outcome says how much it had, and the next item gets a fresh worker."""
    out = dict(run_isolated(grow, ["64", "2"], timeout_s=20.0, memory_bytes=256 * MiB,
                            workers=1, portable=True))
    assert out["64"].error_code == "memory" and out["64"].limit == 256 * MiB
    assert "上限を超えた" in out["64"].detail, out["64"].detail
    assert out["2"].ok and out["2"].value == 2


@pytest.mark.skipif(portable_mode(), reason="no fork server in portable mode")
def test_a_long_run_of_the_command_line_gives_the_fork_server_back(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mini_templates: dict[str, Path],
        mini_catalog: object) -> None:
    """Issue 27: a command of the command line (``give_back_children``) stops the children's
    fork server once a run of more than GIVE_BACK_AFTER files is checked (its memory given
    back while the outputs are written); a short run keeps it, and so does any later run
    (the request is used up by the first)."""
    from multiprocessing import forkserver

    from consolidator.checks import checked_files
    from consolidator.checks.validation import validate_folder
    from helpers.filling import complete_values, submit_all

    submit_all(mini_templates, tmp_path / "s", values=lambda d, t: complete_values(t))
    server = forkserver._forkserver  # type: ignore[attr-defined]

    def check() -> None:
        result = validate_folder(tmp_path / "s", mini_catalog, 2022)  # type: ignore[arg-type]
        assert len(result.chosen) == len(mini_templates)

    monkeypatch.setattr(checked_files, "GIVE_BACK_AFTER", len(mini_templates))
    checked_files.give_back_children()
    check()  # not more than GIVE_BACK_AFTER: kept, and the request used up
    pid = server._forkserver_pid
    assert pid is not None
    monkeypatch.setattr(checked_files, "GIVE_BACK_AFTER", len(mini_templates) - 1)
    check()  # long, but not asked: kept
    assert server._forkserver_pid == pid
    checked_files.give_back_children()
    check()
    assert server._forkserver_pid is None  # stopped and reaped
    check()  # a later run starts it again
    assert server._forkserver_pid is not None
