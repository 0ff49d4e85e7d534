"""Saving uploaded files into ``submissions/``: safe names, never overwriting, size-capped.

A browser sends a file name chosen by whoever made the file (``../../x.xlsx``, ``CON.xlsx``,
``a<b>.xlsx``, a name with control characters or 300 characters). :func:`safe_name` keeps
only the last path component, with the characters Windows, macOS and Linux all accept, and
no leading dot (no hidden file, no ``..``). :func:`save_upload` never replaces a file already
there: the name is reserved with an exclusive create (``x.xlsx``, else ``x (2).xlsx`` …) and
the bytes are written through :mod:`consolidator.atomic`, so a cut upload never leaves a
half file under the reserved name. The file is saved exactly as received: the checks (the
same as the command line's) read it afterwards, in their isolated child process.
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path
from typing import IO

from consolidator.atomic import atomic_path
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
FORBIDDEN_CHARS = WINDOWS_FORBIDDEN | SEPARATORS  # the separators' look-alikes too
# Control and format characters, and unassigned ones: a received name is cleaned, not refused.
_REPLACED_CATEGORIES = CONTROL_CATEGORIES | {"Cn"}
TRIMMED = " ." + chr(0x3000)  # spaces (also the ideographic one) and dots at either end


class TooLarge(Exception):
    """The upload is over the size limit; nothing of it was kept."""


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
    return f"{stem}.{suffix}" if suffix else stem


def _control(c: str) -> bool:
    return unicodedata.category(c) in _REPLACED_CATEGORIES


def save_upload(stream: IO[bytes], folder: Path, name: str, max_bytes: int) -> Path:
    """Copy ``stream`` into ``folder`` under ``name`` (already made safe), or the first free
    ``name (n)``; returns the file written. Raises :class:`TooLarge` past ``max_bytes`` and
    ``OSError`` when the folder cannot be written; in both cases nothing is left behind."""
    folder.mkdir(parents=True, exist_ok=True)
    target = _reserve(folder, name)
    try:
        with atomic_path(target) as tmp, tmp.open("wb") as out:
            size = 0
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise TooLarge(name)
                out.write(chunk)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return target


def _reserve(folder: Path, name: str) -> Path:
    """Create ``folder/name`` (or ``name (2)`` …) exclusively, empty; never an existing file."""
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    for n in range(1, MAX_TRIES + 1):
        candidate = name if n == 1 else (f"{stem} ({n}).{suffix}" if suffix else f"{stem} ({n})")
        path = output_path(folder, candidate)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            continue
        os.close(fd)
        return path
    raise FileExistsError(folder / name)
