"""Writing the master report workbook (the next edition of the report) with xlsxwriter.

Sheets: 概要 (achievement per 基本目標, with a native chart), one report sheet per 基本目標
laid out like the published report, 指標一覧, 未入力一覧, 提出状況 and 検証ログ. Department
text is always written as a string (see :mod:`consolidator.cell_text`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from consolidator.cell_text import XLSX_OPTIONS
from consolidator.checks.log import (
    SUMMARY_HEADER,
    SUMMARY_WIDTHS,
    add_log_sheet,
    add_table_sheet,
    sorted_findings,
    summary_row,
    write_cell,
)
from consolidator.japanese_values import wareki
from consolidator.messages import MASTER_TEXT
from consolidator.plan.catalog import CITY, COUNCIL
from consolidator.report.merge import (
    JUDGEMENTS,
    NOT_REPORTED,
    Consolidated,
    InitiativeResult,
    MeasureResult,
    TextRow,
)
from consolidator.text_layout import row_height

INDICATOR_HEADER = ("取組みID", "基本目標", "活動目標", "取組み", "指標ID", "指標", "担当", "目標",
                    "目標値", "単位", "目標年度", "前年度実績", "実績値", "未記入理由", "達成率",
                    "判定", "出典")
INDICATOR_WIDTHS = (9, 24, 24, 28, 11, 36, 14, 22, 8, 8, 8, 10, 10, 12, 8, 9, 40)
MISSING_HEADER = ("担当", "取組みID", "取組み", "指標ID", "指標", "未記入理由", "コード")
MISSING_WIDTHS = (14, 9, 30, 11, 40, 14, 30)
REPORT_WIDTHS = (12, 16, 72, 44)
NOT_REPORTED_TEXT = "未報告"


def format_number(v: int | float) -> str:
    """54604 → 54,604; 57.5 → 57.5 (Python's shortest float form, with separators)."""
    if isinstance(v, int) or float(v).is_integer():
        return f"{int(v):,}"
    return f"{v:,}"


def actual_text(m: MeasureResult) -> str:
    """An indicator's value as the report writes it:
    「推進協議会への社会福祉法人の加入率 61.2%」."""
    if m.value is not None:
        return f"{m.measure.name} {format_number(m.value)}{m.measure.unit or ''}"
    if m.reason:
        extra = f"({m.reason_text})" if m.reason_text else ""
        return f"{m.measure.name} {m.reason}{extra}"
    return f"{m.measure.name} {NOT_REPORTED_TEXT}"


class _Formats:
    def __init__(self, wb: Any) -> None:
        base = {"font_name": "游ゴシック", "font_size": 10, "text_wrap": True, "valign": "top"}
        box = {**base, "border": 1, "border_color": "#A6A6A6"}
        self.title = wb.add_format({**base, "bold": True, "font_size": 14, "text_wrap": False})
        self.goal = wb.add_format({**base, "bold": True, "font_size": 12})
        self.initiative = wb.add_format({**base, "bold": True, "font_size": 12,
                                         "bg_color": "#BDD7EE"})
        self.block = wb.add_format({**base, "bold": True})
        self.header = wb.add_format({**box, "bold": True, "bg_color": "#D9E2F3"})
        self.cell = wb.add_format(box)
        self.missing = wb.add_format({**box, "bg_color": "#FFC7CE", "font_color": "#9C0006"})
        self.flagged = wb.add_format({**box, "bg_color": "#FFEB9C"})
        self.percent = wb.add_format({**base, "num_format": "0.0%"})
        self.number = wb.add_format({**base, "num_format": "#,##0.###"})
        self.plain = wb.add_format(base)


def write_master(path: Path, c: Consolidated) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), XLSX_OPTIONS)
    try:
        fmt = _Formats(wb)
        _overview(wb, fmt, c)
        for goal in c.catalog.goals:
            inis = [i for i in c.initiatives if i.initiative.goal is goal]
            _report_sheet(wb, fmt, c, goal, inis)
        _indicator_sheet(wb, fmt, c)
        add_table_sheet(wb, "未入力一覧", MISSING_HEADER, _missing_rows(c), MISSING_WIDTHS)
        add_table_sheet(wb, "提出状況", SUMMARY_HEADER,
                        [summary_row(r) for r in c.validation.unit_rows()], SUMMARY_WIDTHS)
        add_log_sheet(wb, "検証ログ", sorted_findings(list(c.validation.findings)))
        wb.set_properties({"title": _title(c), "author": "consolidator"})
    finally:
        wb.close()


def _title(c: Consolidated) -> str:
    return (f"{c.catalog.plan['name']}実施状況報告({wareki(c.year)}度実施状況・"
            f"{wareki(c.year + 1)}度実施予定)")


# ---- 概要 ------------------------------------------------------------------------------------

