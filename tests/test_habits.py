"""Issue 6: what people do to a workbook, each habit on a real generated workbook.

Each test fills every department of the mini plan plausibly (no finding at all on its own),
applies one habit, validates, and asserts the exact value read or the exact finding code and
cell.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import quote_sheetname

from consolidator.checks.validation import ValidationResult
from consolidator.plan.catalog import Catalog
from consolidator.templates.generate import generate_templates
from consolidator.templates.model import INDICATOR_SHEET, META_SHEET
from helpers.filling import cell_of, fill_workbook, realistic_values, set_modified, submit_all
from helpers.findings import YEAR, of_file, validate

ELDER = "高齢福祉課"  # 1-1-1-c1: 人, last year 111
WELFARE = "地域福祉課"  # 2-1-1-c1: %, last year 42.1
COUNT = "1-1-1-c1.value"
PERCENT = "2-1-1-c1.value"


@pytest.fixture
def submit(tmp_path: Path, mini_templates: dict[str, Path], mini_catalog: Catalog):  # type: ignore[no-untyped-def]
    """Fill every department plausibly into tmp_path/s (``overrides`` per department,
    ``skip`` departments); returns the paths and the typed values."""
    folder = tmp_path / "s"

    def _submit(overrides: dict[str, dict[str, Any]] | None = None,
                skip: tuple[str, ...] = ()) -> tuple[dict[str, Path], dict[str, dict[str, Any]]]:
        paths = submit_all(mini_templates, folder, overrides, skip,
                           values=lambda _department, template: realistic_values(
                               template, mini_catalog, YEAR))
        return paths, paths.typed

    _submit.folder = folder  # type: ignore[attr-defined]
    return _submit


def _at(result: ValidationResult, department: str, sheet: str, cell: str) -> list[str]:
    return [f.code for f in result.findings
            if (f.department, f.sheet, f.cell) == (department, sheet, cell)]


def _codes(result: ValidationResult) -> list[tuple[Any, ...]]:
    return [(f.code, f.department, f.sheet, f.cell) for f in result.findings]


def test_baseline_plausible_filling_has_no_finding(submit: Any, mini_catalog: Catalog) -> None:
    _paths, typed = submit()
    result = validate(submit.folder, mini_catalog)
    assert _codes(result) == []
    for department, values in typed.items():
        assert {k: e.value for k, e in result.chosen[department].entries.items()} == values


# ---- numbers the way people type them --------------------------------------------------

NUMBER_HABITS = [
    # (field, typed, value read, codes at the cell)
    (COUNT, "112", 112, []),  # a number typed as text
    (COUNT, "１１２", 112, ["value-normalised"]),  # full-width digits
    (COUNT, "1,100", 1100, ["value-normalised"]),  # thousands separator
    (COUNT, "１，１００", 1100, ["value-normalised"]),  # full-width digits and comma
    (COUNT, "112人", 112, ["value-normalised"]),  # trailing unit of the measure
    (COUNT, "112 人", 112, ["value-normalised"]),
    (COUNT, "112名", 112, ["value-normalised"]),  # 名 counts people like 人
    (COUNT, "'112", 112, ["value-normalised"]),  # a literal leading apostrophe
    (COUNT, " 112 ", 112, ["value-normalised"]),  # surrounding spaces
    (COUNT, "112\n", 112, ["value-normalised"]),  # a trailing line break (Alt+Enter)
    (COUNT, "\u3000112\u3000", 112, ["value-normalised"]),  # ideographic spaces
    (PERCENT, "57.5％", 57.5, ["value-normalised"]),  # full-width percent sign
    (PERCENT, "57.5%", 57.5, ["value-normalised"]),
    (PERCENT, "５７．５", 57.5, ["value-normalised"]),
    (PERCENT, 57.5, 57.5, []),
    (COUNT, "112回", None, ["value-unit-mismatch"]),  # another unit: refused, not guessed
    (COUNT, "約112", None, ["value-approximate"]),
]


@pytest.mark.parametrize("field_id,typed,value,codes", NUMBER_HABITS,
                         ids=[f"{c[0].split('-')[0]}:{c[1]!r}" for c in NUMBER_HABITS])
def test_numbers_as_people_type_them(submit: Any, mini_templates: dict[str, Path],
                                     mini_catalog: Catalog, field_id: str, typed: Any,
                                     value: Any, codes: list[str]) -> None:
    department = ELDER if field_id == COUNT else WELFARE
    submit({department: {field_id: typed}})
    result = validate(submit.folder, mini_catalog)
    sheet, cell = cell_of(mini_templates[department], field_id)
    assert _at(result, department, sheet, cell) == codes
    assert [c for c in _codes(result) if c[2:] != (sheet, cell)] == []  # nothing elsewhere
    entry = result.chosen[department].entries.get(field_id)
    assert (entry.value if entry else None) == value
    if value is not None:
        assert entry is not None and type(entry.value) is type(value)


def test_quote_prefix_cell_is_read_as_the_number(submit: Any, mini_templates: dict[str, Path],
                                                 mini_catalog: Catalog) -> None:
    """In a real Excel file '112 is stored as the text 112 with quotePrefix in its style."""
    paths, _ = submit()
    sheet, cell = cell_of(mini_templates[ELDER], COUNT)
    wb = openpyxl.load_workbook(paths[ELDER])
    c = wb[sheet][cell]
    c.value = "112"
    c.data_type = "s"
    c.quotePrefix = True
    wb.save(paths[ELDER])
    result = validate(submit.folder, mini_catalog)
    assert _codes(result) == []
    assert result.chosen[ELDER].entries[COUNT].value == 112


