"""Issue 15: a workbook that lost its identity is recognised from its content, and read.

Every file here is a real copy of a filled template (helpers.copies): its sheets copied value
by value into a new workbook, or the template with its custom properties, ``_meta`` sheet
or defined names removed. A copy whose titles and keys name one department of the plan and
the run's year is read like the template, with one ``identity-recovered`` warning; anything
less is rejected, and the finding says what was missing and what was found.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from consolidator.cell_address import col_letters
from consolidator.findings import Finding
from consolidator.japanese_values import wareki
from consolidator.plan.catalog import Catalog
from consolidator.reading.recognition import title_of
from consolidator.templates.generate import generate_templates
from consolidator.templates.model import IND_VALUE_COL, INDICATOR_SHEET, TEXT_SHEET, build
from helpers.copies import row_values, strip_identity, values_copy
from helpers.filling import complete_values, fill_workbook, realistic_values, set_modified
from helpers.findings import YEAR, of_file, validate

VALUE = col_letters(IND_VALUE_COL)  # the value column of 活動指標 in the current format

RECOVERED = "identity-recovered"
REJECTED = "identity-not-recovered"


def _filled(tmp_path: Path, template: Path, catalog: Catalog, year: int = YEAR
            ) -> tuple[Path, dict[str, Any]]:
    typed = realistic_values(template, catalog, year)
    dst = tmp_path / "filled" / template.name
    dst.parent.mkdir(parents=True, exist_ok=True)
    fill_workbook(template, dst, typed)
    return dst, typed


def _codes(findings: list[Finding]) -> list[tuple[str, str | None]]:
    return [(f.code, f.department) for f in findings]


# ---- a faithful copy is read like the template -------------------------------------------------

def test_values_copy_of_every_department_is_read_exactly(
        tmp_path: Path, mini_templates: dict[str, Path], mini_catalog: Catalog) -> None:
    folder = tmp_path / "s"
    folder.mkdir()
    typed = {}
    for department, template in mini_templates.items():
        filled, typed[department] = _filled(tmp_path, template, mini_catalog)
        values_copy(filled, folder / f"{department}_コピー.xlsx")
    result = validate(folder, mini_catalog)
    for department in mini_templates:
        file = f"{department}_コピー.xlsx"
        assert _codes(of_file(result.findings, file)) == [(RECOVERED, department)]
        chosen = result.chosen[department]
        assert (chosen.file, chosen.identity and chosen.identity.recovered) == (file, True)
        assert {k: e.value for k, e in chosen.entries.items()} == typed[department]
    assert [f.code for f in result.findings] == [RECOVERED] * 3
    message = of_file(result.findings, "高齢福祉課_コピー.xlsx")[0].message
    assert "高齢福祉課" in message and f"{wareki(YEAR)}度" in message


@pytest.mark.slow  # whole-job run: in the full suite, not the fast loop
def test_values_copy_of_every_department_of_the_default_plan(
        tmp_path: Path, default_templates: dict[str, Path], default_catalog: Catalog) -> None:
    year = default_catalog.report_year
    folder = tmp_path / "s"
    folder.mkdir()
    typed = {}
    for department, template in default_templates.items():
        filled, typed[department] = _filled(tmp_path, template, default_catalog, year)
        values_copy(filled, folder / f"{department}.xlsx")
    result = validate(folder, default_catalog, year)
    assert sorted(_codes(result.findings)) == sorted((RECOVERED, d) for d in default_templates)
    assert set(result.chosen) == set(default_templates)
    for department, values in typed.items():
        entries = result.chosen[department].entries
        assert {k: e.value for k, e in entries.items()} == values, department
    # a percent measure (a float) and a large integer arrive as they are
    assert result.chosen["市社協"].entries["1-3-2-s1.value"].value == 57.5
    assert result.chosen["こども未来課"].entries["2-2-2-c1.value"].value == 54604


@pytest.mark.parametrize("lost", [
    {"properties": True}, {"meta": True}, {"names": True},
    {"properties": True, "meta": True},  # Excel's Move or Copy → new book: the names stay
    {"properties": True, "meta": True, "names": True},
], ids=["properties", "meta", "names", "properties+meta", "all"])
def test_identity_lost_in_part_or_whole(tmp_path: Path, mini_templates: dict[str, Path],
                                        mini_catalog: Catalog, lost: dict[str, bool]) -> None:
    """Whatever part of the identity is gone, nothing else is reported: a file without names
    is found by its keys, in the template's rows, so no field counts as moved."""
    folder = tmp_path / "s"
    folder.mkdir()
    filled, typed = _filled(tmp_path, mini_templates["地域福祉課"], mini_catalog)
    strip_identity(shutil.copy(filled, folder / "地域福祉課.xlsx"), **lost)
    result = validate(folder, mini_catalog)
    recovered = lost.get("properties") and lost.get("meta")
    assert _codes(of_file(result.findings, "地域福祉課.xlsx")) == (
        [(RECOVERED, "地域福祉課")] if recovered else [])
    entries = result.chosen["地域福祉課"].entries
    assert {k: e.value for k, e in entries.items()} == typed


