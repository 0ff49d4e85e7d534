"""OpenDocument spreadsheets for the tests: filling a generated .ods as a person would (without
Calc), and the ODS hostile corpus built from one clean generated .ods.

    python3 tests/helpers/ods_files.py BASE.ods OUTDIR

:func:`fill_ods` writes values into the input cells of an .ods drawn by
:mod:`consolidator.templates.ods_writer` (one element per cell, no repetition), found through
the public ``fields`` map as :func:`consolidator.jobs.filling.fill_fields` does for .xlsx.
:func:`build_ods_corpus` returns file name → the finding code
:func:`consolidator.safety.verdict.verdict_of` must report (:data:`ODS_EXPECTED`).
"""

from __future__ import annotations

import io
import re
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from consolidator.cell_address import col_number
from helpers.filling import fields_of
from helpers.hostile_corpus import BILLION_LAUGHS, XXE, Entries, _bomb_zip, edit, read_entries

TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
CONTENT = "content.xml"
META = "meta.xml"
MANIFEST = "META-INF/manifest.xml"
MIMETYPE = "mimetype"


# ---- writing zips the way ODF wants them (mimetype first, stored) -------------------------------

def write_odf(path: Path, entries: Entries) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in sorted(entries, key=lambda e: e[0] != MIMETYPE):
            zf.writestr(name, data, compress_type=zipfile.ZIP_STORED if name == MIMETYPE
                        else zipfile.ZIP_DEFLATED)
    return path


# ---- filling ---------------------------------------------------------------------------------

def _namespaces(data: bytes) -> None:
    for _event, (prefix, uri) in ET.iterparse(io.BytesIO(data), events=("start-ns",)):
        ET.register_namespace(prefix, uri)


def _cell(root: ET.Element, sheet: str, addr: str) -> ET.Element:
    m = re.fullmatch(r"([A-Z]+)(\d+)", addr)
    assert m, addr
    row, col = int(m.group(2)), col_number(m.group(1))
    table = next(t for t in root.iter(f"{{{TABLE}}}table") if t.get(f"{{{TABLE}}}name") == sheet)
    rows = list(table.iter(f"{{{TABLE}}}table-row"))  # the heading row among them
    while len(rows) < row:  # beyond the drawn rows: new empty rows
        rows.append(ET.SubElement(table, f"{{{TABLE}}}table-row"))
    cells = [c for c in rows[row - 1] if c.tag.endswith(("}table-cell", "}covered-table-cell"))]
    while len(cells) < col:  # beyond the drawn columns: new empty cells
        cells.append(ET.SubElement(rows[row - 1], f"{{{TABLE}}}table-cell"))
    return cells[col - 1]


def _put(cell: ET.Element, value: Any) -> None:
    for child in list(cell):
        cell.remove(child)
    for attr in [a for a in cell.attrib if a.startswith(f"{{{OFFICE}}}")]:
        del cell.attrib[attr]
    if value is None:
        return
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        cell.set(f"{{{OFFICE}}}value-type", "float")
        cell.set(f"{{{OFFICE}}}value", repr(value))
        lines = [f"{value:g}"]
    else:
        cell.set(f"{{{OFFICE}}}value-type", "string")
        lines = str(value).split("\n")
    for line in lines:
        ET.SubElement(cell, f"{{{TEXT}}}p").text = line


def fill_ods(src: Path, dst: Path, values: dict[str, Any],
             cells: dict[tuple[str, str], Any] | None = None) -> None:
    """Write ``values`` (field id → value) into a copy of the generated .ods ``src``."""
    where = fields_of(src)
    entries = read_entries(src)
    data = dict(entries)[CONTENT]
    _namespaces(data)
    root = ET.fromstring(data)
    for field_id, value in values.items():
        _put(_cell(root, where[field_id]["sheet"], where[field_id]["cell"]), value)
    for (sheet, addr), value in (cells or {}).items():
        _put(_cell(root, sheet, addr), value)
    content = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    write_odf(dst, [(n, content if n == CONTENT else d) for n, d in entries])


