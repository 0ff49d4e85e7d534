"""Safety checks on a returned file BEFORE any spreadsheet parser touches it.

Workbooks arrive by e-mail from many people: some are broken, some are not workbooks at all
(a PDF, a CSV, a legacy .xls renamed .xlsx), a few may be hostile (zip bombs, XML entity
bombs, external entities, absurd grids). Parsers (openpyxl, calamine) are not hardened against
all of that, so this module looks at the bytes first:

* :func:`check_file` — file size and signature, then the zip central directory only (entry
  count, duplicate names, declared sizes, compression ratios, unsafe paths, the parts an
  .xlsx must have, macros, external links). Nothing large is decompressed.
* :func:`scan_parts` — every XML part read once through :func:`read_xml_part` (hard cap on
  decompressed bytes, no ``<!DOCTYPE``/``<!ENTITY``, UTF-8/UTF-16 only), plus a cheap regex
  scan of the grid: cell/row references beyond ``XFD1048576``, too many cells, overlong
  strings and control characters.
* :func:`check_workbook` — both, as a pipeline runs them: the parts are only scanned if the
  directory checks passed.

Every problem is a :class:`~consolidator.findings.Finding` (codes in the ``file safety``
section of :mod:`consolidator.messages`); nothing here raises for a bad file. Macros and
external links are warnings: the cell data is still read, the macro never runs and the link is
never followed nor copied.
"""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from consolidator.findings import ERROR, Finding, make
from consolidator.limits import DEFAULT_LIMITS, Limits

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
ODF_PREFIX = b"application/vnd.oasis.opendocument."

KINDS = ("xlsx", "xlsm", "xls", "encrypted", "ods", "not-workbook", "empty", "broken-zip")
MAX_FINDINGS_PER_CODE = 20  # per file; the rest are summarised in one more finding
_MB = 1024 * 1024
# What reading a part of a corrupt zip can raise (besides UnsafeContent).
_BAD_ZIP = (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError,
            NotImplementedError, ValueError)


@dataclass
class SafetyReport:
    """The verdict on one file: what it is, whether it may be parsed, and why not."""

    kind: str
    ok: bool
    findings: list[Finding] = field(default_factory=list)

    def codes(self) -> list[str]:
        return [f.code for f in self.findings]


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
    chunks: list[bytes] = []
    total = 0
    with zf.open(name) as fh:
        while True:
            chunk = fh.read(1 << 20)
            if not chunk:
                break
            total += len(chunk)
            if total > cap:
                raise UnsafeContent("zip-bomb-size", part, size_mb=f"{cap / _MB:.1f} 超",
                                    limit_mb=f"{cap / _MB:.1f}")
            chunks.append(chunk)
    data = b"".join(chunks)
    view = _ascii_view(data, part)
    m = _DTD.search(view)
    if m:
        raise UnsafeContent("xml-doctype", part, detail=m.group(1).decode().upper())
    return data


def _ascii_view(data: bytes, part: str) -> bytes:
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


# ---- check_file: signature and zip directory -------------------------------------------

def check_file(path: Path, limits: Limits = DEFAULT_LIMITS) -> SafetyReport:
    """Classify ``path`` and check it as far as its bytes and zip directory go.

    ``ok`` means the file may go on to :func:`scan_parts` and a parser. Large parts are never
    decompressed here; only tiny ones (``mimetype``, ``[Content_Types].xml``, external-link
    relationships) are read, through :func:`read_xml_part`.
    """
    path = Path(path)
    file = path.name
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(8192)
    except OSError as exc:
        return _report("not-workbook", [make("file-unreadable", file=file, detail=_exc(exc))])
    if size == 0 or not head:
        return _report("empty", [make("file-empty", file=file)])
    if size > limits.max_file_bytes:
        kind = ("xlsx" if head.startswith(ZIP_MAGIC) else "xls" if head.startswith(OLE_MAGIC)
                else "not-workbook")
        return _report(kind, [make("file-too-large", file=file, size_mb=f"{size / _MB:.1f}",
                                   limit_mb=f"{limits.max_file_bytes / _MB:.0f}")])
    if head.startswith(OLE_MAGIC):
        return _check_ole(path, file)
    if head.startswith(ZIP_MAGIC):
        return _check_zip(path, file, size, limits)
    return _report("not-workbook", [make("file-not-workbook", file=file,
                                         looks_like=_looks_like(head))])


def _report(kind: str, findings: list[Finding]) -> SafetyReport:
    return SafetyReport(kind=kind, ok=not any(f.severity == ERROR for f in findings),
                        findings=findings)


