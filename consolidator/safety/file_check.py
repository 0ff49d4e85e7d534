"""Safety checks on a returned file BEFORE any spreadsheet parser touches it: its bytes.

Workbooks arrive by e-mail from many people: some are broken, some are not workbooks at all
(a PDF, a CSV, a legacy .xls renamed .xlsx), a few may be hostile (zip bombs, XML entity
bombs, external entities, absurd grids). Parsers (openpyxl, calamine) are not hardened against
all of that, so this module looks at the bytes first:

* :func:`check_file` — file size and signature, then the zip central directory only (entry
  count, duplicate names, declared sizes, compression ratios, unsafe paths, the parts an
  .xlsx must have, macros, external links; for an OpenDocument spreadsheet the manifest, see
  :mod:`consolidator.safety.odf_check`). Nothing large is decompressed.

The next steps live beside it: :mod:`consolidator.safety.xml_parts` (reading one part, capped and
never with a DTD) and :mod:`consolidator.safety.content_scan` (every part and the grid:
``scan_parts``, and ``verdict_of`` = both steps as a pipeline runs them).

Every problem is a :class:`~consolidator.findings.Finding` (codes in the ``file safety``
section of :mod:`consolidator.messages`); nothing here raises for a bad file. Macros and
external links are warnings: the cell data is still read, the macro never runs and the link is
never followed nor copied.
"""
from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from consolidator.findings import ERROR, Finding, make
from consolidator.limits import DEFAULT_LIMITS, Limits, MiB
from consolidator.messages import LOOKS_LIKE, SAFETY_TEXT, fill
from consolidator.package_parts import UnsafeContent, rels_name
from consolidator.safety.odf_check import check_odf_package, is_odf
from consolidator.safety.package import Package, read_package
from consolidator.safety.xml_parts import (
    CORRUPT_ZIP_ERRORS,
    RELATIONSHIP_RE,
    ZIP_OPEN_ERRORS,
    describe_exception,
    read_xml_part,
    xml_attributes,
)

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")

KINDS = ("xlsx", "xlsm", "xls", "encrypted", "ods", "not-workbook", "empty", "broken-zip")


@dataclass
class SafetyReport:
    """The verdict on one file: what it is, whether it may be parsed, and why not."""

    kind: str
    ok: bool
    findings: list[Finding] = field(default_factory=list)

    def codes(self) -> list[str]:
        return [f.code for f in self.findings]


# ---- check_file: signature and zip directory -------------------------------------------

def check_file(path: Path | Package, limits: Limits = DEFAULT_LIMITS) -> SafetyReport:
    """Classify a file and check it as far as its bytes and zip directory go: a path, or a
    :class:`~consolidator.safety.package.Package` already read (then nothing is read again).

    ``ok`` means the file may go on to :func:`scan_parts` and a parser. Large parts are never
    decompressed here; only tiny ones (``mimetype``, ``[Content_Types].xml``, external-link
    relationships) are read, through :func:`read_xml_part`.
    """
    file = path.name
    try:
        package = path if isinstance(path, Package) else read_package(Path(path), limits,
                                                                       digest_large=False)
        head = package.data[:8192] if package.data is not None else _head(package.path)
    except OSError as exc:
        return _report("not-workbook", [make("file-unreadable", file=file,
                                             detail=describe_exception(exc))])
    size = package.size
    if size == 0 or not head:
        return _report("empty", [make("file-empty", file=file)])
    if size > limits.max_file_bytes or package.data is None:
        kind = ("xlsx" if head.startswith(ZIP_MAGIC) else "xls" if head.startswith(OLE_MAGIC)
                else "not-workbook")
        return _report(kind, [make("file-too-large", file=file, size_mb=f"{size / MiB:.1f}",
                                   limit_mb=f"{limits.max_file_bytes / MiB:.0f}")])
    if head.startswith(OLE_MAGIC):
        return _check_ole(package.data, file)
    if head.startswith(ZIP_MAGIC):
        return _check_zip(package, file, size, limits)
    return _report("not-workbook", [make("file-not-workbook", file=file,
                                         looks_like=_looks_like(head))])


