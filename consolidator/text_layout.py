"""Row heights for wrapped Japanese text (neither xlsxwriter nor openpyxl measures text)."""

from __future__ import annotations

import math
from collections.abc import Iterable

POINTS_PER_LINE = 15.0
MAX_ROW_HEIGHT = 409.0  # Excel's limit


def lines_needed(text: str, width: float) -> int:
    """Lines a text takes in a column ``width`` characters wide (a full-width character
    counts as two)."""
    per_line = max(2.0, width)
    total = 0
    for part in str(text).split("\n"):
        units = sum(2 if ord(ch) > 0x2E7F else 1 for ch in part)
        total += max(1, math.ceil(units / per_line))
    return total


def row_height(cells: Iterable[tuple[str, float]], min_lines: int = 1) -> float:
    """Height in points for a row of (text, column width) cells."""
    lines = max([min_lines, *(lines_needed(t, w) for t, w in cells if t)])
    return min(MAX_ROW_HEIGHT, POINTS_PER_LINE * lines + 3)
