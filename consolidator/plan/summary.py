"""A readable summary of a plan catalog (``consolidator plan show``)."""

from __future__ import annotations

from typing import Any

from consolidator.japanese_values import wareki
from consolidator.messages import PLAN_SUMMARY_TEXT, fill
from consolidator.plan.catalog import Catalog


def _line(key: str, **values: Any) -> str:
    return fill(PLAN_SUMMARY_TEXT[key], **values)


def summary_lines(catalog: Catalog) -> list[str]:
    plan = catalog.plan
    period = plan["period"]
    lines = [
        _line("title", name=plan["name"], id=plan["id"]),
        _line("period", start=period["start"], end=period["end"],
              year=wareki(catalog.report_year), next_year=wareki(catalog.report_year + 1)),
        _line("counts", initiatives=len(catalog.initiatives),
              indicators=sum(1 for _ in catalog.indicators()), measures=len(catalog.measures),
              departments=len(catalog.departments)),
        "",
    ]
    for goal in catalog.goals:
        n_ini = sum(len(a["initiatives"]) for a in goal["activities"])
        lines.append(_line("goal", number=goal["number"], title=goal["title"],
                           activities=len(goal["activities"]), initiatives=n_ini))
        for act in goal["activities"]:
            n_ind = sum(len(i["indicators"]) for i in act["initiatives"])
            lines.append(_line("activity", id=act["id"], title=act["title"],
                               initiatives=len(act["initiatives"]), indicators=n_ind))
    lines.append("")
    lines.append(_line("department-heading"))
    for department in catalog.department_names:
        inis = catalog.initiatives_for(department)
        owned = catalog.measures_owned_by(department)
        lines.append(_line("department", department=department, initiatives=len(inis),
                           measures=len(owned)))
        lines.append(_line("department-initiatives", ids=" ".join(i.id for i in inis)))
        for m in owned:
            lines.append(_line("department-measure", id=m.id, name=m.name))
    return lines
