"""Issue 12, acceptance: the whole correction loop on real files.

The 17 templates of the default plan are generated (with a deadline and a contact) and
filled as departments would; 市社協 sends its workbook with three errors. ``consolidate``
sends back its own workbook marked: the notes, the highlights and the links of 確認事項 are
exactly the cells the validation log names. The department follows the links and fixes the
three cells — once in openpyxl (as Excel saves), once in LibreOffice Calc — and the file is
saved into ``submissions/`` beside the old one. ``consolidate`` again: the new version is
used, the old one listed as superseded, the errors gone, the ledger has both files, ``diff``
lists exactly the three fields, ``status`` is clean.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from consolidator.cli import main
from consolidator.feedback.styles import ERROR_FILL
from consolidator.findings import ERROR, INFO
from consolidator.jobs.runs import run_consolidate
from consolidator.plan.catalog import Catalog
from consolidator.templates.generate import generate_templates
from consolidator.templates.model import build
from helpers.correction import highlights, links, listed, notes, open_cells, top_lines
from helpers.filling import (
    by_department,
    fields_of,
    measure_of,
    plausible_number,
    realistic_values,
    submit_all,
)
from helpers.master import table

COUNCIL = "市社協"
DEADLINE, CONTACT = "2023年5月31日(水)", "地域福祉課 地域福祉担当(内線1234)"
Fixer = Callable[[Path, Path, dict[tuple[str, str], Any]], None]


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory, default_catalog: Catalog
              ) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("loop_templates")
    return by_department(generate_templates(default_catalog, default_catalog.report_year, out,
                                            deadline=DEADLINE, contact=CONTACT))


def _three_errors(catalog: Catalog) -> dict[str, Any]:
    """Two values and a status text of 市社協, each wrong in its own way."""
    fields = build(catalog, COUNCIL, catalog.report_year).fields
    first, second = [f.field_id for f in fields if f.role == "value"][:2]
    status = next(f.field_id for f in fields if f.role == "status" and f.required)
    return {first: "約10", second: "たくさん", status: None}


def _fixes(catalog: Catalog, fields: list[str]) -> dict[str, Any]:
    year = catalog.report_year
    return {fid: plausible_number(measure_of(catalog, fid), year) if fid.endswith(".value")
            else "地区社協と連携し、研修会を2回開催しました。" for fid in fields}


def fix_with_openpyxl(src: Path, dst: Path, cells: dict[tuple[str, str], Any]) -> None:
    wb = openpyxl.load_workbook(src)
    for (sheet, cell), value in cells.items():
        wb[sheet][cell].value = value
    wb.save(dst)


def _loop(tmp_path: Path, templates: dict[str, Path], catalog: Catalog, fix: Fixer) -> None:
    year = catalog.report_year
    submissions, out = tmp_path / "submissions", tmp_path / "output"
    errors = _three_errors(catalog)
    sent = submit_all(templates, submissions, {COUNCIL: errors},
                      values=lambda d, t: realistic_values(t, catalog, year))
    first = run_consolidate(submissions, catalog, year, out)
    wrong = [(f.department, f.code) for f in first.validation.findings if f.severity != INFO]
    assert sorted(wrong) == sorted([(COUNCIL, "value-approximate"),
                                    (COUNCIL, "value-not-number"), (COUNCIL, "status-empty")])

    # the annotated workbook: exactly the cells the log names
    annotated = out / "担当別" / f"{COUNCIL}_確認事項.xlsx"
    logged = open_cells(out, COUNCIL, sent[COUNCIL].name)
    where = {(r["sheet"], r["cell"]): fid for fid, r in fields_of(templates[COUNCIL]).items()}
    assert {where[c] for c in logged} == set(errors)
    assert {w for w, (author, _) in notes(annotated).items() if author.startswith("事務局")} \
        == logged
    assert set(links(annotated)) == logged and len(links(annotated)) == 3
    assert highlights(annotated) == {c: ERROR_FILL for c in logged}
    assert [r[0] for r in listed(annotated)] == ["エラー"] * 3
    assert f"提出期限:{DEADLINE}" in top_lines(annotated)

    # the department follows the links, fixes the three cells, sends the file back
    fixes = _fixes(catalog, list(errors))
    fixed = submissions / f"{COUNCIL}_修正版.xlsx"
    fix(annotated, fixed, {cell: fixes[where[cell]] for cell in links(annotated)})
    second = run_consolidate(submissions, catalog, year, out)
    result = second.validation
    assert result.chosen[COUNCIL].file == fixed.name
    assert [f for f in result.findings if f.severity == ERROR] == []
    assert [f.code for f in result.findings if f.department == COUNCIL] == [
        "superseded-version", "resubmission-used"]
    (resubmitted,) = [f for f in result.findings if f.code == "resubmission-used"]
    assert sent[COUNCIL].name in resubmitted.message and "変わった項目 3 件" in resubmitted.message
    status_sheet = table(second.master, "提出状況")  # type: ignore[arg-type]
    council = next(r for r in status_sheet if r["担当"] == COUNCIL)
    assert council["使用ファイル"] == fixed.name and council["版数"] == 2
    assert council["不使用ファイル"] == sent[COUNCIL].name
    assert council["以前の版"].startswith(sent[COUNCIL].name)
    assert not (out / "担当別" / f"{COUNCIL}_確認事項.xlsx").exists()

    conn = sqlite3.connect(out / "ledger.sqlite3")
    files = list(conn.execute("SELECT id, status, superseded_by FROM files WHERE department = ?"
                              " ORDER BY id", (COUNCIL,)))
    conn.close()
    assert [(s, by) for _, s, by in files] == [("superseded", files[1][0]), ("used", None)]

    diff = CliRunner().invoke(main, ["diff", str(sent[COUNCIL]), str(fixed), "--xlsx",
                                     str(tmp_path / "変更.xlsx")])
    assert diff.exit_code == 0, diff.output
    assert "変わった項目:3 件" in diff.output
    assert sorted(r["項目ID"] for r in table(tmp_path / "変更.xlsx", "変更箇所")) == \
        sorted(errors)

    status = CliRunner().invoke(main, ["status", "--out", str(out), "--json"])
    lines = [json.loads(line) for line in status.output.splitlines()]
    assert lines[0] == {"unit": COUNCIL, "submitted": True, "file": fixed.name, "versions": 2,
                        "errors": 0, "warnings": 0, "accepted": 0}
    assert status.exit_code == 0, status.output
    assert lines[-1] == {"missing_values": 0}


@pytest.mark.slow
def test_the_loop_fixed_in_excel_like_openpyxl(tmp_path: Path, templates: dict[str, Path],
                                               default_catalog: Catalog) -> None:
    _loop(tmp_path, templates, default_catalog, fix_with_openpyxl)


@pytest.mark.slow
@pytest.mark.calc
def test_the_loop_fixed_in_libreoffice_calc(tmp_path: Path, templates: dict[str, Path],
                                            default_catalog: Catalog, calc: Any) -> None:
    def fix_in_calc(src: Path, dst: Path, cells: dict[tuple[str, str], Any]) -> None:
        calc.fill(src, dst, cells=[{"sheet": s, "cell": c, "value": v}
                                   for (s, c), v in cells.items()])

    _loop(tmp_path, templates, default_catalog, fix_in_calc)


@pytest.mark.calc
def test_a_second_round_after_calc_marks_only_what_is_left(
        tmp_path: Path, mini_catalog: Catalog, calc: Any) -> None:
    """Calc keeps the text of our notes but not their author, and rewrites the highlight's
    format: the next annotated copy still finds and replaces them (mini plan, 2 of 3 fixed)."""
    year = 2022
    templates = by_department(generate_templates(mini_catalog, year, tmp_path / "t"))
    errors = {"1-1-1-s1.value": "約10", "1-1-2-s1a.value": "たくさん",
              "1-1-1.status.dokuji": None}
    submissions, out = tmp_path / "s", tmp_path / "out"
    sent = submit_all(templates, submissions, {COUNCIL: errors},
                      values=lambda d, t: realistic_values(t, mini_catalog, year))
    run_consolidate(submissions, mini_catalog, year, out)
    annotated = out / "担当別" / f"{COUNCIL}_確認事項.xlsx"
    where = {(r["sheet"], r["cell"]): fid for fid, r in fields_of(templates[COUNCIL]).items()}
    values = _fixes(mini_catalog, ["1-1-1-s1.value", "1-1-2-s1a.value"])
    fixed = submissions / f"{COUNCIL}_修正版.xlsx"
    calc.fill(annotated, fixed, cells=[{"sheet": s, "cell": c, "value": values[where[(s, c)]]}
                                       for s, c in links(annotated) if where[(s, c)] in values])
    sent[COUNCIL].unlink()
    run_consolidate(submissions, mini_catalog, year, out)
    again = out / "担当別" / f"{COUNCIL}_確認事項.xlsx"
    left = {c for c, fid in where.items() if fid == "1-1-1.status.dokuji"}
    assert open_cells(out, COUNCIL, fixed.name) == left
    ours = {w for w, (_, text) in notes(again).items() if text.startswith("【確認事項")}
    assert ours == left and set(notes(again)) == left
    assert highlights(again) == {c: ERROR_FILL for c in left}
    assert set(links(again)) == left
    assert openpyxl.load_workbook(again).sheetnames.count("確認事項") == 1
