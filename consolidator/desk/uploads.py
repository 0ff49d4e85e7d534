"""Saving uploaded files into ``submissions/``: safe names, never overwriting, size-capped.

A browser sends a file name chosen by whoever made the file (``../../x.xlsx``, ``CON.xlsx``,
``a<b>.xlsx``, a name with control characters or 300 characters). :func:`safe_name` keeps
only the last path component, with the characters Windows, macOS and Linux all accept, and
no leading dot (no hidden file, no ``..``), short enough for every file system: at most
255 bytes of UTF-8 (Linux, macOS) and 255 UTF-16 units (Windows), with room for `` (n)``. On
Windows, where long paths are not enabled, :func:`save_upload` also shortens the name until
the whole path stays under ``MAX_PATH`` (260); the extension is always kept, and the name
saved is the one the page shows.

:func:`save_upload` writes the bytes first into a temporary of its own in the folder
(``.consolidator-tmp-upload-<random>.part``: hidden, and skipped by the checks), then gives it
its name without ever replacing a file already there: a hard link, which fails on a name
taken (``x.xlsx``, else ``x (2).xlsx`` …). Where the file system has no hard links, the name is
reserved by an exclusive create and the temporary renamed onto it at once. So a crash or a cut
upload leaves no empty file under a department's name, only a temporary that
:func:`remove_leftovers` recognises and removes (after a failure, and when the desk starts).
The file is saved exactly as received: the checks (the same as the command line's) read it
afterwards, in their isolated child process.
"""

from __future__ import annotations

import os
import re
import secrets
import sys
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from consolidator.atomic import TEMP_PREFIX
from consolidator.safe_paths import (
    CONTROL_CATEGORIES,
    RESERVED_NAMES,
    SEPARATORS,
    WINDOWS_FORBIDDEN,
    output_path,
)

CHUNK = 1024 * 1024
MAX_STEM_CHARS = 100
MAX_SUFFIX_CHARS = 10
MAX_TRIES = 1000
NAME_BYTES = 255  # NAME_MAX of Linux and macOS (UTF-8 bytes), and Windows' (UTF-16 units)
NUMBERED = len(f" ({MAX_TRIES})")  # the room kept for "x (2).xlsx" … "x (1000).xlsx"
WINDOWS_MAX_PATH = 259  # MAX_PATH (260) less the terminating NUL, in UTF-16 units
UPLOAD_TEMP_PREFIX = f"{TEMP_PREFIX}upload-"  # the desk's own temporaries in submissions/
UPLOAD_TEMP_SUFFIX = ".part"
# What the desk before this one left behind: atomic's temporary named after the upload
# (".consolidator-tmp-<stem, 40 characters>-<8 random><suffix>") and the empty file it had
# reserved under the upload's name.
_OLD_TEMPORARY = re.compile(re.escape(TEMP_PREFIX)
                            + r"(?P<stem>.*)-[a-z0-9_]{8}(?P<suffix>(\.[^.]*)?)")
FORBIDDEN_CHARS = WINDOWS_FORBIDDEN | SEPARATORS  # the separators' look-alikes too
# Control and format characters, and unassigned ones: a received name is cleaned, not refused.
_REPLACED_CATEGORIES = CONTROL_CATEGORIES | {"Cn"}
TRIMMED = " ." + chr(0x3000)  # spaces (also the ideographic one) and dots at either end


class TooLarge(Exception):
    """The upload is over the size limit; nothing of it was kept."""


class PathTooLong(OSError):
    """The folder is so deep that no name fits under Windows' ``MAX_PATH``; nothing kept."""


