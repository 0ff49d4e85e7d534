"""Where each line of a report belongs: title, table of contents, and per initiative its plan
table, results table (with value lines written after it), next-year table and glossary.

The walk produces plain drafts with source line numbers; it decides nothing about meaning
beyond the layout. Lines it cannot place become findings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from consolidator.findings import Findings
from consolidator.japanese_values import collapse_space, find_reason, parse_quantity
from consolidator.plan.catalog import CIRCLED, CITY, COUNCIL, ORGANISATIONS
from consolidator.plan.report_import import lines as rt


@dataclass
class PlanRow:
    line: int
    organisation: str
    actions: str
    indicators: str


@dataclass
class ReporterRow:
    """One reporter's row of a results or next-year table."""

    line: int
    organisation: str
    departments: list[str]
    category: str | None
    text: str
    values: str = ""


@dataclass
class TrailingValue:
    """An indicator actual written after the results table (``・name`` then value lines)."""

    line: int
    name: str
    values: list[str] = field(default_factory=list)


@dataclass
class InitiativeDraft:
    goal: int
    activity: int
    number: int
    title: str
    line: int
    plan_rows: list[PlanRow] = field(default_factory=list)
    results: list[ReporterRow] = field(default_factory=list)
    plans: list[ReporterRow] = field(default_factory=list)
    trailing: list[TrailingValue] = field(default_factory=list)
    glossary: list[tuple[str, str]] = field(default_factory=list)
    blocks: list[str] = field(default_factory=list)
    results_year: int | None = None
    plans_year: int | None = None

    @property
    def id(self) -> str:
        return f"{self.goal}-{self.activity}-{self.number}"


@dataclass
class Heading:
    number: int
    title: str
    line: int


@dataclass
class TocEntry:
    goal: int
    activity: int
    number: int
    title: str


@dataclass
class Layout:
    title: str = ""
    title_line: int = 0
    vision: str = ""
    toc_goals: dict[int, str] = field(default_factory=dict)
    toc_activities: dict[tuple[int, int], str] = field(default_factory=dict)
    toc_initiatives: list[TocEntry] = field(default_factory=list)
    goals: dict[int, Heading] = field(default_factory=dict)
    activities: dict[tuple[int, int], Heading] = field(default_factory=dict)
    initiatives: list[InitiativeDraft] = field(default_factory=list)


_PAGE_NUMBERS_RE = re.compile(r"(?:\s+\d+)+$")
_NUMBERED_RE = re.compile(r"^(\d+)\s*(.+)$")


