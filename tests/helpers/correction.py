"""Looking at what goes back to a department, as the department would: the notes on its
cells, the highlights, the 確認事項 sheet and its links; and the log rows it is checked
against."""

from __future__ import annotations

import json
import re
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import openpyxl

from consolidator.feedback.findings_sheet import sheet_parts
from consolidator.feedback.package import PatchedWorkbook
from consolidator.feedback.styles import OUR_FILLS
from consolidator.findings import ERROR, WARNING

SHEET = "確認事項"
_LOCATION = re.compile(r"^'((?:[^']|'')+)'!([A-Z]+[0-9]+)$")


def notes(path: Path) -> dict[tuple[str, str], tuple[str, str]]:
    """(sheet, cell) → (author, text) of every cell note of the workbook."""
    wb = openpyxl.load_workbook(path)
    try:
        return {(ws.title, c.coordinate): (c.comment.author, c.comment.text)
                for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.comment}
    finally:
        wb.close()


def highlights(path: Path) -> dict[tuple[str, str], str]:
    """(sheet, cell) → the fill colour of the correction loop's conditional format over it
    (the last wins); the template's own (the colours of 増減の理由) are not highlights."""
    wb = openpyxl.load_workbook(path)
    out: dict[tuple[str, str], str] = {}
    try:
        dxfs = wb._differential_styles.styles
        for ws in wb.worksheets:
            for cf in ws.conditional_formatting:
                for rule in cf.rules:
                    fill = dxfs[rule.dxfId].fill if rule.dxfId is not None else None
                    colour = fill.fgColor.rgb if fill is not None else None
                    if str(colour) not in OUR_FILLS:
                        continue
                    for rng in cf.sqref.ranges:
                        out[(ws.title, rng.coord)] = str(colour)
    finally:
        wb.close()
    return out


def listed(path: Path) -> list[list[Any]]:
    """The table of the 確認事項 sheet (重大度, シート, セル, 指標, 入力値, メッセージ, 対処)."""
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        rows = [list(r) for r in wb[SHEET].iter_rows(values_only=True)]
    finally:
        wb.close()
    start = next(i for i, r in enumerate(rows) if r and r[0] == "重大度")
    return rows[start + 1:]


def top_lines(path: Path) -> list[str]:
    """The lines above the table: title, deadline, contact, file, how-to."""
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        rows = [r[0] for r in wb[SHEET].iter_rows(values_only=True)]
    finally:
        wb.close()
    return [str(r) for r in rows[:rows.index("重大度")] if r]


def links(path: Path) -> list[tuple[str, str]]:
    """(sheet, cell) each link of the 確認事項 sheet points at, in the sheet's order."""
    wb = openpyxl.load_workbook(path)
    try:
        out = []
        for row in wb[SHEET].iter_rows():
            for c in row:
                if c.hyperlink is not None:
                    m = _LOCATION.match(c.hyperlink.location or "")
                    assert m, c.hyperlink.location
                    out.append((m.group(1).replace("''", "'"), m.group(2)))
        return out
    finally:
        wb.close()


def log_findings(out_dir: Path) -> list[dict[str, Any]]:
    """Every row of ``validation_log.jsonl``."""
    text = (out_dir / "validation_log.jsonl").read_text("utf-8")
    return [json.loads(line) for line in text.splitlines()]


def open_cells(out_dir: Path, department: str, file: str) -> set[tuple[str, str]]:
    """(sheet, cell) of the open errors and warnings the log names for ``file``."""
    return {(f["sheet"], f["cell"]) for f in log_findings(out_dir)
            if f["department"] == department and f["file"] == file and f["cell"]
            and f["severity"] in (ERROR, WARNING) and not f["accepted"]}


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


# ---- a department's own additions: notes, a chart, a picture, a text box -----------------------

def _png() -> bytes:
    """A 4×4 red PNG, made with the standard library."""
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 4 for _ in range(4))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


# Each anchor declares the prefixes it uses: openpyxl declares them on the drawing's root when
# it writes with ElementTree, but only where it uses them (in the chart's frame) with lxml.
_DRAWING_PREFIXES = ('xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
                     'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')
_PICTURE = (
    f"<oneCellAnchor {_DRAWING_PREFIXES}>"
    "<from><col>10</col><colOff>0</colOff><row>20</row><rowOff>0</rowOff></from>"
    '<ext cx="952500" cy="952500"/><pic><nvPicPr><cNvPr id="3" name="Picture 3"/><cNvPicPr/>'
    '</nvPicPr><blipFill><a:blip r:embed="rIdPic"/><a:stretch><a:fillRect/></a:stretch>'
    '</blipFill><spPr><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></spPr></pic>'
    "<clientData/></oneCellAnchor>"
    f"<oneCellAnchor {_DRAWING_PREFIXES}>"
    "<from><col>14</col><colOff>0</colOff><row>20</row><rowOff>0</rowOff></from>"
    '<ext cx="1905000" cy="476250"/><sp><nvSpPr><cNvPr id="4" name="TextBox 4"/>'
    '<cNvSpPr txBox="1"/></nvSpPr><spPr><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></spPr>'
    '<txBody><a:bodyPr/><a:p><a:r><a:t>担当のメモ(図形)</a:t></a:r></a:p></txBody></sp>'
    "<clientData/></oneCellAnchor>")


