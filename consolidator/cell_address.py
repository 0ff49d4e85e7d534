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


# An ODF cell address (OpenDocument 1.2, 9.2.1): ``$実施状況.$D$12``, ``$'my sheet'.$A$1``; a
# range repeats the address after ``:``, with or without the sheet (``$S.$A$1:.$B$2``).
_ODF_CELL = r"(?:\$?(?:'((?:[^']|'')+)'|([^'.:$][^.:]*)))?\.\$?([A-Za-z]{1,10})\$?(\d{1,12})"
_ODF_RANGE_RE = re.compile(rf"^{_ODF_CELL}(?::{_ODF_CELL})?$")


def parse_odf_range(text: str) -> tuple[str, Cell, Cell] | None:
    """``$実施状況.$D$12`` → (sheet, (12, 4), (12, 4)); a range gives its two corners (the
    second on the first's sheet). None for anything else (a whole row or column, an address in
    another file, a formula)."""
    m = _ODF_RANGE_RE.match(text.strip())
    if not m:
        return None
    sheet = (m.group(1) or "").replace("''", "'") or (m.group(2) or "")
    if not sheet:
        return None
    first = (int(m.group(4)), col_number(m.group(3)))
    second = (int(m.group(8)), col_number(m.group(7))) if m.group(7) else first
    return sheet, first, second


def parse_odf_ref(text: str) -> tuple[str, int, int] | None:
    """An ODF named range as ``parse_ref`` gives an A1 one: (sheet, row, col) of a single
    cell; None for a range and anything else."""
    parsed = parse_odf_range(text)
    if parsed is None or parsed[1] != parsed[2]:
        return None
    return parsed[0], parsed[1][0], parsed[1][1]
