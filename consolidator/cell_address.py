"""A1 cell addresses: column letters and numbers, ``D12`` and ``'実施状況'!$D$12``."""

from __future__ import annotations

import re

Cell = tuple[int, int]
"""A cell as (row, column), both 1-based."""

_REF_RE = re.compile(r"^(?:'((?:[^']|'')+)'|([^'!]+))!\$?([A-Za-z]{1,3})\$?(\d+)$")


def col_number(letters: str) -> int:
    """``A`` → 1, ``AA`` → 27, ``XFD`` → 16,384 (case-insensitive; any length, no limit)."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def col_letters(n: int) -> str:
    """1 → ``A``, 27 → ``AA``."""
    s = ""
    while n:
        n, rem = divmod(n - 1, 26)
        s = chr(65 + rem) + s
    return s


def a1(row: int, col: int) -> str:
    return f"{col_letters(col)}{row}"


def parse_ref(text: str) -> tuple[str, int, int] | None:
    """``'実施状況'!$D$12`` → (sheet, row, col); None for #REF!, ranges and anything else."""
    m = _REF_RE.match(text.strip())
    if not m:
        return None
    sheet = (m.group(1) or "").replace("''", "'") or (m.group(2) or "")
    return sheet, int(m.group(4)), col_number(m.group(3))


def quote_sheet(name: str) -> str:
    """A sheet name as a formula writes it: ``'実施状況'`` (quotes doubled inside)."""
    return "'" + name.replace("'", "''") + "'"
