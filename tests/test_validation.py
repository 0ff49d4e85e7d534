"""Issue 4: validating returned workbooks, each rule on a real workbook filled or damaged."""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import openpyxl
import pytest
from click.testing import CliRunner

from consolidator.checks.validation import validate_folder
from consolidator.cli import main
from consolidator.plan.catalog import Catalog
from consolidator.templates.generate import generate_templates
from consolidator.templates.model import (
    INDICATOR_LAYOUT,
    INDICATOR_SHEET,
    META_SHEET,
    TEXT_SHEET,
)
from helpers.cells import a1
from helpers.filling import cell_of, complete_values, fill_workbook, set_modified, submit_all
from helpers.findings import YEAR, validate, where
from helpers.hostile_corpus import encrypt
from helpers.master import sheet_rows
from helpers.paths import MINI_PLAN
from helpers.xml_parts import edit_xml, q


def test_clean_set_has_no_errors(tmp_path: Path, mini_templates: dict[str, Path],
                                 mini_catalog: Catalog) -> None:
    submit_all(mini_templates, tmp_path / "s")
    result = validate(tmp_path / "s", mini_catalog)
    assert result.findings.errors == []
    assert set(result.chosen) == {"市社協", "地域福祉課", "高齢福祉課"}
    entries = result.chosen["高齢福祉課"].entries
    assert entries["1-1-1-c1.value"].value == 3
    assert (entries["1-1-1-c1.value"].sheet, entries["1-1-1-c1.value"].cell) == (
        INDICATOR_SHEET, "I4")


# ---- value rules: one test per code, asserting code, department, sheet and cell -------------

VALUE_CASES = [
    ("１２", "value-normalised", 12),
    ("1,970", "value-normalised", 1970),
    ("12人", "value-normalised", 12),
    ("約10", "value-approximate", None),
    ("10～12", "value-range", None),
    ("12回", "value-unit-mismatch", None),
    ("未定", "value-not-number", None),
    ("中止", "value-reason-word", None),
    (-3, "value-negative", None),
]


@pytest.mark.parametrize("typed,code,accepted", VALUE_CASES,
                         ids=[c[1] + ":" + str(c[0]) for c in VALUE_CASES])
def test_number_rules(tmp_path: Path, mini_templates: dict[str, Path], mini_catalog: Catalog,
                      typed: Any, code: str, accepted: Any) -> None:
    fid = "1-1-1-c1.value"  # 高齢福祉課, unit 人
    submit_all(mini_templates, tmp_path / "s", {"高齢福祉課": {fid: typed}})
    result = validate(tmp_path / "s", mini_catalog)
    sheet, cell = cell_of(mini_templates["高齢福祉課"], fid)
    assert where(result.findings, code) == [("高齢福祉課", sheet, cell)]
    entry = result.chosen["高齢福祉課"].entries.get(fid)
    assert (entry.value if entry else None) == accepted


def test_percent_rules(tmp_path: Path, mini_templates: dict[str, Path],
                       mini_catalog: Catalog) -> None:
    submit_all(mini_templates, tmp_path / "a", {"地域福祉課": {"2-1-1-c1.value": "57.5%"}})
    a = validate(tmp_path / "a", mini_catalog)
    assert where(a.findings, "value-normalised") == [("地域福祉課", INDICATOR_SHEET, "I4")]
    assert a.chosen["地域福祉課"].entries["2-1-1-c1.value"].value == 57.5
    submit_all(mini_templates, tmp_path / "b", {"地域福祉課": {"2-1-1-c1.value": 120}})
    b = validate(tmp_path / "b", mini_catalog)
    assert where(b.findings, "value-percent-over") == [("地域福祉課", INDICATOR_SHEET, "I4")]


def test_missing_value_and_reasons(tmp_path: Path, mini_templates: dict[str, Path],
                                   mini_catalog: Catalog) -> None:
    council = {"1-1-1-s1.value": None,  # neither value nor reason
               "1-1-2-s1a.value": None, "1-1-2-s1a.reason": "その他",  # その他 without text
               "1-1-2-s1b.reason": "中止"}  # value (3) and a reason
    submit_all(mini_templates, tmp_path / "s", {"市社協": council,
                                                "高齢福祉課": {"1-1-1-c1.value": None,
                                                               "1-1-1-c1.reason": "集計中"}})
    result = validate(tmp_path / "s", mini_catalog)
    found, t = result.findings, mini_templates["市社協"]
    assert where(found, "value-missing") == [("市社協", *cell_of(t, "1-1-1-s1.value"))]
    assert where(found, "reason-other-no-text") == [("市社協", *cell_of(t, "1-1-2-s1a.reason"))]
    assert where(found, "value-and-reason") == [("市社協", *cell_of(t, "1-1-2-s1b.value"))]
    assert where(found, "value-reason-given") == [
        ("高齢福祉課", *cell_of(mini_templates["高齢福祉課"], "1-1-1-c1.value"))]
    entries = result.chosen["高齢福祉課"].entries
    assert "1-1-1-c1.value" not in entries and entries["1-1-1-c1.reason"].value == "集計中"


