"""Issue 14: the plan catalog as an editable workbook (``plan export`` / ``plan import``).

Round trips through real .xlsx files; edits made with openpyxl, as a person would make them
in Excel (a cell changed, a row added, a sheet deleted).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.worksheet.worksheet import Worksheet

from consolidator.cli import main
from consolidator.plan.catalog import Catalog, canonical_json
from consolidator.plan.workbook_export import export_workbook
from consolidator.plan.workbook_import import import_workbook
from consolidator.templates.generate import generate_templates
from helpers.filling import by_department, fields_of
from helpers.paths import DEFAULT_PLAN, MINI_PLAN, MINI_PLAN_V1, MINI_PLAN_V2

MOVED, MOVED_FROM, MOVED_TO = "1-1-1-c1", "高齢福祉課", "協働推進課"
ADDED, ADDED_OWNER, ADDED_NAME = "1-2-1-c2", "学校教育課", "福祉教育の出前講座の実施校数"
OLD_NAME, NEW_NAME = "生活安全課", "市民安全課"


def round_trip(catalog: Catalog, path: Path) -> tuple[dict[str, Any] | None, Any]:
    export_workbook(catalog, path)
    return import_workbook(path)


def column(ws: Worksheet, heading: str) -> int:
    return next(c.column for c in ws[1] if c.value == heading)


def row_of(ws: Worksheet, first_column_value: str) -> int:
    return next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == first_column_value)


def _first_column(dv: Any) -> int:
    return int(next(iter(dv.sqref.ranges)).min_col)


def put(ws: Worksheet, row: int, values: dict[str, Any]) -> None:
    for heading, value in values.items():
        ws.cell(row, column(ws, heading), value)


# ---- round trips --------------------------------------------------------------------------------

def with_addresses(catalog: Catalog) -> Catalog:
    """``catalog`` with an e-mail address for every other department (issue 12's optional
    ``email``): the first and the third … have one, the others not."""
    doc = copy.deepcopy(catalog.doc)
    for n, department in enumerate(doc["departments"]):
        if n % 2 == 0:
            department["email"] = f"tanto{n}@city.example.lg.jp"
    return Catalog(doc)


ADDRESSES = pytest.mark.parametrize("addresses", [False, True], ids=["", "addresses"])


@ADDRESSES
def test_default_catalog_round_trip_is_identical(tmp_path: Path, addresses: bool) -> None:
    catalog = with_addresses(Catalog.default()) if addresses else Catalog.default()
    doc, found = round_trip(catalog, tmp_path / "plan.xlsx")
    assert list(found) == []
    assert doc is not None and canonical_json(doc) == canonical_json(catalog.doc)


@ADDRESSES
@pytest.mark.parametrize("path", [MINI_PLAN, MINI_PLAN_V1, MINI_PLAN_V2],
                         ids=["mini", "mini-v1", "mini-v2"])
def test_every_catalog_file_round_trips(path: Path, tmp_path: Path, addresses: bool) -> None:
    catalog = Catalog.from_path(path)
    if addresses:
        catalog = with_addresses(catalog)
    doc, found = round_trip(catalog, tmp_path / "plan.xlsx")
    assert list(found) == []
    assert doc is not None and canonical_json(doc) == canonical_json(catalog.doc)


def test_the_change_threshold_and_explanations_round_trip(tmp_path: Path) -> None:
    """Catalog schema 4: a measure's own 増減確認の倍率 and a past year's 増減の理由 go out
    to the workbook and come back as they were (a measure or year without them stays
    without the key)."""
    doc = Catalog.from_path(MINI_PLAN).doc
    measures = [m for g in doc["goals"] for a in g["activities"] for i in a["initiatives"]
                for ind in i["indicators"] for m in ind["measures"]]
    measures[0]["change_factor"] = 2.5
    with_history = next(m for m in measures if m.get("history"))
    with_history["history"][-1]["explanation"] = "教室を5か所に増やしたため\n(参加者も増加)"
    catalog = Catalog(doc)
    book = tmp_path / "plan.xlsx"
    back, found = round_trip(catalog, book)
    assert list(found) == []
    assert back is not None and canonical_json(back) == canonical_json(catalog.doc)
    ws = openpyxl.load_workbook(book)["指標"]
    assert ws.cell(row_of(ws, measures[0]["id"]), column(ws, "増減確認の倍率")).value == 2.5


def test_a_workbook_exported_before_the_new_columns_still_imports(tmp_path: Path) -> None:
    """A plan workbook exported by the toolkit before schema 4 has neither 増減確認の倍率 nor
    増減の理由: it imports as if they were blank."""
    catalog = Catalog.from_path(MINI_PLAN)
    book = tmp_path / "plan.xlsx"
    export_workbook(catalog, book)
    wb = openpyxl.load_workbook(book)
    for sheet, heading in (("指標", "増減確認の倍率"), ("過去の実績", "増減の理由")):
        ws = wb[sheet]
        ws.delete_cols(column(ws, heading))
    wb.save(book)
    back, found = import_workbook(book)
    assert list(found) == []
    assert back is not None and canonical_json(back) == canonical_json(catalog.doc)


@ADDRESSES
def test_cli_export_then_import_gives_the_same_catalog(tmp_path: Path, addresses: bool) -> None:
    book, out = tmp_path / "計画.xlsx", tmp_path / "plan.json"
    catalog = Catalog.default()
    plan = []
    if addresses:
        catalog = with_addresses(catalog)
        (tmp_path / "in.json").write_text(json.dumps(catalog.doc, ensure_ascii=False), "utf-8")
        plan = ["--plan", str(tmp_path / "in.json")]
    exported = CliRunner().invoke(main, ["plan", "export", str(book), *plan])
    assert exported.exit_code == 0, exported.output
    imported = CliRunner().invoke(main, ["plan", "import", str(book), "-o", str(out)])
    assert imported.exit_code == 0, imported.output
    assert "取組み 30 件、指標 78 件" in imported.output
    same = CliRunner().invoke(main, ["plan", "diff", str(DEFAULT_PLAN), str(out)])
    assert same.output.strip() == "違いはありません。"
    assert canonical_json(json.loads(out.read_text("utf-8"))) == canonical_json(catalog.doc)


def test_the_addresses_are_a_column_of_the_department_list(tmp_path: Path) -> None:
    catalog = with_addresses(Catalog.from_path(MINI_PLAN))
    export_workbook(catalog, tmp_path / "plan.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "plan.xlsx")["担当一覧"]
    col = column(ws, "メールアドレス")
    assert {ws.cell(r, 1).value: ws.cell(r, col).value for r in range(2, ws.max_row + 1)} == {
        d: catalog.email_of(d) for d in catalog.department_names}


def test_a_workbook_exported_without_the_address_column_still_imports(tmp_path: Path) -> None:
    """A plan workbook exported before the column existed (or with it deleted): read as no
    addresses, nothing else changes."""
    catalog = Catalog.from_path(MINI_PLAN)
    book = tmp_path / "plan.xlsx"
    export_workbook(with_addresses(catalog), book)
    wb = openpyxl.load_workbook(book)
    ws = wb["担当一覧"]
    ws.delete_cols(column(ws, "メールアドレス"))
    wb.save(book)
    doc, found = import_workbook(book)
    assert list(found) == []
    assert doc is not None and canonical_json(doc) == canonical_json(catalog.doc)


def test_a_malformed_address_is_found_at_its_cell(tmp_path: Path) -> None:
    book, out = tmp_path / "plan.xlsx", tmp_path / "plan.json"
    export_workbook(Catalog.from_path(MINI_PLAN), book)
    wb = openpyxl.load_workbook(book)
    ws = wb["担当一覧"]
    row = row_of(ws, "高齢福祉課")
    put(ws, row, {"メールアドレス": "高齢福祉課 内線1234"})
    wb.save(book)
    doc, found = import_workbook(book)
    cell = f"{openpyxl.utils.get_column_letter(column(ws, 'メールアドレス'))}{row}"
    assert doc is None
    assert [(f.code, f.sheet, f.cell) for f in found.errors] == [
        ("plan-book-invalid", "担当一覧", cell)]
    result = CliRunner().invoke(main, ["plan", "import", str(book), "-o", str(out)])
    assert result.exit_code == 1 and not out.exists()


def test_a_malformed_address_does_not_hide_the_other_problems(tmp_path: Path) -> None:
    """A schema error (the address) and a consistency error (an owner not in 担当一覧) in
    one workbook: both are reported in one import, each at its cell; no catalog is written."""
    book, out = tmp_path / "plan.xlsx", tmp_path / "plan.json"
    export_workbook(Catalog.from_path(MINI_PLAN), book)
    wb = openpyxl.load_workbook(book)
    departments, indicators = wb["担当一覧"], wb["指標"]
    address_row, owner_row = row_of(departments, "高齢福祉課"), row_of(indicators, "2-1-1-c1")
    put(departments, address_row, {"メールアドレス": "高齢福祉課 内線1234"})
    put(indicators, owner_row, {"担当": "存在しない課"})
    wb.save(book)
    doc, found = import_workbook(book)
    letter = openpyxl.utils.get_column_letter
    address_cell = f"{letter(column(departments, 'メールアドレス'))}{address_row}"
    owner_cell = f"{letter(column(indicators, '担当'))}{owner_row}"
    assert doc is None
    assert sorted((f.code, f.sheet, f.cell) for f in found.errors) == [
        ("plan-book-invalid", "担当一覧", address_cell),
        ("plan-book-unknown-department", "指標", owner_cell)]
    result = CliRunner().invoke(main, ["plan", "import", str(book), "-o", str(out)])
    assert result.exit_code == 1 and not out.exists()
    assert f"担当一覧!{address_cell} の値が正しくありません" in result.output
    assert f"担当「存在しない課」が担当一覧にありません(指標!{owner_cell})" in result.output
    assert "計画のブックに 2 件のエラーがあるため" in result.output


def test_the_workbook_has_a_guide_and_drop_downs(tmp_path: Path) -> None:
    export_workbook(Catalog.default(), tmp_path / "plan.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "plan.xlsx")
    assert wb.sheetnames[:2] == ["記入要領", "計画"]
    assert wb.sheetnames[-1] == "選択肢"
    ws = wb["指標"]
    sources = {ws.cell(1, _first_column(dv)).value: dv.formula1
               for dv in ws.data_validations.dataValidation}
    assert sources["担当"] == "'担当一覧'!$A$2:$A$2000"
    assert sources["単位"].startswith("'選択肢'!")
    units = [c.value for c in wb["選択肢"]["B"][1:] if c.value]
    assert {"人", "回", "地区", "%"} <= set(units)
    reporters = wb["報告担当"]
    assert {reporters.cell(1, _first_column(dv)).value
            for dv in reporters.data_validations.dataValidation} == {
        "担当", "【独自】", "【受託】", "【補助】"}


# ---- edited in Excel --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def edited(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The default plan exported, then edited: an indicator moved to another owner, an
    indicator with a numeric target added, a department renamed (only in 担当一覧, its old
    name kept as 旧名称); imported back with the command line."""
    root = tmp_path_factory.mktemp("edited")
    book = root / "計画.xlsx"
    export_workbook(Catalog.default(), book)
    wb = openpyxl.load_workbook(book)
    indicators = wb["指標"]
    put(indicators, row_of(indicators, MOVED), {"担当": MOVED_TO})
    put(indicators, indicators.max_row + 1, {
        "指標ID": ADDED, "取組みID": "1-2-1", "組織": "市", "担当": ADDED_OWNER,
        "指標名": ADDED_NAME, "目標": "年5校", "目標値": 5, "単位": "校", "期間": "年"})
    departments = wb["担当一覧"]
    put(departments, row_of(departments, OLD_NAME), {"担当名": NEW_NAME, "旧名称": OLD_NAME})
    wb.save(book)
    out = root / "plan_new.json"
    result = CliRunner().invoke(main, ["plan", "import", str(book), "-o", str(out)])
    return {"root": root, "result": result, "out": out}


