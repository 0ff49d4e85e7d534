"""Writing the master report workbook (the next edition of the report) with xlsxwriter.

Sheets: 概要 (achievement per 基本目標, with a native chart), one report sheet per 基本目標
laid out like the published report, 指標一覧 (with every past year's actual the catalog
carries), 推移 (:mod:`.trend_sheet`), 未入力一覧, 提出状況 and 検証ログ. Department text is
always written as a string (see :mod:`consolidator.table_sheets`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from consolidator.cell_text import XLSX_OPTIONS
from consolidator.colours import (
    ERROR_FILL,
    ERROR_FONT,
    GRID,
    HEADER_FILL,
    MISSING_CHART,
    MISSING_FILL,
    MISSING_FONT,
    css,
)
from consolidator.findings import ERROR, WARNING
from consolidator.japanese_values import format_number, wareki
from consolidator.messages import MASTER_TEXT, OUTPUT_TEXT, fill
from consolidator.messages.outputs import (
    INDICATOR_COLUMNS,
    JUDGEMENT_TEXT,
    MISSING_HEADER,
    PAST_EXPLANATION,
    PAST_YEAR_COLUMN,
)
from consolidator.plan.catalog import CITY, COUNCIL, action_line, indicator_line
from consolidator.report.merge import (
    JUDGEMENTS,
    NOT_REPORTED,
    Consolidated,
    InitiativeResult,
    MeasureResult,
    TextRow,
)
from consolidator.report.trend_sheet import add_trend_sheet, past_years
from consolidator.table_sheets import (
    FONT_POINTS,
    add_table_sheet,
    set_scaled_layout,
    write_cell,
)
from consolidator.text_layout import FONT, row_height
from consolidator.validation_log import add_log_sheet, add_summary_sheet, sorted_findings

# 指標一覧's columns when the catalog carries no past year (see indicator_header).
INDICATOR_HEADER = tuple(h for k, h in INDICATOR_COLUMNS.items() if k != "past_years")
# 指標一覧 and 未入力一覧 print at 8 pt or more on A4 landscape (table_sheets.set_print_layout):
# long texts wrap; the last column (出典, コード) is for machines and does not print. A past
# year's column is PAST_YEAR_WIDTH wide.
INDICATOR_WIDTHS = dict(zip(INDICATOR_COLUMNS, (6, 7, 8, 9, 7, 11, 7, 8, 6, 5, 5, 6, 8,
                                                6, 8, 7, 7, 6, 5, 40), strict=True))
PAST_YEAR_WIDTH = 6
MISSING_WIDTHS = (14, 9, 30, 11, 40, 14, 30)
# 基本目標N's columns fit A4 landscape one page wide at REPORT_POINTS's floor (80 %).
REPORT_WIDTHS = (10, 14, 68, 42)
REPORT_POINTS = 10  # the size of the report sheets' and 概要's smallest text
OVERVIEW_WIDTHS = (40, 14, 14, 14, 14)  # 概要: the 基本目標, then a column per judgement
TITLE_POINTS, HEADING_POINTS = 14, 12  # a sheet's title, a 活動目標's and a 取組み's heading
NOT_REPORTED_TEXT = MASTER_TEXT["not-reported"]


def actual_text(m: MeasureResult) -> str:
    """An indicator's value as the report writes it:
    「推進協議会への社会福祉法人の加入率 61.2%」; a value far off, with its explanation; a
    value whose warning the secretariat accepted, with the 承認理由."""
    accepted = fill(MASTER_TEXT["accepted"], text=accepted_text(m)) if m.accepted else ""
    if m.value is not None:
        why = fill(MASTER_TEXT["explanation"], text=m.explanation) if m.change_explained else ""
        return f"{m.measure.name} {format_number(m.value)}{m.measure.unit or ''}{why}{accepted}"
    if m.reason:
        return f"{m.measure.name} {m.reason_words}{accepted}"
    return f"{m.measure.name} {NOT_REPORTED_TEXT}{accepted}"


def accepted_text(m: MeasureResult) -> str | None:
    """The 承認理由 of the warnings on ``m`` the secretariat accepted (who, when), or None."""
    return OUTPUT_TEXT["list-separator"].join(m.accepted) or None


class _Formats:
    def __init__(self, wb: Any) -> None:
        base = {"font_name": FONT, "font_size": REPORT_POINTS, "text_wrap": True,
                "valign": "top"}
        box = {**base, "border": 1, "border_color": css(GRID)}
        title = {**base, "bold": True, "font_size": TITLE_POINTS}
        self.title = wb.add_format({**title, "text_wrap": False})
        self.wrapped_title = wb.add_format(title)
        self.goal = wb.add_format({**base, "bold": True, "font_size": HEADING_POINTS})
        self.initiative = wb.add_format({**base, "bold": True, "font_size": HEADING_POINTS,
                                         "bg_color": "#BDD7EE"})
        self.block = wb.add_format({**base, "bold": True})
        self.header = wb.add_format({**box, "bold": True, "bg_color": css(HEADER_FILL)})
        self.cell = wb.add_format(box)
        missing = {"bg_color": css(MISSING_FILL), "font_color": css(MISSING_FONT)}
        error = {"bg_color": css(ERROR_FILL), "font_color": css(ERROR_FONT)}
        self.missing = wb.add_format({**box, **missing})
        self.flagged = wb.add_format({**box, **error})
        self.number = wb.add_format({**base, "num_format": "#,##0.###"})
        self.plain = wb.add_format(base)
        # 指標一覧's own cells: the size of every table cell (table_sheets), not the sheets'
        table = {**base, "font_size": FONT_POINTS}
        self.table_percent = wb.add_format({**table, "num_format": "0.0%"})
        self.table_missing = wb.add_format({**table, **missing})


def write_master(path: Path, c: Consolidated) -> None:
    """Write the master workbook for ``c`` at ``path`` (the caller makes it atomic)."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), XLSX_OPTIONS)
    try:
        fmt = _Formats(wb)
        _overview(wb, fmt, c)
        for goal in c.catalog.goals:
            inis = [i for i in c.initiatives if i.initiative.goal is goal]
            _report_sheet(wb, fmt, c, goal, inis)
        _indicator_sheet(wb, fmt, c)
        add_trend_sheet(wb, c)
        add_table_sheet(wb, MASTER_TEXT["missing-sheet"], MISSING_HEADER, _missing_rows(c),
                        MISSING_WIDTHS, len(MISSING_HEADER) - 1)
        add_summary_sheet(wb, MASTER_TEXT["status-sheet"], c.validation.department_rows())
        add_log_sheet(wb, MASTER_TEXT["log-sheet"], sorted_findings(list(c.validation.findings)))
        wb.set_properties({"title": _title(c), "author": "consolidator"})
    finally:
        wb.close()


