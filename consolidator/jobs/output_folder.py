"""The output folder: one run at a time, no stale temporary files, earlier masters kept."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from consolidator.atomic import clean_stale_temporaries, write_with
from consolidator.messages.outputs import MASTER_HISTORY_DIR
from consolidator.safe_paths import output_path

LOCK_NAME = ".consolidator.lock"
HISTORY_DIR = MASTER_HISTORY_DIR
KEEP_MASTERS = 10


class OutputBusy(Exception):
    """Another run holds the output folder."""


@contextmanager
def exclusive(folder: Path) -> Iterator[list[Path]]:
    """Hold the folder's lock for the run; yields the stale temporaries cleaned at start.

    The lock is an OS file lock taken through ``filelock`` (``flock`` on Linux and macOS,
    ``msvcrt.locking`` on Windows), released by the system when the process dies, so a killed
    run never leaves the folder locked. Raises :class:`OutputBusy` at once when another run
    holds it.
    """
    from filelock import FileLock, Timeout

    folder.mkdir(parents=True, exist_ok=True)
    lock = FileLock(folder / LOCK_NAME, timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise OutputBusy(str(folder)) from None
    try:
        cleaned = clean_stale_temporaries(folder)
        for sub in sorted(p for p in folder.iterdir() if p.is_dir()):
            cleaned += clean_stale_temporaries(sub)  # the history and per-department log folders
        yield cleaned
    finally:
        lock.release()


def keep_previous(master: Path, now: datetime | None = None) -> Path | None:
    """Copy an existing master into the history folder (timestamped), keep the last N.

    A copy, not a move: until the new master is renamed into place, the old one stays where
    it was, whatever happens to this run.
    """
    if not master.exists():
        return None
    history = master.parent / HISTORY_DIR
    history.mkdir(exist_ok=True)
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S-%f")
    kept = output_path(history, f"{master.stem}_{stamp}{master.suffix}")
    # The copy is itself atomic: a copy cut short never sits there looking like a good master.
    write_with(kept, lambda tmp: shutil.copy2(master, tmp))
    olds = sorted(history.glob(f"{master.stem}_*{master.suffix}"))
    for old in olds[:-KEEP_MASTERS]:
        old.unlink()
    return kept

