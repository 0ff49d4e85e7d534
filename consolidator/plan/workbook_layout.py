"""The plan catalog as an editable workbook: its sheets, their columns and drop-down lists.

One table, read by both sides (:mod:`.workbook_export` writes it, :mod:`.workbook_import`
reads it back), so the two cannot drift. Every record of the catalog is one row of one sheet,
its id in the first column; a row names its parent by id (an activity its 基本目標, an
initiative its 活動目標, an indicator its 取組み …) and rows keep their order within a parent.
Sheet names and headings are in :mod:`consolidator.messages.plan_book`; the import finds
sheets by name and columns by heading, so extra columns (a secretariat's notes) are ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from consolidator.japanese_values import UNITS
from consolidator.messages.plan_book import (
    PLAN_BOOK_HEADERS,
    PLAN_BOOK_ITEMS,
    PLAN_BOOK_SHEETS,
    PLAN_BOOK_WORDS,
)
from consolidator.plan.catalog import CATEGORIES, ORGANISATIONS, Catalog, schema

# How a cell is read: text as is; an id (a number typed becomes its digits); a whole number
# (番号); a number (目標値); a fiscal year (2023, or 令和5); a flag (○ or blank); one value of
# a drop-down list; a list of names separated by 、.
ColumnKind = Literal["text", "id", "int", "number", "year", "flag", "choice", "list"]


@dataclass(frozen=True)
class Column:
    key: str  # the column's key; its heading is PLAN_BOOK_HEADERS[sheet][key]
    kind: ColumnKind = "text"
    required: bool = False
    choices: str | None = None  # a drop-down: a key of choice_lists(), or "department" …
    width: int = 12
    reference: bool = False  # shown to help, not read back (指標(参考))
    added: bool = False  # added later: a workbook exported before it reads it as blank


@dataclass(frozen=True)
class Sheet:
    key: str
    columns: tuple[Column, ...]
    optional: bool = False  # a workbook without it still imports

    @property
    def name(self) -> str:
        return PLAN_BOOK_SHEETS[self.key]

    def heading(self, column: Column) -> str:
        return PLAN_BOOK_HEADERS[self.key][column.key]


C = Column
DEPARTMENTS = Sheet("departments", (
    C("name", required=True, width=18),
    C("organisation", "choice", True, "organisation", 10),
    C("aliases", "list", width=24),
    C("email", width=28, added=True),  # contact data (issue 12), optional
))
GOALS = Sheet("goals", (
    C("goal_id", "id", True, width=11),
    C("activity_id", "id", width=11),
    C("number", "int", True, width=7),
    C("title", required=True, width=60),
))
INITIATIVES = Sheet("initiatives", (
    C("id", "id", True, width=11),
    C("activity_id", "id", True, width=11),
    C("number", "int", True, width=7),
    C("title", required=True, width=50),
    C("previous_year", "year", width=12),
))
ACTIONS = Sheet("actions", (
    C("initiative_id", "id", True, width=11),
    C("organisation", "choice", True, "organisation", 9),
    C("number", "int", True, width=7),
    C("label", width=6),
    C("text", required=True, width=70),
    C("new", "flag", choices="flag", width=7),
    C("departments", "list", width=20),
))
INDICATORS = Sheet("indicators", (
    C("id", "id", True, width=12),
    C("initiative_id", "id", True, width=11),
    C("organisation", "choice", True, "organisation", 9),
    C("owner", required=True, choices="department", width=16),
    C("name", required=True, width=36),
    C("target", width=24),
    C("departments", "list", width=16),
    C("measure_id", "id", width=13),
    C("label", width=16),
    C("text", width=20),
    C("value", "number", width=9),
    C("unit", choices="unit", width=8),
    C("period", "choice", choices="period", width=8),
    C("qualifier", "choice", choices="qualifier", width=8),
    C("year", "year", width=10),
    C("year_role", "choice", choices="year_role", width=10),
    C("percent", "flag", choices="flag", width=8),
    C("continues", "id", choices="old_measure", width=14),
    C("change_factor", "number", width=10, added=True),
))
REPORTERS = Sheet("reporters", (
    C("initiative_id", "id", True, width=11),
    C("department", required=True, choices="department", width=18),
    *(C(slug, "flag", choices="flag", width=9) for slug in ("dokuji", "jutaku", "hojo")),
))
CATEGORY_COLUMNS = dict(zip(CATEGORIES, ("dokuji", "jutaku", "hojo"), strict=True))
GLOSSARY = Sheet("glossary", (
    C("initiative_id", "id", True, width=11),
    C("term", required=True, width=28),
    C("description", width=80),
))
PREVIOUS_TEXTS = Sheet("previous_texts", (
    C("initiative_id", "id", True, width=11),
    C("section", "choice", True, "section", 10),
    C("departments", "list", True, width=20),
    C("category", "choice", choices="category", width=8),
    C("text", width=80),
))
_HISTORY_COLUMNS = (
    C("measure_id", "id", True, width=13),
    C("name", width=30, reference=True),
    C("year", "year", True, width=8),
    C("text", width=22),
    C("value", "number", width=10),
    C("unit", choices="unit", width=8),
    C("reason", "choice", choices="reason", width=10),
    C("note", width=30),
    C("target", "number", width=10),
    C("explanation", width=30, added=True),
)
HISTORY = Sheet("history", _HISTORY_COLUMNS)
OLD_MEASURES = Sheet("old_measures", (
    C("measure_id", "id", True, width=13),
    C("name", width=36),
    C("owner", width=16),
    C("target", width=24),
    C("unit", width=8),
), optional=True)
OLD_HISTORY = Sheet("old_history", _HISTORY_COLUMNS, optional=True)

RECORD_SHEETS: tuple[Sheet, ...] = (DEPARTMENTS, GOALS, INITIATIVES, ACTIONS, INDICATORS,
                                    REPORTERS, GLOSSARY, PREVIOUS_TEXTS, HISTORY, OLD_MEASURES,
                                    OLD_HISTORY)
PLAN_SHEET = PLAN_BOOK_SHEETS["plan"]
GUIDE_SHEET = PLAN_BOOK_SHEETS["guide"]
CHOICES_SHEET = PLAN_BOOK_SHEETS["choices"]
PLAN_ITEMS = tuple(PLAN_BOOK_ITEMS)  # the rows of 計画, in order
PLAN_ITEM_KINDS: dict[str, ColumnKind] = {"start": "year", "end": "year", "report_year": "year",
                                          "previous_year": "year"}
REQUIRED_ITEMS = ("id", "name", "vision", "start", "end", "report_year")

# The drop-downs whose values come from another sheet's first column.
RANGE_CHOICES: dict[str, Sheet] = {"department": DEPARTMENTS, "old_measure": OLD_MEASURES}
YEAR_ROLES: dict[str, str] = {PLAN_BOOK_WORDS["deadline"]: "deadline",
                              PLAN_BOOK_WORDS["start"]: "start"}
SECTIONS: dict[str, str] = {PLAN_BOOK_WORDS["status"]: "status",
                            PLAN_BOOK_WORDS["plans"]: "plans"}
FLAG = PLAN_BOOK_WORDS["flag"]
SEPARATOR = PLAN_BOOK_WORDS["list-separator"]


def _enum(*path: str) -> list[str]:
    node = schema()
    for key in path:
        node = node[key]
    return [v for v in node["enum"] if v is not None]


def choice_lists(catalog: Catalog | None = None) -> dict[str, list[str]]:
    """The drop-down lists written into the 選択肢 sheet (units: the usual ones and every unit
    the catalog uses)."""
    used = sorted({m.unit for m in catalog.measures if m.unit} if catalog else set())
    return {
        "organisation": list(ORGANISATIONS),
        "unit": list(dict.fromkeys([*UNITS, *used])),
        "period": _enum("$defs", "measure", "properties", "period"),
        "qualifier": _enum("$defs", "measure", "properties", "qualifier"),
        "year_role": list(YEAR_ROLES),
        "reason": _enum("$defs", "reason"),
        "flag": [FLAG],
        "section": list(SECTIONS),
        "category": list(CATEGORIES),
    }


# Which drop-downs refuse another value (a unit or a reason not in the list only warns).
STRICT_CHOICES = ("organisation", "period", "qualifier", "year_role", "flag", "section",
                  "category", "department")