def _title(c: Consolidated) -> str:
    return fill(MASTER_TEXT["title"], plan=c.catalog.plan["name"], year=wareki(c.year),
                next_year=wareki(c.year + 1))


def _headers(ws: Any, row: int, key: str, fmt: Any, **values: Any) -> None:
    for col, h in enumerate(fill(MASTER_TEXT[key], **values).split("\t")):
        ws.write_string(row, col, h, fmt)


# ---- 概要 ------------------------------------------------------------------------------------

def _overview(wb: Any, fmt: _Formats, c: Consolidated) -> None:
    sheet = MASTER_TEXT["overview-sheet"]
    ws = wb.add_worksheet(sheet)
    for col, w in enumerate(OVERVIEW_WIDTHS):
        ws.set_column(col, col, w)
    ws.merge_range(0, 0, 0, len(OVERVIEW_WIDTHS) - 1, _title(c), fmt.wrapped_title)
    ws.set_row(0, row_height([(_title(c), sum(OVERVIEW_WIDTHS))], points=TITLE_POINTS))
    rows = c.validation.department_rows()
    received = sum(1 for r in rows if r["received"])
    ws.write_string(2, 0, fill(MASTER_TEXT["overview-counts"], received=received,
                               departments=len(rows),
                               errors=c.validation.findings.count(ERROR),
                               warnings=c.validation.findings.count(WARNING)), fmt.plain)
    header = (MASTER_TEXT["overview-goal-column"],) + tuple(JUDGEMENT_TEXT[j] for j in JUDGEMENTS)
    for col, h in enumerate(header):
        ws.write_string(4, col, h, fmt.header)
    for r, (goal, counts) in enumerate(c.judgement_counts(), start=5):
        ws.write_string(r, 0, _goal_title(goal), fmt.cell)
        for col, j in enumerate(JUDGEMENTS, start=1):
            ws.write_number(r, col, counts[j], fmt.cell)
    last = 4 + len(c.catalog.goals)
    legend = last + 2
    for k, (label, key, f) in enumerate((("legend-error-label", "legend-error", fmt.flagged),
                                         ("legend-missing-label", "legend-missing",
                                          fmt.missing))):
        ws.write_string(legend + k, 0, MASTER_TEXT[label], f)
        ws.merge_range(legend + k, 1, legend + k, len(JUDGEMENTS), MASTER_TEXT[key], fmt.plain)
        ws.set_row(legend + k, row_height([(MASTER_TEXT[key], sum(OVERVIEW_WIDTHS[1:]))]))
    rule = MASTER_TEXT["legend-rule"]
    ws.merge_range(legend + 2, 0, legend + 2, len(JUDGEMENTS), rule, fmt.plain)
    ws.set_row(legend + 2, row_height([(rule, sum(OVERVIEW_WIDTHS))]))
    chart = wb.add_chart({"type": "bar", "subtype": "stacked"})
    colors = ("#70AD47", "#ED7D31", css(MISSING_CHART), "#A5A5A5")  # 未報告 purple
    for col, color in enumerate(colors, start=1):
        chart.add_series({"name": [sheet, 4, col], "categories": [sheet, 5, 0, last, 0],
                          "values": [sheet, 5, col, last, col], "fill": {"color": color}})
    font = {"name": FONT, "size": REPORT_POINTS}
    chart.set_title({"name": MASTER_TEXT["chart-title"],
                     "name_font": {**font, "size": 12, "bold": True}})
    chart.set_x_axis({"name": MASTER_TEXT["chart-axis"], "name_font": font, "num_font": font})
    chart.set_y_axis({"reverse": True, "num_font": font})
    chart.set_legend({"position": "bottom", "font": font})
    # as wide as the printed columns (xlsxwriter: 7 pixels a width unit and 5 a column)
    chart.set_size({"width": sum(7 * w + 5 for w in OVERVIEW_WIDTHS), "height": 320})
    ws.insert_chart(legend + 4, 0, chart)
    set_scaled_layout(ws, OVERVIEW_WIDTHS, REPORT_POINTS)


