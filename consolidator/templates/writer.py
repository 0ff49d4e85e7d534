"""Drawing a department's template (:mod:`consolidator.templates.model`) as an .xlsx with openpyxl.

openpyxl rather than xlsxwriter here: it writes the ``imeMode`` of data validations (IME off
for number cells), which xlsxwriter cannot; a template is written once per department per year, so
its ~2x slower writing does not matter.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.formatting.rule import FormulaRule
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from consolidator.messages import TEMPLATE_TEXT, fill
from consolidator.table_sheets import floor_scale
from consolidator.templates.model import (
    COVER_SHEET,
    HEADER_ROWS,
    INDICATOR_LAYOUT,
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
from consolidator.text_layout import FONT, row_height

INPUT_FILL = PatternFill("solid", fgColor="FFF4CC")
REFERENCE_FILL = PatternFill("solid", fgColor="F2F2F2")
HEADER_FILL = PatternFill("solid", fgColor="D9E2F3")
GOAL_FILL = PatternFill("solid", fgColor="DDEBF7")
INITIATIVE_FILL = PatternFill("solid", fgColor="BDD7EE")
# The conditional colours of a 増減の理由 cell: the value is far off and not explained yet /
# explained (neither is a colour of the correction loop's highlights).
EXPLAIN_FILL = PatternFill("solid", fgColor="F8CBAD", bgColor="F8CBAD")
EXPLAINED_FILL = PatternFill("solid", fgColor="C6EFCE", bgColor="C6EFCE")
THIN = Side(style="thin", color="A6A6A6")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
LOCKED = Protection(locked=True)
UNLOCKED = Protection(locked=False)

# The input sheets' text size: column A (the ids, grey) and the other columns, in points.
KEY_POINTS, CELL_POINTS = 9, 10
# The column widths fit A4 landscape (one page wide) at PRINT_FLOOR_SCALE or more, so that the
# smallest cell text (KEY_POINTS, column A) prints at FLOOR_POINTS (8 pt) or more (issue 24).
PRINT_FLOOR_SCALE = floor_scale(KEY_POINTS)  # 89 %
TEXT_WIDTHS = {1: 13, 2: 14, 3: 24, 4: 70}
INDICATOR_WIDTHS = {n: width for n, (_, width) in enumerate(INDICATOR_LAYOUT, start=1)}
# The page margins of the printed sheets, in inches (Excel's terms: ``header`` and ``footer``
# are the distances of the header and the footer from the edge of the paper): Excel's
# defaults, but narrow at the sides. The .ods draws its page style from them.
PAGE_MARGINS = {"left": 0.4, "right": 0.4, "top": 1.0, "bottom": 1.0, "header": 0.5,
                "footer": 0.5}


def write_template(t: TemplateModel, path: Path, *, deadline: str, contact: str,
                   generated_at: str, tool_version: str) -> None:
    """Draw ``t`` as an .xlsx at ``path``: the cover (記入要領), the two input sheets with
    their input cells unlocked, validated and named ``F_<field id>``, the reference texts
    named ``R_<id>``, and the identity (hidden sheet ``_meta`` and custom properties)."""
    wb = Workbook()
    cover = wb.active
    assert cover is not None
    cover.title = COVER_SHEET
    identity = t.identity(generated_at, tool_version, *cover_request(deadline, contact))
    _cover(cover, t, deadline, contact)
    text_ws = wb.create_sheet(TEXT_SHEET)
    _rows(text_ws, t.text_rows, TEXT_WIDTHS, merge_to=4)
    ind_ws = wb.create_sheet(INDICATOR_SHEET)
    _rows(ind_ws, t.indicator_rows, INDICATOR_WIDTHS, merge_to=len(INDICATOR_WIDTHS))
    for col in t.empty_history_columns():
        ind_ws.column_dimensions[get_column_letter(col)].hidden = True
    for f in t.fields:
        _input_cell((text_ws if f.sheet == TEXT_SHEET else ind_ws).cell(row=f.row, column=f.col))
    _validations(text_ws, [f for f in t.fields if f.sheet == TEXT_SHEET])
    _validations(ind_ws, [f for f in t.fields if f.sheet == INDICATOR_SHEET])
    _change_formats(ind_ws, t)
    for f in t.fields:
        _name(wb, f.defined_name, f.sheet, f.row, f.col)
    for r in t.references:
        _name(wb, r.defined_name, r.sheet, r.row, r.col)
    for ws in (cover, text_ws, ind_ws):
        _page_setup(ws, t.department, pages_high=1 if ws is cover else 0)
    last = get_column_letter(len(INDICATOR_WIDTHS))
    ind_ws.auto_filter.ref = f"A3:{last}{max(3, len(t.indicator_rows))}"
    _meta(wb.create_sheet(META_SHEET), identity, t.fields)
    for key, value in identity.items():
        wb.custom_doc_props.append(StringProperty(name=f"consolidator.{key}", value=value))
    wb.properties.title = f"{t.department} {year_labels(t.year)['status']}"
    wb.properties.creator = "consolidator"
    wb.active = 1
    wb.save(path)


def _text(cell: Cell, value: str | None) -> None:
    """Write text as text: never let a leading '=' turn it into a formula."""
    cell.value = value
    if value is not None:
        cell.data_type = "s"


def cover_request(deadline: str, contact: str) -> tuple[str, str]:
    """The deadline and the contact as the cover shows them (defaults when not given)."""
    return (deadline or TEMPLATE_TEXT["default-deadline"],
            contact or TEMPLATE_TEXT["default-contact"])


def cover_lines(t: TemplateModel, deadline: str, contact: str) -> list[str]:
    """The lines of the cover (記入要領), the same in .xlsx and .ods. Only a template with
    categorised fields (市社協's) explains the categories 【独自】【受託】【補助】."""
    labels = year_labels(t.year)
    deadline, contact = cover_request(deadline, contact)
    categories = TEMPLATE_TEXT["cover-categories"] if any(f.category for f in t.fields) else ""
    return fill(TEMPLATE_TEXT["cover"], department=t.department, status=labels["status"],
                plan=labels["plan"], value=labels["value"], deadline=deadline,
                contact=contact, categories=categories).split("\n")


def _cover(ws: Worksheet, t: TemplateModel, deadline: str, contact: str) -> None:
    lines = cover_lines(t, deadline, contact)
    ws.column_dimensions["A"].width = 110
    for i, line in enumerate(lines, start=1):
        cell = ws.cell(row=i, column=1)
        _text(cell, line)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.font = Font(name=FONT, size=14 if i == 1 else 11, bold=i == 1 or line.startswith("■"))
        cell.protection = LOCKED
        ws.row_dimensions[i].height = row_height([(line, 105)], points=14 if i == 1 else 11)
    ws.protection.sheet = True


def _rows(ws: Worksheet, rows: list[Row], widths: dict[int, int], merge_to: int) -> None:
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = width
    for r, row in enumerate(rows, start=1):
        for col, value in row.cells.items():
            cell = ws.cell(row=r, column=col)
            _text(cell, value)
            _style(cell, row.style, col)
        if row.style in ("goal", "initiative"):
            for col in range(3, merge_to + 1):
                _style(ws.cell(row=r, column=col), row.style, col)
            ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=merge_to)
        if row.style in ("sheet-title", "note"):
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=merge_to)
        ws.row_dimensions[r].height = _height(row, widths)
    ws.freeze_panes = "A4"
    ws.protection.sheet = True
    ws.protection.formatRows = False
    ws.protection.formatColumns = False
    ws.protection.sort = False
    ws.protection.autoFilter = False
    ws.protection.insertRows = False
    ws.print_title_rows = f"{HEADER_ROWS}:{HEADER_ROWS}"  # the heading row, on every page


