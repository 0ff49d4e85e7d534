"""Reading a returned OpenDocument spreadsheet (.ods) into the same plain data as an .xlsx.

LibreOffice Calc keeps everything the toolkit wrote into a template when it saves as ODS: the
identity as user-defined document properties (``meta.xml``) and on the hidden ``_meta`` sheet,
every ``F_…``/``R_…`` defined name as a named range (moved with inserted rows, as in Excel).
So an .ods gives a :class:`~consolidator.reading.workbook.RawWorkbook` exactly like an .xlsx
and everything after reading (identity, fields, value rules, merge) is the same:

* :func:`read_ods_identity` — the identity and the saved time from ``meta.xml`` (one
  function, for whoever needs a file's identity without its cells);
* ``content.xml`` (standard library, incremental): sheets and whether they are hidden, the
  workbook's named ranges (sheet-local ones such as print titles are not fields), formula
  cells, percentage cells, and the used range;
* the cell values with python-calamine, as for .xlsx. A sheet whose used range is too large
  for a dense grid is read from ``content.xml`` instead (see
  :mod:`consolidator.reading.sparse_sheet`).

Only files that passed :mod:`consolidator.safety.odf_check` and
:mod:`consolidator.safety.odf_scan` come here; what a malformed file makes the parsers raise
becomes :class:`~consolidator.reading.malformed.MalformedWorkbook`.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from consolidator.cell_address import Cell, parse_odf_ref
from consolidator.limits import Limits
from consolidator.package_parts import CONTENT
from consolidator.reading import sparse_sheet
from consolidator.reading.malformed import MalformedWorkbook, describe, strict_part, strict_xml
from consolidator.reading.raw_workbook import (
    PROP_PREFIX,
    RawWorkbook,
    SheetInfo,
    identity_sheet_name,
    meta_of_grid,
    place_sparse,
    plain,
    read_grids,
    sheets_to_read,
)
from consolidator.safety.odf_scan import CELLS, OFFICE, ROW, SHEET, TABLE
from consolidator.safety.package import Package
from consolidator.templates.model import META_SHEET

META = "meta.xml"
META_NS = "{urn:oasis:names:tc:opendocument:xmlns:meta:1.0}"
DC_DATE = "{http://purl.org/dc/elements/1.1/}date"
STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
SPREADSHEET = f"{OFFICE}spreadsheet"
NAMED_RANGE = f"{TABLE}named-range"


def read_ods_identity(zf: zipfile.ZipFile, limits: Limits) -> tuple[dict[str, str], str | None]:
    """The identity the template writer stored as document properties (``consolidator.*``
    user-defined properties of ``meta.xml``, without the prefix) and when the file was last
    saved (``dc:date``). ``({}, None)`` for a file without ``meta.xml``."""
    if META not in zf.NameToInfo:
        return {}, None
    root = strict_xml(zf, META, limits)
    props = {}
    for el in root.iter(f"{META_NS}user-defined"):
        name = el.get(f"{META_NS}name", "")
        if name.startswith(PROP_PREFIX):
            props[name[len(PROP_PREFIX):]] = "".join(el.itertext()).strip()
    date = root.find(f".//{DC_DATE}")
    return props, (date.text.strip() if date is not None and date.text else None)


def read_ods_workbook(path: str | Path | Package, limits: Limits,
                      sheets_wanted: tuple[str, ...]) -> RawWorkbook:
    """An .ods as a :class:`RawWorkbook`: structure, identity and the cells of the sheets a
    template has (and of every sheet a named range points to). Given a
    :class:`~consolidator.safety.package.Package`, nothing is read from disk again and the
    parts the safety scan read are not decompressed again."""
    package = path if isinstance(path, Package) else None
    raw = RawWorkbook(path=str(package.path if package else path))
    try:
        zf = package.zip() if package else zipfile.ZipFile(raw.path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise MalformedWorkbook(describe(exc)) from exc
    try:
        raw.properties, raw.modified = read_ods_identity(zf, limits)
        content = _Content.parse(strict_part(zf, CONTENT, limits), CONTENT)
    finally:
        if package is None:
            zf.close()
    raw.sheets = content.sheets
    raw.names = content.names
    targets = sheets_to_read(raw, sheets_wanted)
    dense: set[str] = set()
    for name in targets:
        if name not in content.cells:
            continue
        raw.formulas[name] = content.formulas.get(name, {})
        raw.percent_cells[name] = content.percent.get(name, set())
        if content.used.get(name, 0) > sparse_sheet.DENSE_CELL_LIMIT:
            place_sparse(raw, name, content.cells[name])
        else:
            dense.add(name)
    read_grids(raw, dense, package)
    raw.meta = meta_of_grid(raw.grids.get(identity_sheet_name(raw) or META_SHEET, []))
    return raw


@dataclass
class _Content:
    """What ``content.xml`` says besides the values calamine reads."""

    sheets: list[SheetInfo] = field(default_factory=list)
    names: dict[str, tuple[str, int, int] | None] = field(default_factory=dict)
    formulas: dict[str, dict[Cell, bool]] = field(default_factory=dict)
    percent: dict[str, set[Cell]] = field(default_factory=dict)
    used: dict[str, int] = field(default_factory=dict)  # rows × columns from A1
    cells: dict[str, dict[Cell, Any]] = field(default_factory=dict)  # every value, by cell
    hidden_styles: set[str] = field(default_factory=set)

    @classmethod
    def parse(cls, data: bytes, part: str) -> _Content:
        found = cls()
        try:
            found._parse(data)
        except (ET.ParseError, ValueError) as exc:
            raise MalformedWorkbook(f"{part}: {describe(exc)}") from exc
        return found

    def _parse(self, data: bytes) -> None:
        sheet, row, col, rows = "", 1, 1, 1
        max_row = max_col = 0
        depth_in_sheet = 0
        stack: list[ET.Element] = []
        for event, el in ET.iterparse(io.BytesIO(data), events=("start", "end")):
            if event == "start":
                stack.append(el)
                if el.tag == SHEET:
                    sheet, row, max_row, max_col = el.get(f"{TABLE}name", ""), 1, 0, 0
                    depth_in_sheet = len(stack)
                    style = el.get(f"{TABLE}style-name", "")
                    state = "hidden" if style in self.hidden_styles else "visible"
                    self.sheets.append(SheetInfo(sheet, state, CONTENT))
                    self.cells[sheet] = {}
                elif el.tag == ROW:
                    rows, col = int(el.get(f"{TABLE}number-rows-repeated", "1")), 1
                continue
            stack.pop()
            parent = stack[-1] if stack else None
            if el.tag in CELLS:
                repeat = int(el.get(f"{TABLE}number-columns-repeated", "1"))
                if self._cell(el, sheet, row, col, repeat, rows):
                    max_row, max_col = max(max_row, row + rows - 1), max(max_col, col + repeat - 1)
                col += repeat
            elif el.tag == ROW:
                row += rows
            elif el.tag == SHEET:
                self.used[sheet] = max_row * max_col
                depth_in_sheet = 0
            elif el.tag == NAMED_RANGE and parent is not None and depth_in_sheet == 0:
                # a workbook-level name (one inside a sheet is local: print titles)
                self.names[el.get(f"{TABLE}name", "")] = parse_odf_ref(
                    el.get(f"{TABLE}cell-range-address", ""))
            elif el.tag == f"{STYLE}style" and el.get(f"{STYLE}family") == "table":
                props = el.find(f"{STYLE}table-properties")
                if props is not None and props.get(f"{TABLE}display") == "false":
                    self.hidden_styles.add(el.get(f"{STYLE}name", ""))
            if parent is not None and el.tag in (*CELLS, ROW, SHEET):
                parent.remove(el)  # memory stays that of one row

    def _cell(self, el: ET.Element, sheet: str, row: int, col: int, repeat: int,
              rows: int) -> bool:
        """Record one (repeated) cell; whether it holds anything."""
        kind = el.get(f"{OFFICE}value-type")
        if kind is None and len(el) == 0:
            return False
        value = _value(el, kind)
        formula = el.get(f"{TABLE}formula") is not None
        if value is None and not formula:
            return False
        for r in range(row, row + rows):
            for c in range(col, col + repeat):
                if value is not None:
                    self.cells[sheet][(r, c)] = value
                if formula:
                    self.formulas.setdefault(sheet, {})[(r, c)] = kind is not None
                if kind == "percentage":
                    self.percent.setdefault(sheet, set()).add((r, c))
        return value is not None or formula


def _value(el: ET.Element, kind: str | None) -> Any:
    """A cell's value from its attributes (only for sheets too sparse for calamine)."""
    if kind in ("float", "percentage", "currency"):
        return plain(float(el.get(f"{OFFICE}value", "nan")))
    if kind == "boolean":
        return el.get(f"{OFFICE}boolean-value") == "true"
    if kind in ("date", "time"):
        return el.get(f"{OFFICE}{kind}-value")
    text = "\n".join("".join(p.itertext()) for p in el if p.tag.endswith("}p"))
    return text or None
