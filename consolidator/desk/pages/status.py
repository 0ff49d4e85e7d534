"""状況: one row per department — received, file, versions, errors, open and accepted
warnings, its findings on click, its 確認事項 and e-mail draft to download — then the files no
department could be told from, and the reminder drafts for the departments still missing."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from consolidator.desk.department_status import department_status, unplaced_files
from consolidator.desk.pages.downloads import send
from consolidator.desk.workspace import Workspace
from consolidator.findings import ERROR, WARNING


def blueprint(ws: Workspace) -> Blueprint:
    bp = Blueprint("status", __name__)

    @bp.get("/status")
    def show() -> Any:
        result = ws.validation()
        rows = department_status(result)
        return render_template(
            "status.html", active="status", rows=rows, unplaced=unplaced_files(result),
            received=sum(1 for r in rows if r.received),
            errors=result.findings.count(ERROR), warnings=result.findings.count(WARNING),
            log={r.department: ws.project.servable(ws.project.department_log(r.department))
                 is not None for r in rows},
            mail={r.department: ws.project.servable(ws.project.department_mail(r.department))
                  is not None for r in rows},
            reminder={r.department: ws.project.servable(ws.project.reminder(r.department))
                      is not None for r in rows})

    @bp.get("/status/log/<department>")
    def department_log(department: str) -> Any:
        return send(ws.project, ws.project.department_log(department))

    @bp.get("/status/mail/<department>")
    def department_mail(department: str) -> Any:
        return send(ws.project, ws.project.department_mail(department))

    @bp.get("/status/reminder/<department>")
    def reminder(department: str) -> Any:
        return send(ws.project, ws.project.reminder(department))

    return bp
