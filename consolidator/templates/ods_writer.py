"""Drawing a department's template (:mod:`consolidator.templates.model`) as an OpenDocument
spreadsheet (.ods) with odfpy, for offices whose standard suite is LibreOffice.

The same workbook as :mod:`consolidator.templates.writer` draws as .xlsx, in ODF terms: the
cover, the two input sheets (protected, input cells unprotected and yellow), every input cell
a workbook-level named range ``F_<field id>`` and every reference text ``R_<id>`` (Calc moves
them with inserted rows), the same data validity rules with their help and error messages,
the identity as user-defined document properties (``meta.xml``) and on the hidden ``_meta``
sheet, and the conditional colours of the 増減の理由 cells — as Calc writes them, a
``calcext:conditional-format`` per cell (what Calc reads) and the same conditions as
``style:map`` of the cell's style (ODF 1.2, for other programs). What ODF has no word for
is left out: the IME mode of a cell (Calc switches the input method itself), and the frozen
header rows and the filter (view settings only). The heading row the .xlsx prints on every
page (print titles) is the sheet's ``table:table-header-rows``: Calc repeats those rows on
every page, and they are rows like any other (addresses, named ranges and readers count
them in place).

odfpy writes any ODF element, so named ranges (``table:named-range``), validity
(``table:content-validation``) and conditional formats are written as Calc writes them itself
(the ``calcext`` elements, which odfpy's grammar does not list, without its grammar check).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from odf.dc import Title
from odf.element import Element
from odf.meta import InitialCreator, UserDefined
from odf.namespaces import nsdict
from odf.opendocument import OpenDocumentSpreadsheet
from odf.style import (
    Footer,
    FooterStyle,
    Header,
    HeaderFooterProperties,
    HeaderStyle,
    Map,
    MasterPage,
    PageLayout,
    PageLayoutProperties,
    ParagraphProperties,
    RegionLeft,
    RegionRight,
    Style,
    TableCellProperties,
    TableColumnProperties,
    TableProperties,
    TableRowProperties,
    TextProperties,
)
from odf.table import (
    ContentValidation,
    ContentValidations,
    CoveredTableCell,
    ErrorMessage,
    HelpMessage,
    NamedExpressions,
    NamedRange,
    Table,
    TableCell,
    TableColumn,
    TableHeaderRows,
    TableRow,
)
from odf.text import P, PageCount, PageNumber

from consolidator.cell_address import col_letters
from consolidator.colours import GRID, css
from consolidator.messages import TEMPLATE_TEXT, fill
from consolidator.templates.model import (
    COVER_SHEET,
    HEADER_ROWS,
    INDICATOR_SHEET,
    META_COLUMNS,
    META_SHEET,
    REASON_CHOICES,
    TEXT_SHEET,
    Field,
    Row,
    TemplateModel,
    change_cells,
    far_condition,
    prompt_key,
    validation_key,
    year_labels,
)
from consolidator.templates.writer import (
    CELL_POINTS,
    EXPLAIN_FILL,
    EXPLAINED_FILL,
    GOAL_FILL,
    HEADER_FILL,
    INDICATOR_WIDTHS,
    INITIATIVE_FILL,
    INPUT_FILL,
    KEY_POINTS,
    PAGE_MARGINS,
    REFERENCE_FILL,
    TEXT_WIDTHS,
    _height,
    cover_lines,
    cover_request,
)
from consolidator.text_layout import FONT, row_height

FILLS = {"header": HEADER_FILL, "goal": GOAL_FILL, "initiative": INITIATIVE_FILL,
         "reference": REFERENCE_FILL, "indicator": REFERENCE_FILL, "input": REFERENCE_FILL}
BORDER = f"0.74pt solid {css(GRID).lower()}"
COVER_WIDTH = 110
FOOTER_LINE = 11  # points: the footer's line, as Calc converts the .xlsx's (Excel's 11 pt)
CALCEXT = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"
nsdict.setdefault(CALCEXT, "calcext")  # the prefix Calc uses (odfpy would say ns<N>)
# The named cell styles a conditional format applies: (name, fill), not explained / explained.
CHANGE_STYLES = (("ExplanationNeeded", EXPLAIN_FILL), ("ExplanationGiven", EXPLAINED_FILL))


def write_ods_template(t: TemplateModel, path: Path, *, deadline: str, contact: str,
                       generated_at: str, tool_version: str) -> None:
    """Draw ``t`` as an .ods at ``path``: what :func:`~consolidator.templates.writer.
    write_template` draws as .xlsx — cover, input sheets with named, validated, unprotected
    input cells, named reference texts, and the identity (hidden ``_meta`` and ``meta.xml``)."""
    doc = OpenDocumentSpreadsheet()
    book = _Book(doc, t.department)
    identity = t.identity(generated_at, tool_version, *cover_request(deadline, contact))
    validations = book.validations(t.fields)
    tables = [
        _cover(book, t, deadline, contact),
        book.sheet(TEXT_SHEET, t.text_rows, TEXT_WIDTHS, 4, t.fields, validations),
        book.sheet(INDICATOR_SHEET, t.indicator_rows, INDICATOR_WIDTHS, len(INDICATOR_WIDTHS),
                   t.fields, validations, _change_conditions(t), t.empty_history_columns()),
        _meta(book, identity, t.fields),
    ]
    doc.spreadsheet.addElement(book.content_validations)
    for table in tables:
        doc.spreadsheet.addElement(table)
    names = NamedExpressions()
    for f in t.fields:
        names.addElement(_named(f.defined_name, f.sheet, f.row, f.col))
    for r in t.references:
        names.addElement(_named(r.defined_name, r.sheet, r.row, r.col))
    doc.spreadsheet.addElement(names)
    for key, value in identity.items():
        doc.meta.addElement(UserDefined(name=f"consolidator.{key}", valuetype="string",
                                        text=value))
    doc.meta.addElement(Title(text=f"{t.department} {year_labels(t.year)['status']}"))
    doc.meta.addElement(InitialCreator(text="consolidator"))
    _save(doc, path)


def _save(doc: Any, path: Path) -> None:
    """``doc`` written at ``path``, its manifest declaring the ODF version: ODF 1.2 requires
    ``manifest:version``, which odfpy neither writes nor lets be set."""
    buffer = io.BytesIO()
    doc.save(buffer)
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "META-INF/manifest.xml":
                data = data.replace(b"<manifest:manifest ",
                                    b'<manifest:manifest manifest:version="1.2" ', 1)
            dst.writestr(info, data)


def _address(sheet: str, row: int, col: int) -> str:
    return "$'" + sheet.replace("'", "''") + f"'.${col_letters(col)}${row}"


def _named(name: str, sheet: str, row: int, col: int) -> NamedRange:
    return NamedRange(name=name, cellrangeaddress=_address(sheet, row, col),
                      basecelladdress=_address(sheet, 1, 1))


class _Book:
    """The document's automatic styles (made once each) and validity rules."""

    def __init__(self, doc: OpenDocumentSpreadsheet, footer: str) -> None:
        self.doc = doc
        self.footer = footer
        self.cache: dict[tuple[Any, ...], Style] = {}
        self.content_validations = ContentValidations()

    def _style(self, key: tuple[Any, ...], family: str, *children: Element,
               **attrs: str) -> str:
        if key not in self.cache:
            style = Style(name=f"s{len(self.cache) + 1}", family=family, **attrs)
            for child in children:
                style.addElement(child)
            self.doc.automaticstyles.addElement(style)
            self.cache[key] = style
        return str(self.cache[key].getAttribute("name"))

    def table_style(self, hidden: bool, pages_high: int = 0) -> str:
        """A sheet's style: its page style one page wide and ``pages_high`` pages high (0: as
        many as it takes; the cover: 1), as the .xlsx's page setup."""
        page = "Report" if pages_high == 0 else f"Report{pages_high}"
        if ("page", page) not in self.cache:
            self.cache["page", page] = _master_page(self.doc, self.footer, page, pages_high)
        return self._style(("table", hidden, page), "table",
                           TableProperties(display="false" if hidden else "true"),
                           masterpagename=page)

    def column(self, width_chars: float) -> str:
        inches = (width_chars * 7 + 5) / 96  # Excel's character width at 96 dpi
        return self._style(("col", width_chars), "table-column",
                           TableColumnProperties(columnwidth=f"{inches:.3f}in"))

    def row(self, points: float) -> str:
        return self._style(("row", points), "table-row",
                           TableRowProperties(rowheight=f"{points:.1f}pt",
                                              useoptimalrowheight="false"))

    def cell(self, *, size: float = 10, bold: bool = False, grey: bool = False,
             fill: str | None = None, border: bool = False, unlocked: bool = False) -> str:
        key = ("cell", size, bold, grey, fill, border, unlocked)
        return self._style(key, "table-cell", *_cell_properties(
            size=size, bold=bold, grey=grey, fill=fill, border=border, unlocked=unlocked))

    def validations(self, fields: list[Field]) -> dict[tuple[Any, ...], str]:
        """One validity rule per (kind, percent, length, message), named val1 … as Calc
        names them."""
        names: dict[tuple[Any, ...], str] = {}
        for f in fields:
            key = validation_key(f)
            if key not in names:
                names[key] = f"val{len(names) + 1}"
                self.content_validations.addElement(_validation(names[key], *key, f))
        return names

    def changing_cell(self, row: int, conditions: tuple[str, str], base: str) -> str:
        """The style of one 増減の理由 cell: an input cell whose ``style:map`` holds its two
        conditions (each cell its own: the conditions name the cell's row)."""
        if ("change-styles",) not in self.cache:
            for style_name, fill in CHANGE_STYLES:
                named = Style(name=style_name, family="table-cell")
                named.addElement(TableCellProperties(backgroundcolor=f"#{_rgb(fill).lower()}"))
                self.doc.styles.addElement(named)
            self.cache["change-styles",] = named
        name = f"explain{row}"
        style = Style(name=name, family="table-cell")  # an input cell's, and the maps
        for child in _cell_properties(fill=_rgb(INPUT_FILL), border=True, unlocked=True):
            style.addElement(child)
        for (style_name, _), condition in zip(CHANGE_STYLES, conditions, strict=True):
            style.addElement(Map(condition=f"is-true-formula({condition})",
                                 applystylename=style_name, basecelladdress=base))
        self.doc.automaticstyles.addElement(style)
        return name

    def sheet(self, name: str, rows: list[Row], widths: dict[int, int], merge_to: int,
              fields: list[Field], validations: dict[tuple[Any, ...], str],
              conditions: dict[tuple[int, int], tuple[str, str]] | None = None,
              hidden: list[int] | None = None) -> Table:
        inputs = {(f.row, f.col): validations[validation_key(f)]
                  for f in fields if f.sheet == name}
        conditions = conditions or {}
        table = Table(name=name, stylename=self.table_style(False), protected="true")
        for col in range(1, merge_to + 1):
            column = TableColumn(stylename=self.column(widths.get(col, 10)))
            if col in (hidden or ()):
                column.setAttribute("visibility", "collapse")
            table.addElement(column)
        for r, drawn in enumerate(rows, start=1):
            row = TableRow(stylename=self.row(_height(drawn, widths)))
            span_from = {"goal": 2, "initiative": 2, "sheet-title": 1, "note": 1}.get(drawn.style)
            for col in range(1, merge_to + 1):
                if span_from is not None and col > span_from:
                    row.addElement(CoveredTableCell())
                    continue
                attrs: dict[str, Any] = {}
                if span_from == col:
                    attrs["numbercolumnsspanned"] = merge_to - col + 1
                if (r, col) in conditions:
                    attrs["contentvalidationname"] = inputs[(r, col)]
                    style = self.changing_cell(r, conditions[r, col],
                                               _address(name, r, col).replace("$", ""))
                elif (r, col) in inputs:
                    attrs["contentvalidationname"] = inputs[(r, col)]
                    style = self.cell(fill=_rgb(INPUT_FILL), border=True, unlocked=True)
                else:
                    style = self._drawn_style(drawn.style, col)
                row.addElement(_text_cell(drawn.cells.get(col), stylename=style, **attrs))
            if r == HEADER_ROWS:  # the heading row, repeated on every printed page
                header_rows = TableHeaderRows()
                header_rows.addElement(row)
                table.addElement(header_rows)
            else:
                table.addElement(row)
        if conditions:
            table.addElement(_conditional_formats(name, conditions), check_grammar=False)
        return table

    def _drawn_style(self, style: str, col: int) -> str:
        if style == "sheet-title":
            return self.cell(size=14, bold=True)
        fill = FILLS.get(style)
        return self.cell(size=KEY_POINTS if col == 1 else CELL_POINTS,
                         grey=col == 1 and style != "note",
                         bold=style in ("header", "goal", "initiative"),
                         fill=_rgb(fill) if fill else None, border=fill is not None)


