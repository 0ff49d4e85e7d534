"""Issue 15 through LibreOffice Calc: the sheets of a filled workbook copied into a new
document (Sheet > Move or Copy Sheet > "- new document -"), saved, and sent.

Calc copies the visible sheets and the workbook's defined names, not the hidden ``_meta``
sheet nor the custom properties: the file is recognised from its titles and keys and read
exactly, with one ``identity-recovered`` warning.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from consolidator.checks.validation import validate_folder
from consolidator.plan.catalog import Catalog
from consolidator.templates.model import META_SHEET
from helpers.filling import fill_workbook, realistic_values, set_modified
from helpers.findings import of_file

pytestmark = pytest.mark.calc

RECOVERED = "identity-recovered"


@pytest.fixture(scope="module")
def calc_copies(calc: Any, default_templates: dict[str, Path], default_catalog: Catalog,
                tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Every department's workbook filled, then copied by Calc into a new document (one
    driver call for all the copies); 高齢福祉課 also as .ods."""
    root = tmp_path_factory.mktemp("calc_copies")
    year = default_catalog.report_year
    out: dict[str, Any] = {"root": root, "year": year, "typed": {}, "filled": {}}
    jobs = []
    for department, template in default_templates.items():
        typed = realistic_values(template, default_catalog, year)
        filled = root / "filled" / f"{department}.xlsx"
        filled.parent.mkdir(exist_ok=True)
        fill_workbook(template, filled, typed)
        out["typed"][department], out["filled"][department] = typed, filled
        jobs.append({"op": "copy_sheets", "src": filled,
                     "dst": root / "copies" / f"{department}_新しいブック.xlsx"})
    jobs.append({"op": "copy_sheets", "src": out["filled"]["高齢福祉課"],
                 "dst": root / "ods" / "高齢福祉課.ods", "format": "ods"})
    results = calc.run(jobs)
    failed = [(j["dst"], r.get("error")) for j, r in zip(jobs, results, strict=True)
              if not r.get("ok")]
    assert not failed, "\n".join(f"{d}: {e}" for d, e in failed)
    out["copied"] = results[0]
    return out


def test_every_department_copied_in_calc_arrives_exactly(calc_copies: dict[str, Any],
                                                         default_catalog: Catalog) -> None:
    copied = calc_copies["copied"]
    assert META_SHEET not in copied["sheets"] and copied["names"]  # names kept, _meta not
    result = validate_folder(calc_copies["root"] / "copies", default_catalog,
                             calc_copies["year"], workers=1)
    typed = calc_copies["typed"]
    assert sorted((f.code, f.department) for f in result.findings) == sorted(
        (RECOVERED, d) for d in typed)
    assert set(result.chosen) == set(typed)
    for department, values in typed.items():
        chosen = result.chosen[department]
        assert chosen.file == f"{department}_新しいブック.xlsx"
        assert {k: e.value for k, e in chosen.entries.items()} == values, department
    assert result.chosen["市社協"].entries["1-3-2-s1.value"].value == 57.5
    assert result.chosen["こども未来課"].entries["2-2-2-c1.value"].value == 54604


def test_calc_copy_beside_the_template_is_not_used(calc_copies: dict[str, Any],
                                                   default_catalog: Catalog,
                                                   tmp_path: Path) -> None:
    folder = tmp_path / "s"
    folder.mkdir()
    shutil.copy(calc_copies["filled"]["高齢福祉課"], folder / "高齢福祉課.xlsx")
    set_modified(folder / "高齢福祉課.xlsx", "2023-01-01T00:00:00Z")
    copy = shutil.copy(calc_copies["root"] / "copies" / "高齢福祉課_新しいブック.xlsx",
                       folder / "高齢福祉課_新しいブック.xlsx")
    set_modified(copy, "2023-02-01T00:00:00Z")
    result = validate_folder(folder, default_catalog, calc_copies["year"], workers=1)
    assert result.chosen["高齢福祉課"].file == "高齢福祉課.xlsx"
    assert [(f.code, f.department) for f in of_file(result.findings, copy.name)] == [
        (RECOVERED, "高齢福祉課"), ("duplicate-not-used", "高齢福祉課")]
    assert "異なる項目 0 件" in [f for f in result.findings
                                if f.code == "duplicate-not-used"][0].message


def test_calc_copy_saved_as_ods_arrives_exactly(calc_copies: dict[str, Any],
                                                default_catalog: Catalog) -> None:
    result = validate_folder(calc_copies["root"] / "ods", default_catalog, calc_copies["year"],
                             workers=1)
    findings = of_file(result.findings, "高齢福祉課.ods")
    assert [(f.code, f.department) for f in findings] == [(RECOVERED, "高齢福祉課")]
    entries = result.chosen["高齢福祉課"].entries
    assert {k: e.value for k, e in entries.items()} == calc_copies["typed"]["高齢福祉課"]