def set_ods_saved(path: Path, stamp: str) -> None:
    """Give the .ods ``path`` the saved time ``stamp`` as LibreOffice Calc writes it into
    ``meta.xml``: ``dc:date``, the local time of the saving machine without a zone, with
    nanoseconds (``2023-05-01T09:00:00.123456789``). odfpy writes none."""
    entries = read_entries(path)
    meta = dict(entries)[META].decode()
    date = f"<dc:date>{stamp}</dc:date>"
    meta, n = re.subn(r"<dc:date>[^<]*</dc:date>", date, meta)
    if n == 0:
        if 'xmlns:dc="http://purl.org/dc/elements/1.1/"' not in meta:
            meta = meta.replace("<office:document-meta ", '<office:document-meta xmlns:dc='
                                '"http://purl.org/dc/elements/1.1/" ', 1)
        meta, n = re.subn(r"(<office:meta>)", r"\g<1>" + date, meta, count=1)
    assert n == 1, "meta.xml has no office:meta"
    write_odf(path, [(name, meta.encode() if name == META else data) for name, data in entries])


def ods_copy(src: Path, dst: Path, rename: dict[str, str] | None = None) -> Path:
    """A filled .ods as its sheets copied into a new document: no ``consolidator.*``
    document properties, no hidden ``_meta`` sheet, no named ranges; the sheets in
    ``rename`` (old → new name) renamed."""
    entries = read_entries(src)
    data = dict(entries)[CONTENT]
    _namespaces(data)
    root = ET.fromstring(data)
    for parent in list(root.iter()):
        for child in list(parent):
            name = child.get(f"{{{TABLE}}}name")
            if child.tag == f"{{{TABLE}}}named-expressions" or (
                    child.tag == f"{{{TABLE}}}table" and name == "_meta"):
                parent.remove(child)
            elif child.tag == f"{{{TABLE}}}table" and name in (rename or {}):
                child.set(f"{{{TABLE}}}name", (rename or {})[name])
    content = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    meta = re.sub(rb"<meta:user-defined meta:name=\"consolidator\.[^\"]*\"[^>]*>[^<]*"
                  rb"</meta:user-defined>", b"", dict(entries)[META])
    return write_odf(dst, [(n, content if n == CONTENT else meta if n == META else d)
                           for n, d in entries])


# ---- the ODS hostile corpus --------------------------------------------------------------------

ODS_EXPECTED: dict[str, str] = {
    "ods_bomb_content.ods": "zip-bomb-ratio",  # 200 MB of zeros as content.xml
    "ods_billion_laughs.ods": "xml-doctype",  # entity expansion in content.xml
    "ods_external_entity.ods": "xml-doctype",  # an external entity in meta.xml
    "ods_huge_named_range.ods": "grid-too-many-cells",  # F_… → A1:AMJ1048576
    "ods_repeated_rows.ods": "grid-too-many-cells",  # one value × 1,000 columns × 1,000,000 rows
    "ods_space_bomb.ods": "string-too-long",  # <text:s text:c="1000000"/>
    "ods_no_manifest.ods": "file-missing-part",
    "ods_encrypted.ods": "file-encrypted",
    "ods_macro.ods": "file-macro",  # Basic/ macros: a warning, the cells are still read
    "ods_named_xlsx.xlsx": "",  # an .ods under an .xlsx name: read by its content
}


def _sub(old: bytes, new: bytes) -> Callable[[bytes], bytes]:
    def f(data: bytes) -> bytes:
        assert old in data, old
        return data.replace(old, new, 1)
    return f


def _prolog(prolog: bytes, first_text: bytes) -> Callable[[bytes], bytes]:
    """A part with ``prolog`` (a DOCTYPE) before its root and ``first_text`` in its first
    paragraph (or user-defined property)."""
    def f(data: bytes) -> bytes:
        start = data.index(b"<office:")
        body = data[start:]
        m = re.search(rb"(<text:p>|<meta:user-defined [^>]*>)[^<]*", body)
        assert m, "no text to replace"
        body = body[:m.start()] + m.group(1) + first_text + body[m.end():]
        return prolog.replace(b"sst", b"office:document-content") + body
    return f


