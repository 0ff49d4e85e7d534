"""Catalog documents of earlier schema versions, upgraded when read.

A catalog file is written by the toolkit (``plan import``, ``consolidate``) and kept by the
secretariat from year to year, so every version ever written must stay readable. Each step
upgrades one version to the next; :func:`upgrade` applies them in turn. The upgraded
document is what every other module sees; the file itself is never rewritten.

- 1 → 2: the reporting departments were called ``units`` (``units``, ``reporters[].unit``,
  ``previous.status[].units``, ``previous.plans[].units``); "unit" now only means a counting
  unit (人, 回).
- 2 → 3: the previous year's values (``previous.values``, keyed by measure id) move into
  each measure's ``history`` (one entry per past year, with that year's numeric target), so
  a catalog can carry every past year, not only the last. A value keyed by an id the
  initiative has no measure for stays in ``previous.values``, for the checker to report.
- 3 → 4: two optional fields, nothing to move: a measure's own threshold of the change
  check (``change_factor``, default
  :data:`consolidator.plan.change_rule.DEFAULT_CHANGE_FACTOR`) and the department's
  explanation of a change, kept with a past year's actual (``history[].explanation``). A
  version 3 catalog is a version 4 catalog that uses neither.
"""

from __future__ import annotations

import copy
from typing import Any

CURRENT_VERSION = 4


def upgrade(doc: Any) -> Any:
    """``doc`` at the current schema version (a copy when anything changed). Anything that is
    not a catalog of a known older version is returned as it is, for the checker to report."""
    if not isinstance(doc, dict) or doc.get("schema_version") not in (1, 2, 3):
        return doc
    doc = copy.deepcopy(doc)
    if doc.get("schema_version") == 1:
        doc = _v1_to_v2(doc)
    if doc.get("schema_version") == 2:
        doc = _v2_to_v3(doc)
    return _v3_to_v4(doc)


def _rename(node: Any, old: str, new: str) -> None:
    if isinstance(node, dict) and old in node and new not in node:
        node[new] = node.pop(old)


def _v1_to_v2(doc: dict[str, Any]) -> dict[str, Any]:
    ordered = {}
    for key, value in doc.items():  # keep the key order of the file
        ordered["departments" if key == "units" else key] = value
    ordered["schema_version"] = 2
    for initiative in _initiatives(ordered):
        for reporter in initiative.get("reporters") or []:
            _rename(reporter, "unit", "department")
        previous = initiative.get("previous")
        if isinstance(previous, dict):
            for section in ("status", "plans"):
                for row in previous.get(section) or []:
                    _rename(row, "units", "departments")
    return ordered


def _v2_to_v3(doc: dict[str, Any]) -> dict[str, Any]:
    doc["schema_version"] = 3
    for initiative in _initiatives(doc):
        previous = initiative.get("previous")
        if isinstance(previous, dict) and isinstance(previous.get("values"), dict):
            left = values_into_history(initiative, previous["values"], previous.get("year"))
            if left:
                previous["values"] = left
            else:
                del previous["values"]
    return doc


def _v3_to_v4(doc: dict[str, Any]) -> dict[str, Any]:
    doc["schema_version"] = 4
    return doc


def values_into_history(initiative: dict[str, Any], values: dict[str, Any], year: Any
                        ) -> dict[str, Any]:
    """Put one year's ``values`` (measure id → actual) into the history of the initiative's
    measures, with each measure's numeric target; return the values no measure took."""
    measures = {m["id"]: m for ind in initiative.get("indicators") or [] if isinstance(ind, dict)
                for m in ind.get("measures") or [] if isinstance(m, dict) and "id" in m}
    left = {}
    for key, actual in values.items():
        measure = measures.get(key)
        if measure is None or not isinstance(actual, dict):
            left[key] = actual
            continue
        entry = {"year": year, **actual, "target": measure.get("value")}
        before = measure.get("history")
        history = [h for h in (before if isinstance(before, list) else [])
                   if not (isinstance(h, dict) and h.get("year") == year)]
        measure["history"] = sorted([*history, entry], key=_year_of)
    return left


def _year_of(entry: Any) -> int:
    year = entry.get("year") if isinstance(entry, dict) else None
    return year if isinstance(year, int) else 0


def _initiatives(doc: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for goal in doc.get("goals") or []:
        for activity in (goal.get("activities") or []) if isinstance(goal, dict) else []:
            if isinstance(activity, dict):
                out.extend(i for i in activity.get("initiatives") or [] if isinstance(i, dict))
    return out
