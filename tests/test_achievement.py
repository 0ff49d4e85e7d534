"""The achievement rule of 指標一覧 (達成率, 判定), lower-is-better targets (以下/未満) included.

Rule (consolidator.report.merge): no value is 未報告 (with or without a numeric target); a
value without a numeric target (or with a target of 0) is 評価対象外; otherwise
達成率 = 実績値 ÷ 目標値 and 達成 when 実績値 ≥ 目標値 — except for targets qualified
以下 / 未満 (lower is better): 達成率 = 目標値 ÷ 実績値, 達成 when 実績値 ≤ 目標値 (以下) or
< 目標値 (未満); a value of 0 has no 達成率 and is 達成.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from consolidator.japanese_values import AT_MOST, BELOW
from consolidator.jobs.runs import run_consolidate
from consolidator.messages.outputs import JUDGEMENT_TEXT
from consolidator.plan.catalog import Catalog, MeasureView
from consolidator.plan.conformance import plan_findings
from consolidator.report.merge import (
    ACHIEVED,
    NOT_ACHIEVED,
    NOT_EVALUATED,
    NOT_REPORTED,
    MeasureResult,
)
from consolidator.templates.generate import generate_templates
from helpers.filling import by_department, submit_all
from helpers.findings import YEAR
from helpers.master import table
from helpers.paths import MINI_PLAN

MEASURE = "1-1-1-c1"  # 高齢福祉課: 介護予防・生活支援サポーター登録者数 H32(2020) 250人


def _measures(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """measure id → the measure's dict inside ``doc`` (to change it in place)."""
    return {m["id"]: m for goal in doc["goals"] for activity in goal["activities"]
            for initiative in activity["initiatives"] for indicator in initiative["indicators"]
            for m in indicator["measures"]}


def measure_view(target: Any, qualifier: str | None) -> MeasureView:
    """The mini plan's MEASURE with ``target`` and ``qualifier``, in a copy of the plan."""
    doc = copy.deepcopy(Catalog.from_path(MINI_PLAN).doc)
    m = _measures(doc)[MEASURE]
    m["value"], m["qualifier"] = target, qualifier
    return Catalog(doc).measure_by_id[MEASURE]


@pytest.mark.parametrize(("qualifier", "target", "value", "achievement", "judgement"), [
    # 以下: lower is better, the target itself is achieved
    pytest.param(AT_MOST, 250, 250, 1.0, ACHIEVED, id="at-most-equal"),
    pytest.param(AT_MOST, 250, 200, 1.25, ACHIEVED, id="at-most-below"),
    pytest.param(AT_MOST, 250, 300, 250 / 300, NOT_ACHIEVED, id="at-most-above"),
    pytest.param(AT_MOST, 250, 0, None, ACHIEVED, id="at-most-zero"),
    pytest.param(AT_MOST, 2.5, 2, 1.25, ACHIEVED, id="at-most-decimal"),
    # 未満: lower is better, the target itself is not achieved
    pytest.param(BELOW, 250, 250, 1.0, NOT_ACHIEVED, id="below-equal"),
    pytest.param(BELOW, 250, 249, 250 / 249, ACHIEVED, id="below-below"),
    pytest.param(BELOW, 250, 300, 250 / 300, NOT_ACHIEVED, id="below-above"),
    pytest.param(BELOW, 250, 0, None, ACHIEVED, id="below-zero"),
    # 以上 or no qualifier: higher is better
    pytest.param("以上", 250, 250, 1.0, ACHIEVED, id="at-least-equal"),
    pytest.param("以上", 250, 249, 249 / 250, NOT_ACHIEVED, id="at-least-below"),
    pytest.param(None, 250, 300, 1.2, ACHIEVED, id="none-above"),
    pytest.param(None, 250, 250, 1.0, ACHIEVED, id="none-equal"),
    pytest.param(None, 250, 200, 0.8, NOT_ACHIEVED, id="none-below"),
    pytest.param(None, 250, 0, 0.0, NOT_ACHIEVED, id="none-zero"),
    pytest.param(None, 35, 57.5, 57.5 / 35, ACHIEVED, id="none-decimal-value"),
])
def test_achievement_and_judgement(qualifier: str | None, target: float, value: float,
                                   achievement: float | None, judgement: str) -> None:
    result = MeasureResult(measure_view(target, qualifier), value=value)
    assert result.target == target
    assert result.achievement == (None if achievement is None else pytest.approx(achievement))
    assert result.judgement == judgement