def _master_page(doc: OpenDocumentSpreadsheet, department: str, name: str = "Report",
                 pages_high: int = 0) -> MasterPage:
    """The page style ``name`` of the printed sheets, as the .xlsx's page setup prints: A4
    landscape, one page wide and ``pages_high`` pages high (0: as many as it takes), the
    margins of :data:`~consolidator.templates.writer.PAGE_MARGINS`, no header, and the footer
    "<department>      n / N" (page n of the N pages of the document).

    The header and the footer are spelled out as Calc writes them: the header off, and each
    one's height and distance from the body (``style:header-footer-properties``). Without them
    Calc turns the header on and gives both the page's own size and margins (297 mm high,
    20 mm from the body); printed as generated, the footer is missing, and once Calc has saved
    the file (``<style:header/>``, empty ``style:header-style`` and ``style:footer-style``)
    every sheet prints as one page holding the footer only.

    The margins in Calc's terms, as Calc converts an .xlsx's: the page's top margin is where
    the body starts (no header); its bottom margin is where the footer ends, the footer's
    distance from the paper's edge; the footer's height (in Calc, with its distance from the
    body) fills up to the body's bottom margin, its line (11 pt) at its bottom."""
    m = {side: f"{inches:g}in" for side, inches in PAGE_MARGINS.items()}
    footer_height = PAGE_MARGINS["bottom"] - PAGE_MARGINS["footer"]
    layout = PageLayout(name=f"A4Landscape{pages_high or ''}")
    layout.addElement(PageLayoutProperties(
        pagewidth="29.7cm", pageheight="21cm", printorientation="landscape",
        scaletox="1", scaletoy=str(pages_high), margintop=m["top"], marginbottom=m["footer"],
        firstpagenumber="continue",  # else Calc numbers anew from the cover's page style on
        marginleft=m["left"], marginright=m["right"]))
    for part, height, distance in (
            (HeaderStyle, "0.75cm", {"marginbottom": "0.25cm"}),  # Calc's own (off)
            (FooterStyle, f"{footer_height:g}in",
             {"margintop": f"{footer_height - FOOTER_LINE / 72:.4f}in"})):
        style = part()
        style.addElement(HeaderFooterProperties(minheight=height, marginleft="0cm",
                                                marginright="0cm", **distance))
        layout.addElement(style)
    doc.automaticstyles.addElement(layout)
    page = MasterPage(name=name, pagelayoutname=layout)
    page.addElement(Header(display="false"))
    footer = Footer()
    left, right = RegionLeft(), RegionRight()
    left.addElement(P(text=department))
    number = P()
    number.addElement(PageNumber(selectpage="current", text="1"))
    number.addText(" / ")
    number.addElement(PageCount(text="1"))
    right.addElement(number)
    footer.addElement(left)
    footer.addElement(right)
    page.addElement(footer)
    doc.masterstyles.addElement(page)
    return page


