"""Filling templates the way a department would, through the public ``fields`` map.

:func:`submit_all` fills every department's template into one folder; the value functions
(:func:`complete_values`, :func:`realistic_values`) say what is typed. Everything here is
built from the public ``fields`` map and the plan catalog, never from private library state.
"""

from __future__ import annotations

import hashlib
import os
import re
import zipfile
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from consolidator.jobs.filling import fill_fields
from consolidator.messages import REASONS
from consolidator.plan.catalog import Catalog, MeasureView
from consolidator.reading.field_map import field_map
from consolidator.templates.model import REASON_CHOICES, defined_name

__all__ = ["Submitted", "by_department", "by_name", "cell_of", "complete_values", "fields_of",
           "fill_workbook", "measure_of", "plausible_number", "previous_value",
           "realistic_values", "seed_values", "set_modified", "submit_all"]

Values = dict[str, Any]


# ---- filling one template ------------------------------------------------------------------

_FILLED: OrderedDict[str, bytes] = OrderedDict()  # what a filling wrote, by what it was made of
_FILLED_KEPT = 300  # fillings kept (the most recently made or used): a few MB
# Where the workers of one test run keep the fillings they made, each under its key (set by
# the conftest when the run has workers): a filling one worker made is read by the others,
# not made again. None: each process keeps its own only.
SHARED_FILLINGS: Path | None = None


def fill_workbook(src: Path, dst: Path, values: Mapping[str, Any],
                  cells: Mapping[tuple[str, str], Any] | None = None) -> None:
    """:func:`consolidator.jobs.filling.fill_fields`: ``values`` (field id → value) typed
    into a copy of the template ``src`` saved as ``dst``, ``cells`` by address.

    Most tests type the same complete values into the same few templates: a filling this
    process (or, with workers, another worker of the run: :data:`SHARED_FILLINGS`) already
    made from the same template bytes and the same values (each of the same type) is written
    again from its bytes, its saved time (``dcterms:modified``) set to now
    as openpyxl's save sets it. The file is the one the filling would write; the first
    filling of each kind is still made by ``fill_fields``."""
    key = _filling_key(src, values, cells)
    made = _FILLED.get(key)
    if made is None and SHARED_FILLINGS is not None and (SHARED_FILLINGS / key).is_file():
        made = (SHARED_FILLINGS / key).read_bytes()  # another worker made it
    if made is None:
        fill_fields(src, dst, dict(values), dict(cells) if cells else None)
        made = dst.read_bytes()
        if SHARED_FILLINGS is not None:
            _share(key, made)
    else:
        dst.write_bytes(made)
        set_modified(dst, datetime.now(UTC).replace(microsecond=0).isoformat())
    _FILLED[key] = made
    _FILLED.move_to_end(key)
    while len(_FILLED) > _FILLED_KEPT:
        _FILLED.popitem(last=False)


def _share(key: str, made: bytes) -> None:
    """``made`` kept in :data:`SHARED_FILLINGS` for the other workers: written under a name
    of its own, then renamed, so that a worker reads a whole filling or none."""
    assert SHARED_FILLINGS is not None
    part = SHARED_FILLINGS / f"{key}.{os.getpid()}.part"
    part.write_bytes(made)
    os.replace(part, SHARED_FILLINGS / key)


def _filling_key(src: Path, values: Mapping[str, Any],
                 cells: Mapping[tuple[str, str], Any] | None) -> str:
    """The template's bytes and every value typed, with its type (1, 1.0, "1" and True are
    four fillings)."""
    def typed(items: Iterable[tuple[Any, Any]]) -> list[str]:
        return [f"{k!r}={type(v).__module__}.{type(v).__qualname__}:{v!r}" for k, v in items]
    h = hashlib.sha256(src.read_bytes())
    h.update("\n".join([*typed(values.items()), "--", *typed((cells or {}).items())]).encode())
    return h.hexdigest()