def test_edited_workbook_imports(edited: dict[str, Any]) -> None:
    result = edited["result"]
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("[")]
    assert lines and all("plan-book-former-name" in line for line in lines)
    assert any(f"担当「{OLD_NAME}」は旧名称のため「{NEW_NAME}」として読みました" in line
               for line in lines)
    catalog = Catalog.from_path(edited["out"])
    assert catalog.department_for(OLD_NAME) == NEW_NAME
    moved = catalog.measure_by_id[MOVED]
    assert moved.history == Catalog.default().measure_by_id[MOVED].history  # history follows
    assert moved.history and moved.owner == MOVED_TO
    added = catalog.measure_by_id[ADDED]
    assert (added.owner, added.data["value"], added.unit, added.data["period"]) == (
        ADDED_OWNER, 5, "校", "年")
    # the changed catalog (with a former name) round-trips like any other
    doc, found = round_trip(catalog, edited["root"] / "again.xlsx")
    assert list(found) == [] and doc is not None
    assert canonical_json(doc) == canonical_json(catalog.doc)


@pytest.mark.slow  # whole-job run: in the full suite, not the fast loop
def test_generate_from_the_edited_plan(edited: dict[str, Any]) -> None:
    catalog = Catalog.from_path(edited["out"])
    paths = generate_templates(catalog, catalog.report_year, edited["root"] / "templates")
    templates = by_department(paths)
    assert NEW_NAME in templates and OLD_NAME not in templates
    assert templates[NEW_NAME].name == f"令和4年度_{NEW_NAME}_実施状況報告.xlsx"
    assert f"{MOVED}.value" in fields_of(templates[MOVED_TO])
    assert f"{MOVED}.value" not in fields_of(templates[MOVED_FROM])
    assert f"{ADDED}.value" in fields_of(templates[ADDED_OWNER])
    renamed = {m.id for m in catalog.measures_owned_by(NEW_NAME)}
    assert renamed and {f"{m}.value" for m in renamed} <= set(fields_of(templates[NEW_NAME]))


