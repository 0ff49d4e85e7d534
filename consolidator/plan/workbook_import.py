"""``plan import FILE.xlsx``: the plan workbook (:mod:`.workbook_export`) back into a catalog.

Each sheet is found by name and each column by its heading (:mod:`.workbook_layout`); the
rows are assembled into the catalog document in their order, every value remembering the
sheet and cell it came from. The document is then checked by the same rules as any catalog
(:func:`.conformance.plan_findings`), each finding reported at its sheet and cell. A
department written under a former name (担当一覧's 旧名称) is read as the department's name
now. A measure naming the measure of the previous plan it continues (前計画の指標ID) takes
that measure's past values from 前計画の実績.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from consolidator.findings import Findings
from consolidator.messages.plan_book import PLAN_BOOK_ITEMS
from consolidator.plan.catalog import CATEGORIES, COUNCIL
from consolidator.plan.conformance import plan_findings
from consolidator.plan.migrate import CURRENT_VERSION
from consolidator.plan.workbook_cells import Cells, Grid, UnreadableBook, read_sheets
from consolidator.plan.workbook_layout import (
    ACTIONS,
    CATEGORY_COLUMNS,
    DEPARTMENTS,
    GLOSSARY,
    GOALS,
    HISTORY,
    INDICATORS,
    INITIATIVES,
    OLD_HISTORY,
    OLD_MEASURES,
    PLAN_SHEET,
    PREVIOUS_TEXTS,
    REPORTERS,
    SECTIONS,
    YEAR_ROLES,
    Sheet,
)
from consolidator.plan.workbook_sheets import Book, Place, Row, plan_items, read_tables, remember

# A catalog finding at a cell of the workbook: the code to report it under.
BOOK_CODES = {
    "plan-schema": "plan-book-invalid",
    "plan-duplicate-id": "plan-book-duplicate-id",
    "plan-id-mismatch": "plan-book-id-mismatch",
    "plan-unknown-unit": "plan-book-unknown-department",
    "plan-owner-not-reporter": "plan-book-owner-not-reporter",
    "plan-owner-organisation": "plan-book-owner-organisation",
    "plan-target-unit-missing": "plan-book-target-unit-missing",
    "plan-unit-unused": "plan-book-department-unused",
    "plan-category-not-council": "plan-book-category-not-council",
    "plan-alias-conflict": "plan-book-alias-conflict",
    "plan-history-duplicate-year": "plan-book-history-duplicate",
    "plan-unsafe-name": "plan-book-unsafe-name",
}
INDICATOR_KEYS = ("id", "initiative_id", "organisation", "owner", "name", "target",
                  "departments")


def import_workbook(path: Path) -> tuple[dict[str, Any] | None, Findings]:
    """The catalog document the workbook at ``path`` holds, and every finding (sheet, cell,
    message, code). The document is None when any finding is an error: nothing half-read is
    ever written as a catalog."""
    findings = Findings()
    book = Book(path.name, Cells(findings, set()))
    try:
        grids = read_sheets(path)
    except UnreadableBook as exc:
        findings.add("plan-book-unreadable", file=path.name, detail=str(exc))
        return None, findings
    tables = read_tables(book, grids)
    if tables is None:
        return None, findings
    doc = _build(book, grids[PLAN_SHEET], tables)
    checked = plan_findings(doc, locate=lambda code, p: _locate(book, code, p))
    findings.extend(f for f in checked if (f.sheet, f.cell) not in book.cells.reported
                    or f.sheet is None)
    return (None if findings.errors else doc), findings


# ---- the document -------------------------------------------------------------------------------

def _build(book: Book, plan_grid: Grid, t: dict[str, list[Row]]) -> dict[str, Any]:
    items = plan_items(book, plan_grid)
    plan_paths = {"id": "$.plan.id", "name": "$.plan.name", "vision": "$.plan.vision",
                  "start": "$.plan.period.start", "end": "$.plan.period.end",
                  "report_year": "$.plan.report_year",
                  "previous_year": "$.plan.previous_report.year",
                  "previous_title": "$.plan.previous_report.title",
                  "previous_source": "$.plan.previous_report.source"}
    for key, path in plan_paths.items():
        if f"plan.{key}" in book.where:
            book.where[path] = book.where[f"plan.{key}"]
    plan: dict[str, Any] = {"id": items.get("id"), "name": items.get("name"),
                            "vision": items.get("vision"),
                            "period": {"start": items.get("start"), "end": items.get("end")},
                            "report_year": items.get("report_year")}
    if items.get("previous_year") is not None:
        plan["previous_report"] = {"year": items["previous_year"],
                                   "title": items.get("previous_title") or ""}
        if items.get("previous_source"):
            plan["previous_report"]["source"] = items["previous_source"]
    elif (items.get("previous_title") or items.get("previous_source")) \
            and "plan.previous_year" in book.where:  # a previous report needs its year
        book.cells.report("plan-book-required", PLAN_SHEET,
                          book.where["plan.previous_year"][1],
                          label=PLAN_BOOK_ITEMS["previous_year"][0])
    book.where["$.departments"] = (DEPARTMENTS.name, "A2")  # "at least one" is about a sheet
    book.where["$.goals"] = (GOALS.name, "A2")
    doc = {"schema_version": CURRENT_VERSION, "plan": plan,
           "departments": _departments(book, t["departments"]), "goals": []}
    _structure(book, doc, t)
    return doc


def _departments(book: Book, rows: list[Row]) -> list[dict[str, Any]]:
    out = []
    for k, row in enumerate(rows):
        v = row.values
        d: dict[str, Any] = {"name": v["name"] or "", "organisation": v["organisation"] or ""}
        if v["aliases"]:
            d["aliases"] = v["aliases"]
            for alias in v["aliases"]:
                book.former.setdefault(alias, d["name"])
        if v["email"]:
            d["email"] = v["email"]
        remember(book, f"$.departments[{k}]", DEPARTMENTS, row)
        out.append(d)
    return out


def _department(book: Book, sheet: Sheet, row: Row, key: str) -> str:
    """A department named in a row, under its name now (a former name is read as it)."""
    name = row.values[key] or ""
    now = book.former.get(name)
    if now is None:
        return str(name)
    book.cells.findings.add("plan-book-former-name", sheet=sheet.name, cell=row.cells[key],
                            value=name, department=now)
    return now


Known = dict[str, tuple[str, dict[str, Any]]]  # id → (JSON path, record); the first wins


def _structure(book: Book, doc: dict[str, Any], t: dict[str, list[Row]]) -> None:
    goals: Known = {}
    for row in t["goals"]:
        v = row.values
        if v["activity_id"] is None:
            path = f"$.goals[{len(doc['goals'])}]"
            goal = {"id": v["goal_id"], "number": v["number"], "title": v["title"] or "",
                    "activities": []}
            doc["goals"].append(goal)  # a repeated id too: the catalog's check reports it
            goals.setdefault(v["goal_id"], (path, goal))
            remember(book, path, GOALS, row, {"goal_id": "id", "number": "number",
                                               "title": "title"})
    activities: Known = {}
    for row in t["goals"]:
        v = row.values
        found = None if v["activity_id"] is None else _parent(book, goals, GOALS, row,
                                                              "goal_id", GOALS)
        if found is None:
            continue
        gpath, goal = found
        path = f"{gpath}.activities[{len(goal['activities'])}]"
        activity = {"id": v["activity_id"], "number": v["number"], "title": v["title"] or "",
                    "initiatives": []}
        goal["activities"].append(activity)
        activities.setdefault(v["activity_id"], (path, activity))
        remember(book, path, GOALS, row, {"activity_id": "id", "number": "number",
                                           "title": "title"})
    initiatives: Known = {}
    for row, apath, activity in _children(book, activities, INITIATIVES, t["initiatives"],
                                          "activity_id", GOALS):
        v = row.values
        ini: dict[str, Any] = {"id": v["id"], "number": v["number"], "title": v["title"] or "",
                               "actions": [], "indicators": [], "reporters": [],
                               "glossary": []}
        if v["previous_year"] is not None:
            ini["previous"] = {"year": v["previous_year"], "status": [], "plans": []}
        path = f"{apath}.initiatives[{len(activity['initiatives'])}]"
        activity["initiatives"].append(ini)
        initiatives.setdefault(v["id"], (path, ini))
        remember(book, path, INITIATIVES, row, {"id": "id", "number": "number",
                                                 "title": "title",
                                                 "previous_year": "previous.year"})
        book.where[f"{path}.previous"] = (INITIATIVES.name, row.cells["previous_year"])
    _initiative_parts(book, initiatives, t)


def _children(book: Book, known: Known, sheet: Sheet, rows: list[Row], key: str,
              parent: Sheet) -> Iterator[tuple[Row, str, dict[str, Any]]]:
    """The rows of ``sheet`` with the path and record each names as its parent (in column
    ``key``); a row naming none is reported and left out."""
    for row in rows:
        found = _parent(book, known, sheet, row, key, parent)
        if found is not None:
            yield row, found[0], found[1]


def _parent(book: Book, known: Known, sheet: Sheet, row: Row, key: str, parent: Sheet
            ) -> tuple[str, dict[str, Any]] | None:
    """The record a row names as its parent; reported when there is none."""
    found = known.get(row.values[key]) if row.values[key] is not None else None
    if found is None and row.values[key] is not None:
        book.cells.report("plan-book-unknown-parent", sheet.name, row.cells[key],
                          label=sheet.heading(next(c for c in sheet.columns if c.key == key)),
                          value=row.values[key], parent=parent.name)
    return found


def _initiative_parts(book: Book, inis: Known,
                      t: dict[str, list[Row]]) -> None:
    for row, path, ini in _children(book, inis, ACTIONS, t["actions"],
                                    "initiative_id", INITIATIVES):
        v = row.values
        action: dict[str, Any] = {"organisation": v["organisation"] or "",
                                  "number": v["number"], "label": v["label"],
                                  "text": v["text"] or "", "new": bool(v["new"])}
        if v["departments"]:
            action["departments"] = v["departments"]
        remember(book, f"{path}.actions[{len(ini['actions'])}]", ACTIONS, row)
        ini["actions"].append(action)
    measures = _indicators(book, inis, t["indicators"])
    for row, path, ini in _children(book, inis, REPORTERS, t["reporters"],
                                    "initiative_id", INITIATIVES):
        department = _department(book, REPORTERS, row, "department")
        reporter: dict[str, Any] = {"department": department}
        categories = [c for c in CATEGORIES if row.values[CATEGORY_COLUMNS[c]]]
        if department == COUNCIL or categories:
            reporter["categories"] = categories
        rpath = f"{path}.reporters[{len(ini['reporters'])}]"
        remember(book, rpath, REPORTERS, row)
        book.where[f"{rpath}.categories"] = (REPORTERS.name, row.cells["dokuji"])
        ini["reporters"].append(reporter)
    for row, path, ini in _children(book, inis, GLOSSARY, t["glossary"], "initiative_id",
                                    INITIATIVES):
        remember(book, f"{path}.glossary[{len(ini['glossary'])}]", GLOSSARY, row)
        ini["glossary"].append({"term": row.values["term"] or "",
                                "description": row.values["description"] or ""})
    _previous_texts(book, inis, t["previous_texts"])
    _history(book, measures, t)


def _previous_texts(book: Book, inis: Known,
                    rows: list[Row]) -> None:
    for row, path, ini in _children(book, inis, PREVIOUS_TEXTS, rows,
                                    "initiative_id", INITIATIVES):
        v = row.values
        if "previous" not in ini:
            book.cells.report("plan-book-required", INITIATIVES.name,
                              book.where[f"{path}.previous"][1],
                              label=INITIATIVES.heading(INITIATIVES.columns[-1]))
            continue
        section = SECTIONS.get(v["section"] or "")
        if section is None:
            continue  # reported as a cell that is not one of the choices
        texts = ini["previous"][section]
        remember(book, f"{path}.previous.{section}[{len(texts)}]", PREVIOUS_TEXTS, row)
        texts.append({"departments": v["departments"] or [], "category": v["category"],
                      "text": v["text"] or ""})


def _indicators(book: Book, inis: Known, rows: list[Row]) -> Known:
    """Assemble the indicators (one row per measure); returns measure id → (path, measure)."""
    indicators: dict[str, tuple[str, dict[str, Any], Row]] = {}
    measures: Known = {}
    for row in rows:
        v = row.values
        known = indicators.get(v["id"]) if v["id"] is not None else None
        if known is None:
            found = _parent(book, inis, INDICATORS, row, "initiative_id", INITIATIVES)
            if found is None:
                book.dropped.add(v["measure_id"] or v["id"])
                continue
            path, ini = found
            ind: dict[str, Any] = {"id": v["id"] or "", "organisation": v["organisation"] or "",
                                   "owner": _department(book, INDICATORS, row, "owner"),
                                   "name": v["name"] or "", "target": {"text": v["target"] or ""},
                                   "measures": []}
            if v["departments"]:
                ind["departments"] = v["departments"]
            ipath = f"{path}.indicators[{len(ini['indicators'])}]"
            ini["indicators"].append(ind)
            remember(book, ipath, INDICATORS, row, {k: k for k in INDICATOR_KEYS})
            book.where[f"{ipath}.target.text"] = (INDICATORS.name, row.cells["target"])
            indicators[v["id"]] = (ipath, ind, row)
        else:
            ipath, ind, first = known
            _same_indicator(book, row, first)
        target = ind["target"]["text"]
        measure: dict[str, Any] = {
            "id": v["measure_id"] or ind["id"], "label": v["label"],
            "text": target if v["text"] is None else v["text"], "value": v["value"],
            "unit": v["unit"], "period": v["period"], "qualifier": v["qualifier"],
            "year": v["year"], "year_role": YEAR_ROLES.get(v["year_role"] or ""),
            "percent": bool(v["percent"])}
        for optional in ("continues", "change_factor"):  # absent when blank
            if v[optional] is not None:
                measure[optional] = v[optional]
        mpath = f"{ipath}.measures[{len(ind['measures'])}]"
        ind["measures"].append(measure)
        remember(book, mpath, INDICATORS, row,
                  {k: k for k in ("label", "text", "value", "unit", "period", "qualifier",
                                  "year", "year_role", "percent", "continues",
                                  "change_factor")})
        book.where[f"{mpath}.id"] = (INDICATORS.name, row.cells["measure_id"] if v["measure_id"]
                                     else row.cells["id"])
        measures.setdefault(measure["id"], (mpath, measure))
    return measures


def _same_indicator(book: Book, row: Row, first: Row) -> None:
    """A later row of a compound indicator repeats the indicator's columns or leaves them
    blank."""
    for key in INDICATOR_KEYS:
        value = row.values[key]
        if value not in (None, []) and value != first.values[key]:
            book.cells.report("plan-book-conflict", INDICATORS.name, row.cells[key],
                              label=INDICATORS.heading(
                                  next(c for c in INDICATORS.columns if c.key == key)),
                              value=first.values["id"])


def _history(book: Book, measures: Known, t: dict[str, list[Row]]) -> None:
    """過去の実績 into each measure's history, oldest first; for a measure that continues one
    of the previous plan, also that measure's rows of 前計画の実績 (a year 過去の実績 has wins)."""
    rows: dict[str, list[tuple[Sheet, Row]]] = {}
    for row in t["history"]:
        if row.values["measure_id"] in book.dropped:
            continue  # its indicator's row is reported
        if row.values["measure_id"] not in measures:
            book.cells.report("plan-book-history-unknown", HISTORY.name, row.cells["measure_id"],
                              value=row.values["measure_id"], parent=INDICATORS.name)
            continue
        rows.setdefault(row.values["measure_id"], []).append((HISTORY, row))
    old_ids = {r.values["measure_id"] for r in t["old_measures"]}
    old_rows: dict[str, list[Row]] = {}
    for row in t["old_history"]:
        old_rows.setdefault(row.values["measure_id"], []).append(row)
    for mid, (mpath, measure) in measures.items():
        own = rows.setdefault(mid, [])
        old = measure.get("continues")
        if old:
            _carry(book, mid, book.where[f"{mpath}.continues"], old, old_ids,
                   old_rows.get(old, []), own)
        if own:
            measure["history"] = []
        for sheet, row in sorted(own, key=lambda item: item[1].values["year"] or 0):
            remember(book, f"{mpath}.history[{len(measure['history'])}]", sheet, row)
            v = row.values
            entry = {"year": v["year"], "text": v["text"] or "", "value": v["value"],
                     "unit": v["unit"], "reason": v["reason"], "note": v["note"],
                     "target": v["target"]}
            if v["explanation"]:  # absent when blank, as consolidate writes it
                entry["explanation"] = v["explanation"]
            measure["history"].append(entry)


