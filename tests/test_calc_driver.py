"""Round trip through a REAL spreadsheet program: LibreOffice Calc over UNO.

Proves the helper in tests/calc/ works and records what Calc does to the
parts of a workbook our reader depends on (defined names, hidden sheets,
protection, validation, comments, formats).  Run with ``-s`` to see the
observations and timings.
"""

from __future__ import annotations

import datetime as dt
import json
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.comments import Comment
from openpyxl.styles import Protection
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from calc.session import convert_to_xlsx
from consolidator.cell_address import col_letters
from helpers.cells import row_col, shifted

pytestmark = pytest.mark.calc

INPUT = "入力"
MEMO = "メモ"
META = "_meta"

# name -> (sheet, cell) in the template
NAMES = {
    "F_num": (INPUT, "E5"),
    "F_jp": (INPUT, "E6"),
    "F_str": (INPUT, "E7"),
    "F_date": (INPUT, "E8"),
    "F_null": (INPUT, "E9"),
    "F_dec": (INPUT, "E10"),
    "F_locked": (INPUT, "A10"),
    "F_memo": (MEMO, "B2"),
}


def build_template(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = INPUT
    memo = wb.create_sheet(MEMO)
    meta = wb.create_sheet(META)
    meta.sheet_state = "veryHidden"
    meta["A1"], meta["B1"] = "schema_version", "1"

    ws["A1"] = "地域福祉計画 実施状況報告"
    for r in range(5, 11):
        ws.cell(r, 1, f"項目{r - 4}")
        ws.cell(r, 5).protection = Protection(locked=False)
    ws["E9"] = 99  # pre-filled, will be cleared with null
    ws["E5"].comment = Comment("0〜1000の整数を入力", "様式作成")
    dv = DataValidation(type="whole", operator="between", formula1="0", formula2="1000",
                        allow_blank=True, showErrorMessage=True,
                        errorTitle="入力エラー", error="0〜1000の整数")
    ws.add_data_validation(dv)
    dv.add("E5")
    lst = DataValidation(type="list", formula1='"はい,いいえ"', allow_blank=True)
    ws.add_data_validation(lst)
    lst.add("E6")
    ws.protection.sheet = True  # no password

    # formats that a resave must keep
    ws["G5"], ws["G5"].number_format = 1234567, "#,##0"
    ws["G6"], ws["G6"].number_format = dt.datetime(2024, 4, 1), "yyyy/m/d"
    ws["G7"] = "012"  # numeric-looking string
    ws["G8"] = "=G5*2"
    ws["G9"], ws["G9"].number_format = 0.125, "0.0%"
    ws["G10"] = "０１２"

    memo["A2"], memo["B2"] = "備考", None
    for i, (k, v) in enumerate([("c", 3), ("a", 1), ("b", 2)], start=5):
        memo.cell(i, 1, k)
        memo.cell(i, 2, v)

    for name, (sheet, cell) in NAMES.items():
        row, col = row_col(cell)
        wb.defined_names[name] = DefinedName(name,
                                             attr_text=f"'{sheet}'!${col_letters(col)}${row}")
    wb.save(path)
    return path


@pytest.fixture()
def template(tmp_path: Path) -> Path:
    return build_template(tmp_path / "template.xlsx")


def _dest(wb, name: str) -> tuple[str, str]:
    dn = wb.defined_names[name]
    (sheet, ref), = list(dn.destinations)
    return sheet, ref.replace("$", "")


FILL_VALUES = {
    "F_num": 42,
    "F_jp": "はい、日本語の文字列",
    "F_str": "０１２",
    "F_date": {"date": "2024-04-01"},
    "F_null": None,
    "F_dec": 3.25,
    "F_memo": "012",
}


def test_fill_after_inserting_rows(calc, template, tmp_path):
    dst = tmp_path / "filled.xlsx"
    t0 = time.monotonic()
    res = calc.fill(template, dst, values=FILL_VALUES,
                    insert_rows=[{"sheet": INPUT, "before_row": 3, "count": 2}])
    wall = time.monotonic() - t0
    print(f"\n[timing] session start {calc.start_seconds:.2f}s; fill job "
          f"{res['seconds']:.2f}s in Calc, {wall:.2f}s wall incl. driver start")
    assert res["ok"] and res["unprotected"] == [INPUT]
    assert res["written"]["F_num"] == f"{INPUT}!E7"

    wb = openpyxl.load_workbook(dst)
    for name, (sheet, cell) in NAMES.items():
        expect = shifted(cell, 2) if sheet == INPUT else cell
        assert _dest(wb, name) == (sheet, expect), name

    def cell_of(name):
        s, c = _dest(wb, name)
        return wb[s][c]

    assert cell_of("F_num").value == 42 and cell_of("F_num").data_type == "n"
    assert cell_of("F_jp").value == "はい、日本語の文字列"
    assert cell_of("F_str").value == "０１２" and cell_of("F_str").data_type == "s"
    assert cell_of("F_memo").value == "012" and cell_of("F_memo").data_type == "s"
    assert cell_of("F_null").value is None
    assert cell_of("F_dec").value == 3.25 and isinstance(cell_of("F_dec").value, float)
    d = cell_of("F_date")
    assert d.value == dt.datetime(2024, 4, 1) and d.is_date
    assert d.number_format.lower() == "yyyy/m/d"
    # labels moved too, protection survived the unprotect/re-protect
    assert wb[INPUT]["A7"].value == "項目1"
    assert wb[INPUT].protection.sheet
    assert not cell_of("F_num").protection.locked

    # the helper's own reader agrees
    got = calc.read(dst, ["F_num", "F_str", "F_null"])
    assert got["values"]["F_num"]["cell"] == "E7"
    assert got["values"]["F_num"]["value"] == 42.0
    assert got["values"]["F_str"]["type"] == "string"
    assert got["values"]["F_null"]["type"] == "empty"


def test_locked_cell_is_refused_unless_protection_off(calc, template, tmp_path):
    with pytest.raises(calc.Error, match="locked"):
        calc.fill(template, tmp_path / "x.xlsx", values={"F_locked": "x"})
    res = calc.fill(template, tmp_path / "y.xlsx", values={"F_locked": "x"},
                    protect_off=[INPUT])
    assert res["unprotected"] == [INPUT]
    wb = openpyxl.load_workbook(tmp_path / "y.xlsx")
    assert wb[INPUT]["A10"].value == "x"
    assert wb[INPUT].protection.sheet  # re-protected


def test_delete_rows_sort_cells_and_batch(calc, template, tmp_path):
    a, b = tmp_path / "del.xlsx", tmp_path / "sort.xlsx"
    results = calc.run([
        {"op": "fill", "src": template, "dst": a, "values": {"F_num": 7},
         "delete_rows": [{"sheet": INPUT, "row": 2, "count": 1}]},
        {"op": "fill", "src": template, "dst": b,
         "sort": {"sheet": MEMO, "range": "A5:B7", "key_column": 1, "descending": True},
         "cells": [{"sheet": MEMO, "cell": "C5", "value": "手入力"}]},
        {"op": "fill", "src": template, "dst": tmp_path / "bad.xlsx",
         "values": {"NO_SUCH_NAME": 1}},
    ])
    assert [r["ok"] for r in results] == [True, True, False]
    assert "NO_SUCH_NAME" in results[2]["error"]
    wb = openpyxl.load_workbook(a)
    assert _dest(wb, "F_num") == (INPUT, "E4")
    assert wb[INPUT]["E4"].value == 7
    ws = openpyxl.load_workbook(b)[MEMO]
    assert [(ws.cell(r, 1).value, ws.cell(r, 2).value) for r in range(5, 8)] == [
        ("c", 3), ("b", 2), ("a", 1)]
    assert ws["C5"].value == "手入力"


def _cells(path: Path) -> dict:
    wb = openpyxl.load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None:
                    out[(ws.title, c.coordinate)] = (c.value, c.data_type, c.number_format)
    return out


def test_resave_keeps_every_value(calc, template, tmp_path):
    dst = tmp_path / "resaved.xlsx"
    calc.resave(template, dst)
    before, after = _cells(template), _cells(dst)
    assert {k: v[0] for k, v in after.items()} == {k: v[0] for k, v in before.items()}
    assert after[(INPUT, "G7")][:2] == ("012", "s")
    assert after[(INPUT, "G10")][:2] == ("０１２", "s")
    assert after[(INPUT, "G8")][0] == "=G5*2"


def test_convert_to_xlsx(calc, template, tmp_path):
    # calc fixture only for the skip/fail policy: convert uses its own soffice
    t0 = time.monotonic()
    out = convert_to_xlsx(template, tmp_path / "conv")
    print(f"\n[timing] convert_to_xlsx {time.monotonic() - t0:.2f}s (fresh profile)")
    assert out == tmp_path / "conv" / "template.xlsx"
    assert _cells(out).keys() == _cells(template).keys()


# ---------------------------------------------------------------- observations


def observe(path: Path, shift: int = 0) -> dict:
    """What our reader will see; *shift*: rows inserted above row 5 of 入力."""
    wb = openpyxl.load_workbook(path)
    cached = openpyxl.load_workbook(path, data_only=True)[INPUT]
    with zipfile.ZipFile(path) as z:
        wbxml = z.read("xl/workbook.xml").decode("utf-8")
    ws = wb[INPUT]
    obs = {
        "sheet_states": {s.title: s.sheet_state for s in wb.worksheets},
        "workbook_names": {n: wb.defined_names[n].attr_text for n in wb.defined_names},
        "sheet_local_names": {s.title: sorted(s.defined_names) for s in wb.worksheets
                              if len(s.defined_names)},
        "xlnm_names": [n for n in wb.defined_names if n.startswith("_xlnm")]
        + [n for s in wb.worksheets for n in s.defined_names if n.startswith("_xlnm")],
        "localSheetId_in_xml": "localSheetId" in wbxml,
        "protection": {s.title: {"sheet": s.protection.sheet,
                                 "password": s.protection.password,
                                 "insertRows": s.protection.insertRows,
                                 "formatCells": s.protection.formatCells,
                                 "selectLockedCells": s.protection.selectLockedCells}
                       for s in wb.worksheets},
        "locked": {n: ws[_dest(wb, n)[1]].protection.locked
                   for n in ("F_num", "F_dec", "F_locked")},
        "validations": [{"sqref": str(v.sqref), "type": v.type, "f1": v.formula1,
                         "f2": v.formula2, "showErrorMessage": v.showErrorMessage,
                         "error": v.error} for v in ws.data_validations.dataValidation],
        "comments": {f"{s.title}!{c.coordinate}": [c.comment.text, c.comment.author]
                     for s in wb.worksheets for row in s.iter_rows() for c in row
                     if c.comment},
        "formats": {c: [repr(ws[shifted(c, shift)].value), ws[shifted(c, shift)].data_type,
                        ws[shifted(c, shift)].number_format]
                    for c in ("G5", "G6", "G7", "G8", "G9", "G10")},
        "formula_cached_value": repr(cached[shifted("G8", shift)].value),
        "validation_messages": [[v.errorTitle, v.error, v.promptTitle, v.prompt]
                                for v in ws.data_validations.dataValidation],
    }
    return obs


def test_record_what_calc_does(calc, template, tmp_path):
    resaved = tmp_path / "resaved.xlsx"
    filled = tmp_path / "filled.xlsx"
    results = calc.run([
        {"op": "resave", "src": template, "dst": resaved},
        {"op": "fill", "src": template, "dst": filled, "values": FILL_VALUES,
         "insert_rows": [{"sheet": INPUT, "before_row": 3, "count": 2}]},
    ])
    assert all(r["ok"] for r in results), results
    report = {"template (openpyxl)": observe(template), "resaved by Calc": observe(resaved),
              "filled by Calc (+2 rows)": observe(filled, shift=2)}
    print("\n[calc observations]\n" + json.dumps(report, ensure_ascii=False, indent=1,
                                                 default=str))
    for key in ("resaved by Calc", "filled by Calc (+2 rows)"):
        o = report[key]
        # what our reader relies on
        assert set(o["workbook_names"]) == set(NAMES), "names keep workbook scope"
        assert not o["sheet_local_names"] and not o["localSheetId_in_xml"]
        assert o["sheet_states"][META] != "visible"
        assert o["protection"][INPUT]["sheet"] is True
        assert o["locked"] == {"F_num": False, "F_dec": False, "F_locked": True}
        tpl = dict(report["template (openpyxl)"]["formats"])
        got = dict(o["formats"])
        # the formula's reference moves with the inserted rows
        assert got.pop("G8")[0] == ("'=G5*2'" if key.startswith("resaved") else "'=G7*2'")
        tpl.pop("G8")
        assert got == tpl, "number formats and string types survive"
        assert o["formula_cached_value"] == "2469134", "Calc writes cached formula results"
