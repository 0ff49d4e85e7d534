"""はじめに: where the year stands — the steps of the year with the current one marked (from
what the project folder holds, :mod:`consolidator.desk.steps`), the folder itself, and, once
something has come in, the 状況 summary."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from consolidator.desk.steps import current_step, year_steps
from consolidator.desk.workspace import PLAN_FILE, Workspace
from consolidator.folder_settings import read_settings


def blueprint(workspace: Workspace) -> Blueprint:
    bp = Blueprint("home", __name__)

    @bp.get("/")
    def show() -> Any:
        view = workspace.status()
        received = sum(1 for r in view.rows if r.received)
        root = workspace.project.root
        kept = read_settings(root)[0].plan_path(root)  # the folder's plan (next-year sets it)
        current = current_step(workspace.project, kept or root / PLAN_FILE,
                               all_received=received == len(view.rows))
        return render_template("home.html", active="home", steps=year_steps(current),
                               view=None if view.nothing_yet else view, received=received,
                               root=str(workspace.project.root.resolve()))

    return bp
