"""Reading one XML part of a workbook safely: capped, and never with a DTD.

Every XML part a reader parses goes through :func:`read_xml_part`: a hard cap on the
decompressed bytes (declared sizes may lie), and any ``<!DOCTYPE``/``<!ENTITY`` (billion
laughs, external entities) or an encoding that could hide one is refused with
:class:`UnsafeContent`, which the caller turns into a finding.
"""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
import zlib
from typing import Any

from consolidator.findings import Finding, make
from consolidator.limits import DEFAULT_LIMITS, Limits, MiB
from consolidator.messages import SAFETY_TEXT, fill

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


def resolve_target(source: str, target: str) -> str:
    """A relationship ``target`` of part ``source`` as a part name (OPC rules): relative to
    the source's folder, or to the package root when it starts with ``/``; backslashes read
    as slashes; ``..`` never climbs above the root."""
    target = target.replace("\\", "/")
    base = "" if target.startswith("/") else posixpath.dirname(source)
    parts: list[str] = []
    for piece in f"{base}/{target}".split("/"):
        if piece == "..":
            if parts:
                parts.pop()
        elif piece not in ("", "."):
            parts.append(piece)
    return "/".join(parts)


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


class UnsafeContent(Exception):
    """A part that must not reach an XML parser (DOCTYPE/ENTITY, odd encoding, too big)."""

    def __init__(self, code: str, part: str, detail: str = "", **placeholders: object):
        super().__init__(f"{code}: {part}" + (f": {detail}" if detail else ""))
        self.code = code
        self.part = part
        self.detail = detail
        self.placeholders = placeholders

    def finding(self, file: str | None) -> Finding:
        return make(self.code, file=file, part=self.part, detail=self.detail,
                    **self.placeholders)  # type: ignore[arg-type]


# ---- XML parts -------------------------------------------------------------------------

_XML_DECL = re.compile(rb"^\s*<\?xml\b[^>]*?\bencoding\s*=\s*[\"']([A-Za-z0-9._:-]+)[\"']")
# Encodings in which every ASCII character is its ASCII byte, so a byte search for
# "<!DOCTYPE" cannot be dodged (UTF-7, EBCDIC, UTF-32 could). UTF-16 is decoded first.
_ASCII_SAFE_ENCODINGS = {
    "utf-8", "utf8", "us-ascii", "ascii", "iso-8859-1", "latin1", "latin-1", "iso8859-1",
    "windows-1252", "cp1252", "shift_jis", "shift-jis", "sjis", "cp932", "windows-31j",
    "ms932", "euc-jp",
}
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.I)


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
    chunks: list[bytes] = []
    total = 0
    with zf.open(name) as fh:
        while True:
            chunk = fh.read(1 << 20)
            if not chunk:
                break
            total += len(chunk)
            if total > cap:
                raise UnsafeContent("zip-bomb-size", part,
                                    size_mb=fill(SAFETY_TEXT["size-over"], size=f"{cap / MiB:.1f}"),
                                    limit_mb=f"{cap / MiB:.1f}")
            chunks.append(chunk)
    data = b"".join(chunks)
    view = ascii_view(data, part)
    m = _DTD.search(view)
    if m:
        raise UnsafeContent("xml-doctype", part, detail=m.group(1).decode().upper())
    if isinstance(zf, PackageZip):
        zf.keep(part, data)
    return data


def ascii_view(data: bytes, part: str) -> bytes:
    """``data`` as bytes in which ASCII markup is ASCII: UTF-8 (and other ASCII-compatible
    encodings) as is, UTF-16 transcoded to UTF-8; anything a parser could decode into markup
    that a byte search cannot see (UTF-32, EBCDIC, UTF-7 ...) raises :class:`UnsafeContent`."""
    if data.startswith(b"\xef\xbb\xbf"):
        body = data[3:]
    elif data[:4] in (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"):
        raise UnsafeContent("xml-encoding", part, value="UTF-32")
    elif data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16", "replace").encode("utf-8")
    elif data[:2] == b"<\x00":
        return data.decode("utf-16-le", "replace").encode("utf-8")
    elif data[:2] == b"\x00<":
        return data.decode("utf-16-be", "replace").encode("utf-8")
    elif data[:1] == b"\x00" or data[:4] == b"\x4c\x6f\xa7\x94":  # UTF-32, EBCDIC "<?xm"
        raise UnsafeContent("xml-encoding", part, value=data[:4].hex(" "))
    else:
        body = data
    m = _XML_DECL.match(body[:512])
    if m:
        enc = m.group(1).decode("ascii").lower()
        if enc not in _ASCII_SAFE_ENCODINGS:  # incl. "UTF-16" declared on non-UTF-16 bytes
            raise UnsafeContent("xml-encoding", part, value=enc)
    return body


