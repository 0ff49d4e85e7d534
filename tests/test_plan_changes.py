"""Issue 14: the plan changes between years, and what was sent out before still reads.

- A department renamed (its old name kept as a former name), an indicator moved to another
  owner, an indicator added: the next templates reflect it, ``plan diff`` names it, and the
  workbooks made from the older catalog are matched field by field.
- A workbook of template format 1 (before 活動指標 showed three years) is read where its
  defined names point, not where the current layout would put the field.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from consolidator.cli import main
from consolidator.plan.catalog import Catalog
from consolidator.plan.conformance import plan_findings
from consolidator.templates.generate import generate_templates, template_filename
from consolidator.templates.model import FORMAT_VERSION, INDICATOR_SHEET
from helpers.filling import by_department, complete_values, fields_of, fill_workbook, submit_all
from helpers.findings import validate
from helpers.paths import FORMAT1_TEMPLATE, MINI_PLAN, MINI_PLAN_V2

OLD_NAME, NEW_NAME = "地域福祉課", "福祉総務課"
ELDER = "高齢福祉課"
MOVED = "1-1-1-c1"  # 高齢福祉課 → 福祉総務課
ADDED = "1-1-1-c2"  # a new indicator of 高齢福祉課


def changed_plan() -> dict[str, Any]:
    """The mini plan with 地域福祉課 renamed, 1-1-1-c1 moved to it, 1-1-1-c2 added."""
    doc = json.loads(MINI_PLAN.read_text("utf-8"))
    for d in doc["departments"]:
        if d["name"] == OLD_NAME:
            d["name"], d["aliases"] = NEW_NAME, [OLD_NAME]
    for goal in doc["goals"]:
        for activity in goal["activities"]:
            for ini in activity["initiatives"]:
                for r in ini["reporters"]:
                    if r["department"] == OLD_NAME:
                        r["department"] = NEW_NAME
                for ind in ini["indicators"]:
                    if ind["owner"] == OLD_NAME:
                        ind["owner"] = NEW_NAME
                    if ind["id"] == MOVED:
                        ind["owner"] = NEW_NAME
                if ini["id"] == "1-1-1":
                    added = copy.deepcopy(ini["indicators"][1])
                    added.update(id=ADDED, owner=ELDER, name="見守り訪問の回数",
                                 target={"text": "年3回"})
                    added["measures"] = [{
                        "id": ADDED, "label": None, "text": "年3回", "value": 3, "unit": "回",
                        "period": "年", "qualifier": None, "year": None, "year_role": None,
                        "percent": False}]
                    added.pop("departments", None)
                    ini["indicators"].append(added)
    return doc


@pytest.fixture(scope="module")
def changed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("changed") / "plan_changed.json"
    path.write_text(json.dumps(changed_plan(), ensure_ascii=False), "utf-8")
    return path


def test_the_changed_plan_is_valid(changed: Path) -> None:
    assert list(plan_findings(json.loads(changed.read_text("utf-8")))) == []


def test_next_templates_reflect_the_changes(changed: Path, tmp_path: Path) -> None:
    catalog = Catalog.from_path(changed)
    templates = by_department(generate_templates(catalog, 2022, tmp_path))
    assert sorted(templates) == sorted(["市社協", NEW_NAME, ELDER])
    new_fields, elder_fields = fields_of(templates[NEW_NAME]), fields_of(templates[ELDER])
    assert f"{MOVED}.value" in new_fields and f"{MOVED}.value" not in elder_fields
    assert f"{ADDED}.value" in elder_fields
    # the previous report named the department by its old name: its plans still show
    texts = [c.value for row in openpyxl.load_workbook(templates[NEW_NAME])["実施状況"].iter_rows()
             for c in row if c.value]
    assert "・災害ボランティア研修会の後援" in texts


def test_only_takes_a_former_name(changed: Path, tmp_path: Path) -> None:
    """``only`` names a department by its name now or a former one (the library and
    ``generate --only``, which says which name it used); a name the catalog does not know
    under either is still refused."""
    catalog = Catalog.from_path(changed)
    paths = generate_templates(catalog, 2022, tmp_path / "lib", only=[ELDER, OLD_NAME])
    assert [p.name for p in paths] == [template_filename(NEW_NAME, 2022),
                                       template_filename(ELDER, 2022)]
    with pytest.raises(KeyError):
        generate_templates(catalog, 2022, tmp_path / "lib", only=["存在しない課"])
    out = tmp_path / "cli"
    result = CliRunner().invoke(main, ["generate", "--plan", str(changed), "--only", OLD_NAME,
                                       "--only", NEW_NAME, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert [p.name for p in out.iterdir()] == [template_filename(NEW_NAME, 2022)]
    assert result.output.splitlines()[0] == (
        f"--only {OLD_NAME} は旧名称のため、現在の担当名「{NEW_NAME}」の様式を作りました。")
    assert fields_of(next(out.iterdir())) == fields_of(paths[0])
    bad = CliRunner().invoke(main, ["generate", "--plan", str(changed), "--only", "存在しない課",
                                    "--out", str(out)])
    assert bad.exit_code == 2 and "計画にない担当です:存在しない課" in bad.output


def test_plan_diff_names_the_three_changes(changed: Path) -> None:
    result = CliRunner().invoke(main, ["plan", "diff", str(MINI_PLAN), str(changed)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"担当の名称を変更:{OLD_NAME} → {NEW_NAME}(旧名称として「{OLD_NAME}」を保持)",
        f"指標を追加:{ADDED} 見守り訪問の回数",
        f"指標の担当を変更:{MOVED} {ELDER} → {NEW_NAME}",
    ]


def test_workbooks_of_the_older_catalog_are_matched_field_by_field(
        changed: Path, tmp_path: Path, mini_templates: dict[str, Path]) -> None:
    """The templates that went out before the change come back: 地域福祉課's file is
    福祉総務課's, the moved value in 高齢福祉課's file is reported and not used, the added
    indicator is reported as not in the file; everything that still exists is read."""
    typed = submit_all(mini_templates, tmp_path / "s")
    result = validate(tmp_path / "s", Catalog.from_path(changed))
    got = sorted((f.code, f.department, f.sheet, f.cell) for f in result.findings)
    elder_value = fields_of(mini_templates[ELDER])[f"{MOVED}.value"]["cell"]
    assert got == sorted([
        ("older-catalog", "市社協", None, None),
        ("older-catalog", NEW_NAME, None, None),
        ("older-catalog", ELDER, None, None),
        ("department-renamed", NEW_NAME, None, None),
        ("value-tenfold", NEW_NAME, INDICATOR_SHEET, "I4"),  # 3 after 42.1 (%): as before
        ("field-not-in-template", NEW_NAME, INDICATOR_SHEET, None),
        ("field-not-in-template", ELDER, INDICATOR_SHEET, None),
        ("field-retired", ELDER, INDICATOR_SHEET, elder_value),
    ])
    missing = {f.department: f.field_id for f in result.findings
               if f.code == "field-not-in-template"}
    assert missing == {NEW_NAME: f"{MOVED}.value", ELDER: f"{ADDED}.value"}
    assert set(result.chosen) == {"市社協", NEW_NAME, ELDER}
    renamed = result.chosen[NEW_NAME].entries
    assert {k: e.value for k, e in renamed.items()} == typed.typed[OLD_NAME]
    elder = {k: e.value for k, e in result.chosen[ELDER].entries.items()}
    assert elder == {k: v for k, v in typed.typed[ELDER].items() if not k.startswith(MOVED)}


def test_unknown_old_name_without_alias_is_refused(tmp_path: Path,
                                                   mini_templates: dict[str, Path]) -> None:
    doc = changed_plan()
    for d in doc["departments"]:
        d.pop("aliases", None)
    submit_all({OLD_NAME: mini_templates[OLD_NAME]}, tmp_path / "s")
    result = validate(tmp_path / "s", Catalog(doc))
    assert [(f.code, f.value) for f in result.findings if f.code == "unknown-unit"] == [
        ("unknown-unit", OLD_NAME)]


def test_an_alias_may_not_be_a_current_name() -> None:
    doc = changed_plan()
    doc["departments"][0]["aliases"] = [ELDER]
    assert [(f.code, f.path) for f in plan_findings(doc)] == [
        ("plan-alias-conflict", "$.departments[0].aliases[0]")]


# ---- template format 1 --------------------------------------------------------------------

def test_format_1_workbook_is_still_read(tmp_path: Path) -> None:
    """市社協's template as the toolkit wrote it before 活動指標 got its history columns
    (values in column G, not I): filled and returned, it is read where its names point."""
    assert openpyxl.load_workbook(FORMAT1_TEMPLATE)["_meta"]["B1"].value == "1" != FORMAT_VERSION
    folder = tmp_path / "s"
    folder.mkdir()
    values = complete_values(FORMAT1_TEMPLATE, number=4)
    fill_workbook(FORMAT1_TEMPLATE, folder / "old.xlsx", values)
    result = validate(folder, Catalog.from_path(MINI_PLAN_V2))
    codes = [(f.code, f.department) for f in result.findings if f.department == "市社協"]
    assert codes == [("older-catalog", "市社協")]  # made from the catalog before version 3
    entries = result.chosen["市社協"].entries
    assert {k: e.value for k, e in entries.items()} == values
    assert entries["1-1-1-s1.value"].cell == "G4"


def test_format_1_field_found_by_key_in_its_own_column(tmp_path: Path) -> None:
    """Without the defined names (a copy made by another tool), the fields are found by
    their row keys, in the column the workbook's own field list gives; rows that are where
    the template drew them are not reported as moved."""
    folder = tmp_path / "s"
    folder.mkdir()
    values = complete_values(FORMAT1_TEMPLATE, number=4)
    fill_workbook(FORMAT1_TEMPLATE, folder / "old.xlsx", values)
    wb = openpyxl.load_workbook(folder / "old.xlsx")
    for name in [n for n in wb.defined_names if n.startswith("F_")]:
        del wb.defined_names[name]
    wb.save(folder / "old.xlsx")
    result = validate(folder, Catalog.from_path(MINI_PLAN_V2))
    entries = result.chosen["市社協"].entries
    assert {k: e.value for k, e in entries.items()} == values
    assert entries["1-1-2-s1b.value"].cell == "G6"
    assert not [f for f in result.findings if f.code in ("field-missing", "value-outside-input")]
    assert {f.code for f in result.findings if f.department == "市社協"} == {"older-catalog"}


def test_a_shortened_field_list_does_not_hide_a_field(tmp_path: Path,
                                                      mini_templates: dict[str, Path],
                                                      mini_catalog: Catalog) -> None:
    """The field list in _meta only decides for a workbook of another catalog: with the
    current catalog, a field missing from a tampered list is still read where it is."""
    typed = submit_all({ELDER: mini_templates[ELDER]}, tmp_path / "s")
    path = typed[ELDER]
    wb = openpyxl.load_workbook(path)
    meta = wb["_meta"]
    row = next(r for r in range(1, meta.max_row + 1) if meta.cell(r, 1).value == f"{MOVED}.value")
    meta.delete_rows(row)
    wb.save(path)
    result = validate(tmp_path / "s", mini_catalog)
    assert [f.code for f in result.findings if f.department == ELDER] == [
        "value-tenfold"]  # 3 after 111: the value was read
    assert result.chosen[ELDER].entries[f"{MOVED}.value"].value == typed.typed[ELDER][
        f"{MOVED}.value"]
