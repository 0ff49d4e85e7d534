"""``fields``: the public map of a workbook's input fields (template or returned workbook).

Built from the workbook alone: the field list stored in its identity sheet, each field found
where it is now (defined name, confirmed by the row key). This is the map other tools and the
tests use to fill workbooks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from consolidator.messages import cli_text
from consolidator.reading.fields import locate_field
from consolidator.reading.workbook import RawWorkbook, a1, read_workbook
from consolidator.templates.model import Field
from consolidator.templates.writer import META_COLUMNS

FIELD_KEYS = ("field_id", "sheet", "cell", "kind", "role", "unit", "initiative_id",
              "indicator_id", "indicator_name", "category", "label", "value")


def stored_fields(raw: RawWorkbook, grid: list[list[Any]]) -> list[Field]:
    """The field list written into the identity sheet by the template writer."""
    rows = iter(grid)
    for row in rows:
        if row and row[0] == META_COLUMNS[0]:
            break
    unit = raw.meta.get("unit", "")
    out = []
    for row in rows:
        if not row or row[0] in ("", None):
            break
        rec = {k: (None if v in ("", None, "None") else v)
               for k, v in zip(META_COLUMNS, row, strict=False)}
        out.append(Field(
            field_id=str(rec["field_id"]), sheet=str(rec["sheet"]), row=int(rec["row"] or 0),
            col=int(rec["col"] or 0), kind=str(rec["kind"]), role=str(rec["role"]), unit=unit,
            initiative_id=str(rec["initiative_id"]), key=str(rec["key"]),
            label=str(rec["label"] or ""), indicator_id=_opt(rec["indicator_id"]),
            indicator_name=_opt(rec["indicator_name"]), measure_id=_opt(rec["measure_id"]),
            category=_opt(rec["category"]),
            max_length=int(rec["max_length"]) if rec["max_length"] else None,
            percent=rec["percent"] == "True", value_unit=_opt(rec["value_unit"]),
            required=rec["required"] == "True"))
    return out


def _opt(v: Any) -> str | None:
    return None if v is None else str(v)


def field_map(path: Path) -> list[dict[str, Any]]:
    raw = read_workbook(path)
    grid = next((g for g in raw.grids.values() if g and g[0] and g[0][0] == "format_version"),
                None)
    if grid is None:
        raise ValueError(cli_text("not-a-template-file", file=str(path)))
    out = []
    for f in stored_fields(raw, grid):
        place = locate_field(raw, f)
        sheet, row = (place[0], place[1]) if place else (f.sheet, f.row)
        out.append({
            "field_id": f.field_id, "sheet": sheet, "cell": a1(row, f.col), "kind": f.kind,
            "role": f.role, "unit": f.unit, "initiative_id": f.initiative_id,
            "indicator_id": f.indicator_id, "indicator_name": f.indicator_name,
            "category": f.category, "label": f.label,
            "value": raw.value(sheet, row, f.col) if place else None,
        })
    return out
