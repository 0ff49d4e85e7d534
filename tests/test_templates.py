"""Issue 3: the generated templates, checked through real .xlsx files."""

from __future__ import annotations

import json
import zipfile
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from consolidator.cell_address import col_letters
from consolidator.cli import main
from consolidator.plan.catalog import Catalog
from consolidator.templates.generate import generate_templates, parse_year, template_filename
from consolidator.templates.model import FORMAT_VERSION, INDICATOR_SHEET, META_SHEET, TEXT_SHEET
from helpers.cells import row_col
from helpers.filling import by_department, fields_of
from helpers.paths import MINI_PLAN

EXPECTED_KEYS = ["field_id", "sheet", "cell", "kind", "role", "department", "initiative_id",
                 "indicator_id", "indicator_name", "category", "label", "value"]


def test_default_plan_gives_17_workbooks_for_reiwa4(default_templates: dict[str, Path],
                                                    default_catalog: Catalog) -> None:
    assert len(default_templates) == 17
    assert set(default_templates) == set(default_catalog.department_names)
    for department, path in default_templates.items():
        assert path.name == f"令和4年度_{department}_実施状況報告.xlsx"


def test_each_workbook_holds_exactly_its_departments_part(default_templates: dict[str, Path],
                                                           default_catalog: Catalog) -> None:
    asked: Counter[str] = Counter()
    for department, path in default_templates.items():
        rows = fields_of(path)
        initiatives = {r["initiative_id"] for r in rows.values()}
        assert initiatives == {i.id for i in default_catalog.initiatives_for(department)}
        measures = {fid.rsplit(".", 1)[0] for fid, r in rows.items() if r["role"] == "value"}
        assert measures == {m.id for m in default_catalog.measures_owned_by(department)}
        asked.update(measures)
        assert {r["department"] for r in rows.values()} == {department}
    assert set(asked) == {m.id for m in default_catalog.measures}
    assert max(asked.values()) == 1


def test_council_has_a_field_per_category(mini_templates: dict[str, Path]) -> None:
    rows = fields_of(mini_templates["市社協"])
    status = {r["category"] for r in rows.values()
              if r["role"] == "status" and r["initiative_id"] == "1-1-1"}
    assert status == {"独自", "受託", "補助"}
    dept = fields_of(mini_templates["地域福祉課"])
    assert {r["category"] for r in dept.values()} == {None}


def test_fields_json_has_exactly_the_public_keys(mini_templates: dict[str, Path]) -> None:
    result = CliRunner().invoke(main, ["fields", "--json", str(mini_templates["高齢福祉課"])])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [list(d) for d in lines] == [EXPECTED_KEYS] * len(lines)
    value = next(d for d in lines if d["role"] == "value")
    assert value == {
        "field_id": "1-1-1-c1.value", "sheet": INDICATOR_SHEET, "cell": "I4", "kind": "number",
        "role": "value", "department": "高齢福祉課", "initiative_id": "1-1-1",
        "indicator_id": "1-1-1-c1", "indicator_name": "介護予防・生活支援サポーター登録者数",
        "category": None, "label": "介護予防・生活支援サポーター登録者数 実績値", "value": None}


def _validation_for(ws, cell: str):  # type: ignore[no-untyped-def]
    for dv in ws.data_validations.dataValidation:
        if cell in dv.sqref:
            return dv
    return None


@pytest.mark.parametrize("department", ["市社協", "地域福祉課", "高齢福祉課"])
def test_fields_have_names_validation_and_are_unlocked(mini_templates: dict[str, Path],
                                                       department: str) -> None:
    path = mini_templates[department]
    wb = openpyxl.load_workbook(path)
    for fid, row in fields_of(path).items():
        ws = wb[row["sheet"]]
        name = "F_" + fid.replace("-", "_").replace(".", "_")
        dests = list(wb.defined_names[name].destinations)
        r, c = row_col(row["cell"])
        assert dests == [(row["sheet"], f"${col_letters(c)}${r}")], fid
        assert ws[row["cell"]].protection.locked is False, fid
        dv = _validation_for(ws, row["cell"])
        assert dv is not None, fid
        expected = {"number": "decimal", "choice": "list", "text": "textLength"}[row["kind"]]
        assert dv.type == expected, fid
        if row["kind"] == "number":
            assert dv.imeMode == "off"
            assert dv.error and dv.prompt  # Japanese alert and input message
    for ws in (wb[TEXT_SHEET], wb[INDICATOR_SHEET]):
        assert ws.protection.sheet is True
        assert ws.protection.password is None
    inputs = {(r["sheet"], r["cell"]) for r in fields_of(path).values()}
    for sheet in (TEXT_SHEET, INDICATOR_SHEET):
        for row in wb[sheet].iter_rows():
            for c in row:
                if c.value is not None and (sheet, c.coordinate) not in inputs:
                    assert c.protection.locked is True, (sheet, c.coordinate)


def test_percent_indicator_is_limited_to_0_100(mini_templates: dict[str, Path]) -> None:
    path = mini_templates["地域福祉課"]
    row = fields_of(path)["2-1-1-c1.value"]
    dv = _validation_for(openpyxl.load_workbook(path)[row["sheet"]], row["cell"])
    assert (dv.operator, dv.formula1, dv.formula2) == ("between", "0", "100")


