"""Issue 13: 増減の理由 — the explanation asked for where the value is typed.

A value far from last year's actual (or, without one, from the target) colours its 増減の理由
cell; explained there, it is information carried into the master and next year's catalog,
not an open warning; unexplained, it stays a warning that asks for the explanation in that
cell. Real templates, filled as a department would (openpyxl here; LibreOffice Calc in
tests/test_change_explained_calc.py).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from consolidator.cli import main
from consolidator.findings import INFO, WARNING
from consolidator.jobs.runs import JobResult, run_consolidate
from consolidator.messages import TEMPLATE_TEXT, fill
from consolidator.plan.catalog import Catalog
from consolidator.plan.change_rule import ChangeRule, change_rule
from consolidator.templates.generate import generate_templates
from consolidator.templates.model import EXPLANATION_LIMIT, FORMAT_VERSION, INDICATOR_SHEET
from helpers.cells import row_col
from helpers.filling import (
    Submitted,
    by_department,
    complete_values,
    fields_of,
    fill_workbook,
    realistic_values,
    submit_all,
)
from helpers.findings import validate
from helpers.master import report_texts, table
from helpers.paths import FORMAT2_TEMPLATE, MINI_PLAN

YEAR = 2022
# Three departments type ten times last year's value of one measure each; two explain it.
FAR = {"高齢福祉課": "1-1-1-c1", "地域福祉課": "1-1-2-c1", "社会教育課": "1-2-1-c1"}
EXPLAINED = {"高齢福祉課": "養成講座を3か所から12か所に増やし、登録者が大きく増えたため",
             "社会教育課": "オンライン申込を始め、件数の数え方を「延べ」に統一したため"}
UNEXPLAINED = "地域福祉課"


def far_off(catalog: Catalog) -> dict[str, dict[str, Any]]:
    """department → what it types besides a plausible filling: ten times last year's value,
    and for two of them the explanation."""
    out: dict[str, dict[str, Any]] = {}
    for department, mid in FAR.items():
        before = change_rule(catalog.measure_by_id[mid], YEAR).previous
        assert before, mid
        out[department] = {f"{mid}.value": before * 10}
        if department in EXPLAINED:
            out[department][f"{mid}.explanation"] = EXPLAINED[department]
    return out


def submit_year(templates: dict[str, Path], folder: Path, catalog: Catalog) -> Submitted:
    return submit_all(templates, folder, overrides=far_off(catalog),
                      values=lambda d, t: realistic_values(t, catalog, YEAR))


def check_the_year(job: JobResult, templates: dict[str, Path], catalog: Catalog) -> None:
    """The acceptance, whoever filled the workbooks: two value-change-explained with their
    explanations (log, 指標一覧, report sheet, next year's catalog), one open warning at the
    value cell of the department that did not explain, asking for the explanation there."""
    findings = list(job.validation.findings)
    explained = [f for f in findings if f.code == "value-change-explained"]
    assert sorted((f.department, f.field_id, f.severity) for f in explained) == sorted(
        (d, f"{FAR[d]}.value", INFO) for d in EXPLAINED)
    for f in explained:
        assert EXPLAINED[f.department or ""] in f.message, f.message
        assert f.message.startswith("値の増減・説明あり")
    open_warnings = [f for f in findings if f.severity == WARNING and f.accepted is None]
    assert [(f.code, f.department, f.sheet, f.cell) for f in open_warnings] == [
        ("value-tenfold", UNEXPLAINED, INDICATOR_SHEET,
         fields_of(templates[UNEXPLAINED])[f"{FAR[UNEXPLAINED]}.value"]["cell"])]
    ask = fields_of(templates[UNEXPLAINED])[f"{FAR[UNEXPLAINED]}.explanation"]["cell"]
    assert f"{INDICATOR_SHEET}!{ask}(増減の理由)" in open_warnings[0].action
    assert job.validation.findings.count(WARNING) == 1  # explained is not open

    log = [json.loads(line) for line in (job.logs["jsonl"]).read_text("utf-8").splitlines()]
    assert sorted(r["department"] for r in log if r["code"] == "value-change-explained") == \
        sorted(EXPLAINED)
    assert all(EXPLAINED[r["department"]] in r["message"] for r in log
               if r["code"] == "value-change-explained")

    assert job.master is not None
    rows = {r["指標ID"]: r for r in table(job.master, "指標一覧")}
    for department, mid in FAR.items():
        assert rows[mid]["増減の理由"] == EXPLAINED.get(department), mid
    texts = report_texts(job.master)
    for department, text in EXPLAINED.items():
        assert any(f"(増減の理由:{text})" in t for t in texts), department
    assert not any("増減の理由" in t and UNEXPLAINED in t for t in texts)

    assert job.next_plan is not None
    following = Catalog.from_path(job.next_plan)
    for department, mid in FAR.items():
        entry = following.measure_by_id[mid].actual_of(YEAR)
        assert entry is not None and entry.get("explanation") == EXPLAINED.get(department)


# ---- the template --------------------------------------------------------------------------

def test_fields_lists_the_explanation_beside_each_value(default_templates: dict[str, Path]
                                                        ) -> None:
    template = default_templates["高齢福祉課"]
    result = CliRunner().invoke(main, ["fields", str(template), "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    values = {r["field_id"].rsplit(".", 1)[0]: r for r in rows if r["role"] == "value"}
    explanations = {r["field_id"].rsplit(".", 1)[0]: r for r in rows
                    if r["role"] == "explanation"}
    assert explanations.keys() == values.keys() and values
    for mid, row in explanations.items():
        (vrow, vcol), (erow, ecol) = row_col(values[mid]["cell"]), row_col(row["cell"])
        assert (row["sheet"], erow, ecol, row["kind"]) == (INDICATOR_SHEET, vrow, vcol + 1,
                                                           "text")
        assert row["label"].endswith("増減の理由")


def test_the_template_colours_the_explanation_not_a_cell_formula(
        default_templates: dict[str, Path], default_catalog: Catalog) -> None:
    """Format 3: each explanation cell with a reference to compare with carries two
    conditional formats (not explained: orange; explained: green) whose condition holds the
    rule's numbers; its input message says what to write; no input cell holds a formula."""
    template = default_templates["高齢福祉課"]
    wb = openpyxl.load_workbook(template)
    assert wb["_meta"]["B1"].value == FORMAT_VERSION == "3"
    ws = wb[INDICATOR_SHEET]
    fields = fields_of(template)
    rules = {str(cf.sqref): [(r.formula[0], r.dxf.fill.fgColor.rgb) for r in cf.rules]
             for cf in ws.conditional_formatting}
    for fid, row in fields.items():
        if row["role"] != "explanation":
            continue
        rule = change_rule(default_catalog.measure_by_id[fid.rsplit(".", 1)[0]], YEAR)
        value = fields[fid.replace("explanation", "value")]["cell"]
        (needed, orange), (given, green) = rules[row["cell"]]
        assert (orange, green) == ("00F8CBAD", "00C6EFCE")
        assert needed.startswith(f"AND(ISNUMBER(${value[0]}{value[1:]})")
        assert f"LEN(TRIM(${row['cell'][0]}{row['cell'][1:]}))=0" in needed
        assert needed.replace(")=0)", ")>0)") == given
        assert rule.previous is not None and f">={int(rule.previous * 10)}" in needed
    prompts = {str(dv.sqref): dv.prompt for dv in ws.data_validations.dataValidation}
    explanation_cells = {r["cell"] for r in fields.values() if r["role"] == "explanation"}
    shown = [p for ref, p in prompts.items() if set(ref.split()) == explanation_cells]
    assert shown == [fill(TEMPLATE_TEXT["explanation-prompt"], limit=EXPLANATION_LIMIT)]
    inputs = [ws[r["cell"]] for r in fields.values() if r["sheet"] == INDICATOR_SHEET]
    assert [c.coordinate for c in inputs if c.value is not None or c.data_type == "f"] == []


def test_a_measures_own_threshold_is_the_templates_and_the_checks(tmp_path: Path) -> None:
    """増減確認の倍率 2 for one measure: its colour's condition and the validation use 2."""
    doc = Catalog.from_path(MINI_PLAN).doc
    measure = doc["goals"][0]["activities"][0]["initiatives"][0]["indicators"][1]["measures"][0]
    assert measure["id"] == "1-1-1-c1"  # last year 111
    measure["change_factor"] = 2
    catalog = Catalog(doc)
    templates = by_department(generate_templates(catalog, YEAR, tmp_path / "t"))
    ws = openpyxl.load_workbook(templates["高齢福祉課"])[INDICATOR_SHEET]
    formulas = [r.formula[0] for cf in ws.conditional_formatting for r in cf.rules]
    assert formulas and all("$I4>=222," in f and "$I4*2<=111" in f for f in formulas)
    folder = tmp_path / "s"
    submit_all({"高齢福祉課": templates["高齢福祉課"]}, folder,
               overrides={"高齢福祉課": {"1-1-1-c1.value": 250}})
    result = validate(folder, catalog)
    (tenfold,) = [f for f in result.findings if f.code == "value-tenfold"]
    assert "2倍以上または2分の1以下" in tenfold.message


# ---- the rule ------------------------------------------------------------------------------

@pytest.mark.parametrize(("rule", "value", "far"), [
    (ChangeRule(10, previous=111), 1110, ("previous", 111)),
    (ChangeRule(10, previous=111), 1109, None),
    (ChangeRule(10, previous=111), 11.1, ("previous", 111)),
    (ChangeRule(10, previous=111), 11.2, None),
    (ChangeRule(10, previous=111), 0, None),  # the zero rule's
    (ChangeRule(10, previous=4, target=100), 5, None),  # last year's only, when there is one
    (ChangeRule(10, target=30), 3, ("target", 30)),
    (ChangeRule(10, target=30), 300, ("target", 30)),
    (ChangeRule(10, target=30, qualifier="以上"), 300, None),  # beyond a minimum: its aim
    (ChangeRule(10, target=30, qualifier="以上"), 3, ("target", 30)),
    (ChangeRule(10, target=30, qualifier="以下"), 3, None),
    (ChangeRule(10, target=30, qualifier="未満"), 300, ("target", 30)),
    (ChangeRule(2.5, previous=4), 10, ("previous", 4)),
    (ChangeRule(2.5, previous=4), 9.9, None),
], ids=["10x", "under-10x", "tenth", "over-tenth", "zero", "target-ignored", "target-tenth",
        "target-10x", "at-least-above", "at-least-below", "at-most-below", "below-above",
        "own-factor", "own-factor-under"])
def test_far_from(rule: ChangeRule, value: float, far: tuple[str, float] | None) -> None:
    assert rule.far_from(value) == far


def test_without_last_years_value_the_target_is_the_reference(
        tmp_path: Path, mini_templates: dict[str, Path], mini_catalog: Catalog) -> None:
    """1-1-2-s1b reported a reason last year (実績なし); its target is 年1回: 12 is far."""
    folder = tmp_path / "s"
    submit_all({"市社協": mini_templates["市社協"]}, folder,
               overrides={"市社協": {"1-1-2-s1b.value": 12}})
    result = validate(folder, mini_catalog)
    (far,) = [f for f in result.findings if f.code == "value-far-from-target"]
    assert far.field_id == "1-1-2-s1b.value" and "目標値(1回)" in far.message
    assert "(増減の理由)に増減の理由を書いてください" in far.action


# ---- the explanation is a text input like any other -----------------------------------------

def test_an_explanation_too_long_or_a_formula(tmp_path: Path, mini_templates: dict[str, Path],
                                              mini_catalog: Catalog) -> None:
    """Too long: the length error at its cell, and still an explanation. A formula (no
    cached result, as openpyxl writes it): the formula error, and no explanation."""
    folder = tmp_path / "s"
    long_text = "理由" * (EXPLANATION_LIMIT // 2 + 1)
    submit_all({d: mini_templates[d] for d in ("高齢福祉課", "地域福祉課")}, folder, overrides={
        "高齢福祉課": {"1-1-1-c1.value": 1110, "1-1-1-c1.explanation": long_text},
        "地域福祉課": {"2-1-1-c1.value": 4.2}})
    formula = tmp_path / "formula.xlsx"
    wb = openpyxl.load_workbook(folder / "地域福祉課_提出.xlsx")
    cell = fields_of(mini_templates["地域福祉課"])["2-1-1-c1.explanation"]["cell"]
    wb[INDICATOR_SHEET][cell] = '="前年度は"&"別の集計"'
    wb.save(formula)
    (folder / "地域福祉課_提出.xlsx").unlink()
    formula.rename(folder / "地域福祉課_提出.xlsx")
    result = validate(folder, mini_catalog)
    codes = sorted((f.code, f.department, f.cell) for f in result.findings)
    elder = fields_of(mini_templates["高齢福祉課"])
    assert codes == sorted([
        ("text-too-long", "高齢福祉課", elder["1-1-1-c1.explanation"]["cell"]),
        ("value-change-explained", "高齢福祉課", elder["1-1-1-c1.value"]["cell"]),
        ("formula-no-cache", "地域福祉課", cell),
        ("value-tenfold", "地域福祉課",
         fields_of(mini_templates["地域福祉課"])["2-1-1-c1.value"]["cell"]),
        ("unit-missing", "市社協", None)])
    entries = result.chosen["高齢福祉課"].entries
    assert entries["1-1-1-c1.explanation"].value == long_text


# ---- an older format -----------------------------------------------------------------------

def test_a_format_2_workbook_has_no_explanation_and_is_read(tmp_path: Path,
                                                            mini_catalog: Catalog) -> None:
    """市社協's template as the toolkit wrote it before 増減の理由 (format 2, the same
    catalog): read with no finding about the missing column and no older-catalog warning;
    a far-off value is a warning that asks to tell the secretariat why."""
    assert openpyxl.load_workbook(FORMAT2_TEMPLATE)["_meta"]["B1"].value == "2"
    assert not [fid for fid, r in fields_of(FORMAT2_TEMPLATE).items()
                if r["role"] == "explanation"]
    folder = tmp_path / "s"
    folder.mkdir()
    values = {**complete_values(FORMAT2_TEMPLATE, number=1), "1-1-1-s1.value": 10}
    fill_workbook(FORMAT2_TEMPLATE, folder / "old.xlsx", values)
    result = validate(folder, mini_catalog)
    mine = [f for f in result.findings if f.department == "市社協"]
    assert [(f.code, f.cell) for f in mine] == [("value-tenfold", "I4")]
    assert "事務局に知らせてください" in mine[0].action
    assert {k: e.value for k, e in result.chosen["市社協"].entries.items()} == values


# ---- the acceptance, filled with openpyxl ---------------------------------------------------

@pytest.mark.slow  # two consolidations of the 17 departments (~3 s)
def test_two_explained_one_open_warning(tmp_path: Path, default_templates: dict[str, Path],
                                        default_catalog: Catalog) -> None:
    submit_year(default_templates, tmp_path / "s", default_catalog)
    job = run_consolidate(tmp_path / "s", default_catalog, YEAR, tmp_path / "out")
    check_the_year(job, default_templates, default_catalog)
    # Next year's master, from the catalog this one wrote, says why 令和4年度 stood out.
    assert job.next_plan is not None
    (tmp_path / "next").mkdir()
    following = run_consolidate(tmp_path / "next", Catalog.from_path(job.next_plan), YEAR + 1,
                                tmp_path / "out_next")
    assert following.master is not None
    rows = {r["指標ID"]: r for r in table(following.master, "指標一覧")}
    for department, mid in FAR.items():
        said = EXPLAINED.get(department)
        assert rows[mid]["過去の増減の理由"] == (f"令和4年度:{said}" if said else None), mid
        assert rows[mid]["令和4年度実績"] == far_off(default_catalog)[department][f"{mid}.value"]
