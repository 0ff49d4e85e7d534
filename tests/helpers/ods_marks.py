"""Looking at a marked .ods as the department's Calc would show it: the sheets in order, the
annotation and the background colour of each cell, the table of the 確認事項 sheet and its
links. Read with ElementTree, repeated rows and cells counted as Calc counts them."""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

from consolidator.cell_address import a1

TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
FO = "{urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0}"
DC = "{http://purl.org/dc/elements/1.1/}"
XLINK = "{http://www.w3.org/1999/xlink}"
SHEET = "確認事項"


def content(path: Path) -> ET.Element:
    with zipfile.ZipFile(path) as zf:
        return ET.fromstring(zf.read("content.xml"))


def sheet_names(path: Path) -> list[str]:
    return [t.get(f"{TABLE}name", "") for t in content(path).iter(f"{TABLE}table")]


def cells(root: ET.Element, sheet: str) -> dict[str, ET.Element]:
    """A1 → the cell element (a repeated one under each of its addresses)."""
    table = next(t for t in root.iter(f"{TABLE}table") if t.get(f"{TABLE}name") == sheet)
    out: dict[str, ET.Element] = {}
    row = 1
    for tr in table.iter(f"{TABLE}table-row"):
        rows = int(tr.get(f"{TABLE}number-rows-repeated", "1"))
        col = 1
        for cell in tr:
            if not cell.tag.endswith(("}table-cell", "}covered-table-cell")):
                continue
            cols = int(cell.get(f"{TABLE}number-columns-repeated", "1"))
            if rows * cols <= 10_000:
                for r in range(row, row + rows):
                    for c in range(col, col + cols):
                        out[a1(r, c)] = cell
            col += cols
        row += rows
    return out


def backgrounds(root: ET.Element) -> dict[str, str]:
    out = {}
    for style in root.iter(f"{STYLE}style"):
        props = style.find(f"{STYLE}table-cell-properties")
        if props is not None and props.get(f"{FO}background-color"):
            out[style.get(f"{STYLE}name", "")] = props.get(f"{FO}background-color", "").lower()
    return out


def marks(path: Path) -> dict[tuple[str, str], tuple[str, str, str | None]]:
    """(sheet, cell) → (author, text, background colour) of every annotated cell (the text's
    paragraphs joined by newlines)."""
    root = content(path)
    colours = backgrounds(root)
    out = {}
    for sheet in sheet_names(path):
        for where, cell in cells(root, sheet).items():
            note = cell.find(f"{OFFICE}annotation")
            if note is not None:
                author = note.findtext(f"{DC}creator") or ""
                text = "\n".join("".join(p.itertext()) for p in note.iter(f"{TEXT}p"))
                out[(sheet, where)] = (author, text,
                                       colours.get(cell.get(f"{TABLE}style-name", "")))
    return out


def coloured(path: Path, colours: set[str]) -> dict[tuple[str, str], str]:
    """(sheet, cell) → colour of every cell whose style has one of ``colours`` (#rrggbb),
    the 確認事項 sheet left out (its labels have the colours of their severity)."""
    root = content(path)
    fills = backgrounds(root)
    out = {}
    for sheet in [s for s in sheet_names(path) if s != SHEET]:
        for where, cell in cells(root, sheet).items():
            colour = fills.get(cell.get(f"{TABLE}style-name", ""))
            if colour in colours:
                out[(sheet, where)] = colour
    return out


def text(cell: ET.Element) -> str:
    return "\n".join("".join(p.itertext()) for p in cell.findall(f"{TEXT}p"))


def listed(path: Path) -> list[list[str]]:
    """The rows of the 確認事項 table under its header (重大度 …)."""
    root = content(path)
    table = next(t for t in root.iter(f"{TABLE}table") if t.get(f"{TABLE}name") == SHEET)
    rows = [[text(c) for c in tr if c.tag.endswith("}table-cell")]
            for tr in table.iter(f"{TABLE}table-row")]
    start = next(i for i, r in enumerate(rows) if r and r[0] == "重大度")
    return rows[start + 1:]


def top_lines(path: Path) -> list[str]:
    root = content(path)
    table = next(t for t in root.iter(f"{TABLE}table") if t.get(f"{TABLE}name") == SHEET)
    firsts = [text(tr[0]) for tr in table.iter(f"{TABLE}table-row")]
    return [t for t in firsts[:firsts.index("重大度")] if t]


def links(path: Path) -> list[str]:
    """The targets of the links on the 確認事項 sheet, in its order."""
    root = content(path)
    table = next(t for t in root.iter(f"{TABLE}table") if t.get(f"{TABLE}name") == SHEET)
    return [a.get(f"{XLINK}href", "") for a in table.iter(f"{TEXT}a")]
