"""consolidator.master_analysis: 指標一覧 of several years' masters as one DataFrame (extra:
pandas)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from consolidator.jobs.filling import fill_fields
from consolidator.jobs.runs import run_consolidate
from consolidator.master_analysis import NotAMaster, indicator_table, is_past_year_column
from consolidator.plan.catalog import Catalog
from consolidator.reading.field_map import field_map
from consolidator.templates.generate import generate_templates


def _year(catalog: Catalog, year: int, value: int, root: Path) -> Path:
    templates = generate_templates(catalog, year, root / f"t{year}")
    folder = root / f"s{year}"
    folder.mkdir()
    for template in templates:
        values = {row["field_id"]: "実施しました。" if row["role"] in ("status", "plan") else value
                  for row in field_map(template) if row["role"] in ("status", "plan", "value")}
        fill_fields(template, folder / template.name, values)
    job = run_consolidate(folder, catalog, year, root / "out")
    assert job.master is not None and job.next_plan is not None
    return job.master


@pytest.mark.slow  # two whole years consolidated: in the full suite
def test_two_years_side_by_side(tmp_path: Path, mini_catalog: Catalog) -> None:
    first = _year(mini_catalog, 2022, 5, tmp_path)
    second = _year(Catalog.from_path(tmp_path / "out" / "plan_2023.json"), 2023, 7, tmp_path)
    table = indicator_table([second, first])
    assert list(table["年度"].unique()) == [2022, 2023]  # oldest first
    assert set(table["ファイル"]) == {"master_2022.xlsx", "master_2023.xlsx"}
    wide = table.pivot(index="指標ID", columns="年度", values="実績値")
    measures = {m.id for m in mini_catalog.measures}
    assert set(wide.index) == measures
    assert (wide[2022] == 5).all() and (wide[2023] == 7).all()
    # the same rows as the master's own sheet, read independently
    wb = openpyxl.load_workbook(first, read_only=True)
    try:
        rows = list(wb["指標一覧"].iter_rows(values_only=True))
    finally:
        wb.close()
    assert "令和3年度実績" in rows[0]  # the year before, from the catalog's history
    assert list(table.columns[1:-1]) == [h for h in rows[0] if not is_past_year_column(h)]
    assert len(table[table["年度"] == 2022]) == len(rows) - 1


def test_a_file_that_is_not_a_master(tmp_path: Path, mini_catalog: Catalog) -> None:
    _year(mini_catalog, 2022, 5, tmp_path)
    with pytest.raises(NotAMaster):
        indicator_table([tmp_path / "out" / "validation_log.xlsx"])
    assert indicator_table([]).empty