def test_plan_diff_lists_the_three_changes(edited: dict[str, Any]) -> None:
    result = CliRunner().invoke(main, ["plan", "diff", str(DEFAULT_PLAN), str(edited["out"])])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"担当の名称を変更:{OLD_NAME} → {NEW_NAME}(旧名称として「{OLD_NAME}」を保持)",
        f"指標を追加:{ADDED} {ADDED_NAME}",
        f"指標の担当を変更:{MOVED} {MOVED_FROM} → {MOVED_TO}",
    ]


# ---- malformed ------------------------------------------------------------------------------

def test_missing_sheet_writes_no_catalog(tmp_path: Path) -> None:
    book, out = tmp_path / "plan.xlsx", tmp_path / "plan.json"
    export_workbook(Catalog.from_path(MINI_PLAN), book)
    wb = openpyxl.load_workbook(book)
    del wb["用語"]
    wb.save(book)
    doc, found = import_workbook(book)
    assert doc is None
    assert [(f.code, f.sheet, f.cell) for f in found] == [
        ("plan-book-sheet-missing", "用語", None)]
    result = CliRunner().invoke(main, ["plan", "import", str(book), "-o", str(out)])
    assert result.exit_code == 1 and not out.exists()
    assert "シート「用語」がありません" in result.output


