"""Helpers shared by the round-trip, habit and property tests (issue 6).

Realistic department input for a unit's template, reading the master back with openpyxl,
and small queries on findings. Everything here is built from the public ``fields`` map
(:func:`filling.fields_of`) and the plan catalog, never from private library state.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import openpyxl

from consolidator.plan.catalog import Catalog, MeasureView
from consolidator.templates.model import defined_name
from filling import fields_of

INDICATOR_SHEET_MASTER = "指標一覧"

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
    stays 57.5, 54,604 stays 54604), else a small integer varying with ``k``."""
    before = previous_value(m, year)
    if before is None or before <= 0:
        return 2 + k % 3
    if isinstance(before, float) and before.is_integer():
        return int(before)
    return before


def realistic_values(template: Path, catalog: Catalog, year: int) -> dict[str, Any]:
    """Every status, plan, value and reason_text field of ``template``: Japanese texts with
    line breaks, plausible numbers (float for decimal percentages, large integers as they
    are); reason choices stay empty (a reason next to a value is a warning by design)."""
    out: dict[str, Any] = {}
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


def by_name(values: dict[str, Any]) -> dict[str, Any]:
    """field id → value  as  defined name → value (what ``calc.fill`` takes)."""
    return {defined_name(fid): v for fid, v in values.items()}


# ---- the master --------------------------------------------------------------------------

def table(path: Path, sheet: str) -> list[dict[str, Any]]:
    """A table sheet of the master (header in row 1) as dicts."""
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        rows = list(wb[sheet].iter_rows(values_only=True))
    finally:
        wb.close()
    header = rows[0]
    return [dict(zip(header, r, strict=False)) for r in rows[1:]]


def master_actuals(path: Path) -> dict[str, Any]:
    """指標一覧: 指標ID (the measure id) → 実績値."""
    return {r["指標ID"]: r["実績値"] for r in table(path, INDICATOR_SHEET_MASTER)}


def report_texts(path: Path) -> Counter[str]:
    """Every string cell of the 基本目標N report sheets (as the cells hold them)."""
    wb = openpyxl.load_workbook(path)
    out: Counter[str] = Counter()
    for ws in wb.worksheets:
        if not ws.title.startswith("基本目標"):
            continue
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str):
                    out[c.value] += 1
    return out


def formula_cells(path: Path) -> list[str]:
    """Every cell of the workbook that holds a formula (openpyxl data_type 'f')."""
    wb = openpyxl.load_workbook(path)
    return [f"{ws.title}!{c.coordinate}" for ws in wb.worksheets for row in ws.iter_rows()
            for c in row if c.data_type == "f"]


# ---- findings ----------------------------------------------------------------------------

def where(findings: Any, code: str, file: str | None = None) -> list[tuple[Any, ...]]:
    return [(f.department, f.sheet, f.cell) for f in findings
            if f.code == code and (file is None or f.file == file)]


def of_file(findings: Any, file: str) -> list[Any]:
    return [f for f in findings if f.file == file]


def empty_template_findings(template: Path) -> Counter[tuple[str, str, str]]:
    """What an untouched template must produce: (code, sheet, cell) for every required field
    left empty; nothing else."""
    expected: Counter[tuple[str, str, str]] = Counter()
    required = _required_fields(template)
    for fid, row in fields_of(template).items():
        if row["role"] == "value":
            expected[("value-missing", row["sheet"], row["cell"])] += 1
        elif row["role"] in ("status", "plan") and required[fid]:
            code = "status-empty" if row["role"] == "status" else "plan-empty"
            expected[(code, row["sheet"], row["cell"])] += 1
    return expected


def _required_fields(template: Path) -> dict[str, bool]:
    """The ``required`` flag of every field, from the identity sheet the template carries."""
    from consolidator.reading.field_map import stored_fields
    from consolidator.reading.workbook import read_workbook

    raw = read_workbook(template)
    grid = next(g for g in raw.grids.values() if g and g[0] and g[0][0] == "format_version")
    return {f.field_id: f.required for f in stored_fields(raw, grid)}
