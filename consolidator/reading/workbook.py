"""Reading a returned workbook into plain data, fast and without trusting it.

Only files that passed :mod:`consolidator.safety.file_check` come here. The workbook's own XML
(``xl/workbook.xml``, its relationships, ``docProps``) is read with the standard library for
what a cell reader cannot see: defined names, sheet states, document properties, and which
cells hold formulas. Cell values are read with python-calamine (the fastest correct reader we
measured: ~3 ms a template). Nothing here judges the content: that is the validator's job.
The result is picklable, so it can come back from an isolated child process.

Error boundary: what a malformed file can make the libraries raise (a missing or corrupt
part, XML that does not parse, an attribute that is not a number, calamine's own errors) is
turned into :class:`MalformedWorkbook` here, where the reading happens. Any other exception
is a bug of the toolkit and is left to propagate (the validator reports it as such).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from consolidator.cell_address import Cell, col_number, parse_ref
from consolidator.limits import DEFAULT_LIMITS, Limits
from consolidator.package_parts import resolve_target
from consolidator.reading import sparse_sheet
from consolidator.reading.malformed import (
    MalformedWorkbook,
    describe,
    parse_xml,
    strict_int,
    strict_part,
    strict_xml,
)
from consolidator.safety.odf_check import is_odf
from consolidator.safety.package import Package
from consolidator.safety.xml_parts import CORRUPT_ZIP_ERRORS
from consolidator.templates.model import INDICATOR_SHEET, META_SHEET, TEXT_SHEET

NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dcterms": "http://purl.org/dc/terms/",
    "op": "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties",
}
PROP_PREFIX = "consolidator."
IDENTITY_FIRST_KEY = "format_version"  # A1 of the identity sheet, whatever its name
CELL_RE = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(/>|>(.*?)</(?:\w+:)?c>)", re.S)
ADDR_RE = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
# A literal prefix keeps these fast (~1 ms for a large sheet, 4x faster than with \b); any
# other attribute ending in r that they also match can only overestimate the used range.
ROW_OF_CELL_RE = re.compile(rb'r="[A-Z]{1,3}(\d+)"')
COL_OF_CELL_RE = re.compile(rb'r="([A-Z]{1,3})\d')
FORMULA_RE = re.compile(rb"<(?:\w+:)?f[\s>/]")  # <f>, not <formula1> of a validation
CACHED_RE = re.compile(rb"<(?:\w+:)?v>[^<]+</(?:\w+:)?v>")


@dataclass
class SheetInfo:
    name: str
    state: str  # visible / hidden / veryHidden
    part: str | None


@dataclass
class RawWorkbook:
    """What a returned workbook holds, as plain data."""

    path: str
    sheets: list[SheetInfo] = field(default_factory=list)
    names: dict[str, tuple[str, int, int] | None] = field(default_factory=dict)
    properties: dict[str, str] = field(default_factory=dict)
    meta: dict[str, str] = field(default_factory=dict)
    modified: str | None = None
    grids: dict[str, list[list[Any]]] = field(default_factory=dict)
    formulas: dict[str, dict[Cell, bool]] = field(default_factory=dict)  # cell → has cached value
    percent_cells: dict[str, set[Cell]] = field(default_factory=dict)  # number format with %
    far_cells: dict[str, list[tuple[int, int, Any]]] = field(default_factory=dict)  # off-grid

    def sheet_state(self, name: str) -> str | None:
        for s in self.sheets:
            if s.name == name:
                return s.state
        return None

    def value(self, sheet: str, row: int, col: int) -> Any:
        grid = self.grids.get(sheet)
        if grid is None or row < 1 or col < 1 or row > len(grid) or col > len(grid[row - 1]):
            return None
        v = grid[row - 1][col - 1]
        return None if v == "" else v


def read_workbook(path: str | Path | Package, limits: Limits = DEFAULT_LIMITS,
                  sheets_wanted: tuple[str, ...] = (TEXT_SHEET, INDICATOR_SHEET, META_SHEET)
                  ) -> RawWorkbook:
    """Read structure, identity and the cells of the sheets a template has.

    Sheets are matched by name; a renamed sheet is found again by the validator through the
    defined names, so every sheet that a defined name points to is read as well (and every
    sheet of a copy that lost both the identity and a sheet's name: :func:`sheets_to_read`). An
    OpenDocument spreadsheet (whatever its file name) is read by
    :func:`consolidator.reading.ods_workbook.read_ods_workbook` into the same data. Given a
    :class:`~consolidator.safety.package.Package` the safety scan went through, the parts it
    read are not decompressed again and the file is not read again from disk.
    """
    package = path if isinstance(path, Package) else None
    raw = RawWorkbook(path=str(package.path if package else path))
    try:
        zf = package.zip() if package else zipfile.ZipFile(raw.path)
    except CORRUPT_ZIP_ERRORS as exc:
        raise MalformedWorkbook(describe(exc)) from exc
    if is_odf({n.casefold() for n in zf.NameToInfo}):
        if package is None:
            zf.close()
        from consolidator.reading.ods_workbook import read_ods_workbook  # imports this module

        return read_ods_workbook(path, limits, sheets_wanted)
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


def sheets_to_read(raw: RawWorkbook, sheets_wanted: tuple[str, ...]) -> set[str]:
    """The sheets whose cells are read: those wanted, every sheet a defined name points to
    and, in a workbook without the identity the template writer stored in its properties
    that lacks a wanted sheet by name, every sheet: a copy's sheet may have been renamed
    (e.g. "Sheet1"), and recognition finds it by its content."""
    targets = set(sheets_wanted) | {n[0] for n in raw.names.values() if n}
    present = {s.name for s in raw.sheets}
    if not raw.properties and not set(sheets_wanted) - {META_SHEET} <= present:
        targets |= present
    return targets


def is_identity_grid(grid: list[list[Any]]) -> bool:
    """Whether a sheet's cells are the identity sheet the template writer wrote (``_meta``,
    even when renamed): its A1 says ``format_version``."""
    return bool(grid and grid[0] and grid[0][0] == IDENTITY_FIRST_KEY)


def identity_sheet_name(raw: RawWorkbook) -> str | None:
    """The identity sheet: by name, or else any sheet that looks like one."""
    if META_SHEET in raw.grids:
        return META_SHEET
    return next((name for name, grid in raw.grids.items() if is_identity_grid(grid)), None)


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


def remember(table: dict[Any, Any], key: Any, value: Any, size: int = 32) -> None:
    """Keep ``value`` under ``key`` in a small table of results (emptied when full)."""
    if len(table) >= size:
        table.clear()
    table[key] = value


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


GRID_ROWS, GRID_COLS = 5_000, 100  # how much of a sparse sheet is kept as a grid


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


def place_sparse(raw: RawWorkbook, name: str, cells: dict[Cell, Any]) -> None:
    """A sparse sheet's cells as a small grid (up to GRID_ROWS × GRID_COLS) and, listed, the
    cells outside it."""
    inside = [(r, c) for r, c in cells if r <= GRID_ROWS and c <= GRID_COLS]
    rows = max((r for r, _ in inside), default=0)
    cols = max((c for _, c in inside), default=0)
    grid: list[list[Any]] = [[""] * cols for _ in range(rows)]
    for r, c in inside:
        grid[r - 1][c - 1] = cells[(r, c)]
    raw.grids[name] = grid
    raw.far_cells[name] = sorted((r, c, v) for (r, c), v in cells.items()
                                 if r > GRID_ROWS or c > GRID_COLS)


def read_grids(raw: RawWorkbook, targets: set[str], package: Package | None = None) -> None:
    """Every value of the sheets named in ``targets`` into ``raw.grids``, through calamine
    (xlsx or ods, told apart by the content, not by the name's extension): from the
    package's bytes when the file was read once already, else from the file."""
    import python_calamine

    try:
        if package is not None:
            book = python_calamine.CalamineWorkbook.from_filelike(package.stream())
        else:
            with open(raw.path, "rb") as fh:
                book = python_calamine.CalamineWorkbook.from_filelike(fh)
        try:
            for name in book.sheet_names:
                if name in targets:
                    rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
                    raw.grids[name] = plain_rows(rows)
        finally:
            book.close()
    except python_calamine.CalamineError as exc:
        raise MalformedWorkbook(describe(exc)) from exc


def plain_rows(rows: list[list[Any]]) -> list[list[Any]]:
    """Calamine's rows (lists it made for us) with :func:`plain` values; a row without a
    float is kept as it is."""
    return [[plain(v) for v in row] if float in set(map(type, row)) else row for row in rows]


def plain(v: Any) -> Any:
    """Calamine values as plain Python: integral floats become int; the rest (str, bool,
    dates) as calamine gives them."""
    if isinstance(v, float) and v.is_integer() and abs(v) < 2**53:
        return int(v)
    return v


def meta_of_grid(grid: list[list[Any]]) -> dict[str, str]:
    """The identity on the ``_meta`` sheet: key in column A, value in B, to the first blank."""
    meta = {}
    for row in grid:
        if not row or row[0] in ("", None):
            break
        meta[str(row[0])] = "" if len(row) < 2 or row[1] is None else str(row[1])
    return meta
