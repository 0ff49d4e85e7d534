"""The master's 推移 sheet: how each measure moved over the years, actual against target.

The years are every past year the catalog carries (each measure's history, see
:mod:`consolidator.report.next_plan`) and the year consolidated now. One native line chart
per measure that has a numeric actual in any of them (a chart per 基本目標 would mix units
and scales), grouped under their 基本目標, two to a row and four to a page; the numbers the
charts draw are the table below them, so the sheet reads on its own and prints on A4 with
its text (the charts' too) at 8 pt or more.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from consolidator.colours import HEADER_FILL, css
from consolidator.japanese_values import wareki
from consolidator.messages import MASTER_TEXT, fill
from consolidator.messages.outputs import TREND_TEXT
from consolidator.report.merge import Consolidated, MeasureResult
from consolidator.table_sheets import set_scaled_layout, write_cell
from consolidator.text_layout import FONT, row_height

# The columns: ID, 指標, 単位, then a column per year for 実績 and for 目標. The charts span
# the first PRINTED_COLUMNS (at least), so the sheet prints at one scale one page wide.
ID_WIDTH, NAME_WIDTH, UNIT_WIDTH, YEAR_WIDTH = 10, 34, 5, 8
PRINTED_COLUMNS = 12
POINTS = 10  # every text of the sheet and its charts but the title and the headings
TITLE_POINTS, HEADING_POINTS = 14, 12
CHART_GAP = 12  # pixels
CHARTS_PER_ROW = 2
ROWS_PER_PAGE = 2  # rows of charts on an A4 page (landscape, two charts wide)
CHART_HEIGHT = 300  # pixels
ROW_PIXELS = 20  # xlsxwriter's default row height
CHART_ROWS = (CHART_HEIGHT + CHART_GAP) // ROW_PIXELS + 1
TITLE_LENGTH = 34  # a longer measure name is cut in the chart's title (the table has it all)


def column_widths(n_years: int) -> list[int]:
    """The sheet's column widths: ID, 指標, 単位, 実績 and 目標 per year (``n_years``), and
    as many more as the charts span."""
    widths = [ID_WIDTH, NAME_WIDTH, UNIT_WIDTH, *[YEAR_WIDTH] * (2 * n_years)]
    return widths + [YEAR_WIDTH] * max(0, PRINTED_COLUMNS - len(widths))


def chart_width() -> int:
    """A chart's width in pixels: two side by side span the first PRINTED_COLUMNS (as
    xlsxwriter counts a column: 7 pixels a width unit and 5)."""
    span = sum(7 * w + 5 for w in column_widths(0)[:PRINTED_COLUMNS])
    return (span - CHART_GAP * (CHARTS_PER_ROW - 1)) // CHARTS_PER_ROW


# the target dark grey, not red: red means an error (consolidator.colours)
ACTUAL_COLOR, TARGET_COLOR = "#2F5597", "#595959"


def past_years(c: Consolidated) -> list[int]:
    """Every year before the consolidated one from the earliest the catalog carries, oldest
    first (a year nobody reported stays, as an empty column)."""
    years = {h["year"] for m in c.catalog.measures for h in m.history if h["year"] < c.year}
    return list(range(min(years), c.year)) if years else []


@dataclass
class _Line:
    result: MeasureResult
    actuals: list[int | float | None]
    targets: list[int | float | None]


def _number(v: Any) -> int | float | None:
    return v if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def _lines(c: Consolidated, years: list[int]) -> list[_Line]:
    start, end = (c.catalog.plan["period"][k] for k in ("start", "end"))
    out = []
    for m in c.measures:
        actuals: list[int | float | None] = []
        targets: list[int | float | None] = []
        for y in years:
            if y == c.year:
                actuals.append(m.value)
                targets.append(m.target)
                continue
            entry = m.measure.actual_of(y)
            actuals.append(_number(entry.get("value")) if entry else None)
            if entry is not None and "target" in entry:
                targets.append(_number(entry["target"]))
            else:  # no record of that year's target: the plan's, inside its period
                targets.append(m.target if start <= y <= end else None)
        if any(a is not None for a in actuals):
            out.append(_Line(m, actuals, targets))
    return out


def add_trend_sheet(wb: Any, c: Consolidated) -> Any:
    """Add 推移 to the xlsxwriter workbook ``wb``: a line chart of actual and target over the
    years per measure with a numeric actual, and the table of those numbers."""
    ws = wb.add_worksheet(TREND_TEXT["sheet"])
    years = [*past_years(c), c.year]
    labels = [fill(TREND_TEXT["year"], year=wareki(y)) for y in years]
    base = {"font_name": FONT, "font_size": POINTS, "valign": "top"}
    title = wb.add_format({**base, "bold": True, "font_size": TITLE_POINTS})
    heading = wb.add_format({**base, "bold": True, "font_size": HEADING_POINTS})
    header = wb.add_format({**base, "bold": True, "bg_color": css(HEADER_FILL), "border": 1,
                            "text_wrap": True})
    cell = wb.add_format({**base, "border": 1, "text_wrap": True})
    number = wb.add_format({**base, "border": 1, "num_format": "#,##0.###"})
    widths = column_widths(len(years))
    for col, w in enumerate(widths):
        ws.set_column(col, col, w)
    ws.write_string(0, 0, fill(TREND_TEXT["title"], first=labels[0], last=labels[-1]), title)
    ws.set_row(0, row_height([], points=TITLE_POINTS))
    lines = _lines(c, years)
    ws.write_string(1, 0, TREND_TEXT["note"] if lines else TREND_TEXT["none"],
                    wb.add_format(base))
    groups = [(g, [ln for ln in lines if ln.result.measure.initiative.goal is g])
              for g in c.catalog.goals]
    groups = [(g, members) for g, members in groups if members]
    table_row = 3 + sum(_group_rows(members) for _, members in groups) + 1
    row_of = _table(ws, lines, labels, table_row, (heading, header, cell, number))
    row = 3
    breaks = []
    for g, (goal, members) in enumerate(groups):
        if g:
            breaks.append(row)
        ws.write_string(row, 0, fill(MASTER_TEXT["goal-title"], number=goal["number"],
                                     title=goal["title"]), heading)
        ws.set_row(row, row_height([], points=HEADING_POINTS))
        breaks += [row + 1 + j * CHART_ROWS
                   for j in range(ROWS_PER_PAGE, -(-len(members) // CHARTS_PER_ROW),
                                  ROWS_PER_PAGE)]
        for k, line in enumerate(members):
            chart = _chart(wb, ws.get_name(), line, row_of[line.result.measure.id],
                           table_row + 1, len(years))
            ws.insert_chart(row + 1 + (k // CHARTS_PER_ROW) * CHART_ROWS, 0, chart,
                            {"x_offset": (k % CHARTS_PER_ROW) * (chart_width() + CHART_GAP),
                             "y_offset": 4})
        row += _group_rows(members)
    ws.set_h_pagebreaks([*breaks, table_row - 1])
    ws.repeat_rows(0)
    set_scaled_layout(ws, widths, POINTS)
    return ws


def _group_rows(members: list[_Line]) -> int:
    """Rows of one 基本目標's block: its heading, its rows of charts, a blank row."""
    return 1 + CHART_ROWS * -(-len(members) // CHARTS_PER_ROW) + 1


def _table(ws: Any, lines: list[_Line], labels: list[str], top: int,
           formats: tuple[Any, Any, Any, Any]) -> dict[str, int]:
    """The numbers of the charts from row ``top``: a two-row header (実績 / 目標 over the
    years), then one row per measure; returns each measure's row."""
    heading, header, cell, number = formats
    n = len(labels)
    ws.write_string(top - 1, 0, TREND_TEXT["table-title"], heading)
    ws.set_row(top - 1, row_height([], points=HEADING_POINTS))
    for col, text in enumerate(("ID", TREND_TEXT["measure"], TREND_TEXT["unit"])):
        ws.merge_range(top, col, top + 1, col, text, header)
    for first, key in ((3, "actual"), (3 + n, "target")):
        if n > 1:
            ws.merge_range(top, first, top, first + n - 1, TREND_TEXT[key], header)
        else:
            ws.write_string(top, first, TREND_TEXT[key], header)
        for k, label in enumerate(labels):
            ws.write_string(top + 1, first + k, label, header)
    ws.set_row(top + 1, row_height([(label, YEAR_WIDTH) for label in labels]))
    rows = {}
    for r, line in enumerate(lines, start=top + 2):
        mv = line.result.measure
        rows[mv.id] = r
        for col, text in enumerate((mv.id, mv.name, mv.unit or "")):
            write_cell(ws, r, col, text, cell)
        ws.set_row(r, row_height([(mv.id, ID_WIDTH), (mv.name, NAME_WIDTH),
                                  (mv.unit or "", UNIT_WIDTH)]))
        for k, v in enumerate([*line.actuals, *line.targets]):
            write_cell(ws, r, 3 + k, v, number if v is not None else cell)
    return rows


def _chart(wb: Any, sheet: str, line: _Line, row: int, label_row: int, n: int) -> Any:
    mv = line.result.measure
    name = mv.name if len(mv.name) <= TITLE_LENGTH else mv.name[:TITLE_LENGTH - 1] + "…"
    unit = fill(TREND_TEXT["chart-unit"], unit=mv.unit) if mv.unit else ""
    chart = wb.add_chart({"type": "line"})
    categories = [sheet, label_row, 3, label_row, 2 + n]
    chart.add_series({"name": TREND_TEXT["actual"], "categories": categories,
                      "values": [sheet, row, 3, row, 2 + n],
                      "line": {"color": ACTUAL_COLOR, "width": 2.25},
                      "marker": {"type": "circle", "size": 6,
                                 "fill": {"color": ACTUAL_COLOR},
                                 "border": {"color": ACTUAL_COLOR}}})
    if any(t is not None for t in line.targets):
        chart.add_series({"name": TREND_TEXT["target"], "categories": categories,
                          "values": [sheet, row, 3 + n, row, 2 + 2 * n],
                          "line": {"color": TARGET_COLOR, "width": 1.5, "dash_type": "dash"},
                          "marker": {"type": "none"}})
    chart.set_title({"name": fill(TREND_TEXT["chart-title"], id=mv.id, name=name) + unit,
                     "name_font": {"name": FONT, "size": POINTS, "bold": True}})
    font = {"name": FONT, "size": POINTS}
    chart.set_y_axis({"min": 0, "num_format": "#,##0.###", "num_font": font,
                      "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    chart.set_x_axis({"num_font": font})
    chart.set_legend({"position": "bottom", "font": font})
    chart.show_blanks_as("gap")
    chart.set_size({"width": chart_width(), "height": CHART_HEIGHT})
    return chart
