"""Next year in one step (``consolidator next-year``, the desk's 次の年度へ), and its undo.

The consolidated ``output/plan_<year+1>.json`` moves to the working folder and becomes its
plan (the settings file says so); this year's ``workbook_templates/``, ``submissions/`` and
``output/`` move into an archive folder named for the year (``令和4年度/``); the ledger and the
result cache stay in the folder (moved out of ``output/`` first if an earlier version kept
them there), so next year's ``status`` still knows this year's files.

All or nothing, and nothing deleted or overwritten:

- refused, with the reasons, when there is no next year's plan (the year was never
  consolidated), when the ledger says departments are missing or errors are open (unless
  ``force``), or when the archive folder already exists;
- every file that would move is tried first (renamed aside and back, the very operation a
  file held open in Excel refuses on Windows): one held open stops the step before anything
  moved, naming it;
- the moves are renames within the folder (one volume); should one still fail, those done
  are moved back;
- what moved where, and the settings before, are written into the folder
  (``次の年度へ_記録.json``): :func:`undo_next_year` moves everything back as long as the new
  year has no submission yet and nothing stands where a file goes back (an empty folder made
  since is taken away; a file never).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from consolidator.atomic import write_text_atomic
from consolidator.findings import Finding, make
from consolidator.folder_settings import read_settings, update_settings, write_settings
from consolidator.japanese_values import wareki
from consolidator.jobs.output_folder import LOCK_NAME, exclusive
from consolidator.jobs.working_folder import WorkingFolder
from consolidator.ledger.status import ledger_status
from consolidator.messages import OUTPUT_TEXT, fill
from consolidator.messages.folder import FOLDER_TEXT
from consolidator.output_names import next_plan_name
from consolidator.plan.catalog import Catalog

PROBE_SUFFIX = ".consolidator-moving"  # a file renamed aside for a moment, to see it can move


@dataclass
class YearStep:
    """What ``next-year`` (or its undo) did: ``done`` False, nothing moved (``findings`` say
    why). ``moved``: (from, to) of every move; ``archive``: the year's folder; ``plan``: the
    folder's plan afterwards (as the settings file holds it)."""

    done: bool
    findings: list[Finding] = field(default_factory=list)
    moved: list[tuple[Path, Path]] = field(default_factory=list)
    archive: Path | None = None
    plan: str | None = None


def archive_name(year: int) -> str:
    """The folder a finished year's files go into: ``令和4年度``."""
    return fill(FOLDER_TEXT["archive-folder"], year=wareki(year))


def undo_record(folder: WorkingFolder) -> Path:
    return folder.root / FOLDER_TEXT["undo-record"]


def next_year(folder: WorkingFolder, catalog: Catalog, year: int, *,
              force: bool = False) -> YearStep:
    """Close ``year`` in ``folder`` and make it ready for the next (see the module)."""
    root = folder.root
    plan = folder.output / next_plan_name(year)
    if not plan.is_file():  # never consolidated (nothing to lock in an output/ not there)
        return YearStep(False, [make("next-year-no-plan", year=wareki(year), file=str(plan))])
    with exclusive(folder.output):  # no run writes into output/ while it is looked at
        folder.adopt_state()
        archive = root / archive_name(year)
        refused = _unfinished(folder, catalog, year, force)
        if archive.exists():
            refused.append(make("next-year-archive-exists", folder=str(archive)))
        if not refused and (root / plan.name).exists():
            refused.append(make("undo-place-taken", file=str(root / plan.name)))
        moves = [(plan, root / plan.name)] + [
            (part, archive / part.name)
            for part in (folder.templates, folder.submissions, folder.output)
            if part.exists()]
        if not refused:
            refused = _held_open(moves)
    if refused:
        return YearStep(False, refused)
    record = undo_record(folder)
    if record.exists():  # an earlier year's step, no longer undone: kept under another name
        _retire(record, "kept")
    # The record first: whatever happens after, what moved where is written down.
    write_text_atomic(record, json.dumps({
        "year": year, "archive": archive.name, "settings": _settings_text(folder),
        "moved": [[_rel(a, root), _rel(b, root)] for a, b in moves]},
        ensure_ascii=False, indent=1))
    archive.mkdir()
    moved, failed = _move_all(moves)
    if failed is not None:
        archive.rmdir()  # made just now, and empty again
        record.unlink()  # written just now, by this step: nothing was moved
        return YearStep(False, [failed])
    settings, _ = read_settings(root)
    update_settings(root, plan=plan.name, year=None if settings.year is None
                    else wareki(year + 1))
    return YearStep(True, [], moved, archive, plan.name)


