"""Isolated parsing: every item yields one outcome, whatever the child does."""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from consolidator.safety.isolation import Outcome, outcome_finding, run_isolated
from consolidator.safety.verdict import check_workbook
from helpers.hostile_corpus import make_base

MiB = 1024 * 1024


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


def run(items: list[str], **kw: object) -> dict[str, Outcome]:
    options = {"timeout_s": 2.0, "memory_bytes": 512 * MiB} | kw
    seen: dict[str, Outcome] = {}
    for item, outcome in run_isolated(work, items, **options):  # type: ignore[arg-type]
        assert item not in seen, f"{item} yielded twice"
        seen[item] = outcome
    assert sorted(seen) == sorted(items)
    return seen


@pytest.mark.slow  # waits for its 2 s timeout
def test_each_failure_costs_one_item_only() -> None:
    items = ["ok-1", "raise", "abort", "ok-2", "sleep", "alloc", "exit", "ok-3", "unpicklable",
             "ok-4"]
    out = run(items)
    for name in ("ok-1", "ok-2", "ok-3", "ok-4"):
        assert (out[name].ok, out[name].value, out[name].error_code) == (True, name.upper(), None)
    assert (out["raise"].error_code, out["raise"].detail) == ("exception",
                                                              "ValueError: 壊れたセル B5")
    assert out["abort"].error_code == "crashed" and "SIGABRT" in out["abort"].detail
    assert out["sleep"].error_code == "timeout" and out["sleep"].limit == 2.0
    assert out["sleep"].elapsed_s >= 2.0
    assert out["alloc"].error_code == "memory" and out["alloc"].limit == 512 * MiB
    assert out["exit"].error_code == "crashed" and "exit code 3" in out["exit"].detail
    assert out["unpicklable"].error_code == "exception"
    for name in ("raise", "abort", "sleep", "alloc", "exit"):
        assert not out[name].ok and out[name].value is None


def test_many_quick_items() -> None:
    items = [f"item-{i}" for i in range(50)]
    out = run(items, timeout_s=10.0)
    assert all(o.ok and o.value == k.upper() for k, o in out.items())


def test_crashing_worker_is_replaced_every_time() -> None:
    out = run(["abort-1", "ok-a", "abort-2", "exit-1", "ok-b", "abort-3"], workers=1)
    assert out["ok-a"].ok and out["ok-b"].ok
    assert [out[k].error_code for k in ("abort-1", "abort-2", "exit-1", "abort-3")] == [
        "crashed"] * 4


def test_items_are_taken_lazily_and_workers_reaped_on_close() -> None:
    pulled = []

    def source() -> Iterator[str]:
        for i in range(1_000_000):
            pulled.append(i)
            yield f"x{i}"

    results = run_isolated(work, source(), timeout_s=5.0, memory_bytes=None, workers=2)
    first = [next(results) for _ in range(3)]
    assert all(o.ok for _, o in first)
    assert len(pulled) <= 3 + 2  # never more than the results plus one per worker
    results.close()
    assert multiprocessing.active_children() == []


def test_unpicklable_item() -> None:
    [(item, outcome)] = list(run_isolated(work, [lambda: 1], timeout_s=1.0,  # type: ignore[list-item]
                                          memory_bytes=None))
    assert outcome.error_code == "exception" and callable(item)


def test_outcome_findings() -> None:
    out = run(["sleep", "alloc", "abort", "raise"], timeout_s=1.0)
    findings = {k: outcome_finding(o, f"{k}.xlsx") for k, o in out.items()}
    assert findings["sleep"].code == "parse-timeout" and "(1秒)" in findings["sleep"].message
    assert findings["alloc"].code == "parse-memory" and "512 MB" in findings["alloc"].message
    assert findings["abort"].code == "parse-crashed" and "SIGABRT" in findings["abort"].message
    assert findings["raise"].code == "parse-exception" and "B5" in findings["raise"].message
    assert all(f.severity == "error" and f.action and f.file for f in findings.values())
    with pytest.raises(ValueError):
        outcome_finding(Outcome(ok=True, value=1), "ok.xlsx")


def test_real_reader_on_the_extreme_grid(tmp_path: Path) -> None:
    """A1 + XFD1048576 is legal, so it passes the safety checks, but it makes calamine try
    to allocate the whole grid (and abort). Isolated, it costs that one file; the clean one
    is still read."""
    import openpyxl

    extreme = tmp_path / "extremes.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = 1
    wb.active["XFD1048576"] = 2
    wb.save(extreme)
    assert check_workbook(extreme).findings == []
    base = make_base(tmp_path / "base.xlsx")
    results = dict(run_isolated(read_with_calamine, [str(extreme), str(base)], timeout_s=20.0,
                                memory_bytes=1024 * MiB))
    print(f"\ncalamine on extremes.xlsx: {results[str(extreme)]}")
    assert not results[str(extreme)].ok
    assert results[str(extreme)].error_code in ("memory", "crashed", "timeout")
    assert results[str(base)].ok and results[str(base)].value == {"実績": 4, "予定": 2}