def _style(cell: Cell, style: str, col: int) -> None:
    cell.font = Font(name=FONT, size=KEY_POINTS if col == 1 else CELL_POINTS,
                     bold=style in ("sheet-title", "header", "goal", "initiative"),
                     color="808080" if col == 1 and style not in ("sheet-title", "note") else None)
    if style == "sheet-title":
        cell.font = Font(name=FONT, size=14, bold=True)
    cell.alignment = WRAP
    cell.protection = LOCKED
    fills = {"header": HEADER_FILL, "goal": GOAL_FILL, "initiative": INITIATIVE_FILL,
             "reference": REFERENCE_FILL, "indicator": REFERENCE_FILL, "input": REFERENCE_FILL}
    if style in fills:
        cell.fill = fills[style]
        cell.border = BORDER


def _input_cell(cell: Cell) -> None:
    cell.fill = INPUT_FILL
    cell.border = BORDER
    cell.protection = UNLOCKED
    cell.alignment = WRAP
    cell.font = Font(name=FONT, size=10)


def _height(row: Row, widths: dict[int, int]) -> float:
    merged = row.style in ("goal", "initiative", "note", "sheet-title")
    cells = [(str(text), sum(w for c, w in widths.items() if c >= col) if merged
              else widths.get(col, 10)) for col, text in row.cells.items()]
    return row_height(cells, min_lines=4 if row.style == "input" else 1)


