"""計画: the plan at a glance — goals, activities, initiatives, indicators with their targets and
owners, the reporting departments — and, once the plan workbook exists (``plan export`` /
``plan import FILE.xlsx``, see :mod:`consolidator.desk.extensions`), its download and the
upload of an edited one, checked, its findings shown at sheet and cell, nothing replaced
unless clean."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, send_file

from consolidator.desk.extensions import hook
from consolidator.desk.workspace import Upload, Workspace
from consolidator.messages import fill
from consolidator.messages.desk import DESK_TEXT
from consolidator.plan.summary import summary_lines


def blueprint(ws: Workspace) -> Blueprint:
    bp = Blueprint("plan", __name__)

    @bp.get("/plan")
    def show() -> Any:
        catalog = ws.project.catalog
        departments = [(name, len(catalog.initiatives_for(name)),
                        len(catalog.measures_owned_by(name)))
                       for name in catalog.department_names]
        return render_template(
            "plan.html", active="plan", headline=summary_lines(catalog)[:3],
            source=catalog.source, goals=catalog.goals, departments=departments,
            plan_workbook=_workbook_hooks() is not None, imported=ws.last_plan_import)

    @bp.get("/plan/workbook")
    def export() -> Any:
        hooks = _workbook_hooks() or abort(404)
        catalog = ws.project.catalog
        name = fill(DESK_TEXT["plan-workbook-file"], plan=catalog.plan_id)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / name
            hooks[0](catalog, path)
            data = path.read_bytes()
        return send_file(io.BytesIO(data), as_attachment=True, download_name=name, max_age=0,
                         mimetype="application/vnd.openxmlformats-officedocument"
                                  ".spreadsheetml.sheet")

    @bp.post("/plan/workbook")
    def take_in() -> Any:
        hooks = _workbook_hooks() or abort(404)
        sent = request.files.get("plan")
        if sent is None or not sent.filename:
            return redirect("/plan")
        ws.import_plan(Upload(sent.filename, sent.stream), hooks[1])
        return redirect("/plan")

    return bp


def _workbook_hooks() -> tuple[Any, Any] | None:
    """(export, import) of the plan workbook, when both exist."""
    export, read = hook("plan-export"), hook("plan-import")
    return None if export is None or read is None else (export, read)
