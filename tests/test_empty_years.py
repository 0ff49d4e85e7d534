"""A past year nobody has an actual for takes no width on paper (issue 24): the template's
活動指標 hides its column (.xlsx and .ods; every other column stays where it was, so the
returned file reads as before), and the master's 指標一覧 leaves it out.

The plan here carries 令和2年度's actuals and none of 令和3年度 (a year not consolidated), nor
of 令和元年度.
"""

from __future__ import annotations

import json
import zipfile
from typing import Any

import openpyxl
import pytest

from consolidator.jobs.runs import run_consolidate
from consolidator.plan.catalog import Catalog
from consolidator.templates.generate import generate_templates
from consolidator.templates.model import INDICATOR_SHEET
from helpers.filling import by_department, complete_values, submit_all
from helpers.master import sheet_rows
from helpers.ods_files import fill_ods
from helpers.paths import MINI_PLAN

YEAR = 2022  # the mini plan's report year


@pytest.fixture(scope="module")
def gap_catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    doc = json.loads(MINI_PLAN.read_text(encoding="utf-8"))
    for goal in doc["goals"]:
        for activity in goal["activities"]:
            for ini in activity["initiatives"]:
                for ind in ini["indicators"]:
                    for m in ind["measures"]:
                        for h in m.get("history", []):
                            h["year"] = 2020
    path = tmp_path_factory.mktemp("gap") / "plan.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return Catalog.from_path(path)


@pytest.fixture(scope="module")
def gap_run(tmp_path_factory: pytest.TempPathFactory, gap_catalog: Catalog
            ) -> dict[str, Any]:
    """The templates of the plan (市社協's .ods too), filled as a department would (市社協
    returning its .ods), and consolidated."""
    root = tmp_path_factory.mktemp("gap_run")
    templates = by_department(generate_templates(gap_catalog, YEAR, root / "t"))
    [ods] = generate_templates(gap_catalog, YEAR, root / "o", only=["市社協"], fmt="ods")
    sent = submit_all(templates, root / "s")
    fill_ods(ods, root / "s" / "市社協_提出.ods", complete_values(ods))
    (root / "s" / "市社協_提出.xlsx").unlink()
    job = run_consolidate(root / "s", gap_catalog, YEAR, root / "out")
    return {"templates": templates, "ods": ods, "sent": sent, "job": job}


def _columns(ws: Any) -> dict[str, bool]:
    """Heading of each 活動指標 column (row 3) → whether it is hidden."""
    return {str(c.value): bool(ws.column_dimensions[c.column_letter].hidden) for c in ws[3]}


def test_the_template_hides_the_past_years_without_an_actual(gap_run: dict[str, Any]) -> None:
    columns = _columns(openpyxl.load_workbook(gap_run["templates"]["市社協"])[INDICATOR_SHEET])
    assert [h for h, hidden in columns.items() if hidden] == ["令和元年度 実績",
                                                              "令和3年度 実績"]
    assert not columns["令和2年度 実績"] and not columns["令和4年度 実績値"]

    content = zipfile.ZipFile(gap_run["ods"]).read("content.xml").decode()
    sheet = content[content.index(f'table:name="{INDICATOR_SHEET}"'):]
    columns_xml = sheet[:sheet.index("<table:table-row")].split("<table:table-column ")[1:]
    assert ["collapse" in c for c in columns_xml] == list(columns.values())

    # filled as a department would, both formats read as before: every value lands
    job = gap_run["job"]
    assert job.validation.findings.errors == []
    assert len(job.validation.chosen) == len(gap_run["sent"])


def test_the_master_leaves_out_a_past_year_without_an_actual(gap_run: dict[str, Any]) -> None:
    header = sheet_rows(gap_run["job"].master, "指標一覧")[0]
    assert "令和2年度実績" in header
    assert "令和3年度実績" not in header
