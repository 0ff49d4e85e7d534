"""The one colour language of every workbook we write: what a cell's colour means.

赤 (red) is an error, 橙 (orange) a warning, 紫 (purple) a value or a file not reported;
the header blue and the input yellow mean nothing more than "heading" and "type here". A
colour never says anything alone: the cell's text, a column (重大度, 判定) or a note says
it too, and every sheet that colours cells carries a legend (凡例).

The colours are ARGB hex as .xlsx files write them (``FFRRGGBB``); :func:`css` gives the
``#RRGGBB`` xlsxwriter and ODF want. The error and the warning colours are recognised again
in a returned department file (consolidator.feedback.styles): they are used for nothing
else.
"""

from __future__ import annotations

ERROR_FILL, ERROR_FONT = "FFFFA7A7", "FF9C0006"  # 赤: エラー
WARNING_FILL, WARNING_FONT = "FFFFCC80", "FF7F3F00"  # 橙: 警告
MISSING_FILL, MISSING_FONT = "FFE4D7F5", "FF5B2C83"  # 紫: 未報告
MISSING_CHART = "FF8064A2"  # 紫, strong enough for a chart's bar
HEADER_FILL, LINK_FONT, GRID = "FFD9E2F3", "FF0563C1", "FFA6A6A6"


def css(argb: str) -> str:
    """``FFRRGGBB`` → ``#RRGGBB``."""
    return "#" + argb[-6:]