def test_texts_lose_surrounding_spaces_and_breaks_only(submit: Any,
                                                       mini_templates: dict[str, Path],
                                                       mini_catalog: Catalog) -> None:
    typed = {"1-1-1.status": "\u3000 研修会を２回開催しました。\r\n参加者は延べ４８人。\n\n",
             "1-1-1.plan": "  ①継続して実施\n②周知を強化 "}
    submit({ELDER: typed})
    result = validate(submit.folder, mini_catalog)
    assert _codes(result) == []
    entries = result.chosen[ELDER].entries
    assert entries["1-1-1.status"].value == "研修会を２回開催しました。\n参加者は延べ４８人。"
    assert entries["1-1-1.plan"].value == "①継続して実施\n②周知を強化"


def test_percent_typed_with_a_percent_sign_in_excel(submit: Any, mini_templates: dict[str, Path],
                                                   mini_catalog: Catalog) -> None:
    """Typing 57.5% in Excel (or pasting a % cell) stores the fraction 0.575 with a percent
    number format; the measure's scale is 0-100."""
    paths, _ = submit()
    sheet, cell = cell_of(mini_templates[WELFARE], PERCENT)
    wb = openpyxl.load_workbook(paths[WELFARE])
    c = wb[sheet][cell]
    c.value = 0.575
    c.number_format = "0.0%"
    wb.save(paths[WELFARE])
    result = validate(submit.folder, mini_catalog)
    entry = result.chosen[WELFARE].entries.get(PERCENT)
    here = [f for f in result.findings if (f.department, f.sheet, f.cell) == (WELFARE, sheet, cell)]
    # read as 57.5, with a finding saying so: never 0.575
    assert entry is not None and entry.value == 57.5
    assert [f.code for f in here] == ["value-normalised"]


# ---- pasting, protection, sheets -----------------------------------------------------------

def test_value_pasted_from_another_workbook(submit: Any, mini_templates: dict[str, Path],
                                            mini_catalog: Catalog) -> None:
    """A paste replaces the cell's style and removes its data validation: still read."""
    paths, _ = submit()
    sheet, cell = cell_of(mini_templates[ELDER], COUNT)
    tsheet, tcell = cell_of(mini_templates[ELDER], "1-1-1.status")
    wb = openpyxl.load_workbook(paths[ELDER])
    for ws in (wb[sheet], wb[tsheet]):
        ws.data_validations.dataValidation = []
    c = wb[sheet][cell]
    c.value = 1100
    c.number_format = "#,##0"
    c.fill = PatternFill("solid", fgColor="FFFFFF")
    c.font = Font(name="MS Pゴシック", size=11, color="FF0000")
    t = wb[tsheet][tcell]
    t.value = "他のブックから貼り付けた実施状況"
    t.fill = PatternFill("solid", fgColor="CCFFCC")
    t.number_format = "@"
    wb.save(paths[ELDER])
    result = validate(submit.folder, mini_catalog)
    assert _codes(result) == []
    entries = result.chosen[ELDER].entries
    assert entries[COUNT].value == 1100 and entries[COUNT].cell == cell
    assert entries["1-1-1.status"].value == "他のブックから貼り付けた実施状況"