def test_copy_with_rows_inserted_is_read_by_key(tmp_path: Path, mini_templates: dict[str, Path],
                                                mini_catalog: Catalog) -> None:
    """A copy is read like any submission: rows that are not where the template drew them
    are found by their key, with the usual warning."""
    folder = tmp_path / "s"
    folder.mkdir()
    filled, typed = _filled(tmp_path, mini_templates["高齢福祉課"], mini_catalog)
    note = [["", "", "", "メモ"]]
    copy = values_copy(filled, folder / "高齢.xlsx",
                       append_rows={INDICATOR_SHEET: note})
    wb = openpyxl.load_workbook(copy)
    wb[INDICATOR_SHEET].insert_rows(4)  # above the indicator row
    wb.save(copy)
    result = validate(folder, mini_catalog)
    findings = of_file(result.findings, "高齢.xlsx")
    assert [(f.code, f.sheet, f.cell) for f in findings] == [
        (RECOVERED, None, None), ("field-moved", INDICATOR_SHEET, f"{VALUE}5"),
        ("value-outside-input", INDICATOR_SHEET, "D6")]
    assert {k: e.value for k, e in result.chosen["高齢福祉課"].entries.items()} == typed


def _typed_as_percent(tmp_path: Path, templates: dict[str, Path], catalog: Catalog) -> Path:
    """地域福祉課's template filled, its percent measure typed as Excel stores "57.5%"."""
    filled, _typed = _filled(tmp_path, templates["地域福祉課"], catalog)
    wb = openpyxl.load_workbook(filled)
    cell = wb[INDICATOR_SHEET][f"{VALUE}4"]
    assert wb[INDICATOR_SHEET]["A4"].value == "2-1-1-c1"  # the percent measure
    cell.value, cell.number_format = 0.575, "0.0%"
    wb.save(filled)
    return filled


def test_percent_formatted_value_copied_with_its_format(
        tmp_path: Path, mini_templates: dict[str, Path], mini_catalog: Catalog) -> None:
    """57.5% typed in Excel is stored as 0.575 with a % format: a copy that keeps the format
    is read as the template is (57.5, the same warning), not a hundred times too small."""
    filled = _typed_as_percent(tmp_path, mini_templates, mini_catalog)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    shutil.copy(filled, tmp_path / "a" / "file.xlsx")
    values_copy(filled, tmp_path / "b" / "file.xlsx", number_formats=True)
    template, copy = validate(tmp_path / "a", mini_catalog), validate(tmp_path / "b", mini_catalog)

    def read(findings: Any) -> list[tuple[str, str | None, str]]:
        return [(f.code, f.cell, f.message) for f in findings
                if f.code not in (RECOVERED, "unit-missing")]

    assert read(copy.findings) == read(template.findings)
    assert [(code, cell) for code, cell, _ in read(copy.findings)] == [
        ("value-normalised", f"{VALUE}4")]
    for result in (template, copy):
        assert result.chosen["地域福祉課"].entries["2-1-1-c1.value"].value == 57.5


