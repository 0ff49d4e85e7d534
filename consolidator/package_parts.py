"""The parts of a zip package, OOXML (.xlsx) or ODF (.ods): the rules both sides follow.

The safety checks and the reader (which read a department's file) and the feedback (which
writes a marked copy of it) open the same packages. What a part is called, where a
relationship or a manifest entry points, and which XML may reach a parser are decided here
once, below all of them:

- part names: :data:`CONTENT_TYPES`, :func:`rels_name`, the ODF :data:`MANIFEST`,
  :data:`CONTENT` and :data:`MIMETYPE`;
- :func:`resolve_target`: a relationship target (or a manifest path) as a part name, which
  never leaves the package (``..`` stops at the root, percent-escapes and backslashes
  cannot hide one);
- :func:`read_capped`: a part stream-decompressed under a cap (the sizes the zip directory
  declares may lie);
- :func:`refuse_unsafe_xml` and :func:`parse_xml`: the XML parser settings — no
  ``<!DOCTYPE``/``<!ENTITY`` anywhere (entity bombs, external entities), looked for
  case-insensitively and after decoding UTF-16, and no encoding that could hide one.

What fails raises :class:`UnsafeContent`, which carries the finding to report.
"""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
from urllib.parse import unquote

from consolidator.findings import Finding, make
from consolidator.limits import MiB
from consolidator.messages import SAFETY_TEXT, fill

# ---- part names ------------------------------------------------------------------------------

CONTENT_TYPES = "[Content_Types].xml"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"

MIMETYPE = "mimetype"
MANIFEST = "META-INF/manifest.xml"
CONTENT = "content.xml"
STYLES_ODF = "styles.xml"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
ODF_PREFIX = b"application/vnd.oasis.opendocument."
MANIFEST_NS = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"


def rels_name(part: str) -> str:
    """The relationships part of ``part`` (``xl/_rels/workbook.xml.rels``)."""
    folder, base = posixpath.split(part)
    return f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels"


def resolve_target(source: str, target: str) -> str:
    """A relationship ``target`` of part ``source`` as a part name (OPC rules): relative to
    the source's folder, or to the package root when it starts with ``/``. Percent-escapes
    are decoded and backslashes read as slashes first, so neither can hide a ``..``; ``..``
    never climbs above the root. For an ODF manifest path, ``source`` is ``""``."""
    target = unquote(target).replace("\\", "/")
    base = "" if target.startswith("/") else posixpath.dirname(source)
    parts: list[str] = []
    for piece in f"{base}/{target}".split("/"):
        if piece == "..":
            if parts:
                parts.pop()
        elif piece not in ("", "."):
            parts.append(piece)
    return "/".join(parts)


def relative(source: str, part: str) -> str:
    """The relationship target that points from ``source`` to ``part`` (both part names)."""
    return posixpath.relpath(part, posixpath.dirname(source) or ".")


# ---- what may reach an XML parser ------------------------------------------------------------

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


def read_capped(zf: zipfile.ZipFile, name: str | zipfile.ZipInfo, cap: int) -> bytes:
    """The bytes of one part, stream-decompressed with a counter and abandoned as soon as
    they exceed ``cap`` (:class:`UnsafeContent` ``zip-bomb-size``). A missing part raises
    ``KeyError``; a corrupt one ``zipfile.BadZipFile``/``zlib.error``."""
    part = name.filename if isinstance(name, zipfile.ZipInfo) else name
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
    return b"".join(chunks)


_XML_DECL = re.compile(rb"^\s*<\?xml\b[^>]*?\bencoding\s*=\s*[\"']([A-Za-z0-9._:-]+)[\"']")
# Encodings in which every ASCII character is its ASCII byte, so a byte search for
# "<!DOCTYPE" cannot be dodged (UTF-7, EBCDIC, UTF-32 could). UTF-16 is decoded first.
_ASCII_SAFE_ENCODINGS = {
    "utf-8", "utf8", "us-ascii", "ascii", "iso-8859-1", "latin1", "latin-1", "iso8859-1",
    "windows-1252", "cp1252", "shift_jis", "shift-jis", "sjis", "cp932", "windows-31j",
    "ms932", "euc-jp",
}
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.I)


def refuse_unsafe_xml(data: bytes, part: str) -> None:
    """Raise :class:`UnsafeContent` unless ``data`` may reach an XML parser: it must be
    UTF-8 (or another ASCII-compatible encoding) or UTF-16, and hold no ``<!DOCTYPE`` or
    ``<!ENTITY`` anywhere, in any case."""
    m = _DTD.search(ascii_view(data, part))
    if m:
        raise UnsafeContent("xml-doctype", part, detail=m.group(1).decode().upper())


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


def parse_xml(data: bytes, part: str) -> ET.Element:
    """``data`` parsed, after :func:`refuse_unsafe_xml`: :class:`UnsafeContent` or
    ``ET.ParseError``."""
    refuse_unsafe_xml(data, part)
    return ET.fromstring(data)
