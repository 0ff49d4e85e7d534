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
(:class:`~consolidator.cache.codec.PackedSubmission`), those compressed bodies in a temporary
file (:class:`~consolidator.cache.codec.BodyFile`), read back when used: the parent holds
about 2 KB of each file (its head, findings and value digests).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import NamedTuple

from consolidator.cache.codec import (
    BodyFile,
    NotRecordable,
    PackedSubmission,
    Record,
    body_file,
    encode,
    share_texts,
    spill,
)
from consolidator.cache.store import ResultCache
from consolidator.checks import CHILD_TASKS
from consolidator.checks.result import Progress
from consolidator.limits import Limits
from consolidator.plan.catalog import Catalog
from consolidator.reading.discovery import Candidate
from consolidator.safety.isolation import (
    outcome_finding,
    portable_mode,
    run_isolated,
    start_early,
)
from consolidator.safety.package import Package, read_package
from consolidator.submission import Submission

_NOT_CACHED = ("internal-error",)  # a bug's result is never kept: it is checked again
# A reading child is replaced after this many files: leaks stay bounded, and each new child's
# start (fork, the catalog, the template models built again: ~15 ms) is paid rarely.
FILES_PER_CHILD = 500


def all_results(candidates: list[Candidate], catalog: Catalog, year: int, limits: Limits,
                workers: int | None = None, cache: ResultCache | None = None,
                progress: Progress | None = None, *, mtimes: dict[str, float] | None = None,
                digests: dict[str, str] | None = None,
                known: dict[tuple[str, str], Submission] | None = None) -> list[Submission]:
    """The :class:`Submission` of every candidate, in no particular order (see the module).
    Nothing here raises for a file: what cannot be read or checked is a finding.
    ``mtimes``: each file's time of last change as the folder was listed (else read after
    the file); ``digests``: the SHA-256 of files already hashed in this run, looked up in
    the cache without reading them again; ``known``: results by (name, SHA-256) taken from the
    cache's folder row (:mod:`consolidator.cache.folder`) before the files' own rows."""
    run = _Run(len(candidates), cache, progress, mtimes or {}, digests or {}, known or {})
    run.tick(0)
    if not candidates:
        return []
    run.bodies = body_file()
    n = workers or max(1, min(len(candidates), os.cpu_count() or 1))
    checked = 0
    for item, sub, record in check_isolated(run.to_check(candidates, limits), catalog, year,
                                            limits, workers=n):
        share_texts(sub)
        if record is not None and cache is not None and item.package is not None:
            cache.put(item.package.sha256, item.display, record)
        sub.mtime = run.mtime(item.display, item.path)
        run.found.append(spill(sub, run.bodies))
        run.tick(1)
        checked += 1
    _given_back(checked)
    return run.found


# A command of the command line checks its folder once (give_back_children): after a run of
# more than GIVE_BACK_AFTER files in the children, their fork server is stopped, and its memory
# (~30 MB: the reading side imported) given back while the outputs are written (issue 27: the
# peak of 10,000 files). The desk keeps its fork server; a later run would start it again.
GIVE_BACK_AFTER = 500
_GIVE_BACK = [False]


def give_back_children() -> None:
    """Stop the children's fork server once the next run of many files is checked (any run
    uses the request up)."""
    _GIVE_BACK[0] = True


def _given_back(checked: int) -> None:
    asked, _GIVE_BACK[0] = _GIVE_BACK[0], False
    if not (asked and checked > GIVE_BACK_AFTER) or portable_mode():
        return
    from multiprocessing import forkserver

    stop = getattr(getattr(forkserver, "_forkserver", None), "_stop", None)
    if stop is not None:  # the standard library's own way (its tests use it)
        try:
            stop()
        except OSError:
            pass


class FileToCheck(NamedTuple):
    """A file on its way to a reading child: how the log names it, the file as read in the
    parent (:func:`file_to_check`; None when it could not be read: the child says why) and
    its path."""

    display: str
    package: Package | None
    path: str


def file_to_check(path: Path, display: str, limits: Limits) -> FileToCheck:
    """``path`` read once in the parent, within ``limits`` (its bytes and SHA-256: a file
    larger than ``limits.max_file_bytes`` is only hashed, and the child refuses it)."""
    try:
        package: Package | None = read_package(path, limits)
    except OSError:
        package = None  # the child says why (file-unreadable)
    return FileToCheck(display, package, str(path))


