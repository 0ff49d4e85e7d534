"""Filling workbooks the way a person would, through the public ``fields`` map."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from consolidator.jobs.filling import fill_fields as fill_workbook  # noqa: F401
from consolidator.reading.field_map import field_map


def fields_of(path: Path) -> dict[str, dict[str, Any]]:
    return {row["field_id"]: row for row in field_map(path)}


def complete_values(path: Path, text: str = "実施しました。", number: float = 3) -> dict[str, Any]:
    """A plausible complete filling of every field: texts for texts, a number per indicator."""
    out: dict[str, Any] = {}
    for fid, row in fields_of(path).items():
        if row["role"] in ("status", "plan"):
            out[fid] = f"{text}({fid})"
        elif row["role"] == "value":
            out[fid] = number
    return out
