"""Next year's catalog: this year's consolidated results become the "previous report".

The yearly cycle starts again from this year's master: the plan stays the same, and what the
departments reported this year (values, implementation texts, next-year plans) is what next
year's templates show as last year's actuals and last year's plans. Every measure keeps its
whole history: the values of all past years, each with the target of that year's plan and
the department's explanation of a change (増減の理由), so a later step can show the trend,
and why a year stood out, from the catalog alone.
"""

from __future__ import annotations

import copy
from typing import Any

from consolidator.japanese_values import format_number, wareki
from consolidator.messages import MASTER_TEXT, fill
from consolidator.report.merge import Consolidated, InitiativeResult, MeasureResult, TextRow


def next_catalog(c: Consolidated) -> dict[str, Any]:
    """Next year's catalog document: this plan, report year + 1, this year's texts as the
    previous report, and this year's value or reason added to each measure's history (an
    entry of the same year is replaced; a measure nothing was accepted for keeps what it
    had)."""
    doc = copy.deepcopy(c.catalog.doc)
    doc["plan"]["report_year"] = c.year + 1
    doc["plan"]["previous_report"] = {
        "year": c.year,
        "title": fill(MASTER_TEXT["previous-report-title"], year=wareki(c.year),
                      next_year=wareki(c.year + 1)),
        "source": "consolidator consolidate",
    }
    results = {r.initiative.id: r for r in c.initiatives}
    for goal in doc["goals"]:
        for activity in goal["activities"]:
            for ini in activity["initiatives"]:
                result = results[ini["id"]]
                ini["previous"] = _previous(result, c.year)
                _add_history(ini, result, c.year)
    return doc


def _previous(r: InitiativeResult, year: int) -> dict[str, Any]:
    return {"year": year, "status": _texts(r.status), "plans": _texts(r.plans)}


def _add_history(ini: dict[str, Any], r: InitiativeResult, year: int) -> None:
    accepted = {m.measure.id: m for m in r.measures}
    for ind in ini["indicators"]:
        for measure in ind["measures"]:
            m = accepted.get(measure["id"])
            entry = _entry(m, year) if m is not None else None
            if entry is None:
                continue
            kept = [h for h in measure.get("history", []) if h["year"] != year]
            measure["history"] = sorted([*kept, entry], key=lambda h: h["year"])


def _entry(m: MeasureResult, year: int) -> dict[str, Any] | None:
    if m.value is not None:
        unit = m.measure.unit
        entry = {"year": year, "text": f"{format_number(m.value)}{unit or ''}",
                 "value": m.value, "unit": unit, "reason": None, "note": None,
                 "target": m.target}
        if m.explanation:  # why the value was far off (or whatever the department said)
            entry["explanation"] = m.explanation
        return entry
    if m.reason:
        return {"year": year, "text": m.reason, "value": None, "unit": None, "reason": m.reason,
                "note": m.reason_text or None, "target": m.target}
    return None


def _texts(rows: list[TextRow]) -> list[dict[str, Any]]:
    return [{"departments": [t.department], "category": t.category, "text": t.text}
            for t in rows if t.text]