_FIELDS: dict[str, list[dict[str, Any]]] = {}  # the fields map, by the workbook's bytes


def fields_of(path: Path) -> dict[str, dict[str, Any]]:
    """field id → its row of the public ``fields`` map (sheet, cell, role, department …);
    read once for the same bytes (a template is asked for its fields by every filling), each
    caller given rows of its own."""
    key = hashlib.sha256(path.read_bytes()).hexdigest()
    if key not in _FIELDS:
        _FIELDS[key] = field_map(path)
    return {row["field_id"]: dict(row) for row in _FIELDS[key]}


def cell_of(template: Path, field_id: str) -> tuple[str, str]:
    """(sheet, cell) of a field in ``template``."""
    row = fields_of(template)[field_id]
    return row["sheet"], row["cell"]


def complete_values(path: Path, text: str = "実施しました。", number: float = 3) -> Values:
    """A plausible complete filling of every field: texts for texts, a number per indicator."""
    out: Values = {}
    for fid, row in fields_of(path).items():
        if row["role"] in ("status", "plan"):
            out[fid] = f"{text}({fid})"
        elif row["role"] == "value":
            out[fid] = number
    return out


# ---- realistic department input --------------------------------------------------------------

# What departments write: several sentences, line breaks, ①②, 【】, 〔〕, full-width digits
# inside the text, the odd ～ and ％ (texts are taken as they are, only trimmed).
_STATUS_LINES = (
    "{who}では「{title}」に取り組みました。",
    "・地区社会福祉協議会と連携し、研修会を年２回開催(延べ４８人参加)。",
    "・新型コロナウイルス感染症の影響で一部の行事は中止〔{ini}〕。",
)
_PLAN_LINES = (
    "{who}は令和５年度も「{title}」を継続します。",
    "①関係機関との情報共有の場を設ける　②広報紙・ウェブサイトで周知(４月～６月)",
)
_REASON_TEXT = "速報値(３月末時点)。確定値は{ini}の担当から追って報告します。"


def measure_of(catalog: Catalog, field_id: str) -> MeasureView:
    return catalog.measure_by_id[field_id.rsplit(".", 1)[0]]