def _head(path: Path) -> bytes:
    with path.open("rb") as fh:
        return fh.read(8192)


def _report(kind: str, findings: list[Finding]) -> SafetyReport:
    return SafetyReport(kind=kind, ok=not any(f.severity == ERROR for f in findings),
                        findings=findings)


def _check_ole(data: bytes, file: str) -> SafetyReport:
    """An OLE2 compound file: a legacy .xls, a password-encrypted .xlsx, or another old
    Office document. Decided by the stream names in the directory (UTF-16LE, 128-byte
    entries), read from the bytes without an OLE library."""
    streams = _ole_stream_names(data, ("EncryptionInfo", "EncryptedPackage", "Workbook",
                                       "Book", "WordDocument", "PowerPoint Document"))
    if {"EncryptionInfo", "EncryptedPackage"} & streams:
        return _report("encrypted", [make("file-encrypted", file=file)])
    if {"Workbook", "Book"} & streams:
        return _report("xls", [make("file-legacy-xls", file=file)])
    looks = ("doc" if "WordDocument" in streams
             else "ppt" if "PowerPoint Document" in streams
             else "ole")
    return _report("not-workbook", [make("file-not-workbook", file=file,
                                         looks_like=LOOKS_LIKE[looks])])


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


def _eocd_entry_count(data: bytes) -> int | None:
    """Entry count from the end-of-central-directory record, before zipfile reads the
    directory (so a million-entry directory is refused without parsing it)."""
    tail = data[-65_557:]
    i = tail.rfind(b"PK\x05\x06")
    if i == -1 or len(tail) < i + 22:
        return None
    count = int.from_bytes(tail[i + 10:i + 12], "little")
    return None if count == 0xFFFF else count  # 0xFFFF: see the zip64 record


def _unsafe_name(name: str) -> bool:
    n = name.replace("\\", "/")
    return (n.startswith("/") or re.match(r"^[A-Za-z]:", n) is not None
            or ".." in n.split("/") or "\x00" in n)


