"""Issues 3 and 5 through LibreOffice Calc: templates and the master open in a real program."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from calc.session import CalcSession, convert_to_xlsx
from consolidator.jobs.demo import run_demo
from consolidator.plan.catalog import Catalog
from consolidator.reading.workbook import read_workbook
from consolidator.templates.model import INDICATOR_SHEET, TEXT_SHEET, build
from helpers.cells import row_of, shifted
from helpers.filling import fields_of
from helpers.master import sheet_rows

pytestmark = pytest.mark.calc


def test_every_template_opens_and_resaves_in_calc(tmp_path: Path, calc: CalcSession,
                                                  default_templates: dict[str, Path]) -> None:
    jobs = [{"op": "resave", "src": str(p), "dst": str(tmp_path / p.name)}
            for p in default_templates.values()]
    results = calc.run(jobs)
    assert [r.get("ok") for r in results] == [True] * len(jobs), results
    for department, src in default_templates.items():
        saved = tmp_path / src.name
        openpyxl.load_workbook(saved)  # opens without errors
        before, after = fields_of(src), fields_of(saved)
        assert {k: (v["sheet"], v["cell"]) for k, v in after.items()} == {
            k: (v["sheet"], v["cell"]) for k, v in before.items()}, department


def test_soffice_convert_to_xlsx(tmp_path: Path, calc: CalcSession,
                                 default_templates: dict[str, Path]) -> None:
    # the calc fixture for its skip/fail policy only: the conversion runs its own soffice
    src = default_templates["市社協"]
    out = convert_to_xlsx(src, tmp_path)
    assert fields_of(out) == fields_of(src)  # every field where it was, with its role and label
    before, after = read_workbook(src), read_workbook(out)
    for sheet in (TEXT_SHEET, INDICATOR_SHEET):  # every text the department reads, kept
        assert after.grids[sheet] == before.grids[sheet], sheet
    assert after.meta == before.meta  # the identity: department, year, plan


def test_two_rows_inserted_above_an_initiative_in_calc(tmp_path: Path, calc: CalcSession,
                                                       default_templates: dict[str, Path]) -> None:
    src = default_templates["高齢福祉課"]
    before = fields_of(src)
    model = build(Catalog.default(), "高齢福祉課", 2022)
    headings = [n for n, row in enumerate(model.text_rows, start=1) if row.style == "goal"]
    insert_at = headings[1]  # the heading row of the department's second initiative
    dst = tmp_path / "inserted.xlsx"
    calc.fill(src, dst, values={}, insert_rows=[{"sheet": TEXT_SHEET, "before_row": insert_at,
                                                 "count": 2}])
    after = fields_of(dst)
    assert set(after) == set(before)
    for fid, row in before.items():
        below = row["sheet"] == TEXT_SHEET and row_of(row["cell"]) >= insert_at
        assert after[fid]["cell"] == shifted(row["cell"], 2 if below else 0), fid


def test_demo_master_opens_in_calc(tmp_path: Path, calc: CalcSession) -> None:
    """Issue 5: the master that `consolidator demo` writes opens in LibreOffice."""
    result = run_demo(tmp_path / "demo")
    master = result.job.master
    assert master is not None and str(master) in "\n".join(result.lines)
    saved = calc.resave(master, tmp_path / "master_resaved.xlsx")
    assert saved.get("ok") is True, saved
    wb = openpyxl.load_workbook(tmp_path / "master_resaved.xlsx")
    assert wb.sheetnames[:2] == ["概要", "基本目標1"] and "指標一覧" in wb.sheetnames
    rows = sheet_rows(tmp_path / "master_resaved.xlsx", "指標一覧")
    assert len(rows) == 1 + len(Catalog.default().measures)