@pytest.mark.parametrize("qualifier", [AT_MOST, BELOW, "以上", None])
@pytest.mark.parametrize("target", [0, None], ids=["target-0", "no-target"])
@pytest.mark.parametrize("value", [0, 3], ids=["value-0", "value-3"])
def test_without_a_target_nothing_is_evaluated(qualifier: str | None, target: int | None,
                                               value: int) -> None:
    result = MeasureResult(measure_view(target, qualifier), value=value)
    assert (result.achievement, result.judgement) == (None, NOT_EVALUATED)


@pytest.mark.parametrize("qualifier", [AT_MOST, BELOW, "以上", None])
@pytest.mark.parametrize("target", [0, None], ids=["target-0", "no-target"])
@pytest.mark.parametrize("reason", [None, "集計中"], ids=["blank", "with-reason"])
def test_a_missing_value_is_never_hidden(qualifier: str | None, target: int | None,
                                         reason: str | None) -> None:
    """Without a value a measure is 未報告 even when it has no numeric target (it used to
    show 評価対象外, and a manager scanning for 未報告 missed it)."""
    result = MeasureResult(measure_view(target, qualifier), reason=reason)
    assert (result.achievement, result.judgement) == (None, NOT_REPORTED)


@pytest.mark.parametrize("qualifier", [AT_MOST, BELOW, "以上", None])
def test_without_a_value_it_is_not_reported(qualifier: str | None) -> None:
    result = MeasureResult(measure_view(250, qualifier), reason="集計中")
    assert (result.achievement, result.judgement) == (None, NOT_REPORTED)


# ---- through the whole job ------------------------------------------------------------------

# measure id → (qualifier, target text, value typed, 達成率, 判定)
END_TO_END = {
    "1-1-1-c1": (AT_MOST, "H32(2020) 250人以下", 200, 1.25, ACHIEVED),
    "2-1-1-c1": (BELOW, "H32(2020) 35%未満", 35, 1.0, NOT_ACHIEVED),
    "1-1-2-s1a": (AT_MOST, "年2回以下", 4, 0.5, NOT_ACHIEVED),
    "1-1-1-s1": (None, "H30(2018)～ 年2地区", 3, 1.5, ACHIEVED),  # as in the plan
}


@pytest.fixture(scope="module")
def lower_is_better(tmp_path_factory: pytest.TempPathFactory) -> tuple[Catalog, Path]:
    """A copy of the mini plan with three measures qualified 以下/未満 (their target texts
    saying so), consolidated from complete submissions with the values of END_TO_END."""
    doc = copy.deepcopy(Catalog.from_path(MINI_PLAN).doc)
    measures = _measures(doc)
    for measure_id, (qualifier, text, _value, _rate, _judgement) in END_TO_END.items():
        measures[measure_id]["qualifier"] = qualifier
        measures[measure_id]["text"] = text
    indicators = {i["id"]: i for goal in doc["goals"] for a in goal["activities"]
                  for ini in a["initiatives"] for i in ini["indicators"]}
    indicators["1-1-1-c1"]["target"]["text"] = "H32(2020) 250人以下"
    indicators["2-1-1-c1"]["target"]["text"] = "H32(2020) 35%未満"
    indicators["1-1-2-s1"]["target"]["text"] = "年2回以下 交流会 年1回"
    assert plan_findings(doc).errors == []
    catalog = Catalog(doc)
    root = tmp_path_factory.mktemp("lower_is_better")
    templates = by_department(generate_templates(catalog, YEAR, root / "templates"))
    typed: dict[str, dict[str, Any]] = {}  # department → field id → value
    for measure_id, (*_, value, _rate, _judgement) in END_TO_END.items():
        owner = catalog.measure_by_id[measure_id].owner
        typed.setdefault(owner, {})[f"{measure_id}.value"] = value
    submit_all(templates, root / "submissions", typed)
    job = run_consolidate(root / "submissions", catalog, YEAR, root / "out")
    assert job.master is not None and job.validation.findings.errors == []
    return catalog, job.master


@pytest.mark.parametrize("measure_id", sorted(END_TO_END))
def test_the_master_judges_as_the_rule_says(lower_is_better: tuple[Catalog, Path],
                                            measure_id: str) -> None:
    catalog, master = lower_is_better
    qualifier, text, value, rate, judgement = END_TO_END[measure_id]
    (row,) = [r for r in table(master, "指標一覧") if r["指標ID"] == measure_id]
    assert catalog.measure_by_id[measure_id].data["qualifier"] == qualifier
    assert (row["目標"], row["実績値"]) == (text, value)
    assert row["達成率"] == pytest.approx(rate)
    assert row["判定"] == JUDGEMENT_TEXT[judgement]
    assert row["判定"] in ("達成", "未達成")  # Japanese in the workbook
