"""Import a progress report (the seed's text format) into a plan catalog document.

``import_report(text, overrides)`` walks the report (:mod:`.layout`), builds goals →
activities → initiatives with their actions, indicators and measures, places last year's
actual values (:mod:`.actuals`), settles who owns each indicator, then applies the hand
corrections of the overrides file. What cannot be placed with confidence is a finding with
its source line; nothing is guessed silently. No I/O here.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from consolidator.findings import Findings
from consolidator.japanese_values import parse_target, split_name_target
from consolidator.plan.catalog import CATEGORIES, CIRCLED, CITY, COUNCIL
from consolidator.plan.migrate import upgrade
from consolidator.plan.report_import import lines as rt
from consolidator.plan.report_import.actuals import place_actuals, segments_of
from consolidator.plan.report_import.layout import (
    InitiativeDraft,
    Layout,
    PlanRow,
    ReporterRow,
    walk,
)

SCHEMA_VERSION = 2  # built in version 2's shape (previous.values), then upgraded
PLACEHOLDER_PLAN_ID = "imported-plan"
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def import_report(text: str, overrides: dict[str, Any] | None = None
                  ) -> tuple[dict[str, Any], Findings]:
    """Parse ``text`` into a catalog document, apply ``overrides``; return both and findings.

    The document is built in catalog schema version 2's shape (the report's values keyed by
    measure in ``previous.values``, which is also what the overrides address) and upgraded
    to the current version at the end (:mod:`consolidator.plan.migrate`)."""
    findings = Findings()
    layout = walk(text, findings)
    doc = _Builder(layout, findings).build()
    applied = apply_overrides(doc, overrides or {}, findings)
    _final_checks(doc, applied, findings)
    return upgrade(doc), findings


# ---- building ------------------------------------------------------------------------------

class _Builder:
    def __init__(self, layout: Layout, findings: Findings) -> None:
        self.lay = layout
        self.f = findings

    def build(self) -> dict[str, Any]:
        self.check_toc()
        goals: list[dict[str, Any]] = []
        for draft in self.lay.initiatives:
            goal = self.find_or_add(goals, str(draft.goal), lambda d=draft: {
                "id": str(d.goal), "number": d.goal,
                "title": self.lay.goals[d.goal].title, "activities": []})
            act_id = f"{draft.goal}-{draft.activity}"
            activity = self.find_or_add(goal["activities"], act_id, lambda d=draft, a=act_id: {
                "id": a, "number": d.activity,
                "title": self.lay.activities[(d.goal, d.activity)].title, "initiatives": []})
            activity["initiatives"].append(self.initiative(draft))
        return {
            "schema_version": SCHEMA_VERSION,
            "plan": self.plan(),
            "departments": self.departments(goals),
            "goals": goals,
        }

    @staticmethod
    def find_or_add(items: list[dict[str, Any]], item_id: str, make: Any) -> dict[str, Any]:
        for it in items:
            if it["id"] == item_id:
                return it
        items.append(make())
        return items[-1]

    # ---- plan ----------------------------------------------------------------------------
    def plan(self) -> dict[str, Any]:
        title = self.lay.title
        name = title.split("実施状況報告")[0].strip() or title
        years = [d.results_year for d in self.lay.initiatives if d.results_year]
        plans_years = [d.plans_year for d in self.lay.initiatives if d.plans_year]
        previous = max(set(years), key=years.count) if years else None
        report = max(set(plans_years), key=plans_years.count) if plans_years else None
        for d in self.lay.initiatives:
            if d.results_year and d.results_year != previous:
                self.f.add("import-structure", value=str(d.results_year), line=d.line,
                           detail="実績の年度が他の取組みと異なります")
        target_years = [m.year for m in self._all_target_parts() if m.year]
        plan: dict[str, Any] = {
            "id": PLACEHOLDER_PLAN_ID,
            "name": name,
            "vision": _join_japanese(self.lay.vision),
            "period": {"start": min(target_years, default=report or 2000),
                       "end": max(target_years, default=report or 2000)},
            "report_year": report or (previous + 1 if previous else 2000),
        }
        if previous:
            plan["previous_report"] = {"year": previous, "title": title}
        return plan

    def _all_target_parts(self) -> list[Any]:
        parts = []
        for d in self.lay.initiatives:
            for row in d.plan_rows:
                for bullet in rt.split_bullets(rt.take_departments(row.indicators)[0])[1]:
                    parts += parse_target(split_name_target(bullet)[1])
        return parts

    def departments(self, goals: list[dict[str, Any]]) -> list[dict[str, Any]]:
        names: list[str] = []
        for g in goals:
            for a in g["activities"]:
                for i in a["initiatives"]:
                    names += [r["department"] for r in i["reporters"]
                              if r["department"] not in names]
        out = [{"name": COUNCIL, "organisation": COUNCIL}]
        return out + [{"name": n, "organisation": CITY} for n in names if n != COUNCIL]

    # ---- table of contents ---------------------------------------------------------------
    def check_toc(self) -> None:
        lay = self.lay
        for number, title in lay.toc_goals.items():
            h = lay.goals.get(number)
            if h and h.title != title:
                self.f.add("import-toc-differs", value=h.title, toc=title, line=h.line)
        for key, title in lay.toc_activities.items():
            h = lay.activities.get(key)
            if h and h.title != title:
                self.f.add("import-toc-differs", value=h.title, toc=title, line=h.line)
        found = {d.id: d for d in lay.initiatives}
        for e in lay.toc_initiatives:
            iid = f"{e.goal}-{e.activity}-{e.number}"
            d = found.get(iid)
            if d is None:
                self.f.add("import-toc-missing", value=e.title, initiative_id=iid)
            elif d.title != e.title:
                self.f.add("import-toc-differs", value=d.title, toc=e.title, line=d.line,
                           initiative_id=iid)

    # ---- initiative ----------------------------------------------------------------------
    def initiative(self, d: InitiativeDraft) -> dict[str, Any]:
        for block, label in (("plan", "■計画"), ("results", "■実績"), ("plans", "■予定")):
            if block not in d.blocks:
                self.f.add("import-block-missing", value=label, initiative_id=d.id, line=d.line)
        actions: list[dict[str, Any]] = []
        indicators: list[dict[str, Any]] = []
        row_departments: dict[str, list[str]] = {}  # indicator id → brackets of its plan row
        bracketed: list[str] = []
        for row in d.plan_rows:
            acts = self.actions(d, row)
            inds = self.indicators(d, row, start=sum(
                1 for i in indicators if i["organisation"] == row.organisation) + 1)
            action_depts = [n for a in acts for n in a.get("departments", [])]
            for ind in inds:
                row_departments[ind["id"]] = _unique(ind.get("departments", []) + action_depts)
                bracketed += row_departments[ind["id"]]
            bracketed += action_depts
            actions += acts
            indicators += inds
        placement = place_actuals(indicators, segments_of(d), self.f)
        for ind in indicators:
            if ind["organisation"] == CITY:
                ind["owner"] = self.owner(ind, row_departments[ind["id"]],
                                          placement.reported_by.get(ind["id"], []))
        values = {m["id"]: placement.values[m["id"]] for ind in indicators
                  for m in ind["measures"] if m["id"] in placement.values}
        return {
            "id": d.id,
            "number": d.number,
            "title": d.title,
            "actions": actions,
            "indicators": indicators,
            "reporters": self.reporters(d, bracketed),
            "glossary": [{"term": t, "description": s} for t, s in d.glossary],
            "previous": {
                "year": d.results_year,
                "values": values,
                "status": [_reporter_text(r) for r in d.results],
                "plans": [_reporter_text(r) for r in d.plans],
            },
        }

    def actions(self, d: InitiativeDraft, row: PlanRow) -> list[dict[str, Any]]:
        if rt.starts_with_circled(row.actions) or row.organisation == COUNCIL:
            lead, items = rt.split_circled(row.actions)
            marked = [(mark, text, CIRCLED.index(mark) + 1) for mark, text in items]
        else:
            lead, bullets = rt.split_bullets(row.actions)
            marked = [("・", text, i) for i, text in enumerate(bullets, start=1)]
        lead, lead_depts = rt.take_departments(lead)
        if lead:
            self.f.add("import-unplaced", value=lead, line=row.line)
        out = []
        for mark, raw, number in marked:
            text, new = rt.take_new_tag(raw)
            text, depts = rt.take_departments(text)
            if not text:
                self.f.add("import-unplaced", value=raw, line=row.line)
                continue
            action: dict[str, Any] = {"organisation": row.organisation, "number": number,
                                      "label": mark, "text": text, "new": new}
            if depts or lead_depts:
                action["departments"] = _unique(lead_depts + depts)
            out.append(action)
        return out

    def indicators(self, d: InitiativeDraft, row: PlanRow, start: int) -> list[dict[str, Any]]:
        lead, bullets = rt.split_bullets(row.indicators)
        lead, lead_depts = rt.take_departments(lead)
        if lead:
            self.f.add("import-unplaced", value=lead, line=row.line)
        prefix = "s" if row.organisation == COUNCIL else "c"
        out = []
        for n, bullet in enumerate(bullets, start=start):
            text, depts = rt.take_departments(bullet)
            name, target = split_name_target(text)
            ind_id = f"{d.id}-{prefix}{n}"
            ind: dict[str, Any] = {
                "id": ind_id, "organisation": row.organisation,
                "owner": COUNCIL if row.organisation == COUNCIL else "",
                "name": name, "target": {"text": target},
                "measures": _measures(ind_id, name, target),
            }
            if lead_depts or depts:
                ind["departments"] = _unique(lead_depts + depts)
            out.append(ind)
        return out

    def owner(self, ind: dict[str, Any], bracketed: list[str], reported_by: list[str]) -> str:
        """Brackets of the plan row first (among several, the one whose row holds the value),
        else the department whose results row holds the value. Empty when undecided."""
        if bracketed:
            return next((u for u in reported_by if u in bracketed), bracketed[0])
        return next((u for u in reported_by if u != CITY), "")

    def reporters(self, d: InitiativeDraft, bracketed: list[str]) -> list[dict[str, Any]]:
        rows = d.results + d.plans
        out: list[dict[str, Any]] = []
        council_rows = [r for r in rows if r.organisation == COUNCIL]
        if council_rows or any(r.organisation == COUNCIL for r in d.plan_rows):
            cats = {r.category for r in council_rows if r.category}
            out.append({"department": COUNCIL, "categories": [c for c in CATEGORIES if c in cats]})
        names = _unique(bracketed + [u for r in rows if r.organisation == CITY
                                     for u in r.departments
                                     if u != CITY])
        return out + [{"department": n} for n in names]


def _measures(ind_id: str, name: str, target: str) -> list[dict[str, Any]]:
    parts = parse_target(target)
    if not parts:
        return [{"id": ind_id, "label": None, "text": target, "value": None, "unit": None,
                 "period": None, "qualifier": None, "year": None, "year_role": None,
                 "percent": False}]
    out = []
    for i, p in enumerate(parts):
        compound = len(parts) > 1
        out.append({
            "id": f"{ind_id}{_LETTERS[i]}" if compound else ind_id,
            "label": (p.label or name) if compound else None,
            "text": p.text if compound else target,
            "value": p.value, "unit": p.unit, "period": p.period, "qualifier": p.qualifier,
            "year": p.year, "year_role": p.year_role, "percent": p.unit == "%",
        })
    return out


def _reporter_text(row: ReporterRow) -> dict[str, Any]:
    return {"departments": list(row.departments), "category": row.category, "text": row.text}


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


_JP = r"[\u3040-\u30ff\u4e00-\u9fff、。]"


def _join_japanese(text: str) -> str:
    """Remove the line-wrap spaces PDF extraction leaves between Japanese characters."""
    return re.sub(rf"(?<={_JP}) (?={_JP})", "", text)


# ---- overrides -------------------------------------------------------------------------------

_ID_TARGETS = ("initiative", "indicator", "measure")


def apply_overrides(doc: dict[str, Any], overrides: dict[str, Any], findings: Findings
                    ) -> list[dict[str, Any]]:
    """Apply the entries of an overrides document in order; return those that applied.

    Entry forms (each also has ``why`` and ``value``):
    ``{"path": "/plan/id"}`` — JSON-pointer-like path whose parent exists;
    ``{"initiative"|"indicator"|"measure": id, "field": name}`` — a field of that item;
    ``{"previous": measure id}`` — the previous year's actual of a measure (null removes it).
    """
    applied = []
    for entry in overrides.get("overrides", []):
        shown = _show(entry)
        if not isinstance(entry, dict) or "value" not in entry or not entry.get("why"):
            findings.add("import-override-invalid", value=shown, detail="why と value が必要です")
            continue
        if _apply_one(doc, entry):
            applied.append(entry)
        else:
            findings.add("import-override-unused", value=shown)
    return applied


def _apply_one(doc: dict[str, Any], entry: dict[str, Any]) -> bool:
    value = copy.deepcopy(entry["value"])
    if "path" in entry:
        return _set_path(doc, str(entry["path"]), value)
    if "previous" in entry:
        for ini in _initiatives(doc):
            if any(m["id"] == entry["previous"] for ind in ini["indicators"]
                   for m in ind["measures"]):
                values = ini.setdefault("previous", {"year": doc["plan"].get(
                    "previous_report", {}).get("year"), "values": {}, "status": [],
                    "plans": []})["values"]
                if value is None:
                    values.pop(entry["previous"], None)
                else:
                    values[entry["previous"]] = value
                return True
        return False
    for kind in _ID_TARGETS:
        if kind in entry and "field" in entry:
            for item in _items(doc, kind):
                if item["id"] == entry[kind]:
                    item[entry["field"]] = value
                    return True
            return False
    return False


def _set_path(doc: Any, path: str, value: Any) -> bool:
    keys = [k for k in path.split("/") if k]
    if not keys:
        return False
    node = doc
    for k in keys[:-1]:
        if isinstance(node, list) and k.isdigit() and int(k) < len(node):
            node = node[int(k)]
        elif isinstance(node, dict) and k in node:
            node = node[k]
        else:
            return False
    last = keys[-1]
    if isinstance(node, dict):
        node[last] = value
        return True
    if isinstance(node, list) and last.isdigit() and int(last) < len(node):
        node[int(last)] = value
        return True
    return False


def _initiatives(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [i for g in doc["goals"] for a in g["activities"] for i in a["initiatives"]]


def _items(doc: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    inis = _initiatives(doc)
    if kind == "initiative":
        return inis
    inds = [ind for i in inis for ind in i["indicators"]]
    return inds if kind == "indicator" else [m for ind in inds for m in ind["measures"]]


def _show(entry: Any) -> str:
    if not isinstance(entry, dict):
        return repr(entry)
    target = {k: entry[k] for k in ("path", "previous", *_ID_TARGETS, "field") if k in entry}
    return ", ".join(f"{k}={v}" for k, v in target.items()) or repr(entry)


# ---- what is still open after the overrides -------------------------------------------------

def _final_checks(doc: dict[str, Any], applied: list[dict[str, Any]], findings: Findings) -> None:
    paths = {e.get("path") for e in applied}
    plan = doc["plan"]
    if "/plan/id" not in paths:
        findings.add("import-plan-assumed", field="id", value=plan["id"])
    if not paths & {"/plan/period", "/plan/period/start", "/plan/period/end"}:
        findings.add("import-plan-assumed", field="period",
                     value=f"{plan['period']['start']}-{plan['period']['end']}")
    for ini in _initiatives(doc):
        values = ini.get("previous", {}).get("values", {})
        city = [r["department"] for r in ini["reporters"] if r["department"] != COUNCIL]
        for ind in ini["indicators"]:
            if not ind["owner"]:
                ind["owner"] = city[0] if city else CITY
                findings.add("import-no-owner", value=ind["owner"], indicator=ind["name"],
                             path=ind["id"], initiative_id=ini["id"])
            for m in ind["measures"]:
                if m["value"] is None:
                    findings.add("import-target-unparsed", value=ind["target"]["text"],
                                 indicator=ind["name"], path=m["id"], initiative_id=ini["id"])
                if m["id"] not in values:
                    findings.add("import-no-actual", indicator=ind["name"], path=m["id"],
                                 initiative_id=ini["id"])
