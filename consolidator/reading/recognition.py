"""Recognising a workbook that lost its identity, from its content.

A template carries its identity in its custom properties, its hidden sheet ``_meta`` and its
defined names. A copy of its sheets (cell by cell into a new workbook, Excel's *Move or Copy →
new book*, a copy made in LibreOffice) loses the first two and often the names, but its content
still says what it is: the title row of each input sheet names the department and the fiscal
year exactly as the template writer drew them, and column A holds the key of every row.

Recognition works on the reader's plain data (:class:`~consolidator.reading.workbook.RawWorkbook`:
the grids of the sheets, whatever the file format; every sheet of a file without a stored
identity that lacks an input sheet by name, since a copy's sheets may have been renamed) and
accepts a file only when its content agrees with one department of the plan:

- at least one title, every title naming the same department of the plan and the run's year;
- every key in column A is the plan's; at least one is a field of that department and none is
  a field its template does not have.

Nothing is guessed: otherwise the file is rejected, and the finding says what was missing and
what was found (the titles, the departments whose keys are in column A, the keys not in the plan).
Which column is which (the formats differ) is then read from the copy's header rows
(:mod:`consolidator.reading.sheet_layout`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from consolidator.findings import Finding, make
from consolidator.japanese_values import parse_fiscal_year, wareki
from consolidator.messages import OUTPUT_TEXT, TEMPLATE_TEXT, YEAR_LABELS, fill
from consolidator.messages.submission import RECOGNITION_TEXT
from consolidator.plan.catalog import Catalog
from consolidator.reading.fields import key_index_of
from consolidator.reading.raw_workbook import RawWorkbook
from consolidator.submission import Identity
from consolidator.templates.model import TemplateModel, build, year_labels

TITLE_TEMPLATES = ("text-sheet-title", "indicator-sheet-title")  # keys of TEMPLATE_TEXT
# What a key of some plan looks like: ASCII, a digit first, a hyphen (1-1-1, 1-1-1-c1,
# 1-1-1.status.dokuji). Texts of this shape that the plan does not have are another plan's keys.
KEY_SHAPE = re.compile(r"[0-9][0-9A-Za-z_.]*-[0-9A-Za-z_.-]+")
SHOWN = 5  # keys named in a finding, at most
TITLE_MAX_CHARS = 200  # a title is a department's name and two year labels; longer texts are not
_DEPARTMENT_SLOT, _YEAR_SLOT = "\x01", "\x00"


@dataclass(frozen=True)
class Title:
    """A sheet title as the template writer draws it: the department and the fiscal year."""

    department: str
    year: int


def recognise(raw: RawWorkbook, catalog: Catalog, year: int, file: str
              ) -> tuple[Identity | None, list[Finding]]:
    """Which department a workbook without any stored identity is for, from its titles and
    keys (see the module's rules). Returns the identity (``recovered``) with one
    ``identity-recovered`` warning; or None with ``not-a-template`` (nothing of a template in
    it) or ``identity-not-recovered`` (what was missing and what was found)."""
    texts = list(key_index_of(raw))  # column A of every input sheet
    titles = [t for t in map(title_of, texts) if t is not None]
    plan = PlanKeys(catalog, year)
    keys = {k for k in texts if k in plan.owners or KEY_SHAPE.fullmatch(k)}
    if not titles and not keys & plan.known:  # nothing of this plan's templates in it
        return None, [make("not-a-template", file=file)]
    problems = _problems(plan, titles, keys, year)
    if problems:
        detail = RECOGNITION_TEXT["separator"].join(problems)
        return None, [make("identity-not-recovered", file=file, detail=detail)]
    department = titles[0].department
    identity = Identity(department, year, catalog.plan_id, catalog_hash="", format_version="",
                        recovered=True)
    return identity, [make("identity-recovered", file=file, department=department,
                           year_label=wareki(year))]


def _problems(plan: PlanKeys, titles: list[Title], keys: set[str], year: int) -> list[str]:
    """What keeps the content from naming one department of the plan for ``year`` (empty
    when it does)."""
    problems = []
    fields = {k for k in keys if k in plan.owners}
    named = plan.ordered({t.department for t in titles})
    if len(named) == 1 and named[0] in plan.fields:
        department = named[0]
        others = fields - plan.fields[department]
        if others:
            problems.append(_text("keys-of-others", department=department,
                                  keys=_shown(sorted(others)),
                                  departments=_names(plan.departments_of(others)[1])))
        if not fields & plan.fields[department]:
            problems.append(_text("no-keys", department=department))
    else:
        if not named:
            problems.append(_text("no-title"))
        elif len(named) > 1:
            problems.append(_text("titles-of", departments=_names(named)))
        else:
            problems.append(_text("title-unknown", department=named[0]))
        if fields:
            kind, departments = plan.departments_of(fields)
            problems.append(_text(kind, departments=_names(departments)))
    for other in sorted({t.year for t in titles} - {year}):
        of_year = plan.ordered({t.department for t in titles if t.year == other})
        problems.append(_text("title-year", departments=_names(of_year),
                              year_label=wareki(other), expected_label=wareki(year)))
    unknown = sorted(keys - plan.known)
    if unknown:
        problems.append(_text("keys-unknown", keys=_shown(unknown)))
    return problems


class PlanKeys:
    """The keys the plan's templates hold in column A: the fields of every department, and
    every other text the template writer puts there (initiative ids, titles, notes)."""

    def __init__(self, catalog: Catalog, year: int) -> None:
        self.catalog = catalog
        self.year = year

    @cached_property
    def models(self) -> dict[str, TemplateModel]:
        return {d: build(self.catalog, d, self.year) for d in self.catalog.department_names}

    @cached_property
    def fields(self) -> dict[str, set[str]]:
        """department → the keys of its fields."""
        return {d: {f.key for f in model.fields} for d, model in self.models.items()}

    @cached_property
    def owners(self) -> dict[str, list[str]]:
        """field key → the departments whose templates have it, in the plan's order."""
        out: dict[str, list[str]] = {}
        for department, keys in self.fields.items():
            for key in keys:
                out.setdefault(key, []).append(department)
        return out

    @cached_property
    def known(self) -> set[str]:
        out = set(self.owners)
        for model in self.models.values():
            out.update(str(row.cells.get(1, "")) for row in model.text_rows + model.indicator_rows)
        return out

    def ordered(self, departments: set[str]) -> list[str]:
        """Departments in the plan's order (those not in the plan last, by name)."""
        order = {d: i for i, d in enumerate(self.catalog.department_names)}
        return sorted(departments, key=lambda d: (order.get(d, len(order)), d))

    def departments_of(self, keys: set[str]) -> tuple[str, list[str]]:
        """Whose fields ``keys`` are, as (RECOGNITION_TEXT key, departments): the one or the
        several departments that have them all; else the departments that alone have one of
        them; else every department that has any."""
        fits = [d for d in self.catalog.department_names if keys <= self.fields[d]]
        if fits:
            return ("keys-fit" if len(fits) == 1 else "keys-fit-any"), fits
        alone = {self.owners[k][0] for k in keys if len(self.owners[k]) == 1}
        return "keys-of", self.ordered(alone or {d for k in keys for d in self.owners[k]})


def title_of(text: str) -> Title | None:
    """The department and year of a sheet title drawn by the template writer (any department,
    any year), or None for any other text."""
    norm = " ".join(text.split())
    if len(norm) > TITLE_MAX_CHARS:  # also keeps the pattern's backtracking small
        return None
    for key in TITLE_TEMPLATES:
        m = _title_pattern(key).fullmatch(norm)
        if m is None:
            continue
        year = parse_fiscal_year(m.group("year"))
        department = m.group("department")
        if year is None:
            continue
        drawn = fill(TEMPLATE_TEXT[key], department=department, **year_labels(year))
        if " ".join(drawn.split()) == norm:
            return Title(department, year)
    return None


_PATTERNS: dict[str, re.Pattern[str]] = {}


def _title_pattern(key: str) -> re.Pattern[str]:
    """The title template ``key`` as a regular expression: the department and the first year
    label's year as groups, every other part literal."""
    if key not in _PATTERNS:
        labels = {k: fill(v, year=_YEAR_SLOT) for k, v in YEAR_LABELS.items()}
        text = " ".join(fill(TEMPLATE_TEXT[key], department=_DEPARTMENT_SLOT, **labels).split())
        parts, years = [], 0
        for piece in re.split(f"([{_DEPARTMENT_SLOT}{_YEAR_SLOT}])", text):
            if piece == _DEPARTMENT_SLOT:
                parts.append("(?P<department>.+?)")
            elif piece == _YEAR_SLOT:
                parts.append("(?P<year>[^ ]+?)" if years == 0 else "[^ ]+?")
                years += 1
            else:
                parts.append(re.escape(piece))
        _PATTERNS[key] = re.compile("".join(parts))
    return _PATTERNS[key]


def _text(key: str, **values: object) -> str:
    return fill(RECOGNITION_TEXT[key], **values)


def _names(departments: list[str]) -> str:
    return OUTPUT_TEXT["list-separator"].join(departments)


def _shown(keys: list[str]) -> str:
    return OUTPUT_TEXT["list-separator"].join(keys[:SHOWN]) + ("…" if len(keys) > SHOWN else "")
