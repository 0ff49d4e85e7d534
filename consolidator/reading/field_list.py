"""The field list a workbook carries: written by the template writer into its identity sheet
(``_meta``), one row per input field with where the template put it.

It tells what the template that went out held — which fields, in which sheet, row and
column — whatever catalog or layout it was made from, so a workbook made for an older
catalog or in an older format is read field by field.
"""

from __future__ import annotations

import marshal
from typing import Any, get_args

from consolidator.reading.malformed import MalformedWorkbook, strict_int
from consolidator.reading.raw_workbook import RawWorkbook, identity_sheet_name, remember
from consolidator.templates.model import (
    DEPARTMENT_KEY,
    META_COLUMNS,
    Field,
    FieldKind,
    FieldRole,
)


def stored_fields(raw: RawWorkbook, grid: list[list[Any]]) -> list[Field]:
    """The field list written into the identity sheet ``grid`` by the template writer.
    Raises :class:`MalformedWorkbook` for a row that is not a field."""
    rows = iter(grid)
    for row in rows:
        if row and row[0] == META_COLUMNS[0]:
            break
    department = raw.meta.get(DEPARTMENT_KEY, "")
    listed = []
    for row in rows:
        if not row or row[0] in ("", None):
            break
        listed.append(tuple(row))
    try:  # the list as exact bytes (types included: 1 and True are different cells)
        key: tuple[str, bytes] | None = (department, marshal.dumps(tuple(listed)))
    except ValueError:  # a value marshal does not know (a date): not remembered
        key = None
    known = _LISTS.get(key) if key is not None else None
    if known is None:
        known = [_field(row, department) for row in listed]
        if key is not None:
            remember(_LISTS, key, known)
    return list(known)


# Field lists read before (a worker reads many copies of the same template) → their fields,
# which are frozen and so shared.
_LISTS: dict[tuple[str, bytes], list[Field]] = {}


def _field(row: tuple[Any, ...], department: str) -> Field:
    rec = {k: (None if v in ("", None, "None") else v)
           for k, v in zip(META_COLUMNS, row, strict=False)}
    return Field(
        field_id=str(rec["field_id"]), sheet=str(rec["sheet"]),
        row=strict_int(_opt(rec["row"]), 0, "_meta row"),
        col=strict_int(_opt(rec["col"]), 0, "_meta col"),
        kind=_one_of(rec["kind"], _KINDS), role=_one_of(rec["role"], _ROLES),
        department=department,
        initiative_id=str(rec["initiative_id"]), key=str(rec["key"]),
        label=str(rec["label"] or ""), indicator_id=_opt(rec["indicator_id"]),
        indicator_name=_opt(rec["indicator_name"]), measure_id=_opt(rec["measure_id"]),
        category=_opt(rec["category"]),
        max_length=strict_int(_opt(rec["max_length"]), 0, "_meta max_length") or None,
        percent=rec["percent"] == "True", value_unit=_opt(rec["value_unit"]),
        required=rec["required"] == "True")


_KINDS, _ROLES = get_args(FieldKind), get_args(FieldRole)


def workbook_fields(raw: RawWorkbook) -> dict[str, Field]:
    """field id → the field as the workbook's own list has it; empty when the workbook has no
    identity sheet or its list cannot be read (the fields are then found by the model's
    names and keys alone)."""
    name = identity_sheet_name(raw)
    if name is None or name not in raw.grids:
        return {}
    try:
        return {f.field_id: f for f in stored_fields(raw, raw.grids[name])}
    except MalformedWorkbook:
        return {}


def _opt(v: Any) -> str | None:
    return None if v is None else str(v)


def _one_of(value: Any, allowed: tuple[Any, ...]) -> Any:
    if value not in allowed:
        raise MalformedWorkbook(f"_meta: {value!r}")
    return value
