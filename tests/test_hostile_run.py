"""Issue 7: one ``consolidate`` over the whole hostile corpus mixed with 17 clean submissions.

One folder (the session's ``hostile_folder``, :mod:`helpers.hostile_folder`) holds every file
of :func:`helpers.hostile_corpus.build_corpus` (built from a clean generated template) and the
17 filled submissions of the default plan. The job is run three ways — :func:`run_consolidate`,
the CLI through ``CliRunner``, and ``python3 -m consolidator`` in a measured subprocess — and
must:

* finish, with the 17 clean departments merged exactly (every accepted entry is what was
  typed, no error on a clean file);
* report every hostile file with exactly its expected code (one error finding for an error
  code; the warning for a warning code; nothing for a harmless file); hostile files that pass
  the safety checks are copies of the base department's template, so they also get the
  ``duplicate-not-used`` warning, which is expected here;
* never hang (each file within ``parse_timeout_s``, the whole subprocess within 4 × that) and
  stay under 1 GiB of memory.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from consolidator.checks.checked_files import check_isolated, file_to_check
from consolidator.cli import main
from consolidator.findings import ERROR, Finding
from consolidator.jobs.runs import JobResult, run_consolidate
from consolidator.limits import DEFAULT_LIMITS, GiB
from consolidator.messages import MESSAGES
from consolidator.plan.catalog import Catalog
from helpers.findings import of_file
from helpers.hostile_corpus import EXPECTED
from helpers.hostile_folder import HostileFolder
from helpers.master import sheet_rows
from helpers.ods_files import ODS_EXPECTED
from helpers.processes import run_measured

YEAR = 2022
RUN_BOUND_S = 4 * DEFAULT_LIMITS.parse_timeout_s
DUPLICATE = "duplicate-not-used"
FILE_LEVEL = ("file-", "zip-", "xml-", "grid-", "string-", "parse-")

HOSTILE_NAMES = sorted(EXPECTED | ODS_EXPECTED)

pytestmark = pytest.mark.slow  # one whole run over the hostile folder: the full suite's


# ---- the run -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def api_job(hostile_folder: HostileFolder, default_catalog: Catalog) -> JobResult:
    return run_consolidate(hostile_folder.path, default_catalog, YEAR,
                           hostile_folder.path.parent / "out_api")


def _key(f: dict[str, Any] | Finding) -> tuple[Any, ...]:
    d = f if isinstance(f, dict) else f.to_dict()
    keys = ("severity", "code", "department", "file", "sheet", "cell", "field_id")
    return tuple(d[k] for k in keys)


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


# ---- the clean departments -------------------------------------------------------------------

def test_run_finishes_and_clean_departments_are_merged_exactly(
        hostile_folder: HostileFolder, api_job: JobResult, default_catalog: Catalog) -> None:
    typed, errors = hostile_folder.typed, api_job.validation.findings.errors
    assert set(typed) == set(default_catalog.department_names) and len(typed) == 17
    assert api_job.master is not None and api_job.master.exists()
    for department, (file, values) in typed.items():
        chosen = api_job.validation.chosen[department]
        assert chosen.file == file, department
        accepted = {fid: e.value for fid, e in chosen.entries.items()}
        assert accepted == values, department
        assert [f.code for f in of_file(errors, file)] == [], department
    assert not [f for f in errors if f.department in typed
                and f.file not in hostile_folder.expected], "an error on a clean department"
    status = sheet_rows(api_job.master, "提出状況")[1:]
    header, *indicators = sheet_rows(api_job.master, "指標一覧")
    assert [(r[0], r[1], r[2]) for r in status] == [
        (d, "済", typed[d][0]) for d in default_catalog.department_names]
    value_col = header.index("実績値")
    assert len(indicators) == len(default_catalog.measures)
    assert {r[value_col] for r in indicators} == {3}  # complete_values types 3 everywhere


def test_no_file_is_lost_or_timed_out(hostile_folder: HostileFolder, api_job: JobResult) -> None:
    files = sorted(p.name for p in hostile_folder.path.iterdir())
    assert sorted(s.file for s in api_job.validation.submissions) == files
    codes = {f.code for f in api_job.validation.findings}
    assert not codes & {"parse-timeout", "parse-crashed", "parse-exception"}, codes


# ---- each hostile file ---------------------------------------------------------------------------

def _is_error(code: str) -> bool:
    return bool(code) and MESSAGES[code][0] == ERROR


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_file_read_outcome(name: str, hostile_folder: HostileFolder,
                                   api_job: JobResult) -> None:
    """What reading the file reported (its Submission), before the choice of one per
    department."""
    code = hostile_folder.expected[name]
    (sub,) = [s for s in api_job.validation.submissions if s.file == name]
    # a file that passes is a copy of the base department's empty template: its own
    # status-empty / plan-empty / value-missing findings are about content, not the file
    found = [(f.severity, f.code) for f in sub.findings if f.code.startswith(FILE_LEVEL)]
    if _is_error(code):
        assert found == [(ERROR, code)] and not sub.usable
    elif code:
        assert found == [("warning", code)]
    else:
        assert found == []


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_file_in_the_log(name: str, hostile_folder: HostileFolder,
                                 api_job: JobResult) -> None:
    """What the validation log says about the file: exactly its code."""
    code = hostile_folder.expected[name]
    mine = of_file(api_job.validation.findings, name)
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


def test_each_file_within_its_time_limit(hostile_folder: HostileFolder,
                                         default_catalog: Catalog) -> None:
    """Every file, checked in isolation as ``validate`` does (``check_isolated``), ends within
    parse_timeout_s."""
    paths = sorted(hostile_folder.path.iterdir())
    files = (file_to_check(p, p.name, DEFAULT_LIMITS) for p in paths)
    ended = []
    for item, sub, _record in check_isolated(files, default_catalog, YEAR, DEFAULT_LIMITS,
                                             workers=2):
        assert "parse-timeout" not in {f.code for f in sub.findings}, item.display
        ended.append(item.display)
    assert sorted(ended) == sorted(p.name for p in paths)  # one outcome per file


# ---- the CLI -------------------------------------------------------------------------------------

def test_cli_runner_reports_the_same(hostile_folder: HostileFolder, api_job: JobResult) -> None:
    folder = hostile_folder.path
    out = folder.parent / "out_cli"
    result = CliRunner().invoke(main, ["consolidate", str(folder), "--out", str(out),
                                       "--year", str(YEAR)])
    assert result.exit_code == 1, result.output  # the hostile files are errors
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert str(out / "master_2022.xlsx") in result.output
    assert [_key(f) for f in _jsonl(out / "validation_log.jsonl")] == [
        _key(f) for f in _jsonl(api_job.logs["jsonl"])]
    openpyxl.load_workbook(out / "master_2022.xlsx", read_only=True).close()


def test_cli_subprocess_bounded_time_and_memory(hostile_folder: HostileFolder,
                                                api_job: JobResult) -> None:
    folder = hostile_folder.path
    out = folder.parent / "out_sub"
    m = run_measured([sys.executable, "-m", "consolidator", "consolidate", str(folder),
                      "--out", str(out), "--year", str(YEAR)], RUN_BOUND_S, folder.parent)
    print(f"\nCLI subprocess: {m.wall_s:.2f} s, ru_maxrss {m.maxrss_bytes / 2**20:.0f} MiB, "
          f"sampled process-tree peak {m.tree_peak_bytes / 2**20:.0f} MiB")
    assert m.returncode == 1, m.stderr
    assert "Traceback" not in m.stderr, m.stderr
    assert m.wall_s < RUN_BOUND_S
    assert m.maxrss_bytes < 1 * GiB
    assert m.tree_peak_bytes < 1 * GiB
    assert [_key(f) for f in _jsonl(out / "validation_log.jsonl")] == [
        _key(f) for f in _jsonl(api_job.logs["jsonl"])]