def safe_name(name: str, default: str) -> str:
    """A file name safe to create in ``submissions/`` on every system; ``default`` when
    nothing usable is left of ``name``."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join("_" if c in FORBIDDEN_CHARS or _control(c) else c for c in name)
    name = name.strip(TRIMMED)  # no hidden file, no "..", no trailing dot (Windows)
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    stem, suffix = stem.strip(TRIMMED), suffix.strip()
    if suffix and (len(suffix) > MAX_SUFFIX_CHARS or not suffix.isalnum()):
        stem, suffix = (f"{stem}_{suffix}" if stem else suffix), ""
    if stem.split(".")[0].rstrip(" ").upper() in RESERVED_NAMES:
        stem = f"_{stem}"
    stem = stem[:MAX_STEM_CHARS].rstrip(TRIMMED) or default
    return _shortened(stem, suffix, lambda n: _fits_name(n, NAME_BYTES - NUMBERED)) or default


def _shortened(stem: str, suffix: str, fits: Callable[[str], bool]) -> str | None:
    """``stem.suffix`` with the stem cut until ``fits`` (the suffix kept); None when not even
    one character of the stem fits."""
    while stem:
        name = f"{stem}.{suffix}" if suffix else stem
        if fits(name):
            return name
        stem = stem[:-1].rstrip(TRIMMED)
    return None


def _fits_name(name: str, limit: int) -> bool:
    return len(name.encode("utf-8")) <= limit and _utf16(name) <= limit


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def path_limit() -> int | None:
    """The longest path (UTF-16 units) a file may be created under: ``MAX_PATH`` on Windows
    unless long paths are enabled there; None elsewhere (Linux and macOS only limit names)."""
    if sys.platform != "win32":
        return None
    import winreg

    try:
        with winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE,
                            r"SYSTEM\CurrentControlSet\Control\FileSystem") as key:
            enabled, _kind = winreg.QueryValueEx(key, "LongPathsEnabled")
    except OSError:
        return WINDOWS_MAX_PATH
    return None if enabled == 1 else WINDOWS_MAX_PATH


def fit_in(folder: Path, name: str, max_path: int | None) -> str:
    """``name`` (already safe) shortened, its extension kept, so that ``folder/name`` and
    every ``name (n)`` stay within ``max_path`` UTF-16 units (None: no limit); raises
    :class:`PathTooLong` when the folder leaves no room for a name."""
    if max_path is None:
        return name
    room = max_path - _utf16(str(folder)) - 1 - NUMBERED
    temporary = len(UPLOAD_TEMP_PREFIX) + 16 + len(UPLOAD_TEMP_SUFFIX)  # its name is ASCII
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    fitted = _shortened(stem, suffix, lambda n: _utf16(n) <= room)
    if fitted is None or room + NUMBERED < temporary:
        raise PathTooLong(str(folder))
    return fitted


def _control(c: str) -> bool:
    return unicodedata.category(c) in _REPLACED_CATEGORIES


def save_upload(stream: IO[bytes], folder: Path, name: str, max_bytes: int,
                max_path: int | None = None) -> Path:
    """Copy ``stream`` into ``folder`` under ``name`` (already made safe; shortened to
    ``max_path``, see :func:`fit_in`), or the first free ``name (n)``; returns the file
    written. Raises :class:`TooLarge` past ``max_bytes``, :class:`PathTooLong` and
    ``OSError`` when the file cannot be written there; in every case nothing is left behind."""
    folder.mkdir(parents=True, exist_ok=True)
    name = fit_in(folder, name, max_path)
    tmp = folder / f"{UPLOAD_TEMP_PREFIX}{secrets.token_hex(8)}{UPLOAD_TEMP_SUFFIX}"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                     0o666)
        with os.fdopen(fd, "wb") as out:
            size = 0
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise TooLarge(name)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        return _give_name(tmp, folder, name)
    finally:
        tmp.unlink(missing_ok=True)  # once named, the file keeps its other link


def _candidates(folder: Path, name: str) -> Iterator[Path]:
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    for n in range(1, MAX_TRIES + 1):
        yield output_path(folder, name if n == 1 else (
            f"{stem} ({n}).{suffix}" if suffix else f"{stem} ({n})"))


def _give_name(tmp: Path, folder: Path, name: str) -> Path:
    """Link the written temporary under ``name`` (or ``name (2)`` …): never an existing file."""
    for path in _candidates(folder, name):
        try:
            os.link(tmp, path)
        except FileExistsError:
            continue
        except OSError:  # no hard links here (FAT, some shares): reserve, then rename onto it
            return _reserve_and_rename(tmp, folder, name)
        return path
    raise FileExistsError(folder / name)


def _reserve_and_rename(tmp: Path, folder: Path, name: str) -> Path:
    for path in _candidates(folder, name):
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        os.close(fd)
        try:
            os.replace(tmp, path)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return path
    raise FileExistsError(folder / name)


def remove_leftovers(folder: Path) -> list[str]:
    """Remove what an upload the desk could not finish left in ``folder`` (a crash, the
    machine turned off): its own temporaries, and — from the desk before this one — atomic's
    temporary of an upload with the empty file reserved beside it under the upload's name.
    Never a file that is not the desk's: an empty file is removed only beside such a
    temporary of the same name. Returns the names removed."""
    removed: list[str] = []
    if not folder.is_dir():
        return removed
    for path in sorted(folder.iterdir()):
        if not path.name.startswith(TEMP_PREFIX) or not _plain_file(path):
            continue
        old = _OLD_TEMPORARY.fullmatch(path.name)
        if old is not None:  # the name it had reserved: the temporary holds its first 40
            for other in folder.iterdir():
                if other.stem[:40] == old["stem"] and other.suffix == old["suffix"] \
                        and not other.name.startswith(TEMP_PREFIX) and _plain_file(other) \
                        and other.stat().st_size == 0 and _remove(other):
                    removed.append(other.name)
        if path.name.startswith(UPLOAD_TEMP_PREFIX) or old is not None:
            if _remove(path):
                removed.append(path.name)
    return removed


def has_leftovers(folder: Path) -> bool:
    """Whether ``folder`` holds a temporary :func:`remove_leftovers` would look at."""
    return folder.is_dir() and any(p.name.startswith(TEMP_PREFIX) for p in folder.iterdir())


def _plain_file(path: Path) -> bool:
    return path.is_file() and not path.is_symlink()


def _remove(path: Path) -> bool:
    try:
        path.unlink()
    except OSError:  # held open by another program: left for the next start
        return False
    return True
