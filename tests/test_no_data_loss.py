"""Issue 7: ``consolidate`` never loses data — not the previous master, not a submission.

* SIGKILL at random points of a run (half of them while the new master is being written)
  always leaves the previous master readable and byte-identical (or, if the kill came after
  the rename, the complete new master); the stray temporaries it leaves are cleaned by the
  next run.
* A second run on the same output folder is refused with the Japanese 'busy' message.
* Submission files (hostile ones included) keep their bytes and modification times.
* Re-running on the same inputs gives the same cell values in the master and the logs, and
  leaves the master in place untouched (no copy of it kept: the history holds masters that
  differ).
"""

from __future__ import annotations

import errno
import hashlib
import random
import shutil
import signal
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from consolidator.atomic import TEMP_PREFIX, same_workbook
from consolidator.cli import main
from consolidator.jobs.output_folder import HISTORY_DIR, exclusive
from consolidator.jobs.runs import master_path, run_consolidate
from consolidator.messages import cli_text
from consolidator.plan.catalog import Catalog
from helpers.filling import submit_all
from helpers.hostile_folder import HostileFolder
from helpers.master import cell_values
from helpers.paths import MINI_PLAN
from helpers.processes import run_measured, signal_group

YEAR = 2022
KILLS = 8
SEED = 20240401


def cli(submissions: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "consolidator", "consolidate", str(submissions), "--out",
            str(out), "--year", str(YEAR)]


def temporaries(folder: Path) -> list[Path]:
    return sorted(folder.glob(TEMP_PREFIX + "*"))


@pytest.fixture(scope="module")
def clean_folder(tmp_path_factory: pytest.TempPathFactory, default_templates: dict[str, Path]
                 ) -> Path:
    folder = tmp_path_factory.mktemp("no_loss_clean") / "submissions"
    submit_all(default_templates, folder)
    return folder


# ---- SIGKILL -------------------------------------------------------------------------------------

