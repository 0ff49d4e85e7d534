"""Reading an .xlsx into :class:`~consolidator.reading.raw_workbook.RawWorkbook`, fast and
without trusting it.

Only files that passed :mod:`consolidator.safety.file_check` come here. The workbook's own XML
(``xl/workbook.xml``, its relationships, ``docProps``) is read with the standard library for
what a cell reader cannot see: defined names, sheet states, document properties, and which
cells hold formulas. Cell values are read with python-calamine (the fastest correct reader we
measured: ~3 ms a template). Nothing here judges the content: that is the validator's job.

Error boundary: what a malformed file can make the libraries raise (a missing or corrupt
part, XML that does not parse, an attribute that is not a number, calamine's own errors) is
turned into :class:`MalformedWorkbook` here, where the reading happens. Any other exception
is a bug of the toolkit and is left to propagate (the validator reports it as such).
"""

from __future__ import annotations

import re
import zipfile
from xml.etree import ElementTree as ET

from consolidator.cell_address import Cell, col_number, parse_ref
from consolidator.limits import Limits
from consolidator.package_parts import resolve_target
from consolidator.reading import sparse_sheet
from consolidator.reading.malformed import parse_xml, strict_int, strict_part, strict_xml
from consolidator.reading.raw_workbook import (
    PROP_PREFIX,
    RawWorkbook,
    SheetInfo,
    identity_sheet_name,
    meta_of_grid,
    place_sparse,
    read_grids,
    remember,
    sheets_to_read,
)
from consolidator.safety.package import Package
from consolidator.templates.model import META_SHEET

NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dcterms": "http://purl.org/dc/terms/",
    "op": "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties",
}
CELL_RE = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(/>|>(.*?)</(?:\w+:)?c>)", re.S)
ADDR_RE = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
# A literal prefix keeps these fast (~1 ms for a large sheet, 4x faster than with \b); any
# other attribute ending in r that they also match can only overestimate the used range.
ROW_OF_CELL_RE = re.compile(rb'r="[A-Z]{1,3}(\d+)"')
COL_OF_CELL_RE = re.compile(rb'r="([A-Z]{1,3})\d')
FORMULA_RE = re.compile(rb"<(?:\w+:)?f[\s>/]")  # <f>, not <formula1> of a validation
CACHED_RE = re.compile(rb"<(?:\w+:)?v>[^<]+</(?:\w+:)?v>")


def read_xlsx_workbook(raw: RawWorkbook, zf: zipfile.ZipFile, package: Package | None,
                       limits: Limits, sheets_wanted: tuple[str, ...]) -> RawWorkbook:
    """``raw`` filled from the .xlsx open as ``zf`` (closed here when it is not the
    ``package``'s): its structure, properties and the cells of the sheets to read."""
    try:
        raw.sheets, raw.names = _workbook_structure(zf, limits)
        raw.properties = _custom_properties(zf, limits)
        raw.modified = _modified(zf, limits)
        targets = sheets_to_read(raw, sheets_wanted)
        parts = {s.name: s.part for s in raw.sheets if s.name in targets and s.part}
        percent_styles = _percent_styles(zf, limits)
        sparse: set[str] = set()
        for name, part in parts.items():
            xml = strict_part(zf, part, limits)
            raw.formulas[name], raw.percent_cells[name], used = _scan_cells(xml, percent_styles)
            if used > sparse_sheet.DENSE_CELL_LIMIT:
                _read_sparse(raw, name, xml, zf, limits)
                sparse.add(name)
    finally:
        if package is None:
            zf.close()
    read_grids(raw, targets - sparse, package)
    raw.meta = meta_of_grid(raw.grids.get(identity_sheet_name(raw) or META_SHEET, []))
    return raw


def _workbook_structure(zf: zipfile.ZipFile, limits: Limits
                        ) -> tuple[list[SheetInfo], dict[str, tuple[str, int, int] | None]]:
    wb = strict_part(zf, "xl/workbook.xml", limits)
    rels = (strict_part(zf, WORKBOOK_RELS, limits) if WORKBOOK_RELS in zf.NameToInfo
            else None)
    known = _STRUCTURES.get((wb, rels))
    if known is None:
        known = _structure_of(wb, rels)
        remember(_STRUCTURES, (wb, rels), known)
    return list(known[0]), dict(known[1])


WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
# Parts read before, by their exact bytes → what they gave (a worker reads many copies of
# the same template; the results are never changed by their users).
_STRUCTURES: dict[tuple[bytes, bytes | None],
                  tuple[list[SheetInfo], dict[str, tuple[str, int, int] | None]]] = {}
_PERCENT_STYLES: dict[bytes, frozenset[int]] = {}


def _structure_of(wb: bytes, rels_xml: bytes | None
                  ) -> tuple[list[SheetInfo], dict[str, tuple[str, int, int] | None]]:
    root = parse_xml(wb, "xl/workbook.xml")
    rels = {} if rels_xml is None else _relationships(parse_xml(rels_xml, WORKBOOK_RELS))
    sheets = []
    for el in root.iterfind("m:sheets/m:sheet", NS):
        rid = el.get(f"{{{NS['r']}}}id", "")
        target = rels.get(rid)
        part = resolve_target("xl/workbook.xml", target) if target else None
        sheets.append(SheetInfo(el.get("name", ""), el.get("state", "visible"), part))
    names: dict[str, tuple[str, int, int] | None] = {}
    for el in root.iterfind("m:definedNames/m:definedName", NS):
        name = el.get("name", "")
        if el.get("localSheetId") is not None or name.startswith("_xlnm."):
            continue  # sheet-scoped and built-in names (print titles, filters) are not fields
        names[name] = parse_ref(el.text or "")
    return sheets, names


