"""The published report as a document: plain dataclasses, made from a
:class:`~consolidator.report.merge.Consolidated` and the secretariat's pages, from which every
form (HTML now; PDF and Word later) is drawn. No markup here: texts are plain strings, already
in the report's words; a renderer only lays them out (and escapes them).

Contents, in order: cover (title, plan, 案 and why), the secretariat's pages, 目次, the summary
(per 基本目標 the measures by 判定), then per 基本目標 → 活動目標 → 取組み the seed's blocks:
■計画 (actions, indicators with targets), 用語, ■実績 (each unit's text, 実績値 lines), the
判定 of the initiative's indicators, ■予定.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from consolidator.findings import ERROR, WARNING
from consolidator.japanese_values import format_number, wareki
from consolidator.messages import MASTER_TEXT, OUTPUT_TEXT, fill
from consolidator.messages.outputs import JUDGEMENT_TEXT
from consolidator.messages.publish import REPORT_TEXT
from consolidator.plan.catalog import CITY, COUNCIL, action_line, indicator_line
from consolidator.publish.pages import SecretariatPages
from consolidator.report.merge import (
    JUDGEMENTS,
    NOT_ACHIEVED,
    NOT_REPORTED,
    Consolidated,
    InitiativeResult,
    Judgement,
    MeasureResult,
    TextRow,
)


@dataclass(frozen=True)
class ValueLine:
    """One 実績値 line as the report writes it (``・登録者数 111人``)."""

    text: str


@dataclass(frozen=True)
class ReportRow:
    """One row of ■実績 or ■予定: the label shown (【独自】, or the names of the departments
    that sent the same text), and the text (None: 未報告)."""

    label: str
    text: str | None


@dataclass(frozen=True)
class OrganisationRows:
    """The rows of one organisation (市社協 or 市) in a ■実績 / ■予定 table, with the 実績値
    lines of its indicators (shown once beside its rows, as the seed does)."""

    organisation: str
    rows: list[ReportRow]
    values: list[ValueLine] = field(default_factory=list)


@dataclass(frozen=True)
class PlanRow:
    organisation: str
    actions: list[str]
    indicators: list[str]


@dataclass(frozen=True)
class MeasureLine:
    """A row of an initiative's 判定 table and of the open data."""

    result: MeasureResult
    name: str
    target_text: str
    value_text: str
    rate_text: str
    judgement: str


@dataclass(frozen=True)
class InitiativePage:
    id: str
    heading: str
    plan: list[PlanRow]
    glossary: list[tuple[str, str]]
    results: list[OrganisationRows]
    plans: list[OrganisationRows]
    measures: list[MeasureLine]
    notes: list[str]  # what the secretariat accepted (warnings), said under the table
    # Each table's caption, filled in (REPORT_TEXT's key: plan-caption, glossary-caption,
    # results-caption, judgement-caption, plans-caption): every form shows the same.
    captions: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Attention:
    """An initiative a committee member should look at: its measures not achieved or not
    reported (the summary lists them, linked)."""

    initiative_id: str
    goal: str
    heading: str
    not_achieved: int
    not_reported: int


@dataclass(frozen=True)
class ActivitySection:
    heading: str
    initiatives: list[InitiativePage]


@dataclass(frozen=True)
class GoalSection:
    heading: str
    activities: list[ActivitySection]
    counts: dict[Judgement, int]