def _goal_title(goal: dict[str, Any]) -> str:
    return fill(MASTER_TEXT["goal-title"], number=goal["number"], title=goal["title"])


# ---- report sheets ---------------------------------------------------------------------------

def _report_sheet(wb: Any, fmt: _Formats, c: Consolidated, goal: dict[str, Any],
                  inis: list[InitiativeResult]) -> None:
    ws = wb.add_worksheet(fill(MASTER_TEXT["goal-sheet"], number=goal["number"]))
    for col, w in enumerate(REPORT_WIDTHS):
        ws.set_column(col, col, w)
    ws.write_string(0, 0, _goal_title(goal), fmt.title)
    ws.set_row(0, row_height([], points=TITLE_POINTS))  # one line, not wrapped
    ws.write_string(1, 0, MASTER_TEXT["legend-error-label"], fmt.flagged)
    ws.write_string(1, 1, MASTER_TEXT["legend-missing-label"], fmt.missing)
    ws.merge_range(1, 2, 1, 3, MASTER_TEXT["legend-short"], fmt.plain)
    row = 3
    breaks = []
    for k, ini in enumerate(inis):
        if k:
            breaks.append(row)
        row = _initiative_block(ws, fmt, c, ini, row)
        row += 1
    ws.set_h_pagebreaks(breaks)
    ws.repeat_rows(0, 1)  # the title and the legend on every page
    set_scaled_layout(ws, REPORT_WIDTHS, REPORT_POINTS)
    ws.set_footer(f"&L{goal['title']}&R&P / &N")


