"""Every file of the submissions folder checked once: its result reused when its bytes did not
change since the last run, else checked in an isolated child.

The parent reads each file once (:func:`~consolidator.safety.package.read_package`: its bytes
and SHA-256, which the ledger records too) and looks the result up in the result cache
(:mod:`consolidator.cache`). A file found there is not parsed at all; the others go, bytes
and all, to the reading children (:func:`~consolidator.safety.isolation.run_isolated`), which
check exactly the bytes that were hashed and send back the result with its record, which is
stored for the next run. When every file is found, no child is started.

Memory stays flat in the number of files: files are read one at a time as the children take
them, and each result is kept with its entries and cell values compressed
(:class:`~consolidator.cache.codec.PackedSubmission`, about a kilobyte a file).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

# The cell reader, imported here so that the fork server (which imports this module, see
# run_isolated) has it loaded before it forks the reading children.
import python_calamine  # noqa: F401

from consolidator.cache.codec import (
    NotRecordable,
    PackedSubmission,
    Record,
    encode,
    share_texts,
)
from consolidator.cache.store import ResultCache, context_of, open_cache
from consolidator.checks.result import ValidationResult
from consolidator.checks.validation import process_file, validate_folder
from consolidator.checks.value_rules import RULES_VERSION
from consolidator.limits import DEFAULT_LIMITS, Limits
from consolidator.messages import MESSAGES
from consolidator.plan.catalog import Catalog
from consolidator.reading.intake import Candidate
from consolidator.safety.isolation import outcome_finding, run_isolated
from consolidator.safety.package import Package, read_package
from consolidator.submission import Submission

Progress = Callable[[int, int], None]
"""``progress(done, total)``: called after each file of the folder is checked (``done`` of
``total``), and once with ``(0, total)`` before the first."""

_NOT_CACHED = ("internal-error",)  # a bug's result is never kept: it is checked again
# A reading child is replaced after this many files: leaks stay bounded, and each new child's
# start (fork, the catalog, the template models built again: ~15 ms) is paid rarely.
FILES_PER_CHILD = 500


def check_files(candidates: list[Candidate], catalog: Catalog, year: int, limits: Limits,
                workers: int | None = None, cache: ResultCache | None = None,
                progress: Progress | None = None) -> list[Submission]:
    """The :class:`Submission` of every candidate, in no particular order (see the module).
    Nothing here raises for a file: what cannot be read or checked is a finding."""
    run = _Run(len(candidates), cache, progress)
    run.tick(0)
    if not candidates:
        return []
    n = workers or max(1, min(len(candidates), os.cpu_count() or 1))
    task = partial(_check_item, catalog, year, limits)
    for item, outcome in run_isolated(task, run.to_check(candidates, limits),
                                      timeout_s=limits.parse_timeout_s,
                                      memory_bytes=limits.child_memory_bytes, workers=n,
                                      max_tasks_per_worker=FILES_PER_CHILD):
        display, package = item[0], item[1]
        if outcome.ok:
            sub, record = outcome.value
            share_texts(sub)
            if record is not None and cache is not None and package is not None:
                cache.put(package.sha256, display, record)
        else:
            sub = Submission(file=display, findings=[outcome_finding(outcome, display)])
            if package is not None:
                sub.sha256, sub.size = package.sha256, package.size
        sub.mtime = _mtime(item[2])
        run.found.append(sub)
        run.tick(1)
    return run.found


@dataclass
class _Run:
    total: int
    cache: ResultCache | None
    progress: Progress | None
    done: int = 0
    found: list[Submission] = field(default_factory=list)

    def tick(self, n: int) -> None:
        self.done += n
        if self.progress is not None:
            self.progress(self.done, self.total)

    def to_check(self, candidates: list[Candidate], limits: Limits
                 ) -> Iterator[tuple[str, Package | None, str]]:
        """The files to check in a child: (name, the file read, its path). Taken lazily, one
        at a time as a child is free; a file the cache knows is added to the results here."""
        for c in candidates:
            try:
                package: Package | None = read_package(c.path, limits)
            except OSError:
                package = None  # the child says why (file-unreadable)
            if package is not None and self.cache is not None:
                known = self.cache.get(package.sha256, c.display)
                if known is not None:
                    known.mtime = _mtime(str(c.path))
                    self.found.append(known)
                    self.tick(1)
                    continue
            yield c.display, package, str(c.path)


def validate_reusing(folder: Path, catalog: Catalog, year: int, cache_file: Path, *,
                     reuse: bool = True, limits: Limits = DEFAULT_LIMITS,
                     progress: Progress | None = None) -> ValidationResult:
    """:func:`~consolidator.checks.validation.validate_folder` with the result cache at
    ``cache_file`` (``reuse`` False: every file checked again, ``--no-cache``), which is then
    left holding exactly this run's results. What happened to a cache that could not be used
    is added to the findings (information); the run never stops for it."""
    context = context_of(catalog.doc, year, limits, RULES_VERSION, MESSAGES)
    cache = open_cache(cache_file, context, reuse=reuse)
    try:
        result = validate_folder(folder, catalog, year, limits, cache=cache, progress=progress)
    except BaseException:
        cache.close(complete=False)
        raise
    cache.close()
    result.findings.extend(cache.findings)
    result.reused = cache.hits
    return result


def _check_item(catalog: Catalog, year: int, limits: Limits,
                item: tuple[str, Package | None, str]) -> tuple[Submission, Record | None]:
    """The child's task: check the file's bytes; its result (kept small) and its record for
    the cache (None when it is not to be kept)."""
    display, package, path = item
    sub = process_file(Path(path), display, catalog, year, limits, package=package)
    if any(f.code in _NOT_CACHED for f in sub.findings):
        return sub, None
    try:
        record = encode(sub)
    except NotRecordable:
        return sub, None
    return PackedSubmission.of(sub, record.body), record


def _mtime(path: str) -> float:
    try:
        return os.stat(path).st_mtime
    except OSError:
        return 0.0