def test_prefilled_with_previous_plan_and_actuals(mini_templates: dict[str, Path]) -> None:
    wb = openpyxl.load_workbook(mini_templates["高齢福祉課"])
    texts = [c.value for row in wb[TEXT_SHEET].iter_rows() for c in row if c.value]
    assert "・新規サポーター養成講座を開催" in texts
    ind = wb[INDICATOR_SHEET]
    assert [c.value for c in ind[3]][5:9] == ["令和元年度 実績", "令和2年度 実績", "令和3年度 実績",
                                             "令和4年度 実績値"]
    assert [c.value for c in ind[4]][:8] == [
        "1-1-1-c1", "1-1-1 担い手の確保と育成の支援", "介護予防・生活支援サポーター登録者数",
        "H32(2020) 250人", "人", None, None, "登録者累計111人"]


def test_department_text_starting_with_equals_stays_text(mini_templates: dict[str, Path]) -> None:
    wb = openpyxl.load_workbook(mini_templates["地域福祉課"])
    cells = [c for row in wb[TEXT_SHEET].iter_rows() for c in row
             if isinstance(c.value, str) and c.value.startswith("=SUM")]
    assert cells and all(c.data_type == "s" for c in cells)


def test_identity_in_hidden_sheet_and_properties(mini_templates: dict[str, Path],
                                                 mini_catalog: Catalog) -> None:
    path = mini_templates["市社協"]
    wb = openpyxl.load_workbook(path)
    meta = wb[META_SHEET]
    assert meta.sheet_state == "veryHidden"
    ident = {r[0].value: r[1].value for r in meta.iter_rows(max_row=7)}
    assert ident["format_version"] == FORMAT_VERSION
    assert ident["plan_id"] == "mini-plan"
    assert ident["catalog_hash"] == mini_catalog.content_hash
    assert ident["fiscal_year"] == "2022"
    assert ident["unit"] == "市社協"
    assert ident["tool_version"] and ident["generated_at"]
    props = {p.name: p.value for p in wb.custom_doc_props.props}
    for key, value in ident.items():
        assert props[f"consolidator.{key}"] == value


def test_print_setup(mini_templates: dict[str, Path]) -> None:
    wb = openpyxl.load_workbook(mini_templates["市社協"])
    for name in ("記入要領", TEXT_SHEET, INDICATOR_SHEET):
        ws = wb[name]
        assert ws.page_setup.orientation == "landscape"
        assert int(ws.page_setup.paperSize) == 9  # A4
        assert ws.page_setup.fitToWidth == 1
        assert "市社協" in ws.oddFooter.left.text
    assert wb[TEXT_SHEET].freeze_panes == "A4"
    assert wb[TEXT_SHEET].print_title_rows == "$3:$3"


def test_generate_cli_only_and_year(tmp_path: Path) -> None:
    out = tmp_path / "tpl"
    result = CliRunner().invoke(main, ["generate", "--plan", str(MINI_PLAN),
                                       "--year", "令和5", "--only", "高齢福祉課",
                                       "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert [p.name for p in out.iterdir()] == [template_filename("高齢福祉課", 2023)]
    bad = CliRunner().invoke(main, ["generate", "--plan", str(MINI_PLAN),
                                    "--only", "存在しない課", "--out", str(out)])
    assert bad.exit_code == 2 and "存在しない課" in bad.output


@pytest.mark.parametrize("text,year", [("2022", 2022), ("令和4", 2022), ("令和4年度", 2022),
                                       ("R5", 2023), ("令和元年度", 2019), ("２０２１", 2021)],
                         ids=["western", "reiwa", "reiwa-nendo", "r", "gannen", "fullwidth"])
def test_parse_year(text: str, year: int, mini_catalog: Catalog) -> None:
    assert parse_year(text, mini_catalog) == year


def test_templates_are_written_atomically_and_valid_zip(tmp_path: Path,
                                                        mini_catalog: Catalog) -> None:
    paths = generate_templates(mini_catalog, 2022, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in paths)
    for p in paths:
        with zipfile.ZipFile(p) as zf:
            assert zf.testzip() is None


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_the_cover_speaks_to_its_reader(tmp_path: Path, mini_catalog: Catalog, fmt: str
                                        ) -> None:
    """Issue 24: only 市社協, whose fields are per category, is told about 【独自】【受託】【補助】;
    a 課 reads the same cover without that point."""
    made = by_department(generate_templates(mini_catalog, 2022, tmp_path, fmt=fmt))
    assert len(made) == 3
    for department, path in made.items():
        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("記入要領")
        cover = "\n".join(str(row[0]) for row in sheet.to_python())
        assert cover.startswith(f"{department} ") and "4. 実績値がない場合は" in cover
        assert ("【独自】【受託】【補助】" in cover) == (department == "市社協"), department
        assert ("5. " in cover) == (department == "市社協"), department


def test_the_format_version_is_said_in_words() -> None:
    """What a reader sees of a returned file's format version (提出状況, the desk): 最新 or
    以前の様式, not the internal number (which stays in _meta and the properties)."""
    from consolidator.templates.model import READABLE_FORMATS, format_words

    assert format_words(FORMAT_VERSION) == "最新"
    assert {format_words(v) for v in READABLE_FORMATS if v != FORMAT_VERSION} == {"以前の様式"}
    assert format_words("") == ""
