"""Benchmark ``report`` (the published report in all four forms) on the default plan and on one
ten times as large.

    python3 scripts/bench_report.py                     # the default plan and × 10, 3 runs each
    python3 scripts/bench_report.py --factor 10 --repeat 5 --keep /tmp/bench-report
    python3 scripts/bench_report.py --profile           # also cProfile one cold run of each

For each plan — the embedded default (30 取組み, 17 departments) and a copy of it ``--factor``
times as large (its 基本目標 repeated with new numbers, every id renumbered to match, checked
with ``plan_findings``; the same 17 departments, each reporting on ``factor`` times the
取組み) — it generates the templates, fills each the way a department would
(``tests/helpers/filling.realistic_values``: several lines of Japanese text per field, a
plausible number per measure) and then runs, each as a whole process (interpreter start and
imports included), ``--repeat`` times, interleaved:

* ``report`` cold: a fresh output folder (no result cache);
* ``report`` warm: the same output folder again (the result cache and the secretariat's page
  file present);

with the median wall time and the peak memory of the process tree (sampled every 20 ms, as
``bench_consolidate.py`` does). Then one more process per plan does the same work in
steps, timed in-process — the engines' imports, checking and merging the submissions (warm
cache), the document model, then each form: HTML, open data CSV and xlsx, Word (python-docx),
PDF (Typst) — with the process's peak RSS during each step, so that the table says where the
time and the memory go; and the document's own size: the model's deep size (its strings,
containers and the consolidated year it holds) and the size of each file written. The last
table printed is the one in the README's developer section.

Python's bytecode cache is on for every measured process, in the work folder, and each
program runs once unmeasured first (see ``bench_consolidate.py``).
"""

from __future__ import annotations

import argparse
import copy
import cProfile
import json
import pstats
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, fields, is_dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
sys.path.insert(0, str(HERE))
from bench_consolidate import TIMEOUT_S, Runs, load, work_folder  # noqa: E402

from helpers.processes import Measured, run_measured  # noqa: E402

FORMS = ("html", "csv", "xlsx", "pdf", "docx")


# ---- the plans and their submissions -------------------------------------------------------------

def scaled_plan(doc: dict[str, Any], factor: int) -> dict[str, Any]:
    """``doc`` with its 基本目標 repeated ``factor`` times: copy ``r`` of goal ``g`` is goal
    ``r × len(goals) + g``, its title marked with the copy's number, and every id below it
    (活動目標, 取組み, 指標, 測定値) renumbered to start with the new goal's number."""
    out = copy.deepcopy(doc)
    goals = doc["goals"]
    out["goals"] = []
    for r in range(factor):
        for goal in goals:
            new = copy.deepcopy(goal)
            number = r * len(goals) + goal["number"]
            new["number"], new["id"] = number, str(number)
            if r:
                new["title"] = f"{goal['title']}(その{r + 1})"
            for activity in new["activities"]:
                activity["id"] = f"{number}-{activity['number']}"
                for ini in activity["initiatives"]:
                    old = ini["id"]
                    ini["id"] = f"{activity['id']}-{ini['number']}"
                    for indicator in ini["indicators"]:
                        indicator["id"] = ini["id"] + indicator["id"][len(old):]
                        for m in indicator["measures"]:
                            m["id"] = ini["id"] + m["id"][len(old):]
            out["goals"].append(new)
    return out


def prepare(work: Path, factor: int) -> tuple[Path, Path | None]:
    """The filled submissions of the default plan (``factor`` 1) or of one ``factor`` times
    as large: (the submissions folder, the plan file to pass as ``--plan`` or None)."""
    from consolidator.plan.catalog import Catalog
    from consolidator.plan.conformance import plan_findings
    from consolidator.templates.generate import generate_templates
    from helpers.filling import by_department, realistic_values, submit_all

    catalog, plan = Catalog.default(), None
    if factor > 1:
        doc = scaled_plan(catalog.doc, factor)
        found = plan_findings(doc)
        if not found.valid:
            raise SystemExit(f"the scaled plan is not valid: {found.errors[:3]}")
        plan = work / f"plan_x{factor}.json"
        plan.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
        catalog = Catalog(doc)
    year = catalog.report_year
    templates = generate_templates(catalog, year, work / f"templates_x{factor}")
    submissions = work / f"submissions_x{factor}"
    submit_all(by_department(templates), submissions,
               values=lambda _department, template: realistic_values(template, catalog, year))
    return submissions, plan