def _overview(wb: Any, fmt: _Formats, c: Consolidated) -> None:
    ws = wb.add_worksheet("概要")
    ws.set_column(0, 0, 40)
    ws.set_column(1, 5, 11)
    ws.write_string(0, 0, _title(c), fmt.title)
    rows = c.validation.unit_rows()
    received = sum(1 for r in rows if r["received"])
    ws.write_string(2, 0, f"提出 {received} / {len(rows)} 担当、エラー "
                          f"{c.validation.findings.count('error')} 件、警告 "
                          f"{c.validation.findings.count('warning')} 件", fmt.plain)
    header = ("基本目標",) + JUDGEMENTS
    for col, h in enumerate(header):
        ws.write_string(4, col, h, fmt.header)
    for r, goal in enumerate(c.catalog.goals, start=5):
        measures = [m for i in c.initiatives if i.initiative.goal is goal for m in i.measures]
        ws.write_string(r, 0, f"基本目標{goal['number']} {goal['title']}", fmt.cell)
        for col, j in enumerate(JUDGEMENTS, start=1):
            ws.write_number(r, col, sum(1 for m in measures if m.judgement == j), fmt.cell)
    last = 4 + len(c.catalog.goals)
    legend = last + 2
    for k, (key, f) in enumerate((("legend-missing", fmt.missing),
                                  ("legend-flagged", fmt.flagged), ("legend-rule", fmt.plain))):
        ws.merge_range(legend + k, 0, legend + k, len(JUDGEMENTS), MASTER_TEXT[key], f)
    chart = wb.add_chart({"type": "bar", "subtype": "stacked"})
    colors = ("#70AD47", "#ED7D31", "#FF5B5B", "#A5A5A5")
    for col, color in enumerate(colors, start=1):
        chart.add_series({"name": ["概要", 4, col], "categories": ["概要", 5, 0, last, 0],
                          "values": ["概要", 5, col, last, col], "fill": {"color": color}})
    chart.set_title({"name": "基本目標ごとの指標の達成状況"})
    chart.set_x_axis({"name": "指標の数"})
    chart.set_y_axis({"reverse": True})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 760, "height": 320})
    ws.insert_chart(legend + 4, 0, chart)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)


# ---- report sheets ---------------------------------------------------------------------------

def _report_sheet(wb: Any, fmt: _Formats, c: Consolidated, goal: dict[str, Any],
                  inis: list[InitiativeResult]) -> None:
    ws = wb.add_worksheet(f"基本目標{goal['number']}")
    for col, w in enumerate(REPORT_WIDTHS):
        ws.set_column(col, col, w)
    ws.write_string(0, 0, f"基本目標{goal['number']} {goal['title']}", fmt.title)
    row = 2
    breaks = []
    for k, ini in enumerate(inis):
        if k:
            breaks.append(row)
        row = _initiative_block(ws, fmt, c, ini, row)
        row += 1
    ws.set_h_pagebreaks(breaks)
    ws.repeat_rows(0)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.set_footer(f"&L{goal['title']}&R&P / &N")


def _merged(ws: Any, row: int, text: str, f: Any) -> None:
    ws.merge_range(row, 0, row, len(REPORT_WIDTHS) - 1, "", f)
    write_cell(ws, row, 0, text, f)


def _initiative_block(ws: Any, fmt: _Formats, c: Consolidated, ir: InitiativeResult,
                      row: int) -> int:
    ini = ir.initiative
    _merged(ws, row, f"活動目標{ini.activity['number']} {ini.activity['title']}", fmt.goal)
    _merged(ws, row + 1, f"{ini.label} {ini.title}", fmt.initiative)
    row += 3
    ws.write_string(row, 0, "■計画", fmt.block)
    row += 1
    for col, h in enumerate(("組織", "", "活動目標の実現に向けた取り組み", "主な活動指標等")):
        ws.write_string(row, col, h, fmt.header)
    row += 1
    for org in (COUNCIL, CITY):
        actions = [a for a in ini.data["actions"] if a["organisation"] == org]
        indicators = [i for i in ini.data["indicators"] if i["organisation"] == org]
        if not actions and not indicators:
            continue
        cells = [org, "", "\n".join(_action_line(a) for a in actions),
                 "\n".join(f"・{i['name']} {i['target']['text']}".rstrip() for i in indicators)]
        for col, v in enumerate(cells):
            write_cell(ws, row, col, v, fmt.cell)
        _fit(ws, row, cells)
        row += 1
    row += 1
    ws.write_string(row, 0, f"■{wareki(c.year)}度実績", fmt.block)
    row += 1
    for col, h in enumerate(("区分", "担当", f"{wareki(c.year)}度実施状況",
                             f"{wareki(c.year)}度実績値")):
        ws.write_string(row, col, h, fmt.header)
    row += 1
    shown_values: set[str] = set()
    for tr in ir.status:
        owned = [m for m in ir.measures if m.measure.owner == tr.unit
                 and m.measure.id not in shown_values]
        shown_values.update(m.measure.id for m in owned)
        row = _text_row(ws, fmt, tr, row, owned)
    orphans = [m for m in ir.measures if m.measure.id not in shown_values]
    if orphans:  # owners that are not reporters of the initiative
        row = _text_row(ws, fmt, TextRow(orphans[0].measure.owner, None, None, None, False),
                        row, orphans)
    row += 1
    ws.write_string(row, 0, f"■{wareki(c.year + 1)}度予定", fmt.block)
    row += 1
    for col, h in enumerate(("区分", "担当", f"{wareki(c.year + 1)}度実施予定", "")):
        ws.write_string(row, col, h, fmt.header)
    row += 1
    for tr in ir.plans:
        row = _text_row(ws, fmt, tr, row, None)
    glossary = ini.data.get("glossary", [])
    if glossary:
        row += 1
        for col, h in enumerate(("用語", "", "説明", "")):
            ws.write_string(row, col, h, fmt.header)
        row += 1
        for term in glossary:
            ws.merge_range(row, 0, row, 1, "", fmt.cell)
            write_cell(ws, row, 0, term["term"], fmt.cell)
            ws.merge_range(row, 2, row, 3, "", fmt.cell)
            write_cell(ws, row, 2, term["description"], fmt.cell)
            ws.set_row(row, row_height([(term["term"], sum(REPORT_WIDTHS[:2])),
                                        (term["description"], sum(REPORT_WIDTHS[2:]))]))
            row += 1
    return row


