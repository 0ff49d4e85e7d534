"""The 確認事項 sheet: the list of findings, first in the workbook, each linked to its cell.

The sheet is written as new XML (inline strings, so the shared strings stay untouched) and
put first: the sheet-scoped defined names (print titles, filters) follow their sheets to their
new positions, the workbook opens on it, and no other sheet stays selected (two selected tabs
would group the sheets and let one typing go into both). A 確認事項 sheet of an earlier
annotation is replaced, not added again.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from consolidator.cell_address import quote_sheet
from consolidator.feedback.package import (
    MAIN_NS,
    REL_NS,
    PackageError,
    PatchedWorkbook,
    add_override,
    add_relationship,
    escape,
    insert_child,
    main_prefix,
    qualified,
    r_id_attribute,
    relationships,
    rels_name,
)
from consolidator.findings import ERROR, WARNING, Severity
from consolidator.text_layout import row_height

WORKBOOK = "xl/workbook.xml"
LABEL_STYLES = {ERROR: "error-label", WARNING: "warning-label"}
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
# The columns fit A4 landscape one page wide at 80 % (the 10 pt text prints at 8 pt or more,
# see consolidator.table_sheets.floor_scale).
WIDTHS = (6, 10, 7, 22, 12, 42, 34)
POINTS, TITLE_POINTS = 10, 14  # the table's text, the title
TOP_ROWS = 6  # title, deadline, contact, file, how-to, legend; then the table's header


@dataclass(frozen=True)
class Row:
    """One finding as the sheet lists it; ``target`` is ``(sheet, cell)`` when it has a cell."""

    cells: tuple[str, ...]  # the columns of FEEDBACK_HEADER
    severity: Severity
    target: tuple[str, str] | None


def sheet_xml(top: list[str], legend: tuple[str, str, str], header: tuple[str, ...],
              rows: list[Row], styles: dict[str, int]) -> bytes:
    """The worksheet: ``top`` lines (title, deadline, contact …), the ``legend`` (the error
    and the warning word in their colours, and what they mean), the header, one row per
    finding with the セル column linked to the cell."""
    out: list[str] = []
    merges: list[str] = []
    width_all = sum(WIDTHS)
    for r, text in enumerate(top, start=1):
        style = styles["title"] if r == 1 else styles["text"]
        height = row_height([(text, width_all)], points=TITLE_POINTS if r == 1 else POINTS)
        out.append(_row(r, [(1, text, style)], height))
        if r > 1:
            merges.append(f"A{r}:G{r}")
    r = len(top) + 1
    error, warning, meaning = legend
    out.append(_row(r, [(1, error, styles["error-label"]), (2, warning, styles["warning-label"]),
                        (3, meaning, styles["text"])],
                    row_height([(meaning, sum(WIDTHS[2:]))])))
    merges.append(f"C{r}:G{r}")
    header_row = r + 1
    out.append(_row(header_row, [(c, h, styles["header"]) for c, h in enumerate(header, 1)],
                    row_height([(h, w) for h, w in zip(header, WIDTHS, strict=True)])))
    links: list[str] = []
    for r, row in enumerate(rows, start=header_row + 1):
        cells = []
        for c, text in enumerate(row.cells, start=1):
            style = styles["text"]
            if c == 1:
                style = styles[LABEL_STYLES[row.severity]]
            elif c == 3 and row.target:
                style = styles["link"]
                sheet, cell = row.target
                links.append(f'<hyperlink ref="C{r}" location="{escape(quote_sheet(sheet))}!'
                             f'{cell}" display="{escape(text)}"/>')
            cells.append((c, text, style))
        out.append(_row(r, cells, row_height(list(zip(row.cells, WIDTHS, strict=True)))))
    last = header_row + len(rows)
    cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
                   for i, w in enumerate(WIDTHS, start=1))
    first_row = header_row + 1
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
        '<sheetPr><tabColor rgb="FFC00000"/><pageSetUpPr fitToPage="1"/></sheetPr>'
        f'<dimension ref="A1:G{last}"/>'
        '<sheetViews><sheetView tabSelected="1" workbookViewId="0">'
        f'<pane ySplit="{header_row}" topLeftCell="A{first_row}" activePane="bottomLeft" '
        f'state="frozen"/><selection pane="bottomLeft" activeCell="C{first_row}" '
        f'sqref="C{first_row}"/></sheetView></sheetViews>'
        f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols>'
        f'<sheetData>{"".join(out)}</sheetData>'
        f'<mergeCells count="{len(merges)}">'
        + "".join(f'<mergeCell ref="{m}"/>' for m in merges) + "</mergeCells>"
        + (f"<hyperlinks>{''.join(links)}</hyperlinks>" if links else "")
        + '<pageMargins left="0.4" right="0.4" top="0.75" bottom="0.75" header="0.3" '
        'footer="0.3"/><pageSetup paperSize="9" orientation="landscape" fitToWidth="1" '
        'fitToHeight="0"/></worksheet>')
    return xml.encode("utf-8")


def _row(r: int, cells: list[tuple[int, str, int]], height: float) -> str:
    from consolidator.cell_address import a1

    body = "".join(
        f'<c r="{a1(r, c)}" s="{style}" t="inlineStr"><is><t xml:space="preserve">'
        f"{escape(text)}</t></is></c>" if text else f'<c r="{a1(r, c)}" s="{style}"/>'
        for c, text, style in cells)
    return f'<row r="{r}" ht="{height:g}" customHeight="1">{body}</row>'


# ---- the workbook: the sheet first, opened, alone selected --------------------------------------

_SHEET = re.compile(rb"<((?:[\w.-]+:)?)sheet\b([^>]*?)(?:/>|>\s*</(?:[\w.-]+:)?sheet>)")
_SHEETS_START = re.compile(rb"<(?:[\w.-]+:)?sheets\b[^>]*>")
_NAME = re.compile(rb'\bname="([^"]*)"')
_SHEET_ID = re.compile(rb'\bsheetId="(\d+)"')
_ANY_ID = re.compile(rb'\b[\w.-]+:id="([^"]*)"')
_LOCAL_ID = re.compile(rb'(<(?:[\w.-]+:)?definedName\b[^>]*?\blocalSheetId=")(\d+)(")')
_VIEW = re.compile(rb"<(?:[\w.-]+:)?workbookView\b[^>]*?/?>")
_TAB_SELECTED = re.compile(rb'(<(?:[\w.-]+:)?sheetView\b[^>]*?)\s+tabSelected="(?:1|true)"')


def sheet_parts(pkg: PatchedWorkbook) -> list[tuple[str, str]]:
    """(sheet name, part) of every sheet, in the workbook's order."""
    xml = pkg.read(WORKBOOK)
    targets = {r.rid: r.target for r in relationships(pkg, WORKBOOK)}
    out = []
    for m in _SHEET.finditer(xml):
        name = _NAME.search(m.group(2))
        rid = _ANY_ID.search(m.group(2))
        if name and rid and rid.group(1).decode() in targets:
            out.append((html.unescape(name.group(1).decode()), targets[rid.group(1).decode()]))
    return out