def _change_formats(ws: Worksheet, t: TemplateModel) -> None:
    """The conditional formats of the 増減の理由 cells: coloured while the value is far from
    last year's actual or the target (see :mod:`consolidator.plan.change_rule`), orange until
    explained, green after. The condition is in the format; no cell holds a formula."""
    for value_field, f, rule in change_cells(t):
        value = f"${get_column_letter(value_field.col)}{f.row}"
        here = f"${get_column_letter(f.col)}{f.row}"
        for explained, colour in ((False, EXPLAIN_FILL), (True, EXPLAINED_FILL)):
            formula = far_condition(rule, value, here, explained=explained)
            ws.conditional_formatting.add(here.replace("$", ""), FormulaRule(
                formula=[formula], fill=colour, stopIfTrue=True))


def _validations(ws: Worksheet, fields: list[Field]) -> None:
    groups: dict[tuple[Any, ...], list[Field]] = {}
    for f in fields:
        groups.setdefault(validation_key(f), []).append(f)
    for (kind, percent, max_length, role), members in groups.items():
        dv = _validation(kind, percent, max_length, role)
        for f in members:
            dv.add(f"{get_column_letter(f.col)}{f.row}")
        ws.add_data_validation(dv)


def _validation(kind: str, percent: bool, max_length: int | None, role: str = ""
                ) -> DataValidation:
    t = TEMPLATE_TEXT
    if kind == "number":
        if percent:
            dv = DataValidation(type="decimal", operator="between", formula1="0", formula2="100")
            prompt, error = t["number-percent-prompt"], t["number-percent-error"]
        else:
            dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0")
            prompt, error = t["number-prompt"], t["number-error"]
        dv.imeMode = "off"
    elif kind == "choice":
        dv = DataValidation(type="list", formula1='"' + ",".join(REASON_CHOICES) + '"')
        prompt, error = t["choice-prompt"], t["choice-error"]
    else:
        dv = DataValidation(type="textLength", operator="lessThanOrEqual", formula1=str(max_length))
        prompt = fill(t[prompt_key(role)], limit=max_length)
        error = fill(t["text-error"], limit=max_length)
        dv.imeMode = "hiragana"
    dv.allow_blank = True
    dv.showInputMessage = True
    dv.showErrorMessage = True
    dv.errorStyle = "stop"
    dv.promptTitle = t["prompt-title"]
    dv.prompt = prompt
    dv.errorTitle = t["error-title"]
    dv.error = error
    return dv


def _name(wb: Workbook, name: str, sheet: str, row: int, col: int) -> None:
    ref = f"{quote_sheetname(sheet)}!${get_column_letter(col)}${row}"
    wb.defined_names[name] = DefinedName(name, attr_text=ref)


def _page_setup(ws: Worksheet, department: str, pages_high: int = 0) -> None:
    """A4 landscape, one page wide (the column widths fit it at :data:`PRINT_FLOOR_SCALE` or
    more, so the text prints at 8 pt or more), ``pages_high`` pages high (0: as many as it
    takes; the cover: 1)."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = pages_high
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddFooter.left.text = department
    ws.oddFooter.right.text = "&P / &N"
    ws.page_margins = PageMargins(**PAGE_MARGINS)


def _meta(ws: Worksheet, identity: dict[str, str], fields: list[Field]) -> None:
    ws.sheet_state = "veryHidden"
    r = 1
    for key, value in identity.items():
        _text(ws.cell(row=r, column=1), key)
        _text(ws.cell(row=r, column=2), value)
        r += 1
    r += 1
    for c, name in enumerate(META_COLUMNS, start=1):
        _text(ws.cell(row=r, column=c), name)
    for f in fields:
        r += 1
        values = {**f.__dict__, "defined_name": f.defined_name}
        for c, name in enumerate(META_COLUMNS, start=1):
            v = values.get(name)
            _text(ws.cell(row=r, column=c), None if v is None else str(v))
    ws.protection.sheet = True