# ---- what is measured ----------------------------------------------------------------------------

def report(folder: Path, out: Path, plan: Path | None, *, fresh: bool) -> Measured:
    """One ``report`` in a subprocess (``fresh``: into a new output folder)."""
    if fresh and out.exists():
        shutil.rmtree(out)
    m = run_measured([sys.executable, "-m", "consolidator", "report", str(folder),
                      "--out", str(out), *(["--plan", str(plan)] if plan else [])],
                     timeout_s=TIMEOUT_S)
    if m.returncode not in (0, 1):
        raise SystemExit(f"report failed ({m.returncode}):\n{m.stderr[-3000:]}")
    return m


def deep_size(obj: Any) -> int:
    """A rough deep size: every object reachable through dataclass fields, containers and
    plain instances' ``__dict__``, each counted once (``sys.getsizeof``)."""
    seen: set[int] = set()
    stack = [obj]
    total = 0
    while stack:
        o = stack.pop()
        if id(o) in seen or o is None or isinstance(o, (type, bool)):
            continue
        seen.add(id(o))
        total += sys.getsizeof(o)
        if isinstance(o, dict):
            stack.extend(o.keys())
            stack.extend(o.values())
        elif isinstance(o, (list, tuple, set, frozenset)):
            stack.extend(o)
        elif is_dataclass(o):
            stack.extend(getattr(o, f.name) for f in fields(o))
        elif hasattr(o, "__dict__") and not callable(o):
            stack.append(vars(o))
    return total


