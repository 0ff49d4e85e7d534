"""Which files are in the submissions folder: every regular file below it in a stable order,
lock and hidden files skipped (with a finding each).

Kept apart from :mod:`consolidator.reading.intake` (which tells what each file is, and loads
the reading side to do so): a run whose every file is in the result cache only lists the
folder, and never imports the reading.
"""

from __future__ import annotations

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
    for path in sorted(_walk(folder)):
        display = path.relative_to(folder).as_posix()
        if path.name.startswith("~$"):
            skipped.append(make("file-skipped-lock", file=display))
        elif any(part.startswith(".") for part in path.relative_to(folder).parts):
            skipped.append(make("file-skipped-hidden", file=display))
        else:
            found.append(Candidate(path, display))
    return found, skipped


def _walk(folder: Path) -> Iterator[Path]:
    for p in folder.rglob("*"):
        if p.is_file() and not p.is_symlink():
            yield p
