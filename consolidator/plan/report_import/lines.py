"""The report's text layout: lines, tab-separated cells, bullets, brackets, department names.

The progress report, extracted from PDF, is a sequence of headings and tab-separated table
rows. This module knows how a line and a cell are written; :mod:`.layout` knows where the
lines belong, :mod:`.importer` what they mean.
"""

from __future__ import annotations

import re

from consolidator.japanese_values import collapse_space
from consolidator.plan.catalog import CATEGORIES, CIRCLED, NEW_TAG

_TAG_RE = re.compile(r"<[^>]*>")
_BULLET_RE = re.compile(r"(?:^|(?<=\s))・")
_CIRCLED_RE = re.compile(f"[{CIRCLED}]")
_BRACKET_RE = re.compile(r"\s*[〔\[［]([^〕\]］]+)[〕\]］]")
_DEPARTMENT_RE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]{1,12}(?:課|図書館)")
_CATEGORY_RE = re.compile(rf"^【({'|'.join(CATEGORIES)})】\s*")
_CAPTION_RE = re.compile(r"^【[^】]+】$")


def clean_cell(text: str) -> str:
    """A cell's text: HTML fragments (``<ul><li>``) removed, whitespace collapsed."""
    return collapse_space(_TAG_RE.sub(" ", text))


def cells(line: str) -> list[str]:
    return [clean_cell(c) for c in line.split("\t")]


def is_caption(text: str) -> bool:
    """An image caption alone on a line: ``【車いす体験】``."""
    return bool(_CAPTION_RE.match(text.strip()))


def split_bullets(text: str) -> tuple[str, list[str]]:
    """Text before the first ``・`` bullet, and the bullets' texts.

    A bullet is a ``・`` at the start of the text or after whitespace; a ``・`` inside a word
    (介護予防・生活支援サポーター) is not one.
    """
    pieces = _BULLET_RE.split(text)
    return pieces[0].strip(), [p.strip() for p in pieces[1:] if p.strip()]


def split_circled(text: str) -> tuple[str, list[tuple[str, str]]]:
    """Text before the first ①, and (mark, text) for each ①② … item."""
    marks = list(_CIRCLED_RE.finditer(text))
    if not marks:
        return text.strip(), []
    items = []
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        items.append((m.group(0), text[m.end():end].strip()))
    return text[:marks[0].start()].strip(), items


def starts_with_circled(text: str) -> bool:
    return bool(text) and text[0] in CIRCLED


def is_department(name: str) -> bool:
    return bool(_DEPARTMENT_RE.fullmatch(name))


def department_list(text: str) -> list[str] | None:
    """``生活安全課 地域福祉課`` → both names; None unless every word is a department name."""
    words = text.split()
    return words if words and all(is_department(w) for w in words) else None


def take_departments(text: str) -> tuple[str, list[str]]:
    """Remove bracketed department names (〔地域福祉課〕, [高齢福祉課]) from ``text``.

    Brackets holding anything else (〔小・中学校対象〕, 〔市ボ連〕) stay in the text.
    """
    found: list[str] = []

    def repl(m: re.Match[str]) -> str:
        name = m.group(1).strip()
        if is_department(name):
            found.append(name)
            return ""
        return m.group(0)

    return collapse_space(_BRACKET_RE.sub(repl, text)), found


def take_new_tag(text: str) -> tuple[str, bool]:
    """Remove 【新規】 from an action's text; True when it was there."""
    if NEW_TAG not in text:
        return text, False
    return collapse_space(text.replace(NEW_TAG, " ")), True


def take_category(text: str) -> tuple[str | None, str]:
    """A leading 【独自】/【受託】/【補助】 tag and the rest of the text."""
    m = _CATEGORY_RE.match(text)
    return (m.group(1), text[m.end():].strip()) if m else (None, text)


def leading_departments(text: str) -> tuple[list[str], str]:
    """Department names written at the start of a cell (``地域福祉課 高齢福祉課 ・…``)."""
    words = text.split(" ")
    names: list[str] = []
    while words and is_department(words[0]):
        names.append(words.pop(0))
    return names, " ".join(words).strip()


_INLINE_SPLIT_RE = re.compile(
    rf"\s(?=(?:{_DEPARTMENT_RE.pattern}\s+)+・)")


def split_inline_departments(text: str) -> list[tuple[list[str], str]]:
    """Split a 市 cell into (departments, text) segments.

    ``地域福祉課 ・…`` → one segment; ``ふるさと産業振興課 ・… 地域福祉課 ・…`` → two. A segment
    without leading department names gets an empty list.
    """
    out: list[tuple[list[str], str]] = []
    pending: list[str] = []
    for piece in _INLINE_SPLIT_RE.split(text):
        names, rest = leading_departments(piece.strip())
        if not rest:  # the split fell inside a run of names (地域福祉課 高齢福祉課 ・…)
            pending += names
            continue
        out.append((pending + names, rest))
        pending = []
    if pending:
        out.append((pending, ""))
    return out


_HEADER_RE = re.compile(r"^(?:令和\s*\d+\s*年度\s*(?:実施状況|実績値|実施予定)"
                        r"|活動目標の実現に向けた取り組み"
                        r"|主な活動指標等)$")


def is_table_header(row: list[str]) -> bool:
    filled = [c for c in row if c]
    return bool(filled) and all(_HEADER_RE.match(c) for c in filled)


_GOAL_RE = re.compile(r"^基本目標\s*(\d+)\s*(.+)$")
_ACTIVITY_RE = re.compile(r"^活動目標\s*(\d+)\s*(.+)$")
_INITIATIVE_RE = re.compile(rf"^([{CIRCLED}])\s*(.+)$")
_SECTION_RE = re.compile(r"^\d+\s*\.?\s*施策・事業の推進$")
_BLOCK_RE = re.compile(r"^■\s*(?:(計画)|令和\s*(\d+|元)\s*年度\s*(実績|予定))$")


def goal_heading(text: str) -> tuple[int, str] | None:
    m = _GOAL_RE.match(text)
    return (int(m.group(1)), m.group(2).strip()) if m else None


def activity_heading(text: str) -> tuple[int, str] | None:
    m = _ACTIVITY_RE.match(text)
    return (int(m.group(1)), m.group(2).strip()) if m else None


def initiative_heading(text: str) -> tuple[int, str] | None:
    m = _INITIATIVE_RE.match(text)
    return (CIRCLED.index(m.group(1)) + 1, m.group(2).strip()) if m else None


def is_section_heading(text: str) -> bool:
    return bool(_SECTION_RE.match(text))


def block_heading(text: str) -> tuple[str, int | None] | None:
    """``■計画`` → ("plan", None); ``■令和 3 年度実績`` → ("results", 2021); ``■令和4年度予定``
    → ("plans", 2022)."""
    m = _BLOCK_RE.match(text.replace(" ", "").replace("\u3000", ""))
    if not m:
        return None
    if m.group(1):
        return "plan", None
    n = 1 if m.group(2) == "元" else int(m.group(2))
    return ("results" if m.group(3) == "実績" else "plans"), 2018 + n