def _cell_properties(*, size: float = 10, bold: bool = False, grey: bool = False,
                     fill: str | None = None, border: bool = False, unlocked: bool = False
                     ) -> tuple[Element, ...]:
    """The properties of a cell style: wrapped, top, protected unless ``unlocked``."""
    cell_props: dict[str, str] = {"wrapoption": "wrap", "verticalalign": "top",
                                  "cellprotect": "none" if unlocked else "protected"}
    if fill:
        cell_props["backgroundcolor"] = f"#{fill.lower()}"
    if border:
        cell_props["border"] = BORDER
    text = {"fontname": FONT, "fontnameasian": FONT, "fontsize": f"{size}pt",
            "fontsizeasian": f"{size}pt", "fontweight": "bold" if bold else "normal",
            "fontweightasian": "bold" if bold else "normal"}
    if grey:
        text["color"] = "#808080"
    return (TableCellProperties(**cell_props), ParagraphProperties(), TextProperties(**text))


def _rgb(fill: Any) -> str:
    return str(fill.fgColor.rgb)[-6:]


def _text_cell(value: str | None, **attrs: Any) -> TableCell:
    """A cell holding ``value`` as text (one paragraph per line; never a formula)."""
    if value is None:
        return TableCell(**attrs)
    cell = TableCell(valuetype="string", **attrs)
    for line in value.split("\n"):
        cell.addElement(P(text=line))
    return cell


