"""What a department's workbook holds, independent of how it is drawn.

The template writer renders this model into an .xlsx; the submission reader and the validator
use the same model to know which fields to expect, where their row keys are and which
reference texts must be unchanged. One model, so the two sides cannot drift.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from consolidator.japanese_values import wareki
from consolidator.messages import INDICATOR_HEADERS as INDICATOR_HEADERS
from consolidator.messages import OUTPUT_TEXT, TEMPLATE_TEXT, TEXT_HEADERS, YEAR_LABELS, fill
from consolidator.messages import REASON_CHOICES as REASON_CHOICES
from consolidator.plan.catalog import (
    CATEGORIES,
    COUNCIL,
    Catalog,
    InitiativeView,
    MeasureView,
    action_line,
    indicator_line,
)
from consolidator.plan.change_rule import ChangeRule, change_rule

# The layout of a department's workbook. Format 1 (until 2023): 活動指標 showed last year's
# actual only. Format 2: the last HISTORY_YEARS years' actuals. Format 3: an explanation
# (増減の理由) beside each value, coloured when the value is far off. Workbooks of every format in
# READABLE_FORMATS are read: each field is found by its defined name (confirmed by the row
# key), so its column is wherever that workbook put it.
FORMAT_VERSION = "3"


def format_words(version: str) -> str:
    """A returned workbook's format version as its reader says it: 最新 (this layout), 以前の
    様式 (an older copy, read by its names), nothing when there is no workbook."""
    if not version:
        return ""
    return OUTPUT_TEXT["format-current" if version == FORMAT_VERSION else "format-older"]


# The key of the department in a workbook's identity (``_meta`` and the custom properties);
# "unit" since format 1, kept for the files already sent out.
DEPARTMENT_KEY = "unit"
READABLE_FORMATS = ("1", "2", "3")
TEXT_SHEET = TEMPLATE_TEXT["text-sheet"]
INDICATOR_SHEET = TEMPLATE_TEXT["indicator-sheet"]
COVER_SHEET = TEMPLATE_TEXT["cover-sheet"]
META_SHEET = "_meta"

# The ASCII part of a category's field ids (1-1-1.status.dokuji), by category.
CATEGORY_SLUGS: dict[str, str] = dict(zip(CATEGORIES, ("dokuji", "jutaku", "hojo"), strict=True))
TEXT_LIMIT = 2000
REASON_TEXT_LIMIT = 200
EXPLANATION_LIMIT = 200

# Both input sheets start with a title, a note and the header row.
HEADER_ROWS = 3
# Columns (1-based) of 実施状況; its headers are TEXT_HEADERS.
KEY_COL = 1
TEXT_INPUT_COL = 4

# The columns of 活動指標, left to right, with their widths: the one table of its layout
# (adding a column is adding a line). Headers: INDICATOR_HEADERS by key; "actual-<k>" is the
# actual of k years before the report year (YEAR_LABELS["prev_value"]), "actual-1" last
# year's. The drop-down of the reason column: REASON_CHOICES.
HISTORY_YEARS = 3  # the actuals of the last three years are shown
INDICATOR_LAYOUT: tuple[tuple[str, int], ...] = (  # (key, column width): A4 at 8 pt or more
    ("id", 9),
    ("initiative", 11),
    ("indicator", 16),
    ("target", 11),
    ("unit", 5),
    *((f"actual-{k}", 7 if k > 1 else 8) for k in range(HISTORY_YEARS, 0, -1)),
    ("value", 8),
    ("explanation", 12),
    ("reason", 8),
    ("reason_text", 12),
)
IND_COL: dict[str, int] = {key: n for n, (key, _) in enumerate(INDICATOR_LAYOUT, start=1)}
IND_VALUE_COL = IND_COL["value"]
IND_EXPLANATION_COL = IND_COL["explanation"]
IND_REASON_COL = IND_COL["reason"]
IND_REASON_TEXT_COL = IND_COL["reason_text"]


FieldKind = Literal["number", "text", "choice"]
FieldRole = Literal["status", "plan", "value", "reason", "reason_text", "explanation"]
TEXT_ROLES: tuple[FieldRole, ...] = ("status", "plan")
MEASURE_ROLES: tuple[FieldRole, ...] = ("value", "explanation", "reason", "reason_text")


@dataclass(frozen=True)
class Field:
    """One input cell of a department's workbook."""

    field_id: str
    sheet: str
    row: int
    col: int
    kind: FieldKind
    role: FieldRole
    department: str
    initiative_id: str
    key: str  # what column A of the field's row holds
    label: str
    indicator_id: str | None = None
    indicator_name: str | None = None
    measure_id: str | None = None
    category: str | None = None
    max_length: int | None = None
    percent: bool = False
    value_unit: str | None = None  # the counting unit of a number field (人, 回, %)
    required: bool = False

    @property
    def defined_name(self) -> str:
        return defined_name(self.field_id)


