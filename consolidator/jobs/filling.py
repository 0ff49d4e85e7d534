"""Typing values into a template through its ``fields`` map (used by ``demo`` and the tests)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from consolidator.reading.field_map import field_map


def fill_fields(src: Path, dst: Path, values: dict[str, Any],
                cells: dict[tuple[str, str], Any] | None = None) -> None:
    """Write ``values`` (field id → value) into a copy of ``src`` saved as ``dst``.

    Strings stay strings (a leading ``=`` is not turned into a formula); ``cells`` writes by
    address ((sheet, "F12") → value) for values typed outside the fields.
    """
    import openpyxl

    where = {row["field_id"]: row for row in field_map(src)}
    wb = openpyxl.load_workbook(src)
    for field_id, value in values.items():
        row = where[field_id]
        _put(wb[row["sheet"]][row["cell"]], value)
    for (sheet, addr), value in (cells or {}).items():
        _put(wb[sheet][addr], value)
    wb.save(dst)


def _put(cell: Any, value: Any) -> None:
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
