"""A readable summary of a plan catalog (``consolidator plan show``)."""

from __future__ import annotations

from consolidator.japanese_values import wareki
from consolidator.plan.catalog import Catalog


def summary_lines(catalog: Catalog) -> list[str]:
    plan = catalog.plan
    period = plan["period"]
    lines = [
        f"{plan['name']}(計画ID: {plan['id']})",
        f"計画期間: {period['start']}年度〜{period['end']}年度 / 作成する報告: "
        f"{wareki(catalog.report_year)}度実績・{wareki(catalog.report_year + 1)}度予定",
        f"取組み {len(catalog.initiatives)} 件 / 指標 {sum(1 for _ in catalog.indicators())} 件"
        f"(値の項目 {len(catalog.measures)} 件) / 担当 {len(catalog.departments)}",
        "",
    ]
    for goal in catalog.goals:
        n_ini = sum(len(a["initiatives"]) for a in goal["activities"])
        lines.append(f"基本目標{goal['number']} {goal['title']}(活動目標 {len(goal['activities'])}"
                     f"・取組み {n_ini})")
        for act in goal["activities"]:
            n_ind = sum(len(i["indicators"]) for i in act["initiatives"])
            lines.append(f"  活動目標{act['id']} {act['title']}(取組み {len(act['initiatives'])}"
                         f"・指標 {n_ind})")
    lines.append("")
    lines.append("報告単位ごとの取組みと担当指標:")
    for department in catalog.department_names:
        inis = catalog.initiatives_for(department)
        owned = catalog.measures_owned_by(department)
        lines.append(f"  {department}: 取組み {len(inis)} 件、担当指標 {len(owned)} 件")
        lines.append("    取組み: " + " ".join(i.id for i in inis))
        for m in owned:
            lines.append(f"    指標 {m.id} {m.name}")
    return lines