def _exc(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _check_ole(path: Path, file: str) -> SafetyReport:
    """An OLE2 compound file: a legacy .xls, a password-encrypted .xlsx, or another old
    Office document. Decided by the stream names in the directory (UTF-16LE, 128-byte
    entries), read from the bytes without an OLE library."""
    data = path.read_bytes()
    streams = _ole_stream_names(data, ("EncryptionInfo", "EncryptedPackage", "Workbook",
                                       "Book", "WordDocument", "PowerPoint Document"))
    if {"EncryptionInfo", "EncryptedPackage"} & streams:
        return _report("encrypted", [make("file-encrypted", file=file)])
    if {"Workbook", "Book"} & streams:
        return _report("xls", [make("file-legacy-xls", file=file)])
    looks = ("Word文書(.doc)" if "WordDocument" in streams
             else "PowerPointファイル(.ppt)" if "PowerPoint Document" in streams
             else "古いOffice形式(OLE2)のファイル")
    return _report("not-workbook", [make("file-not-workbook", file=file, looks_like=looks)])


def _ole_stream_names(data: bytes, wanted: Iterable[str]) -> set[str]:
    """Which of ``wanted`` are names of directory entries of the compound file ``data``.

    A directory entry is 128 bytes, starts at a multiple of 128 after the 512-byte header,
    holds the name in UTF-16LE and, at offset 64, the name's byte length including the
    terminating NUL. Matching all three rules out the same text inside stream data.
    """
    found = set()
    for name in wanted:
        encoded = name.encode("utf-16-le")
        start = 512
        while (i := data.find(encoded, start)) != -1:
            if (i % 128 == 0 and data[i + len(encoded):i + len(encoded) + 2] == b"\0\0"
                    and int.from_bytes(data[i + 64:i + 66], "little") == len(encoded) + 2):
                found.add(name)
                break
            start = i + 1
    return found


def _eocd_entry_count(path: Path, size: int) -> int | None:
    """Entry count from the end-of-central-directory record, before zipfile reads the
    directory (so a million-entry directory is refused without parsing it)."""
    with path.open("rb") as fh:
        back = min(size, 65_557)
        fh.seek(size - back)
        tail = fh.read(back)
    i = tail.rfind(b"PK\x05\x06")
    if i == -1 or len(tail) < i + 22:
        return None
    count = int.from_bytes(tail[i + 10:i + 12], "little")
    return None if count == 0xFFFF else count  # 0xFFFF: see the zip64 record


def _unsafe_name(name: str) -> bool:
    n = name.replace("\\", "/")
    return (n.startswith("/") or re.match(r"^[A-Za-z]:", n) is not None
            or ".." in n.split("/") or "\x00" in n)


def _check_zip(path: Path, file: str, size: int, limits: Limits) -> SafetyReport:
    findings: list[Finding] = []
    count = _eocd_entry_count(path, size)
    if count is not None and count > limits.max_zip_entries:
        return _report("broken-zip", [
            make("zip-too-many-entries", file=file, count=f"{count:,}",
                 limit=f"{limits.max_zip_entries:,}")])
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError,
            NotImplementedError, UnicodeDecodeError) as exc:
        return _report("broken-zip", [make("file-broken-zip", file=file, detail=_exc(exc))])
    with zf:
        infos = zf.infolist()
        findings.extend(_directory_findings(infos, file, limits))
        names = {i.filename.replace("\\", "/").casefold(): i for i in infos}
        if findings:  # never read parts of a zip whose directory is hostile or broken
            return _report(_kind_from_names(names), findings)
        return _classify_zip(zf, names, file, limits)