def _change_conditions(t: TemplateModel) -> dict[tuple[int, int], tuple[str, str]]:
    """(row, col) of each 増減の理由 cell with a change check → its two conditions in ODF
    formula syntax (not explained yet, explained)."""
    out = {}
    for value_field, f, rule in change_cells(t):
        value = f"[.${col_letters(value_field.col)}{f.row}]"
        here = f"[.${col_letters(f.col)}{f.row}]"
        out[f.row, f.col] = tuple(far_condition(rule, value, here, explained=explained, sep=";")
                                  for explained in (False, True))
    return out  # type: ignore[return-value]


def _conditional_formats(sheet: str, conditions: dict[tuple[int, int], tuple[str, str]]
                         ) -> Element:
    """``calcext:conditional-formats`` of a sheet: one format per cell, as Calc writes it."""
    formats = Element(qname=(CALCEXT, "conditional-formats"))
    for (row, col), pair in conditions.items():
        here = _address(sheet, row, col).replace("$", "")
        one = Element(qname=(CALCEXT, "conditional-format"),
                      qattributes={(CALCEXT, "target-range-address"): f"{here}:{here}"})
        for (style_name, _), condition in zip(CHANGE_STYLES, pair, strict=True):
            one.addElement(Element(qname=(CALCEXT, "condition"), qattributes={
                (CALCEXT, "apply-style-name"): style_name,
                (CALCEXT, "value"): f"formula-is({condition})",
                (CALCEXT, "base-cell-address"): here}), check_grammar=False)
        formats.addElement(one, check_grammar=False)
    return formats


