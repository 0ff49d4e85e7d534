"""Scanning a workbook's XML parts and grid before a parser reads them.

:func:`scan_parts` reads every XML part once through
:func:`consolidator.safety.xml_parts.read_xml_part` and scans the grid cheaply: cell and row
references beyond ``XFD1048576``, too many cells, overlong strings (counted in UTF-16 units,
as Excel does) and control characters. Every problem is a finding; nothing here raises for a
bad file.
"""

from __future__ import annotations

import html
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from consolidator.cell_text import utf16_length
from consolidator.findings import Finding
from consolidator.limits import DEFAULT_LIMITS, Limits
from consolidator.messages import SAFETY_TEXT, fill
from consolidator.package_parts import UnsafeContent, ascii_view, resolve_target
from consolidator.safety.odf_check import is_odf
from consolidator.safety.odf_scan import scan_odf
from consolidator.safety.package import Package
from consolidator.safety.scan_common import (
    MAX_FINDINGS_PER_CODE as MAX_FINDINGS_PER_CODE,
)
from consolidator.safety.scan_common import (
    Collector,
    PartReader,
    range_size,
    sheet_part,
    where,
)
from consolidator.safety.xml_parts import (
    CORRUPT_ZIP_ERRORS,
    RELATIONSHIP_RE,
    ZIP_OPEN_ERRORS,
    describe_exception,
    read_xml_part,
    xml_attributes,
)

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
    # (the regex engine finds a literal prefix faster than bytes.find)
    for m in _ESC_CTRL.finditer(data):
        if data[max(0, m.start() - 6):m.start()].upper() != b"_X005F":
            return True
    if b"&#" not in data:
        return False
    # Text written as references (&#20013;) is common and the exact regex is slow to try at
    # each: it starts where the first reference that may be short is (three digits or more,
    # no leading zero: at least 100, never a control character).
    short = _SHORT_REF.search(data)
    return short is not None and _REF_CTRL.search(data, short.start()) is not None


_SHORT_REF = re.compile(rb"&#(?![1-9][0-9][0-9])")


def _may_hold_long_text(data: bytes, delimiter: bytes, limit: int, start: int = 0,
                        end: int | None = None) -> bool:
    """False if no stretch of ``data[start:end]`` between two ``delimiter``s can hold more
    than ``limit`` characters (one character is at least one byte): then every aligned block
    of ``limit // 2`` bytes contains a delimiter. A few ``find`` calls instead of a parse."""
    end = len(data) if end is None else end
    if end - start <= limit:
        return False
    block = max(limit // 2, 1)
    extra = len(delimiter) - 1
    return any(data.find(delimiter, at, min(at + block + extra, end)) == -1
               for at in range(start, end, block))


def _may_hold_long_cell(data: bytes, limit: int) -> bool:
    """Whether a cell of a worksheet part may hold a text longer than ``limit``. Cells live in
    ``<sheetData>``: the stretches checked are those between its cells (the parts after it,
    data validations and conditional formats, are often long and hold no cell). Anything
    outside ``<sheetData>`` that starts like a cell is looked at the exact way."""
    first, last = data.find(b"sheetData"), data.rfind(b"sheetData")
    if first == -1:
        return _may_hold_long_text(data, b"<c ", limit)
    if _CELL_TAG.search(data, 0, first) or _CELL_TAG.search(data, last):
        return True
    return _may_hold_long_text(data, b"<c ", limit, first, last)


def scan_parts(path: Path | Package, limits: Limits = DEFAULT_LIMITS) -> list[Finding]:
    """Read every XML part once through :func:`read_xml_part` and scan the grid.

    Meant for files :func:`check_file` passed (``ok``); on anything else it still never
    raises for bad content. Findings name the sheet (by its name in the workbook when known)
    and the cell where possible. Given a :class:`~consolidator.safety.package.Package`, the
    parts read are kept in it for the reader.
    """
    out = Collector(path.name)
    try:
        zf = path.zip() if isinstance(path, Package) else zipfile.ZipFile(Path(path))
    except ZIP_OPEN_ERRORS as exc:
        out.add("file-broken-zip", detail=describe_exception(exc))
        return out.finish()
    try:
        _scan_zip(zf, out, limits)
    finally:
        if not isinstance(path, Package):
            zf.close()
    return out.finish()


@dataclass
class _Sheet:
    name: str
    part: str


def _scan_zip(zf: zipfile.ZipFile, out: Collector, limits: Limits) -> None:
    infos = {i.filename.replace("\\", "/").casefold(): i for i in zf.infolist()}
    if is_odf(infos):
        scan_odf(zf, infos, out, limits)
        return
    parts = PartReader(zf, out, limits)

    def read(key: str) -> bytes | None:
        data = parts.read(infos[key])
        return None if data is None else _view(data)

    # The workbook and its relationships first: they name the sheets and shared strings.
    wb_key, rels_key = "xl/workbook.xml", "xl/_rels/workbook.xml.rels"
    wb = read(wb_key) if wb_key in infos else None
    rels = read(rels_key) if rels_key in infos else None
    sheets: list[_Sheet] = []
    shared_key = "xl/sharedstrings.xml"
    if wb is not None:
        targets: dict[str, str] = {}
        for attrs in (xml_attributes(m.group(1)) for m in RELATIONSHIP_RE.finditer(rels or b"")):
            targets[attrs.get("Id", "")] = attrs.get("Target", "")
            if attrs.get("Type", "").endswith("/sharedStrings"):
                shared_key = resolve_target(wb_key, attrs.get("Target", "")).casefold()
        for m in _SHEET.finditer(wb):
            attrs = xml_attributes(m.group(1))
            name = attrs.get("name", "")
            rid = next((v for k, v in attrs.items() if k.endswith(":id")), "")
            target = targets.get(rid, "")
            part = resolve_target(wb_key, target) if target else fill(
                SAFETY_TEXT["relationship"], id=rid or SAFETY_TEXT["no-relationship-id"])
            if not target or part.casefold() not in infos:
                out.add("file-missing-part", part=part, sheet=name,
                        where=fill(SAFETY_TEXT["sheet-content"], sheet=name))
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
        if key == shared_key or parts.is_xml(key, info):
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
                where=SAFETY_TEXT["whole-workbook"])
    if shared is not None:
        _scan_shared_strings(shared, zf, infos, sheets, out, limits)


