"""Issue 5: consolidation and the master report, through real files end to end."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from consolidator.cell_text import FORMULA_PREFIXES
from consolidator.cli import main
from consolidator.jobs.runs import master_path, run_consolidate
from consolidator.plan.catalog import COUNCIL, Catalog
from consolidator.plan.conformance import plan_findings
from consolidator.report.master_writer import INDICATOR_HEADER, MISSING_HEADER, actual_text
from consolidator.templates.generate import generate_templates
from consolidator.templates.model import IND_COL
from helpers.filling import complete_values, submit_all
from helpers.master import (
    all_texts,
    cell_values,
    csv_cells,
    formula_or_link_cells,
    report_texts,
    sheet_rows,
)
from helpers.published import shared_seed_report


@pytest.fixture(scope="module")
def seed_round_trip(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The seed's values typed into the 令和3 templates of a catalog stripped of every 令和3
    text and value, and consolidated (:func:`helpers.published.make_seed_report`, shared with
    the published report's tests): what the master holds of the seed came from the files.
    ``catalog``: the default catalog, the seed's values in it (what to expect)."""
    seed = shared_seed_report(tmp_path_factory)
    return {"catalog": seed["original"], "job": seed["consolidated"], "root": seed["root"]}


def test_seed_round_trip_every_value_in_indicator_list(seed_round_trip: dict[str, Any]) -> None:
    catalog, job = seed_round_trip["catalog"], seed_round_trip["job"]
    rows = sheet_rows(job.master, "指標一覧")
    assert rows[0] == list(INDICATOR_HEADER)
    by_id = {r[4]: dict(zip(INDICATOR_HEADER, r, strict=True)) for r in rows[1:]}
    assert set(by_id) == {m.id for m in catalog.measures}
    checked = 0
    for m in catalog.measures:
        actual = m.previous_actual()
        row = by_id[m.id]
        if actual and actual["value"] is not None:
            assert row["実績値"] == actual["value"], m.id
            assert row["判定"] != "未報告"
            assert row["出典"] and "活動指標!I" in row["出典"]
            checked += 1
        else:
            assert row["実績値"] is None and row["判定"] == "未報告", m.id
    assert checked == 75


def test_seed_round_trip_every_text_in_report_sheets(seed_round_trip: dict[str, Any]) -> None:
    catalog, job = seed_round_trip["catalog"], seed_round_trip["job"]
    texts = report_texts(job.master)
    joined = "\n".join(texts)
    missing, seed_texts = [], 0
    for ini in catalog.initiatives:
        for section in ("status", "plans"):
            for r in ini.previous[section]:
                if r["text"]:
                    seed_texts += 1
                    if r["text"] not in joined:
                        missing.append((ini.id, section, r["departments"], r["text"][:30]))
    assert missing == []
    assert seed_texts > 0
    shown = 0
    for m in job.consolidated.measures:
        if m.value is not None:
            assert any("・" + actual_text(m) in t for t in texts), m.measure.id
            shown += 1
    assert shown == 75  # every measure with a value in the seed
    # the report writes values the way the seed does
    assert any("・推進協議会への社会福祉法人の加入率 57.5%" in t for t in texts)
    assert any("・地域子育て支援施設利用者数 54,604人" in t for t in texts)
    assert any("・活動資金を調達するための講座 0回" in t for t in texts)


def test_seed_round_trip_missing_list_is_exactly_the_seeds_gaps(
        seed_round_trip: dict[str, Any]) -> None:
    catalog, job = seed_round_trip["catalog"], seed_round_trip["job"]
    rows = sheet_rows(job.master, "未入力一覧")
    assert rows[0] == list(MISSING_HEADER)
    listed = {r[3] for r in rows[1:]}
    no_value = {m.id for m in catalog.measures
                if not m.previous_actual() or m.previous_actual()["value"] is None}
    assert listed == no_value
    reasons = {r[3]: r[5] for r in rows[1:]}
    assert reasons["1-3-1-s2"] == "実績なし"
    status = sheet_rows(job.master, "提出状況")
    assert [r[1] for r in status[1:]] == ["済"] * 17
    assert {r[4] for r in status[1:]} == {"最新"}  # the template of this year, in words