def test_percent_pasted_as_values_is_a_warning_read_as_it_is(
        tmp_path: Path, mini_templates: dict[str, Path], mini_catalog: Catalog) -> None:
    """57.5% typed in Excel (0.575 with a % format), then the values alone pasted into a new
    workbook: 0.575 with no format. Not guessed to be 57.5: read as 0.575, with a warning
    that names the file, the cell and the value and asks whether 57.5% lost its format."""
    filled = _typed_as_percent(tmp_path, mini_templates, mini_catalog)
    (tmp_path / "s").mkdir()
    copy = values_copy(filled, tmp_path / "s" / "値貼り付け.xlsx")
    pasted = openpyxl.load_workbook(copy)[INDICATOR_SHEET][f"{VALUE}4"]
    assert (pasted.value, pasted.number_format) == (0.575, "General")
    result = validate(tmp_path / "s", mini_catalog)
    [lost] = [f for f in result.findings if f.code == "value-percent-format-lost"]
    assert (lost.severity, lost.department, lost.sheet, lost.cell, lost.value) == (
        "warning", "地域福祉課", INDICATOR_SHEET, f"{VALUE}4", "0.575")
    for said in ("値貼り付け.xlsx", f"{INDICATOR_SHEET}!{VALUE}4", "0.575", "57.5%", "書式"):
        assert said in lost.message, said
    assert "57.5 と入力し直して" in lost.action
    assert result.chosen["地域福祉課"].entries["2-1-1-c1.value"].value == 0.575


@pytest.mark.parametrize("typed", [57.5, 0, 1.5, "0.575"], ids=str)
def test_percent_values_that_are_not_a_lost_format(
        tmp_path: Path, mini_templates: dict[str, Path], mini_catalog: Catalog,
        typed: Any) -> None:
    """Percent points, zero, more than 1 and a fraction typed as text: no such warning."""
    template = mini_templates["地域福祉課"]
    (tmp_path / "s").mkdir()
    fill_workbook(template, tmp_path / "s" / "a.xlsx",
                  {**complete_values(template), "2-1-1-c1.value": typed})
    result = validate(tmp_path / "s", mini_catalog)
    assert "value-percent-format-lost" not in [f.code for f in result.findings]


# ---- nothing is guessed ------------------------------------------------------------------------

def test_no_titles_and_keys_of_two_departments_rejected_naming_both(
        tmp_path: Path, mini_templates: dict[str, Path], mini_catalog: Catalog) -> None:
    folder = tmp_path / "s"
    folder.mkdir()
    elder, _ = _filled(tmp_path / "a", mini_templates["高齢福祉課"], mini_catalog)
    welfare, _ = _filled(tmp_path / "b", mini_templates["地域福祉課"], mini_catalog)
    pasted = row_values(welfare, INDICATOR_SHEET, "2-1-1-c1")
    assert pasted
    values_copy(elder, folder / "まとめ.xlsx", delete_rows={TEXT_SHEET: [1], INDICATOR_SHEET: [1]},
                append_rows={INDICATOR_SHEET: pasted})
    result = validate(folder, mini_catalog)
    [finding] = of_file(result.findings, "まとめ.xlsx")
    assert (finding.code, finding.severity, finding.department) == (REJECTED, "error", None)
    assert "見出し" in finding.message
    assert "高齢福祉課" in finding.message and "地域福祉課" in finding.message
    assert "高齢福祉課" not in result.chosen
    assert ("unit-missing", "高齢福祉課") in _codes(result.findings)  # rejected as today


def _reject(tmp_path: Path, catalog: Catalog, copy: Path) -> Finding:
    result = validate(copy.parent, catalog)
    [finding] = of_file(result.findings, copy.name)
    assert finding.code == REJECTED and not result.chosen
    return finding


def test_no_titles_keys_of_one_department_still_rejected(
        tmp_path: Path, mini_templates: dict[str, Path], mini_catalog: Catalog) -> None:
    """Keys alone do not give the year: without a title the file is not read, and the
    finding names the department the keys fit."""
    elder, _ = _filled(tmp_path, mini_templates["高齢福祉課"], mini_catalog)
    (tmp_path / "s").mkdir()
    copy = values_copy(elder, tmp_path / "s" / "c.xlsx",
                       delete_rows={TEXT_SHEET: [1], INDICATOR_SHEET: [1]})
    finding = _reject(tmp_path, mini_catalog, copy)
    assert "見出し" in finding.message and "高齢福祉課の様式" in finding.message


