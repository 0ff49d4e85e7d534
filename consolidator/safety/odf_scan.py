"""Scanning an OpenDocument spreadsheet's XML parts and grid before a parser reads them.

The same rules as :mod:`consolidator.safety.content_scan` for an .xlsx, read the ODF way:
every XML part once through :func:`~consolidator.safety.xml_parts.read_xml_part` (capped,
never a DTD: a zip bomb or an entity expansion in ``content.xml`` stops here), then the grid
of ``content.xml`` with the standard library's incremental parser, counting what a reader
would build: a cell repeated ``number-columns-repeated`` times in a row repeated
``number-rows-repeated`` times is that many cells (python-calamine expands them), spaces
``<text:s text:c="…"/>`` count into a text's length, a merged area and a named range count
their cells. Every problem is a finding naming the sheet and the cell (A1, as for .xlsx).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from xml.etree import ElementTree as ET

from consolidator.cell_address import a1, parse_odf_range
from consolidator.cell_text import utf16_length
from consolidator.limits import Limits
from consolidator.messages import SAFETY_TEXT, fill
from consolidator.package_parts import CONTENT
from consolidator.safety.scan_common import Collector, PartReader, sheet_part, where

TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
CELLS = (f"{TABLE}table-cell", f"{TABLE}covered-table-cell")
ROW = f"{TABLE}table-row"
SHEET = f"{TABLE}table"
NAMED_RANGE = f"{TABLE}named-range"
_CONTROL = {chr(c) for c in range(32)} - {"\t", "\n", "\r"}


def scan_odf(zf: zipfile.ZipFile, infos: dict[str, zipfile.ZipInfo], out: Collector,
             limits: Limits) -> None:
    """Every XML part of an ODF package once, then the grid of ``content.xml``."""
    parts = PartReader(zf, out, limits)
    content = None
    for key, info in infos.items():
        if info.is_dir() or not parts.is_xml(key, info):
            continue
        data = parts.read(info)
        if key == CONTENT:
            content = data
    if content is not None:
        _scan_grid(content, out, limits)


@dataclass
class _Place:
    sheet: str = ""
    row: int = 1  # the row the next <table:table-row> starts
    col: int = 1  # the column the next cell starts
    rows: int = 1  # how often the current row repeats
    merged: int = 0  # cells in merged areas of the current sheet


def _scan_grid(data: bytes, out: Collector, limits: Limits) -> None:
    place = _Place()
    cells = 0
    try:
        for event, el, parent in _elements(data):
            if event == "start":
                if el.tag == SHEET:
                    place = _Place(sheet=el.get(f"{TABLE}name", ""))
                elif el.tag == ROW:
                    place.rows = _count(el, "number-rows-repeated", place, out)
                    place.col = 1
                continue
            if el.tag in CELLS:
                cells += _cell(el, place, out, limits)
                parent.remove(el)
            elif el.tag == ROW:
                place.row += place.rows
                parent.remove(el)
            elif el.tag == SHEET:
                if place.merged > limits.max_cells:
                    out.add("grid-too-many-cells", sheet=place.sheet, count=f"{place.merged:,}",
                            limit=f"{limits.max_cells:,}",
                            where=sheet_part("sheet-merged-ranges", place.sheet))
                parent.remove(el)
            elif el.tag == NAMED_RANGE:
                _named_range(el, out, limits)
    except ET.ParseError:
        return  # the reader reports the file as malformed (file-corrupt)
    if cells > limits.max_cells:
        out.add("grid-too-many-cells", count=f"{cells:,}", limit=f"{limits.max_cells:,}",
                where=SAFETY_TEXT["whole-workbook"])


def _elements(data: bytes) -> Iterator[tuple[str, ET.Element, ET.Element]]:
    """(event, element, its parent) of an incremental parse; a finished element can be
    removed from its parent, so memory stays that of one row."""
    stack: list[ET.Element] = []
    for event, el in ET.iterparse(io.BytesIO(data), events=("start", "end")):
        if event == "start":
            parent = stack[-1] if stack else el
            stack.append(el)
        else:
            stack.pop()
            parent = stack[-1] if stack else el
        yield event, el, parent


def _count(el: ET.Element, attribute: str, place: _Place, out: Collector) -> int:
    """A repeat or span count; a value that is not a positive number is out of range."""
    text = el.get(f"{TABLE}{attribute}", "1")
    if text.isdigit() and int(text) >= 1:
        return int(text)
    out.add("grid-out-of-range", sheet=place.sheet, where=where(place.sheet), value=text)
    return 1


def _cell(el: ET.Element, place: _Place, out: Collector, limits: Limits) -> int:
    """Check one (repeated) cell; returns how many cells with content it stands for."""
    repeat = _count(el, "number-columns-repeated", place, out)
    first_row, first_col = place.row, place.col
    place.col += repeat
    spans = [int(el.get(f"{TABLE}{a}", "1")) for a in ("number-columns-spanned",
                                                      "number-rows-spanned")
             if el.get(f"{TABLE}{a}", "1").isdigit()]
    if len(spans) == 2 and spans != [1, 1]:
        place.merged += spans[0] * spans[1] * repeat * place.rows
    if el.get(f"{OFFICE}value-type") is None and len(el) == 0:
        return 0
    last_row, last_col = first_row + place.rows - 1, first_col + repeat - 1
    if last_row > limits.max_rows or last_col > limits.max_columns:
        row = min(last_row, max(first_row, limits.max_rows + 1))
        col = min(last_col, max(first_col, limits.max_columns + 1))
        ref = a1(row, col)
        out.add("grid-out-of-range", sheet=place.sheet, cell=ref, where=where(place.sheet, ref),
                value=ref)
    ref = a1(first_row, first_col)
    text = "".join(el.itertext())
    spaces = sum(int(s.get(f"{TEXT}c", "1")) if s.get(f"{TEXT}c", "1").isdigit() else 1
                 for s in el.iter(f"{TEXT}s"))
    length = utf16_length(text) + spaces
    if length > limits.max_string_chars:
        out.add("string-too-long", sheet=place.sheet, cell=ref, length=f"{length:,}",
                limit=f"{limits.max_string_chars:,}", where=where(place.sheet, ref))
    if _CONTROL.intersection(text):
        out.add("string-control-char", sheet=place.sheet, cell=ref, where=where(place.sheet, ref))
    return repeat * place.rows


def _named_range(el: ET.Element, out: Collector, limits: Limits) -> None:
    """A named range's cells: a reader resolving it must not be led into a huge range."""
    name = el.get(f"{TABLE}name", "")
    address = el.get(f"{TABLE}cell-range-address", "")
    parsed = parse_odf_range(address)
    if parsed is None:
        return  # a whole row or column (print titles), another file: never read as cells
    sheet, (r1, c1), (r2, c2) = parsed
    named = fill(SAFETY_TEXT["named-range"], name=name)
    if max(r1, r2) > limits.max_rows or max(c1, c2) > limits.max_columns:
        out.add("grid-out-of-range", sheet=sheet, where=named, value=address)
        return
    size = (abs(r2 - r1) + 1) * (abs(c2 - c1) + 1)
    if size > limits.max_cells:
        out.add("grid-too-many-cells", sheet=sheet, count=f"{size:,}",
                limit=f"{limits.max_cells:,}", where=named)