def test_malformed_cells_are_found_at_their_cells(tmp_path: Path) -> None:
    """A duplicate id, an owner not in 担当一覧, a target that is not a number: each at its
    sheet and cell, all at once; no catalog is written."""
    book, out = tmp_path / "plan.xlsx", tmp_path / "plan.json"
    export_workbook(Catalog.from_path(MINI_PLAN), book)
    wb = openpyxl.load_workbook(book)
    initiatives = wb["取組み"]
    put(initiatives, 3, {"取組みID": initiatives.cell(2, 1).value})  # 1-1-2 → 1-1-1 again
    indicators = wb["指標"]
    owner_row = row_of(indicators, "2-1-1-c1")
    put(indicators, owner_row, {"担当": "存在しない課"})
    value_row = row_of(indicators, "1-1-1-c1")
    put(indicators, value_row, {"目標値": "約250"})
    wb.save(book)
    doc, found = import_workbook(book)
    assert doc is None
    owner_cell = f"D{owner_row}"
    value_cell = f"K{value_row}"
    got = {(f.code, f.sheet, f.cell) for f in found.errors}
    assert {("plan-book-duplicate-id", "取組み", "A3"),
            ("plan-book-unknown-department", "指標", owner_cell),
            ("plan-book-not-number", "指標", value_cell)} <= got
    assert all(f.sheet and f.cell for f in found.errors)
    messages = {f.code: f.message for f in found.errors}
    assert messages["plan-book-not-number"] == (
        f"指標!{value_cell} の「目標値」が数値ではありません:「約250」")
    assert messages["plan-book-unknown-department"] == (
        f"担当「存在しない課」が担当一覧にありません(指標!{owner_cell})")
    result = CliRunner().invoke(main, ["plan", "import", str(book), "-o", str(out)])
    assert result.exit_code == 1 and not out.exists()
    assert "計画カタログは書き出していません" in result.output