def test_reason_not_in_list(tmp_path: Path, mini_templates: dict[str, Path],
                            mini_catalog: Catalog) -> None:
    submit_all(mini_templates, tmp_path / "s",
               {"高齢福祉課": {"1-1-1-c1.value": None, "1-1-1-c1.reason": "コロナのため"}})
    result = validate(tmp_path / "s", mini_catalog)
    assert where(result.findings, "reason-invalid") == [
        ("高齢福祉課", *cell_of(mini_templates["高齢福祉課"], "1-1-1-c1.reason"))]
    assert where(result.findings, "value-missing") == []  # one finding, not two


def test_empty_status_is_error_empty_plan_is_warning(tmp_path: Path,
                                                     mini_templates: dict[str, Path],
                                                     mini_catalog: Catalog) -> None:
    submit_all(mini_templates, tmp_path / "s", {"地域福祉課": {"1-1-1.status": None,
                                                               "1-1-1.plan": "  "},
                                                "市社協": {"1-1-1.status.hojo": None}})
    result = validate(tmp_path / "s", mini_catalog)
    t = mini_templates["地域福祉課"]
    assert where(result.findings, "status-empty") == [("地域福祉課", *cell_of(t, "1-1-1.status"))]
    assert where(result.findings, "plan-empty") == [("地域福祉課", *cell_of(t, "1-1-1.plan"))]
    sev = {f.code: f.severity for f in result.findings}
    assert sev["status-empty"] == "error" and sev["plan-empty"] == "warning"


def test_text_too_long(tmp_path: Path, mini_templates: dict[str, Path],
                       mini_catalog: Catalog) -> None:
    submit_all(mini_templates, tmp_path / "s", {"地域福祉課": {"1-1-1.status": "あ" * 2001}})
    result = validate(tmp_path / "s", mini_catalog)
    assert where(result.findings, "text-too-long") == [
        ("地域福祉課", *cell_of(mini_templates["地域福祉課"], "1-1-1.status"))]


def test_formula_with_and_without_cached_value(tmp_path: Path, mini_templates: dict[str, Path],
                                               mini_catalog: Catalog) -> None:
    files = submit_all(mini_templates, tmp_path / "s")
    cell = cell_of(mini_templates["高齢福祉課"], "1-1-1-c1.value")
    wb = openpyxl.load_workbook(files["高齢福祉課"])
    wb[cell[0]][cell[1]] = "=10+2"  # a formula, as typed; openpyxl stores no result for it
    wb.save(files["高齢福祉課"])
    result = validate(tmp_path / "s", mini_catalog)
    assert where(result.findings, "formula-no-cache") == [("高齢福祉課", *cell)]
    assert "1-1-1-c1.value" not in result.chosen["高齢福祉課"].entries
    _add_cached_value(files["高齢福祉課"], cell[1], "12")
    again = validate(tmp_path / "s", mini_catalog)
    assert where(again.findings, "formula-cached") == [("高齢福祉課", *cell)]
    assert again.chosen["高齢福祉課"].entries["1-1-1-c1.value"].value == 12


def _add_cached_value(path: Path, cell: str, value: str) -> None:
    """Give a formula a stored result, as Excel does when it saves. (The sheet is edited as a
    tree: openpyxl writes the empty result ``<v/>`` or ``<v />`` by which XML library it has.)"""
    changed = []

    def store(root: ET.Element) -> None:
        for c in root.iter(q("c")):
            if c.get("r") == cell and c.find(q("f")) is not None:
                for v in c.findall(q("v")):
                    c.remove(v)
                ET.SubElement(c, q("v")).text = value
                changed.append(c)

    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                before = len(changed)
                edited = edit_xml(data, store)
                data = edited if len(changed) > before else data
            dst.writestr(info, data)
    tmp.replace(path)
    assert len(changed) == 1, changed


