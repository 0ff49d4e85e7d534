"""Laying out Japanese text: display width, and row heights for wrapped text (neither
xlsxwriter nor openpyxl measures text).

One rule for width everywhere (the console tables and the row heights): a character that
Unicode calls wide or full-width (漢字, かな, full-width digits) takes two columns, any other
one column.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

FONT = "游ゴシック"  # the font of every workbook we write (Excel's default Japanese font)
# A wrapped line's height per point of its text: LibreOffice Calc draws 游ゴシック's stand-in
# (Noto Sans CJK) 1.46 times the text's size a line (measured from its PDFs: 16.1 points a
# line of 11 pt text); rows sized at 15 points a line clipped the last line of 11 pt cells.
LINE_SPACING = 1.5
TEXT_POINTS = 10.0  # the size a row is sized for unless told
ROW_PADDING = 3.0  # points above and below the text
MAX_ROW_HEIGHT = 409.0  # Excel's limit


def display_width(text: str) -> int:
    """Columns ``text`` takes on a console or in a cell (wide characters count two)."""
    if text.isascii():
        return len(text)
    return sum(map(_WIDTHS.__getitem__, text))


class _Widths(dict[str, int]):
    """Each character's width, looked up in Unicode once (the log's rows are many and long)."""

    def __missing__(self, ch: str) -> int:
        width = self[ch] = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        return width


_WIDTHS = _Widths()


def pad(text: str, width: int) -> str:
    """``text`` padded with spaces to ``width`` display columns (left-aligned)."""
    return text + " " * max(0, width - display_width(text))


def rpad(text: str, width: int) -> str:
    """``text`` padded with spaces to ``width`` display columns (right-aligned)."""
    return " " * max(0, width - display_width(text)) + text


@lru_cache(maxsize=4096)  # a log's rows repeat the same texts (actions, messages)
def lines_needed(text: str, width: float) -> int:
    """Lines a text takes in a column ``width`` characters wide."""
    per_line = max(2.0, width)
    return sum(max(1, math.ceil(display_width(part) / per_line))
               for part in str(text).split("\n"))


def line_points(points: float = TEXT_POINTS) -> float:
    """The height of a line of text ``points`` large, in points."""
    return LINE_SPACING * points


def row_height(cells: Iterable[tuple[str, float]], min_lines: int = 1,
               points: float = TEXT_POINTS) -> float:
    """Height in points for a row of (text, column width) cells of text ``points`` large."""
    lines = max([min_lines, *(lines_needed(t, w) for t, w in cells if t)])
    return min(MAX_ROW_HEIGHT, line_points(points) * lines + ROW_PADDING)
