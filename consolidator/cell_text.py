"""Department text in the files we write: data, never a formula or a link, within Excel's
cell limit.

Excel counts a cell's characters in UTF-16 code units (𠮷, outside the BMP, counts two) and
holds at most :data:`~consolidator.limits.EXCEL_MAX_CELL_CHARS` of them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from consolidator.limits import EXCEL_MAX_CELL_CHARS
from consolidator.messages import OUTPUT_TEXT

# xlsxwriter: never turn a string into a formula, a URL or a number.
XLSX_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False,
                "strings_to_numbers": False, "nan_inf_to_errors": True,
                "in_memory": True}  # parts assembled in memory, not in temporary files: faster

# What a formula may start with: = + - @, a tab or a line break, and the full-width forms of
# = + - @ (＝ ＋ － ＠). Those are characters, not texts: each is its ASCII form + 0xFEE0.
_FORMULA_SIGNS = ("=", "+", "-", "@")
FORMULA_PREFIXES = (*_FORMULA_SIGNS, "\t", "\r", "\n",
                    *(chr(ord(sign) + 0xFEE0) for sign in _FORMULA_SIGNS))


def utf16_length(text: str) -> int:
    """The length of ``text`` as Excel counts it."""
    return len(text.encode("utf-16-le")) // 2


def fit_cell_text(text: str) -> str:
    """``text`` cut to Excel's cell limit, with a visible marker where it was cut."""
    if utf16_length(text) <= EXCEL_MAX_CELL_CHARS:
        return text
    marker = OUTPUT_TEXT["truncated"]
    room = (EXCEL_MAX_CELL_CHARS - utf16_length(marker)) * 2
    head = text.encode("utf-16-le")[:room].decode("utf-16-le", errors="ignore")
    return head + marker


def csv_cell(value: Any) -> str:
    """A CSV cell Excel will not read as a formula (risky text gets a leading apostrophe)
    and can hold (cut to Excel's cell limit with a marker, as in the .xlsx log)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return repr(value) if isinstance(value, float) else str(value)
    text = str(value)
    return fit_cell_text("'" + text if text.startswith(FORMULA_PREFIXES) else text)


def csv_table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A CSV as Excel reads it: a header row, then ``rows`` (each cell through
    :func:`csv_cell`), CRLF line ends (no BOM: the writer's encoding adds it)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    for row in rows:
        w.writerow([csv_cell(v) for v in row])
    return buf.getvalue()
