"""``consolidator report``: consolidate a submissions folder in memory, as ``consolidate``
does (the result cache and the ledger's accepted warnings included), and write only the
published report under ``<out>/公表/`` — no master, no logs, no department files."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from consolidator.atomic import place, placed_beside
from consolidator.cache.outputs import file_stamp, opened_outputs
from consolidator.cache.store import cache_path
from consolidator.checks.result import Progress
from consolidator.checks.validation import validate_reusing
from consolidator.findings import Finding
from consolidator.jobs.correction import ledger_path
from consolidator.jobs.output_folder import exclusive
from consolidator.ledger.acceptance import apply_acceptances
from consolidator.ledger.schema import open_ledger
from consolidator.plan.catalog import Catalog
from consolidator.publish import (
    Pending,
    Published,
    record_published,
    write_published,
)
from consolidator.report.merge import Consolidated, consolidate
from consolidator.safe_paths import output_path


@dataclass
class ReportJob:
    consolidated: Consolidated
    published: Published
    held: list[tuple[Path, Path]] = field(default_factory=list)


def run_report(submissions: Path, catalog: Catalog, year: int, out_dir: Path,
               ledger: Path | None = None, *, reuse: bool = True,
               progress: Progress | None = None, state: Path | None = None) -> ReportJob:
    """Validate ``submissions`` for ``year`` (cache reused unless ``reuse`` is False), mark
    the warnings accepted in the ledger (an existing ledger is only read; none is created),
    merge, and write the published report into ``out_dir/公表/`` holding the folder's lock.
    ``state``: where the ledger and the cache are kept (the working folder; default
    ``out_dir``).
    The run is not recorded in the ledger: it changes nothing the next run depends on."""
    with exclusive(out_dir), placed_beside() as held:
        result = validate_reusing(submissions, catalog, year, cache_path(state or out_dir),
                                  reuse=reuse, progress=progress)
        book = ledger_path(state or out_dir, ledger)
        if book.is_file():
            conn, found = open_ledger(book)
            try:
                result.findings.extend(found)
                apply_acceptances(conn, result.findings, result.year)
            except sqlite3.Error as exc:  # locked past the timeout: the report goes on
                result.findings.add("ledger-unavailable", file=str(book),
                                    detail=f"{type(exc).__name__}: {exc}")
            finally:
                conn.close()
        merged = consolidate(result)
        published = write_published(out_dir, merged)
    return ReportJob(merged, published, held)


def publish_consolidated(out_dir: Path, consolidated: Consolidated, *,
                         state: Path | None = None, later: bool = False) -> Published:
    """The published report of a year just consolidated (the desk's 集約), written into
    ``out_dir/公表/`` holding the folder's lock; left as it is when its document and open
    data did not change (the output cache in ``state``, the working folder, default
    ``out_dir``). ``later``: only the quick forms written, the slow ones left to draw
    (:attr:`Published.pending`; drawn with :func:`~consolidator.publish.draw_slow_forms`,
    then put in place with :func:`place_drawn`)."""
    with exclusive(out_dir), opened_outputs(state or out_dir) as outputs:
        consolidated.validation.findings.extend(outputs.findings)
        return write_published(out_dir, consolidated, outputs, later=later)


def place_drawn(out_dir: Path, pending: Pending, drawn: list[Path], skipped: list[Finding],
                *, state: Path | None = None) -> list[Path] | None:
    """Put the slow forms drawn elsewhere (``drawn``: finished files on the same file system,
    each named as its form) in place beside the quick forms of ``pending``, holding the
    folder's lock (:class:`~consolidator.jobs.output_folder.OutputBusy` when another run
    holds it), each by one rename (beside a file held open); then the report recorded in the
    output cache as :func:`write_published` records it (``skipped``: the forms not drawn).
    None, and nothing placed, when the quick forms are no longer as ``pending`` wrote them
    (another run wrote the published report since: what was drawn is not its)."""
    with exclusive(out_dir), opened_outputs(state or out_dir) as outputs:
        if [file_stamp(p) for p in pending.files] != pending.stamps:
            return None
        placed = [place(path, output_path(pending.folder, path.name)) for path in drawn]
        record_published(outputs, pending, placed, skipped)
        return placed
