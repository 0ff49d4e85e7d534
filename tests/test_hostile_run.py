"""Issue 7: one ``consolidate`` over the whole hostile corpus mixed with 17 clean submissions.

One folder holds every file of :func:`hostile_corpus.build_corpus` (built from a clean
generated template) and the 17 filled submissions of the default plan. The job is run three
ways — :func:`run_consolidate`, the CLI through ``CliRunner``, and ``python3 -m consolidator``
in a measured subprocess — and must:

* finish, with the 17 clean units merged exactly (every accepted entry is what was typed, no
  error on a clean file);
* report every hostile file with exactly its expected code (one error finding for an error
  code; the warning for a warning code; nothing for a harmless file); hostile files that pass
  the safety checks are copies of the base unit's template, so they also get the
  ``duplicate-not-used`` warning, which is expected here;
* never hang (each file within ``parse_timeout_s``, the whole subprocess within 4 × that) and
  stay under 1 GiB of memory.
"""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from process_measure import run_measured

from consolidator.checks.validation import _process_item
from consolidator.cli import main
from consolidator.findings import ERROR, Finding
from consolidator.jobs.runs import JobResult, run_consolidate
from consolidator.limits import DEFAULT_LIMITS, GiB
from consolidator.messages import MESSAGES
from consolidator.plan.catalog import Catalog
from consolidator.report.master_writer import INDICATOR_HEADER
from consolidator.safety.isolation import TIMEOUT, run_isolated
from filling import complete_values, fill_workbook
from hostile_corpus import EXPECTED, build_corpus

YEAR = 2022
OLD_NS = 1_600_000_000 * 10**9  # 2020-09-13: hostile files look older than the clean ones
RUN_BOUND_S = 4 * DEFAULT_LIMITS.parse_timeout_s
DUPLICATE = "duplicate-not-used"
FILE_LEVEL = ("file-", "zip-", "xml-", "grid-", "string-", "parse-")

HOSTILE_NAMES = sorted(EXPECTED)


# ---- the folder and the runs ---------------------------------------------------------------------

@dataclass
class Folder:
    path: Path
    expected: dict[str, str]  # hostile file -> expected code ("" = none)
    typed: dict[str, tuple[str, dict[str, Any]]]  # unit -> (clean file, typed values)


def build_folder(folder: Path, templates: dict[str, Path]) -> Folder:
    """The hostile corpus (from the smallest generated template) plus 17 clean submissions."""
    folder.mkdir(parents=True, exist_ok=True)
    base = min(templates.values(), key=lambda p: p.stat().st_size)
    expected = build_corpus(base, folder)
    for name in expected:
        os.utime(folder / name, ns=(OLD_NS, OLD_NS))
    typed = {}
    for unit, path in templates.items():
        values = complete_values(path, text=f"{unit}の実施内容。")
        fill_workbook(path, folder / path.name, values)
        typed[unit] = (path.name, values)
    return Folder(folder, expected, typed)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory, default_templates: dict[str, Path]
            ) -> Folder:
    return build_folder(tmp_path_factory.mktemp("hostile_run") / "submissions", default_templates)


@pytest.fixture(scope="module")
def api_run(hostile: Folder, default_catalog: Catalog) -> tuple[JobResult, float]:
    start = time.perf_counter()
    job = run_consolidate(hostile.path, default_catalog, YEAR, hostile.path.parent / "out_api")
    return job, time.perf_counter() - start


def _of(findings: list[Finding] | Any, name: str) -> list[Finding]:
    return [f for f in findings if f.file == name]


def _key(f: dict[str, Any] | Finding) -> tuple[Any, ...]:
    d = f if isinstance(f, dict) else f.to_dict()
    return tuple(d[k] for k in ("severity", "code", "department", "file", "sheet", "cell", "field_id"))


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


# ---- the clean units -----------------------------------------------------------------------------

def test_run_finishes_and_clean_units_are_merged_exactly(hostile: Folder,
                                                         api_run: tuple[JobResult, float],
                                                         default_catalog: Catalog) -> None:
    job, seconds = api_run
    print(f"\nconsolidate of {len(hostile.expected)} hostile + {len(hostile.typed)} clean files: "
          f"{seconds:.2f} s")
    assert set(hostile.typed) == set(default_catalog.department_names) and len(hostile.typed) == 17
    assert job.master is not None and job.master.exists()
    for unit, (file, values) in hostile.typed.items():
        chosen = job.validation.chosen[unit]
        assert chosen.file == file, unit
        accepted = {fid: e.value for fid, e in chosen.entries.items()}
        assert accepted == values, unit
        assert [f.code for f in _of(job.validation.findings.errors, file)] == [], unit
    assert not [f for f in job.validation.findings.errors if f.department in hostile.typed
                and f.file not in hostile.expected], "an error on a clean unit"
    wb = openpyxl.load_workbook(job.master, read_only=True)
    try:
        status = list(wb["提出状況"].iter_rows(min_row=2, values_only=True))
        indicators = list(wb["指標一覧"].iter_rows(min_row=2, values_only=True))
    finally:
        wb.close()
    assert [(r[0], r[1], r[2]) for r in status] == [
        (u, "済", hostile.typed[u][0]) for u in default_catalog.department_names]
    value_col = INDICATOR_HEADER.index("実績値")
    assert len(indicators) == len(default_catalog.measures)
    assert {r[value_col] for r in indicators} == {3}  # complete_values types 3 everywhere