@dataclass(frozen=True)
class Reference:
    """A locked reference cell whose text the template fixes (checked when a file returns)."""

    ref_id: str
    sheet: str
    row: int
    col: int
    text: str

    @property
    def defined_name(self) -> str:
        return "R_" + _name_part(self.ref_id)


RowStyle = Literal["sheet-title", "note", "header", "goal", "initiative", "reference", "input",
                   "indicator"]


@dataclass
class Row:
    """A row of an input sheet as drawn: cells (col → text) and a style name."""

    style: RowStyle
    cells: dict[int, str]


@dataclass
class TemplateModel:
    """Everything a department's workbook holds: its fields, its reference texts and the rows
    of its two input sheets."""

    department: str
    organisation: str
    year: int
    catalog: Catalog
    fields: list[Field] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    text_rows: list[Row] = field(default_factory=list)
    indicator_rows: list[Row] = field(default_factory=list)
    # measure id → the change check its 増減の理由 cell is coloured by (measures with a
    # reference to compare with only)
    change_rules: dict[str, ChangeRule] = field(default_factory=dict)

    def empty_history_columns(self) -> list[int]:
        """The 活動指標 columns of past years no indicator of the sheet has an actual for:
        hidden (they would take the width of the printed page for nothing), not left out,
        so that every column stays where INDICATOR_LAYOUT puts it."""
        columns = [IND_COL[f"actual-{k}"] for k in range(1, HISTORY_YEARS + 1)]
        rows = [r for r in self.indicator_rows if r.style == "indicator"]
        return [c for c in columns if rows and not any(r.cells.get(c) for r in rows)]

    def identity(self, generated_at: str, tool_version: str, deadline: str = "",
                 contact: str = "") -> dict[str, str]:
        """What the template says it is (``_meta`` and the custom properties), with what the
        department is asked (deadline and contact, shown again when findings go back)."""
        return {
            "format_version": FORMAT_VERSION,
            "plan_id": self.catalog.plan_id,
            "catalog_hash": self.catalog.content_hash,
            "fiscal_year": str(self.year),
            DEPARTMENT_KEY: self.department,
            "generated_at": generated_at,
            "tool_version": tool_version,
            "deadline": deadline,
            "contact": contact,
        }


def defined_name(field_id: str) -> str:
    return "F_" + _name_part(field_id)


def _name_part(ident: str) -> str:
    return ident.replace("-", "_").replace(".", "_")


def status_field_id(initiative_id: str, category: str | None) -> str:
    return _text_field_id(initiative_id, "status", category)


def plan_field_id(initiative_id: str, category: str | None) -> str:
    return _text_field_id(initiative_id, "plan", category)


def _text_field_id(initiative_id: str, role: str, category: str | None) -> str:
    suffix = f".{CATEGORY_SLUGS[category]}" if category else ""
    return f"{initiative_id}.{role}{suffix}"


def year_labels(year: int) -> dict[str, str]:
    """The labels of YEAR_LABELS for a report on fiscal ``year``."""
    of_year = {"status": year, "plan": year + 1, "prev_plan": year, "value": year,
               "prev_value": year - 1}
    return {key: fill(YEAR_LABELS[key], year=wareki(y)) for key, y in of_year.items()}


def build(catalog: Catalog, department: str, year: int) -> TemplateModel:
    """The workbook of ``department`` for fiscal ``year``: the initiatives it reports on, one
    status and one plan field per initiative (per category for 市社協), and a value, an
    explanation (増減の理由), a reason and a reason-text field per measure it owns. Raises
    ``KeyError`` for a department the catalog does not have."""
    organisation = catalog.organisation_of(department)
    if organisation is None:
        raise KeyError(department)
    t = TemplateModel(department=department, organisation=organisation, year=year,
                      catalog=catalog)
    _build_text_sheet(t)
    _build_indicator_sheet(t)
    return t


# ---- 実施状況 sheet ----------------------------------------------------------------------------

def _build_text_sheet(t: TemplateModel) -> None:
    labels = year_labels(t.year)
    rows = t.text_rows
    title = fill(TEMPLATE_TEXT["text-sheet-title"], department=t.department,
                 status=labels["status"], plan=labels["plan"])
    rows.append(Row("sheet-title", {1: title}))
    rows.append(Row("note", {1: TEMPLATE_TEXT["text-sheet-note"]}))
    rows.append(Row("header", dict(enumerate(TEXT_HEADERS, start=1))))
    for ini in t.catalog.initiatives_for(t.department):
        _initiative_block(t, ini, labels)


