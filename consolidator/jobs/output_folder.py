"""The output folder: one run at a time, no stale temporary files, earlier masters kept."""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from consolidator.atomic import clean_stale_temporaries, write_with
from consolidator.messages.outputs import MASTER_HISTORY_DIR

LOCK_NAME = ".consolidator.lock"
HISTORY_DIR = MASTER_HISTORY_DIR
KEEP_MASTERS = 10


class OutputBusy(Exception):
    """Another run holds the output folder."""


@contextmanager
def exclusive(folder: Path) -> Iterator[list[Path]]:
    """Hold the folder's lock for the run; yields the stale temporaries cleaned at start.

    The lock is an OS file lock (released by the kernel when the process dies), so a killed
    run never leaves the folder locked.
    """
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputBusy(str(folder)) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        cleaned = clean_stale_temporaries(folder)
        for sub in sorted(p for p in folder.iterdir() if p.is_dir()):
            cleaned += clean_stale_temporaries(sub)  # the history and per-department log folders
        yield cleaned
    finally:
        os.close(fd)


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
    kept = history / f"{master.stem}_{stamp}{master.suffix}"
    # The copy is itself atomic: a copy cut short never sits there looking like a good master.
    write_with(kept, lambda tmp: shutil.copy2(master, tmp))
    olds = sorted(history.glob(f"{master.stem}_*{master.suffix}"))
    for old in olds[:-KEEP_MASTERS]:
        old.unlink()
    return kept