class _Walker:
    def __init__(self, findings: Findings) -> None:
        self.f = findings
        self.out = Layout()
        self.mode = "start"  # start | toc | body
        self.goal: Heading | None = None
        self.activity: Heading | None = None
        self.current: InitiativeDraft | None = None
        self.block: str | None = None  # plan | results | plans | glossary
        self.block_before_glossary: str | None = None
        self.org: str | None = None
        self.toc_goal = 0
        self.toc_activity = 0

    # ---- entry ---------------------------------------------------------------------------
    def walk(self, text: str) -> Layout:
        for n, raw in enumerate(text.splitlines(), start=1):
            self.line(n, raw.rstrip("\r"))
        return self.out

    def unplaced(self, n: int, text: str) -> None:
        self.f.add("import-unplaced", value=collapse_space(text), line=n)

    def line(self, n: int, raw: str) -> None:
        text = rt.clean_cell(raw)
        if not text:
            if self.block == "glossary":
                self.block = self.block_before_glossary
            return
        if self.mode == "start":
            if not self.out.title:
                self.out.title, self.out.title_line = text, n
                return
            if text.replace(" ", "") == "目次":
                self.mode = "toc"
                return
        if self.mode in ("start", "toc") and not rt.is_section_heading(text):
            if self.mode == "toc" and "\t" in raw:
                self.toc_row(n, raw)
            else:
                self.unplaced(n, text)
            return
        self.mode = "body"
        self.body(n, raw, text)

    # ---- table of contents ---------------------------------------------------------------
    def toc_row(self, n: int, raw: str) -> None:
        """A TOC row. Cells are told apart by content (their column varies): the vision and
        the goals are ``<p>`` paragraphs (goals numbered), activities are numbered, the
        initiatives cell lists ①②…"""
        pairs = [(c, rt.clean_cell(c)) for c in raw.split("\t")]
        pairs = [(r, c) for r, c in pairs if c]
        if all(c.replace(" ", "") in ("理念", "基本目標", "活動目標", "取組み", "ページ")
               for _, c in pairs):
            return
        for r, c in pairs:
            m = _NUMBERED_RE.match(c)
            if c[0] in CIRCLED:
                self.toc_initiatives_cell(n, c)
            elif m and "<p>" in r:
                self.toc_goal = int(m.group(1))
                self.out.toc_goals[self.toc_goal] = m.group(2).strip()
            elif m:
                self.toc_activity = int(m.group(1))
                self.out.toc_activities[(self.toc_goal, self.toc_activity)] = m.group(2).strip()
            elif "<p>" in r and not self.out.vision:
                self.out.vision = c
            else:
                self.unplaced(n, c)

    def toc_initiatives_cell(self, n: int, c: str) -> None:
        lead, items = rt.split_circled(_PAGE_NUMBERS_RE.sub("", c))
        if lead:
            self.unplaced(n, lead)
        for mark, title in items:
            self.out.toc_initiatives.append(TocEntry(
                self.toc_goal, self.toc_activity, CIRCLED.index(mark) + 1, title))

    # ---- body ------------------------------------------------------------------------------
    def body(self, n: int, raw: str, text: str) -> None:
        if "\t" not in raw:
            if self.heading(n, text):
                return
        if self.block == "glossary":
            row = [c for c in rt.cells(raw) if c]
            if self.current is not None and len(row) >= 2:
                self.current.glossary.append((row[0], " ".join(row[1:])))
            else:
                self.unplaced(n, text)
            return
        row = rt.cells(raw)
        if [c for c in row if c] == ["用語", "説明"]:
            self.block_before_glossary = self.block
            self.block = "glossary"
            return
        if self.current is None or self.block is None:
            self.unplaced(n, text)
            return
        if "\t" not in raw:
            self.loose_line(n, text)
        elif rt.is_table_header(row):
            return
        elif self.block == "plan":
            self.plan_row(n, row, text)
        else:
            self.reporter_row(n, row, text)

    def heading(self, n: int, text: str) -> bool:
        if rt.is_section_heading(text):
            return True
        if (g := rt.goal_heading(text)) is not None:
            self.goal = Heading(g[0], g[1], n)
            self.out.goals.setdefault(g[0], self.goal)
            if self.out.goals[g[0]].title != g[1]:
                self.f.add("import-heading-differs", value=g[1], line=n,
                           expected=self.out.goals[g[0]].title)
            return True
        if (a := rt.activity_heading(text)) is not None:
            self.activity = Heading(a[0], a[1], n)
            key = (self.goal.number if self.goal else 0, a[0])
            self.out.activities.setdefault(key, self.activity)
            if self.out.activities[key].title != a[1]:
                self.f.add("import-heading-differs", value=a[1], line=n,
                           expected=self.out.activities[key].title)
            return True
        if (i := rt.initiative_heading(text)) is not None and self.block != "glossary":
            if self.goal is None or self.activity is None:
                self.f.add("import-structure", value=text, line=n,
                           detail="基本目標・活動目標の見出しより前に取組みの見出しがあります")
                return True
            # an activity heading seen before the goal heading (swapped order) belongs to it
            key = (self.goal.number, self.activity.number)
            if key not in self.out.activities:
                self.out.activities[key] = self.activity
            self.current = InitiativeDraft(self.goal.number, self.activity.number, i[0], i[1], n)
            self.out.initiatives.append(self.current)
            self.block = None
            self.org = None
            return True
        if (b := rt.block_heading(text)) is not None:
            if self.current is None:
                self.unplaced(n, text)
                return True
            self.block, year = b
            self.current.blocks.append(self.block)
            self.org = None
            if self.block == "results":
                self.current.results_year = year
            elif self.block == "plans":
                self.current.plans_year = year
            return True
        return False

    # ---- rows ------------------------------------------------------------------------------
    def plan_row(self, n: int, row: list[str], text: str) -> None:
        assert self.current is not None
        if row[0] not in ORGANISATIONS or len([c for c in row[1:] if c]) > 2:
            self.unplaced(n, text)
            return
        rest = row[1:] + ["", ""]
        self.current.plan_rows.append(PlanRow(n, row[0], rest[0], rest[1]))

    def reporter_row(self, n: int, row: list[str], text: str) -> None:
        assert self.current is not None
        first, rest = row[0], row[1:]
        departments: list[str] = []
        org: str
        if first in ORGANISATIONS:
            org = first
        elif first == "" and self.org is not None:
            org = self.org
        elif (names := rt.department_list(first)) is not None:
            org, departments = CITY, names
        else:
            self.unplaced(n, text)
            return
        self.org = org
        filled = [c for c in rest if c]
        category = None
        if filled and org == COUNCIL:
            category, head = rt.take_category(filled[0])
            if category and not head:
                filled = filled[1:]
            elif category:
                filled[0] = head
        elif filled and org == CITY and not departments:
            names = rt.department_list(filled[0])
            if names:
                departments, filled = names, filled[1:]
        limit = 2 if self.block == "results" else 1
        if len(filled) > limit or not filled:
            self.f.add("import-structure", value=text, line=n,
                       detail="表の列の数が想定と異なります")
            if not filled:
                return
            filled = [" ".join(filled[:-1]), filled[-1]] if limit == 2 else [" ".join(filled)]
        body, values = filled[0], (filled[1] if len(filled) > 1 else "")
        target = self.current.results if self.block == "results" else self.current.plans
        if org == COUNCIL:
            target.append(ReporterRow(n, org, [COUNCIL], category, body, values))
            return
        if departments:
            target.append(ReporterRow(n, org, departments, None, body, values))
            return
        segments = rt.split_inline_departments(body)
        for i, (names, seg_text) in enumerate(segments):
            if not names:
                self.f.add("import-no-department", value=seg_text, line=n)
                names = [CITY]
            target.append(ReporterRow(n, org, names, None, seg_text, values if i == 0 else ""))

    def loose_line(self, n: int, text: str) -> None:
        """A line outside the tables: value lines after the results, or figure text."""
        assert self.current is not None
        if rt.is_caption(text):
            return
        if self.block == "results":
            if text.startswith("・"):
                self.current.trailing.append(TrailingValue(n, text[1:].strip()))
                return
            if self.current.trailing and (parse_quantity(text) or find_reason(text)):
                self.current.trailing[-1].values.append(text)
                return
        if self.block == "plan" and self.current.plan_rows:
            self.f.add("import-figure-text", value=text, line=n)
            return
        self.unplaced(n, text)


def walk(text: str, findings: Findings) -> Layout:
    """Place every line of the report; what cannot be placed becomes a finding."""
    return _Walker(findings).walk(text)