def test_plausibility_warnings(tmp_path: Path, mini_templates: dict[str, Path],
                               mini_catalog: Catalog) -> None:
    # previous 1-1-1-c1 = 111 人, 1-1-1-s1 = 1 地区
    submit_all(mini_templates, tmp_path / "s", {"高齢福祉課": {"1-1-1-c1.value": 1110},
                                                "市社協": {"1-1-1-s1.value": 0},
                                                "地域福祉課": {"2-1-1-c1.value": 40.5}})
    result = validate(tmp_path / "s", mini_catalog)
    assert where(result.findings, "value-tenfold") == [
        ("高齢福祉課", *cell_of(mini_templates["高齢福祉課"], "1-1-1-c1.value"))]
    assert where(result.findings, "value-zero-was-nonzero") == [
        ("市社協", *cell_of(mini_templates["市社協"], "1-1-1-s1.value"))]
    assert all(f.severity == "warning" for f in result.findings
               if f.code in ("value-tenfold", "value-zero-was-nonzero"))
    assert result.chosen["高齢福祉課"].entries["1-1-1-c1.value"].value == 1110


# ---- structure ---------------------------------------------------------------------------

def test_value_typed_outside_inputs_and_reference_changed(tmp_path: Path,
                                                          mini_templates: dict[str, Path],
                                                          mini_catalog: Catalog) -> None:
    folder = tmp_path / "s"
    submit_all(mini_templates, folder, skip=("高齢福祉課",))
    src = mini_templates["高齢福祉課"]
    beyond = a1(4, len(INDICATOR_LAYOUT) + 1)  # right of the table's last column
    fill_workbook(src, folder / "k.xlsx", complete_values(src),
                  cells={(INDICATOR_SHEET, beyond): "15",
                         (INDICATOR_SHEET, "C4"): "書き換えた指標名"})
    result = validate(folder, mini_catalog)
    assert ("高齢福祉課", INDICATOR_SHEET, beyond) in where(result.findings,
                                                           "value-outside-input")
    assert where(result.findings, "reference-changed") == [("高齢福祉課", INDICATOR_SHEET, "C4")]


def test_field_deleted_is_missing(tmp_path: Path, mini_templates: dict[str, Path],
                                  mini_catalog: Catalog) -> None:
    folder = tmp_path / "s"
    files = submit_all(mini_templates, folder)
    wb = openpyxl.load_workbook(files["高齢福祉課"])
    wb[INDICATOR_SHEET].delete_rows(4)  # the only indicator row, with its inputs
    del wb.defined_names["F_1_1_1_c1_value"]
    wb.save(files["高齢福祉課"])
    result = validate(folder, mini_catalog)
    missing = [f for f in result.findings if f.code == "field-missing"]
    assert [f.field_id for f in missing] == ["1-1-1-c1.value", "1-1-1-c1.explanation",
                                             "1-1-1-c1.reason", "1-1-1-c1.reason_text"]
    assert {f.department for f in missing} == {"高齢福祉課"}


def test_rows_inserted_with_openpyxl_names_kept_found_by_key(tmp_path: Path,
                                                             mini_templates: dict[str, Path],
                                                             mini_catalog: Catalog) -> None:
    """openpyxl does not move names when inserting rows: the key column finds the fields."""
    folder = tmp_path / "s"
    files = submit_all(mini_templates, folder)
    wb = openpyxl.load_workbook(files["地域福祉課"])
    wb[TEXT_SHEET].insert_rows(5, 2)
    wb.save(files["地域福祉課"])
    result = validate(folder, mini_catalog)
    assert result.findings.errors == []
    moved = [f for f in result.findings if f.code == "field-moved"]
    assert moved and all(f.department == "地域福祉課" and f.sheet == TEXT_SHEET for f in moved)
    status = result.chosen["地域福祉課"].entries["1-1-1.status"]
    assert status.value == "実施しました。(1-1-1.status)"


# ---- identity ----------------------------------------------------------------------------