def _merged(ws: Any, row: int, text: str, f: Any) -> None:
    """A heading across the report sheet's columns (HEADING_POINTS large)."""
    ws.merge_range(row, 0, row, len(REPORT_WIDTHS) - 1, "", f)
    write_cell(ws, row, 0, text, f)
    ws.set_row(row, row_height([(text, sum(REPORT_WIDTHS))], points=HEADING_POINTS))


def _initiative_block(ws: Any, fmt: _Formats, c: Consolidated, ir: InitiativeResult,
                      row: int) -> int:
    ini = ir.initiative
    _merged(ws, row, fill(MASTER_TEXT["activity-title"], number=ini.activity["number"],
                          title=ini.activity["title"]), fmt.goal)
    _merged(ws, row + 1, f"{ini.label} {ini.title}", fmt.initiative)
    row += 3
    ws.write_string(row, 0, MASTER_TEXT["plan-block"], fmt.block)
    row += 1
    _headers(ws, row, "plan-header", fmt.header)
    row += 1
    for org in (COUNCIL, CITY):
        actions = [a for a in ini.data["actions"] if a["organisation"] == org]
        indicators = [i for i in ini.data["indicators"] if i["organisation"] == org]
        if not actions and not indicators:
            continue
        cells = [org, "", "\n".join(action_line(a) for a in actions),
                 "\n".join(indicator_line(i) for i in indicators)]
        for col, v in enumerate(cells):
            write_cell(ws, row, col, v, fmt.cell)
        _fit(ws, row, cells)
        row += 1
    row += 1
    ws.write_string(row, 0, fill(MASTER_TEXT["results-block"], year=wareki(c.year)), fmt.block)
    row += 1
    _headers(ws, row, "results-header", fmt.header, year=wareki(c.year))
    row += 1
    shown_values: set[str] = set()
    for tr in ir.status:
        owned = [m for m in ir.measures if m.measure.owner == tr.department
                 and m.measure.id not in shown_values]
        shown_values.update(m.measure.id for m in owned)
        row = _text_row(ws, fmt, tr, row, owned)
    orphans = [m for m in ir.measures if m.measure.id not in shown_values]
    if orphans:  # owners that are not reporters of the initiative
        row = _text_row(ws, fmt, TextRow(orphans[0].measure.owner, None, None, None, False),
                        row, orphans)
    row += 1
    next_year = wareki(c.year + 1)
    ws.write_string(row, 0, fill(MASTER_TEXT["plans-block"], year=next_year), fmt.block)
    row += 1
    _headers(ws, row, "plans-header", fmt.header, year=next_year)
    row += 1
    for tr in ir.plans:
        row = _text_row(ws, fmt, tr, row, None)
    glossary = ini.data.get("glossary", [])
    if glossary:
        row += 1
        _headers(ws, row, "glossary-header", fmt.header)
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


def _text_row(ws: Any, fmt: _Formats, tr: TextRow, row: int,
              measures: list[MeasureResult] | None) -> int:
    org_label = COUNCIL if tr.department == COUNCIL else CITY
    category = (fill(MASTER_TEXT["category"], category=tr.category) if tr.category
                else tr.department)
    write_cell(ws, row, 0, org_label, fmt.cell)
    write_cell(ws, row, 1, category, fmt.cell)
    if tr.text is None:
        write_cell(ws, row, 2, NOT_REPORTED_TEXT, fmt.missing if tr.required else fmt.cell)
    else:
        write_cell(ws, row, 2, _marked(tr.text, tr.flagged), fmt.flagged if tr.flagged
                   else fmt.cell)
    values = ""
    if measures is not None:
        values = "\n".join(fill(MASTER_TEXT["bullet"], text=actual_text(m)) for m in measures)
        missing = any(m.value is None and not m.reason for m in measures)
        flagged = any(m.flagged for m in measures)  # an error says more than 未報告
        values = _marked(values, flagged)
        write_cell(ws, row, 3, values,
                   fmt.flagged if flagged else fmt.missing if missing else fmt.cell)
    else:
        write_cell(ws, row, 3, "", fmt.cell)
    _fit(ws, row, [org_label, category, _marked(tr.text or NOT_REPORTED_TEXT, tr.flagged),
                   values])
    return row + 1