def _directory_findings(infos: list[zipfile.ZipInfo], file: str,
                        limits: Limits) -> list[Finding]:
    out: list[Finding] = []
    if len(infos) > limits.max_zip_entries:
        out.append(make("zip-too-many-entries", file=file, count=f"{len(infos):,}",
                        limit=f"{limits.max_zip_entries:,}"))
    seen: set[str] = set()
    total = 0
    flagged_size = False
    for info in infos:
        name = info.filename
        key = name.replace("\\", "/").casefold()  # OPC part names are case-insensitive
        if key in seen:
            out.append(make("zip-duplicate-entry", file=file, part=name))
        seen.add(key)
        if _unsafe_name(name):
            out.append(make("zip-unsafe-path", file=file, part=name))
        if info.flag_bits & 0x1 or info.compress_type not in (zipfile.ZIP_STORED,
                                                               zipfile.ZIP_DEFLATED):
            what = "暗号化された部品" if info.flag_bits & 0x1 else \
                f"未対応の圧縮方式 {info.compress_type}"
            out.append(make("file-broken-zip", file=file, detail=f"{name}: {what}"))
            continue
        usize, csize = info.file_size, info.compress_size
        total += usize
        # Deflate never expands by more than ~0.03% + a few bytes; stored means equal sizes.
        lying = (csize != usize if info.compress_type == zipfile.ZIP_STORED
                 else csize > usize + usize // 1000 + 64)
        if lying:
            out.append(make("zip-size-mismatch", file=file, part=name,
                            detail=f"圧縮後 {csize:,} バイト、展開後 {usize:,} バイトと記録"))
            flagged_size = True
        elif usize > limits.ratio_check_min_bytes and csize / usize < limits.min_inflate_ratio:
            out.append(make("zip-bomb-ratio", file=file, part=name,
                            size_mb=f"{usize / _MB:.1f}", ratio=f"1/{usize // max(csize, 1)}",
                            limit=f"1/{round(1 / limits.min_inflate_ratio)}"))
            flagged_size = True
        elif usize > limits.max_entry_bytes:
            out.append(make("zip-bomb-size", file=file, part=name,
                            size_mb=f"{usize / _MB:.1f}",
                            limit_mb=f"{limits.max_entry_bytes / _MB:.0f}"))
            flagged_size = True
    if total > limits.max_total_bytes and not flagged_size:
        out.append(make("zip-bomb-size", file=file, part="(全体)", size_mb=f"{total / _MB:.1f}",
                        limit_mb=f"{limits.max_total_bytes / _MB:.0f}"))
    return out


def _kind_from_names(names: dict[str, zipfile.ZipInfo]) -> str:
    if "[content_types].xml" in names and "xl/workbook.xml" in names:
        return "xlsm" if _has_macro_parts(names) else "xlsx"
    if "mimetype" in names:
        return "ods"
    return "not-workbook"


def _has_macro_parts(names: Iterable[str]) -> bool:
    return any(n.startswith("xl/") and (n.endswith("vbaproject.bin")
                                         or n.startswith(("xl/macrosheets/",
                                                          "xl/dialogsheets/")))
               for n in names)


def _classify_zip(zf: zipfile.ZipFile, names: dict[str, zipfile.ZipInfo], file: str,
                  limits: Limits) -> SafetyReport:
    if "mimetype" in names and "xl/workbook.xml" not in names:
        mimetype = _read_small(zf, names["mimetype"], 256).strip()
        if mimetype == ODS_MIMETYPE:
            return _report("ods", [make("file-ods", file=file)])
        if mimetype.startswith(ODF_PREFIX):
            return _report("not-workbook", [make("file-not-workbook", file=file,
                                                 looks_like="OpenDocument形式の文書(.odt/.odp)")])
    if "[content_types].xml" not in names or "xl/workbook.xml" not in names:
        looks = ("Word文書(.docx)" if "word/document.xml" in names
                 else "PowerPointファイル(.pptx)" if "ppt/presentation.xml" in names
                 else "Excelバイナリブック(.xlsb)" if "xl/workbook.bin" in names
                 else None)
        if looks or "[content_types].xml" not in names:
            return _report("not-workbook", [make("file-not-workbook", file=file,
                                                 looks_like=looks or "ZIP圧縮ファイル")])
        return _report("xlsx", [make("file-missing-part", file=file, part="xl/workbook.xml")])

    findings: list[Finding] = []
    macro = _has_macro_parts(names)
    if not macro:
        try:  # content types are tiny; unsafe content here is reported by scan_parts
            ct = read_xml_part(zf, names["[content_types].xml"], limits, max_bytes=1 * _MB)
            macro = b"macroenabled" in ct.lower()
        except (UnsafeContent, *_BAD_ZIP):
            pass
    kind = "xlsm" if macro else "xlsx"
    if macro:
        findings.append(make("file-macro", file=file))
    for key, info in names.items():
        if key.startswith("xl/externallinks/") and key.endswith(".xml"):
            target = _external_target(zf, names, key, limits)
            findings.append(make("file-external-link", file=file, part=info.filename,
                                 value=target or "リンク先不明"))
    return _report(kind, findings)


def _read_small(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes:
    if info.file_size > cap:
        return b""
    try:
        with zf.open(info) as fh:
            return fh.read(cap)
    except _BAD_ZIP:
        return b""


_REL = re.compile(rb"<(?:[\w.-]+:)?Relationship\b([^>]*)>")
_ATTR = re.compile(rb"([\w.-]+(?::[\w.-]+)?)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")


def _attrs(text: bytes) -> dict[str, str]:
    return {m.group(1).decode("ascii", "replace"):
            html.unescape((m.group(2) if m.group(2) is not None else m.group(3) or b"")
                          .decode("utf-8", "replace"))
            for m in _ATTR.finditer(text)}


def _external_target(zf: zipfile.ZipFile, names: dict[str, zipfile.ZipInfo], key: str,
                     limits: Limits) -> str | None:
    folder, base = posixpath.split(key)
    rels = names.get(f"{folder}/_rels/{base}.rels")
    if rels is None:
        return None
    try:
        data = read_xml_part(zf, rels, limits, max_bytes=1 * _MB)
    except (UnsafeContent, *_BAD_ZIP):
        return None
    targets = [unquote(a.get("Target", ""))
               for a in map(_attrs, (m.group(1) for m in _REL.finditer(data)))]
    return ", ".join(t for t in targets if t) or None


def _looks_like(head: bytes) -> str:
    """What a non-workbook file looks like, from its first bytes (for the message)."""
    if head.startswith(b"%PDF"):
        return "PDF"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG画像"
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG画像"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "GIF画像"
    if head.startswith(b"PK"):
        return "ZIP圧縮ファイル"
    if head.startswith(b"{\\rtf"):
        return "RTF文書"
    text = _as_text(head)
    if text is None:
        return "不明な形式(テキストでも画像でもないデータ)"
    low = text.lstrip().lower()
    if low.startswith("<!doctype html") or "<html" in low[:2048]:
        return "HTML(Webページ)"
    if "mime-version:" in low[:1024]:
        return "Webページ(MHTML)"
    if low.startswith("<?xml"):
        if "urn:schemas-microsoft-com:office:spreadsheet" in low:
            return "Excel 2003 XMLスプレッドシート"
        return "XMLファイル"
    first = low.splitlines()[0] if low else ""
    if "," in first or "\t" in first:
        return "CSV(テキスト)"
    return "テキストファイル"


def _as_text(head: bytes) -> str | None:
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = head.decode("utf-16", "replace")
    else:
        if b"\x00" in head:
            return None
        for enc in ("utf-8-sig", "cp932"):
            try:
                text = head.decode(enc)
                break
            except UnicodeDecodeError as exc:
                if enc == "utf-8-sig" and exc.start >= len(head) - 4:  # cut mid-character
                    text = head[:exc.start].decode(enc)
                    break
        else:
            return None
    bad = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n\x0c")
    return text if bad <= len(text) // 100 else None


# ---- scan_parts: XML content and the grid ------------------------------------------------
#
# Speed: a large template has ~500 KB of sheet XML and Python's regex engine scans ~200 MB/s
# for patterns without a literal prefix, so the clean path uses only bytes methods
# (translate/find/count) and regexes that start with a literal; the exact, slower scans run
# only where the fast ones found a candidate.

_P = rb"(?:[\w.-]+:)?"  # an optional namespace prefix
_SHEET = re.compile(rb"<" + _P + rb"sheet\s([^>]*?)/?>")
_CELL_TAG = re.compile(rb"<" + _P + rb"c[\s/>]")
# Any r attribute whose value is not obviously legal (0-2 letters, then row 1..999,999):
# cell references with 3-letter columns, rows >= 1,000,000, and anything malformed. Also
# matches other attributes ending in "r" (header=, footer=): _attribute_owner() sorts them out.
_ODD_R = re.compile(rb"r\s*=\s*[\"'](?![A-Z]{0,2}[1-9][0-9]{0,5}[\"'])([^\"']*)")


# The element patterns start with the element's name, a literal the regex engine searches
# for fast, and so match with or without a namespace prefix; _is_element() then checks that
# the match is really a tag.
_ODD_COL = re.compile(rb"col\s[^>]*?\b(?:min|max)\s*=\s*[\"'](?![1-9][0-9]{0,3}[\"'])([^\"']*)")
_DIMENSION = re.compile(rb"dimension\s[^>]*?\bref\s*=\s*[\"']([^\"']*)")
_MERGE = re.compile(rb"mergeCell\s[^>]*?\bref\s*=\s*[\"']([^\"']*)")
_TAG_NAME = re.compile(rb"<(" + _P + rb"[\w.-]+)")
_TAG_PREFIX = re.compile(rb"<" + _P)
_CELL_BLOCK = re.compile(rb"<" + _P + rb"c(\s[^>]*?)?(?:/>|>(.*?)</" + _P + rb"c>)", re.S)
_SI = re.compile(rb"<" + _P + rb"si(?:\s[^>]*?)?(?:/>|>(.*?)</" + _P + rb"si>)", re.S)
_RPH = re.compile(rb"<" + _P + rb"rPh\b.*?</" + _P + rb"rPh>", re.S)
_T = re.compile(rb"<" + _P + rb"t(?:\s[^>]*)?>(.*?)</" + _P + rb"t>", re.S)
_V = re.compile(rb"<" + _P + rb"v(?:\s[^>]*)?>(.*?)</" + _P + rb"v>", re.S)
_IS = re.compile(rb"<" + _P + rb"is>(.*?)</" + _P + rb"is>", re.S)
_S_CELL = re.compile(rb"<" + _P + rb"c\s([^>]*?)>\s*<" + _P + rb"v>\s*([0-9]+)\s*<")
_T_S = re.compile(rb"\bt\s*=\s*[\"']s[\"']")
_R_ATTR = re.compile(rb"\br\s*=\s*[\"']([^\"']*)")
_XESC = re.compile(r"_x[0-9A-Fa-f]{4}_")
_WS = bytes.maketrans(b"\t\n\r", b"   ")
# Control characters Excel cannot hold in a cell (tab, LF, CR are fine): raw, as the OOXML
# escape _x0001_ (but not _x005F_x0001_, the escaped literal text "_x0001_"), or as an XML
# character reference (illegal in XML 1.0 anyway).
_NOT_CTRL = bytes(range(0x20, 0x100)) + b"\t\n\r"
_ESC_CTRL = re.compile(rb"_x00(?:0[0-8BbCcEeFf]|1[0-9A-Fa-f])_")
_REF_CTRL = re.compile(rb"&#(?:0*(?:[0-8]|1[124-9]|2[0-9]|3[01])|[xX]0*(?:[0-8bBcCeEfF]|"
                       rb"1[0-9a-fA-F]));")


def _has_ctrl(data: bytes) -> bool:
    """Whether ``data`` holds a control character, raw, escaped or as a reference."""
    if data.translate(None, _NOT_CTRL):
        return True
    if b"_x00" in data:
        for m in _ESC_CTRL.finditer(data):
            if data[max(0, m.start() - 6):m.start()].upper() != b"_X005F":
                return True
    return b"&#" in data and _REF_CTRL.search(data) is not None


def _may_hold_long_text(data: bytes, delimiter: bytes, limit: int) -> bool:
    """False if no stretch of ``data`` between two ``delimiter``s can hold more than
    ``limit`` characters (one character is at least one byte): then every aligned block of
    ``limit // 2`` bytes contains a delimiter. A few ``find`` calls instead of a parse."""
    if len(data) <= limit:
        return False
    block = max(limit // 2, 1)
    extra = len(delimiter) - 1
    return any(data.find(delimiter, start, start + block + extra) == -1
               for start in range(0, len(data), block))


def scan_parts(path: Path, limits: Limits = DEFAULT_LIMITS) -> list[Finding]:
    """Read every XML part once through :func:`read_xml_part` and scan the grid.

    Meant for files :func:`check_file` passed (``ok``); on anything else it still never
    raises for bad content. Findings name the sheet (by its name in the workbook when known)
    and the cell where possible.
    """
    path = Path(path)
    out = _Collector(path.name)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError,
            NotImplementedError, UnicodeDecodeError) as exc:
        out.add("file-broken-zip", detail=_exc(exc))
        return out.finish()
    with zf:
        _scan_zip(zf, out, limits)
    return out.finish()


def check_workbook(path: Path, limits: Limits = DEFAULT_LIMITS) -> SafetyReport:
    """:func:`check_file`, then :func:`scan_parts` if the file passed: the full verdict."""
    report = check_file(path, limits)
    if report.ok and report.kind in ("xlsx", "xlsm"):
        report.findings.extend(scan_parts(path, limits))
        report.ok = not any(f.severity == ERROR for f in report.findings)
    return report


class _Collector:
    """Findings of one file, at most MAX_FINDINGS_PER_CODE per code plus one summary."""

    def __init__(self, file: str):
        self.file = file
        self.items: list[Finding] = []
        self.per_code: dict[str, int] = {}

    def add(self, code: str, **kw: object) -> None:
        self.append(code, lambda: make(code, file=self.file, **kw))  # type: ignore[arg-type]

    def append(self, code: str, build: Callable[[], Finding]) -> None:
        n = self.per_code.get(code, 0) + 1
        self.per_code[code] = n
        if n <= MAX_FINDINGS_PER_CODE:
            self.items.append(build())

    def finish(self) -> list[Finding]:
        for code, n in self.per_code.items():
            if n > MAX_FINDINGS_PER_CODE:
                more = f"ほか {n - MAX_FINDINGS_PER_CODE:,} か所"
                self.items.append(make(code, file=self.file, where=more, part=more,
                                       detail=more))
        return self.items


@dataclass
class _Sheet:
    name: str
    part: str


_XMLISH = (".xml", ".rels", ".vml")


def _scan_zip(zf: zipfile.ZipFile, out: _Collector, limits: Limits) -> None:
    infos = {i.filename.replace("\\", "/").casefold(): i for i in zf.infolist()}
    budget = limits.max_total_bytes

    def read(key: str) -> bytes | None:
        nonlocal budget
        info = infos[key]
        try:
            data = read_xml_part(zf, info, limits, max_bytes=budget)
        except UnsafeContent as exc:
            finding = exc.finding(out.file)
            out.append(exc.code, lambda: finding)
            return None
        except _BAD_ZIP as exc:
            out.add("file-broken-zip", detail=f"{info.filename}: {_exc(exc)}")
            return None
        budget -= len(data)
        return _view(data)

    # The workbook and its relationships first: they name the sheets and shared strings.
    wb_key, rels_key = "xl/workbook.xml", "xl/_rels/workbook.xml.rels"
    wb = read(wb_key) if wb_key in infos else None
    rels = read(rels_key) if rels_key in infos else None
    sheets: list[_Sheet] = []
    shared_key = "xl/sharedstrings.xml"
    if wb is not None:
        targets: dict[str, str] = {}
        for attrs in (_attrs(m.group(1)) for m in _REL.finditer(rels or b"")):
            targets[attrs.get("Id", "")] = attrs.get("Target", "")
            if attrs.get("Type", "").endswith("/sharedStrings"):
                shared_key = _resolve(attrs.get("Target", "")).casefold()
        for m in _SHEET.finditer(wb):
            attrs = _attrs(m.group(1))
            name = attrs.get("name", "")
            rid = next((v for k, v in attrs.items() if k.endswith(":id")), "")
            target = targets.get(rid, "")
            part = _resolve(target) if target else f"(関係 {rid or '未指定'})"
            if not target or part.casefold() not in infos:
                out.add("file-missing-part", part=part, sheet=name,
                        where=f"(シート「{name}」の内容)")
                continue
            if all(s.part.casefold() != part.casefold() for s in sheets):
                sheets.append(_Sheet(name, part))
    listed = {s.part.casefold() for s in sheets}
    for key, info in infos.items():  # worksheets the workbook does not list: scan them too
        if key.startswith("xl/worksheets/") and key.endswith(".xml") and key not in listed:
            sheets.append(_Sheet(info.filename, info.filename))
    sheet_keys = {s.part.casefold() for s in sheets}

    shared = None
    for key, info in infos.items():  # every other XML part, once
        if info.is_dir() or key in sheet_keys or key in (wb_key, rels_key):
            continue
        # A parser follows relationships, not file extensions: an XML part named .dat
        # is still parsed, so anything that starts like XML is checked too.
        if key.endswith(_XMLISH) or key == shared_key or _starts_like_xml(zf, info):
            data = read(key)
            if key == shared_key:
                shared = data
    # Only count cells if the sheets are big enough to hold too many (a cell is >= 4 bytes,
    # "<c/>"); declared sizes cannot lie here, zipfile stops at them and checks the CRC.
    count_cells = sum(infos[k].file_size for k in sheet_keys) >= 4 * limits.max_cells
    cells = 0
    for sheet in sheets:  # one sheet in memory at a time
        data = read(sheet.part.casefold())
        if data is not None:
            cells += _scan_sheet(data, sheet.name, out, limits, count_cells=count_cells)
    if cells > limits.max_cells:
        out.add("grid-too-many-cells", count=f"{cells:,}", limit=f"{limits.max_cells:,}",
                where="ブック全体")
    if shared is not None:
        _scan_shared_strings(shared, zf, infos, sheets, out, limits)


def _starts_like_xml(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    try:
        with zf.open(info) as fh:
            head = fh.read(64)
    except _BAD_ZIP:
        return False
    if head[:2] in (b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<"):
        return True
    return head.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"<")


def _view(data: bytes) -> bytes:
    try:
        return _ascii_view(data, "")
    except UnsafeContent:
        return data


def _resolve(target: str) -> str:
    """A relationship target of ``xl/workbook.xml`` as a part name."""
    target = target.replace("\\", "/")
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join("xl", target))


_REF = re.compile(r"\$?([A-Za-z]{1,10})\$?([0-9]{1,12})(?::\$?([A-Za-z]{1,10})\$?([0-9]{1,12}))?")


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _range_size(ref: str, limits: Limits, *, allow_range: bool = False) -> int | None:
    """Number of cells of an A1 reference (or range, if allowed); None if it is malformed or
    outside the sheet (row 1..max_rows, column A..max_columns)."""
    m = _REF.fullmatch(ref.strip())
    if not m or (m.group(3) and not allow_range):
        return None
    c1, r1 = _col_number(m.group(1)), int(m.group(2))
    c2, r2 = (_col_number(m.group(3)), int(m.group(4))) if m.group(3) else (c1, r1)
    for c, r in ((c1, r1), (c2, r2)):
        if not (1 <= c <= limits.max_columns and 1 <= r <= limits.max_rows):
            return None
    return (abs(c2 - c1) + 1) * (abs(r2 - r1) + 1)


def _where(sheet: str | None, cell: str | None = None) -> str:
    if sheet and cell:
        return f"シート「{sheet}」のセル {cell}"
    if sheet:
        return f"シート「{sheet}」"
    return ""


def _scan_sheet(data: bytes, sheet: str, out: _Collector, limits: Limits, *,
                count_cells: bool = True) -> int:
    """Grid and string checks on one worksheet part; returns its number of cells (0 when
    ``count_cells`` is False)."""
    def bad(where: str, value: str, cell: str | None = None) -> None:
        out.add("grid-out-of-range", sheet=sheet, cell=cell, where=where, value=value)

    m = _DIMENSION.search(data)
    while m and not _is_element(data, m.start()):
        m = _DIMENSION.search(data, m.end())
    if m:
        ref = m.group(1).decode("utf-8", "replace")
        if _range_size(ref, limits, allow_range=True) is None:
            bad(f"シート「{sheet}」の使用範囲(dimension)", ref)
    bad_rows: list[str] = []
    cell_rows: set[str] = set()
    for m in _ODD_R.finditer(data):
        element = _attribute_owner(data, m.start())
        ref = m.group(1).decode("utf-8", "replace")
        if element == b"row":
            if not (ref.isdigit() and 1 <= int(ref) <= limits.max_rows):
                bad_rows.append(ref)
        elif element == b"c" and _range_size(ref, limits) is None:
            bad(_where(sheet, ref), ref, cell=ref)
            cell_rows.add(ref.lstrip("$").lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz$"))
    for ref in bad_rows:
        if ref not in cell_rows:  # a bad row is reported once: by its cell when it has one
            bad(f"シート「{sheet}」の行番号", ref)
    for m in _ODD_COL.finditer(data):
        ref = m.group(1).decode("utf-8", "replace")
        if _is_element(data, m.start()) and not (ref.isdigit()
                                                 and 1 <= int(ref) <= limits.max_columns):
            bad(f"シート「{sheet}」の列の設定(cols)", ref)
    merged = 0
    for m in _MERGE.finditer(data):
        if not _is_element(data, m.start()):
            continue
        ref = m.group(1).decode("utf-8", "replace")
        size = _range_size(ref, limits, allow_range=True)
        if size is None:
            bad(f"シート「{sheet}」の結合セル", ref)
        else:
            merged += size
    if merged > limits.max_cells:  # openpyxl makes one object per merged cell
        out.add("grid-too-many-cells", sheet=sheet, count=f"{merged:,}",
                limit=f"{limits.max_cells:,}", where=f"シート「{sheet}」の結合範囲")

    # Strings written in the sheet itself (inline strings, formula results).
    if _has_ctrl(data):
        located = False
        for m in _CELL_BLOCK.finditer(data):
            if m.group(2) and _has_ctrl(m.group(2)):
                cell = _cell_ref(m.group(1))
                out.add("string-control-char", sheet=sheet, cell=cell,
                        where=_where(sheet, cell or "(位置不明)"))
                located = True
        if not located:
            out.add("string-control-char", sheet=sheet, where=_where(sheet))
    if _may_hold_long_text(data, b"<c ", limits.max_string_chars):
        for m in _CELL_BLOCK.finditer(data):
            body = m.group(2)
            if body and len(body) > limits.max_string_chars:
                inline = _IS.search(body)
                if inline:
                    length = _text_len(inline.group(1))
                else:
                    v = _V.search(body)
                    length = _text_len(b"<t>" + v.group(1) + b"</t>") if v else 0
                if length > limits.max_string_chars:
                    cell = _cell_ref(m.group(1))
                    out.add("string-too-long", sheet=sheet, cell=cell, length=f"{length:,}",
                            limit=f"{limits.max_string_chars:,}",
                            where=_where(sheet, cell or "(位置不明)"))
    return len(_CELL_TAG.findall(data)) if count_cells else 0


def _is_element(data: bytes, pos: int) -> bool:
    """Whether the name matched at ``pos`` is an element's name: ``<name`` or ``<p:name``."""
    lt = data.rfind(b"<", max(0, pos - 40), pos)
    return lt != -1 and _TAG_PREFIX.fullmatch(data, lt, pos) is not None


def _attribute_owner(data: bytes, pos: int) -> bytes | None:
    """The local name of the element whose attribute ``r=`` starts at ``pos`` (None if the
    match is the end of a longer attribute name such as ``header=``)."""
    if pos == 0 or data[pos - 1] not in b" \t\r\n":
        return None
    lt = data.rfind(b"<", 0, pos)
    tag = _TAG_NAME.match(data, lt) if lt != -1 else None
    return tag.group(1).rsplit(b":", 1)[-1] if tag else None


def _cell_ref(attrs: bytes | None) -> str | None:
    m = _R_ATTR.search(attrs or b"")
    return m.group(1).decode("utf-8", "replace") if m else None


def _text_len(body: bytes) -> int:
    """Length of a rich/plain string body as Excel counts it: UTF-16 code units (a character
    outside the BMP, such as 𠮷, counts two); phonetic runs excluded, escapes as one."""
    body = _RPH.sub(b"", body)
    text = "".join(html.unescape(m.group(1).decode("utf-8", "replace"))
                   for m in _T.finditer(body))
    return utf16_length(text) - 6 * len(_XESC.findall(text))


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _scan_shared_strings(data: bytes, zf: zipfile.ZipFile, infos: dict[str, zipfile.ZipInfo],
                         sheets: list[_Sheet], out: _Collector, limits: Limits) -> None:
    has_ctrl = _has_ctrl(data)
    if b":si" in data:  # namespace prefixes: no cheap delimiter, look at every string
        may_be_long = len(data) > limits.max_string_chars
    else:
        may_be_long = _may_hold_long_text(data, b"<si", limits.max_string_chars)
    if not has_ctrl and not may_be_long:
        return  # the fast path: a clean shared-string table
    control: list[int] = []
    long: dict[int, int] = {}
    for index, m in enumerate(_SI.finditer(data)):
        body = m.group(1)
        if not body:
            continue
        if has_ctrl and _has_ctrl(body):
            control.append(index)
        if may_be_long and len(body) > limits.max_string_chars:
            length = _text_len(body)
            if length > limits.max_string_chars:
                long[index] = length
    if not control and not long:
        return
    cells = _cells_using(zf, infos, sheets, set(control) | set(long), limits)
    for index in control:
        sheet, cell = cells[index][0] if index in cells else (None, None)
        out.add("string-control-char", sheet=sheet, cell=cell,
                where=_shared_where(index, cells.get(index)))
    for index, length in long.items():
        sheet, cell = cells[index][0] if index in cells else (None, None)
        out.add("string-too-long", sheet=sheet, cell=cell, length=f"{length:,}",
                limit=f"{limits.max_string_chars:,}",
                where=_shared_where(index, cells.get(index)))


def _shared_where(index: int, used: list[tuple[str, str | None]] | None) -> str:
    if not used:
        return f"共有文字列(xl/sharedStrings.xml)の {index + 1} 番目"
    sheet, cell = used[0]
    text = _where(sheet, cell or "(位置不明)")
    return text + (f"(ほか {len(used) - 1} か所)" if len(used) > 1 else "")


def _cells_using(zf: zipfile.ZipFile, infos: dict[str, zipfile.ZipInfo], sheets: list[_Sheet],
                 wanted: set[int], limits: Limits) -> dict[int, list[tuple[str, str | None]]]:
    """Which cells show the shared strings ``wanted`` (second pass, only when needed)."""
    found: dict[int, list[tuple[str, str | None]]] = {}
    for sheet in sheets:
        try:
            data = _view(read_xml_part(zf, infos[sheet.part.casefold()], limits))
        except (UnsafeContent, KeyError, *_BAD_ZIP):
            continue
        for m in _S_CELL.finditer(data):
            index = int(m.group(2))
            if index in wanted and _T_S.search(m.group(1)):
                found.setdefault(index, []).append((sheet.name, _cell_ref(m.group(1))))
    return found