def put_first(pkg: PatchedWorkbook, name: str, xml: bytes) -> None:
    """Make ``xml`` the workbook's first sheet, named ``name`` (replacing a sheet of that
    name), the one the workbook opens on and the only one selected."""
    wb = pkg.read(WORKBOOK)
    elements = list(_SHEET.finditer(wb))
    if not elements:
        raise PackageError("workbook without sheets")
    names = [html.unescape(n.group(1).decode()) if (n := _NAME.search(m.group(2))) else ""
             for m in elements]
    parts = dict(sheet_parts(pkg))
    for part in parts.values():  # no other sheet stays selected
        if part != parts.get(name) and pkg.has(part):
            sheet = pkg.read(part)
            if _TAB_SELECTED.search(sheet):
                pkg.write(part, _TAB_SELECTED.sub(rb"\1", sheet))
    if name in names:
        index = names.index(name)
        part = parts[name]
        if pkg.has(rels_name(part)):
            pkg.delete(rels_name(part))  # what the old sheet linked to (a drawing Calc added)
        pkg.write(part, xml)
        element = elements[index].group(0)
        wb = wb[:elements[index].start()] + wb[elements[index].end():]
    else:
        part = pkg.free_name("xl/worksheets/sheet{}.xml")
        pkg.write(part, xml)
        add_override(pkg, part, SHEET_TYPE)
        rid = add_relationship(pkg, WORKBOOK, "worksheet", part)
        wb = pkg.read(WORKBOOK)
        ids = [int(i) for i in _SHEET_ID.findall(wb)]
        p = main_prefix(wb)
        element = (f'<{qualified(p, "sheet")} name="{escape(name)}" sheetId="{max(ids) + 1}" '
                   f'{r_id_attribute(wb, rid)}/>').encode()
        index = None
    start = _SHEETS_START.search(wb)
    if start is None:
        raise PackageError("workbook without a sheet list")
    wb = wb[:start.end()] + element + wb[start.end():]
    order = [name] + [n for i, n in enumerate(names) if i != index]
    wb = _LOCAL_ID.sub(lambda m: m.group(1) + str(order.index(names[int(m.group(2))]))
                       .encode() + m.group(3) if int(m.group(2)) < len(names) else m.group(0),
                       wb)
    pkg.write(WORKBOOK, _VIEW.sub(_first_tab, wb, count=1))