def test_master_sheets_and_headers(seed_round_trip: dict[str, Any]) -> None:
    job = seed_round_trip["job"]
    wb = openpyxl.load_workbook(job.master)
    assert wb.sheetnames == ["概要", "基本目標1", "基本目標2", "基本目標3", "指標一覧", "推移",
                             "未入力一覧", "提出状況", "検証ログ"]
    assert [c.value for c in wb["提出状況"][1]] == [
        "担当", "提出", "使用ファイル", "不使用ファイル", "様式", "エラー", "警告",
        "承認済み", "版数", "以前の版"]
    assert [c.value for c in wb["検証ログ"][1]][:3] == ["重大度", "コード", "担当"]
    assert wb["概要"]._charts, "the overview has a native chart"
    ws = wb["基本目標1"]
    assert ws.page_setup.orientation == "landscape"
    assert len(ws.row_breaks.brk) == 8  # 9 initiatives in 基本目標1, a page each


def test_16_of_17_returned_with_3_missing_values(tmp_path: Path,
                                                 default_templates: dict[str, Path],
                                                 default_catalog: Catalog) -> None:
    blanks = {COUNCIL: ["1-1-1-s1.value", "2-2-2-s2a.value"],
              "高齢福祉課": ["2-3-2-c1.value"]}
    skip = "中央図書館"
    owned_by_skipped = {m.id for m in default_catalog.measures_owned_by(skip)}
    submit_all(default_templates, tmp_path / "s", skip=[skip],
               overrides={d: dict.fromkeys(fields, None) for d, fields in blanks.items()})
    job = run_consolidate(tmp_path / "s", default_catalog, 2022, tmp_path / "out")
    status = sheet_rows(job.master, "提出状況")[1:]
    assert [r[0] for r in status if r[1] == "未提出"] == [skip]
    (silent,) = [r for r in status if r[0] == skip]
    assert silent[5] == 0  # エラー: said by 未提出, not counted as an error as well (issue 24)
    assert any(f.code == "unit-missing" and f.department == skip for f in job.validation.findings)
    assert [r[0] for r in status if r[1] == "済"] == [u for u in default_catalog.department_names
                                                     if u != skip]
    missing = sheet_rows(job.master, "未入力一覧")[1:]
    assert {(r[0], r[3], r[6]) for r in missing} == {
        (COUNCIL, "1-1-1-s1", "value-missing"), (COUNCIL, "2-2-2-s2a", "value-missing"),
        ("高齢福祉課", "2-3-2-c1", "value-missing")} | {
        (skip, m, "unit-missing") for m in owned_by_skipped}
    header, *rows = sheet_rows(job.master, "指標一覧")
    ind = {r[4]: r for r in rows}
    judged = header.index("判定")
    assert ind["1-1-1-s1"][judged] == "未報告" and ind["1-1-2-s1"][judged] != "未報告"
    report = report_texts(job.master)
    assert any("地域ニーズに対するボランティア養成講座 未報告" in t for t in report)


def test_consolidate_twice_same_values_previous_master_kept(tmp_path: Path,
                                                            mini_templates: dict[str, Path],
                                                            mini_catalog: Catalog) -> None:
    folder = tmp_path / "s"
    submit_all(mini_templates, folder)
    out = tmp_path / "out"
    first = run_consolidate(folder, mini_catalog, 2022, out)
    values_1 = cell_values(first.master)  # type: ignore[arg-type]
    second = run_consolidate(folder, mini_catalog, 2022, out)
    assert cell_values(second.master) == values_1  # type: ignore[arg-type]
    assert first.kept is None and second.kept is None  # the same master: nothing to keep
    assert second.master == master_path(out, 2022)
    next(folder.iterdir()).unlink()  # one department fewer: a different master
    third = run_consolidate(folder, mini_catalog, 2022, out)
    assert third.kept is not None and cell_values(third.kept) == values_1
    assert cell_values(third.master) != values_1  # type: ignore[arg-type]


