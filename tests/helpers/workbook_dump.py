"""A generated workbook as readable text, for the golden outputs (``tests/golden/``).

One block a sheet: its state, page set-up (paper, orientation, fit, scale, margins, print
titles and area, breaks), frozen panes, column widths and row heights that are set, merged
ranges, data validations, conditional formats, then every cell that holds a value or a style
that matters, one a line. A style (number format, bold, size, font colour, fill, alignment,
wrap, unlocked) is named once in the 書式 list at the end (``s1``, ``s2``… in the order first
met) and cells name it. Then the defined names and the document's custom properties. What
changes from run to run (the time of writing) is replaced by ``<時刻>`` (:func:`steady`), so a
dump changes only when an output does.

Read with openpyxl (styles included), as a person's Excel would show them.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

_TIMES = [
    re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?"),
    re.compile(r"\d{4}/\d{1,2}/\d{1,2}(?: \d{1,2}:\d{2}(?::\d{2})?)?"),
    re.compile(r"(?:令和|平成)\s*(?:\d+|元)年\s*\d{1,2}月\s*\d{1,2}日(?:\s*\d{1,2}(?:時|:)\d{2}分?)?"),
    re.compile(r"\d{4}年\d{1,2}月\d{1,2}日(?:\s*\d{1,2}(?:時|:)\d{2}分?)?"),
    re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?\b"),
]


def steady(text: str, keep: tuple[str, ...] = ()) -> str:
    """``text`` with every date and time of writing replaced by ``<時刻>``; dates that are
    the plan's content (a deadline, ``keep``) stay."""
    for pattern in _TIMES:
        text = pattern.sub(lambda m: m.group(0) if m.group(0) in keep else "<時刻>", text)
    return text


def dump_workbook(path: Path, keep: tuple[str, ...] = ()) -> str:
    """The workbook at ``path`` as text (see the module)."""
    wb = openpyxl.load_workbook(path, rich_text=False)
    styles: dict[str, str] = {}
    try:
        lines: list[str] = []
        for ws in wb.worksheets:
            lines += _sheet(ws, styles)
        lines.append("== 書式")
        lines += [f"{name} = {style}" for style, name in styles.items()]
        lines.append("== 名前の定義")
        for name in sorted(wb.defined_names):
            lines.append(f"{name} = {wb.defined_names[name].attr_text}")
        for ws in wb.worksheets:
            for name in sorted(ws.defined_names):
                lines.append(f"{ws.title}!{name} = {ws.defined_names[name].attr_text}")
        props = getattr(wb, "custom_doc_props", None)
        if props is not None and len(props):
            lines.append("== 文書のプロパティ")
            lines += [f"{p.name} = {p.value}" for p in sorted(props, key=lambda p: p.name)]
    finally:
        wb.close()
    return steady("\n".join(lines), keep) + "\n"


def _sheet(ws: Worksheet, styles: dict[str, str]) -> list[str]:
    out = [f"== シート {ws.title} ({ws.sheet_state})"]
    ps, pm = ws.page_setup, ws.page_margins
    fit = ws.sheet_properties.pageSetUpPr
    out.append(f"印刷: paper={ps.paperSize} orientation={ps.orientation} scale={ps.scale} "
               f"fitToPage={bool(fit and fit.fitToPage)} fitToWidth={ps.fitToWidth} "
               f"fitToHeight={ps.fitToHeight}")
    out.append(f"余白: left={pm.left} right={pm.right} top={pm.top} bottom={pm.bottom} "
               f"header={pm.header} footer={pm.footer}")
    out.append(f"印刷タイトル: rows={ws.print_title_rows} cols={ws.print_title_cols} "
               f"範囲={ws.print_area}")
    if ws.oddHeader.center.text or ws.oddFooter.center.text:
        out.append(f"ヘッダー/フッター: {ws.oddHeader.center.text!r} / "
                   f"{ws.oddFooter.center.text!r}")
    breaks = [b.id for b in ws.row_breaks.brk]
    if breaks:
        out.append(f"改ページ(行): {breaks}")
    if ws.freeze_panes:
        out.append(f"固定: {ws.freeze_panes}")
    if ws.protection.sheet:
        out.append("保護: あり")
    widths = {k: d.width for k, d in sorted(ws.column_dimensions.items()) if d.customWidth}
    hidden = [k for k, d in sorted(ws.column_dimensions.items()) if d.hidden]
    if widths:
        out.append("列幅: " + " ".join(f"{k}={_num(v)}" for k, v in widths.items()))
    if hidden:
        out.append(f"非表示の列: {hidden}")
    heights = {k: d.height for k, d in sorted(ws.row_dimensions.items()) if d.height}
    if heights:
        out.append("行高: " + " ".join(f"{k}={_num(v)}" for k, v in heights.items()))
    if ws.merged_cells.ranges:
        out.append("結合: " + " ".join(sorted(str(r) for r in ws.merged_cells.ranges)))
    for dv in ws.data_validations.dataValidation:
        out.append(f"入力規則: {dv.sqref} {dv.type} {dv.operator or ''} {dv.formula1!s} "
                   f"{dv.formula2 or ''} allow_blank={dv.allow_blank}")
    for rng in ws.conditional_formatting:
        for rule in rng.rules:
            fill = rule.dxf.fill.fgColor.rgb if rule.dxf and rule.dxf.fill else None
            out.append(f"条件付き書式: {rng.sqref} {rule.type} {rule.operator or ''} "
                       f"{rule.formula} fill={fill}")
    described: dict[tuple[int, ...], str] = {}
    # the cells the sheet holds, row by row (iter_rows would make an empty cell of every other
    # position of the used range first: a third of the time of a master's dump)
    for _, cell in sorted(ws._cells.items()):
        line = _cell(cell, styles, described)
        if line:
            out.append(line)
    return out


def _cell(cell: Cell, styles: dict[str, str], described: dict[tuple[int, ...], str]) -> str:
    # a cell's style is its style array (the ids of its font, fill, number format…): each
    # described once a sheet
    key = tuple(cell._style)
    if key not in described:
        described[key] = _style(cell)
    style = described[key]
    if cell.value is None and not style:
        return ""
    shown = "" if cell.value is None else _value(cell.value)
    if not style:
        return f"{cell.coordinate} {shown}"
    name = styles.setdefault(style, f"s{len(styles) + 1}")
    return f"{cell.coordinate} {shown}  [{name}]"


def _style(cell: Cell) -> str:
    style = []
    if cell.number_format != "General":
        style.append(f"書式={cell.number_format}")
    font = cell.font
    if font.b:
        style.append("太字")
    if font.sz and float(font.sz) != 11:
        style.append(f"{_num(font.sz)}pt")
    if font.color is not None and font.color.rgb not in (None, "FF000000") \
            and isinstance(font.color.rgb, str):
        style.append(f"文字色={font.color.rgb}")
    if cell.fill.fill_type == "solid":
        style.append(f"塗り={cell.fill.fgColor.rgb}")
    al = cell.alignment
    if al.horizontal:
        style.append(f"横={al.horizontal}")
    if al.vertical:
        style.append(f"縦={al.vertical}")
    if al.wrap_text:
        style.append("折返し")
    if cell.protection.locked is False:
        style.append("入力可")
    return " ".join(style)


def _value(v: Any) -> str:
    if isinstance(v, (datetime, date, time)):
        return "<時刻>"
    if isinstance(v, float):
        return _num(v)
    return repr(v) if isinstance(v, str) else str(v)


def _num(v: Any) -> str:
    f = float(v)
    return str(int(f)) if f.is_integer() else f"{f:.4g}"
