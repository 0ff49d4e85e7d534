"""Reading a worksheet cell by cell, for sheets too sparse and wide for a dense reader.

python-calamine builds a dense grid from the first to the last used cell: a sheet with
cells at A1 and XFD1048576 (legal in Excel) makes it allocate 17 billion cells. Such a sheet
is read here instead, with the standard library, keeping only the cells that exist; the
validator then sees them as values outside the input cells.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any
from xml.etree import ElementTree as ET

from consolidator.cell_address import col_number
from consolidator.limits import Limits
from consolidator.reading.malformed import (
    MalformedWorkbook,
    describe,
    strict_float,
    strict_int,
    strict_xml,
)

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
ADDR = re.compile(r"([A-Z]{1,3})(\d+)")
# Beyond this many cells in the used range, a sheet is read cell by cell (a template's input
# sheet spans about 9 columns × 1,000 rows).
DENSE_CELL_LIMIT = 2_000_000


def shared_strings(zf: zipfile.ZipFile, limits: Limits) -> list[str]:
    if "xl/sharedStrings.xml" not in zf.NameToInfo:
        return []
    root = strict_xml(zf, "xl/sharedStrings.xml", limits)
    return [_text(si) for si in root.iter(f"{MAIN}si")]


def _text(el: ET.Element) -> str:
    """A string item's text: its runs, without phonetic (ruby) runs."""
    parts = []
    for child in el:
        if child.tag == f"{MAIN}t":
            parts.append(child.text or "")
        elif child.tag == f"{MAIN}r":
            parts.extend(t.text or "" for t in child.iter(f"{MAIN}t"))
    return "".join(parts)


def read_cells(xml: bytes, strings: list[str]) -> dict[tuple[int, int], Any]:
    """Every cell that holds a value: (row, col) → str, int, float or bool."""
    cells: dict[tuple[int, int], Any] = {}
    try:
        for _, el in ET.iterparse(io.BytesIO(xml)):
            if el.tag == f"{MAIN}c":
                _take(el, strings, cells)
    except ET.ParseError as exc:
        raise MalformedWorkbook(describe(exc)) from exc
    return cells


def _take(el: ET.Element, strings: list[str], cells: dict[tuple[int, int], Any]) -> None:
    m = ADDR.fullmatch(el.get("r", ""))
    value = _value(el, strings)
    el.clear()
    if m is not None and value is not None:
        cells[(int(m.group(2)), col_number(m.group(1)))] = value


def _value(el: ET.Element, strings: list[str]) -> Any:
    kind = el.get("t", "n")
    if kind == "inlineStr":
        inline = el.find(f"{MAIN}is")
        return None if inline is None else _text(inline)
    v = el.find(f"{MAIN}v")
    if v is None or v.text is None:
        return None
    text = v.text
    if kind == "s":
        index = strict_int(text, -1, "shared string index")
        return strings[index] if 0 <= index < len(strings) else None
    if kind == "b":
        return text == "1"
    if kind in ("str", "e", "d"):
        return text
    number = strict_float(text, "cell value")
    return int(number) if number.is_integer() and abs(number) < 2**53 else number
