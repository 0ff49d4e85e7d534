"""Each value rule (:mod:`consolidator.checks.rules`) on its own, through the template model of
the default plan's 市社協 and cells as a person fills them: every code a rule declares is
given by one of its cases here, and no case gives a code its rule does not declare."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from types import ModuleType
from typing import Any

import pytest

from consolidator.checks.rules import (
    cell_value,
    change,
    number,
    percent,
    reason,
    text,
    value_or_reason,
)
from consolidator.checks.value_rules import RULES, check_values
from consolidator.messages import MESSAGES, REASONS
from consolidator.plan.catalog import Catalog
from consolidator.reading.fields import FieldRead
from consolidator.templates.model import TemplateModel, build

CITY = "市社協"


@pytest.fixture(scope="module")
def model(default_catalog: Catalog) -> TemplateModel:
    return build(default_catalog, CITY, default_catalog.report_year)


@dataclass(frozen=True)
class Case:
    """One indicator (its measure id) or text field, what its cells hold, the code expected."""

    rule: ModuleType
    field_id: str
    raw: Any
    code: str | None  # None: no finding, the value accepted
    beside: dict[str, Any] = field(default_factory=dict)  # "reason"/"reason_text"/"explanation"
    formula: bool = False
    cached: bool = True
    percent_format: bool = False


def _read(model: TemplateModel, field_id: str, raw: Any, **cell: Any) -> FieldRead:
    f = next(f for f in model.fields if f.field_id == field_id)
    return FieldRead(f, f.sheet, f.row, f.col, raw, **cell)


def _run(model: TemplateModel, case: Case) -> tuple[dict[str, Any], list[str]]:
    reads = {case.field_id: _read(model, case.field_id, case.raw, formula=case.formula,
                                  cached=case.cached, percent_format=case.percent_format)}
    measure = case.field_id.rsplit(".", 1)[0]
    for role, raw in case.beside.items():
        reads[f"{measure}.{role}"] = _read(model, f"{measure}.{role}", raw)
    entries, findings = check_values(model, reads, "市社協.xlsx")
    return {k: e.value for k, e in entries.items()}, [f.code for f in findings]


TEXT = "1-1-1.status.dokuji"  # required, up to 2000 characters
PLAN = "1-1-1.plan.dokuji"
COUNT = "1-1-3-s1.value"  # 回; no value last year, target 1
LAST_YEAR = "1-1-1-s1.value"  # 地区; 1 last year
PERCENT = "1-3-2-s1.value"  # %; 57.5 last year, target 70

CASES = [
    Case(cell_value, COUNT, None, "formula-no-cache", formula=True, cached=False),
    Case(cell_value, COUNT, "#DIV/0!", "value-error-cell"),
    Case(cell_value, COUNT, 3, "formula-cached", formula=True),
    Case(text, TEXT, None, "status-empty"),
    Case(text, PLAN, "  ", "plan-empty"),
    Case(text, TEXT, "あ" * 2001, "text-too-long"),
    Case(text, TEXT, "見守り活動を実施した。", None),
    Case(reason, COUNT, None, "reason-invalid", beside={"reason": "わからない"}),
    Case(percent, PERCENT, 0.6, "value-normalised", percent_format=True),
    Case(percent, COUNT, 0.6, "value-unit-mismatch", percent_format=True),
    Case(percent, PERCENT, 0.575, "value-percent-format-lost"),
    Case(number, COUNT, date(2023, 4, 1), "value-not-number"),
    Case(number, COUNT, "たくさん", "value-not-number"),
    Case(number, COUNT, "3人", "value-unit-mismatch"),
    Case(number, COUNT, "約3", "value-approximate"),
    Case(number, COUNT, "2～3", "value-range"),
    Case(number, COUNT, "未実施", "value-reason-word"),
    Case(number, COUNT, -1, "value-negative"),
    Case(number, PERCENT, 120, "value-percent-over"),
    Case(number, COUNT, "３回", "value-normalised"),
    Case(number, COUNT, 3, None),
    Case(value_or_reason, COUNT, None, "value-missing"),
    Case(value_or_reason, COUNT, None, "reason-other-no-text", beside={"reason": REASONS["other"]}),
    Case(value_or_reason, COUNT, None, "value-reason-given",
         beside={"reason": REASONS["other"], "reason_text": "事業を休止したため"}),
    Case(value_or_reason, COUNT, 3, "value-and-reason", beside={"reason": REASONS["other"]}),
    Case(change, LAST_YEAR, 0, "value-zero-was-nonzero"),
    Case(change, LAST_YEAR, 10, "value-tenfold"),
    Case(change, COUNT, 50, "value-far-from-target"),
    Case(change, COUNT, 50, "value-change-explained", beside={"explanation": "新規の会場が増えた"}),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.rule.__name__.rsplit('.', 1)[1]}-"
                                                   f"{c.code}-{str(c.raw)[:8]}")
def test_each_rule_gives_its_code(model: TemplateModel, case: Case) -> None:
    entries, codes = _run(model, case)
    if case.code is None:
        assert codes == [] and entries[case.field_id] is not None
        return
    assert case.code in codes, codes
    assert case.code in case.rule.CODES
    if MESSAGES[case.code][0] == "error" and case.rule is not text:
        assert case.field_id not in entries  # never used, never turned into 0
    if case.code == "text-too-long":
        assert entries[case.field_id] == case.raw  # kept whole: the error says it is too long


def test_every_declared_code_is_shown_by_a_case_and_has_a_message() -> None:
    for rule in RULES:
        shown = {c.code for c in CASES if c.rule is rule}
        assert set(rule.CODES) <= shown, (rule.__name__, set(rule.CODES) - shown)
        assert set(rule.CODES) <= set(MESSAGES), rule.__name__


def test_the_rules_give_no_code_they_do_not_declare(model: TemplateModel) -> None:
    declared = {code for rule in RULES for code in rule.CODES}
    given = {code for case in CASES for code in _run(model, case)[1]}
    assert given <= declared, given - declared


def test_a_percent_cell_is_read_as_its_percentage(model: TemplateModel) -> None:
    entries, _codes = _run(model, Case(percent, PERCENT, 0.6, "value-normalised",
                                       percent_format=True))
    assert entries[PERCENT] == 60
