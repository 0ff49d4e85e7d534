"""Benchmark ``consolidate`` against the floor and the naive script, on the same files.

    python3 scripts/bench_consolidate.py                     # N = 17, 1000 and 10000
    python3 scripts/bench_consolidate.py -n 17 -n 1000 --repeat 5
    python3 scripts/bench_consolidate.py -n 1000 --pandas-sample 200 --keep /tmp/bench
    python3 scripts/bench_consolidate.py -n 1000 --pandas-sample 200 --keep /tmp/bench --reuse
    python3 scripts/bench_consolidate.py -n 200 --compare-isolation 3 --no-startup
    python3 scripts/bench_consolidate.py -n 1000 --only-profile       # where the time goes
    python3 scripts/bench_consolidate.py -n 17 --desk 5               # the desk's 集約
    python3 scripts/bench_consolidate.py --only-desk 9                # only the desk's 集約

Builds the 17 templates of the default plan, fills each the way a department would, then makes
N submissions from them (N = 17: the 17 filled templates themselves; more: per-department
variants whose texts, numbers and file times differ, each with its own name). For each N it
runs, each as a whole process (interpreter start and imports included) and ``--repeat``
times, interleaved:

* ``consolidate`` cold: a fresh output folder (no result cache, no ledger);
* ``consolidate`` warm, nothing changed: the same output folder again;
* ``consolidate`` warm, one file changed: one value of one file changed by one byte;
* the floor: python-calamine reading every value of every sheet of every file, plus the
  defined names (read from ``xl/workbook.xml`` with the standard library: python-calamine
  0.9 does not give them), one process;
* the naive script: ``pandas.read_excel(path, sheet_name=None)`` per file, one process
  (``--pandas-repeat`` times, default once; ``--pandas-sample K`` times K files of N spread
  evenly and scales the time to N, said in the table).

It prints the median wall time, files per second, the ratios the targets are stated in
(cold ÷ floor, pandas ÷ cold, warm ÷ cold) and the peak memory: the largest RSS summed over
the process's whole tree (the fork server and the reading workers included), sampled every
20 ms. (Not ``ru_maxrss``: on Linux a child started from this process reports at least this
process's own size, ~55 MiB, whatever it uses.) The machine is shared: the load average is
printed before and after, and every time is a median. Then the CLI's start-up
(``consolidator --help``, median of 9) and the target lines. The last table printed is the
one in the README's developer section.

``--profile`` (or ``--only-profile``, without the timings) prints for each N where the time
of a cold and of a warm (nothing changed) run goes: start-up (interpreter, imports,
options), hashing, the caches, the safety scan, reading, checks, master writing, logs,
feedback and ledger, in seconds and shares of the run, one run each under cProfile (slower
than the wall times; the shares are what to read). The reading children are not profiled
from the parent: the parent's wait for them is split by a profile of their task run in this
process on a sample of the files.

``--desk R`` times the desk's server work in this process (as the running desk has it:
imported, its fork server up), on the 17 filled templates: 集約 with nothing changed, an
upload (the file checked in an isolated child), and 集約 after that upload; medians of R.
集約's server time is until it answers (master, logs, department files, the published report's
HTML and open data); the PDF and the Word file are drawn after it in a child process
(:mod:`consolidator.jobs.drawing`): how long from 集約's start until they are in place is
timed apart, and waited for before the next step.

Python's bytecode cache is on for every measured process, in the work folder
(``PYTHONPYCACHEPREFIX``), and each program runs once unmeasured first: an installed toolkit
has its bytecode. (This development machine sets ``PYTHONDONTWRITEBYTECODE``; then every run
compiles the toolkit's modules again, ~0.1 s more per process: ``--no-bytecode`` measures
that.)
"""

from __future__ import annotations

import argparse
import io
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from helpers.processes import Measured, run_measured  # noqa: E402

STATUS_TEXT = "実施しました。"
TIMEOUT_S = 3600.0


# ---- the submissions -----------------------------------------------------------------------------