def test_identity_findings(tmp_path: Path, mini_templates: dict[str, Path],
                           mini_catalog: Catalog) -> None:
    folder = tmp_path / "s"
    submit_all(mini_templates, folder)
    other_year = generate_templates(mini_catalog, 2021, tmp_path / "y2021", only=["地域福祉課"])
    shutil.copy(other_year[0], folder / "去年の様式.xlsx")
    plain = openpyxl.Workbook()
    plain.active["A1"] = "自作の表"
    plain.save(folder / "自作.xlsx")
    changed = dict(mini_catalog.doc)
    changed["departments"] = [*mini_catalog.departments, {"name": "架空課", "organisation": "市"}]
    unknown = generate_templates(Catalog(changed), 2022, tmp_path / "x", only=["架空課"])
    shutil.copy(unknown[0], folder / "架空課.xlsx")
    result = validate(folder, mini_catalog)
    codes = {f.file: f.code for f in result.findings
             if f.code in ("other-year", "not-a-template", "unknown-unit")}
    assert codes == {"去年の様式.xlsx": "other-year", "自作.xlsx": "not-a-template",
                     "架空課.xlsx": "unknown-unit"}
    assert [f.file for f in result.findings if f.code == "older-catalog"] == []


def test_older_catalog_is_reported(tmp_path: Path, mini_templates: dict[str, Path],
                                   mini_catalog: Catalog) -> None:
    folder = tmp_path / "s"
    submit_all(mini_templates, folder)
    newer = Catalog({**mini_catalog.doc, "plan": {**mini_catalog.plan, "name": "改訂後の計画"}})
    result = validate_folder(folder, newer, YEAR, workers=1)
    assert sorted(f.department for f in result.findings if f.code == "older-catalog") == [
        "地域福祉課", "市社協", "高齢福祉課"]


def test_hidden_sheet_unhidden_and_its_department_edited(
        tmp_path: Path, mini_templates: dict[str, Path], mini_catalog: Catalog) -> None:
    folder = tmp_path / "s"
    files = submit_all(mini_templates, folder)
    wb = openpyxl.load_workbook(files["地域福祉課"])
    wb[META_SHEET].sheet_state = "visible"
    wb[META_SHEET]["B5"] = "高齢福祉課"  # the department
    wb.save(files["地域福祉課"])
    result = validate(folder, mini_catalog)
    mismatch = [f for f in result.findings if f.code == "identity-mismatch"]
    assert [(f.file, f.value) for f in mismatch] == [("地域福祉課_提出.xlsx", "高齢福祉課")]
    assert [f.file for f in result.findings if f.code == "sheet-state-changed"] == [
        "地域福祉課_提出.xlsx"]
    assert result.chosen["地域福祉課"].file == "地域福祉課_提出.xlsx"  # properties win


def test_duplicates_latest_saved_is_used(tmp_path: Path, mini_templates: dict[str, Path],
                                         mini_catalog: Catalog) -> None:
    folder = tmp_path / "s"
    files = submit_all(mini_templates, folder)
    older = folder / "古い版" / "高齢福祉課(修正前).xlsx"
    older.parent.mkdir()
    fill_workbook(mini_templates["高齢福祉課"], older, {**complete_values(
        mini_templates["高齢福祉課"]), "1-1-1-c1.value": 99})
    set_modified(older, "2023-01-01T00:00:00Z")
    set_modified(files["高齢福祉課"], "2023-02-01T00:00:00Z")
    result = validate(folder, mini_catalog)
    assert result.chosen["高齢福祉課"].file == "高齢福祉課_提出.xlsx"
    dup = [f for f in result.findings if f.code == "duplicate-not-used"]
    assert [(f.department, f.file) for f in dup] == [
        ("高齢福祉課", "古い版/高齢福祉課(修正前).xlsx")]
    assert "1-1-1-c1.value" in dup[0].message and "異なる項目 1 件" in dup[0].message


def test_lock_and_hidden_files_skipped_and_missing_department(
        tmp_path: Path, mini_templates: dict[str, Path], mini_catalog: Catalog) -> None:
    folder = tmp_path / "s"
    submit_all(mini_templates, folder, skip=("高齢福祉課",))
    (folder / "~$地域福祉課_提出.xlsx").write_bytes(b"lock")
    (folder / ".DS_Store").write_bytes(b"junk")
    result = validate(folder, mini_catalog)
    assert [(f.code, f.file, f.severity) for f in result.findings
            if f.code.startswith("file-skipped")] == [
        ("file-skipped-hidden", ".DS_Store", "info"),
        ("file-skipped-lock", "~$地域福祉課_提出.xlsx", "info")]
    assert [(f.department, f.severity) for f in result.findings if f.code == "unit-missing"] == [
        ("高齢福祉課", "error")]