def _action_line(action: dict[str, Any]) -> str:
    new = "【新規】" if action.get("new") else ""
    return f"{action.get('label') or '・'}{action['text']}{new}"


def _text_row(ws: Any, fmt: _Formats, tr: TextRow, row: int,
              measures: list[MeasureResult] | None) -> int:
    org_label = COUNCIL if tr.unit == COUNCIL else CITY
    category = f"【{tr.category}】" if tr.category else tr.unit
    write_cell(ws, row, 0, org_label, fmt.cell)
    write_cell(ws, row, 1, category, fmt.cell)
    if tr.text is None:
        write_cell(ws, row, 2, NOT_REPORTED_TEXT, fmt.missing if tr.required else fmt.cell)
    else:
        write_cell(ws, row, 2, tr.text, fmt.flagged if tr.flagged else fmt.cell)
    values = ""
    if measures is not None:
        lines = ["・" + actual_text(m) for m in measures]
        values = "\n".join(lines)
        missing = any(m.value is None and not m.reason for m in measures)
        write_cell(ws, row, 3, "\n".join(lines),
                   fmt.missing if missing else fmt.flagged if any(m.flagged for m in measures)
                   else fmt.cell)
    else:
        write_cell(ws, row, 3, "", fmt.cell)
    _fit(ws, row, [org_label, category, tr.text or NOT_REPORTED_TEXT, values])
    return row + 1


def _fit(ws: Any, row: int, texts: list[str]) -> None:
    ws.set_row(row, row_height(zip(texts, REPORT_WIDTHS, strict=False)))


# ---- tables ------------------------------------------------------------------------------------

def indicator_rows(c: Consolidated) -> list[list[Any]]:
    rows = []
    for m in c.measures:
        mv = m.measure
        ini = mv.initiative
        prev = mv.previous_actual() if ini.previous.get("year") == c.year - 1 else None
        prev_value: Any = None
        if prev:
            prev_value = prev["value"] if prev.get("value") is not None else prev.get("reason")
        rows.append([
            ini.id, ini.goal["title"], ini.activity["title"], ini.title, mv.id, mv.name,
            mv.owner, mv.data.get("text") or mv.indicator["target"]["text"],
            m.target, mv.unit, mv.data.get("year"), prev_value, m.value,
            m.reason if m.value is None else None, m.achievement, m.judgement,
            str(m.source) if m.source else None,
        ])
    return rows


def _indicator_sheet(wb: Any, fmt: _Formats, c: Consolidated) -> None:
    rows = indicator_rows(c)
    ws = add_table_sheet(wb, "指標一覧", INDICATOR_HEADER, rows, INDICATOR_WIDTHS)
    pct_col = INDICATOR_HEADER.index("達成率")
    judge_col = INDICATOR_HEADER.index("判定")
    for r, row in enumerate(rows, start=1):
        if row[pct_col] is not None:
            ws.write_number(r, pct_col, row[pct_col], fmt.percent)
        if row[judge_col] == NOT_REPORTED:
            ws.write_string(r, judge_col, NOT_REPORTED, fmt.missing)


def _missing_rows(c: Consolidated) -> list[list[Any]]:
    rows = []
    submitted = set(c.validation.chosen)
    for m in c.missing():
        mv = m.measure
        if mv.owner not in submitted:
            code = "unit-missing"
        elif m.codes:
            code = ", ".join(m.codes)
        else:
            code = "value-missing"
        rows.append([mv.owner, mv.initiative.id, mv.initiative.title, mv.id, mv.name,
                     m.reason or "", code])
    return rows