def filled_17(folder: Path) -> list[Path]:
    from consolidator.jobs.filling import fill_fields
    from consolidator.plan.catalog import Catalog
    from consolidator.reading.field_map import field_map
    from consolidator.templates.generate import generate_templates

    catalog = Catalog.default()
    templates = generate_templates(catalog, catalog.report_year, folder / "templates")
    out = []
    for t in templates:
        values: dict[str, Any] = {}
        for row in field_map(t):
            if row["role"] in ("status", "plan"):
                values[row["field_id"]] = f"{STATUS_TEXT}({row['field_id']})"
            elif row["role"] == "value":
                values[row["field_id"]] = 12
        target = folder / "filled" / t.name
        target.parent.mkdir(parents=True, exist_ok=True)
        fill_fields(t, target, values)
        out.append(target)
    return out


def variant(src: bytes, k: int, twelve: int | None = None) -> bytes:
    """Copy ``k`` of a filled workbook: its texts say which copy it is, its numbers differ
    (each value 12 is ``twelve``, default ``12 + k % 7``)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(src)) as zin, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename.startswith("xl/worksheets/"):
                data = data.replace(STATUS_TEXT.encode(), f"{STATUS_TEXT}[{k}]".encode())
                data = re.sub(rb"<v>12</v>", f"<v>{12 + k % 7 if twelve is None else twelve}</v>"
                              .encode(), data)
            zout.writestr(info, data)
    return out.getvalue()


def build_submissions(n: int, filled: list[Path], folder: Path, seed: int = 1) -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    rng = random.Random(seed)
    base_time = time.time() - 30 * 86400
    sources = [p.read_bytes() for p in filled]
    for i in range(n):
        j = i % len(filled)
        k = i // len(filled)
        name = filled[j].name if k == 0 else f"{filled[j].stem}_再送{k}.xlsx"
        target = folder / name
        target.write_bytes(sources[j] if k == 0 else variant(sources[j], k))
        t = base_time + rng.uniform(0, 29 * 86400)
        os.utime(target, (t, t))
    return folder


def change_one_value(folder: Path, turn: int) -> None:
    """One number of one file changed by one byte (12 ↔ 13 on alternate turns), the file's
    name and time kept: what a re-sent correction looks like to the cache."""
    path = sorted(folder.iterdir())[0]
    old, new = (b"<v>12</v>", b"<v>13</v>") if turn % 2 == 0 else (b"<v>13</v>", b"<v>12</v>")
    stat = path.stat()
    with zipfile.ZipFile(path) as zin:
        parts = [(info, zin.read(info)) for info in zin.infolist()]
    sheets = [data for info, data in parts if info.filename.startswith("xl/worksheets/")]
    if not any(old in data for data in sheets):  # a folder kept (--reuse): the other way
        old, new = new, old
    out = io.BytesIO()
    changed = False
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in parts:
            if not changed and info.filename.startswith("xl/worksheets/") and old in data:
                data, changed = data.replace(old, new, 1), True
            zout.writestr(info, data)
    if not changed:
        raise SystemExit(f"no {old!r} in {path}")
    path.write_bytes(out.getvalue())
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


# ---- what is measured ----------------------------------------------------------------------------

FLOOR = r"""
import sys, zipfile
from pathlib import Path
from xml.etree import ElementTree as ET
import python_calamine

M = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
cells = names = 0
for path in sorted(Path(sys.argv[1]).iterdir()):
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    for sheet in book.sheet_names:
        for row in book.get_sheet_by_name(sheet).to_python():
            cells += len(row)
    book.close()
    with zipfile.ZipFile(path) as zf:
        root = ET.fromstring(zf.read("xl/workbook.xml"))
    names += sum(1 for _ in root.iter(M + "definedName"))
print(cells, names)
"""

NAIVE = r"""
import sys
from pathlib import Path
import pandas

