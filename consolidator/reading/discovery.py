"""Which files are in the submissions folder: every regular file below it in a stable order,
lock and hidden files skipped (with a finding each).

Kept apart from :mod:`consolidator.reading.intake` (which tells what each file is, and loads
the reading side to do so): a run whose every file is in the result cache only lists the
folder, and never imports the reading.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from consolidator.findings import Finding, make


@dataclass(frozen=True)
class Candidate:
    path: Path
    display: str  # relative to the submissions folder, as the log shows it


def discover(folder: Path) -> tuple[list[Candidate], list[Finding]]:
    """Every regular file below ``folder`` in a stable order; lock and hidden files skipped."""
    found: list[Candidate] = []
    skipped: list[Finding] = []
    walked = {folder / Path(*parts): parts for parts in _walk(folder)}
    for path in sorted(walked):  # in the order of the paths, as pathlib compares them
        parts = walked[path]
        display = "/".join(parts)
        if parts[-1].startswith("~$"):
            skipped.append(make("file-skipped-lock", file=display))
        elif any(part.startswith(".") for part in parts):
            skipped.append(make("file-skipped-hidden", file=display))
        else:
            found.append(Candidate(path, display))
    return found, skipped


def _walk(folder: Path, parts: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """The regular files below ``folder`` (not a symbolic link, and none below a linked
    folder), as the parts of their paths relative to it: what ``folder.rglob("*")`` filtered
    on ``is_file() and not is_symlink()`` gives, from one directory listing per folder (the
    type of an entry comes with the listing: no file is looked at on its own). A folder that
    is not there or cannot be listed is passed over, as pathlib does (nothing for a
    ``folder`` that is missing or not a folder)."""
    try:
        with os.scandir(folder / Path(*parts) if parts else folder) as entries:
            listed = [(e.name, e.is_dir(follow_symlinks=False), e.is_file(follow_symlinks=False))
                      for e in entries]
    except OSError:
        return
    for name, is_dir, is_file in listed:
        if is_dir:
            yield from _walk(folder, (*parts, name))
        elif is_file:
            yield (*parts, name)