def _relationships(root: ET.Element) -> dict[str, str]:
    return {el.get("Id", ""): el.get("Target", "") for el in root.iterfind("rel:Relationship", NS)}


def _custom_properties(zf: zipfile.ZipFile, limits: Limits) -> dict[str, str]:
    if "docProps/custom.xml" not in zf.NameToInfo:
        return {}
    root = strict_xml(zf, "docProps/custom.xml", limits)
    props = {}
    for el in root.iterfind("op:property", NS):
        name = el.get("name", "")
        if name.startswith(PROP_PREFIX):
            props[name[len(PROP_PREFIX):]] = "".join(el.itertext()).strip()
    return props


def _modified(zf: zipfile.ZipFile, limits: Limits) -> str | None:
    if "docProps/core.xml" not in zf.NameToInfo:
        return None
    root = strict_xml(zf, "docProps/core.xml", limits)
    el = root.find("dcterms:modified", NS)
    return el.text.strip() if el is not None and el.text else None


BUILTIN_PERCENT_FORMATS = {9, 10}  # 0% and 0.00%
STYLE_RE = re.compile(rb'\bs="(\d+)"')


def _percent_styles(zf: zipfile.ZipFile, limits: Limits) -> set[int]:
    """Indexes of the cell styles whose number format shows a percentage.

    Excel stores "57.5%" typed into a cell as 0.575 with such a format: the validator needs
    to know, or the value would be read a hundred times too small.
    """
    if "xl/styles.xml" not in zf.NameToInfo:
        return set()
    data = strict_part(zf, "xl/styles.xml", limits)
    known = _PERCENT_STYLES.get(data)
    if known is None:
        known = frozenset(_percent_styles_of(parse_xml(data, "xl/styles.xml")))
        remember(_PERCENT_STYLES, data, known)
    return set(known)


def _percent_styles_of(root: ET.Element) -> set[int]:
    percent_ids = set(BUILTIN_PERCENT_FORMATS)
    for el in root.iterfind("m:numFmts/m:numFmt", NS):
        code = re.sub(r'"[^"]*"|\\.', "", el.get("formatCode", ""))
        if "%" in code:
            percent_ids.add(strict_int(el.get("numFmtId"), -1, "xl/styles.xml numFmtId"))
    return {i for i, xf in enumerate(root.iterfind("m:cellXfs/m:xf", NS))
            if strict_int(xf.get("numFmtId"), 0, "xl/styles.xml numFmtId") in percent_ids}


def _scan_cells(xml: bytes, percent_styles: set[int]
                ) -> tuple[dict[Cell, bool], set[Cell], int]:
    """One pass over a sheet's cells: formula cells (and whether a result is cached with
    them), cells with a % number format, and the size of the used range from A1.

    The per-cell pass runs only when the sheet has a formula element or the workbook has a
    % style; otherwise the cell addresses alone give the used range.
    """
    formulas: dict[Cell, bool] = {}
    percent: set[Cell] = set()
    max_row = max_col = 0
    if not percent_styles and (not _may_have_formula(xml) or FORMULA_RE.search(xml) is None):
        if _within_z9999(xml):
            return formulas, percent, SMALL_RANGE  # a bound, far below DENSE_CELL_LIMIT
        rows = ROW_OF_CELL_RE.findall(xml)
        if not rows:
            return formulas, percent, 0
        max_col = max(col_number(c.decode()) for c in set(COL_OF_CELL_RE.findall(xml)))
        return formulas, percent, max(map(int, rows)) * max_col
    for m in CELL_RE.finditer(xml):
        addr = ADDR_RE.search(m.group(1))
        if addr is None:
            continue
        cell = (int(addr.group(2)), col_number(addr.group(1).decode()))
        max_row, max_col = max(max_row, cell[0]), max(max_col, cell[1])
        body = m.group(3) or b""
        if FORMULA_RE.search(body):
            formulas[cell] = CACHED_RE.search(body) is not None
        style = STYLE_RE.search(m.group(1)) if percent_styles else None
        if style and int(style.group(1)) in percent_styles:
            percent.add(cell)
    return formulas, percent, max_row * max_col


SMALL_RANGE = 26 * 9_999  # A1:Z9999
# An r attribute that may reach beyond Z9999 (or is odd); other attributes ending in r
# (header=, footer=) are told apart by what comes before the r.
_LARGE_REF = re.compile(rb'r="(?![A-Z]?[0-9]{1,4}")')


def _within_z9999(xml: bytes) -> bool:
    """Whether every r attribute (of a cell or a row) stays within column Z and row 9,999:
    then the used range is at most :data:`SMALL_RANGE`. One pass with a literal prefix."""
    for m in _LARGE_REF.finditer(xml):
        if m.start() == 0 or xml[m.start() - 1] in _BEFORE_ATTRIBUTE:
            return False
    return True


_BEFORE_ATTRIBUTE = frozenset(b" \t\r\n:")
# Where a formula element can start: "<f" or a prefixed ":f", then what ends a tag name.
_F_TAG = re.compile(rb"<f[\s>/]")
_F_PREFIXED_TAG = re.compile(rb":f[\s>/]")


def _may_have_formula(xml: bytes) -> bool:
    """False when no ``<f`` or ``:f`` (a prefixed tag) is followed by what ends a tag name:
    then the sheet has no formula element. Two searches for a literal; the exact regex decides
    the rest."""
    return _F_TAG.search(xml) is not None or _F_PREFIXED_TAG.search(xml) is not None


def _read_sparse(raw: RawWorkbook, name: str, xml: bytes, zf: zipfile.ZipFile,
                 limits: Limits) -> None:
    """A sheet whose used range is huge: a small grid, and the cells outside it listed."""
    place_sparse(raw, name, sparse_sheet.read_cells(xml, sparse_sheet.shared_strings(zf, limits)))
