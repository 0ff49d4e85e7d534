"""計画: the plan at a glance — goals, activities, initiatives, indicators with their targets and
owners, the reporting departments — and, once the plan workbook exists, its download and
upload (see :mod:`consolidator.desk.extensions`)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from consolidator.desk.extensions import hook
from consolidator.desk.workspace import Workspace
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
            plan_workbook=hook("plan-export") is not None and hook("plan-import") is not None)

    return bp
