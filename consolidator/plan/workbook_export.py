"""``plan export``: the plan catalog as an editable workbook (xlsxwriter).

Sheets (:mod:`.workbook_layout`): 記入要領, 計画 (one row per item), then one table per kind
of record — 担当一覧, 基本目標・活動目標, 取組み, 計画の取組み内容, 指標 (one row per measure,
the indicator's columns repeated), 報告担当 (市社協's categories as ○), 用語, 前回報告の文章,
過去の実績 — and 前計画の指標 / 前計画の実績, filled for a blank workbook (a new plan names
the measure of the current plan it continues), and 選択肢, the drop-down lists. What is
written reads back to the same catalog (:mod:`.workbook_import`): an optional key that is
absent, null or empty is a blank cell, and each key is written the way the toolkit writes it.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from consolidator.cell_text import XLSX_OPTIONS
from consolidator.colours import HEADER_FILL, css
from consolidator.messages.plan_book import (
    PLAN_BOOK_GUIDE,
    PLAN_BOOK_HEADERS,
    PLAN_BOOK_ITEMS,
    PLAN_BOOK_WORDS,
)
from consolidator.plan.catalog import Catalog, MeasureView
from consolidator.plan.workbook_layout import (
    CATEGORY_COLUMNS,
    CHOICES_SHEET,
    FLAG,
    GUIDE_SHEET,
    PLAN_SHEET,
    RANGE_CHOICES,
    RECORD_SHEETS,
    SECTIONS,
    SEPARATOR,
    STRICT_CHOICES,
    YEAR_ROLES,
    Sheet,
    choice_lists,
)
from consolidator.table_sheets import A4, add_table_sheet, write_cell
from consolidator.text_layout import FONT, row_height

Row = dict[str, Any]
SPARE_ROWS = 300  # rows below the records where the drop-downs also work


def export_workbook(catalog: Catalog, path: Path, *, blank: bool = False) -> None:
    """Write ``catalog`` as an editable workbook at ``path`` (the caller makes it atomic).

    With ``blank``, every sheet of the plan is empty — to author a new plan — and the sheets
    前計画の指標 / 前計画の実績 hold ``catalog``'s measures and their past values, so a measure
    of the new plan can name the one it continues (前計画の指標ID) and carry its history."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), XLSX_OPTIONS)
    try:
        _guide(wb)
        _plan_sheet(wb, None if blank else catalog)
        lists = choice_lists(catalog)
        rows = _records(catalog, blank)
        positions = _ranges(lists)
        for sheet in RECORD_SHEETS:
            ws = add_table_sheet(wb, sheet.name, tuple(sheet.heading(c) for c in sheet.columns),
                                 [[r.get(c.key) for c in sheet.columns] for r in rows[sheet.key]],
                                 tuple(c.width for c in sheet.columns))
            _drop_downs(ws, sheet, len(rows[sheet.key]), positions)
        _choices(wb, lists)
        wb.set_properties({"title": catalog.plan["name"], "author": "consolidator"})
    finally:
        wb.close()


def _guide(wb: Any) -> None:
    ws = wb.add_worksheet(GUIDE_SHEET)
    ws.set_column(0, 0, 100)
    plain = wb.add_format({"font_name": FONT, "text_wrap": True, "valign": "top"})
    bold = wb.add_format({"font_name": FONT, "bold": True, "valign": "top"})
    title = wb.add_format({"font_name": FONT, "bold": True, "font_size": 14})
    for r, line in enumerate(PLAN_BOOK_GUIDE):
        write_cell(ws, r, 0, line, title if r == 0 else bold if line.startswith("■") else plain)
        ws.set_row(r, 22 if r == 0 else row_height([(line, 92)]))
    ws.set_paper(A4)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)


def _plan_sheet(wb: Any, catalog: Catalog | None) -> None:
    values = _plan_items(catalog) if catalog else {}
    header = tuple(PLAN_BOOK_HEADERS["plan"].values())
    rows = [[PLAN_BOOK_ITEMS[key][0], values.get(key), PLAN_BOOK_ITEMS[key][1]]
            for key in PLAN_BOOK_ITEMS]
    add_table_sheet(wb, PLAN_SHEET, header, rows, (22, 66, 56))  # A4 at 8 pt


def _plan_items(catalog: Catalog) -> dict[str, Any]:
    plan = catalog.plan
    previous = plan.get("previous_report") or {}
    return {"id": plan["id"], "name": plan["name"], "vision": plan["vision"],
            "start": plan["period"]["start"], "end": plan["period"]["end"],
            "report_year": plan["report_year"], "previous_year": previous.get("year"),
            "previous_title": previous.get("title"), "previous_source": previous.get("source")}


def _joined(names: Iterable[str] | None) -> str | None:
    return SEPARATOR.join(names) if names else None


def _flag(value: Any) -> str | None:
    return FLAG if value else None


def _records(catalog: Catalog, blank: bool) -> dict[str, list[Row]]:
    rows: dict[str, list[Row]] = {s.key: [] for s in RECORD_SHEETS}
    rows["old_measures"] = [_old_measure(m) for m in catalog.measures] if blank else []
    rows["old_history"] = [_history(m, h) for m in catalog.measures
                           for h in m.history] if blank else []
    if blank:
        return rows
    rows["departments"] = [{"name": d["name"], "organisation": d["organisation"],
                            "aliases": _joined(d.get("aliases")), "email": d.get("email")}
                           for d in catalog.departments]
    for goal in catalog.goals:
        rows["goals"].append({"goal_id": goal["id"], "number": goal["number"],
                              "title": goal["title"]})
        rows["goals"] += [{"goal_id": goal["id"], "activity_id": a["id"],
                           "number": a["number"], "title": a["title"]}
                          for a in goal["activities"]]
    for ini in catalog.initiatives:
        _initiative_rows(rows, ini.data, ini.activity["id"])
    rows["history"] = [_history(m, h) for m in catalog.measures for h in m.history]
    return rows