def test_broken_files_do_not_stop_the_others(tmp_path: Path, mini_templates: dict[str, Path],
                                             mini_catalog: Catalog) -> None:
    folder = tmp_path / "s"
    files = submit_all(mini_templates, folder, skip=("高齢福祉課",))
    data = files["市社協"].read_bytes()
    (folder / "途中で切れた.xlsx").write_bytes(data[: len(data) // 2])
    (folder / "名簿.xlsx").write_text("担当,値\n高齢福祉課,12\n", encoding="utf-8")
    (folder / "鍵付き.xlsx").write_bytes(encrypt(files["市社協"]))
    shutil.copy(files["地域福祉課"], folder / "地域福祉課_再送.xlsx")
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*")
              if p.is_file()}
    mtimes = {p: p.stat().st_mtime_ns for p in before}
    result = validate(folder, mini_catalog)
    per_file = {}
    for f in result.findings:
        if f.file in ("途中で切れた.xlsx", "名簿.xlsx", "鍵付き.xlsx") and f.severity == "error":
            per_file.setdefault(f.file, []).append(f.code)
    assert per_file == {"途中で切れた.xlsx": ["file-broken-zip"],
                        "名簿.xlsx": ["file-not-workbook"], "鍵付き.xlsx": ["file-encrypted"]}
    assert [f.department for f in result.findings if f.code == "unit-missing"] == ["高齢福祉課"]
    assert [f.department for f in result.findings
            if f.code == "duplicate-not-used"] == ["地域福祉課"]
    assert set(result.chosen) == {"市社協", "地域福祉課"}
    after = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in before}
    assert after == before
    assert {p: p.stat().st_mtime_ns for p in before} == mtimes


# ---- the log and the CLI -----------------------------------------------------------------

