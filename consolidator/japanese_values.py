"""Japanese value parsing: numbers, units, reasons, fiscal years and plan targets.

The one module everyone uses to read a value the way the report writes it (and to write one
back: :func:`format_number`, :func:`wareki`). Pure functions, standard library only; the
Japanese descriptions of a reading are in :mod:`consolidator.messages`.

Decisions (documented here because every caller depends on them):

* ``名`` is a counter for people, like ``人``: :func:`canonical_unit` maps it to ``人``.
  ``カ所/か所/箇所/ヵ所/ヶ所/ケ所/個所`` map to ``カ所``, ``％`` to ``%``.
* ``年1回×2会場`` (once a year at each of two venues) is read as one quantity whose value is
  the product, ``2`` 回 a year; the text keeps the original wording.
* A reason word (中止, 実績なし …) is never a zero: the value is ``None`` and ``reason`` is set.
* ``前後`` (about) is reported as the qualifier ``程度``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Literal

from consolidator.messages import NUMBER_DETAIL_TEXT as DETAIL_TEXT

# ---- text normalisation -------------------------------------------------------------------

_WIDE = {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)}
_WIDE.update({"\u3000": " ", "\u301c": "~", "\u2212": "-", "\u2010": "-", "\u2011": "-",
              "\u2013": "-", "\u2014": "-"})
_TRANSLATE = str.maketrans(_WIDE)


def collapse_space(s: str) -> str:
    """Strip and collapse every whitespace run (line breaks, ideographic spaces) to one space."""
    return " ".join(s.split())


def normalize_text(s: str) -> str:
    """Full-width ASCII (digits, letters, ％，．～ …) to half-width, whitespace collapsed.

    Only the full-width ASCII block and a few dashes are mapped, one character to one, so
    Japanese text (①②, カタカナ, 【】) is left untouched and positions in the collapsed text
    stay valid in the result.
    """
    return collapse_space(s).translate(_TRANSLATE)


# ---- reasons ------------------------------------------------------------------------------

REASONS = ("中止", "実績なし", "開催なし", "実施なし", "未実施", "集計中")
_REASON_RE = re.compile("|".join(sorted(REASONS, key=len, reverse=True)))


def find_reason(text: str) -> str | None:
    """The first reason word (中止, 実績なし …) in ``text``, or None."""
    m = _REASON_RE.search(normalize_text(text))
    return m.group(0) if m else None


# ---- units --------------------------------------------------------------------------------

UNITS = ("人", "回", "件", "地区", "地区社協", "カ所", "校", "団体", "グループ", "事業所", "企業",
         "世帯", "日", "%", "枚", "部", "食", "サロン", "点", "法人", "施設", "学級", "会場",
         "冊", "時間")
"""Canonical units. Aliases (see ``UNIT_ALIASES``) are mapped onto these."""

UNIT_ALIASES = {
    "名": "人",
    "か所": "カ所", "箇所": "カ所", "ヵ所": "カ所", "ヶ所": "カ所", "ケ所": "カ所", "個所": "カ所",
    "％": "%",
}
_UNIT_WORDS = sorted({*UNITS, *(k.strip() for k in UNIT_ALIASES)}, key=len, reverse=True)
UNIT_PATTERN = "|".join(re.escape(u) for u in _UNIT_WORDS)


def canonical_unit(s: str | None) -> str | None:
    """The canonical form of a unit word (``か所`` → ``カ所``, ``名`` → ``人``); None if unknown."""
    if s is None:
        return None
    t = normalize_text(s)
    if t in UNITS:
        return t
    return UNIT_ALIASES.get(t) or UNIT_ALIASES.get(s.strip())


# ---- numbers ------------------------------------------------------------------------------

NUMBER_PATTERN = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_QUALIFIERS = {"以上": "以上", "以下": "以下", "未満": "未満", "程度": "程度", "前後": "程度",
               "維持": "維持"}
AT_MOST, BELOW = "以下", "未満"  # target qualifiers for which a lower value is better
AT_LEAST = "以上"  # the target is a minimum
# a unit must end the word: what may follow it
UNIT_END_PATTERN = _UNIT_END = (r"(?=$|[\s()（）【】\[\]〔〕、。,.・/※…~×xX*:]"
                                 r"|以上|以下|未満|程度|前後|維持|ずつ)")


def to_number(s: str) -> int | float:
    """``"1,970"`` → 1970, ``"57.5"`` → 57.5. Integers stay int."""
    t = s.replace(",", "")
    return float(t) if "." in t else int(t)


@dataclass(frozen=True)
class Quantity:
    text: str
    value: int | float | None
    unit: str | None
    reason: str | None


_QTY_RE = re.compile(
    rf"(?<![\dA-Za-z.])(?P<num>{NUMBER_PATTERN})\s*(?P<unit>{UNIT_PATTERN}){_UNIT_END}"
    rf"(?:\s*[×xX*]\s*(?P<mul>\d+)\s*(?:{UNIT_PATTERN})?)?")
_LOOSE_QTY_RE = re.compile(
    rf"(?<![\dA-Za-z.])(?P<num>{NUMBER_PATTERN})\s*(?P<unit>{UNIT_PATTERN})")
_BARE_RE = re.compile(rf"(?<![\dA-Za-z.,])(?P<num>{NUMBER_PATTERN})(?![\d.,])")


def parse_quantity(text: str) -> Quantity | None:
    """One quantity from ``text``: the first number with a unit, else a lone bare number, else
    a reason word (value None). None when nothing sensible is found."""
    t = normalize_text(text)
    if not t:
        return None
    m = _QTY_RE.search(t)
    if m:
        value = to_number(m.group("num"))
        if m.group("mul") and isinstance(value, int):
            value *= int(m.group("mul"))
        return Quantity(t, value, canonical_unit(m.group("unit")), None)
    loose = list(_LOOSE_QTY_RE.finditer(t))
    if len(loose) == 1:  # a number inside a sentence: 第2層コーディネーターを7人配置
        return Quantity(t, to_number(loose[0].group("num")),
                        canonical_unit(loose[0].group("unit")), None)
    reason = find_reason(t)
    if reason:
        return Quantity(t, None, None, reason)
    bare = list(_BARE_RE.finditer(t))
    if len(bare) == 1:
        return Quantity(t, to_number(bare[0].group("num")), None, None)
    return None


# ---- fiscal years -------------------------------------------------------------------------

_ERA_BASE = {"令和": 2018, "R": 2018, "平成": 1988, "H": 1988}
_WESTERN_IN_BRACKETS = re.compile(r"\(\s*((?:19|20)\d\d)\s*\)")
_ERA_RE = re.compile(r"(?<![A-Za-z])(令和|平成|R|H)\s*(\d{1,2}|元)(?!\d)")
_WESTERN_RE = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")


def parse_fiscal_year(text: str) -> int | None:
    """``令和4年度`` → 2022, ``H30(2018)`` → 2018 (a bracketed western year wins), ``R4`` → 2022,
    ``2022年度`` → 2022."""
    t = normalize_text(text)
    m = _WESTERN_IN_BRACKETS.search(t)
    if m:
        return int(m.group(1))
    m = _ERA_RE.search(t)
    if m:
        n = 1 if m.group(2) == "元" else int(m.group(2))
        return _ERA_BASE[m.group(1)] + n
    m = _WESTERN_RE.search(t)
    return int(m.group(1)) if m else None


_DATE_RE = re.compile(r"(?:(?P<era>令和|平成|R|H)\s*(?P<n>\d{1,2}|元)|(?P<y>(?:19|20)\d\d))?"
                      r"\s*[年./-]?\s*(?P<m>\d{1,2})\s*[月./-]\s*(?P<d>\d{1,2})(?!\d)")


def parse_date(text: str, default_year: int) -> date | None:
    """A date as people write a deadline: ``2023年5月31日``, ``令和5年5月31日``, ``R5.5.31``,
    ``2023-05-31``, ``2023/5/31``, ``５月３１日（水）`` (no year: ``default_year``); None when
    there is none."""
    m = _DATE_RE.search(normalize_text(text))
    if m is None:
        return None
    if m.group("era"):
        year = _ERA_BASE[m.group("era")] + (1 if m.group("n") == "元" else int(m.group("n")))
    else:
        year = int(m.group("y")) if m.group("y") else default_year
    try:
        return date(year, int(m.group("m")), int(m.group("d")))
    except ValueError:
        return None


# ---- plan targets -------------------------------------------------------------------------

@dataclass(frozen=True)
class TargetPart:
    text: str
    label: str | None
    value: int | float | None
    unit: str | None
    period: str | None
    qualifier: str | None
    year: int | None
    year_role: str | None


_YEAR_TOKEN = (r"(?:(?:令和|平成|R|H)\s*(?:\d{1,2}|元)\s*(?:年度|年)?\s*"
               r"(?:\(\s*(?:19|20)\d\d\s*\))?|\(\s*(?:19|20)\d\d\s*\))(?P<start>\s*(?:~|から))?")
_TARGET_RE = re.compile(
    rf"(?P<year>{_YEAR_TOKEN})"
    r"|(?:(?P<period>毎年|隔年|年度|累計|年)\s*)?(?:(?P<each>各)\s*)?"
    rf"(?<![\dA-Za-z.])(?P<num>{NUMBER_PATTERN})(?![\d.])"
    rf"(?:\s*(?P<unit>{UNIT_PATTERN})(?P<unit_end>{_UNIT_END})?)?"
    rf"(?:\s*[×xX*]\s*(?P<mul>\d+)\s*(?P<munit>{UNIT_PATTERN})?)?"
    r"(?:\s*(?P<qual>以上|以下|未満|程度|前後|維持))?")
_BOUNDARY_AFTER = re.compile(r"$|[\s()、。,]")


def _target_matches(t: str) -> list[re.Match[str]]:
    """Year tokens and quantities that can belong to a target (not ``1 人あたり``, ``110番``)."""
    found = []
    for m in _TARGET_RE.finditer(t):
        if m.group("year"):
            found.append(m)
            continue
        if m.group("unit") is not None:
            ok = m.group("unit_end") is not None or m.group("period") is not None
        else:
            ok = _BOUNDARY_AFTER.match(t, m.end()) is not None
        if ok:
            found.append(m)
    return found


def split_name_target(text: str) -> tuple[str, str]:
    """Split an indicator bullet into its name and its target, both whitespace-collapsed.

    The target starts at the first year token (``H32(2020)``) or target quantity
    (``年2回``, ``25 地区社協``); a label glued to a bare number (``児童館2``) goes with the target.
    """
    original = collapse_space(text)
    t = original.translate(_TRANSLATE)
    matches = _target_matches(t)
    if not matches:
        return original, ""
    m = matches[0]
    start = m.start()
    if not m.group("year") and start > 0 and not t[start - 1].isspace():
        back = t.rfind(" ", 0, start) + 1
        if back > 0:
            start = back
    name = original[:start].strip()
    if not name:
        return original, ""
    return name, original[start:].strip()


def parse_target(text: str) -> list[TargetPart]:
    """The separately valued parts of a plan target.

    ``H32(2020) 250人`` → one part (250 人, year 2020, deadline); ``H30(2018)～ 年2地区`` → year
    2018 as start; ``指定小学校 年2校 指定中学校 年2校 …`` → one part per label. Text without a
    number gives ``[]``, or one part with value None when it names a year.
    """
    t = normalize_text(text)
    parts: list[TargetPart] = []
    starts: list[int] = []
    year: int | None = None
    role: str | None = None
    label_start = 0
    for m in _target_matches(t):
        if m.group("year"):
            year = parse_fiscal_year(m.group("year"))
            role = "start" if m.group("start") else "deadline"
            label_start = m.end()
            continue
        value = to_number(m.group("num"))
        if m.group("mul") and isinstance(value, int):
            value *= int(m.group("mul"))
        label = t[label_start:m.start()].strip() or None
        qualifier = "各" if m.group("each") else None
        if m.group("qual"):
            qualifier = _QUALIFIERS[m.group("qual")]
        parts.append(TargetPart(
            text=t[label_start:m.end()].strip(), label=label, value=value,
            unit=canonical_unit(m.group("unit")), period=m.group("period"), qualifier=qualifier,
            year=year, year_role=role if year is not None else None))
        starts.append(label_start)
        label_start = m.end()
    if parts and t[label_start:].strip():
        # trailing words (各事業年1回点検) stay with the last part's text
        parts[-1] = replace(parts[-1], text=t[starts[-1]:].strip())
    if not parts and year is not None:
        parts.append(TargetPart(t, None, None, None, None, None, year, role))
    return parts


def format_number(v: int | float) -> str:
    """54604 → 54,604; 57.5 → 57.5 (Python's shortest float form, with separators): a
    number as the report writes it. The inverse of :func:`to_number`."""
    if isinstance(v, int) or float(v).is_integer():
        return f"{int(v):,}"
    return f"{v:,}"


def wareki(year: int) -> str:
    """Western fiscal year → 令和N年 (2019 = 令和元年)."""
    if year >= 2019:
        n = year - 2018
        return "令和元年" if n == 1 else f"令和{n}年"
    return f"平成{year - 1988}年"


# ---- what a person typed into a number cell -----------------------------------------------

NumberStatus = Literal["ok", "empty", "normalised", "unit-mismatch", "approximate", "range",
                       "reason-word", "negative", "percent-over", "not-a-number"]


@dataclass(frozen=True)
class NumberReading:
    """What a number cell holds: a value (only for ok and normalised), how it was read, and a
    short Japanese description of what was changed or why it was rejected."""

    value: int | float | None
    status: NumberStatus
    detail: str


_PLAIN_RE = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_APPROX_RE = re.compile(r"^(?:約|およそ|概ね)"
                        r"|(?:程度|前後|以上|以下|未満|くらい|ぐらい|ほど|強|弱)$")
_RANGE_RE = re.compile(rf"^(?:{NUMBER_PATTERN})\s*\S*?\s*[~\-ー〜～]\s*(?:{NUMBER_PATTERN})\S*$")
_NUM_UNIT_RE = re.compile(rf"^(?P<num>-?(?:{NUMBER_PATTERN}))\s*(?P<unit>\S+)?$")


def _checked(value: int | float, percent: bool, changes: list[str]) -> NumberReading:
    if value < 0:
        return NumberReading(None, "negative", DETAIL_TEXT["negative"])
    if percent and value > 100:
        return NumberReading(None, "percent-over", DETAIL_TEXT["percent-over"])
    if changes:
        return NumberReading(value, "normalised", "、".join(changes))
    return NumberReading(value, "ok", "")


def read_number(raw: object, unit: str | None, percent: bool = False) -> NumberReading:
    """Validate what a person typed into a number cell (see the status values in the module
    docs of the validator): ok, empty, normalised, unit-mismatch, approximate, range,
    reason-word, negative, percent-over, not-a-number. Only ok/normalised carry a value."""
    nan = NumberReading(None, "not-a-number", DETAIL_TEXT["not-a-number"])
    if raw is None:
        return NumberReading(None, "empty", DETAIL_TEXT["empty"])
    if isinstance(raw, bool):
        return nan
    if isinstance(raw, int | float):
        if isinstance(raw, float):
            if not math.isfinite(raw):
                return nan
            if raw.is_integer():
                raw = int(raw)
        return _checked(raw, percent, [])
    if not isinstance(raw, str):
        return nan
    if not raw.strip():
        return NumberReading(None, "empty", DETAIL_TEXT["empty"])
    if _PLAIN_RE.fullmatch(raw):
        return _checked(to_number(raw), percent, [])
    changes: list[str] = []
    s = raw
    if s != s.strip():
        changes.append(DETAIL_TEXT["strip"])
        s = s.strip()
    if s[:1] in ("'", "’", "‘"):
        changes.append(DETAIL_TEXT["apostrophe"])
        s = s[1:].strip()
    t = normalize_text(s)
    if t != collapse_space(s):
        changes.append(DETAIL_TEXT["wide"])
    compact = t.replace(" ", "")
    if compact in REASONS:
        return NumberReading(None, "reason-word", DETAIL_TEXT["reason-word"].format(reason=compact))
    if _RANGE_RE.match(t):
        return NumberReading(None, "range", DETAIL_TEXT["range"])
    if _APPROX_RE.search(compact):
        return NumberReading(None, "approximate", DETAIL_TEXT["approximate"])
    m = _NUM_UNIT_RE.match(t)
    if not m:
        return nan
    num, found = m.group("num"), m.group("unit")
    if "," in num:
        if not re.fullmatch(r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?", num):
            return nan
        changes.append(DETAIL_TEXT["comma"])
    if found is not None:
        found_unit = canonical_unit(found)
        if found_unit is None:
            return nan
        if found_unit == "%" and (percent or canonical_unit(unit) == "%"):
            changes.append(DETAIL_TEXT["percent"])
        elif unit is not None and found_unit == canonical_unit(unit):
            changes.append(DETAIL_TEXT["unit"].format(unit=found))
        else:
            return NumberReading(None, "unit-mismatch", DETAIL_TEXT["unit-mismatch"].format(
                found=found, unit=unit or ""))
    value = to_number(num.lstrip("-"))
    if num.startswith("-"):
        value = -value
    return _checked(value, percent, changes)