def undo_next_year(folder: WorkingFolder) -> YearStep:
    """Move back what :func:`next_year` moved and restore the settings, while the new year
    has no submission; the record is then renamed (kept, never used twice)."""
    root = folder.root
    record = undo_record(folder)
    try:
        done = json.loads(record.read_text("utf-8"))
        back = [(root / new, root / old) for old, new in reversed(done["moved"])]
        inside = all(p.resolve().is_relative_to(root.resolve()) for move in back for p in move)
    except (OSError, ValueError, KeyError, TypeError):
        inside = False
    if not inside:  # no record, or one edited to lead out of the folder: nothing is moved
        return YearStep(False, [make("next-year-nothing-to-undo", file=str(record))])
    refused = []
    arrived = _files_in(folder.submissions)
    if arrived:
        refused.append(make("undo-new-year-started", year=wareki(done["year"] + 1),
                            file=str(arrived[0]), folder=str(root / done["archive"])))
    for _src, dst in back:
        if dst.exists() and not _empty_folder(dst):
            refused.append(make("undo-place-taken", file=str(dst)))
    if not refused:
        refused = _held_open(back)
    if refused:
        return YearStep(False, refused)
    for _src, dst in back:
        if _empty_folder(dst):
            dst.rmdir()  # made since the step (an empty submissions/): no file is lost
    moved, failed = _move_all(back)
    if failed is not None:
        return YearStep(False, [failed])
    archive = root / done["archive"]
    if _empty_folder(archive):
        archive.rmdir()
    if done.get("settings") is None:
        write_settings(root, read_settings(root)[0].changed(plan=None, year=None))
    else:
        write_text_atomic(folder.settings_file, done["settings"])
    _retire(record, "undone")
    return YearStep(True, [], moved, archive, read_settings(root)[0].plan)


def _retire(record: Path, why: str) -> None:
    """Rename an undo record out of use (kept, never deleted): ``…_<日時>.json.<why>``."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    os.replace(record, record.with_name(f"{record.stem}_{stamp}{record.suffix}.{why}"))


def _unfinished(folder: WorkingFolder, catalog: Catalog, year: int, force: bool
                ) -> list[Finding]:
    """Why ``year`` is not finished (unless ``force``): departments missing or errors open
    in the ledger's latest run of the year, or no run recorded."""
    label = wareki(year)
    if force:
        return []
    status = ledger_status(folder.ledger, catalog.department_names, year)
    if status is None:
        return [make("next-year-no-run", year=label, file=str(folder.ledger))]
    found = []
    missing = [d.department for d in status.departments if not d.submitted]
    if missing:
        found.append(make("next-year-units-missing", year=label, count=len(missing),
                          departments=OUTPUT_TEXT["list-separator"].join(missing)))
    errors = sum(d.errors for d in status.departments if d.submitted)
    if errors:
        found.append(make("next-year-errors-open", year=label, count=errors))
    return found


def _held_open(moves: list[tuple[Path, Path]]) -> list[Finding]:
    """A finding for every file among ``moves`` (a folder: every file below it) that cannot
    be moved now: it is renamed aside and back, which Windows refuses for a file another
    program holds open (Excel). The output folder's lock file is not tried: this step holds
    it while it looks, and lets it go before it moves anything."""
    found = []
    for src, _dst in moves:
        for file in [src] if src.is_file() else _files_in(src):
            if file.name == LOCK_NAME:
                continue
            probe = file.with_name(file.name + PROBE_SUFFIX)
            try:
                os.replace(file, probe)
            except PermissionError:
                found.append(make("next-year-held-open", file=str(file)))
                continue
            os.replace(probe, file)
    return found


def _move_all(moves: list[tuple[Path, Path]]) -> tuple[list[tuple[Path, Path]], Finding | None]:
    """Rename each (from, to); on a failure, the ones done are renamed back and the finding
    says which could not move."""
    moved: list[tuple[Path, Path]] = []
    for src, dst in moves:
        try:
            os.replace(src, dst)
        except OSError as exc:
            for a, b in reversed(moved):
                os.replace(b, a)
            return [], make("next-year-move-failed", file=str(src), folder=str(dst.parent),
                            detail=exc.strerror or str(exc))
        moved.append((src, dst))
    return moved, None


def _files_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []


def _empty_folder(path: Path) -> bool:
    return path.is_dir() and not any(path.iterdir())


def _settings_text(folder: WorkingFolder) -> str | None:
    try:
        return folder.settings_file.read_text("utf-8-sig")
    except FileNotFoundError:
        return None


def _rel(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()
