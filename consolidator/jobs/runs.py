"""The jobs the CLI runs, as library calls: validate and consolidate a submissions folder."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from consolidator.atomic import placed_beside, same_workbook, write_text_atomic, write_with
from consolidator.cache.outputs import OutputCache, inputs_digest, opened_outputs
from consolidator.cache.store import cache_path
from consolidator.checks.result import Progress
from consolidator.checks.validation import ValidationResult, validate_reusing
from consolidator.feedback.department_files import DepartmentFiles
from consolidator.jobs.correction import (
    ledger_path,
    recorded_in_ledger,
    write_department_outputs,
)
from consolidator.jobs.output_folder import exclusive, keep_previous
from consolidator.output_names import LOG_KINDS, master_name, next_plan_name
from consolidator.plan.catalog import Catalog, dump_json
from consolidator.report.master_writer import write_master
from consolidator.report.merge import Consolidated, consolidate
from consolidator.report.next_plan import next_catalog
from consolidator.safe_paths import output_path
from consolidator.validation_log import write_logs


@dataclass
class JobResult:
    """What a run produced: the validation, the log files (and the department folder), what
    went back to each department, and for ``consolidate`` the master, next year's catalog,
    the copy of the previous master and the merged content. ``held``: (file, the file
    written instead) for every output another program held open (the paths above are the
    files actually written). ``master_changed`` False: the new master would have held exactly
    what the one in place holds, which was left untouched (no copy kept)."""

    validation: ValidationResult
    logs: dict[str, Path]
    master: Path | None = None
    next_plan: Path | None = None
    kept: Path | None = None
    consolidated: Consolidated | None = None
    departments: DepartmentFiles | None = None
    held: list[tuple[Path, Path]] = field(default_factory=list)
    master_changed: bool = True  # False: the master already said all this; left untouched


def master_path(out_dir: Path, year: int) -> Path:
    return output_path(out_dir, master_name(year))


def run_validate(submissions: Path, catalog: Catalog, year: int, out_dir: Path,
                 ledger: Path | None = None, *, reuse: bool = True,
                 progress: Progress | None = None, state: Path | None = None) -> JobResult:
    """``consolidator validate``: check every file in ``submissions`` for ``year`` (a file
    unchanged since the last run: its result reused from the result cache, unless ``reuse``
    is False; ``progress(done, total)`` as files are checked), record the run in the ledger
    (default ``ledger.sqlite3``; the ledger and the cache are kept in ``state``, the working
    folder, default ``out_dir``), and write into ``out_dir`` (holding its
    lock) the validation logs and what goes back to each department. The submissions are
    only read."""
    with exclusive(out_dir), placed_beside() as held, \
            opened_outputs(state or out_dir, reuse) as outputs:
        result = validate_reusing(submissions, catalog, year, cache_path(state or out_dir),
                                  reuse=reuse, progress=progress)
        result.findings.extend(outputs.findings)
        with recorded_in_ledger(result, submissions, ledger_path(state or out_dir, ledger),
                                "validate"):
            sent = write_department_outputs(out_dir, result, submissions, outputs)
            logs = _write_logs(out_dir, result, outputs, held)
    return JobResult(result, {**_actual(logs, held), "departments": sent.folder},
                     departments=sent, held=held)


def run_consolidate(submissions: Path, catalog: Catalog, year: int, out_dir: Path,
                    ledger: Path | None = None, *, reuse: bool = True,
                    progress: Progress | None = None, state: Path | None = None
                    ) -> JobResult:
    """``consolidator consolidate``: validate (as :func:`run_validate`: ``reuse``,
    ``progress``), record the run in the ledger, merge, and write into ``out_dir`` the master
    (the previous one copied to the history first), the logs, what goes back to each
    department and next year's catalog, each atomically, holding the folder's lock. The
    submissions are only read."""
    with exclusive(out_dir), placed_beside() as held, \
            opened_outputs(state or out_dir, reuse) as outputs:
        result = validate_reusing(submissions, catalog, year, cache_path(state or out_dir),
                                  reuse=reuse, progress=progress)
        result.findings.extend(outputs.findings)
        with recorded_in_ledger(result, submissions, ledger_path(state or out_dir, ledger),
                                "consolidate"):  # recorded once the outputs are in place
            sent = write_department_outputs(out_dir, result, submissions, outputs)
            merged = consolidate(result)
            target = master_path(out_dir, year)
            kept: list[Path | None] = []  # the previous master's copy, when there is a new one
            made_from = _master_digest(out_dir, result)  # the master's and next plan's
            master = _cached(outputs, "master", made_from, held,
                             lambda: [write_with(
                                 target, lambda tmp: write_master(tmp, merged),
                                 same=same_workbook,
                                 before=lambda: kept.append(keep_previous(target)))])[0]
            for old, new in held:  # an output held open in Excel: said in the log too
                result.findings.add("output-held-open", path=str(new), old=old.name, new=new.name)
            logs = _write_logs(out_dir, result, outputs, held)
            plan = _cached(outputs, "next-plan", made_from, held, lambda: [write_text_atomic(
                output_path(out_dir, next_plan_name(year)), dump_json(next_catalog(merged)))])[0]
    return JobResult(result, {**_actual(logs, held), "departments": sent.folder}, master,
                     plan, kept[0] if kept else None, merged, sent, held,
                     master_changed=bool(kept))


def _actual(logs: dict[str, Path], held: list[tuple[Path, Path]]) -> dict[str, Path]:
    """The log paths as written: a log held open was written beside it."""
    instead = dict(held)
    return {key: instead.get(path, path) for key, path in logs.items()}


def _master_digest(out_dir: Path, result: ValidationResult) -> str:
    """What the master (and next year's catalog) is made from: the plan, the year, the files
    used (name and SHA-256: their values follow from these, the limits and the messages, which
    are in the code's fingerprint or the findings), every finding and the 提出状況 rows."""
    chosen = {d: (s.file, s.sha256) for d, s in result.chosen.items()}
    return inputs_digest(str(out_dir), result.catalog.doc, result.year, chosen,
                         [f.to_dict() for f in result.findings], result.department_rows())


def _write_logs(out_dir: Path, result: ValidationResult, outputs: OutputCache,
                held: list[tuple[Path, Path]]) -> dict[str, Path]:
    """The logs, rendered only when the findings or 提出状況 rows differ from those the logs
    in place were written from."""
    findings, rows = list(result.findings), result.department_rows()
    digest = inputs_digest(str(out_dir), [f.to_dict() for f in findings], rows)
    logs: dict[str, Path] = {}

    def write() -> list[Path]:
        logs.update(write_logs(out_dir, findings, rows))
        return list(logs.values())

    paths = _cached(outputs, "logs", digest, held, write)
    return logs or dict(zip(LOG_KINDS, paths, strict=True))


def _cached(outputs: OutputCache, name: str, digest: str, held: list[tuple[Path, Path]],
            write: Callable[[], list[Path]]) -> list[Path]:
    """The files of output ``name``: left as they are when made from the same inputs
    (``digest``) and still as written, else written by ``write`` and recorded (unless one
    went beside a file held open)."""
    kept = outputs.unchanged(name, digest)
    if kept is not None:
        return kept[0]
    before = len(held)
    paths = write()
    if _all_in_place(paths, held[before:]):
        outputs.wrote(name, digest, paths)
    else:
        outputs.forget(name)
    return paths


def _all_in_place(paths: Iterable[Path], moved: list[tuple[Path, Path]]) -> bool:
    beside = {new for _, new in moved} | {old for old, _ in moved}
    return not any(p in beside for p in paths)