def _check_zip(package: Package, file: str, size: int, limits: Limits) -> SafetyReport:
    findings: list[Finding] = []
    count = _eocd_entry_count(package.data or b"")
    if count is not None and count > limits.max_zip_entries:
        return _report("broken-zip", [
            make("zip-too-many-entries", file=file, count=f"{count:,}",
                 limit=f"{limits.max_zip_entries:,}")])
    try:
        zf = package.zip()  # opened once for every check and read of the file: not closed here
    except ZIP_OPEN_ERRORS as exc:
        return _report("broken-zip", [make("file-broken-zip", file=file,
                                           detail=describe_exception(exc))])
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
            what = SAFETY_TEXT["encrypted-part"] if info.flag_bits & 0x1 else \
                fill(SAFETY_TEXT["unsupported-compression"], method=info.compress_type)
            out.append(make("file-broken-zip", file=file, detail=f"{name}: {what}"))
            continue
        usize, csize = info.file_size, info.compress_size
        total += usize
        # Deflate never expands by more than ~0.03% + a few bytes; stored means equal sizes.
        lying = (csize != usize if info.compress_type == zipfile.ZIP_STORED
                 else csize > usize + usize // 1000 + 64)
        if lying:
            out.append(make("zip-size-mismatch", file=file, part=name,
                            detail=fill(SAFETY_TEXT["declared-sizes"], compressed=f"{csize:,}",
                                        uncompressed=f"{usize:,}")))
            flagged_size = True
        elif usize > limits.ratio_check_min_bytes and csize / usize < limits.min_inflate_ratio:
            out.append(make("zip-bomb-ratio", file=file, part=name,
                            size_mb=f"{usize / MiB:.1f}", ratio=f"1/{usize // max(csize, 1)}",
                            limit=f"1/{round(1 / limits.min_inflate_ratio)}"))
            flagged_size = True
        elif usize > limits.max_entry_bytes:
            out.append(make("zip-bomb-size", file=file, part=name,
                            size_mb=f"{usize / MiB:.1f}",
                            limit_mb=f"{limits.max_entry_bytes / MiB:.0f}"))
            flagged_size = True
    if total > limits.max_total_bytes and not flagged_size:
        out.append(make("zip-bomb-size", file=file, part=SAFETY_TEXT["whole-file"],
                        size_mb=f"{total / MiB:.1f}",
                        limit_mb=f"{limits.max_total_bytes / MiB:.0f}"))
    return out


def _kind_from_names(names: dict[str, zipfile.ZipInfo]) -> str:
    if "[content_types].xml" in names and "xl/workbook.xml" in names:
        return "xlsm" if _has_macro_parts(names) else "xlsx"
    if is_odf(names):
        return "ods"
    return "not-workbook"


def _has_macro_parts(names: Iterable[str]) -> bool:
    return any(n.startswith("xl/") and (n.endswith("vbaproject.bin")
                                         or n.startswith(("xl/macrosheets/",
                                                          "xl/dialogsheets/")))
               for n in names)


def _classify_zip(zf: zipfile.ZipFile, names: dict[str, zipfile.ZipInfo], file: str,
                  limits: Limits) -> SafetyReport:
    if is_odf(names):  # OpenDocument: the manifest instead of [Content_Types].xml
        odf = check_odf_package(zf, names, file, limits)
        if odf is not None:
            return _report(*odf)
    if "[content_types].xml" not in names or "xl/workbook.xml" not in names:
        looks = ("docx" if "word/document.xml" in names
                 else "pptx" if "ppt/presentation.xml" in names
                 else "xlsb" if "xl/workbook.bin" in names
                 else None)
        if looks or "[content_types].xml" not in names:
            return _report("not-workbook", [make("file-not-workbook", file=file,
                                                 looks_like=LOOKS_LIKE[looks or "zip"])])
        return _report("xlsx", [make("file-missing-part", file=file, part="xl/workbook.xml")])

    findings: list[Finding] = []
    macro = _has_macro_parts(names)
    if not macro:
        try:  # content types are tiny; unsafe content here is reported by scan_parts
            ct = read_xml_part(zf, names["[content_types].xml"], limits, max_bytes=1 * MiB)
            macro = b"macroenabled" in ct.lower()
        except (UnsafeContent, *CORRUPT_ZIP_ERRORS):
            pass
    kind = "xlsm" if macro else "xlsx"
    if macro:
        findings.append(make("file-macro", file=file))
    for key, info in names.items():
        if key.startswith("xl/externallinks/") and key.endswith(".xml"):
            target = _external_target(zf, names, key, limits)
            findings.append(make("file-external-link", file=file, part=info.filename,
                                 value=target or SAFETY_TEXT["unknown-link-target"]))
    return _report(kind, findings)


def _external_target(zf: zipfile.ZipFile, names: dict[str, zipfile.ZipInfo], key: str,
                     limits: Limits) -> str | None:
    rels = names.get(rels_name(key))
    if rels is None:
        return None
    try:
        data = read_xml_part(zf, rels, limits, max_bytes=1 * MiB)
    except (UnsafeContent, *CORRUPT_ZIP_ERRORS):
        return None
    targets = [unquote(a.get("Target", ""))
               for a in map(xml_attributes, (m.group(1) for m in RELATIONSHIP_RE.finditer(data)))]
    return ", ".join(t for t in targets if t) or None


def _looks_like(head: bytes) -> str:
    """What a non-workbook file looks like, from its first bytes (for the message)."""
    return LOOKS_LIKE[_kind_of(head)]


def _kind_of(head: bytes) -> str:
    """The key of :data:`~consolidator.messages.LOOKS_LIKE` for a file starting with ``head``."""
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head.startswith(b"PK"):
        return "zip"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    text = _as_text(head)
    if text is None:
        return "binary"
    low = text.lstrip().lower()
    if low.startswith("<!doctype html") or "<html" in low[:2048]:
        return "html"
    if "mime-version:" in low[:1024]:
        return "mhtml"
    if low.startswith("<?xml"):
        if "urn:schemas-microsoft-com:office:spreadsheet" in low:
            return "xml-spreadsheet"
        return "xml"
    first = low.splitlines()[0] if low else ""
    if "," in first or "\t" in first:
        return "csv"
    return "text"


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
