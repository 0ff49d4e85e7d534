"""Next year's catalog: this year's consolidated results become the "previous report".

The yearly cycle starts again from this year's master: the plan stays the same, and what the
departments reported this year (values, implementation texts, next-year plans) is what next year's
templates show as last year's actuals and last year's plans.
"""

from __future__ import annotations

import copy
from typing import Any

from consolidator.japanese_values import format_number, wareki
from consolidator.messages import MASTER_TEXT, fill
from consolidator.report.merge import Consolidated, InitiativeResult, TextRow


def next_catalog(c: Consolidated) -> dict[str, Any]:
    """Next year's catalog document: this plan, report year + 1, and this year's values,
    reasons and texts as the previous report."""
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
                ini["previous"] = _previous(results[ini["id"]], c.year)
    return doc


def _previous(r: InitiativeResult, year: int) -> dict[str, Any]:
    values = {}
    for m in r.measures:
        if m.value is not None:
            unit = m.measure.unit
            values[m.measure.id] = {"text": f"{format_number(m.value)}{unit or ''}",
                                    "value": m.value,
                                    "unit": unit, "reason": None, "note": None}
        elif m.reason:
            values[m.measure.id] = {"text": m.reason, "value": None, "unit": None,
                                    "reason": m.reason, "note": m.reason_text or None}
    return {"year": year, "values": values, "status": _texts(r.status), "plans": _texts(r.plans)}


def _texts(rows: list[TextRow]) -> list[dict[str, Any]]:
    return [{"departments": [t.department], "category": t.category, "text": t.text}
            for t in rows if t.text]