def test_title_of_another_year_rejected(tmp_path: Path, mini_catalog: Catalog) -> None:
    last_year = generate_templates(mini_catalog, YEAR - 1, tmp_path / "t", only=["高齢福祉課"])[0]
    filled, _ = _filled(tmp_path, last_year, mini_catalog, YEAR - 1)
    (tmp_path / "s").mkdir()
    finding = _reject(tmp_path, mini_catalog, values_copy(filled, tmp_path / "s" / "c.xlsx"))
    found = f"見出しは高齢福祉課の{wareki(YEAR - 1)}度の様式です(今回は{wareki(YEAR)}度)"
    assert found in finding.message


def test_titles_of_two_departments_rejected(tmp_path: Path, mini_templates: dict[str, Path],
                                            mini_catalog: Catalog) -> None:
    """実施状況 of one department and 活動指標 of another, pasted into one workbook."""
    elder, _ = _filled(tmp_path / "a", mini_templates["高齢福祉課"], mini_catalog)
    welfare, _ = _filled(tmp_path / "b", mini_templates["地域福祉課"], mini_catalog)
    (tmp_path / "s").mkdir()
    one = values_copy(elder, tmp_path / "one.xlsx", sheets=[TEXT_SHEET])
    other = values_copy(welfare, tmp_path / "other.xlsx", sheets=[INDICATOR_SHEET])
    wb = openpyxl.load_workbook(one)
    target = wb.create_sheet(INDICATOR_SHEET)
    for row in openpyxl.load_workbook(other)[INDICATOR_SHEET].iter_rows(values_only=True):
        target.append(row)
    wb.save(tmp_path / "s" / "c.xlsx")
    finding = _reject(tmp_path, mini_catalog, tmp_path / "s" / "c.xlsx")
    assert "見出しの担当が地域福祉課、高齢福祉課と複数" in finding.message


def test_keys_of_another_catalog_rejected(tmp_path: Path, default_templates: dict[str, Path],
                                          default_catalog: Catalog,
                                          mini_catalog: Catalog) -> None:
    """The default plan's 高齢福祉課 (same department, same year, more initiatives) read
    against the mini plan: its keys are not all the plan's."""
    template = default_templates["高齢福祉課"]
    filled = tmp_path / "filled.xlsx"
    fill_workbook(template, filled, complete_values(template))
    (tmp_path / "s").mkdir()
    finding = _reject(tmp_path, mini_catalog, values_copy(filled, tmp_path / "s" / "c.xlsx"))
    assert "計画にないID" in finding.message and "2-1-2-c1" in finding.message


def test_department_of_another_catalog_rejected(tmp_path: Path,
                                                default_templates: dict[str, Path],
                                                mini_catalog: Catalog) -> None:
    template = default_templates["協働推進課"]  # not a department of the mini plan
    filled = tmp_path / "filled.xlsx"
    fill_workbook(template, filled, complete_values(template))
    (tmp_path / "s").mkdir()
    finding = _reject(tmp_path, mini_catalog, values_copy(filled, tmp_path / "s" / "c.xlsx"))
    assert "見出しの担当「協働推進課」は計画にありません" in finding.message
    assert "計画にないID「" in finding.message


def test_title_without_keys_rejected(tmp_path: Path, mini_templates: dict[str, Path],
                                     mini_catalog: Catalog) -> None:
    """Column A deleted (the values moved one column left): the title alone is not enough."""
    filled, _ = _filled(tmp_path, mini_templates["高齢福祉課"], mini_catalog)
    wb = openpyxl.load_workbook(values_copy(filled, tmp_path / "copy.xlsx"))
    for ws in wb.worksheets:
        title = ws["A1"].value
        ws.delete_cols(1)
        ws["A1"] = title
    (tmp_path / "s").mkdir()
    wb.save(tmp_path / "s" / "c.xlsx")
    finding = _reject(tmp_path, mini_catalog, tmp_path / "s" / "c.xlsx")
    assert "高齢福祉課の入力欄のIDがありません" in finding.message


