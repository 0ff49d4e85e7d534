"""Issue 13 through LibreOffice Calc: 増減の理由 typed in Calc, and its colour as Calc draws it.

The three departments of the acceptance fill their workbooks in Calc (the driver types each
value into the cell its defined name points at, and saves); the others with openpyxl. The
colours are not assumed from the file: each workbook Calc filled is printed to PDF by Calc
and the pixels under the 増減の理由 cell are read back.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_change_explained import (
    EXPLAINED,
    FAR,
    UNEXPLAINED,
    YEAR,
    check_the_year,
    far_off,
)

from consolidator.jobs.runs import run_consolidate
from consolidator.plan.catalog import Catalog
from consolidator.templates.generate import generate_templates
from helpers.filling import by_department, by_name, realistic_values, submit_all
from helpers.findings import validate
from helpers.rendering import cell_colour

pytestmark = pytest.mark.calc

ORANGE, GREEN, INPUT = "f8cbad", "c6efce", "fff4cc"  # not explained, explained, an input cell
HEADING = "増減の理由"


def test_explained_in_calc_and_the_colours_calc_draws(tmp_path: Path, calc: object,
                                                      default_templates: dict[str, Path],
                                                      default_catalog: Catalog) -> None:
    folder = tmp_path / "s"
    others = {d: t for d, t in default_templates.items() if d not in FAR}
    submit_all(others, folder, values=lambda d, t: realistic_values(t, default_catalog, YEAR))
    typed = {d: {**realistic_values(default_templates[d], default_catalog, YEAR),
                 **far_off(default_catalog)[d]} for d in FAR}
    jobs = [{"op": "fill", "src": default_templates[d], "dst": folder / f"{d}_Calc.xlsx",
             "values": by_name(typed[d]), "insert_rows": [], "delete_rows": [], "cells": [],
             "protect_off": []} for d in FAR]
    jobs += [{"op": "resave", "src": folder / f"{d}_Calc.xlsx", "dst": tmp_path / f"{d}.pdf"}
             for d in FAR]
    results = calc.run(jobs)  # type: ignore[attr-defined]
    assert all(r.get("ok") for r in results), results

    job = run_consolidate(folder, default_catalog, YEAR, tmp_path / "out")
    check_the_year(job, default_templates, default_catalog)
    for d in FAR:  # Calc's file was the one used, and what was typed arrived
        chosen = job.validation.chosen[d]
        assert chosen.file == f"{d}_Calc.xlsx"
        assert chosen.entries[f"{FAR[d]}.value"].value == typed[d][f"{FAR[d]}.value"]

    for d, mid in FAR.items():
        expected = GREEN if d in EXPLAINED else ORANGE
        assert cell_colour(tmp_path / f"{d}.pdf", mid, HEADING) == expected, d
    # A value like last year's: the cell stays an input cell.
    plain = "2-1-2-c1"  # 高齢福祉課's second measure, typed as last year's
    assert typed["高齢福祉課"][f"{plain}.value"] == default_catalog.measure_by_id[
        plain].actual_of(YEAR - 1)["value"]  # type: ignore[index]
    assert cell_colour(tmp_path / "高齢福祉課.pdf", plain, HEADING) == INPUT


def test_the_ods_template_colours_the_same_in_calc(tmp_path: Path, calc: object,
                                                   default_catalog: Catalog) -> None:
    """generate --format ods: the conditional formats the ODS writer wrote (calcext and
    style:map) are the ones Calc applies; filled in Calc and returned as .ods, it is read.
    The colours are read from the .ods Calc saved, opened again and printed."""
    templates = by_department(generate_templates(default_catalog, YEAR, tmp_path / "t",
                                                 only=["高齢福祉課", UNEXPLAINED], fmt="ods"))
    folder = tmp_path / "s"
    typed = {d: {**realistic_values(t, default_catalog, YEAR), **far_off(default_catalog)[d]}
             for d, t in templates.items()}
    jobs = [{"op": "fill", "src": t, "dst": folder / f"{d}.ods", "values": by_name(typed[d]),
             "insert_rows": [], "delete_rows": [], "cells": [], "protect_off": []}
            for d, t in templates.items()]
    jobs += [{"op": "resave", "src": folder / f"{d}.ods", "dst": tmp_path / f"{d}.pdf"}
             for d in templates]
    results = calc.run(jobs)  # type: ignore[attr-defined]
    assert all(r.get("ok") for r in results), results
    assert cell_colour(tmp_path / "高齢福祉課.pdf", FAR["高齢福祉課"], HEADING) == GREEN
    assert cell_colour(tmp_path / f"{UNEXPLAINED}.pdf", FAR[UNEXPLAINED], HEADING) == ORANGE
    assert cell_colour(tmp_path / "高齢福祉課.pdf", "2-1-2-c1", HEADING) == INPUT
    result = validate(folder, default_catalog, YEAR)
    assert sorted((f.code, f.department) for f in result.findings
                  if f.code.startswith("value-")) == [
        ("value-change-explained", "高齢福祉課"), ("value-tenfold", UNEXPLAINED)]