def test_no_file_is_lost_or_timed_out(hostile: Folder, api_run: tuple[JobResult, float]) -> None:
    job, _ = api_run
    files = sorted(p.name for p in hostile.path.iterdir())
    assert sorted(s.file for s in job.validation.submissions) == files
    codes = {f.code for f in job.validation.findings}
    assert not codes & {"parse-timeout", "parse-crashed", "parse-exception"}, codes


# ---- each hostile file ---------------------------------------------------------------------------

def _is_error(code: str) -> bool:
    return bool(code) and MESSAGES[code][0] == ERROR


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_file_read_outcome(name: str, hostile: Folder,
                                   api_run: tuple[JobResult, float]) -> None:
    """What reading the file reported (its Submission), before the choice of one per unit."""
    if name not in hostile.expected:
        pytest.skip(f"{name} was not built (see the corpus builder's message)")
    job, _ = api_run
    code = hostile.expected[name]
    (sub,) = [s for s in job.validation.submissions if s.file == name]
    # a file that passes is a copy of the base unit's empty template: its own status-empty /
    # plan-empty / value-missing findings are about content, not about the file
    found = [(f.severity, f.code) for f in sub.findings if f.code.startswith(FILE_LEVEL)]
    if _is_error(code):
        assert found == [(ERROR, code)] and not sub.usable
    elif code:
        assert found == [("warning", code)]
    else:
        assert found == []


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_file_in_the_log(name: str, hostile: Folder,
                                 api_run: tuple[JobResult, float]) -> None:
    """What the validation log says about the file: exactly its code."""
    if name not in hostile.expected:
        pytest.skip(f"{name} was not built (see the corpus builder's message)")
    job, _ = api_run
    code = hostile.expected[name]
    mine = _of(job.validation.findings, name)
    errors = [f.code for f in mine if f.severity == ERROR]
    if _is_error(code):
        assert errors == [code]
        assert [f.code for f in mine] == [code]
    else:
        assert errors == []
        others = {f.code for f in mine} - {code, DUPLICATE}
        assert others == set()
        if code:
            assert code in {f.code for f in mine}


def test_each_file_within_its_time_limit(hostile: Folder, default_catalog: Catalog) -> None:
    """Every file, parsed in isolation as ``validate`` does, ends within parse_timeout_s."""
    limits = DEFAULT_LIMITS
    items = [(str(p), p.name) for p in sorted(hostile.path.iterdir())]
    task = partial(_process_item, default_catalog, YEAR, limits)
    slow = []
    for item, outcome in run_isolated(task, items, timeout_s=limits.parse_timeout_s,
                                      memory_bytes=limits.child_memory_bytes, workers=2):
        assert outcome.error_code != TIMEOUT, item[1]
        assert outcome.elapsed_s < limits.parse_timeout_s, item[1]
        slow.append((outcome.elapsed_s, item[1]))
    slow.sort(reverse=True)
    print("\nslowest files: " + ", ".join(f"{n} {t:.2f} s" for t, n in slow[:5]))


# ---- the CLI -------------------------------------------------------------------------------------

def test_cli_runner_reports_the_same(hostile: Folder, api_run: tuple[JobResult, float]) -> None:
    job, _ = api_run
    out = hostile.path.parent / "out_cli"
    result = CliRunner().invoke(main, ["consolidate", str(hostile.path), "--out", str(out),
                                       "--year", str(YEAR)])
    assert result.exit_code == 1, result.output  # the hostile files are errors
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert str(out / "master_2022.xlsx") in result.output
    assert [_key(f) for f in _jsonl(out / "validation_log.jsonl")] == [
        _key(f) for f in _jsonl(job.logs["jsonl"])]
    openpyxl.load_workbook(out / "master_2022.xlsx", read_only=True).close()


def test_cli_subprocess_bounded_time_and_memory(hostile: Folder,
                                                api_run: tuple[JobResult, float]) -> None:
    job, _ = api_run
    out = hostile.path.parent / "out_sub"
    m = run_measured([sys.executable, "-m", "consolidator", "consolidate", str(hostile.path),
                      "--out", str(out), "--year", str(YEAR)], RUN_BOUND_S, hostile.path.parent)
    print(f"\nCLI subprocess: {m.wall_s:.2f} s, ru_maxrss {m.maxrss_bytes / 2**20:.0f} MiB, "
          f"sampled process-tree peak {m.tree_peak_bytes / 2**20:.0f} MiB")
    assert m.returncode == 1, m.stderr
    assert "Traceback" not in m.stderr, m.stderr
    assert m.wall_s < RUN_BOUND_S
    assert m.maxrss_bytes < 1 * GiB
    assert m.tree_peak_bytes < 1 * GiB
    assert [_key(f) for f in _jsonl(out / "validation_log.jsonl")] == [
        _key(f) for f in _jsonl(job.logs["jsonl"])]
