"""提出: returned files dropped or picked (many at once), saved into ``submissions/`` under a
safe name and checked at once; each file's department, format version and findings shown."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request

from consolidator.desk.workspace import Upload, Workspace
from consolidator.limits import MiB


def blueprint(workspace: Workspace) -> Blueprint:
    bp = Blueprint("submit", __name__)

    @bp.get("/submit")
    def show() -> Any:
        return render_template("submit.html", active="submit", report=workspace.last_upload,
                               max_files=workspace.limits.max_upload_files,
                               max_mb=workspace.limits.max_file_bytes // MiB)

    @bp.post("/submit")
    def upload() -> Any:
        files = [Upload(f.filename or "", f.stream) for f in request.files.getlist("files")]
        workspace.upload(files)
        return redirect("/submit")

    return bp
