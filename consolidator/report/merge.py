"""Merging the accepted values of every chosen submission into the content of the master.

Achievement rule (指標一覧 達成率 / 判定):
- 未報告: no accepted value this year (a reason, if given, is shown in 未記入理由), whether
  or not the measure has a numeric target: a missing value is never hidden.
- 評価対象外: a value, but no numeric target (or a target of 0) to compare it with.
- otherwise 達成率 = 実績値 ÷ 目標値, and 判定 = 達成 when 達成率 ≥ 1. Targets qualified
  以下/未満 (lower is better) use 目標値 ÷ 実績値 and 達成 when 実績値 ≤ 目標値 (< for 未満).
  Yearly targets (年2回, 毎年8校, 隔年1回) are compared with this year's value. Targets with a
  year (H32(2020) 250人, 累計) are levels or running totals: the value reported this year is
  the current level, compared with the target as is, including after the target year.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from consolidator.checks.result import ValidationResult
from consolidator.findings import ERROR, WARNING
from consolidator.japanese_values import AT_MOST, BELOW
from consolidator.plan.catalog import CATEGORIES, COUNCIL, Catalog, InitiativeView, MeasureView
from consolidator.submission import Submission
from consolidator.templates.model import plan_field_id, status_field_id

Judgement = Literal["achieved", "not-achieved", "not-reported", "not-evaluated"]
ACHIEVED: Judgement = "achieved"
NOT_ACHIEVED: Judgement = "not-achieved"
NOT_REPORTED: Judgement = "not-reported"
NOT_EVALUATED: Judgement = "not-evaluated"
JUDGEMENTS: tuple[Judgement, ...] = (ACHIEVED, NOT_ACHIEVED, NOT_REPORTED, NOT_EVALUATED)
CHANGE_EXPLAINED = "value-change-explained"  # the finding of a far-off value, explained


@dataclass(frozen=True)
class Source:
    file: str
    sheet: str
    cell: str

    def __str__(self) -> str:
        return f"{self.file} {self.sheet}!{self.cell}"


@dataclass
class MeasureResult:
    measure: MeasureView
    value: int | float | None = None
    reason: str | None = None
    reason_text: str | None = None
    explanation: str | None = None  # 増減の理由, given with a value
    source: Source | None = None
    flagged: bool = False  # a finding of severity error on this measure
    codes: list[str] = field(default_factory=list)
    # The warnings on this measure the secretariat accepted: each its 承認理由 (who, when).
    accepted: list[str] = field(default_factory=list)

    @property
    def target(self) -> int | float | None:
        v = self.measure.data.get("value")
        return v if isinstance(v, (int, float)) and not isinstance(v, bool) else None

    @property
    def reason_words(self) -> str | None:
        """未記入の理由 as the outputs write it: the reason with its text in brackets
        (``その他(…)``), either alone, or None."""
        if self.reason and self.reason_text:
            return f"{self.reason}({self.reason_text})"
        return self.reason or self.reason_text

    @property
    def change_explained(self) -> bool:
        """The value was far off (see :mod:`consolidator.plan.change_rule`) and explained."""
        return self.explanation is not None and CHANGE_EXPLAINED in self.codes

    @property
    def achievement(self) -> float | None:
        if self.value is None or not self.target:
            return None
        if self.measure.data.get("qualifier") in (AT_MOST, BELOW):
            return None if self.value == 0 else self.target / self.value
        return self.value / self.target

    @property
    def judgement(self) -> Judgement:
        if self.value is None:
            return NOT_REPORTED
        if not self.target:
            return NOT_EVALUATED
        if self.measure.data.get("qualifier") == AT_MOST:
            return ACHIEVED if self.value <= self.target else NOT_ACHIEVED
        if self.measure.data.get("qualifier") == BELOW:
            return ACHIEVED if self.value < self.target else NOT_ACHIEVED
        return ACHIEVED if self.value >= self.target else NOT_ACHIEVED


@dataclass
class TextRow:
    """One row of ■実績 or ■予定: a reporting department (and 市社協's category) with its text."""

    department: str
    category: str | None
    text: str | None
    source: Source | None
    required: bool
    flagged: bool = False


@dataclass
class InitiativeResult:
    initiative: InitiativeView
    status: list[TextRow]
    plans: list[TextRow]
    measures: list[MeasureResult]


@dataclass
class Consolidated:
    catalog: Catalog
    year: int
    initiatives: list[InitiativeResult]
    validation: ValidationResult

    @property
    def measures(self) -> list[MeasureResult]:
        return [m for i in self.initiatives for m in i.measures]

    def missing(self) -> list[MeasureResult]:
        return [m for m in self.measures if m.value is None]

    def judgement_counts(self) -> list[tuple[dict[str, Any], dict[Judgement, int]]]:
        """Per basic goal, how many measures got each 判定 (the 概要 table)."""
        counts = []
        for goal in self.catalog.goals:
            measures = [m for i in self.initiatives if i.initiative.goal is goal
                        for m in i.measures]
            counts.append((goal, {j: sum(1 for m in measures if m.judgement == j)
                                  for j in JUDGEMENTS}))
        return counts


def consolidate(result: ValidationResult) -> Consolidated:
    """Merge the accepted entries of the chosen files into the content of the master: per
    initiative, the ■実績 and ■予定 rows of each reporting department (empty where nothing
    was sent) and each measure's value or reason with its source cell and judgement."""
    catalog, year = result.catalog, result.year
    errors, codes, accepted = _index_findings(result)
    by_initiative: dict[str, list[MeasureView]] = {}
    for m in catalog.measures:
        by_initiative.setdefault(m.initiative.id, []).append(m)
    inis = []
    for ini in catalog.initiatives:
        status: list[TextRow] = []
        plans: list[TextRow] = []
        for department, category, required in _reporter_rows(ini):
            sub = result.chosen.get(department)
            for rows, fid in ((status, status_field_id(ini.id, category)),
                              (plans, plan_field_id(ini.id, category))):
                text, source = _entry(sub, fid)
                if text is None and not required:
                    continue
                rows.append(TextRow(department, category, text, source, required,
                                    flagged=(department, fid) in errors))
        measures = [_measure(result, errors, codes.get((m.owner, m.id), set()), m,
                             accepted.get((m.owner, m.id), []))
                    for m in by_initiative.get(ini.id, [])]
        inis.append(InitiativeResult(ini, status, plans, measures))
    return Consolidated(catalog, year, inis, result)


def _reporter_rows(ini: InitiativeView) -> list[tuple[str, str | None, bool]]:
    """(department, category, required) in the report's order: 市社協 by category, then the
    city's departments."""
    rows: list[tuple[str, str | None, bool]] = []
    departments = ini.reporter_departments()
    if COUNCIL in departments:
        reported = ini.categories(COUNCIL)
        rows.extend((COUNCIL, c, c in reported) for c in CATEGORIES)
    rows.extend((d, None, True) for d in departments if d != COUNCIL)
    return rows


def _entry(sub: Submission | None, field_id: str) -> tuple[Any, Source | None]:
    if sub is None:
        return None, None
    e = sub.entries.get(field_id)
    if e is None:
        return None, None
    return e.value, Source(sub.file, e.sheet, e.cell)


def _index_findings(result: ValidationResult
                    ) -> tuple[set[tuple[str, str]], dict[tuple[str, str], set[str]],
                               dict[tuple[str, str], list[str]]]:
    """One pass over the findings: the (department, field) pairs with an error, and the codes
    found on each (department, measure) — a measure's field ids are ``<measure>.<role>`` —
    and the accepted warnings' texts on each."""
    errors: set[tuple[str, str]] = set()
    codes: dict[tuple[str, str], set[str]] = {}
    accepted: dict[tuple[str, str], list[str]] = {}
    for f in result.findings:
        if not f.field_id:
            continue
        department = f.department or ""
        measure = (department, f.field_id.rsplit(".", 1)[0])
        if f.severity == ERROR:
            errors.add((department, f.field_id))
        elif f.severity == WARNING and f.accepted is not None:
            accepted.setdefault(measure, []).append(f.accepted)
        codes.setdefault(measure, set()).add(f.code)
    return errors, codes, accepted


def _measure(result: ValidationResult, errors: set[tuple[str, str]], codes: set[str],
             m: MeasureView, accepted: list[str]) -> MeasureResult:
    sub = result.chosen.get(m.owner)
    value, source = _entry(sub, f"{m.id}.value")
    reason, reason_source = _entry(sub, f"{m.id}.reason")
    reason_text, _ = _entry(sub, f"{m.id}.reason_text")
    explanation, _ = _entry(sub, f"{m.id}.explanation")
    return MeasureResult(
        measure=m, value=value, reason=None if value is not None else reason,
        reason_text=None if value is not None else reason_text,
        explanation=explanation if value is not None else None,
        source=source or reason_source,
        flagged=any((m.owner, f"{m.id}.{r}") in errors for r in ("value", "reason",
                                                                  "reason_text")),
        codes=sorted(codes), accepted=accepted)