def build_ods_corpus(base: Path, out_dir: Path) -> dict[str, str]:
    """Write the ODS hostile files into ``out_dir`` (from a clean generated .ods ``base``);
    returns name → expected code."""
    out_dir.mkdir(parents=True, exist_ok=True)
    entries = read_entries(base)
    names = [n for n, _ in entries]
    assert names[0] == MIMETYPE and CONTENT in names and MANIFEST in names, names
    expected: dict[str, str] = {}

    def put(name: str, data: Entries) -> None:
        write_odf(out_dir / name, data)
        expected[name] = ODS_EXPECTED[name]

    _bomb_zip(out_dir / "ods_bomb_content.ods", entries, CONTENT, 200_000_000)
    expected["ods_bomb_content.ods"] = ODS_EXPECTED["ods_bomb_content.ods"]
    put("ods_billion_laughs.ods", edit(entries, CONTENT, _prolog(BILLION_LAUGHS, b"&lol9;")))
    put("ods_external_entity.ods", edit(entries, "meta.xml", _prolog(XXE, b"&xxe;")))
    put("ods_huge_named_range.ods", edit(entries, CONTENT, lambda d: re.sub(
        rb'(table:name="F_[^"]*" table:cell-range-address=")[^"]*"',
        rb"\1$'_meta'.$A$1:.$AMJ$1048576" + b'"', d, count=1)))
    put("ods_repeated_rows.ods", edit(entries, CONTENT, _sub(
        b"</table:table>",
        b'<table:table-row table:number-rows-repeated="1000000"><table:table-cell '
        b'table:number-columns-repeated="1000" office:value-type="float" office:value="1">'
        b"<text:p>1</text:p></table:table-cell></table:table-row></table:table>")))
    put("ods_space_bomb.ods", edit(entries, CONTENT, lambda d: re.sub(
        rb"(<table:table-cell [^>]*><text:p>[^<]*)</text:p>",
        rb'\1<text:s text:c="1000000"/></text:p>', d, count=1)))
    put("ods_no_manifest.ods", [e for e in entries if e[0] != MANIFEST])
    put("ods_encrypted.ods", edit(entries, MANIFEST, _sub(
        b'manifest:full-path="content.xml" manifest:media-type="text/xml"/>',
        b'manifest:full-path="content.xml" manifest:media-type="text/xml">'
        b'<manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="AAAA">'
        b'<manifest:algorithm manifest:algorithm-name="Blowfish CFB" '
        b'manifest:initialisation-vector="AAAA"/><manifest:key-derivation '
        b'manifest:key-derivation-name="PBKDF2" manifest:iteration-count="1024" '
        b'manifest:salt="AAAA"/></manifest:encryption-data></manifest:file-entry>')))
    put("ods_macro.ods", edit(entries, MANIFEST, _sub(
        b"</manifest:manifest>",
        b'<manifest:file-entry manifest:full-path="Basic/Standard/Module1.xml" '
        b'manifest:media-type="text/xml"/></manifest:manifest>')) + [
        ("Basic/Standard/Module1.xml",
         b'<?xml version="1.0" encoding="UTF-8"?><script:module xmlns:script="http://openoffice'
         b'.org/2000/script" script:name="Module1" script:language="StarBasic">Sub Main\n'
         b'  Shell("calc.exe")\nEnd Sub</script:module>')])
    put("ods_named_xlsx.xlsx", entries)
    assert set(expected) == set(ODS_EXPECTED), set(expected) ^ set(ODS_EXPECTED)
    return expected


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python3 tests/helpers/ods_files.py BASE.ods OUTDIR", file=sys.stderr)
        return 2
    for name, code in sorted(build_ods_corpus(Path(args[0]), Path(args[1])).items()):
        print(f"{name:<28} {code or '(no finding)'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