def test_typed_next_to_the_input_after_removing_protection(
        submit: Any, mini_templates: dict[str, Path], mini_catalog: Catalog) -> None:
    t = mini_templates[ELDER]
    vsheet, vcell = cell_of(t, COUNT)  # 活動指標!I4
    ssheet, scell = cell_of(t, "1-1-1.status")  # 実施状況!D9
    assert (vcell, scell) == ("I4", "D9")
    paths, _ = submit({ELDER: {COUNT: None, "1-1-1.status": None}})
    wb = openpyxl.load_workbook(paths[ELDER])
    for ws in (wb[vsheet], wb[ssheet]):
        ws.protection.sheet = False
    wb[vsheet]["H4"] = 112  # the locked 前年度実績 cell left of the input
    wb[ssheet]["E9"] = "右隣のセルに書いた実施状況"  # right of the input, outside the table
    wb.save(paths[ELDER])
    result = validate(submit.folder, mini_catalog)
    assert sorted(_codes(result)) == sorted([
        ("value-outside-input", ELDER, vsheet, "H4"),
        ("value-missing", ELDER, vsheet, "I4"),
        ("value-outside-input", ELDER, ssheet, "E9"),
        ("status-empty", ELDER, ssheet, "D9"),
    ])
    outside = {f.cell: f.value for f in result.findings if f.code == "value-outside-input"}
    assert outside == {"H4": "112", "E9": "右隣のセルに書いた実施状況"}
    entries = result.chosen[ELDER].entries
    assert COUNT not in entries and "1-1-1.status" not in entries


def test_sheet_renamed_fields_found_through_names(submit: Any, mini_templates: dict[str, Path],
                                                  mini_catalog: Catalog) -> None:
    """Excel rewrites the defined names when a sheet is renamed; the validator follows them
    and reports nothing (the values and their new sheet name arrive)."""
    paths, typed = submit()
    new = "活動指標(高齢福祉課 記入済)"
    wb = openpyxl.load_workbook(paths[ELDER])
    wb[INDICATOR_SHEET].title = new
    for name in list(wb.defined_names):
        dn = wb.defined_names[name]
        for old in (quote_sheetname(INDICATOR_SHEET), INDICATOR_SHEET):
            if dn.attr_text.startswith(old + "!"):
                dn.attr_text = quote_sheetname(new) + dn.attr_text[len(old):]
                break
    wb.save(paths[ELDER])
    result = validate(submit.folder, mini_catalog)
    assert _codes(result) == []
    entries = result.chosen[ELDER].entries
    assert {k: e.value for k, e in entries.items()} == typed[ELDER]
    assert (entries[COUNT].sheet, entries[COUNT].cell) == (new, "I4")


def test_extra_sheet_added_is_silent(submit: Any, mini_catalog: Catalog) -> None:
    paths, typed = submit()
    wb = openpyxl.load_workbook(paths[ELDER])
    memo = wb.create_sheet("メモ")
    memo["A1"], memo["B1"] = "集計メモ", 999
    memo["A2"] = "=SUM(B1:B1)"
    wb.save(paths[ELDER])
    result = validate(submit.folder, mini_catalog)
    assert _codes(result) == []  # the extra sheet is not read and not reported
    assert {k: e.value for k, e in result.chosen[ELDER].entries.items()} == typed[ELDER]


def test_hidden_sheet_unhidden_and_its_year_edited(submit: Any, mini_catalog: Catalog) -> None:
    paths, typed = submit()
    wb = openpyxl.load_workbook(paths[WELFARE])
    meta = wb[META_SHEET]
    meta.sheet_state = "visible"
    assert meta["A4"].value == "fiscal_year"
    meta["B4"] = "2021"
    wb.save(paths[WELFARE])
    result = validate(submit.folder, mini_catalog)
    got = [(f.code, f.severity, f.department, f.file, f.sheet, f.value) for f in result.findings]
    assert sorted(got) == sorted([
        ("sheet-state-changed", "info", WELFARE, paths[WELFARE].name, META_SHEET, None),
        ("identity-mismatch", "warning", WELFARE, paths[WELFARE].name, META_SHEET, "2021"),
    ])
    mismatch = next(f for f in result.findings if f.code == "identity-mismatch")
    assert "fiscal_year" in mismatch.message and "2022" in mismatch.message
    # the document properties win: still this year's 地域福祉課, values used
    assert {k: e.value for k, e in result.chosen[WELFARE].entries.items()} == typed[WELFARE]


# ---- files: names, copies, the wrong sender, last year ---------------------------------------

def test_saved_as_under_a_new_name(submit: Any, mini_catalog: Catalog) -> None:
    paths, typed = submit()
    renamed = paths[ELDER].with_name("R4実績_高齢福祉課(最終版)コピー.xlsx")
    paths[ELDER].rename(renamed)
    result = validate(submit.folder, mini_catalog)
    assert _codes(result) == []
    assert result.chosen[ELDER].file == renamed.name
    assert {k: e.value for k, e in result.chosen[ELDER].entries.items()} == typed[ELDER]