def reset_peak() -> bool:
    """Reset this process's peak RSS (Linux: ``/proc/self/clear_refs``); False elsewhere."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def peak_rss() -> int:
    """This process's peak RSS since the last :func:`reset_peak` (bytes): Linux's VmHWM, which
    starts afresh at ``exec`` (``ru_maxrss`` does not: a child reports at least the size of
    the process that started it); elsewhere the peak since the start."""
    try:
        found = re.search(r"VmHWM:\s*(\d+) kB", Path("/proc/self/status").read_text())
    except OSError:
        found = None
    if found:
        return int(found.group(1)) * 1024
    import psutil

    info = psutil.Process().memory_info()
    return int(getattr(info, "peak_wset", info.rss))


def steps(submissions: Path, plan: Path | None, out: Path) -> dict[str, Any]:
    """``report``'s work in steps, in this process: each step's seconds and the peak RSS
    during it, the document's deep size and each file's size (the output folder should hold
    the result cache of a run before: the checking is then as in a warm run)."""
    timed: dict[str, tuple[float, int, int]] = {}  # seconds, peak RSS, RSS before

    def step(name: str, work: Callable[[], Any]) -> Any:
        reset_peak()
        before = peak_rss()
        start = time.perf_counter()
        result = work()
        timed[name] = (time.perf_counter() - start, peak_rss(), before)
        return result

    timed["start"] = (0.0, peak_rss(), 0)

    def engines() -> None:
        import docx  # noqa: F401
        import typst  # noqa: F401

        import consolidator.publish.html  # noqa: F401
        import consolidator.publish.word  # noqa: F401

    step("imports (Jinja2, Typst, python-docx)", engines)
    from consolidator.cache.store import cache_path
    from consolidator.checks.validation import validate_reusing
    from consolidator.plan.catalog import Catalog
    from consolidator.publish import publish_folder, published_name
    from consolidator.publish.html import write_html
    from consolidator.publish.model import build_document
    from consolidator.publish.open_data import write_open_data_csv, write_open_data_xlsx
    from consolidator.publish.pages import load_pages
    from consolidator.publish.pdf import write_pdf
    from consolidator.publish.word import write_docx
    from consolidator.report.merge import consolidate

    catalog = Catalog.from_path(plan) if plan else Catalog.default()
    year = catalog.report_year
    merged = step("check and merge (warm cache)", lambda: consolidate(validate_reusing(
        submissions, catalog, year, cache_path(out))))
    folder = publish_folder(out)
    doc = step("document model", lambda: build_document(merged, load_pages(folder)))
    paths = {kind: folder / published_name(kind, year) for kind in FORMS}
    step("HTML (Jinja2)", lambda: write_html(paths["html"], doc))
    step("open data CSV", lambda: write_open_data_csv(paths["csv"], merged))
    step("open data xlsx", lambda: write_open_data_xlsx(paths["xlsx"], merged))
    # Word before the PDF (``report`` writes it after): what Typst holds after compiling
    # would hide the growth of python-docx's tree.
    step("Word (python-docx)", lambda: write_docx(paths["docx"], doc))
    step("PDF (Typst)", lambda: write_pdf(paths["pdf"], doc))
    return {"steps": timed, "document": deep_size(doc),
            "initiatives": len(catalog.initiatives),
            "files": {kind: p.stat().st_size for kind, p in paths.items() if p.is_file()}}


def measure_steps(submissions: Path, plan: Path | None, out: Path) -> dict[str, Any]:
    """:func:`steps` in a process of its own (a warm output folder: run ``report`` first)."""
    done = subprocess.run([sys.executable, __file__, "--steps", str(submissions), str(out),
                           str(plan or "")], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"steps failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.splitlines()[-1])  # type: ignore[no-any-return]


def profile(submissions: Path, plan: Path | None, out: Path, top: int = 25) -> None:
    """cProfile of one cold ``report`` in this process: the functions by cumulative time."""
    from consolidator.jobs.publishing import run_report
    from consolidator.plan.catalog import Catalog

    if out.exists():
        shutil.rmtree(out)
    catalog = Catalog.from_path(plan) if plan else Catalog.default()
    prof = cProfile.Profile()
    prof.runcall(run_report, submissions, catalog, catalog.report_year, out)
    pstats.Stats(prof).sort_stats("cumulative").print_stats(top)


# ---- printing ------------------------------------------------------------------------------------

@dataclass
class Plan:
    label: str
    factor: int
    initiatives: int
    cold: Runs
    warm: Runs
    steps: dict[str, Any]


def mib(n: float) -> str:
    return f"{n / 2**20:,.1f}"


def table(plans: list[Plan]) -> list[str]:
    base = plans[0]
    lines = ["| plan | what | wall s (median) | runs | × default | peak MiB |",
             "|---|---|---:|---|---:|---:|"]
    for p in plans:
        for r, ref in ((p.cold, base.cold), (p.warm, base.warm)):
            lines.append(f"| {p.label} | {r.label} | {r.wall:.2f} | {r.spread()} | "
                         f"{r.wall / ref.wall:.2f}× | {mib(r.tree_peak)} |")
    lines += ["", "In steps, one process, warm cache (seconds; the process's peak RSS during "
                  "the step and its growth over the RSS before the step, MiB):", "",
              "| step | " + " | ".join(p.label for p in plans) + " | × default |",
              "|---|" + "---:|" * len(plans) + "---:|"]
    names = [n for n in base.steps["steps"] if n != "start"]
    for name in ["start", *names]:
        cells = []
        for p in plans:
            seconds, peak, before = p.steps["steps"][name]
            cells.append(f"{mib(peak)} MiB" if name == "start" else
                         f"{seconds:.2f} s, {mib(peak)} (+{mib(max(0, peak - before))})")
        ratio = "" if name == "start" else (
            f"{plans[-1].steps['steps'][name][0] / max(base.steps['steps'][name][0], 1e-9):.1f}×")
        lines.append(f"| {'process start' if name == 'start' else name} | "
                     + " | ".join(cells) + f" | {ratio} |")
    lines += ["", "The document's own size (MiB):", "",
              "| | " + " | ".join(p.label for p in plans) + " | × default |",
              "|---|" + "---:|" * len(plans) + "---:|"]
    rows = [("document model, deep size", lambda p: p.steps["document"])]
    rows += [(f"{kind} file", lambda p, k=kind: p.steps["files"].get(k, 0)) for kind in FORMS]
    for label, size in rows:
        lines.append(f"| {label} | " + " | ".join(f"{size(p) / 2**20:,.2f}" for p in plans)
                     + f" | {size(plans[-1]) / max(size(base), 1):.1f}× |")
    return lines


def targets(plans: list[Plan]) -> list[str]:
    base, big = plans[0], plans[-1]
    out = [f"report, default plan ({base.initiatives} 取組み, 17 departments), cold: "
           f"{base.cold.wall:.2f} s, warm {base.warm.wall:.2f} s (target < 5 s)"]
    if big is not base:
        ratio = big.cold.wall / base.cold.wall
        grown = big.cold.tree_peak - base.cold.tree_peak
        document = big.steps["document"] - base.steps["document"]
        out += [f"report, {big.initiatives} 取組み, cold: {big.cold.wall:.2f} s = "
                f"{ratio:.2f}× the default plan (target < {big.factor}×)",
                f"peak memory, cold: {mib(base.cold.tree_peak)} → {mib(big.cold.tree_peak)} MiB "
                f"(+{mib(grown)} MiB; the document model grew by {mib(document)} MiB, the "
                f"PDF file by {mib(big.steps['files']['pdf'] - base.steps['files']['pdf'])} "
                f"MiB)"]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--factor", type=int, default=10,
                    help="how many times the default plan the large one is (default 10; 1: "
                         "the default plan only)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each report (default 3)")
    ap.add_argument("--keep", type=Path, help="work folder to keep (default: a temporary one)")
    ap.add_argument("--profile", action="store_true",
                    help="also print cProfile of one cold report of each plan, in-process")
    ap.add_argument("--steps", nargs=3, metavar=("SUBMISSIONS", "OUT", "PLAN"),
                    help=argparse.SUPPRESS)  # the in-process steps, run by measure_steps
    args = ap.parse_args(argv)
    if args.steps:
        submissions, out, plan = args.steps
        print(json.dumps(steps(Path(submissions), Path(plan) if plan else None, Path(out))))
        return 0
    with work_folder(args.keep, "bench-report-") as work:
        print(f"{load()} at the start")
        plans = []
        for factor in dict.fromkeys((1, args.factor)):
            t0 = time.perf_counter()
            submissions, plan = prepare(work, factor)
            out = work / f"out_x{factor}"
            print(f"× {factor}: templates made and filled in {time.perf_counter() - t0:.1f} s",
                  flush=True)
            report(submissions, out, plan, fresh=True)  # once, unmeasured
            cold, warm = Runs("report, cold"), Runs("report, warm (result cache)")
            for _ in range(args.repeat):
                cold.runs.append(report(submissions, out, plan, fresh=True))
                warm.runs.append(report(submissions, out, plan, fresh=False))
            measured = measure_steps(submissions, plan, out)
            label = "default" if factor == 1 else f"× {factor}"
            plans.append(Plan(f"{label} ({measured['initiatives']} 取組み)", factor,
                              measured["initiatives"], cold, warm, measured))
            print(f"× {factor} done ({load()})", flush=True)
            if args.profile:
                profile(submissions, plan, work / f"profile_x{factor}")
        print()
        print("\n".join(table(plans)))
        print()
        print("\n".join(f"- {line}" for line in targets(plans)))
        print(f"{load()} at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