WORKBOOK_ORDER = ("fileVersion", "fileSharing", "workbookPr", "workbookProtection", "bookViews",
                  "sheets", "functionGroups", "externalReferences", "definedNames", "calcPr",
                  "oleSize", "customWorkbookViews", "pivotCaches", "smartTagPr",
                  "smartTagTypes", "webPublishing", "fileRecoveryPr", "webPublishObjects",
                  "extLst")
_FIRST_TITLES = re.compile(
    rb'<((?:[\w.-]+:)?)definedName\b[^>]*?\bname="_xlnm\.Print_Titles"[^>]*?'
    rb'\blocalSheetId="0"[^>]*?(?:/>|>.*?</\1definedName>)', re.S)
_FIRST_TITLES_SWAPPED = re.compile(
    rb'<((?:[\w.-]+:)?)definedName\b[^>]*?\blocalSheetId="0"[^>]*?'
    rb'\bname="_xlnm\.Print_Titles"[^>]*?(?:/>|>.*?</\1definedName>)', re.S)


def set_first_print_titles(pkg: PatchedWorkbook, name: str, row: int) -> None:
    """Row ``row`` (the table's header) of the first sheet (``name``) printed on every page:
    its print titles, replacing those the sheet had (an earlier annotation's)."""
    wb = pkg.read(WORKBOOK)
    wb = _FIRST_TITLES_SWAPPED.sub(b"", _FIRST_TITLES.sub(b"", wb))
    p = main_prefix(wb)
    title = (f'<{qualified(p, "definedName")} name="_xlnm.Print_Titles" localSheetId="0">'
             f"{escape(quote_sheet(name))}!${row}:${row}</{qualified(p, 'definedName')}>").encode()
    tag = qualified(p, "definedNames").encode()
    m = re.search(rb"<" + re.escape(tag) + rb"\b[^>]*?(/?)>", wb)
    if m is None:
        wb = insert_child(wb, b"<" + tag + b">" + title + b"</" + tag + b">", "definedNames",
                          WORKBOOK_ORDER)
    elif m.group(1):
        wb = wb[:m.start()] + b"<" + tag + b">" + title + b"</" + tag + b">" + wb[m.end():]
    else:
        wb = wb[:m.end()] + title + wb[m.end():]
    pkg.write(WORKBOOK, wb)


def _first_tab(m: re.Match[bytes]) -> bytes:
    tag = m.group(0)
    for attr in (b"activeTab", b"firstSheet"):
        if re.search(rb"\b" + attr + rb'="', tag):
            tag = re.sub(rb"\b" + attr + rb'="\d*"', attr + b'="0"', tag)
        else:
            end = -2 if tag.endswith(b"/>") else -1
            tag = tag[:end].rstrip() + b" " + attr + b'="0"' + tag[end:]
    return tag
