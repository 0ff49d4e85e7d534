"""Copies that lost their field list are read in the columns their own header rows give.

A recovered copy (issue 15) has no ``_meta`` field list, and the template formats differ:
format 1 showed one past year, format 2 three (neither had 増減の理由), format 3 has 増減の理由
right of the value. Read with today's columns, a format-2 copy put its 未記入の理由 into
増減の理由 and its 理由の説明 into 未記入の理由. Here the templates are the ones the toolkit wrote
in those formats (tests/data), filled, copied as people copy them (helpers.copies), and every
value is checked in its field and its cell. A copy whose columns cannot be told from its
header row is said to be so, and nothing of that sheet is guessed. A copy whose sheets were
renamed ("Sheet1") is found by its content.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from consolidator.plan.catalog import Catalog
from consolidator.templates.generate import generate_templates
from consolidator.templates.model import INDICATOR_SHEET, TEXT_SHEET
from helpers.copies import strip_identity, values_copy
from helpers.filling import complete_values, fields_of, fill_workbook
from helpers.findings import YEAR, of_file, validate
from helpers.ods_files import fill_ods, ods_copy
from helpers.paths import FORMAT1_TEMPLATE, FORMAT2_TEMPLATE

DEPARTMENT = "市社協"  # the department of both older templates (令和4年度, the mini plan)
RECOVERED = "identity-recovered"


def _typed(template: Path) -> dict[str, Any]:
    """Every kind of field of 活動指標 filled: a value; a value with its 理由の説明; no value
    but 未記入の理由 その他 and its 理由の説明. Texts everywhere in 実施状況."""
    values = complete_values(template, number=1)  # last year's values: no change warning
    measures = sorted(fid[:-len(".value")] for fid in values if fid.endswith(".value"))
    explained, no_value = measures[1], measures[2]
    values[f"{explained}.reason_text"] = "速報値(3月末時点)"
    del values[f"{no_value}.value"]
    values[f"{no_value}.reason"] = "その他"
    values[f"{no_value}.reason_text"] = "事業を見直したため"
    return values


def _copy(tmp_path: Path, template: Path, how: str) -> tuple[Path, dict[str, Any]]:
    """``template`` filled and copied into ``tmp_path/s``: its values into a new workbook
    (``values``), or itself without custom properties and ``_meta`` (``move``: Excel's Move or
    Copy → new book, which keeps the defined names)."""
    typed = _typed(template)
    filled = tmp_path / "filled.xlsx"
    fill_workbook(template, filled, typed)
    (tmp_path / "s").mkdir()
    copy = tmp_path / "s" / "コピー.xlsx"
    if how == "values":
        values_copy(filled, copy)
    else:
        strip_identity(shutil.copy(filled, copy), properties=True, meta=True)
    return copy, typed


def _read(result: Any) -> dict[str, tuple[Any, str, str]]:
    return {k: (e.value, e.sheet, e.cell) for k, e in result.chosen[DEPARTMENT].entries.items()}


@pytest.mark.parametrize("how", ["values", "move"])
@pytest.mark.parametrize("template", [FORMAT2_TEMPLATE, FORMAT1_TEMPLATE],
                         ids=["format2", "format1"])
def test_older_format_copy_read_in_its_own_columns(tmp_path: Path, mini_catalog: Catalog,
                                                   template: Path, how: str) -> None:
    copy, typed = _copy(tmp_path, template, how)
    assert openpyxl.load_workbook(copy).sheetnames[-1] != "_meta"
    result = validate(copy.parent, mini_catalog)
    assert [f.code for f in of_file(result.findings, copy.name)] == [
        RECOVERED, "value-reason-given"]
    cells = fields_of(template)  # where that format put each field
    assert _read(result) == {fid: (v, cells[fid]["sheet"], cells[fid]["cell"])
                             for fid, v in typed.items()}
    assert not [fid for fid in _read(result) if fid.endswith(".explanation")]


def test_current_format_copy_still_reads_its_explanations(
        tmp_path: Path, mini_templates: dict[str, Path], mini_catalog: Catalog) -> None:
    """The same filling in a format-3 copy, with 増減の理由 typed: every field in its cell."""
    template = mini_templates[DEPARTMENT]
    typed = {**_typed(template), "1-1-1-s1.explanation": "教室を2か所増やした"}
    fill_workbook(template, tmp_path / "filled.xlsx", typed)
    (tmp_path / "s").mkdir()
    copy = values_copy(tmp_path / "filled.xlsx", tmp_path / "s" / "コピー.xlsx")
    result = validate(copy.parent, mini_catalog)
    assert [f.code for f in of_file(result.findings, copy.name)] == [
        RECOVERED, "value-reason-given"]
    cells = fields_of(template)
    assert _read(result) == {fid: (v, cells[fid]["sheet"], cells[fid]["cell"])
                             for fid, v in typed.items()}


# ---- the columns cannot be told: said, not guessed --------------------------------------------

def _edit_header(path: Path, change: str) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb[INDICATOR_SHEET]
    assert (ws["A3"].value, ws["I3"].value) == ("ID", "令和4年度 実績値")
    if change == "deleted":
        ws.delete_rows(3)
    elif change == "renamed":
        ws["I3"] = "実績"
    elif change == "twice":
        ws["L3"] = "未記入の理由"
    else:  # the header row pasted again below the table
        ws.append([c.value for c in ws[3]])
    wb.save(path)


@pytest.mark.parametrize(("change", "said"), [
    ("deleted", "見出しの行(A列が「ID」、B列が「取組み」の行)がありません"),
    ("repeated", "見出しの行(A列が「ID」、B列が「取組み」の行)が2行あります"),
    ("renamed", "見出しの行に「令和4年度 実績値」の列がありません"),
    ("twice", "見出し「未記入の理由」が複数の列にあります"),
], ids=["deleted", "repeated", "renamed", "twice"])
def test_columns_not_told_by_the_header_row_are_not_guessed(
        tmp_path: Path, mini_catalog: Catalog, change: str, said: str) -> None:
    """A format-2 copy whose 活動指標 header row is gone, repeated, or does not say where the
    value or the reason is: one error naming the sheet and what is wrong; nothing of 活動指標
    is read (not even as values outside the input cells); 実施状況 is read as it is."""
    copy, typed = _copy(tmp_path, FORMAT2_TEMPLATE, "values")
    _edit_header(copy, change)
    result = validate(copy.parent, mini_catalog)
    findings = of_file(result.findings, copy.name)
    assert [(f.code, f.sheet) for f in findings] == [
        (RECOVERED, None), ("layout-unknown", INDICATOR_SHEET)]
    unknown = findings[1]
    assert unknown.severity == "error"
    assert said in unknown.message and "推測では読み取らず" in unknown.message
    assert copy.name in unknown.message
    texts = {fid: v for fid, v in typed.items() if fid.split(".")[1] in ("status", "plan")}
    assert {fid: v for fid, (v, _s, _c) in _read(result).items()} == texts


# ---- renamed sheets ---------------------------------------------------------------------------

@pytest.mark.parametrize("template", ["format3", FORMAT2_TEMPLATE], ids=["format3", "format2"])
def test_copy_with_renamed_sheets_is_found_by_its_content(
        tmp_path: Path, mini_templates: dict[str, Path], mini_catalog: Catalog,
        template: Path | str) -> None:
    """Both sheets of a copy renamed (Sheet1, Sheet2) and another sheet beside them: the
    sheets are found by their titles and header rows, every value is read in its cell."""
    source = mini_templates[DEPARTMENT] if template == "format3" else Path(template)
    copy, typed = _copy(tmp_path, source, "values")
    wb = openpyxl.load_workbook(copy)
    wb[INDICATOR_SHEET].title, wb[TEXT_SHEET].title = "Sheet1", "Sheet2"
    wb.create_sheet("メモ").append(["担当者メモ", "来週までに確認"])
    wb.save(copy)
    result = validate(copy.parent, mini_catalog)
    assert [f.code for f in of_file(result.findings, copy.name)] == [
        RECOVERED, "value-reason-given"]
    renamed = {TEXT_SHEET: "Sheet2", INDICATOR_SHEET: "Sheet1"}
    cells = fields_of(source)
    assert _read(result) == {fid: (v, renamed[cells[fid]["sheet"]], cells[fid]["cell"])
                             for fid, v in typed.items()}



def test_ods_copy_with_a_renamed_sheet_is_found_by_its_content(
        tmp_path: Path, mini_catalog: Catalog) -> None:
    """The same from an .ods: its sheets copied into a new document, 活動指標 renamed."""
    template = generate_templates(mini_catalog, YEAR, tmp_path / "t", fmt="ods",
                                  only=[DEPARTMENT])[0]
    typed = _typed(template)
    fill_ods(template, tmp_path / "filled.ods", typed)
    (tmp_path / "s").mkdir()
    copy = ods_copy(tmp_path / "filled.ods", tmp_path / "s" / "コピー.ods",
                    rename={INDICATOR_SHEET: "Sheet1"})
    result = validate(copy.parent, mini_catalog)
    assert [f.code for f in of_file(result.findings, copy.name)] == [
        RECOVERED, "value-reason-given"]
    cells = fields_of(template)
    renamed = {TEXT_SHEET: TEXT_SHEET, INDICATOR_SHEET: "Sheet1"}
    assert _read(result) == {fid: (v, renamed[cells[fid]["sheet"]], cells[fid]["cell"])
                             for fid, v in typed.items()}