def test_a_file_that_is_not_a_workbook(tmp_path: Path) -> None:
    book, out = tmp_path / "plan.xlsx", tmp_path / "plan.json"
    book.write_bytes(b"PK\x03\x04 not really a zip")
    result = CliRunner().invoke(main, ["plan", "import", str(book), "-o", str(out)])
    assert result.exit_code == 1 and not out.exists()
    assert "file-" in result.output  # the safety checks' finding, in Japanese


# ---- a new plan period ----------------------------------------------------------------------

def test_blank_workbook_authors_a_new_plan_that_continues_a_measure(tmp_path: Path) -> None:
    """--blank: the same sheets, empty, with the current plan's measures and values as the
    previous plan's; a measure naming 前計画の指標ID carries that measure's history."""
    book, out = tmp_path / "new.xlsx", tmp_path / "new.json"
    result = CliRunner().invoke(main, ["plan", "export", "--blank", str(book)])
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(book)
    assert wb["指標"].max_row == 1 and wb["前計画の指標"].max_row == 84  # 83 measures
    plan = wb["計画"]
    for r, value in zip(range(2, 9), ["next-plan-2023", "次期地域福祉計画", "支え合うまち",
                                      2023, 2027, 2023, None], strict=True):
        plan.cell(r, 2, value)
    put(wb["担当一覧"], 2, {"担当名": "高齢福祉課", "組織": "市"})
    put(wb["基本目標・活動目標"], 2, {"基本目標ID": "1", "番号": 1, "名称": "ひとづくり"})
    put(wb["基本目標・活動目標"], 3, {"基本目標ID": "1", "活動目標ID": "1-1", "番号": 1,
                                  "名称": "担い手の育成"})
    put(wb["取組み"], 2, {"取組みID": "1-1-1", "活動目標ID": "1-1", "番号": 1,
                         "名称": "介護予防の担い手"})
    put(wb["指標"], 2, {"指標ID": "1-1-1-c1", "取組みID": "1-1-1", "組織": "市",
                       "担当": "高齢福祉課", "指標名": "サポーター登録者数",
                       "目標": "R9(2027) 300人",
                       "目標値": 300, "単位": "人", "目標年度": 2027, "目標年度の意味": "期限",
                       "前計画の指標ID": "1-1-1-c1"})
    put(wb["報告担当"], 2, {"取組みID": "1-1-1", "担当": "高齢福祉課"})
    wb.save(book)
    result = CliRunner().invoke(main, ["plan", "import", str(book), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "前計画の指標 1-1-1-c1 の実績 1 年分を引き継ぎました" in result.output
    catalog = Catalog.from_path(out)
    measure = catalog.measure_by_id["1-1-1-c1"]
    assert measure.data["continues"] == "1-1-1-c1"
    assert measure.history == Catalog.default().measure_by_id["1-1-1-c1"].history
    assert measure.data["year_role"] == "deadline"
    assert "previous_report" not in catalog.plan
    # and it round-trips like any catalog
    doc, found = round_trip(catalog, tmp_path / "again.xlsx")
    assert list(found) == [] and doc is not None
    assert canonical_json(doc) == canonical_json(catalog.doc)


def test_a_continued_measure_that_the_previous_plan_does_not_have(tmp_path: Path) -> None:
    book = tmp_path / "new.xlsx"
    export_workbook(Catalog.from_path(MINI_PLAN), book, blank=True)
    full = tmp_path / "full.xlsx"
    export_workbook(Catalog.from_path(MINI_PLAN), full)
    wb, source = openpyxl.load_workbook(book), openpyxl.load_workbook(full)
    for name in ("計画", "担当一覧", "基本目標・活動目標", "取組み", "計画の取組み内容", "指標",
                 "報告担当", "用語", "前回報告の文章"):
        for row in source[name].iter_rows(min_row=2):
            for cell in row:
                wb[name].cell(cell.row, cell.column, cell.value)
    indicators = wb["指標"]
    put(indicators, 2, {"前計画の指標ID": "9-9-9-c9"})
    wb.save(book)
    doc, found = import_workbook(book)
    assert doc is not None  # a warning: the measure simply carries nothing
    assert [(f.code, f.sheet, f.cell) for f in found] == [
        ("plan-book-continues-unknown", "指標", f"R{2}")]
