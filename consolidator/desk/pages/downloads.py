"""Handing out one file of the project folder: only a path the desk built itself, only when
it resolves to a regular file inside the folder (see :class:`consolidator.desk.project.Project`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import abort, send_file

from consolidator.desk.project import Project


def send(project: Project, path: Path | None) -> Any:
    """The file as a download under its own name; 404 when it is not there or not inside."""
    found = project.servable(path)
    if found is None or path is None:
        abort(404)
    return send_file(found, as_attachment=True, download_name=path.name, max_age=0)
