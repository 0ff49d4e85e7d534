"""Issue 11: an output held open by another program (Excel on Windows) is never lost.

On Windows, Excel locks an open workbook: renaming the new master onto it fails with
``PermissionError``. The run must not fail: the old file stays as it is, the new one is
written beside it (``master_2022 (2).xlsx``), and the console and the log say so in Japanese.
Here the rename onto the held files fails the way it does on Windows.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from consolidator.atomic import placed_beside, write_text_atomic
from consolidator.cli import main
from consolidator.jobs.runs import master_path, run_consolidate
from consolidator.messages import cli_text
from consolidator.messages.outputs import DEPARTMENT_LOG_DIR
from consolidator.plan.catalog import Catalog
from consolidator.validation_log import department_log_name
from helpers.filling import submit_all
from helpers.master import cell_values
from helpers.paths import MINI_PLAN

YEAR = 2022


def hold(monkeypatch: pytest.MonkeyPatch, *held: Path) -> None:
    """Make ``os.replace`` onto any of ``held`` fail as Windows does for a file open in Excel."""
    real: Callable[..., Any] = os.replace
    names = {p.resolve() for p in held}

    def replace(src: Any, dst: Any, *args: Any, **kw: Any) -> None:
        if Path(dst).resolve() in names:
            raise PermissionError(13, "The process cannot access the file because it is being "
                                      "used by another process", str(dst))
        real(src, dst, *args, **kw)
    monkeypatch.setattr(os, "replace", replace)


@pytest.fixture
def run_twice(mini_templates: dict[str, Path], tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "submissions"
    submit_all(mini_templates, folder)
    return folder, tmp_path / "out"


def test_master_open_in_excel(run_twice: tuple[Path, Path], mini_catalog: Catalog,
                              monkeypatch: pytest.MonkeyPatch) -> None:
    folder, out = run_twice
    first = run_consolidate(folder, mini_catalog, YEAR, out)
    master = master_path(out, YEAR)
    assert first.master == master and first.held == []
    old_bytes = master.read_bytes()
    (folder / next(p.name for p in folder.iterdir())).unlink()  # this run differs: one missing

    hold(monkeypatch, master)
    job = run_consolidate(folder, mini_catalog, YEAR, out)
    beside = out / "master_2022 (2).xlsx"
    assert master.read_bytes() == old_bytes  # untouched
    assert job.master == beside and job.held == [(master, beside)]
    assert cell_values(beside) != cell_values(master)  # the new content, complete
    held = [json.loads(line) for line in job.logs["jsonl"].read_text("utf-8").splitlines()
            if '"output-held-open"' in line]
    assert len(held) == 1 and held[0]["severity"] == "warning"
    message = held[0]["message"]
    assert "master_2022.xlsx" in message and "master_2022 (2).xlsx" in message
    assert "Excel" in message and "開かれている" in message and "元のファイルはそのまま" in message
    assert held[0]["path"] == str(beside)


def test_cli_says_which_file_is_new(run_twice: tuple[Path, Path], mini_catalog: Catalog,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    folder, out = run_twice
    run_consolidate(folder, mini_catalog, YEAR, out)
    master = master_path(out, YEAR)
    (folder / next(p.name for p in folder.iterdir())).unlink()  # this run differs: one missing
    (out / "master_2022 (2).xlsx").write_bytes(b"an earlier run's file, also kept")
    hold(monkeypatch, master)
    result = CliRunner().invoke(main, ["consolidate", str(folder), "--out", str(out),
                                       "--year", str(YEAR)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    beside = out / "master_2022 (3).xlsx"  # (2) exists: never replaced
    assert cli_text("output-held-open", old=master, new=beside) in result.output
    assert cli_text("master-written", path=beside) in result.output
    assert (out / "master_2022 (2).xlsx").read_bytes() == b"an earlier run's file, also kept"


def test_log_and_department_file_open_in_excel(run_twice: tuple[Path, Path],
                                               mini_catalog: Catalog,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    folder, out = run_twice
    for p in list(folder.iterdir())[:1]:  # a department with a finding: its own log file
        p.write_bytes(b"not a workbook")
    first = run_consolidate(folder, mini_catalog, YEAR, out)
    log = first.logs["xlsx"]
    department_logs = sorted((out / DEPARTMENT_LOG_DIR).iterdir())
    assert department_logs
    before = {p: p.read_bytes() for p in [log, *department_logs]}
    hold(monkeypatch, log, *department_logs)
    unchanged = run_consolidate(folder, mini_catalog, YEAR, out)  # issue 27: nothing to write
    assert unchanged.held == [] and {p: p.read_bytes() for p in before} == before
    job = run_consolidate(folder, mini_catalog, YEAR, out, reuse=False)  # all written again
    assert {p: p.read_bytes() for p in before} == before
    beside = {old: new for old, new in job.held}
    assert beside[log] == out / "validation_log (2).xlsx" == job.logs["xlsx"]
    for p in department_logs:
        assert beside[p] == p.with_name(f"{p.stem} (2){p.suffix}") and beside[p].exists()
    assert department_log_name("x").endswith(".xlsx")


def test_a_folder_without_write_permission_is_still_an_error(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    """Only a held file is written beside: a new file that cannot be created is an error."""
    target = tmp_path / "new.json"
    hold(monkeypatch, target)
    with placed_beside() as moved, pytest.raises(PermissionError):
        write_text_atomic(target, "{}")
    assert moved == [] and list(tmp_path.iterdir()) == []


def test_an_unchanged_master_held_open_is_left_as_it_is(run_twice: tuple[Path, Path],
                                                        mini_catalog: Catalog,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Re-run on the same files while the master and the logs are open in Excel: what it would
    write is what is already open, so nothing is written beside them and nothing is said."""
    folder, out = run_twice
    first = run_consolidate(folder, mini_catalog, YEAR, out)
    master = master_path(out, YEAR)
    logs = [first.logs[k] for k in ("xlsx", "csv", "jsonl")]
    before = [(p.read_bytes(), p.stat().st_mtime_ns) for p in (master, *logs)]
    hold(monkeypatch, master, *logs)
    result = CliRunner().invoke(main, ["consolidate", str(folder), "--out", str(out),
                                       "--year", str(YEAR), "--plan", str(MINI_PLAN)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert [(p.read_bytes(), p.stat().st_mtime_ns) for p in (master, *logs)] == before
    assert sorted(p.name for p in out.glob("* (2).*")) == []
    assert cli_text("master-unchanged", path=master) in result.output
    assert "output-held-open" not in (out / "validation_log.jsonl").read_text("utf-8")