def test_validate_cli_writes_three_logs_and_exit_code(tmp_path: Path,
                                                      mini_templates: dict[str, Path]) -> None:
    folder = tmp_path / "s"
    submit_all(mini_templates, folder, {"高齢福祉課": {"1-1-1-c1.value": "約10"}})
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["validate", str(folder), "--plan",
                                       str(MINI_PLAN), "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert "高齢福祉課" in result.output and "validation_log.xlsx" in result.output
    wb = openpyxl.load_workbook(out / "validation_log.xlsx")
    ws = wb["検証ログ"]
    assert [c.value for c in ws[1]] == ["重大度", "コード", "担当", "ファイル", "シート", "セル",
                                        "取組み", "指標", "入力値", "メッセージ", "対処",
                                        "承認", "承認理由", "項目ID"]
    assert ws.freeze_panes == "A2"
    rows = sheet_rows(out / "validation_log.xlsx", "検証ログ")[1:]
    assert rows[0][:6] == ["エラー", "value-approximate", "高齢福祉課", "高齢福祉課_提出.xlsx",
                           INDICATOR_SHEET, "I4"]
    assert rows[0][8] == "約10"
    summary = sheet_rows(out / "validation_log.xlsx", "担当別")[1:]
    assert [r[0] for r in summary] == ["市社協", "地域福祉課", "高齢福祉課"]
    csv_bytes = (out / "validation_log.csv").read_bytes()
    assert csv_bytes.startswith(b"\xef\xbb\xbf") and "value-approximate" in csv_bytes.decode()
    assert (out / "validation_log.jsonl").read_text("utf-8").count("\n") == len(rows)
    clean = tmp_path / "clean"
    submit_all(mini_templates, clean)
    ok = CliRunner().invoke(main, ["validate", str(clean), "--plan",
                                   str(MINI_PLAN), "--out", str(tmp_path / "o2")])
    assert ok.exit_code == 0, ok.output
    usage = CliRunner().invoke(main, ["validate", str(tmp_path / "nonexistent")])
    assert usage.exit_code == 2


def test_reference_row_deleted_is_reported(tmp_path: Path, mini_templates: dict[str, Path],
                                           mini_catalog: Catalog) -> None:
    """Deleting a named reference row leaves its name pointing at #REF! (as Excel writes)."""
    folder = tmp_path / "s"
    files = submit_all(mini_templates, folder)
    wb = openpyxl.load_workbook(files["地域福祉課"])
    from openpyxl.workbook.defined_name import DefinedName

    wb.defined_names["R_1_1_1_actions"] = DefinedName("R_1_1_1_actions",
                                                      attr_text=f"'{TEXT_SHEET}'!#REF!")
    wb.save(files["地域福祉課"])
    result = validate(folder, mini_catalog)
    changed = [(f.department, f.sheet, f.value) for f in result.findings
               if f.code == "reference-changed"]
    assert changed == [("地域福祉課", TEXT_SHEET, "(削除)")]


def test_console_table_totals_and_unplaced_files(tmp_path: Path, mini_templates: dict[str, Path],
                                                 mini_catalog: Catalog) -> None:
    from consolidator.validation_log import console_lines

    folder = tmp_path / "s"
    submit_all(mini_templates, folder, skip=("高齢福祉課",))
    (folder / "名簿.xlsx").write_text("担当,値\n", encoding="utf-8")
    result = validate(folder, mini_catalog)
    lines = console_lines(list(result.findings), result.department_rows())
    assert [line.split()[:2] for line in lines[1:4]] == [
        ["市社協", "済"], ["地域福祉課", "済"], ["高齢福祉課", "未提出"]]
    # errors: the CSV named .xlsx and the missing department; warning: 地域福祉課's 3% vs
    # 42.1% last year
    assert lines[4] == "提出 2 / 3 担当、エラー 2 件、警告 1 件"
    assert lines[5].startswith("担当を判定できなかったファイル:1 件")


def test_per_department_logs_follow_the_last_run(tmp_path: Path,
                                                 mini_templates: dict[str, Path],
                                                 mini_catalog: Catalog) -> None:
    """Each department with something to correct gets its own workbook marked and a draft to
    send it back with; one that has corrected everything loses its files on the next run."""
    from consolidator.jobs.runs import run_validate

    folder, out = tmp_path / "s", tmp_path / "out"
    submit_all(mini_templates, folder, {"高齢福祉課": {"1-1-1-c1.value": "約10"},
                                        "地域福祉課": {"2-1-1-c1.value": 40}})
    first = run_validate(folder, mini_catalog, YEAR, out)
    department_dir = first.logs["departments"]
    assert sorted(p.name for p in department_dir.iterdir()) == ["高齢福祉課_依頼.eml",
                                                                "高齢福祉課_確認事項.xlsx"]
    rows = sheet_rows(department_dir / "高齢福祉課_確認事項.xlsx", "確認事項")
    header = next(i for i, r in enumerate(rows) if r[0] == "重大度")
    assert [tuple(r[:3]) for r in rows[header + 1:]] == [
        ("エラー", *cell_of(mini_templates["高齢福祉課"], "1-1-1-c1.value"))]
    (department_dir / ".consolidator-tmp-left-over.xlsx").write_bytes(b"partial")
    fill_workbook(mini_templates["高齢福祉課"], folder / "高齢福祉課_提出.xlsx",
                  {**complete_values(mini_templates["高齢福祉課"]), "1-1-1-c1.value": 115})
    second = run_validate(folder, mini_catalog, YEAR, out)
    assert [f.code for f in second.validation.findings if f.severity != "info"] == []
    assert list(department_dir.iterdir()) == []  # the old file and the stale temporary are gone


def test_an_unused_duplicate_costs_the_parent_little_memory(
        tmp_path: Path, mini_templates: dict[str, Path], mini_catalog: Catalog) -> None:
    """Issue 27 (10,000 files): what the parent keeps of each file it does not use is its
    head (name, hash, findings, the identity one object for all the copies) and the digests
    of its values; the compressed values themselves wait in a temporary file (read back for
    the ledger). About 1.9 KB a file here (2.3 KB with the values and an identity a file in
    memory). Measured as the memory validate_folder leaves behind for N and 3N copies."""
    import gc
    import tracemalloc

    files = submit_all(mini_templates, tmp_path / "s", values=lambda d, t: complete_values(t))
    kept: dict[int, int] = {}
    validate_folder(tmp_path / "s", mini_catalog, YEAR, workers=1)  # what a first run loads
    for copies in (4, 12):
        folder = tmp_path / f"s{copies}"
        folder.mkdir()
        for k in range(copies):
            for p in files.values():  # other bytes: each copy a file of its own, a duplicate
                (folder / f"{p.stem}_{k}.xlsx").write_bytes(p.read_bytes() + bytes(k + 1))
        gc.collect()
        tracemalloc.start()
        try:
            result = validate_folder(folder, mini_catalog, YEAR, workers=1)
            gc.collect()
            kept[len(result.submissions)] = tracemalloc.get_traced_memory()[0]
        finally:
            tracemalloc.stop()
        assert sum(not s.used for s in result.submissions) == len(result.submissions) - len(files)
        del result
    (few, low), (many, high) = sorted(kept.items())
    per_duplicate = (high - low) / (many - few)
    assert per_duplicate < 3_000, f"{per_duplicate:.0f} bytes kept per unused duplicate"