def _initiative_rows(rows: dict[str, list[Row]], ini: dict[str, Any], activity_id: str) -> None:
    iid = ini["id"]
    previous = ini.get("previous")
    rows["initiatives"].append({"id": iid, "activity_id": activity_id, "number": ini["number"],
                                "title": ini["title"],
                                "previous_year": previous["year"] if previous else None})
    rows["actions"] += [{"initiative_id": iid, "organisation": a["organisation"],
                         "number": a["number"], "label": a.get("label"), "text": a["text"],
                         "new": _flag(a["new"]), "departments": _joined(a.get("departments"))}
                        for a in ini["actions"]]
    for ind in ini["indicators"]:
        for m in ind["measures"]:
            rows["indicators"].append(_measure_row(iid, ind, m))
    for r in ini["reporters"]:
        row: Row = {"initiative_id": iid, "department": r["department"]}
        row.update((slug, _flag(category in (r.get("categories") or [])))
                   for category, slug in CATEGORY_COLUMNS.items())
        rows["reporters"].append(row)
    rows["glossary"] += [{"initiative_id": iid, "term": t["term"],
                          "description": t["description"]} for t in ini["glossary"]]
    for section, label in ((s, label) for label, s in SECTIONS.items()):
        rows["previous_texts"] += [{"initiative_id": iid, "section": label,
                                    "departments": _joined(t["departments"]),
                                    "category": t.get("category"), "text": t["text"]}
                                   for t in (previous or {}).get(section, [])]


def _measure_row(iid: str, ind: dict[str, Any], m: dict[str, Any]) -> Row:
    roles = {v: k for k, v in YEAR_ROLES.items()}
    target = ind["target"]["text"]
    return {
        "id": ind["id"], "initiative_id": iid, "organisation": ind["organisation"],
        "owner": ind["owner"], "name": ind["name"], "target": target,
        "departments": _joined(ind.get("departments")),
        "measure_id": None if m["id"] == ind["id"] else m["id"],
        "label": m.get("label"), "text": None if m.get("text") == target else m.get("text"),
        "value": m.get("value"), "unit": m.get("unit"), "period": m.get("period"),
        "qualifier": m.get("qualifier"), "year": m.get("year"),
        "year_role": roles.get(m.get("year_role") or ""), "percent": _flag(m.get("percent")),
        "continues": m.get("continues"), "change_factor": m.get("change_factor"),
    }


def _history(m: MeasureView, h: dict[str, Any]) -> Row:
    return {"measure_id": m.id, "name": m.name, "year": h["year"], "text": h["text"],
            "value": h["value"], "unit": h["unit"], "reason": h["reason"],
            "note": h.get("note"), "target": h.get("target"),
            "explanation": h.get("explanation")}


def _old_measure(m: MeasureView) -> Row:
    return {"measure_id": m.id, "name": m.name, "owner": m.owner,
            "target": m.target_text, "unit": m.unit}


# ---- drop-down lists -------------------------------------------------------------------------

CHOICE_ROWS = 200  # an open list's range reaches this far: values added below it count
OPEN_CHOICES = ("unit",)


def _ranges(lists: dict[str, list[str]]) -> dict[str, str]:
    """Each drop-down's source: its column of 選択肢, or the first column of a sheet."""
    from xlsxwriter.utility import xl_col_to_name

    positions = {}
    for col, (key, values) in enumerate(lists.items()):
        letter = xl_col_to_name(col)
        last = CHOICE_ROWS if key in OPEN_CHOICES else len(values) + 1
        positions[key] = f"='{CHOICES_SHEET}'!${letter}$2:${letter}${last}"
    for key, sheet in RANGE_CHOICES.items():
        positions[key] = f"='{sheet.name}'!$A$2:$A$2000"
    return positions


def _choices(wb: Any, lists: dict[str, list[str]]) -> None:
    """The 選択肢 sheet, last: one column per list (a unit may be added below its list)."""
    ws = wb.add_worksheet(CHOICES_SHEET)
    head = wb.add_format({"font_name": FONT, "bold": True, "bg_color": css(HEADER_FILL)})
    for col, (key, values) in enumerate(lists.items()):
        ws.set_column(col, col, 12)
        write_cell(ws, 0, col, PLAN_BOOK_HEADERS["choices"][key], head)
        for r, value in enumerate(values, start=1):
            write_cell(ws, r, col, value)


def _drop_downs(ws: Any, sheet: Sheet, n_rows: int, positions: dict[str, str]) -> None:
    last = n_rows + SPARE_ROWS
    for col, column in enumerate(sheet.columns):
        if column.choices is None:
            continue
        strict = column.choices in STRICT_CHOICES
        ret = ws.data_validation(1, col, last, col, {
            "validate": "list", "source": positions[column.choices],
            "error_type": "stop" if strict else "information", "ignore_blank": True,
            "error_title": PLAN_BOOK_WORDS["choose-title"],
            "error_message": PLAN_BOOK_WORDS["choose"]})
        if ret not in (0, None):
            raise RuntimeError(f"xlsxwriter returned {ret} for a validation of {sheet.name}")
