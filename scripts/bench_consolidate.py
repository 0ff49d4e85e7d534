"""Benchmark ``consolidate`` on N returned workbooks, and the CLI's start-up.

    python3 scripts/bench_consolidate.py              # N = 1000
    python3 scripts/bench_consolidate.py -n 17 -n 200 -n 1000 --keep /tmp/bench
    python3 scripts/bench_consolidate.py -n 200 --compare-isolation 3 --no-startup

Builds the 17 templates of the default plan, fills each the way a department would, then makes
N submissions from them: per-unit variants (the texts and numbers differ per copy, and so do
the file times — the re-sends the choose rule sorts out), each with its own name. Runs
``python3 -m consolidator consolidate`` on them in a subprocess and reports

* wall time and files per second;
* peak memory: ``ru_maxrss`` of the CLI process (from ``os.wait4``, which — like
  ``getrusage(RUSAGE_CHILDREN)`` — only covers descendants the process waited for: the
  parsing workers are children of the multiprocessing fork server, which nobody waits for),
  and the peak of the RSS summed over the whole process tree, sampled every 20 ms from /proc;
* CLI start-up: ``python3 -m consolidator --help`` (median of 5) and the top entries of
  ``python3 -X importtime -c "import consolidator.cli"``.
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
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from helpers.processes import Measured, run_measured  # noqa: E402

STATUS_TEXT = "実施しました。"


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


def variant(src: bytes, k: int) -> bytes:
    """Copy ``k`` of a filled workbook: its texts say which copy it is, its numbers differ."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(src)) as zin, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename.startswith("xl/worksheets/"):
                data = data.replace(STATUS_TEXT.encode(), f"{STATUS_TEXT}[{k}]".encode())
                data = re.sub(rb"<v>12</v>", f"<v>{12 + k % 7}</v>".encode(), data)
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


# ---- start-up ------------------------------------------------------------------------------------

def startup() -> tuple[float, list[tuple[int, int, str]]]:
    runs = []
    for _ in range(5):
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


# ---- main ----------------------------------------------------------------------------------------

def consolidate(folder: Path, out: Path, portable: bool | None = None) -> Measured:
    """One ``consolidate`` in a subprocess; ``portable``: with CONSOLIDATOR_PORTABLE=1 (spawn
    + psutil watch) or =0 (Linux: forkserver + RLIMIT_AS); None: as the environment says."""
    if out.exists():
        shutil.rmtree(out)
    saved = os.environ.get("CONSOLIDATOR_PORTABLE")
    if portable is not None:
        os.environ["CONSOLIDATOR_PORTABLE"] = "1" if portable else "0"
    try:
        return run_measured([sys.executable, "-m", "consolidator", "consolidate", str(folder),
                             "--out", str(out)], timeout_s=3600.0)
    finally:
        if saved is None:
            os.environ.pop("CONSOLIDATOR_PORTABLE", None)
        else:
            os.environ["CONSOLIDATOR_PORTABLE"] = saved


def compare_isolation(folders: dict[str, Path], work: Path, repeat: int) -> None:
    """Both ways to isolate the reading workers on the same folders, alternating, ``repeat``
    times each: the median wall time and the largest process-tree peak."""
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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, action="append", help="number of submissions (repeatable; "
                                                          "default 1000)")
    ap.add_argument("--keep", type=Path, help="work folder to keep (default: a temporary one)")
    ap.add_argument("--no-startup", action="store_true", help="skip the start-up timings")
    ap.add_argument("--compare-isolation", type=int, metavar="REPEAT", default=0,
                    help="also run the 17 and every N both ways (forkserver + RLIMIT_AS, and "
                         "spawn + psutil as on Windows), REPEAT times each")
    args = ap.parse_args(argv)
    sizes = args.n or [1000]
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-consolidate-"))
    try:
        if not args.no_startup:
            median, rows = startup()
            print(f"start-up: python3 -m consolidator --help  median of 5: {median * 1e3:.0f} ms")
            print("import time of consolidator.cli (cumulative µs, self µs, module), top 12:")
            for cumulative, own, name in rows[:12]:
                print(f"  {cumulative:>9,} {own:>9,}  {name}")
            print()
        t0 = time.perf_counter()
        filled = filled_17(work)
        print(f"built and filled the 17 templates in {time.perf_counter() - t0:.1f} s")
        m = consolidate(work / "filled", work / "out17")
        print(f"consolidate of the 17 filled: {m.wall_s:.2f} s, exit {m.returncode}, "
              f"ru_maxrss {m.maxrss_bytes / 2**20:.0f} MiB, "
              f"process-tree peak {m.tree_peak_bytes / 2**20:.0f} MiB")
        print()
        print(f"{'N':>6} {'wall s':>8} {'files/s':>8} {'ru_maxrss MiB':>14} "
              f"{'tree peak MiB':>14} {'exit':>5}")
        for n in sizes:
            folder = build_submissions(n, filled, work / f"subs{n}")
            m = consolidate(folder, work / f"out{n}")
            print(f"{n:>6} {m.wall_s:>8.2f} {n / m.wall_s:>8.1f} "
                  f"{m.maxrss_bytes / 2**20:>14.0f} {m.tree_peak_bytes / 2**20:>14.0f} "
                  f"{m.returncode:>5}", flush=True)
            if m.returncode not in (0, 1):
                print(m.stderr[-2000:], file=sys.stderr)
                return 1
        if args.compare_isolation:
            print()
            compare_isolation({"17": work / "filled",
                               **{str(n): work / f"subs{n}" for n in sizes}},
                              work, args.compare_isolation)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