def previous_value(m: MeasureView, year: int) -> int | float | None:
    prev = m.previous_actual() if m.initiative.previous.get("year") == year - 1 else None
    v = prev.get("value") if prev else None
    return v if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def plausible_number(m: MeasureView, year: int, k: int = 0) -> int | float:
    """This year's value: last year's when there is one (no ten-fold / zero warnings; 57.5
    stays 57.5, 54,604 stays 54604), else a small integer varying with ``k`` — at least a
    fifth of the numeric target (a tenth of it or less is far from it)."""
    before = previous_value(m, year)
    if before is None or before <= 0:
        target = m.data.get("value")
        floor = int(target // 5) if isinstance(target, (int, float)) else 0
        return max(2 + k % 3, floor)
    if isinstance(before, float) and before.is_integer():
        return int(before)
    return before


def realistic_values(template: Path, catalog: Catalog, year: int) -> Values:
    """Every status, plan, value and reason_text field of ``template``: Japanese texts with
    line breaks, plausible numbers (float for decimal percentages, large integers as they
    are); reason choices stay empty (a reason next to a value is a warning by design)."""
    out: Values = {}
    for k, (fid, row) in enumerate(sorted(fields_of(template).items())):
        ini = catalog.initiative_by_id[row["initiative_id"]]
        who = f"{row['department']}【{row['category']}】" if row["category"] else row["department"]
        ctx = {"who": who, "title": ini.title, "ini": ini.id}
        if row["role"] == "status":
            out[fid] = "\n".join(line.format(**ctx) for line in _STATUS_LINES)
        elif row["role"] == "plan":
            out[fid] = "\n".join(line.format(**ctx) for line in _PLAN_LINES)
        elif row["role"] == "value":
            out[fid] = plausible_number(measure_of(catalog, fid), year, k)
        elif row["role"] == "reason_text":
            out[fid] = _REASON_TEXT.format(**ctx)
    return out


def seed_values(catalog: Catalog, template: Path) -> dict[str, Any]:
    """Every field of a 令和3年度 template, filled from the seed's own 実績 and 予定."""
    values: dict[str, Any] = {}
    for fid, row in fields_of(template).items():
        ini = catalog.initiative_by_id[row["initiative_id"]]
        prev = ini.previous
        if row["role"] in ("status", "plan"):
            section = "status" if row["role"] == "status" else "plans"
            texts = [r["text"] for r in prev[section]
                     if row["department"] in r["departments"]
                     and r.get("category") == row["category"]]
            if texts:
                values[fid] = "\n".join(texts)
        elif row["role"] == "value":
            measure_id = fid.rsplit(".", 1)[0]
            actual = catalog.measure_by_id[measure_id].previous_actual()
            if actual and actual["value"] is not None:
                values[fid] = actual["value"]
            elif actual and actual["reason"]:
                reason = actual["reason"]
                if reason in REASON_CHOICES:
                    values[f"{measure_id}.reason"] = reason
                else:
                    values[f"{measure_id}.reason"] = REASONS["other"]
                    values[f"{measure_id}.reason_text"] = reason
    return values


def by_name(values: Mapping[str, Any]) -> Values:
    """field id → value  as  defined name → value (what ``calc.fill`` takes)."""
    return {defined_name(fid): v for fid, v in values.items()}


# ---- a whole folder of submissions -------------------------------------------------------------

def by_department(templates: Iterable[Path]) -> dict[str, Path]:
    """Generated templates (``令和4年度_<department>_実施状況報告.xlsx``) by department."""
    return {p.name.split("_")[1]: p for p in templates}


class Submitted(dict[str, Path]):
    """department → the file written for it; ``typed`` holds department → the values typed."""

    typed: dict[str, Values]


def _complete(department: str, template: Path) -> Values:
    return complete_values(template)


def submit_all(templates: Mapping[str, Path], folder: Path,
               overrides: Mapping[str, Mapping[str, Any]] | None = None,
               skip: Iterable[str] = (),
               values: Callable[[str, Path], Values] = _complete) -> Submitted:
    """Fill every department's template (``templates``: department → template) into
    ``folder`` as ``<department>_提出.xlsx``: ``values(department, template)`` (default: a
    complete filling), then that department's ``overrides`` (None empties a field); the
    departments in ``skip`` send nothing."""
    folder.mkdir(parents=True, exist_ok=True)
    skipped = set(skip)
    out = Submitted()
    out.typed = {}
    for department, template in templates.items():
        if department in skipped:
            continue
        typed = values(department, template)
        typed.update((overrides or {}).get(department, {}))
        dst = folder / f"{department}_提出.xlsx"
        fill_workbook(template, dst, typed)
        out[department], out.typed[department] = dst, typed
    return out


def set_modified(path: Path, stamp: str) -> None:
    """Set the workbook's saved time (document properties) to ``stamp`` (ISO 8601; a "Z" or
    an offset is converted to UTC, which is what the property holds).

    The part is rewritten in the zip: openpyxl (3.1) stamps ``modified`` with the current
    time on every save, whatever the workbook says.
    """
    when = datetime.fromisoformat(stamp)
    if when.tzinfo is not None:
        when = when.astimezone(UTC).replace(tzinfo=None)
    text = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(path) as zf:
        parts = [(info, zf.read(info)) for info in zf.infolist()]
    out = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in parts:
            if info.filename == "docProps/core.xml":
                data, n = re.subn(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                                  rb"\g<1>" + text.encode() + rb"\g<2>", data)
                assert n == 1, "docProps/core.xml has no modified time"
            zf.writestr(info, data)
    out.replace(path)
