"""計画: the plan at a glance — goals, activities, initiatives, indicators with their targets and
owners, the reporting departments — and the plan workbook: its download (``plan export``)
and the upload of an edited one (``plan import FILE.xlsx``), checked, its findings shown at
sheet and cell, nothing replaced unless clean."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path
from typing import Any

from flask import Blueprint, redirect, render_template, request, send_file

from consolidator.desk.workspace import Upload, Workspace
from consolidator.messages import fill
from consolidator.messages.desk import DESK_TEXT
from consolidator.plan.summary import summary_lines
from consolidator.plan.workbook_export import export_workbook
from consolidator.safe_paths import output_path

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def blueprint(workspace: Workspace) -> Blueprint:
    bp = Blueprint("plan", __name__)

    @bp.get("/plan")
    def show() -> Any:
        catalog = workspace.project.catalog
        departments = [(name, len(catalog.initiatives_for(name)),
                        len(catalog.measures_owned_by(name)))
                       for name in catalog.department_names]
        return render_template(
            "plan.html", active="plan", headline=summary_lines(catalog)[:3],
            source=catalog.source, goals=catalog.goals, departments=departments,
            imported=workspace.last_plan_import)

    @bp.get("/plan/workbook")
    def export() -> Any:
        catalog = workspace.project.catalog
        name = fill(DESK_TEXT["plan-workbook-file"], plan=catalog.plan_id)
        with tempfile.TemporaryDirectory() as tmp:
            path = output_path(Path(tmp), name)  # the plan's id is in it
            export_workbook(catalog, path)
            data = path.read_bytes()
        return send_file(io.BytesIO(data), as_attachment=True, download_name=name, max_age=0,
                         mimetype=XLSX_TYPE)

    @bp.post("/plan/workbook")
    def take_in() -> Any:
        sent = request.files.get("plan")
        if sent is None or not sent.filename:
            return redirect("/plan")
        workspace.import_plan(Upload(sent.filename, sent.stream))
        return redirect("/plan")

    return bp
