"""``demo``: one year's cycle on the embedded default plan, end to end.

Generates the templates, fills them the way departments would — with realistic text and a
few of the mistakes people make (a full-width number, a value with its unit, a missing value,
one department that does not return its workbook) — then consolidates and says where to look.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from consolidator.findings import ERROR, WARNING
from consolidator.japanese_values import wareki
from consolidator.jobs.filling import fill_fields
from consolidator.jobs.runs import JobResult, run_consolidate
from consolidator.messages import cli_text
from consolidator.plan.catalog import Catalog, InitiativeView, MeasureView
from consolidator.safe_paths import output_path
from consolidator.templates.generate import generate_templates
from consolidator.templates.model import TemplateModel, build

NOT_RETURNING = "中央図書館"  # the department that does not send its workbook back
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@dataclass
class DemoResult:
    job: JobResult
    lines: list[str] = field(default_factory=list)


def run_demo(root: Path, catalog: Catalog | None = None) -> DemoResult:
    """Generate, fill (all departments but one, with a few mistakes), consolidate, all under
    ``root``; returns the job and the lines telling the user where to look."""
    catalog = catalog or Catalog.default()
    year = catalog.report_year
    templates_dir, submissions, out = root / "workbook_templates", root / "submissions", \
        root / "output"
    for d in (templates_dir, submissions):
        if d.exists():
            shutil.rmtree(d)
    paths = generate_templates(catalog, year, templates_dir, deadline="5月31日",
                               contact="地域福祉課 地域福祉担当")
    mistakes = _Mistakes()
    for department, path in zip(paths.owners, paths, strict=True):
        if department == NOT_RETURNING:
            continue
        model = build(catalog, department, year)
        values = _filled(model, mistakes)
        dst = output_path(submissions, f"{department}_回答.xlsx")
        dst.parent.mkdir(parents=True, exist_ok=True)
        fill_fields(path, dst, values)
    job = run_consolidate(submissions, catalog, year, out)
    lines = [
        cli_text("demo-templates", count=len(paths), folder=templates_dir),
        cli_text("demo-submissions", count=len(paths) - 1, folder=submissions,
                 missing=NOT_RETURNING),
        cli_text("demo-mistakes", mistakes="、".join(mistakes.done)),
        cli_text("log-written", path=job.logs["xlsx"]),
        cli_text("demo-findings", errors=job.validation.findings.count(ERROR),
                 warnings=job.validation.findings.count(WARNING)),
        cli_text("master-written" if job.master_changed else "master-unchanged",
                 path=job.master),
    ]
    return DemoResult(job, lines)


class _Mistakes:
    """Each mistake made once, on the first measure where it makes sense."""

    def __init__(self) -> None:
        self.done: list[str] = []

    def take(self, name: str) -> bool:
        if name in self.done:
            return False
        self.done.append(name)
        return True


def _filled(model: TemplateModel, mistakes: _Mistakes) -> dict[str, Any]:
    catalog = model.catalog
    values: dict[str, Any] = {}
    for f in model.fields:
        ini = catalog.initiative_by_id[f.initiative_id]
        if f.role in ("status", "plan"):
            if not f.required:
                continue
            values[f.field_id] = _text(ini, model, f.role, f.category)
        elif f.role == "value":
            m = catalog.measure_by_id[f.measure_id or ""]
            values.update(_measure_values(m, mistakes))
    return values


def _text(ini: InitiativeView, model: TemplateModel, role: str, category: str | None) -> str:
    """This year's text: what the department planned last time, written as done (or planned
    again)."""
    prev = ini.previous
    rows = [r["text"] for r in prev.get("plans", [])
            if model.department in r["departments"] and (r.get("category") or None) == category]
    base = "\n".join(rows) or f"「{ini.title}」に関する取組みを実施"
    if role == "status":
        return base
    return f"{base}\n(引き続き{wareki(model.year + 1)}度も実施予定)"


def _measure_values(m: MeasureView, mistakes: _Mistakes) -> dict[str, Any]:
    prev = m.previous_actual() or {}
    before = prev.get("value")
    value: Any = before if isinstance(before, (int, float)) and before else 1
    if m.percent:
        value = min(100, round(float(value) + 1.5, 1))
    elif isinstance(value, float) and not value.is_integer():
        value = round(value * 1.05, 1)
    else:
        value = int(round(int(value) * 1.05)) or 1
    fid = f"{m.id}.value"
    if not m.percent and isinstance(value, int) and mistakes.take("全角数字"):
        return {fid: str(value).translate(FULL_WIDTH)}
    if m.unit == "人" and isinstance(value, int) and mistakes.take("単位付きの値"):
        return {fid: f"{value}人"}
    if m.unit == "回" and mistakes.take("実績値の記入漏れ"):
        return {}
    return {fid: value}