@dataclass(frozen=True)
class Document:
    title: str
    plan_name: str
    vision: str
    year: int
    goals: list[GoalSection]
    pages: SecretariatPages
    draft: list[str]  # why the document is a draft (案); empty: final

    @property
    def results_year(self) -> str:
        """The year reported on, in 和暦 (令和3年)."""
        return wareki(self.year)

    @property
    def next_year(self) -> str:
        """The year planned (令和4年)."""
        return wareki(self.year + 1)

    @property
    def is_draft(self) -> bool:
        return bool(self.draft)

    @property
    def draft_reasons_text(self) -> str:
        """Why it is a draft, in one line (empty: final)."""
        return REPORT_TEXT["draft-reason-joiner"].join(self.draft)

    @property
    def draft_line(self) -> str:
        """案 and why, as every page's header says it (empty: final)."""
        return f"{REPORT_TEXT['draft-mark']} {self.draft_reasons_text}" if self.draft else ""

    @property
    def window_title(self) -> str:
        """The title a viewer shows (HTML <title>, PDF and Word properties): 案 first in a
        draft."""
        return f"{REPORT_TEXT['draft-mark']} {self.title}" if self.draft else self.title

    @property
    def attention(self) -> list[Attention]:
        """The initiatives with a measure 未達成 or 未報告, in the plan's order."""
        out = []
        for goal in self.goals:
            for activity in goal.activities:
                for ini in activity.initiatives:
                    judged = [m.result.judgement for m in ini.measures]
                    if NOT_ACHIEVED in judged or NOT_REPORTED in judged:
                        out.append(Attention(ini.id, goal.heading, ini.heading,
                                             judged.count(NOT_ACHIEVED),
                                             judged.count(NOT_REPORTED)))
        return out

    @property
    def judgements(self) -> list[tuple[Judgement, str]]:
        return [(j, JUDGEMENT_TEXT[j]) for j in JUDGEMENTS]

    @property
    def year_texts(self) -> dict[str, str]:
        """The block headings and column headings naming a year (REPORT_TEXT's key →
        filled in: ■令和3年度実績, 令和4年度実施予定 …), the same in every form."""
        ry, ny = self.results_year, self.next_year
        return {"results-block": fill(REPORT_TEXT["results-block"], year=ry),
                "plans-block": fill(REPORT_TEXT["plans-block"], year=ny),
                "results-status": fill(REPORT_TEXT["results-status"], year=ry),
                "results-values": fill(REPORT_TEXT["results-values"], year=ry),
                "plans-text": fill(REPORT_TEXT["plans-text"], year=ny)}

    @property
    def chart_bars(self) -> list[str]:
        """The summary chart in words, one text per 基本目標 (``基本目標1 …:達成 3件 …``): the
        chart's description in every form."""
        return [fill(REPORT_TEXT["chart-bar"], goal=g.heading, parts=" ".join(
            fill(REPORT_TEXT["chart-part"], judgement=word, count=g.counts[j])
            for j, word in self.judgements)) for g in self.goals]


def build_document(c: Consolidated, pages: SecretariatPages) -> Document:
    """The published report of ``c`` (a consolidated year) with the secretariat's ``pages``:
    every 取組み's blocks in the plan's order, the summary, and why it is still a draft (a
    department that sent nothing, an error not resolved), if it is."""
    accepted = _accepted_notes(c)
    by_goal = {id(g): counts for g, counts in c.judgement_counts()}
    goals = []
    for goal in c.catalog.goals:
        activities = []
        for activity in goal["activities"]:
            inis = [_initiative(c, ir, accepted) for ir in c.initiatives
                    if ir.initiative.activity is activity]
            activities.append(ActivitySection(
                fill(REPORT_TEXT["activity"], number=activity["number"],
                     title=activity["title"]), inis))
        goals.append(GoalSection(fill(REPORT_TEXT["goal"], number=goal["number"],
                                      title=goal["title"]), activities, by_goal[id(goal)]))
    plan = c.catalog.plan
    return Document(
        title=fill(MASTER_TEXT["title"], plan=plan["name"], year=wareki(c.year),
                   next_year=wareki(c.year + 1)),
        plan_name=plan["name"], vision=plan.get("vision") or "", year=c.year, goals=goals,
        pages=pages, draft=draft_reasons(c))


def draft_reasons(c: Consolidated) -> list[str]:
    """Why the year is not finished: departments that sent nothing, errors still open."""
    reasons = []
    missing = [d for d in c.catalog.department_names if d not in c.validation.chosen]
    if missing:
        names = OUTPUT_TEXT["list-separator"].join(missing)
        reasons.append(fill(REPORT_TEXT["draft-missing"], departments=names))
    errors = c.validation.findings.count(ERROR)
    if errors:
        reasons.append(fill(REPORT_TEXT["draft-errors"], count=errors))
    return reasons


def value_text(m: MeasureResult) -> str:
    """The actual as the report writes it: ``1地区``, ``57.5%``, a reason, or 未報告."""
    if m.value is not None:
        return f"{format_number(m.value)}{m.measure.unit or ''}"
    if m.reason:
        return str(m.reason_words)
    return REPORT_TEXT["not-reported"]


def value_line(m: MeasureResult) -> str:
    """``・地域ニーズに対するボランティア養成講座 1地区`` (with 増減の理由 when one was given)."""
    why = (fill(MASTER_TEXT["explanation"], text=m.explanation)
           if m.value is not None and m.explanation else "")
    return fill(REPORT_TEXT["value-line"], text=f"{m.measure.name} {value_text(m)}{why}")


def rate_text(m: MeasureResult) -> str:
    rate = m.achievement
    return "" if rate is None else fill(REPORT_TEXT["rate"], rate=f"{rate * 100:.1f}")


# ---- one initiative -------------------------------------------------------------------------

