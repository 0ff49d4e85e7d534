"""A department's own .ods, annotated: its findings marked where they are, as an .xlsx is.

:func:`annotate_ods` writes a copy of the OpenDocument spreadsheet the department sent with
every cell that has a finding coloured as :mod:`consolidator.feedback.annotate` colours an
.xlsx (the fills and font colours of :mod:`consolidator.feedback.styles`: errors and
warnings), an annotation (Calc's comment) on it with the same Japanese text as the .xlsx note,
and a first sheet 確認事項 with the same table (each セル linked to its cell) under the same
lines (deadline, contact). Only ``content.xml`` (and the active sheet in ``settings.xml``)
change; every other part is copied as it is, the manifest included (no part is added).

A flagged cell gets an automatic cell style of its own: a copy of the style it had (its
number format, protection and font kept) with our colours. The marks of an earlier annotation
(the department sent the annotated file back) are removed first: our annotations (by their
author, or their first line as Calc may drop the author), our colours, the old 確認事項 sheet.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from consolidator.cell_address import col_number, quote_sheet
from consolidator.colours import (
    ERROR_FILL,
    ERROR_FONT,
    GRID,
    HEADER_FILL,
    LINK_FONT,
    WARNING_FILL,
    WARNING_FONT,
    css,
)
from consolidator.feedback.annotate import (
    LEGEND,
    NOTE_MARKER,
    cell_notes,
    finding_row,
    marked_cell,
    top_lines,
)
from consolidator.feedback.findings_sheet import LABEL_STYLES, POINTS, TITLE_POINTS, WIDTHS, Row
from consolidator.feedback.odf_content import (
    Element,
    Names,
    attribute,
    declare,
    edit_cells,
    elements,
    names_of,
    tables,
    with_attribute,
)
from consolidator.feedback.package import PackageError, PatchedWorkbook, escape, parse
from consolidator.feedback.request import Request
from consolidator.findings import ERROR, SEVERITY_ORDER, WARNING, Finding, Severity
from consolidator.limits import DEFAULT_LIMITS, Limits
from consolidator.messages.correction import FEEDBACK_HEADER, FEEDBACK_TEXT
from consolidator.package_parts import CONTENT, MIMETYPE, ODS_MIMETYPE
from consolidator.text_layout import FONT, row_height

SETTINGS = "settings.xml"
# The highlight of each severity: (fill, font colour), as #RRGGBB.
HIGHLIGHT = {ERROR: (ERROR_FILL, ERROR_FONT), WARNING: (WARNING_FILL, WARNING_FONT)}
# Our automatic styles: fbmark-e-1, fbmark-w-2 … on the flagged cells; fbsheet-… on the
# 確認事項 sheet only (removed with it before the next round, when their names survived).
STYLE_PREFIX, SHEET_STYLE_PREFIX = "fbmark", "fbsheet"
CM_PER_WIDTH = 0.2  # an Excel column width unit (one digit of 11 pt) in centimetres


def odf_colour(argb: str) -> str:
    """``FFFFA7A7`` (ARGB, as consolidator.colours holds them) → ``#ffa7a7``: :func:`css` in
    lower case, as Calc writes it back (a returned file's colours are compared with these)."""
    return css(argb).lower()


def annotate_ods(src: Path, dst: Path, findings: list[Finding], request: Request,
                 file_label: str, limits: Limits = DEFAULT_LIMITS) -> None:
    """Write at ``dst`` the annotated copy of the .ods ``src`` (see the module); the same
    arguments as :func:`consolidator.feedback.annotate.annotate_workbook`. ``src`` is only
    read. Raises :class:`PackageError` when it cannot be annotated safely (the caller then
    sends the table of findings instead)."""
    pkg = PatchedWorkbook(src, limits)
    if not pkg.has(MIMETYPE) or pkg.read(MIMETYPE).strip() != ODS_MIMETYPE \
            or not pkg.has(CONTENT):
        raise PackageError("not an .ods package")
    xml = pkg.read(CONTENT)
    names = names_of(xml)
    sheet_name = FEEDBACK_TEXT["sheet"]
    xml = _without_earlier_marks(xml, names, sheet_name)
    sheets = [n for n in tables(xml, names) if n != sheet_name]
    ordered = sorted(findings, key=lambda f: SEVERITY_ORDER[f.severity])
    new_styles: list[str] = []
    styles = _Styles(xml, names, new_styles)
    for sheet in sheets:
        mine = [f for f in ordered if marked_cell(f, {sheet})]
        if not mine:
            continue
        where = tables(xml, names)[sheet]
        defaults = _column_styles(xml, where, names)
        severity: dict[str, Severity] = {}
        for f in mine:  # the worst first: a cell with an error and a warning is an error
            severity.setdefault(f.cell or "", f.severity)
        edits = {}
        for note in cell_notes(mine):
            row, col = _row_col(note.cell)
            edits[(row, col)] = _marker(names, styles, severity[note.cell], note.title,
                                        note.text, defaults.get(col, "Default"))
        xml = edit_cells(xml, where, names, edits)
    rows = [finding_row(f, set(sheets)) for f in ordered]
    top = top_lines(request, findings, file_label)  # then the legend
    table = _findings_table(names, sheet_name, top, rows,
                            _SheetStyles(names, new_styles, styles.taken))
    xml = _put_first(_add_automatic_styles(xml, names, new_styles), names, table)
    xml = declare(xml, names)
    parse(xml, CONTENT)  # well-formed, or the table is sent instead
    pkg.write(CONTENT, xml)
    if pkg.has(SETTINGS):
        pkg.write(SETTINGS, _active_sheet(pkg.read(SETTINGS), sheet_name))
    pkg.save(dst)


def _row_col(cell: str) -> tuple[int, int]:
    m = re.fullmatch(r"([A-Z]{1,3})(\d+)", cell)
    if m is None:
        raise PackageError(f"cell {cell}")
    return int(m.group(2)), col_number(m.group(1))


# ---- the flagged cells ------------------------------------------------------------------------

class _Styles:
    """The automatic cell styles of the part, and the coloured copies made of them."""

    def __init__(self, xml: bytes, names: Names, new: list[str]) -> None:
        self.names = names
        self.new = new
        self.made: dict[tuple[str, str], str] = {}
        self.existing: dict[str, bytes] = {}
        auto = _automatic_styles(xml, names)
        if auto is not None:
            for el in elements(xml, auto[0], auto[1], {names.q("style", "style")}):
                name = attribute(xml[el.start:el.head_end], names.q("style", "name"))
                if name is not None:
                    self.existing[name] = xml[el.start:el.end]
        self.taken = set(self.existing)

    def coloured(self, style: str, severity: Severity) -> str:
        """The name of ``style`` with the highlight of ``severity`` (made once)."""
        key = (style, severity)
        if key not in self.made:
            fill, font = (odf_colour(c) for c in HIGHLIGHT[severity])
            name = _free(self.taken, f"{STYLE_PREFIX}-{severity[0]}")
            self.made[key] = name
            self.new.append(self._copy(style, name, fill, font).decode())
        return self.made[key]

    def _copy(self, style: str, name: str, fill: str, font: str) -> bytes:
        q = self.names.q
        own = self.existing.get(style)
        if own is None or attribute(own[:own.find(b">") + 1], q("style", "family")) \
                != "table-cell":  # a common style: ours inherits from it
            return (f'<{q("style", "style")} {q("style", "name")}="{name}" '
                    f'{q("style", "family")}="table-cell" '
                    f'{q("style", "parent-style-name")}="{escape(style)}">'
                    f'<{q("style", "table-cell-properties")} '
                    f'{q("fo", "background-color")}="{fill}"/>'
                    f'<{q("style", "text-properties")} {q("fo", "color")}="{font}"/>'
                    f'</{q("style", "style")}>').encode()
        head_end = own.find(b">") + 1
        head = with_attribute(with_attribute(own[:head_end], q("style", "display-name"), None),
                              q("style", "name"), name)
        copy = head + own[head_end:]
        if head.endswith(b"/>"):
            copy = head[:-2] + b"></" + q("style", "style").encode() + b">"
        copy = _set_property(copy, q("style", "table-cell-properties"),
                             q("fo", "background-color"), fill)
        return _set_property(copy, q("style", "text-properties"), q("fo", "color"), font)


def _set_property(style: bytes, element: str, attr: str, value: str) -> bytes:
    """``style`` with ``attr`` of its ``element`` (a properties element) set to ``value``,
    the element added first in the style when it has none."""
    m = re.search(b"<" + re.escape(element.encode()) + rb"\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>",
                  style)
    if m is None:
        at = style.find(b">") + 1
        return style[:at] + f'<{element} {attr}="{value}"/>'.encode() + style[at:]
    return style[:m.start()] + with_attribute(m.group(0), attr, value) + style[m.end():]


def _free(taken: set[str], stem: str) -> str:
    n = 1
    while f"{stem}-{n}" in taken:
        n += 1
    taken.add(f"{stem}-{n}")
    return f"{stem}-{n}"


def _column_styles(xml: bytes, table: Element, names: Names) -> dict[int, str]:
    """The default cell style of each column of ``table`` (what a cell without a style of its
    own looks like)."""
    out: dict[int, str] = {}
    col = 1
    repeat = names.q("table", "number-columns-repeated")
    for el in elements(xml, table.head_end, table.inner_end(xml),
                       {names.q("table", "table-column")}):
        head = xml[el.start:el.head_end]
        given = attribute(head, repeat) or "1"
        count = int(given) if given.isdigit() else 1
        style = attribute(head, names.q("table", "default-cell-style-name"))
        if style and count < 20_000:
            for c in range(col, col + count):
                out[c] = style
        col += count
    return out


def _marker(names: Names, styles: _Styles, severity: Severity, title: str, text: str,
            default_style: str) -> Callable[[bytes], bytes]:
    """What marks one cell: its coloured style, our annotation first in it."""
    q = names.q
    paragraphs = [title, *text.split("\n")]
    annotation = (f'<{q("office", "annotation")}><{q("dc", "creator")}>'
                  f'{escape(FEEDBACK_TEXT["note-author"])}</{q("dc", "creator")}>'
                  + "".join(f'<{q("text", "p")}>{escape(p)}</{q("text", "p")}>'
                            for p in paragraphs)
                  + f'</{q("office", "annotation")}>').encode()

    def mark(cell: bytes) -> bytes:
        head_end = cell.find(b">") + 1
        head = cell[:head_end]
        m = re.match(rb"<([\w.:-]+)", head)
        assert m is not None
        style = attribute(head, q("table", "style-name")) or default_style
        head = with_attribute(head, q("table", "style-name"),
                              styles.coloured(style, severity))
        if head.endswith(b"/>"):
            return head[:-2].rstrip() + b">" + annotation + b"</" + m.group(1) + b">"
        return head + annotation + cell[head_end:]

    return mark


# ---- the marks of an earlier annotation ---------------------------------------------------------

def _without_earlier_marks(xml: bytes, names: Names, sheet_name: str) -> bytes:
    """``xml`` without our annotations, our colours and the 確認事項 sheet (and its styles)
    of an earlier annotation; the department's own annotations and colours stay."""
    q = names.q
    old = tables(xml, names).get(sheet_name)
    if old is not None:
        xml = xml[:old.start] + xml[old.end:]
    author = escape(FEEDBACK_TEXT["note-author"]).encode()
    marker = escape(NOTE_MARKER).encode()
    cut = []
    for el in elements(xml, 0, len(xml), {q("office", "annotation")}):
        body = xml[el.head_end:el.end]
        first = re.search(rb"<" + q("text", "p").encode() + rb"\b[^>]*>([^<]*)", body)
        if (b">" + author + b"<") in body or (first and first.group(1).startswith(marker)):
            cut.append(el)
    for el in reversed(cut):
        xml = xml[:el.start] + xml[el.end:]
    auto = _automatic_styles(xml, names)
    if auto is None:
        return xml
    ours = {odf_colour(fill): odf_colour(font) for fill, font in HIGHLIGHT.values()}
    out: list[bytes] = []
    pos = 0
    for el in elements(xml, auto[0], auto[1], {q("style", "style")}):
        style = xml[el.start:el.end]
        name = attribute(xml[el.start:el.head_end], q("style", "name")) or ""
        if name.startswith(f"{SHEET_STYLE_PREFIX}-"):
            out.append(xml[pos:el.start])
            pos = el.end
            continue
        fill = re.search(rb"background-color=\"(#[0-9A-Fa-f]{6})\"", style)
        if fill and fill.group(1).decode().lower() in ours:
            font = ours[fill.group(1).decode().lower()]
            style = re.sub(rb"\s" + re.escape(q("fo", "background-color").encode())
                           + rb"=\"[^\"]*\"", b"", style)
            style = re.sub(rb"\s" + re.escape(q("fo", "color").encode()) + rb"=\"" +
                           font.encode() + rb"\"", b"", style, flags=re.I)
            out += [xml[pos:el.start], style]
            pos = el.end
    return b"".join(out) + xml[pos:]


def _automatic_styles(xml: bytes, names: Names) -> tuple[int, int] | None:
    """The span of the content of ``office:automatic-styles`` (None when there is none)."""
    el = next(elements(xml, 0, len(xml), {names.q("office", "automatic-styles")}), None)
    return None if el is None else (el.head_end, el.inner_end(xml))


def _add_automatic_styles(xml: bytes, names: Names, styles: list[str]) -> bytes:
    new = "".join(styles).encode()
    name = names.q("office", "automatic-styles")
    el = next(elements(xml, 0, len(xml), {name}), None)
    if el is None:
        body = xml.find(b"<" + names.q("office", "body").encode())
        if body == -1:
            raise PackageError("content.xml without office:body")
        return xml[:body] + f"<{name}>".encode() + new + f"</{name}>".encode() + xml[body:]
    if el.head_end == el.end:  # <office:automatic-styles/>
        return (xml[:el.start] + xml[el.start:el.end - 2].rstrip() + b">" + new
                + f"</{name}>".encode() + xml[el.end:])
    at = el.inner_end(xml)
    return xml[:at] + new + xml[at:]


# ---- the 確認事項 sheet ------------------------------------------------------------------------

class _SheetStyles:
    """The automatic styles of the 確認事項 sheet, added to ``new``."""

    FORMATS = ("title", "text", "header", "link", "error-label", "warning-label")

    def __init__(self, names: Names, new: list[str], taken: set[str]) -> None:
        self.names, self.new, self.taken = names, new, taken
        self.heights: dict[str, str] = {}
        q = names.q
        self.table = self._add("table", f'<{q("style", "table-properties")} '
                                        f'{q("table", "display")}="true"/>')
        self.columns = [self._add("table-column", f'<{q("style", "table-column-properties")} '
                                                  f'{q("style", "column-width")}='
                                                  f'"{w * CM_PER_WIDTH:.2f}cm"/>')
                        for w in WIDTHS]
        grid = f'0.5pt solid {odf_colour(GRID)}'
        spec: dict[str, tuple[int, bool, str | None, str | None, bool, bool]] = {
            # size, bold, font colour, fill, underline, border
            "title": (14, True, None, None, False, False),
            "text": (10, False, None, None, False, True),
            "header": (10, True, None, HEADER_FILL, False, True),
            "link": (10, False, LINK_FONT, None, True, True),
            "error-label": (10, True, ERROR_FONT, ERROR_FILL, False, True),
            "warning-label": (10, False, WARNING_FONT, WARNING_FILL, False, True),
        }
        self.cells: dict[str, str] = {}
        for key in self.FORMATS:
            size, bold, colour, fill, underline, border = spec[key]
            cell = (f'<{q("style", "table-cell-properties")} {q("style", "vertical-align")}='
                    f'"top"' + ("" if key == "title" else f' {q("fo", "wrap-option")}="wrap"')
                    + (f' {q("fo", "border")}="{grid}"' if border else "")
                    + (f' {q("fo", "background-color")}="{odf_colour(fill)}"' if fill else "")
                    + "/>")
            text = (f'<{q("style", "text-properties")} {q("fo", "font-family")}="{FONT}" '
                    f'{q("style", "font-family-asian")}="{FONT}" '
                    f'{q("fo", "font-size")}="{size}pt" {q("style", "font-size-asian")}='
                    f'"{size}pt"'
                    + (f' {q("fo", "font-weight")}="bold" {q("style", "font-weight-asian")}='
                       '"bold"' if bold else "")
                    + (f' {q("fo", "color")}="{odf_colour(colour)}"' if colour else "")
                    + (f' {q("style", "text-underline-style")}="solid" '
                       f'{q("style", "text-underline-width")}="auto" '
                       f'{q("style", "text-underline-color")}="font-color"'
                       if underline else "") + "/>")
            self.cells[key] = self._add("table-cell", cell + text)

    def _add(self, family: str, properties: str) -> str:
        q = self.names.q
        name = _free(self.taken, f"{SHEET_STYLE_PREFIX}-{family}")
        self.new.append(f'<{q("style", "style")} {q("style", "name")}="{name}" '
                        f'{q("style", "family")}="{family}">{properties}'
                        f'</{q("style", "style")}>')
        return name

    def row(self, height: float) -> str:
        key = f"{height:g}"
        if key not in self.heights:
            q = self.names.q
            self.heights[key] = self._add("table-row", f'<{q("style", "table-row-properties")} '
                                                       f'{q("style", "row-height")}="{key}pt" '
                                                       f'{q("style", "use-optimal-row-height")}'
                                                       '="false"/>')
        return self.heights[key]


def _findings_table(names: Names, sheet_name: str, top: list[str], rows: list[Row],
                    styles: _SheetStyles) -> bytes:
    """The 確認事項 sheet as a ``table:table``: the lines above, the legend, the header, a
    row per finding with its セル linked to the cell (as :func:`findings_sheet.sheet_xml`)."""
    q = names.q
    cell, covered, p = q("table", "table-cell"), q("table", "covered-table-cell"), q("text", "p")
    width_all = sum(WIDTHS)

    def text_cell(text: str, style: str, link: str | None = None, span: int = 1) -> str:
        spanned = (f' {q("table", "number-columns-spanned")}="{span}"'
                   f' {q("table", "number-rows-spanned")}="1"' if span > 1 else "")
        if not text:
            return f'<{cell} {q("table", "style-name")}="{style}"{spanned}/>'
        lines = text.split("\n")
        body = "".join(f"<{p}>{escape(line)}</{p}>" for line in lines)
        if link is not None:
            a = q("text", "a")
            body = (f'<{p}><{a} {q("xlink", "type")}="simple" {q("xlink", "href")}='
                    f'"{escape(link)}">{escape(text)}</{a}></{p}>')
        return (f'<{cell} {q("table", "style-name")}="{style}"{spanned} '
                f'{q("office", "value-type")}="string">{body}</{cell}>')

    def row(height: float, cells: str) -> str:
        return (f'<{q("table", "table-row")} {q("table", "style-name")}='
                f'"{styles.row(height)}">{cells}</{q("table", "table-row")}>')

    out = [f'<{q("table", "table-column")} {q("table", "style-name")}="{c}"/>'
           for c in styles.columns]
    for r, text in enumerate(top, start=1):
        height = row_height([(text, width_all)], points=TITLE_POINTS if r == 1 else POINTS)
        if r == 1:
            out.append(row(height, text_cell(text, styles.cells["title"])))
        else:
            out.append(row(height, text_cell(text, styles.cells["text"], span=len(WIDTHS))
                           + f'<{covered} {q("table", "number-columns-repeated")}='
                             f'"{len(WIDTHS) - 1}"/>'))
    error, warning, meaning = LEGEND
    out.append(row(row_height([(meaning, sum(WIDTHS[2:]))]),
                   text_cell(error, styles.cells[LABEL_STYLES[ERROR]])
                   + text_cell(warning, styles.cells[LABEL_STYLES[WARNING]])
                   + text_cell(meaning, styles.cells["text"], span=len(WIDTHS) - 2)
                   + f'<{covered} {q("table", "number-columns-repeated")}='
                     f'"{len(WIDTHS) - 3}"/>'))
    header = "".join(text_cell(h, styles.cells["header"]) for h in FEEDBACK_HEADER)
    out.append(f'<{q("table", "table-header-rows")}>'
               + row(row_height([(h, w) for h, w in zip(FEEDBACK_HEADER, WIDTHS, strict=True)]),
                     header) + f'</{q("table", "table-header-rows")}>')
    for finding in rows:
        cells = []
        for c, text in enumerate(finding.cells, start=1):
            if c == 1:
                cells.append(text_cell(text, styles.cells[LABEL_STYLES[finding.severity]]))
            elif c == 3 and finding.target:
                sheet, target = finding.target
                cells.append(text_cell(text, styles.cells["link"],
                                       link=f"#{quote_sheet(sheet)}.{target}"))
            else:
                cells.append(text_cell(text, styles.cells["text"]))
        out.append(row(row_height(list(zip(finding.cells, WIDTHS, strict=True))),
                       "".join(cells)))
    table = q("table", "table")
    return (f'<{table} {q("table", "name")}="{escape(sheet_name)}" '
            f'{q("table", "style-name")}="{styles.table}">' + "".join(out)
            + f"</{table}>").encode()


def _put_first(xml: bytes, names: Names, table: bytes) -> bytes:
    """``table`` inserted before the document's first sheet."""
    first = next(elements(xml, 0, len(xml), {names.q("table", "table")}), None)
    if first is None:
        raise PackageError("content.xml without a sheet")
    return xml[:first.start] + table + xml[first.start:]


_ACTIVE = re.compile(rb"(<(?:[\w.-]+:)?config-item\b[^>]*\bname=\"ActiveTable\"[^>]*>)"
                     rb"[^<]*(<)")


def _active_sheet(settings: bytes, name: str) -> bytes:
    """``settings.xml`` with the document opening on sheet ``name`` (Calc's ActiveTable)."""
    return _ACTIVE.sub(lambda m: m.group(1) + escape(name).encode() + m.group(2), settings)