def _validation(name: str, kind: str, percent: bool, max_length: int | None, role: str,
                f: Field) -> ContentValidation:
    t = TEMPLATE_TEXT
    if kind == "number":
        if percent:
            condition = "of:cell-content-is-decimal-number() and cell-content-is-between(0,100)"
            prompt, error = t["number-percent-prompt"], t["number-percent-error"]
        else:
            condition = "of:cell-content-is-decimal-number() and cell-content()>=0"
            prompt, error = t["number-prompt"], t["number-error"]
    elif kind == "choice":
        condition = "of:cell-content-is-in-list(" + ";".join(
            f'"{c}"' for c in REASON_CHOICES) + ")"
        prompt, error = t["choice-prompt"], t["choice-error"]
    else:
        condition = f"of:cell-content-text-length()<={max_length}"
        prompt = fill(t[prompt_key(role)], limit=max_length)
        error = fill(t["text-error"], limit=max_length)
    rule = ContentValidation(name=name, condition=condition, allowemptycell="true",
                             basecelladdress=_address(f.sheet, f.row, f.col),
                             **({"displaylist": "unsorted"} if kind == "choice" else {}))
    help_message = HelpMessage(title=t["prompt-title"], display="true")
    help_message.addElement(P(text=prompt))
    error_message = ErrorMessage(title=t["error-title"], messagetype="stop", display="true")
    error_message.addElement(P(text=error))
    rule.addElement(help_message)
    rule.addElement(error_message)
    return rule


def _cover(book: _Book, t: TemplateModel, deadline: str, contact: str) -> Table:
    lines = cover_lines(t, deadline, contact)
    table = Table(name=COVER_SHEET, stylename=book.table_style(False, pages_high=1),
                  protected="true")
    table.addElement(TableColumn(stylename=book.column(COVER_WIDTH)))
    for i, line in enumerate(lines, start=1):
        row = TableRow(stylename=book.row(row_height([(line, COVER_WIDTH - 5)],
                                                     points=14 if i == 1 else 11)))
        style = book.cell(size=14 if i == 1 else 11, bold=i == 1 or line.startswith("■"))
        row.addElement(_text_cell(line or None, stylename=style))
        table.addElement(row)
    return table


def _meta(book: _Book, identity: dict[str, str], fields: list[Field]) -> Table:
    table = Table(name=META_SHEET, stylename=book.table_style(True), protected="true")
    table.addElement(TableColumn(numbercolumnsrepeated=len(META_COLUMNS)))  # ODF needs one
    style = book.cell()
    rows: list[list[str | None]] = [[k, v] for k, v in identity.items()]
    rows.append([])
    rows.append(list(META_COLUMNS))
    for f in fields:
        attrs = {**f.__dict__, "defined_name": f.defined_name}
        rows.append([None if attrs.get(c) is None else str(attrs.get(c)) for c in META_COLUMNS])
    for cells in rows:
        row = TableRow()
        for value in cells or [None]:
            row.addElement(_text_cell(value, stylename=style))
        table.addElement(row)
    return table