def _initiative(c: Consolidated, ir: InitiativeResult,
                accepted: dict[str, list[str]]) -> InitiativePage:
    ini = ir.initiative
    plan = []
    for org in (COUNCIL, CITY):
        actions = [_action(a) for a in ini.data["actions"] if a["organisation"] == org]
        indicators = [line for i in ini.data["indicators"] if i["organisation"] == org
                      for line in _indicator(i)]
        if actions or indicators:
            plan.append(PlanRow(org, actions, indicators))
    measures = [MeasureLine(m, m.measure.name,
                            m.measure.target_text,
                            value_text(m), rate_text(m), JUDGEMENT_TEXT[m.judgement])
                for m in ir.measures]
    heading = fill(REPORT_TEXT["initiative"], label=ini.label, title=ini.title)
    t = REPORT_TEXT
    captions = {
        "plan-caption": fill(t["plan-caption"], heading=heading),
        "glossary-caption": fill(t["glossary-caption"], heading=heading),
        "results-caption": fill(t["results-caption"], heading=heading, year=wareki(c.year)),
        "judgement-caption": fill(t["judgement-caption"], heading=heading),
        "plans-caption": fill(t["plans-caption"], heading=heading,
                              next_year=wareki(c.year + 1)),
    }
    return InitiativePage(
        id=ini.id, heading=heading,
        plan=plan,
        glossary=[(g["term"], g["description"]) for g in ini.data.get("glossary", [])],
        results=_grouped(ir.status, ir.measures), plans=_grouped(ir.plans, None),
        measures=measures, notes=accepted.get(ini.id, []), captions=captions)


def _action(a: dict[str, Any]) -> str:
    brackets = "".join(fill(REPORT_TEXT["bracket"], department=d)
                       for d in a.get("departments") or [])
    return f"{action_line(a)}{brackets}"


def _indicator(i: dict[str, Any]) -> list[str]:
    brackets = [fill(REPORT_TEXT["bracket"], department=d) for d in i.get("departments") or []]
    return [*brackets, indicator_line(i)]


def _grouped(rows: list[TextRow], measures: list[MeasureResult] | None
             ) -> list[OrganisationRows]:
    """The rows by organisation, 市社協 first; the city's departments that sent the same text
    share one row naming them all; an organisation's 実績値 lines beside its rows."""
    out = []
    for org in (COUNCIL, CITY):
        mine = [r for r in rows if (r.department == COUNCIL) == (org == COUNCIL)]
        shown: list[ReportRow] = []
        if org == COUNCIL:
            shown = [ReportRow(fill(REPORT_TEXT["category"], category=r.category)
                               if r.category else r.department, r.text) for r in mine]
        else:
            shown = _shared(mine)
        owned = [m for m in measures or []
                 if (m.measure.indicator["organisation"] == COUNCIL) == (org == COUNCIL)]
        values = [ValueLine(value_line(m)) for m in owned]
        if values and not shown:  # owners that report no text here: their values still shown
            owners = dict.fromkeys(m.measure.owner for m in owned)
            shown = [ReportRow(REPORT_TEXT["department-joiner"].join(owners), "")]
        if shown or values:
            out.append(OrganisationRows(org, shown, values))
    return out


def _shared(rows: list[TextRow]) -> list[ReportRow]:
    """One row per distinct text (in the order first met), naming every department that sent
    it; a department that sent nothing keeps a row of its own (未報告)."""
    by_text: dict[str, list[TextRow]] = {}
    order: list[tuple[str | None, list[TextRow]]] = []
    for r in rows:
        key = r.text.strip() if r.text else None
        if key is not None and key in by_text:
            by_text[key].append(r)
            continue
        group = [r]
        if key is not None:
            by_text[key] = group
        order.append((r.text, group))
    return [ReportRow(REPORT_TEXT["department-joiner"].join(r.department for r in group), text)
            for text, group in order]


def _accepted_notes(c: Consolidated) -> dict[str, list[str]]:
    """Per initiative, the warnings the secretariat accepted (they change no text, and are
    not hidden either)."""
    notes: dict[str, list[str]] = {}
    measure_initiative = {m.id: m.initiative.id for m in c.catalog.measures}
    for f in c.validation.findings:
        if f.severity != WARNING or f.accepted is None:
            continue
        ini = f.initiative_id or (measure_initiative.get(f.field_id.rsplit(".", 1)[0])
                                  if f.field_id else None)
        if ini is None:
            continue
        notes.setdefault(ini, []).append(fill(REPORT_TEXT["accepted-note"], message=f.message,
                                              accepted=f.accepted))
    return notes
