"""Filling workbooks the way a person would, through the public ``fields`` map."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils.cell import coordinate_from_string

from consolidator.field_map import field_map


def fields_of(path: Path) -> dict[str, dict[str, Any]]:
    return {row["field_id"]: row for row in field_map(path)}


def fill_workbook(src: Path, dst: Path, values: dict[str, Any],
                  cells: dict[tuple[str, str], Any] | None = None) -> None:
    """Type ``values`` (field id → value) into a copy of ``src``; strings stay strings.

    ``cells`` writes by address ((sheet, "F12") → value), for values typed outside the fields.
    """
    where = fields_of(src)
    wb = openpyxl.load_workbook(src)
    for field_id, value in values.items():
        row = where[field_id]
        _put(wb[row["sheet"]][row["cell"]], value)
    for (sheet, addr), value in (cells or {}).items():
        coordinate_from_string(addr)
        _put(wb[sheet][addr], value)
    wb.save(dst)


def _put(cell: Any, value: Any) -> None:
    cell.value = value
    if isinstance(value, str) and not value.startswith("="):
        cell.data_type = "s"


def complete_values(path: Path, text: str = "実施しました。", number: float = 3) -> dict[str, Any]:
    """A plausible complete filling of every field: texts for texts, a number per indicator."""
    out: dict[str, Any] = {}
    for fid, row in fields_of(path).items():
        if row["role"] in ("status", "plan"):
            out[fid] = f"{text}({fid})"
        elif row["role"] == "value":
            out[fid] = number
    return out
