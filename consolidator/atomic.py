"""Writing outputs safely: a temporary file in the same folder, flushed, renamed into place.

When the file to replace is held open by another program (Excel locks an open workbook on
Windows: renaming onto it fails with ``PermissionError``), :func:`write_with` and
:func:`write_text_atomic` leave it untouched and put the new file beside it under the first free
name ``<name> (2)<suffix>``, ``(3)`` …; they return the path actually written, and inside
:func:`placed_beside` every such move is recorded so a run can say so. An output that would
hold what the file in place already holds (``same``: :func:`same_bytes`,
:func:`same_workbook`) is not written at all. A state file found damaged is renamed aside,
never deleted (:func:`set_aside`).
"""

from __future__ import annotations

import os
import stat
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from pathlib import Path

TEMP_PREFIX = ".consolidator-tmp-"
MAX_BESIDE = 99  # master_2022 (2).xlsx … master_2022 (99).xlsx
# What xlsxwriter stamps with the time of writing: not part of what a workbook says.
WRITE_TIME_PARTS = frozenset({"docProps/core.xml"})

# (target, the file written instead) of every output written beside its held target.
_BESIDE: ContextVar[list[tuple[Path, Path]] | None] = ContextVar("beside", default=None)


@contextmanager
def placed_beside() -> Iterator[list[tuple[Path, Path]]]:
    """Record, while the block runs, each ``(target, written)`` whose target was held open."""
    moved: list[tuple[Path, Path]] = []
    token = _BESIDE.set(moved)
    try:
        yield moved
    finally:
        _BESIDE.reset(token)


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path next to ``target``; on success fsync and rename it into place.

    On any exception the temporary file is removed and ``target`` is untouched. A held-open
    target raises ``PermissionError`` here; :func:`write_with` writes beside it instead.
    """
    with _temporary(target) as tmp:
        yield tmp
        _sync(tmp)
        os.replace(tmp, target)
        _fsync_dir(target.parent)


@contextmanager
def _temporary(target: Path) -> Iterator[Path]:
    target.parent.mkdir(parents=True, exist_ok=True)
    # The target's name in the temporary's: which output an interrupted run was writing.
    fd, tmp_name = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{target.stem[:40]}-",
                                    suffix=target.suffix, dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    os.chmod(tmp, _mode_for(target))  # mkstemp makes 0600: keep the target's mode, or umask's
    try:
        yield tmp
    finally:
        if tmp.exists():
            tmp.unlink()


def _sync(tmp: Path) -> None:
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())


def _place(tmp: Path, target: Path) -> Path:
    """Rename ``tmp`` onto ``target``; if another program holds ``target``, onto the first
    free ``<stem> (n)<suffix>`` beside it. Returns where the file went."""
    try:
        os.replace(tmp, target)
        return target
    except PermissionError:
        if not target.exists():
            raise  # not a held file: a folder we may not write into
    for n in range(2, MAX_BESIDE + 1):
        beside = target.with_name(f"{target.stem} ({n}){target.suffix}")
        if beside.exists():
            continue  # never replace an earlier run's file: it may be open too, or wanted
        os.replace(tmp, beside)
        moved = _BESIDE.get()
        if moved is not None:
            moved.append((target, beside))
        return beside
    raise PermissionError(f"{target}: held open, and no free name beside it")


def place(done: Path, target: Path) -> Path:
    """Move a file written in full elsewhere on the same file system (``done``: a form drawn
    in a child process, already flushed) onto ``target`` as :func:`write_with` would: one
    rename, beside ``target`` when another program holds it open. Returns where it went."""
    placed = _place(done, target)
    _fsync_dir(target.parent)
    return placed


def _mode_for(target: Path) -> int:
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def _fsync_dir(folder: Path) -> None:
    if os.name == "nt":
        return  # a folder cannot be opened as a file on Windows; NTFS journals the rename
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_text_atomic(target: Path, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` atomically; returns the path written (beside ``target`` if held).

    Written as bytes, so the line ends are the text's own on every system (a text-mode write
    on Windows would turn the CSV's ``\\r\\n`` into ``\\r\\r\\n``). A file that already
    holds exactly these bytes is left as it is (even when another program holds it open)."""
    data = text.encode(encoding)
    return write_with(target, lambda tmp: tmp.write_bytes(data), same=same_bytes)


def write_with(target: Path, writer: Callable[[Path], object], *,
               same: Callable[[Path, Path], bool] | None = None,
               before: Callable[[], object] | None = None) -> Path:
    """Let ``writer`` produce the file at a temporary path, then move it into place; returns
    the path written: ``target``, or the name beside it when ``target`` is held open.

    ``same(new, target)``: when it says the new file holds what ``target`` already holds,
    ``target`` is left exactly as it was (not even its time changes; a copy held open in
    Excel stays the current one) and returned. ``before()``: called just before the new file
    takes ``target``'s place (to keep a copy of the old one)."""
    with _temporary(target) as tmp:
        writer(tmp)
        if same is not None and target.is_file() and same(tmp, target):
            return target
        if before is not None:
            before()
        _sync(tmp)
        placed = _place(tmp, target)
        _fsync_dir(target.parent)
        return placed



def same_bytes(new: Path, old: Path) -> bool:
    """For :func:`write_with`'s ``same``: whether two files hold the same bytes."""
    try:
        return new.stat().st_size == old.stat().st_size and new.read_bytes() == old.read_bytes()
    except OSError:
        return False


def same_workbook(new: Path, old: Path) -> bool:
    """For :func:`write_with`'s ``same``: whether two workbooks hold the same parts with the
    same bytes, but for when they were written (:data:`WRITE_TIME_PARTS`). A file that cannot
    be read as a workbook is never the same."""
    try:
        with zipfile.ZipFile(new) as a, zipfile.ZipFile(old) as b:
            names = set(a.namelist())
            if names != set(b.namelist()):
                return False
            return all(a.read(n) == b.read(n) for n in sorted(names - WRITE_TIME_PARTS))
    except (OSError, zipfile.BadZipFile, ValueError, EOFError):
        return False

def clean_stale_temporaries(folder: Path) -> list[Path]:
    """Remove temporary files left by an interrupted run; return what was removed."""
    removed = []
    if folder.is_dir():
        for p in folder.glob(TEMP_PREFIX + "*"):
            try:
                p.unlink()
                removed.append(p)
            except OSError:
                pass
    return removed


def set_aside(path: Path) -> Path:
    """Rename a damaged state file (the ledger, the result cache) and its SQLite journal out of
    the way, ``<stem>.damaged-<YYYYmmdd-HHMMSS><suffix>``: never trusted, never deleted (it may be
    someone's file, or wanted to see what went wrong). Returns its new name."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.stem}.damaged-{stamp}{path.suffix}")
    n = 1
    while aside.exists():
        n += 1
        aside = path.with_name(f"{path.stem}.damaged-{stamp}-{n}{path.suffix}")
    os.replace(path, aside)
    for extra in ("-journal", "-wal", "-shm"):
        side = path.with_name(path.name + extra)
        if side.exists():
            os.replace(side, aside.with_name(aside.name + extra))
    return aside