def _carry(book: Book, mid: str, place: Place, old: str, old_ids: set[str],
           old_rows: list[Row], own: list[tuple[Sheet, Row]]) -> None:
    """The previous plan's rows of measure ``old`` added to ``own`` (this measure's rows)."""
    if old_ids and old not in old_ids:
        book.findings.add("plan-book-continues-unknown", sheet=place[0], cell=place[1],
                          value=old, parent=OLD_MEASURES.name)
    years = {row.values["year"] for _, row in own}
    carried = 0
    for row in old_rows:
        if row.values["year"] in years:
            book.findings.add("plan-book-history-kept", sheet=OLD_HISTORY.name,
                              cell=row.cells["year"], field_id=mid, year=row.values["year"])
            continue
        own.append((OLD_HISTORY, row))
        carried += 1
    if carried:
        book.findings.add("plan-book-continued", sheet=place[0], cell=place[1], field_id=mid,
                          value=old, count=carried)


def _locate(book: Book, code: str, path: str) -> tuple[str, dict[str, Any]]:
    """A catalog finding's JSON path as the sheet and cell it came from."""
    probe = path
    while probe not in book.where and ("." in probe or "[" in probe):
        probe = probe[:max(probe.rfind("."), probe.rfind("["))]
    sheet, cell = book.where.get(probe, (PLAN_SHEET, "A1"))
    return BOOK_CODES.get(code, code), {"sheet": sheet, "cell": cell, "path": f"{sheet}!{cell}"}