def test_unrelated_workbook_is_still_not_a_template(tmp_path: Path,
                                                    mini_catalog: Catalog) -> None:
    wb = openpyxl.Workbook()
    assert wb.active is not None
    wb.active.append(["高齢福祉課の集計", 12])
    wb.active.append(["2022-04", "月報"])  # shaped like a key, but of no plan
    (tmp_path / "s").mkdir()
    wb.save(tmp_path / "s" / "自作.xlsx")
    result = validate(tmp_path / "s", mini_catalog)
    assert [f.code for f in of_file(result.findings, "自作.xlsx")] == ["not-a-template"]


# ---- a copy never wins over the template -------------------------------------------------------

def test_copy_beside_the_template_is_not_used(tmp_path: Path, mini_templates: dict[str, Path],
                                              mini_catalog: Catalog) -> None:
    folder = tmp_path / "s"
    folder.mkdir()
    template = mini_templates["高齢福祉課"]
    fill_workbook(template, folder / "高齢福祉課.xlsx", complete_values(template))
    set_modified(folder / "高齢福祉課.xlsx", "2023-01-01T00:00:00Z")
    changed = tmp_path / "changed.xlsx"
    fill_workbook(template, changed, {**complete_values(template), "1-1-1-c1.value": 7})
    copy = values_copy(changed, folder / "高齢福祉課_整理版.xlsx")
    set_modified(copy, "2023-03-01T00:00:00Z")  # saved later, and a newer file time too
    result = validate(folder, mini_catalog)
    assert result.chosen["高齢福祉課"].file == "高齢福祉課.xlsx"
    assert result.chosen["高齢福祉課"].entries["1-1-1-c1.value"].value == 3
    assert _codes(of_file(result.findings, "高齢福祉課_整理版.xlsx")) == [
        (RECOVERED, "高齢福祉課"), ("duplicate-not-used", "高齢福祉課")]
    [dup] = [f for f in result.findings if f.code == "duplicate-not-used"]
    assert "異なる項目 1 件" in dup.message
    rows = {r["department"]: r for r in result.department_rows()}
    assert rows["高齢福祉課"]["not_used"] == ["高齢福祉課_整理版.xlsx"]


def test_two_copies_the_latest_saved_is_used(tmp_path: Path, mini_templates: dict[str, Path],
                                             mini_catalog: Catalog) -> None:
    folder = tmp_path / "s"
    folder.mkdir()
    template = mini_templates["高齢福祉課"]
    for name, value, stamp in (("a.xlsx", 5, "2023-03-01T00:00:00Z"),
                               ("b.xlsx", 6, "2023-01-01T00:00:00Z")):
        filled = tmp_path / name
        fill_workbook(template, filled, {**complete_values(template), "1-1-1-c1.value": value})
        set_modified(values_copy(filled, folder / name), stamp)
    result = validate(folder, mini_catalog)
    assert result.chosen["高齢福祉課"].file == "a.xlsx"
    assert [f.file for f in result.findings if f.code == "duplicate-not-used"] == ["b.xlsx"]


# ---- the titles ---------------------------------------------------------------------------------

def test_every_title_the_writer_draws_is_recognised(mini_catalog: Catalog) -> None:
    for year in (2019, 2022, 2030):
        for department in mini_catalog.department_names:
            model = build(mini_catalog, department, year)
            for rows in (model.text_rows, model.indicator_rows):
                title = title_of(rows[0].cells[1])
                assert title is not None and (title.department, title.year) == (department, year)
    assert title_of("高齢福祉課 令和4年度 実施状況・令和6年度 予定") is None  # years disagree
    assert title_of("令和4年度 実施状況") is None
    assert title_of("1-1-1.status") is None
    assert title_of("高齢福祉課 令和4年度 実施状況・" * 2000) is None  # a long cell: not a title