def _view(data: bytes) -> bytes:
    try:
        return ascii_view(data, "")
    except UnsafeContent:
        return data


def _scan_sheet(data: bytes, sheet: str, out: Collector, limits: Limits, *,
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
        if range_size(ref, limits, allow_range=True) is None:
            bad(sheet_part("sheet-dimension", sheet), ref)
    bad_rows: list[str] = []
    cell_rows: set[str] = set()
    for m in _ODD_R.finditer(data):
        element = _attribute_owner(data, m.start())
        ref = m.group(1).decode("utf-8", "replace")
        if element == b"row":
            if not (ref.isdigit() and 1 <= int(ref) <= limits.max_rows):
                bad_rows.append(ref)
        elif element == b"c" and range_size(ref, limits) is None:
            bad(where(sheet, ref), ref, cell=ref)
            cell_rows.add(ref.lstrip("$").lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz$"))
    for ref in bad_rows:
        if ref not in cell_rows:  # a bad row is reported once: by its cell when it has one
            bad(sheet_part("sheet-row-number", sheet), ref)
    for m in _ODD_COL.finditer(data):
        ref = m.group(1).decode("utf-8", "replace")
        if _is_element(data, m.start()) and not (ref.isdigit()
                                                 and 1 <= int(ref) <= limits.max_columns):
            bad(sheet_part("sheet-columns", sheet), ref)
    merged = 0
    for m in _MERGE.finditer(data):
        if not _is_element(data, m.start()):
            continue
        ref = m.group(1).decode("utf-8", "replace")
        size = range_size(ref, limits, allow_range=True)
        if size is None:
            bad(sheet_part("sheet-merged-cell", sheet), ref)
        else:
            merged += size
    if merged > limits.max_cells:  # openpyxl makes one object per merged cell
        out.add("grid-too-many-cells", sheet=sheet, count=f"{merged:,}",
                limit=f"{limits.max_cells:,}", where=sheet_part("sheet-merged-ranges", sheet))

    # Strings written in the sheet itself (inline strings, formula results).
    if _has_ctrl(data):
        located = False
        for m in _CELL_BLOCK.finditer(data):
            if m.group(2) and _has_ctrl(m.group(2)):
                cell = _cell_ref(m.group(1))
                out.add("string-control-char", sheet=sheet, cell=cell,
                        where=where(sheet, cell or SAFETY_TEXT["unknown-cell"]))
                located = True
        if not located:
            out.add("string-control-char", sheet=sheet, where=where(sheet))
    if _may_hold_long_cell(data, limits.max_string_chars):
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
                            where=where(sheet, cell or SAFETY_TEXT["unknown-cell"]))
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


def _scan_shared_strings(data: bytes, zf: zipfile.ZipFile, infos: dict[str, zipfile.ZipInfo],
                         sheets: list[_Sheet], out: Collector, limits: Limits) -> None:
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
        return fill(SAFETY_TEXT["shared-string"], number=index + 1)
    sheet, cell = used[0]
    text = where(sheet, cell or SAFETY_TEXT["unknown-cell"])
    if len(used) > 1:
        text += fill(SAFETY_TEXT["also-elsewhere"], count=len(used) - 1)
    return text


def _cells_using(zf: zipfile.ZipFile, infos: dict[str, zipfile.ZipInfo], sheets: list[_Sheet],
                 wanted: set[int], limits: Limits) -> dict[int, list[tuple[str, str | None]]]:
    """Which cells show the shared strings ``wanted`` (second pass, only when needed)."""
    found: dict[int, list[tuple[str, str | None]]] = {}
    for sheet in sheets:
        try:
            data = _view(read_xml_part(zf, infos[sheet.part.casefold()], limits))
        except (UnsafeContent, KeyError, *CORRUPT_ZIP_ERRORS):
            continue
        for m in _S_CELL.finditer(data):
            index = int(m.group(2))
            if index in wanted and _T_S.search(m.group(1)):
                found.setdefault(index, []).append((sheet.name, _cell_ref(m.group(1))))
    return found
