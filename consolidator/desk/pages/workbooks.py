"""様式: ``generate`` with a deadline and a contact (and, as ``generate --mail``, an e-mail draft
per template), then each template and its draft to download, one at a time or all as a zip."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, send_file

from consolidator.desk.pages.downloads import send
from consolidator.desk.pages.form_fields import form_text
from consolidator.desk.workspace import Workspace
from consolidator.japanese_values import wareki
from consolidator.messages import fill
from consolidator.messages.desk import DESK_TEXT


def blueprint(workspace: Workspace) -> Blueprint:
    bp = Blueprint("workbooks", __name__)

    @bp.get("/workbooks")
    def show() -> Any:
        return render_template("workbooks.html", active="workbooks",
                               templates=workspace.project.templates_present(),
                               drafts=dict(workspace.project.send_out_mails_present()),
                               generated=workspace.last_generated)

    @bp.post("/workbooks/generate")
    def generate() -> Any:
        workspace.generate(form_text("deadline"), form_text("contact"),
                           mail=bool(request.form.get("mail")))
        return redirect("/workbooks")

    @bp.get("/workbooks/template/<department>")
    def template(department: str) -> Any:
        return send(workspace.project, workspace.project.template(department))

    @bp.get("/workbooks/mail/<department>")
    def send_out_mail(department: str) -> Any:
        return send(workspace.project, workspace.project.send_out_mail(department))

    @bp.get("/workbooks/all.zip")
    def all_templates() -> Any:
        return _zip(workspace.project.templates_present(),
                    fill(DESK_TEXT["zip-name"], year=wareki(workspace.project.year)))

    @bp.get("/workbooks/drafts.zip")
    def all_drafts() -> Any:
        return _zip(workspace.project.send_out_mails_present(),
                    fill(DESK_TEXT["drafts-zip-name"], year=wareki(workspace.project.year)))

    return bp


def _zip(present: list[tuple[str, Path]], name: str) -> Any:
    """The files as one zip download (404 when there is none)."""
    if not present:
        abort(404)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for _department, path in present:
            zf.write(path, arcname=path.name)
    buf.seek(0)
    return send_file(buf, as_attachment=True, download_name=name, mimetype="application/zip",
                     max_age=0)
