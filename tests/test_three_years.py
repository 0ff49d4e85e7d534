"""Issue 14: three years in a row on real files, each from the catalog the year before wrote.

令和3 (templates filled with the seed's own 令和3 actuals) → consolidate → generate 令和4 from
the catalog it wrote → fill → consolidate → generate 令和5 → fill → consolidate: the master of
令和5 shows every measure's 令和3 and 令和4 actuals as they were typed, and charts the trend.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from consolidator.jobs.runs import run_consolidate
from consolidator.plan.catalog import Catalog, canonical_json
from consolidator.plan.workbook_export import export_workbook
from consolidator.plan.workbook_import import import_workbook
from consolidator.templates.generate import generate_templates
from consolidator.templates.model import IND_COL
from helpers.filling import by_department, complete_values, fields_of, seed_values, submit_all
from helpers.master import sheet_rows

pytestmark = pytest.mark.slow
FIRST = 2021  # 令和3年度, the seed's year


def typed_number(index: int, year: int) -> int:
    """A different whole number per measure and year (small: no measure is a percentage
    over 100)."""
    return index % 9 + 2 * (year - FIRST) + 1


def year_values(catalog: Catalog, year: int) -> Any:
    """What each department types in ``year``: the seed's actuals in 令和3, else texts and a
    number for every measure."""
    index = {m.id: k for k, m in enumerate(catalog.measures)}

    def values(_department: str, template: Path) -> dict[str, Any]:
        if year == FIRST:
            return seed_values(catalog, template)
        out = complete_values(template)
        for fid in [f for f, row in fields_of(template).items() if row["role"] == "value"]:
            out[fid] = typed_number(index[fid.rsplit(".", 1)[0]], year)
        return out
    return values


def actual_typed(values: dict[str, Any], measure_id: str) -> Any:
    """What 指標一覧 shows for a year: the number typed, or the reason chosen instead."""
    value = values.get(f"{measure_id}.value")
    return value if value is not None else values.get(f"{measure_id}.reason")


@pytest.fixture(scope="module")
def three_years(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("three_years")
    catalog = Catalog.default()
    typed: dict[int, dict[str, Any]] = {}
    jobs = {}
    for year in (FIRST, FIRST + 1, FIRST + 2):
        templates = by_department(generate_templates(catalog, year, root / f"templates_{year}"))
        sent = submit_all(templates, root / f"submissions_{year}",
                          values=year_values(catalog, year))
        typed[year] = {fid: v for values in sent.typed.values() for fid, v in values.items()}
        jobs[year] = run_consolidate(root / f"submissions_{year}", catalog, year, root / "output")
        assert jobs[year].next_plan is not None
        catalog = Catalog.from_path(jobs[year].next_plan)  # next year starts from it
    return {"root": root, "typed": typed, "jobs": jobs, "catalog": catalog}


def test_every_year_was_clean(three_years: dict[str, Any]) -> None:
    for year, job in three_years["jobs"].items():
        assert job.validation.findings.errors == [] or year == FIRST, year
        assert "older-catalog" not in {f.code for f in job.validation.findings}, year


def test_indicator_list_of_the_third_year_shows_the_two_years_before(
        three_years: dict[str, Any]) -> None:
    job, typed = three_years["jobs"][FIRST + 2], three_years["typed"]
    header, *rows = sheet_rows(job.master, "指標一覧")
    assert header[header.index("目標年度") + 1:header.index("実績値") + 1] == [
        "令和3年度実績", "令和4年度実績", "過去の増減の理由", "実績値"]
    measures = Catalog.default().measures
    assert len(rows) == len(measures)
    by_id = {r[header.index("指標ID")]: dict(zip(header, r, strict=True)) for r in rows}
    shown_2021 = 0
    for m in measures:
        row = by_id[m.id]
        assert row["令和3年度実績"] == actual_typed(typed[FIRST], m.id), m.id
        assert row["令和4年度実績"] == actual_typed(typed[FIRST + 1], m.id), m.id
        assert row["実績値"] == actual_typed(typed[FIRST + 2], m.id), m.id
        shown_2021 += row["令和3年度実績"] is not None
    assert shown_2021 == 79  # every measure the seed has an actual (or a reason) for


def test_the_written_catalog_carries_every_year(three_years: dict[str, Any]) -> None:
    catalog, typed = three_years["catalog"], three_years["typed"]
    assert catalog.report_year == FIRST + 3
    m = catalog.measure_by_id["1-3-2-s1"]  # 57.5% in the seed
    assert [(h["year"], h["value"], h["target"]) for h in m.history] == [
        (FIRST, 57.5, m.data["value"]),
        (FIRST + 1, typed[FIRST + 1]["1-3-2-s1.value"], m.data["value"]),
        (FIRST + 2, typed[FIRST + 2]["1-3-2-s1.value"], m.data["value"])]


def test_the_catalogs_consolidate_wrote_round_trip_through_the_workbook(
        three_years: dict[str, Any]) -> None:
    for year, job in three_years["jobs"].items():
        catalog = Catalog.from_path(job.next_plan)
        book = three_years["root"] / f"plan_{year + 1}.xlsx"
        export_workbook(catalog, book)
        doc, found = import_workbook(book)
        assert list(found) == [] and doc is not None, year
        assert canonical_json(doc) == canonical_json(catalog.doc), year


def test_trend_sheet_has_a_chart_per_measure(three_years: dict[str, Any]) -> None:
    job = three_years["jobs"][FIRST + 2]
    wb = openpyxl.load_workbook(job.master)
    assert "推移" in wb.sheetnames
    charts = wb["推移"]._charts
    assert len(charts) == len(Catalog.default().measures)  # a number every year from 令和4
    rows = sheet_rows(job.master, "推移")
    table = next(r for r, row in enumerate(rows) if row[0] == "ID")
    assert rows[table][3] == "実績" and rows[table + 1][3:6] == ["令和3年度", "令和4年度",
                                                                "令和5年度"]


def test_templates_of_the_third_year_show_three_years(three_years: dict[str, Any]) -> None:
    typed = three_years["typed"]
    template = three_years["root"] / "templates_2023" / "令和5年度_市社協_実施状況報告.xlsx"
    ws = openpyxl.load_workbook(template)["活動指標"]
    header = [c.value for c in ws[3]]
    assert header[IND_COL["actual-3"] - 1:IND_COL["value"]] == [
        "令和2年度 実績", "令和3年度 実績", "令和4年度 実績", "令和5年度 実績値"]
    row = next(r for r in ws.iter_rows(min_row=4) if r[0].value == "1-3-2-s1")
    assert row[IND_COL["actual-2"] - 1].value == "57.5%"
    assert row[IND_COL["actual-1"] - 1].value == f"{typed[FIRST + 1]['1-3-2-s1.value']}%"
