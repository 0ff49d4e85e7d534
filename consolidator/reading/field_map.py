"""``fields``: the public map of a workbook's input fields (template or returned workbook).

Built from the workbook alone: the field list stored in its identity sheet, each field found
where it is now (defined name, confirmed by the row key). This is the map other tools and the
tests use to fill workbooks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, get_args

from consolidator.cell_address import a1
from consolidator.reading.fields import locate_field
from consolidator.reading.intake import DEPARTMENT_KEY
from consolidator.reading.malformed import MalformedWorkbook, strict_int
from consolidator.reading.workbook import RawWorkbook, identity_sheet_name, read_workbook
from consolidator.templates.model import META_COLUMNS, Field, FieldKind, FieldRole


class NotATemplate(Exception):
    """The workbook has no identity sheet: it was not made by ``generate``."""


def stored_fields(raw: RawWorkbook, grid: list[list[Any]]) -> list[Field]:
    """The field list written into the identity sheet by the template writer."""
    rows = iter(grid)
    for row in rows:
        if row and row[0] == META_COLUMNS[0]:
            break
    department = raw.meta.get(DEPARTMENT_KEY, "")
    out = []
    for row in rows:
        if not row or row[0] in ("", None):
            break
        rec = {k: (None if v in ("", None, "None") else v)
               for k, v in zip(META_COLUMNS, row, strict=False)}
        out.append(Field(
            field_id=str(rec["field_id"]), sheet=str(rec["sheet"]),
            row=strict_int(_opt(rec["row"]), 0, "_meta row"),
            col=strict_int(_opt(rec["col"]), 0, "_meta col"),
            kind=_one_of(rec["kind"], get_args(FieldKind)),
            role=_one_of(rec["role"], get_args(FieldRole)), department=department,
            initiative_id=str(rec["initiative_id"]), key=str(rec["key"]),
            label=str(rec["label"] or ""), indicator_id=_opt(rec["indicator_id"]),
            indicator_name=_opt(rec["indicator_name"]), measure_id=_opt(rec["measure_id"]),
            category=_opt(rec["category"]),
            max_length=strict_int(_opt(rec["max_length"]), 0, "_meta max_length") or None,
            percent=rec["percent"] == "True", value_unit=_opt(rec["value_unit"]),
            required=rec["required"] == "True"))
    return out


def _opt(v: Any) -> str | None:
    return None if v is None else str(v)


def _one_of(value: Any, allowed: tuple[Any, ...]) -> Any:
    if value not in allowed:
        raise MalformedWorkbook(f"_meta: {value!r}")
    return value


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
        sheet, row = (place[0], place[1]) if place else (f.sheet, f.row)
        out.append({
            "field_id": f.field_id, "sheet": sheet, "cell": a1(row, f.col), "kind": f.kind,
            "role": f.role, "department": f.department, "initiative_id": f.initiative_id,
            "indicator_id": f.indicator_id, "indicator_name": f.indicator_name,
            "category": f.category, "label": f.label,
            "value": raw.value(sheet, row, f.col) if place else None,
        })
    return out
