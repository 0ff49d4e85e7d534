"""Placing the previous year's actual values (令和3年度実績値) on the plan's measures.

The report writes actuals as ``・name value`` bullets in the last column of a results row, or
as lines after the table. Names differ slightly from the plan's (``地域ケア会議(民協関連)等への
出席 9件`` for ``地域ケア会議等への出席``), so each bullet is matched by name similarity, best pairs
first. Bullets that are not indicators (``・車いす:35件``) go into the note of the nearest placed
value of the same cell; a cell with nothing placed is reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from consolidator.findings import Findings
from consolidator.japanese_values import (
    UNIT_END_PATTERN,
    UNIT_PATTERN,
    canonical_unit,
    find_reason,
    normalize_text,
    parse_quantity,
    parse_target,
)
from consolidator.plan.report_import import lines as rt
from consolidator.plan.report_import.layout import InitiativeDraft

THRESHOLD = 0.5
UNIT_MISMATCH_FACTOR = 0.85
OTHER_REASON = "その他"


@dataclass
class Segment:
    """One actual value as written: a bullet of a value cell or a bullet after the table."""

    line: int
    organisation: str | None
    departments: list[str]
    name: str
    value: str
    cell: int
    text: str
    heading: bool = False


@dataclass
class Placement:
    values: dict[str, dict[str, Any]] = field(default_factory=dict)
    reported_by: dict[str, list[str]] = field(default_factory=dict)  # indicator id → departments


_VALUE_START_RE = re.compile(
    rf"(?<![\dA-Za-z.])(?:(?:累計|延べ|計|約|各|年|全|総)\s*)?\d[\d,]*(?:\.\d+)?\s*(?:{UNIT_PATTERN})"
    rf"{UNIT_END_PATTERN}|※")
_HEADING_MARKS = "○●◆◇■□"


def split_name_value(text: str) -> tuple[str, str]:
    """``地区社協連研修会 1回`` → (``地区社協連研修会``, ``1回``); ``… 実績なし`` likewise."""
    t = normalize_text(text)
    starts = [m.start() for m in [_VALUE_START_RE.search(t)] if m]
    reason = find_reason(t)
    if reason:
        starts.append(t.index(reason))
    if not starts:
        return t, ""
    start = min(starts)
    return t[:start].strip(" :："), t[start:].strip()


def segments_of(draft: InitiativeDraft) -> list[Segment]:
    out: list[Segment] = []
    for cell, row in enumerate(draft.results):
        if not row.values:
            continue
        lead, bullets = rt.split_bullets(row.values)
        if lead:
            name, value = split_name_value(lead)
            heading = bool(bullets) and not value
            out.append(Segment(row.line, row.organisation, row.departments,
                               name.lstrip(_HEADING_MARKS),
                               value, cell, lead, heading))
        for b in bullets:
            name, value = split_name_value(b)
            out.append(Segment(row.line, row.organisation, row.departments, name, value, cell, b))
    base = len(draft.results)
    for i, tv in enumerate(draft.trailing):
        value = " ".join(tv.values)
        out.append(Segment(tv.line, None, [], tv.name, value, base + i,
                           f"{tv.name} {value}".strip()))
    return out


_PARENS_RE = re.compile(r"\([^)]*\)|【[^】]*】")


def _key(s: str) -> str:
    return normalize_text(s).replace(" ", "").lstrip("・" + _HEADING_MARKS)


def similarity(a: str, b: str) -> float:
    """Name similarity in [0, 1]: difflib ratio, parenthetical remarks ignored, containment
    of one name in the other counted as 0.9."""
    a1, b1 = _key(a), _key(b)
    if not a1 or not b1:
        return 0.0
    best = 0.0
    for x in {a1, _PARENS_RE.sub("", a1)}:
        if not x:
            continue
        best = max(best, SequenceMatcher(None, x, b1, autojunk=False).ratio())
        if min(len(x), len(b1)) >= 4 and (x in b1 or b1 in x):
            best = max(best, 0.9)
    return best


def _keys(indicator: dict[str, Any]) -> list[str]:
    keys = [indicator["name"]]
    if len(indicator["measures"]) > 1:
        for m in indicator["measures"]:
            if m["label"]:
                keys += [indicator["name"] + m["label"], m["label"]]
    return keys


def _score(seg: Segment, indicator: dict[str, Any]) -> float:
    s = max(similarity(seg.name, k) for k in _keys(indicator))
    q = parse_quantity(seg.value) if seg.value else None
    units = {m["unit"] for m in indicator["measures"] if m["unit"]}
    if q and q.unit and units and q.unit not in units:
        s *= UNIT_MISMATCH_FACTOR
    return s


def _actual(text: str, note: str | None = None) -> dict[str, Any]:
    q = parse_quantity(text) if text else None
    if q is None:
        return {"text": text, "value": None, "unit": None, "reason": OTHER_REASON, "note": note}
    return {"text": text, "value": q.value, "unit": q.unit,
            "reason": q.reason if q.value is None else None, "note": note}


def _last_word(label: str | None) -> str:
    return (label or "").split(" ")[-1]


def _fill(indicator: dict[str, Any], seg: Segment, free: list[dict[str, Any]]
          ) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """The measures ``seg`` gives values for, with their actuals."""
    if len(indicator["measures"]) == 1:
        return [(free[0], _actual(seg.value or seg.text))]
    parts = [p for p in parse_target(seg.text) if p.value is not None]
    if len(parts) >= 2:
        out = []
        left = list(free)
        for p in parts:
            if not left:
                break
            best = max(left, key=lambda m: similarity(_last_word(p.label), m["label"] or ""))
            if similarity(_last_word(p.label), best["label"] or "") < THRESHOLD:
                continue
            left.remove(best)
            text = p.text[len(p.label or ""):].strip() if p.label else p.text
            out.append((best, {"text": text, "value": p.value, "unit": canonical_unit(p.unit),
                               "reason": None, "note": None}))
        if out:
            return out
    best = max(free, key=lambda m: max(similarity(seg.name, indicator["name"] + (m["label"] or "")),
                                       similarity(seg.name, m["label"] or "")))
    return [(best, _actual(seg.value or seg.text))]


def place_actuals(indicators: list[dict[str, Any]], segments: list[Segment], findings: Findings
                  ) -> Placement:
    """Match each value bullet to the indicator with the most similar name (same organisation
    when the row says so), best pairs first; an indicator takes at most one bullet per measure.
    """
    out = Placement()
    pairs = []
    for si, seg in enumerate(segments):
        if seg.heading:
            continue
        for ii, ind in enumerate(indicators):
            if seg.organisation is not None and ind["organisation"] != seg.organisation:
                continue
            score = _score(seg, ind)
            if score >= THRESHOLD:
                pairs.append((-score, si, ii))
    pairs.sort()
    free = {ind["id"]: list(ind["measures"]) for ind in indicators}
    placed: dict[int, str] = {}  # segment index → first measure id it filled
    for _, si, ii in pairs:
        ind = indicators[ii]
        if si in placed or not free[ind["id"]]:
            continue
        seg = segments[si]
        filled = _fill(ind, seg, free[ind["id"]])
        for measure, actual in filled:
            free[ind["id"]].remove(measure)
            out.values[measure["id"]] = actual
        out.reported_by.setdefault(ind["id"], seg.departments)
        placed[si] = filled[0][0]["id"]
    _keep_extras(segments, placed, out, findings)
    return out


def _keep_extras(segments: list[Segment], placed: dict[int, str], out: Placement,
                 findings: Findings) -> None:
    """Bullets that are not indicator values go into the note of the nearest placed value of
    the same cell (before them, else after); a cell with none placed is reported."""
    for si, seg in enumerate(segments):
        if si in placed:
            continue
        same_cell = [i for i in placed if segments[i].cell == seg.cell]
        if not same_cell:
            findings.add("import-unmatched-actual", value=seg.text, line=seg.line)
            continue
        before = [i for i in same_cell if i < si]
        host = max(before) if before else min(same_cell)
        actual = out.values[placed[host]]
        actual["note"] = f"{actual['note']} / {seg.text}" if actual["note"] else seg.text
        findings.add("import-extra-actual", value=seg.text, line=seg.line, path=placed[host])
