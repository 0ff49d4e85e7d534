"""Reading the pages Calc printed to PDF (pdfplumber's characters): the text's sizes and a
page's lines, to compare with a sheet's heading row.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import column_index_from_string, get_column_letter

FLOOR = 8.0  # points: the smallest text a printed table or template may have (issue 24)

Char = dict[str, Any]


def printed_headings(path: Path, sheet: str, row: int = 1) -> list[str]:
    """The heading row (``row``) of ``sheet`` within its print area (the whole row without
    one), hidden columns left out: the headings as printed."""
    ws = openpyxl.load_workbook(path)[sheet]
    first, last = 1, ws.max_column
    if ws.print_area:
        m = re.search(r"\$?([A-Z]+)\$?\d+:\$?([A-Z]+)\$?\d+", ws.print_area)
        assert m, ws.print_area
        first, last = (column_index_from_string(m.group(1)),
                       column_index_from_string(m.group(2)))
    return [str(ws.cell(row, c).value or "") for c in range(first, last + 1)
            if not ws.column_dimensions[get_column_letter(c)].hidden]


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def heading_pattern(headings: list[str]) -> re.Pattern[str]:
    """The first printed line of a heading row: a beginning of each heading, left to right
    (a heading wraps in its cell)."""
    return re.compile("".join(
        "(?:" + "|".join(re.escape(h[:k]) for k in range(len(h), 0, -1)) + ")"
        for h in map(squeezed, headings) if h))


def _beside(ch: Char, first: Char) -> bool:
    """Whether ``ch`` overlaps ``first``'s height by half or more (the same line)."""
    overlap = min(ch["bottom"], first["bottom"]) - max(ch["top"], first["top"])
    return overlap >= 0.5 * min(ch["bottom"] - ch["top"], first["bottom"] - first["top"])


def top_line(chars: list[Char]) -> str:
    """A page's first line, squeezed: its characters overlapping the topmost one's height by
    half or more, left to right."""
    first = min(chars, key=lambda ch: ch["top"])
    return squeezed("".join(ch["text"] for ch in sorted(
        (ch for ch in chars if _beside(ch, first)), key=lambda ch: ch["x0"])))


def lines(chars: list[Char]) -> list[str]:
    """A page's lines, top to bottom, each squeezed (each read as :func:`top_line` reads the
    first)."""
    out, rest = [], list(chars)
    while rest:
        first = min(rest, key=lambda ch: ch["top"])
        out.append(top_line(rest))
        rest = [ch for ch in rest if not _beside(ch, first)]
    return out


def line_pitch(pages: list[list[Char]]) -> float:
    """The most common distance between the lines of a wrapped cell, in points as printed:
    between characters that start at the same place across (within a point) one above the
    other, less than 1.6 of their sizes apart (the rows of one line are further apart)."""
    steps: Counter[float] = Counter()
    for chars in pages:
        columns: dict[int, set[float]] = {}
        for ch in chars:
            columns.setdefault(round(ch["x0"]), set()).add(round(ch["top"], 1))
        size = statistics.median(ch["size"] for ch in chars)
        for tops in columns.values():
            ordered = sorted(tops)
            steps.update(round(b - a, 1) for a, b in zip(ordered, ordered[1:], strict=False)
                         if 0 < b - a < 1.6 * size)
    return steps.most_common(1)[0][0]


def sizes(pages: list[list[Char]]) -> tuple[float, float]:
    """The median and the smallest size of the characters of ``pages``."""
    found = [round(ch["size"], 2) for chars in pages for ch in chars]
    return statistics.median(found), min(found)