def decorate(src: Path, dst: Path, notes_on: dict[tuple[str, str], str],
             chart_sheet: str) -> None:
    """``src`` as a department might return it: its own notes on ``notes_on`` cells, a chart
    on ``chart_sheet`` (openpyxl), then a picture and a text box beside the chart (written
    into the drawing part, as Excel would)."""
    from openpyxl.chart import BarChart, Reference
    from openpyxl.comments import Comment

    wb = openpyxl.load_workbook(src)
    for (sheet, cell), text in notes_on.items():
        wb[sheet][cell].comment = Comment(text, "担当者")
    ws = wb[chart_sheet]
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=7, min_row=4, max_row=4))
    ws.add_chart(chart, "K2")
    wb.save(dst)
    with zipfile.ZipFile(dst) as zf:
        entries = {n: zf.read(n) for n in zf.namelist()}
    drawing = next(n for n in entries if re.fullmatch(r"xl/drawings/drawing\d+\.xml", n))
    rels = drawing.replace("drawings/", "drawings/_rels/") + ".rels"
    assert entries[drawing].endswith(b"</wsDr>"), entries[drawing][-40:]
    entries[drawing] = entries[drawing].replace(b"</wsDr>", _PICTURE.encode() + b"</wsDr>")
    ET.fromstring(entries[drawing])  # well-formed, namespaces too: openpyxl reads it back
    entries[rels] = entries[rels].replace(
        b"</Relationships>", b'<Relationship Id="rIdPic" Type="http://schemas.openxmlformats.'
        b'org/officeDocument/2006/relationships/image" Target="../media/image1.png"/>'
        b"</Relationships>")
    entries["xl/media/image1.png"] = _png()
    entries["[Content_Types].xml"] = entries["[Content_Types].xml"].replace(
        b"<Default ", b'<Default Extension="png" ContentType="image/png"/><Default ', 1)
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)


# ---- markup only Excel writes ------------------------------------------------------------------

_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_WORKBOOK_MARKUP = (
    f'<mc:AlternateContent xmlns:mc="{_MC}"><mc:Choice Requires="x15">'
    '<x15ac:absPath xmlns:x15ac="http://schemas.microsoft.com/office/spreadsheetml/2010/11/ac" '
    'url="C:\\Users\\fukushi\\Documents\\"/></mc:Choice></mc:AlternateContent>')
_X14_RULE = (
    '<extLst><ext uri="{78C0D931-6437-407d-A8EE-F0AAD7539E65}" '
    'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
    '<x14:conditionalFormattings><x14:conditionalFormatting '
    'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
    '<x14:cfRule type="expression" priority="99" id="{5B1F0C3E-2D4A-4C8B-9E7F-1A2B3C4D5E6F}">'
    "<xm:f>_meta!$A$1=&quot;x&quot;</xm:f><x14:dxf><fill><patternFill><bgColor rgb=\"FFFFFF00\"/>"
    "</patternFill></fill></x14:dxf></x14:cfRule><xm:sqref>A1</xm:sqref>"
    "</x14:conditionalFormatting></x14:conditionalFormattings></ext></extLst>")


def excel_markup(src: Path, dst: Path, sheet: str) -> None:
    """``src`` as Excel saves it, in the parts the annotation edits: ``workbook.xml`` with
    ``mc:Ignorable`` and an ``mc:AlternateContent`` (the folder it was saved in), and the sheet
    ``sheet`` with ``mc:Ignorable`` (``x14ac:dyDescent`` on its rows) and a conditional format
    that only the 2010 schema holds (a rule on another sheet, in ``extLst``)."""
    part = dict(sheet_parts(PatchedWorkbook(src)))[sheet]
    entries = parts(src)
    ignorable = (f' xmlns:mc="{_MC}" mc:Ignorable="x14ac" '
                 'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"')
    xml = entries[part]
    xml = re.sub(rb"<worksheet\b[^>]*?(?=>)", lambda m: m.group(0) + ignorable.encode(), xml,
                 count=1)
    xml = re.sub(rb"<row\b(?=[^>]*\bht=)", b'<row x14ac:dyDescent="0.2"', xml)
    assert b"<extLst" not in xml
    entries[part] = xml.replace(b"</worksheet>", _X14_RULE.encode() + b"</worksheet>")
    book = entries["xl/workbook.xml"]
    book = re.sub(rb"<workbook\b[^>]*?(?=>)", lambda m: m.group(0) + (
        f' xmlns:mc="{_MC}" mc:Ignorable="x15" '
        'xmlns:x15="http://schemas.microsoft.com/office/spreadsheetml/2010/11/main"').encode(),
        book, count=1)
    properties = re.search(rb"<workbookPr\b[^>]*/>", book)  # where Excel puts it
    assert properties is not None
    entries["xl/workbook.xml"] = book[:properties.end()] + _WORKBOOK_MARKUP.encode() + \
        book[properties.end():]
    for name in (part, "xl/workbook.xml"):
        ET.fromstring(entries[name])
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)


def mark_for_acceptance(log: Path, marks: dict[str, str | None]) -> dict[str, int]:
    """As a manager in Excel: 承認する (and the reason, if any) on the row of each code of
    ``validation_log.xlsx``; returns code → row number."""
    wb = openpyxl.load_workbook(log)
    ws = wb["検証ログ"]
    header = [c.value for c in ws[1]]
    col = {name: header.index(name) + 1 for name in ("コード", "承認", "承認理由")}
    rows = {}
    for r in range(2, ws.max_row + 1):
        code = ws.cell(r, col["コード"]).value
        if code in marks:
            ws.cell(r, col["承認"]).value = "承認する"
            ws.cell(r, col["承認理由"]).value = marks[code]
            rows[str(code)] = r
    wb.save(log)
    return rows
