"""Reading one XML part of a workbook safely: capped, and never with a DTD.

Every XML part a reader parses goes through :func:`read_xml_part`: a hard cap on the
decompressed bytes (declared sizes may lie), and any ``<!DOCTYPE``/``<!ENTITY`` (billion
laughs, external entities) or an encoding that could hide one is refused with
:class:`UnsafeContent`, which the caller turns into a finding. The rules themselves (the cap,
the DTD refusal, relationship targets) live in :mod:`consolidator.package_parts`, which the
feedback side follows too; this module adds the zip kept open for one file's checks.
"""

from __future__ import annotations

import html
import re
import zipfile
import zlib
from typing import Any

from consolidator.limits import DEFAULT_LIMITS, Limits
from consolidator.package_parts import read_capped, refuse_unsafe_xml

# What reading a part of a corrupt zip can raise (besides UnsafeContent).
CORRUPT_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError,
            NotImplementedError, ValueError)


# What opening a zip that is not one (or a broken one) can raise.
ZIP_OPEN_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError,
                   NotImplementedError, UnicodeDecodeError)


def describe_exception(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


RELATIONSHIP_RE = re.compile(rb"<(?:[\w.-]+:)?Relationship\b([^>]*)>")
_ATTR = re.compile(rb"([\w.-]+(?::[\w.-]+)?)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")


def xml_attributes(text: bytes) -> dict[str, str]:
    return {m.group(1).decode("ascii", "replace"):
            html.unescape((m.group(2) if m.group(2) is not None else m.group(3) or b"")
                          .decode("utf-8", "replace"))
            for m in _ATTR.finditer(text)}


class PackageZip(zipfile.ZipFile):
    """A zip opened once for all the checks and reads of one file (see
    :mod:`consolidator.safety.package`): the XML parts read through :func:`read_xml_part` are
    kept, up to ``retain_bytes`` in all, and handed out again instead of being decompressed
    a second time. Only parts that passed every check of :func:`read_xml_part` are kept."""

    def __init__(self, file: Any, retain_bytes: int) -> None:
        super().__init__(file)
        self.retained: dict[str, bytes] = {}
        self.room = retain_bytes

    def keep(self, part: str, data: bytes) -> None:
        if len(data) <= self.room:
            self.retained[part] = data
            self.room -= len(data)


# ---- XML parts -------------------------------------------------------------------------

def read_xml_part(zf: zipfile.ZipFile, name: str | zipfile.ZipInfo,
                  limits: Limits = DEFAULT_LIMITS, *, max_bytes: int | None = None) -> bytes:
    """The bytes of one XML part, safe to hand to an XML parser.

    The part is stream-decompressed with a counter and abandoned as soon as it exceeds
    ``limits.max_entry_bytes`` (or ``max_bytes`` if smaller) — the declared size in the zip
    directory is not trusted. It must be UTF-8 (or another ASCII-compatible encoding) or
    UTF-16, and must not contain ``<!DOCTYPE`` or ``<!ENTITY`` anywhere (entity expansion
    bombs, external entities): :class:`UnsafeContent` otherwise. A missing part raises
    ``KeyError``; a corrupt one ``zipfile.BadZipFile``/``zlib.error`` (see :func:`scan_parts`
    for turning those into findings). The bytes are returned as stored (not re-encoded).
    """
    part = name.filename if isinstance(name, zipfile.ZipInfo) else name
    cap = limits.max_entry_bytes if max_bytes is None else min(max_bytes, limits.max_entry_bytes)
    if isinstance(zf, PackageZip):
        kept = zf.retained.get(part)
        if kept is not None and len(kept) <= cap:
            return kept  # read and checked before (a larger one is read again: it raises)
    data = read_capped(zf, name, cap)
    refuse_unsafe_xml(data, part)
    if isinstance(zf, PackageZip):
        zf.keep(part, data)
    return data