def _write_window(submissions: Path, out: Path) -> tuple[float, float, float]:
    """One complete run, watched: (total s, when the first temporary appeared, how long the
    master's temporary existed)."""
    start = time.monotonic()
    proc = subprocess.Popen(cli(submissions, out), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    seen: dict[str, list[float]] = {}
    while proc.poll() is None:
        now = time.monotonic() - start
        for p in temporaries(out):
            seen.setdefault(p.name, [now, now])[1] = now
        time.sleep(0.0005)
    total = time.monotonic() - start
    assert proc.wait() == 0, proc.stderr.read().decode() if proc.stderr else ""
    proc.stderr.close()  # type: ignore[union-attr]
    first = min(seen.values(), default=[total * 0.7, total * 0.9])
    return total, first[0], max(first[1] - first[0], 0.005)


def _previous_master(submissions: Path, tmp_path: Path) -> bytes:
    """A master that the runs of ``submissions`` replace (one file fewer): an unchanged
    master is left as it is, so every run of the test has something to replace."""
    fewer = tmp_path / "fewer"
    shutil.copytree(submissions, fewer)
    next(p for p in sorted(fewer.iterdir()) if p.is_file()).unlink()
    job = run_consolidate(fewer, Catalog.default(), YEAR, tmp_path / "out_fewer")
    return job.master.read_bytes()  # type: ignore[union-attr]


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and process groups are POSIX")
def test_sigkill_never_damages_the_previous_master(clean_folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    total, write_start, window = _write_window(clean_folder, out)
    master = master_path(out, YEAR)
    reference = cell_values(master)
    previous = _previous_master(clean_folder, tmp_path)
    rng = random.Random(SEED)
    intact = replaced = mid_write = 0
    log = []
    for i in range(KILLS):
        master.write_bytes(previous)
        before = previous
        stale = set(temporaries(out))  # left by an earlier kill; this run removes them
        proc = subprocess.Popen(cli(clean_folder, out), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        start = time.monotonic()
        if i % 2 == 0:  # anywhere in the run
            delay = rng.uniform(0.0, total)
            time.sleep(delay)
        else:  # while the master is being written: after its temporary appears
            deadline = start + 4 * total
            while (not set(temporaries(out)) - stale and proc.poll() is None
                   and time.monotonic() < deadline):
                time.sleep(0.0005)
            time.sleep(rng.uniform(0.0, 0.8 * window))
            delay = time.monotonic() - start
        strays_at_kill = [p.name for p in set(temporaries(out)) - stale]
        proc.send_signal(signal.SIGKILL)
        rc = proc.wait()
        signal_group(proc.pid)  # the parsing workers and the fork server, if any are left
        after = master.read_bytes()
        assert zipfile.ZipFile(master).testzip() is None
        if after == before:
            intact += 1
        else:  # the run got past the rename before the kill: the new master is complete
            assert cell_values(master) == reference, f"kill {i} after {delay:.3f} s"
            replaced += 1
        # the master's own temporary (a log's may be there after the master was renamed)
        if any(n.startswith(f"{TEMP_PREFIX}master_") for n in strays_at_kill) and \
                rc == -signal.SIGKILL:
            mid_write += 1
            assert after == before, f"kill {i} mid-write after {delay:.3f} s changed the master"
        log.append(f"{delay:.3f}s rc={rc} strays={strays_at_kill}")
        openpyxl.load_workbook(master, read_only=True).close()
    print(f"\nrun {total:.2f} s, master temporary from {write_start:.2f} s for {window:.3f} s; "
          f"kills: {log}; intact {intact}, replaced by a complete run {replaced}, "
          f"mid-write {mid_write}")
    assert intact >= KILLS // 2
    assert mid_write >= 1, "no kill landed while a temporary existed: timing off"
    assert temporaries(out), "a mid-write kill leaves its temporary (cleaned by the next run)"
    # the next successful run removes every stale temporary, and keeps the previous master
    master.write_bytes(previous)
    done = subprocess.run(cli(clean_folder, out), capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    assert temporaries(out) == []
    assert cell_values(master) == reference
    kept = list((out / HISTORY_DIR).iterdir())
    assert any(p.read_bytes() == previous for p in kept), "the previous master is kept"
    for copy in kept:
        assert zipfile.ZipFile(copy).testzip() is None, copy.name
    assert cell_values(master) == reference


# ---- one run at a time ---------------------------------------------------------------------------

@pytest.mark.slow  # two whole runs as processes, one held: in the full suite
def test_second_run_on_the_same_folder_is_refused(clean_folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with exclusive(out):
        done = subprocess.run(cli(clean_folder, out), capture_output=True, timeout=120)
    assert done.returncode == 1
    assert cli_text("output-busy", folder=str(out)) in done.stderr.decode("utf-8")
    assert "Traceback" not in done.stderr.decode("utf-8")
    assert sorted(p.name for p in out.iterdir()) == [".consolidator.lock"]
    # and once the lock is released, the same command runs
    again = subprocess.run(cli(clean_folder, out), capture_output=True, timeout=120)
    assert again.returncode == 0, again.stderr.decode()


# ---- the submissions are never touched -----------------------------------------------------------

def _snapshot(folder: Path) -> dict[str, tuple[str, int, int, int]]:
    out = {}
    for p in sorted(folder.iterdir()):
        st = p.stat()
        out[p.name] = (hashlib.sha256(p.read_bytes()).hexdigest(), st.st_mtime_ns, st.st_size,
                       stat.S_IMODE(st.st_mode))
    return out


@pytest.mark.slow  # the whole hostile folder through the CLI: the full suite's
def test_submissions_keep_bytes_and_times(hostile_folder: HostileFolder) -> None:
    folder = hostile_folder.path
    before = _snapshot(folder)
    assert len(before) == len(hostile_folder.expected) + len(hostile_folder.typed)
    m = run_measured(cli(folder, folder.parent / "out_snapshot"), 80.0, folder.parent)
    assert m.returncode == 1, m.stderr
    assert _snapshot(folder) == before


@pytest.mark.slow  # whole-job run: in the full suite, not the fast loop
def test_rerun_gives_the_same_master_and_logs(hostile_folder: HostileFolder,
                                              default_catalog: Catalog) -> None:
    folder = hostile_folder.path
    before = _snapshot(folder)
    out = folder.parent / "out_rerun"
    first = run_consolidate(folder, default_catalog, YEAR, out)
    first_written = first.master.stat().st_mtime_ns  # type: ignore[union-attr]
    runs: list[dict[str, Any]] = []
    for _ in range(2):
        job = first if not runs else run_consolidate(folder, default_catalog, YEAR, out)
        runs.append({
            "master": cell_values(job.master),  # type: ignore[arg-type]
            "log": cell_values(job.logs["xlsx"]),
            "csv": job.logs["csv"].read_bytes(),
            "jsonl": job.logs["jsonl"].read_bytes(),
        })
    assert runs[0] == runs[1]
    assert _snapshot(folder) == before
    # the second master would have said what the first says: the first is left as it is
    assert job.master == first.master and not job.master_changed and first.master_changed
    assert first.master.stat().st_mtime_ns == first_written  # type: ignore[union-attr]
    assert not (out / HISTORY_DIR).exists()


# ---- what the previous master keeps around it ----------------------------------------------------

@pytest.mark.skipif(sys.platform == "win32", reason="Windows has no POSIX file modes")
def test_rerun_keeps_the_masters_permissions(mini_templates: dict[str, Path],
                                            mini_catalog: Catalog, tmp_path: Path) -> None:
    folder = tmp_path / "s"
    submit_all(mini_templates, folder)
    out = tmp_path / "out"
    job = run_consolidate(folder, mini_catalog, YEAR, out)
    job.master.chmod(0o644)  # type: ignore[union-attr]
    next(folder.iterdir()).unlink()  # the next master differs: it replaces this one
    assert run_consolidate(folder, mini_catalog, YEAR, out).master_changed
    assert stat.S_IMODE(master_path(out, YEAR).stat().st_mode) == 0o644


def test_a_failed_history_copy_leaves_no_truncated_master(mini_templates: dict[str, Path],
                                                          mini_catalog: Catalog, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    folder = tmp_path / "s"
    submit_all(mini_templates, folder)
    out = tmp_path / "out"
    run_consolidate(folder, mini_catalog, YEAR, out)
    before = master_path(out, YEAR).read_bytes()
    next(folder.iterdir()).unlink()  # the next master differs: the old one is to be kept

    def disk_full(src: Any, dst: Any, **kw: Any) -> None:
        Path(dst).write_bytes(Path(src).read_bytes()[:1000])
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(shutil, "copy2", disk_full)
    with pytest.raises(OSError):
        run_consolidate(folder, mini_catalog, YEAR, out)
    assert master_path(out, YEAR).read_bytes() == before
    # the copy of the previous master into the history failed: nothing of it is left there,
    # and no temporary file anywhere in the output folder
    assert list((out / HISTORY_DIR).iterdir()) == []
    assert sorted(out.rglob(TEMP_PREFIX + "*")) == []


def _rewritten(src: Path, dst: Path, part: str, change: Any) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            zout.writestr(info, change(data) if info.filename == part else data)
    return dst


def test_only_the_time_of_writing_makes_no_new_master(mini_templates: dict[str, Path],
                                                      mini_catalog: Catalog,
                                                      tmp_path: Path) -> None:
    folder = tmp_path / "s"
    submit_all(mini_templates, folder)
    master = run_consolidate(folder, mini_catalog, YEAR, tmp_path / "out").master
    assert master is not None
    later = _rewritten(master, tmp_path / "later.xlsx", "docProps/core.xml",
                       lambda b: b.replace(b"<dcterms:created", b"<dcterms:created "))
    edited = _rewritten(master, tmp_path / "edited.xlsx", "xl/worksheets/sheet1.xml",
                        lambda b: b.replace(b"</sheetData>", b"<row r=\"9999\"/></sheetData>"))
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(master.read_bytes()[:500])
    assert master.read_bytes() != later.read_bytes()
    assert same_workbook(later, master) and same_workbook(master, master)
    assert not same_workbook(edited, master) and not same_workbook(broken, master)
    assert not same_workbook(master, tmp_path / "missing.xlsx")


def test_reruns_on_the_same_files_keep_no_copies(mini_templates: dict[str, Path],
                                                 mini_catalog: Catalog, tmp_path: Path) -> None:
    """Re-running many times a day while nothing changed: the history keeps the masters
    that differ, not ten copies of today's."""
    folder, out = tmp_path / "s", tmp_path / "out"
    submit_all(mini_templates, folder)
    runs = [run_consolidate(folder, mini_catalog, YEAR, out) for _ in range(3)]
    assert [j.master_changed for j in runs] == [True, False, False]
    assert not (out / HISTORY_DIR).exists()
    first = master_path(out, YEAR).read_bytes()
    next(folder.iterdir()).unlink()
    changed = run_consolidate(folder, mini_catalog, YEAR, out)
    assert changed.master_changed and changed.kept is not None
    assert [p.read_bytes() for p in (out / HISTORY_DIR).iterdir()] == [first]
    said = CliRunner().invoke(main, ["consolidate", str(folder), "--out", str(out), "--year",
                                     str(YEAR), "--plan", str(MINI_PLAN)]).output
    assert cli_text("master-unchanged", path=master_path(out, YEAR)) in said
    assert len(list((out / HISTORY_DIR).iterdir())) == 1