def test_same_workbook_sent_twice(submit: Any, mini_catalog: Catalog) -> None:
    """The same attachment saved twice into the folder (the second mail a day later): same
    content and document properties; the later file time decides, the other is listed."""
    paths, typed = submit()
    again = submit.folder / "再送" / "高齢福祉課_提出.xlsx"
    again.parent.mkdir()
    shutil.copy2(paths[ELDER], again)
    first = paths[ELDER].stat().st_mtime
    os.utime(again, (first + 86400, first + 86400))
    result = validate(submit.folder, mini_catalog)
    dup = [f for f in result.findings if f.code == "duplicate-not-used"]
    assert [(f.department, f.file, f.severity) for f in dup] == [
        (ELDER, paths[ELDER].name, "warning")]
    assert "異なる項目 0 件" in dup[0].message and "再送/高齢福祉課_提出.xlsx" in dup[0].message
    assert [c for c in _codes(result) if c[0] != "duplicate-not-used"] == []
    assert [s.file for s in result.submissions if s.department == ELDER and s.used] == [
        "再送/高齢福祉課_提出.xlsx"]
    assert {k: e.value for k, e in result.chosen[ELDER].entries.items()} == typed[ELDER]
    # a full tie (same file time too): the first name in order is used
    os.utime(again, (first, first))
    tie = validate(submit.folder, mini_catalog)
    assert tie.chosen[ELDER].file == min("再送/高齢福祉課_提出.xlsx", paths[ELDER].name)
    assert len([f for f in tie.findings if f.code == "duplicate-not-used"]) == 1


def test_other_departments_template_returned_by_the_wrong_department(
        submit: Any, mini_templates: dict[str, Path], mini_catalog: Catalog) -> None:
    """地域福祉課 fills 高齢福祉課's workbook and returns it under its own name: the file is
    高齢福祉課's (its identity says so); 地域福祉課 has sent nothing."""
    paths, _ = submit(skip=(ELDER, WELFARE))
    wrong = submit.folder / "地域福祉課_提出.xlsx"
    wrong_values = {**realistic_values(mini_templates[ELDER], mini_catalog, YEAR),
                    "1-1-1.status": "地域福祉課が記入しました。", COUNT: 110}
    fill_workbook(mini_templates[ELDER], wrong, wrong_values)
    set_modified(wrong, "2023-05-20T10:00:00")
    result = validate(submit.folder, mini_catalog)
    assert result.chosen[ELDER].file == wrong.name
    assert {k: e.value for k, e in result.chosen[ELDER].entries.items()} == wrong_values
    assert WELFARE not in result.chosen
    assert _codes(result) == [("unit-missing", WELFARE, None, None)]

    # the real 高齢福祉課 sends its own, saved later: the duplicate rule picks the latest
    own = submit.folder / "高齢福祉課_提出.xlsx"
    own_values = {**realistic_values(mini_templates[ELDER], mini_catalog, YEAR), COUNT: 112}
    fill_workbook(mini_templates[ELDER], own, own_values)
    set_modified(own, "2023-05-25T09:00:00")
    again = validate(submit.folder, mini_catalog)
    assert again.chosen[ELDER].file == own.name
    assert again.chosen[ELDER].entries[COUNT].value == 112
    dup = [f for f in again.findings if f.code == "duplicate-not-used"]
    assert [(f.department, f.file) for f in dup] == [(ELDER, wrong.name)]
    assert "異なる項目 2 件" in dup[0].message
    assert "1-1-1-c1.value" in dup[0].message and "1-1-1.status" in dup[0].message


def test_last_years_workbook_returned_again(submit: Any, tmp_path: Path,
                                            mini_catalog: Catalog) -> None:
    paths, _ = submit(skip=(ELDER,))
    old = generate_templates(mini_catalog, 2021, tmp_path / "r3", only=[ELDER])[0]
    sent = submit.folder / "高齢福祉課_提出.xlsx"
    fill_workbook(old, sent, realistic_values(old, mini_catalog, 2021))
    result = validate(submit.folder, mini_catalog)
    other = [f for f in result.findings if f.code == "other-year"]
    assert [(f.file, f.severity, f.value) for f in other] == [(sent.name, "error", "2021")]
    assert "令和3年度の様式です(今回は令和4年度)" in other[0].message
    assert ELDER not in result.chosen
    assert sorted(_codes(result)) == sorted([("other-year", None, None, None),
                                             ("unit-missing", ELDER, None, None)])
    assert of_file(result.findings, paths[WELFARE].name) == []
