"""Catalog documents of earlier schema versions, upgraded when read.

A catalog file is written by the toolkit (``plan import``, ``consolidate``) and kept by the
secretariat from year to year, so every version ever written must stay readable. Each step
upgrades one version to the next; :func:`upgrade` applies them in turn. The upgraded
document is what every other module sees; the file itself is never rewritten.

- 1 → 2: the reporting departments were called ``units`` (``units``, ``reporters[].unit``,
  ``previous.status[].units``, ``previous.plans[].units``); "unit" now only means a counting
  unit (人, 回).
"""

from __future__ import annotations

import copy
from typing import Any

CURRENT_VERSION = 2


def upgrade(doc: Any) -> Any:
    """``doc`` at the current schema version (a copy when anything changed). Anything that is
    not a catalog of a known older version is returned as it is, for the checker to report."""
    if not isinstance(doc, dict):
        return doc
    version = doc.get("schema_version")
    if version == 1:
        doc = _v1_to_v2(copy.deepcopy(doc))
    return doc


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


def _initiatives(doc: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for goal in doc.get("goals") or []:
        for activity in (goal.get("activities") or []) if isinstance(goal, dict) else []:
            if isinstance(activity, dict):
                out.extend(i for i in activity.get("initiatives") or [] if isinstance(i, dict))
    return out