TEXT_RISKY = ("=1+1", "+81 3 1234", "-5人", "@SUM(A1)", '=HYPERLINK("http://x")',
              "http://example.com")
# rejected values and an invalid reason: the validation log quotes what was typed
LOGGED_RISKY = {"高齢福祉課": {"1-1-1-c1.value": "=1+1"},
                "地域福祉課": {"2-1-1-c1.value": "+cmd|' /C calc'!A0"},
                COUNCIL: {"1-1-1-s1.value": None, "1-1-1-s1.reason": "@SUM(A1)"}}


def test_department_text_is_never_a_formula(tmp_path: Path, mini_templates: dict[str, Path],
                                            mini_catalog: Catalog) -> None:
    def values(department: str, template: Path) -> dict[str, Any]:
        typed = complete_values(template)
        texts = [fid for fid in typed if fid.endswith((".status", ".plan", ".dokuji"))]
        typed.update(zip(texts, TEXT_RISKY, strict=False))
        return typed

    submit_all(mini_templates, tmp_path / "s", LOGGED_RISKY, values=values)
    job = run_consolidate(tmp_path / "s", mini_catalog, 2022, tmp_path / "out")
    assert job.master is not None
    assert formula_or_link_cells(job.master) == []
    assert formula_or_link_cells(job.logs["xlsx"]) == []
    assert set(TEXT_RISKY) <= set(all_texts(job.master))  # as text, exactly as typed

    header, *rows = csv_cells(tmp_path / "out" / "validation_log.csv")
    typed = header.index("入力値")
    for row in rows:
        assert not [cell for cell in row if cell.startswith(FORMULA_PREFIXES)], row
    logged = {row[typed] for row in rows}
    for department_values in LOGGED_RISKY.values():
        for risky in filter(None, department_values.values()):
            assert "'" + risky in logged, risky


@pytest.mark.slow  # whole-job run: in the full suite, not the fast loop
def test_consolidate_cli_and_demo(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["demo", "--out", str(tmp_path / "demo")])
    assert result.exit_code == 0, result.output
    master = tmp_path / "demo" / "output" / "master_2022.xlsx"
    assert str(master) in result.output
    assert "全角数字" in result.output and "中央図書館" in result.output
    log = sheet_rows(tmp_path / "demo" / "output" / "validation_log.xlsx", "検証ログ")
    codes = {r[1] for r in log[1:]}
    assert {"value-normalised", "value-missing", "unit-missing"} <= codes
    again = CliRunner().invoke(main, ["consolidate", str(tmp_path / "demo" / "submissions"),
                                      "--out", str(tmp_path / "demo" / "output")])
    assert again.exit_code == 1  # the demo's deliberate mistakes are errors
    assert "master_2022.xlsx" in again.output
    shutil.rmtree(tmp_path / "demo")


def test_next_years_catalog_carries_this_years_results(seed_round_trip: dict[str, Any],
                                                        tmp_path: Path) -> None:
    """The cycle closes: consolidating the seed's year gives a catalog whose previous report
    is what was consolidated, and next year's templates show it."""
    catalog, job = seed_round_trip["catalog"], seed_round_trip["job"]
    assert job.next_plan is not None and job.next_plan.name == "plan_2022.json"
    nxt = Catalog.from_path(job.next_plan)
    assert plan_findings(nxt.doc).errors == []
    assert nxt.report_year == 2022 and nxt.plan["previous_report"]["year"] == 2021
    carried = 0
    for m in catalog.measures:
        before, after = m.previous_actual(), nxt.measure_by_id[m.id].previous_actual()
        if before and before["value"] is not None:
            assert after is not None and after["value"] == before["value"], m.id
            carried += 1
    assert carried == 75  # every measure with a value in the seed
    t = generate_templates(nxt, 2022, tmp_path, only=["市社協"])[0]
    wb = openpyxl.load_workbook(t)
    last_year = IND_COL["actual-1"] - 1
    shown = {r[0].value: r[last_year].value for r in wb["活動指標"].iter_rows(min_row=4)}
    assert shown["1-3-2-s1"] == "57.5%"
    assert shown["1-1-3-s1"] == "0回"
