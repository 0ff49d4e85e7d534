"""``fields``: the public map of a workbook's input fields (template or returned workbook).

Built from the workbook alone: the field list stored in its identity sheet, each field found
where it is now (defined name, confirmed by the row key). This is the map other tools and the
tests use to fill workbooks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from consolidator.cell_address import a1
from consolidator.reading.field_list import stored_fields
from consolidator.reading.fields import locate_field
from consolidator.reading.raw_workbook import identity_sheet_name
from consolidator.reading.workbook import read_workbook

__all__ = ["NotATemplate", "field_map", "stored_fields"]


class NotATemplate(Exception):
    """The workbook has no identity sheet: it was not made by ``generate``."""


def field_map(path: Path) -> list[dict[str, Any]]:
    """The public map of the fields of the workbook at ``path``: one dict per field with its
    id, where it is now (sheet, cell), kind, role, department, initiative, indicator,
    category, label and current value. Raises :class:`NotATemplate` for a workbook without
    an identity sheet and :class:`MalformedWorkbook` for a broken one."""
    raw = read_workbook(path)
    name = identity_sheet_name(raw)
    if name is None or name not in raw.grids:
        raise NotATemplate(str(path))
    out = []
    for f in stored_fields(raw, raw.grids[name]):
        place = locate_field(raw, f)
        sheet, row, col = (place[0], place[1], place[2]) if place else (f.sheet, f.row, f.col)
        out.append({
            "field_id": f.field_id, "sheet": sheet, "cell": a1(row, col), "kind": f.kind,
            "role": f.role, "department": f.department, "initiative_id": f.initiative_id,
            "indicator_id": f.indicator_id, "indicator_name": f.indicator_name,
            "category": f.category, "label": f.label,
            "value": raw.value(sheet, row, col) if place else None,
        })
    return out