def check_isolated(files: Iterable[FileToCheck], catalog: Catalog, year: int, limits: Limits,
                   *, workers: int) -> Iterator[tuple[FileToCheck, Submission, Record | None]]:
    """Each file checked in an isolated child with ``limits`` (its time and memory, and every
    limit of the safety checks and the reading: :func:`~consolidator.checks.one_file.
    process_file`): the one place a returned file is checked, for ``validate`` and
    ``consolidate`` (:func:`all_results`) and ``diff``
    (:func:`consolidator.checks.changes.read_versions`).

    ``files`` are taken lazily, one at a time as a child is free (``workers`` children).
    Yields ``(file, its submission, its record for the cache)`` in completion order. The
    record is None when the result is not to be kept (a bug's, one a record cannot hold:
    the submission is then a plain one, else it is packed,
    :class:`~consolidator.cache.codec.PackedSubmission`) and when the child failed (timed
    out, ran out of memory, crashed): the submission holds only that finding, and the file's
    SHA-256 and size when it was read."""
    start_early(CHILD_TASKS)  # the fork server with the reading side loaded (if not yet)
    task = partial(_check_item, catalog, year, limits)
    for item, outcome in run_isolated(task, files, timeout_s=limits.parse_timeout_s,
                                      memory_bytes=limits.child_memory_bytes, workers=workers,
                                      max_tasks_per_worker=FILES_PER_CHILD):
        if outcome.ok:
            sub, record = outcome.value
        else:
            sub, record = Submission(file=item.display,
                                     findings=[outcome_finding(outcome, item.display)]), None
            if item.package is not None:
                sub.sha256, sub.size = item.package.sha256, item.package.size
        yield item, sub, record


@dataclass
class _Run:
    total: int
    cache: ResultCache | None
    progress: Progress | None
    mtimes: dict[str, float]
    digests: dict[str, str]
    known: dict[tuple[str, str], Submission]
    done: int = 0
    found: list[Submission] = field(default_factory=list)
    bodies: BodyFile | None = None  # where the packed results' bodies are kept

    def tick(self, n: int) -> None:
        self.done += n
        if self.progress is not None:
            self.progress(self.done, self.total)

    def to_check(self, candidates: list[Candidate], limits: Limits) -> Iterator[FileToCheck]:
        """The files to check in a child. Taken lazily, one at a time as a child is free; a
        file the cache knows is added to the results here."""
        for c in candidates:
            hashed = self.digests.get(c.display)
            if hashed is not None and self.cache is not None:  # hashed already: not read again
                if not self._known(c, hashed):
                    yield file_to_check(c.path, c.display, limits)
                continue
            item = file_to_check(c.path, c.display, limits)
            if (item.package is not None and self.cache is not None
                    and self._known(c, item.package.sha256)):
                continue
            yield item

    def _known(self, c: Candidate, sha256: str) -> bool:
        """The cache's result for ``c`` with these bytes added to the results, if it has one."""
        assert self.cache is not None
        known = self.known.pop((c.display, sha256), None)
        if known is not None:  # from the folder's row: its run's choice undone
            known.used = False
            self.cache.keep(sha256, c.display)
        else:
            known = self.cache.get(sha256, c.display)
        if known is None:
            return False
        known.mtime = self.mtime(c.display, str(c.path))
        self.found.append(spill(known, self.bodies))
        self.tick(1)
        return True

    def mtime(self, display: str, path: str) -> float:
        when = self.mtimes.get(display)
        return _mtime(path) if when is None else when


def _check_item(catalog: Catalog, year: int, limits: Limits, item: FileToCheck
                ) -> tuple[Submission, Record | None]:
    """The child's task (:func:`check_isolated`): check the file's bytes; its result (kept
    small) and its record for the cache (None when it is not to be kept)."""
    # Imported here, not by the parent: a run whose every file is in the cache never loads
    # the reading and the rules (the fork server has them loaded: CHILD_TASKS).
    from consolidator.checks.one_file import process_file

    display, package, path = item
    sub = process_file(Path(path), display, catalog, year, limits, package=package)
    if any(f.code in _NOT_CACHED for f in sub.findings):
        return sub, None
    try:
        record = encode(sub)
    except NotRecordable:
        return sub, None
    return PackedSubmission.of(sub, record.body, record.digests), record


def _mtime(path: str) -> float:
    try:
        return os.stat(path).st_mtime
    except OSError:
        return 0.0