def _marked(text: str, flagged: bool) -> str:
    """A cell's text with 【エラー】 in front when it is coloured as an error (the colour
    never says it alone)."""
    return MASTER_TEXT["error-marker"] + text if flagged else text


def _fit(ws: Any, row: int, texts: list[str]) -> None:
    ws.set_row(row, row_height(zip(texts, REPORT_WIDTHS, strict=False)))


# ---- tables ------------------------------------------------------------------------------------

def indicator_keys(c: Consolidated) -> list[str]:
    """指標一覧's column keys: those of INDICATOR_COLUMNS, with ``past_years`` expanded into
    one ``year-<western year>`` per past year the catalog carries an actual of, oldest first
    (a year without any would print as an empty column)."""
    years = [y for y in past_years(c) if any(m.measure.actual_of(y) for m in c.measures)]
    keys: list[str] = []
    for key in INDICATOR_COLUMNS:
        keys += [f"year-{y}" for y in years] if key == "past_years" else [key]
    return keys


def indicator_header(c: Consolidated) -> list[str]:
    """指標一覧's headings: a past year's column is headed 令和N年度実績."""
    return [fill(PAST_YEAR_COLUMN, year=wareki(int(k[5:]))) if k.startswith("year-")
            else INDICATOR_COLUMNS[k] for k in indicator_keys(c)]


def indicator_rows(c: Consolidated) -> list[list[Any]]:
    """指標一覧, one row per measure (columns: :func:`indicator_header`); a past year holds
    the value, or the reason given instead; 増減の理由 this year's explanation, 過去の増減の理由
    those the catalog carries from earlier years."""
    rows = []
    years = [int(k[5:]) for k in indicator_keys(c) if k.startswith("year-")]
    for m in c.measures:
        mv = m.measure
        ini = mv.initiative
        past = [_past_value(mv.actual_of(y)) for y in years]
        rows.append([
            ini.id, ini.goal["title"], ini.activity["title"], ini.title, mv.id, mv.name,
            mv.owner, mv.target_text,
            m.target, mv.unit, mv.data.get("year"), *past, _past_explanations(mv.history),
            m.value, m.explanation, accepted_text(m), m.reason if m.value is None else None,
            m.achievement,
            JUDGEMENT_TEXT[m.judgement],
            str(m.source) if m.source else None,
        ])
    return rows


def _past_explanations(history: list[dict[str, Any]]) -> str | None:
    """令和3年度:… per past year whose value the department explained, oldest first."""
    lines = [fill(PAST_EXPLANATION, year=wareki(h["year"]), text=h["explanation"])
             for h in history if h.get("explanation")]
    return "\n".join(lines) or None


def _past_value(actual: dict[str, Any] | None) -> Any:
    if not actual:
        return None
    return actual["value"] if actual.get("value") is not None else actual.get("reason")


def _indicator_sheet(wb: Any, fmt: _Formats, c: Consolidated) -> None:
    rows = indicator_rows(c)
    keys = indicator_keys(c)
    widths = tuple(INDICATOR_WIDTHS.get(k, PAST_YEAR_WIDTH) for k in keys)
    ws = add_table_sheet(wb, MASTER_TEXT["indicator-sheet"], tuple(indicator_header(c)), rows,
                         widths, len(keys) - 1)  # 出典 does not print
    ws.set_footer("&L" + MASTER_TEXT["indicator-legend"] + "&R&P / &N")  # on paper: 紫色 is 未報告
    pct_col = keys.index("achievement")
    judge_col = keys.index("judgement")
    for r, row in enumerate(rows, start=1):
        if row[pct_col] is not None:
            ws.write_number(r, pct_col, row[pct_col], fmt.table_percent)
        if row[judge_col] == JUDGEMENT_TEXT[NOT_REPORTED]:
            ws.write_string(r, judge_col, row[judge_col], fmt.table_missing)


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