files = sorted(Path(sys.argv[1]).iterdir())
step = max(1, len(files) // int(sys.argv[2])) if len(sys.argv) > 2 else 1
rows = 0
for path in files[::step]:
    for frame in pandas.read_excel(path, sheet_name=None).values():
        rows += len(frame)
print(rows)
"""


def consolidate(folder: Path, out: Path, portable: bool | None = None, *,
                fresh: bool = True) -> Measured:
    """One ``consolidate`` in a subprocess (``fresh``: into a new output folder);
    ``portable``: with CONSOLIDATOR_PORTABLE=1 (spawn + psutil watch) or =0 (Linux:
    forkserver + RLIMIT_AS); None: as the environment says."""
    if fresh and out.exists():
        shutil.rmtree(out)
    saved = os.environ.get("CONSOLIDATOR_PORTABLE")
    if portable is not None:
        os.environ["CONSOLIDATOR_PORTABLE"] = "1" if portable else "0"
    try:
        m = run_measured([sys.executable, "-m", "consolidator", "consolidate", str(folder),
                          "--out", str(out)], timeout_s=TIMEOUT_S)
    finally:
        if saved is None:
            os.environ.pop("CONSOLIDATOR_PORTABLE", None)
        else:
            os.environ["CONSOLIDATOR_PORTABLE"] = saved
    if m.returncode not in (0, 1):
        raise SystemExit(f"consolidate failed ({m.returncode}):\n{m.stderr[-3000:]}")
    return m


def python(code: str, *args: str) -> Measured:
    m = run_measured([sys.executable, "-c", code, *args], timeout_s=TIMEOUT_S)
    if m.returncode != 0:
        raise SystemExit(f"script failed ({m.returncode}):\n{m.stderr[-3000:]}")
    return m


@dataclass
class Runs:
    """The measurements of one thing for one N."""

    label: str
    runs: list[Measured] = field(default_factory=list)
    scale: float = 1.0  # the naive script on a sample: its time × N / sample

    @property
    def wall(self) -> float:
        return statistics.median(m.wall_s for m in self.runs) * self.scale

    @property
    def tree_peak(self) -> int:
        return max(m.tree_peak_bytes for m in self.runs)

    def spread(self) -> str:
        return " ".join(f"{m.wall_s * self.scale:.2f}" for m in self.runs)


def measure(n: int, folder: Path, out: Path, repeat: int, pandas_repeat: int,
            pandas_sample: int | None) -> dict[str, Runs]:
    runs = {key: Runs(label) for key, label in (
        ("cold", "consolidate, cold"), ("warm0", "consolidate, warm (nothing changed)"),
        ("warm1", "consolidate, warm (one file changed)"),
        ("floor", "python-calamine floor, one process"),
        ("pandas", "pandas.read_excel(sheet_name=None) loop"))}
    for turn in range(repeat):
        runs["cold"].runs.append(consolidate(folder, out))
        runs["warm0"].runs.append(consolidate(folder, out, fresh=False))
        change_one_value(folder, turn)
        runs["warm1"].runs.append(consolidate(folder, out, fresh=False))
        runs["floor"].runs.append(python(FLOOR, str(folder)))
    sample = pandas_sample if pandas_sample and pandas_sample < n else None
    for _ in range(pandas_repeat):
        runs["pandas"].runs.append(python(NAIVE, str(folder), *([str(sample)] if sample else [])))
    if sample:
        taken = len(range(0, n, max(1, n // sample)))
        runs["pandas"].scale = n / taken
        runs["pandas"].label += f" ({taken:,} of {n:,} files, time scaled)"
    return runs


# ---- where the time goes (--profile) -------------------------------------------------------------

# The phases of a run in the parent process: (label, [(file ending, function)]) whose
# cumulative times (cProfile) make the phase. The reading children's share (the parent waits
# for them in run_isolated) is split by an in-process profile of their task (CHILD_PHASES).
# The folder's whole result (issue 27): read, decoded and kept within validate_folder.
FOLDER_ROW = [("cache/folder.py", "decode_folder"), ("cache/folder.py", "encode_folder"),
              ("cache/store.py", "stored_folder"), ("cache/store.py", "put_folder")]
PARENT_PHASES = [
    ("hashing (each file read once + SHA-256)", [("safety/package.py", "read_package")]),
    ("cache (result cache look-ups and stores, output cache)",
     [("cache/store.py", "get"), ("cache/store.py", "put"), ("cache/store.py", "open_cache"),
      ("cache/store.py", "close"), ("cache/outputs.py", "open_outputs"),
      ("cache/outputs.py", "unchanged"), ("cache/outputs.py", "wrote"),
      ("cache/outputs.py", "inputs_digest"), *FOLDER_ROW]),
    ("checks in the parent (choosing, duplicates)", [("checks/validation.py", "validate_folder")]),
    ("master writing (merge + workbook)", [("report/master_writer.py", "write_master"),
                                          ("report/merge.py", "consolidate")]),
    ("logs, 提出状況 and next year's catalog", [("validation_log.py", "write_logs"),
                                              ("report/next_plan.py", "next_catalog"),
                                              ("plan/catalog.py", "dump_json")]),
    ("feedback (annotated workbooks, drafts)",
     [("feedback/department_files.py", "write_department_files")]),
    ("ledger", [("jobs/correction.py", "recorded_in_ledger")]),
]
CHILD_PHASES = [
    ("safety scan (child)", [("safety/file_check.py", "check_file"),
                             ("safety/content_scan.py", "scan_parts")]),
    ("reading (child)", [("reading/workbook.py", "read_workbook")]),
]


def _cumulative(stats: dict[Any, Any], wanted: list[tuple[str, str]]) -> float:
    return sum(v[3] for (path, _, func), v in stats.items()
               if any(path.endswith(end) and func == name for end, name in wanted))


def parent_profile(folder: Path, out: Path, work: Path, *, fresh: bool
                   ) -> tuple[dict[str, float], float]:
    """One ``consolidate`` under cProfile: seconds per phase (the children's share as one
    entry, ``children``) and the profiled total."""
    import pstats

    if fresh and out.exists():
        shutil.rmtree(out)
    prof = work / "consolidate.prof"
    subprocess.run([sys.executable, "-m", "cProfile", "-o", str(prof), "-m", "consolidator",
                    "consolidate", str(folder), "--out", str(out)], check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=TIMEOUT_S)
    stats = pstats.Stats(str(prof)).stats  # type: ignore[attr-defined]
    total = max(v[3] for v in stats.values())
    job = _cumulative(stats, [("jobs/runs.py", "run_consolidate")])
    phases = {label: _cumulative(stats, wanted) for label, wanted in PARENT_PHASES}
    checks = "checks in the parent (choosing, duplicates)"
    isolated = _cumulative(stats, [("safety/isolation.py", "run_isolated")])
    inside = _cumulative(stats, [("safety/package.py", "read_package"), ("cache/store.py", "get")])
    phases["children"] = max(0.0, isolated - inside)
    # validate_folder also holds the folder's row (cache) and the files hashed for it (hashing)
    hashed_for_row = sum(
        by_caller[3] for (path, _, func), v in stats.items()
        if path.endswith("safety/package.py") and func == "read_package"
        for (c_path, _, c_func), by_caller in v[4].items()
        if c_path.endswith("checks/validation.py") and c_func == "_hashed")
    phases[checks] = max(0.0, phases[checks] - isolated - _cumulative(stats, FOLDER_ROW)
                         - hashed_for_row)
    phases["other (in the run)"] = max(0.0, job - sum(phases.values()))
    phases["start-up (interpreter, imports, the plan; the summary printed)"] = total - job
    return phases, total


def child_profile(folder: Path, sample: int = 40) -> dict[str, float]:
    """The reading children's task, in this process on ``sample`` files: the share of each
    child phase (the rest: the checks of the fields and values, and the record)."""
    import cProfile
    import pstats

    from consolidator.checks.checked_files import _check_item, file_to_check
    from consolidator.limits import DEFAULT_LIMITS
    from consolidator.plan.catalog import Catalog

    catalog = Catalog.default()
    files = sorted(folder.iterdir())
    files = files[::max(1, len(files) // sample)]
    items = [file_to_check(p, p.name, DEFAULT_LIMITS) for p in files]
    profiler = cProfile.Profile()
    for item in items:
        profiler.runcall(_check_item, catalog, catalog.report_year, DEFAULT_LIMITS, item)
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    total = _cumulative(stats, [("checks/checked_files.py", "_check_item")])
    shares = {label: _cumulative(stats, wanted) / total for label, wanted in CHILD_PHASES}
    shares["checks (child: fields, values, record)"] = 1.0 - sum(shares.values())
    return shares


def profile(n: int, folder: Path, out: Path, work: Path) -> list[str]:
    """The share of each phase of a cold and a warm (nothing changed) run, one run each."""
    shares = child_profile(folder)
    rows: dict[str, dict[str, float]] = {}
    totals = {}
    for label, fresh in (("cold", True), ("warm", False)):
        phases, totals[label] = parent_profile(folder, out, work, fresh=fresh)
        children = phases.pop("children")
        for phase, share in shares.items():
            phases[phase] = children * share
        for phase, seconds in phases.items():
            rows.setdefault(phase, {})[label] = seconds
    lines = [f"where the time goes, N = {n:,} (cProfile, one run each; the children's wait "
             f"split by an in-process profile of their task on a sample)",
             "| phase | cold s | cold % | warm s | warm % |", "|---|---:|---:|---:|---:|"]
    for phase, by in sorted(rows.items(), key=lambda kv: -kv[1].get("cold", 0.0)):
        lines.append(f"| {phase} | {by.get('cold', 0):.2f} | "
                     f"{100 * by.get('cold', 0) / totals['cold']:.0f} | {by.get('warm', 0):.2f} | "
                     f"{100 * by.get('warm', 0) / totals['warm']:.0f} |")
    lines.append(f"| total (profiled: slower than the wall times above) | {totals['cold']:.2f} | "
                 f"100 | {totals['warm']:.2f} | 100 |")
    return lines


# ---- the desk (--desk) --------------------------------------------------------------------------

def desk(work: Path, filled: list[Path], repeat: int) -> list[str]:
    """The desk's server time, in this process as the running desk has it (its imports done,
    its fork server up): 集約 with nothing changed, and 集約 after one upload (a department's
    file sent again with other values), ``repeat`` times each; medians. For 集約 after the
    upload also the time until the PDF and the Word file drawn after it are in place."""
    from consolidator.desk.project import Project
    from consolidator.desk.workspace import Upload, Workspace
    from consolidator.plan.catalog import Catalog

    root = work / "desk"
    if root.exists():
        shutil.rmtree(root)
    (root / "submissions").mkdir(parents=True)
    for path in filled:
        shutil.copy(path, root / "submissions" / path.name)
    catalog = Catalog.default()
    workspace = Workspace(Project(root, catalog, catalog.report_year))
    # (A toolkit from before issue 27's background drawing, measured for comparison with
    # this script, draws every form within 集約.)
    background = hasattr(workspace, "drawings")
    for _ in range(2):  # the second: the published report's page file now in place
        workspace.consolidate()
        if background:
            workspace.drawings.wait(600)

    def timed(step: Any) -> float:
        start = time.perf_counter()
        step()
        return time.perf_counter() - start

    # The departments whose file holds a 12 to change: each upload changes the published
    # report (the filled texts are not STATUS_TEXT, so variant() leaves most files as they were).
    changing = [p for p in filled if _holds_twelve(p.read_bytes())]
    same, upload, after, drawn = [], [], [], []
    try:
        for k in range(1, repeat + 1):
            same.append(timed(workspace.consolidate))
            assert not background or not workspace.drawing().drawing, "drawn again"
            source = changing[k % len(changing)]
            sent = Upload(f"再送{k}_{source.name}",
                          io.BytesIO(variant(source.read_bytes(), k, twelve=100 + k)))
            upload.append(timed(lambda sent=sent: workspace.upload([sent])))
            start = time.perf_counter()
            workspace.consolidate()
            after.append(time.perf_counter() - start)
            if background:
                assert workspace.drawings.wait(600)
                assert not workspace.drawing().failed, workspace.drawing().findings
            drawn.append(time.perf_counter() - start)
    finally:
        if background:
            workspace.close()
    return [f"desk, 17 departments (server time, median of {repeat}): 集約 with nothing "
            f"changed {statistics.median(same):.3f} s; an upload (checked in a child) "
            f"{statistics.median(upload):.3f} s; 集約 after it {statistics.median(after):.3f} s"
            f" (target < 0.2 s), its PDF and Word file in place (drawn in a child after 集約 "
            f"answered) {statistics.median(drawn):.3f} s after 集約 began",
            f"  runs: nothing changed {_runs(same)}; upload {_runs(upload)}; "
            f"集約 after it {_runs(after)}; drawn {_runs(drawn)}"]


def _holds_twelve(src: bytes) -> bool:
    with zipfile.ZipFile(io.BytesIO(src)) as z:
        return any(b"<v>12</v>" in z.read(n) for n in z.namelist()
                   if n.startswith("xl/worksheets/"))


def _runs(times: list[float]) -> str:
    return " ".join(f"{t:.3f}" for t in times)


# ---- printing ------------------------------------------------------------------------------------

def table(results: dict[int, dict[str, Runs]]) -> list[str]:
    lines = ["| N | what | wall s (median) | runs | files/s | ratio | peak MiB |",
             "|---:|---|---:|---|---:|---|---:|"]
    for n, runs in results.items():
        cold, floor = runs["cold"].wall, runs["floor"].wall
        ratio = {"cold": f"{cold / floor:.2f}× floor",
                 "warm0": f"{runs['warm0'].wall / cold:.2f}× cold",
                 "warm1": f"{runs['warm1'].wall / cold:.2f}× cold",
                 "floor": "1×",
                 "pandas": f"{runs['pandas'].wall / cold:.1f}× cold"}
        for key, r in runs.items():
            lines.append(f"| {n:,} | {r.label} | {r.wall:.2f} | {r.spread()} | "
                         f"{n / r.wall:,.0f} | {ratio[key]} | {r.tree_peak / 2**20:,.0f} |")
    return lines


def targets(results: dict[int, dict[str, Runs]], help_s: float | None) -> list[str]:
    """The lines of the targets of issue 27, from the medians measured."""
    out = []
    if 1000 in results:
        r = results[1000]
        cold = r["cold"].wall
        out += [f"cold 1,000: {cold / r['floor'].wall:.2f}× the calamine floor (target ≤ 2.0×)",
                f"cold 1,000: {r['pandas'].wall / cold:.1f}× faster than the pandas loop "
                f"(target ≥ 10×)",
                f"warm 1,000, nothing changed: {r['warm0'].wall / cold:.2f}× cold "
                f"(target ≤ 0.1×)",
                f"warm 1,000, one file changed: {r['warm1'].wall / cold:.2f}× cold "
                f"(target ≤ 0.15×)"]
    if 17 in results:
        r = results[17]
        out.append(f"17 (default plan) as a whole process: warm, nothing changed "
                   f"{r['warm0'].wall:.2f} s, one file changed {r['warm1'].wall:.2f} s "
                   f"(target < 0.35 s); cold {r['cold'].wall:.2f} s (target < 0.8 s)")
    if 10000 in results:
        r = results[10000]
        out.append(f"cold 10,000: {r['cold'].wall / r['floor'].wall:.2f}× the calamine floor "
                   f"(target ≤ 2.0×)")
    if 1000 in results and 10000 in results:
        a, b = results[1000]["cold"], results[10000]["cold"]
        out.append(f"peak memory of cold consolidate at 10,000 ÷ at 1,000: "
                   f"{b.tree_peak / 2**20:,.0f} ÷ {a.tree_peak / 2**20:,.0f} MiB = "
                   f"{b.tree_peak / a.tree_peak:.2f}× (target ≤ 1.3×)")
    if help_s is not None:
        out.append(f"consolidator --help: {help_s * 1e3:.0f} ms (target < 300 ms)")
    return out


def startup() -> tuple[float, list[tuple[int, int, str]]]:
    runs = []
    for _ in range(9):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "consolidator", "--help"], check=True,
                       stdout=subprocess.DEVNULL)
        runs.append(time.perf_counter() - start)
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", "import consolidator.cli"],
                          capture_output=True, text=True, check=True)
    rows = []
    for line in done.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)", line)
        if m:
            rows.append((int(m.group(2)), int(m.group(1)), m.group(3).count(" ") // 2 * " "
                         + m.group(4)))
    rows.sort(reverse=True)
    return statistics.median(runs), rows


def load() -> str:
    one, five, fifteen = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} cores)"


def compare_isolation(folders: dict[str, Path], work: Path, repeat: int) -> None:
    """Both ways to isolate the reading workers on the same folders, alternating, ``repeat``
    times each, cold: the median wall time and the largest process-tree peak."""
    print(f"{'files':>8} {'isolation':<22} {'median wall s':>14} {'runs':>24} "
          f"{'tree peak MiB':>14}")
    for label, folder in folders.items():
        runs: dict[bool, list[Measured]] = {False: [], True: []}
        for _ in range(repeat):
            for portable in (False, True):
                runs[portable].append(consolidate(folder, work / "out_cmp", portable))
        for portable, measured in runs.items():
            name = "spawn + psutil watch" if portable else "forkserver + RLIMIT_AS"
            walls = [m.wall_s for m in measured]
            print(f"{label:>8} {name:<22} {statistics.median(walls):>14.2f} "
                  f"{' '.join(f'{w:.2f}' for w in walls):>24} "
                  f"{max(m.tree_peak_bytes for m in measured) / 2**20:>14.0f}", flush=True)


@contextmanager
def work_folder(keep: Path | None, prefix: str, *, bytecode: bool = True) -> Iterator[Path]:
    """The work folder: ``keep``, or a temporary one removed at the end. With ``bytecode``,
    Python's bytecode cache is on for every process started, in that folder."""
    work = keep or Path(tempfile.mkdtemp(prefix=prefix))
    if bytecode:
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
        os.environ["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    try:
        yield work
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("-n", "--n", dest="n", type=int, action="append",
                    help="number of submissions (repeatable; default 17, 1000 and 10000)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each consolidate and of "
                                                           "the floor per N (default 3)")
    ap.add_argument("--pandas-repeat", type=int, default=1, help="runs of the pandas loop")
    ap.add_argument("--pandas-sample", type=int, metavar="K",
                    help="read K files of N with pandas and scale the time (default: all)")
    ap.add_argument("--keep", type=Path, help="work folder to keep (default: a temporary one)")
    ap.add_argument("--reuse", action="store_true",
                    help="with --keep: use the submissions a run kept there (subsN holding N "
                         "files) instead of building them again")
    ap.add_argument("--no-startup", action="store_true", help="skip the start-up timings")
    ap.add_argument("--no-bytecode", action="store_true",
                    help="leave the environment's bytecode settings as they are")
    ap.add_argument("--profile", action="store_true",
                    help="also print, for each N, the share of each phase of a cold and a "
                         "warm run (start-up, hashing, cache, safety scan, reading, checks, "
                         "master, logs, feedback, ledger)")
    ap.add_argument("--desk", type=int, metavar="REPEAT", default=0,
                    help="also time the desk's 集約 (nothing changed, and after an upload), "
                         "in this process, REPEAT times")
    ap.add_argument("--only-desk", type=int, metavar="REPEAT", default=0,
                    help="only the desk's timings (--desk REPEAT), no consolidate runs")
    ap.add_argument("--only-profile", action="store_true",
                    help="--profile without the timings (builds the submissions and profiles)")
    ap.add_argument("--compare-isolation", type=int, metavar="REPEAT", default=0,
                    help="also run every N cold both ways (forkserver + RLIMIT_AS, and spawn "
                         "+ psutil as on Windows), REPEAT times each")
    args = ap.parse_args(argv)
    sizes = args.n or [17, 1000, 10000]
    help_s = None
    with work_folder(args.keep, "bench-consolidate-", bytecode=not args.no_bytecode) as work:
        print(f"{load()} at the start")
        if not args.no_startup:
            help_s, rows = startup()
            print(f"start-up: python3 -m consolidator --help  median of 9: {help_s * 1e3:.0f} ms")
            print("import time of consolidator.cli (cumulative µs, self µs, module), top 8:")
            for cumulative, own, name in rows[:8]:
                print(f"  {cumulative:>9,} {own:>9,}  {name}")
        t0 = time.perf_counter()
        filled = filled_17(work)
        print(f"built and filled the 17 templates in {time.perf_counter() - t0:.1f} s")
        consolidate(work / "filled", work / "warm_up")  # each program once, unmeasured
        python(FLOOR, str(work / "filled"))
        python(NAIVE, str(work / "filled"), "3")
        if args.only_desk:
            print("\n".join(desk(work, filled, args.only_desk)))
            print(f"{load()} at the end")
            return 0
        results: dict[int, dict[str, Runs]] = {}
        for n in sizes:
            folder = work / f"subs{n}"
            if not (args.reuse and folder.is_dir() and len(list(folder.iterdir())) == n):
                build_submissions(n, filled, folder)
            if args.only_profile:
                print("\n".join(profile(n, folder, work / f"prof{n}", work)), flush=True)
                continue
            results[n] = measure(n, folder, work / f"out{n}", args.repeat, args.pandas_repeat,
                                 args.pandas_sample)
            print(f"N = {n:,} done ({load()})", flush=True)
        if args.only_profile:
            if args.desk:
                print("\n".join(desk(work, filled, args.desk)))
            return 0
        print()
        print("\n".join(table(results)))
        print()
        print("\n".join(targets(results, help_s)))
        if args.desk:
            print("\n".join(desk(work, filled, args.desk)))
        if args.profile:
            for n in sizes:
                print()
                print("\n".join(profile(n, work / f"subs{n}", work / f"prof{n}", work)))
        print(f"{load()} at the end")
        if args.compare_isolation:
            print()
            compare_isolation({str(n): work / f"subs{n}" for n in sizes}, work,
                              args.compare_isolation)
    return 0


if __name__ == "__main__":
    sys.exit(main())
