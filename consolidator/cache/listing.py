"""What the submissions folder looks like from outside: every file's name, size, time of last
change and time of last status change (``st_ctime``: any write to the file changes it, and
no program sets it back, unlike the time of last change; not on Windows, where it is the
creation time, deprecated as such since Python 3.12, and says nothing of a write), and the
files skipped. Its digest is kept with the folder's whole result (the
result cache's ``folder`` row, :mod:`consolidator.cache.store`), so that before anything else
is loaded a run can tell whether it will most likely take that result whole
(:func:`folder_unchanged`): the command line then does not start the reading children's
fork server, which such a run never uses (a few hundred ms of CPU on a machine whose cores
are shared). Only a guess: the run itself still hashes every file and compares everything
else (the plan, the year, the limits, the code) before it reuses anything, and starts the
children when a file has to be checked after all.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import sys
from contextlib import closing
from pathlib import Path

from consolidator.reading.discovery import Candidate, discover

Stamps = dict[str, tuple[int, int, float, int]]


def stamps_of(candidates: list[Candidate]) -> Stamps | None:
    """Each file's (size, mtime in ns, mtime, ctime in ns) as the folder is listed; None when
    one cannot be read."""
    stamps = {}
    try:
        for c in candidates:
            st = os.stat(c.path)
            stamps[c.display] = (st.st_size, st.st_mtime_ns, st.st_mtime, _ctime(st))
    except OSError:
        return None
    return stamps


def _ctime(st: os.stat_result) -> int:
    return 0 if sys.platform == "win32" else st.st_ctime_ns


def listing_digest(candidates: list[Candidate], stamps: Stamps, skipped: list[str]) -> str:
    """The digest of the folder's listing: every file's (name, size, mtime and ctime in ns) in
    the folder's order, and the names of the files skipped."""
    text = json.dumps([[(c.display, size, mtime, ctime)
                        for c in candidates
                        for size, mtime, _, ctime in [stamps[c.display]]], skipped],
                      ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def folder_unchanged(cache_file: Path, folder: Path) -> bool:
    """Whether ``folder`` is listed as when the result cache at ``cache_file`` kept its whole
    result (False when there is no such result or anything cannot be read)."""
    try:
        if not cache_file.is_file():
            return False
        with closing(sqlite3.connect(f"{cache_file.resolve().as_uri()}?mode=ro", uri=True,
                                     timeout=1)) as conn:
            row = conn.execute("SELECT listing FROM folder").fetchone()
    except (sqlite3.Error, OSError, ValueError):
        return False
    if row is None:
        return False
    candidates, skipped = discover(folder)
    stamps = stamps_of(candidates)
    return stamps is not None and bool(candidates) and row[0] == listing_digest(
        candidates, stamps, [f.file or "" for f in skipped])