def _ref(t: TemplateModel, ref_id: str, sheet: str, row: int, col: int, text: str) -> None:
    t.references.append(Reference(ref_id, sheet, row, col, text))


def _initiative_block(t: TemplateModel, ini: InitiativeView, labels: dict[str, str]) -> None:
    rows = t.text_rows
    goal, activity = ini.goal, ini.activity
    heading = fill(TEMPLATE_TEXT["goal-heading"], goal=goal["number"], goal_title=goal["title"],
                   activity=activity["number"], activity_title=activity["title"])
    rows.append(Row("goal", {1: ini.id, 2: heading}))
    title = f"{ini.label} {ini.title}"
    rows.append(Row("initiative", {1: ini.id, 2: title}))
    _ref(t, f"{ini.id}.title", TEXT_SHEET, len(rows), 2, title)

    actions = [a for a in ini.data["actions"] if a["organisation"] == t.organisation]
    if actions:
        text = "\n".join(action_line(a) for a in actions)
        rows.append(Row("reference", {1: ini.id, 2: TEMPLATE_TEXT["plan-label"],
                                      3: TEMPLATE_TEXT["plan-actions-label"], 4: text}))
        _ref(t, f"{ini.id}.actions", TEXT_SHEET, len(rows), 4, text)
    indicators = [ind for ind in ini.data["indicators"] if ind["organisation"] == t.organisation]
    if indicators:
        text = "\n".join(indicator_line(ind) for ind in indicators)
        label = TEMPLATE_TEXT["plan-indicators-label"]
        rows.append(Row("reference", {1: ini.id, 2: TEMPLATE_TEXT["plan-label"], 3: label,
                                      4: text}))

    for category in _categories(t, ini):
        cat_label = (fill(TEMPLATE_TEXT["category"], category=category) if category
                     else t.department)
        reported = category is None or category in ini.categories(t.department)
        prev_plan = _previous_text(t, ini, "plans", category)
        if prev_plan:
            rows.append(Row("reference", {1: ini.id, 2: cat_label, 3: labels["prev_plan"],
                                          4: prev_plan}))
        note = "" if reported else TEMPLATE_TEXT["not-reported-before"]
        for role in ("status", "plan"):
            fid = _text_field_id(ini.id, role, category)
            rows.append(Row("input", {1: fid, 2: cat_label, 3: labels[role] + note}))
            t.fields.append(Field(
                field_id=fid, sheet=TEXT_SHEET, row=len(rows), col=TEXT_INPUT_COL, kind="text",
                role=role, department=t.department, initiative_id=ini.id, key=fid,
                label=f"{ini.id} {cat_label} {labels[role]}", category=category,
                max_length=TEXT_LIMIT, required=reported,
            ))


def _categories(t: TemplateModel, ini: InitiativeView) -> list[str | None]:
    if t.department != COUNCIL:
        return [None]
    return list(CATEGORIES)


def _previous_text(t: TemplateModel, ini: InitiativeView, section: str, category: str | None
                   ) -> str:
    """The previous report's text of the department (also under a former name)."""
    prev = ini.previous
    if prev.get("year") != t.year - 1:
        return ""
    names = t.catalog.names_of(t.department)
    texts = [r["text"] for r in prev.get(section, [])
             if names & set(r["departments"]) and (r.get("category") or None) == category]
    return "\n".join(texts)


# ---- 活動指標 sheet ----------------------------------------------------------------------------

def _build_indicator_sheet(t: TemplateModel) -> None:
    labels = year_labels(t.year)
    rows = t.indicator_rows
    title = fill(TEMPLATE_TEXT["indicator-sheet-title"], department=t.department,
                 value=labels["value"])
    rows.append(Row("sheet-title", {1: title}))
    rows.append(Row("note", {1: TEMPLATE_TEXT["indicator-sheet-note"]}))
    headers = {**INDICATOR_HEADERS, "value": labels["value"]}
    for k in range(1, HISTORY_YEARS + 1):
        headers[f"actual-{k}"] = fill(YEAR_LABELS["prev_value"], year=wareki(t.year - k))
    rows.append(Row("header", {col: headers[key] for key, col in IND_COL.items()}))
    measures = t.catalog.measures_owned_by(t.department)
    for m in measures:
        _indicator_row(t, m)
    if not measures:
        rows.append(Row("note", {1: TEMPLATE_TEXT["no-indicators"]}))


def _indicator_row(t: TemplateModel, m: MeasureView) -> None:
    rows = t.indicator_rows
    target = m.data.get("text") or m.indicator["target"]["text"]
    cells = {
        IND_COL["id"]: m.id,
        IND_COL["initiative"]: f"{m.initiative.id} {m.initiative.title}",
        IND_COL["indicator"]: m.name,
        IND_COL["target"]: target,
        IND_COL["unit"]: m.unit or "",
    }
    for k in range(1, HISTORY_YEARS + 1):
        cells[IND_COL[f"actual-{k}"]] = _actual_text(m.actual_of(t.year - k))
    rows.append(Row("indicator", {col: text for col, text in sorted(cells.items())}))
    r = len(rows)
    _ref(t, f"{m.id}.name", INDICATOR_SHEET, r, IND_COL["indicator"], m.name)
    common = dict(sheet=INDICATOR_SHEET, row=r, department=t.department,
                  initiative_id=m.initiative.id,
                  key=m.id, indicator_id=m.indicator["id"], indicator_name=m.indicator["name"],
                  measure_id=m.id)
    t.fields.append(Field(field_id=f"{m.id}.value", col=IND_VALUE_COL, kind="number",
                          role="value", label=_label(m, IND_VALUE_COL), percent=m.percent,
                          value_unit=m.unit, required=True, **common))  # type: ignore[arg-type]
    t.fields.append(Field(field_id=f"{m.id}.explanation", col=IND_EXPLANATION_COL, kind="text",
                          role="explanation", label=_label(m, IND_EXPLANATION_COL),
                          max_length=EXPLANATION_LIMIT, **common))  # type: ignore[arg-type]
    rule = change_rule(m, t.year)
    if rule.checks:
        t.change_rules[m.id] = rule
    t.fields.append(Field(field_id=f"{m.id}.reason", col=IND_REASON_COL, kind="choice",
                          role="reason", label=_label(m, IND_REASON_COL),
                          **common))  # type: ignore[arg-type]
    t.fields.append(Field(field_id=f"{m.id}.reason_text", col=IND_REASON_TEXT_COL, kind="text",
                          role="reason_text", label=_label(m, IND_REASON_TEXT_COL),
                          max_length=REASON_TEXT_LIMIT, **common))  # type: ignore[arg-type]


def change_cells(t: TemplateModel) -> list[tuple[Field, Field, ChangeRule]]:
    """(value field, its 増減の理由 field, the change check) of every measure with a
    reference to compare with: where the writers put the conditional colours."""
    values = {f.measure_id: f for f in t.fields if f.role == "value"}
    return [(values[f.measure_id], f, t.change_rules[f.measure_id]) for f in t.fields
            if f.role == "explanation" and f.measure_id in t.change_rules]


def validation_key(f: Field) -> tuple[str, bool, int | None, str]:
    """The fields that share a data validation rule (and its input message): same kind,
    percent, length limit and message (:func:`prompt_key`)."""
    return f.kind, f.percent, f.max_length, f.role if f.role == "explanation" else ""


def prompt_key(role: str) -> str:
    """The key of a text field's input message in TEMPLATE_TEXT."""
    return "explanation-prompt" if role == "explanation" else "text-prompt"


def far_condition(rule: ChangeRule, value: str, explanation: str, *, explained: bool,
                  sep: str = ",") -> str:
    """The condition of the conditional format on a 増減の理由 cell (the same test as
    :meth:`ChangeRule.far_from`): the value (cell reference ``value``) is far off and the
    explanation (``explanation``) is blank — or, with ``explained``, filled. ``sep`` separates
    arguments (``;`` in OpenDocument formulas)."""
    tests: dict[str, None] = {}  # in order, once each (last year's actual may be the target)
    for c in rule.checks:
        if c.high:
            tests[f"{value}>={_number(c.reference * rule.factor)}"] = None
        if c.low:
            tests[f"{value}*{_number(rule.factor)}<={_number(c.reference)}"] = None
    filled = f"LEN(TRIM({explanation})){'>' if explained else '='}0"
    return (f"AND(ISNUMBER({value}){sep}{value}>0{sep}OR({sep.join(tests)}){sep}{filled})")


def _number(x: float) -> str:
    """A number as a formula writes it: 1110, 57.5 (the shortest text that reads back as
    the same float, so the spreadsheet compares with exactly the rule's number)."""
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e15 else repr(float(x))


def _label(m: MeasureView, col: int) -> str:
    """A measure's field label: its name and the column's name in INDICATOR_HEADERS."""
    return f"{m.name} {INDICATOR_HEADERS[INDICATOR_LAYOUT[col - 1][0]]}"


def _actual_text(prev: dict[str, Any] | None) -> str:
    if not prev:
        return ""
    return str(prev.get("text") or prev.get("reason") or "")


# The field list written into the identity sheet (``_meta``), one row per field, read back by
# :mod:`consolidator.reading.field_map`. The department is in the identity block above it.
META_COLUMNS = ("field_id", "defined_name", "sheet", "row", "col", "key", "kind", "role",
                "initiative_id",
                "indicator_id", "indicator_name", "measure_id", "category", "label",
                "value_unit", "percent", "max_length", "required")
