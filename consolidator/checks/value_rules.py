"""The checks on what a department typed: each rule a small function with stable codes.

Input: the fields read from one workbook (:mod:`consolidator.reading.fields`). Output: the
accepted entries (what the master may use) and the findings. A value that cannot be read is
reported, never dropped and never turned into 0.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any

from consolidator.findings import Finding, make
from consolidator.japanese_values import DETAIL_TEXT, NumberReading, format_number, read_number
from consolidator.messages import REASONS, fill
from consolidator.messages.submission import CHANGE_TEXT
from consolidator.plan.change_rule import change_rule
from consolidator.submission import Entry
from consolidator.templates.model import REASON_CHOICES, Field, TemplateModel

# The version of the rules a returned file is checked by: these value rules and everything
# process_file applies before them (safety checks, reading, identity, finding the fields).
# It is part of the key of the result cache (consolidator/cache/): bump it with every change
# that can change what checking a file gives (a new or changed finding, an accepted value
# read differently), so no result checked under the old rules is reused. (The cache also
# keys on a fingerprint of the code, as a safety net; this number is the statement.)
RULES_VERSION = 3  # 2: the change rule and explanations where the value is typed (issue 13)
# 3: a fraction in a % field without a % format (value-percent-format-lost); a copy without its
#    field list read in the columns of its header rows (layout-unknown), its sheets found
#    also when renamed

PERCENT_FORMAT_DETAIL = DETAIL_TEXT["percent-format"]

ERROR_VALUES = re.compile(
    r"^#(?:NULL!|DIV/0!|VALUE!|REF!|NAME\?|NUM!|N/A|GETTING_DATA|SPILL!|CALC!)")
NUMBER_STATUS_CODES = {
    "not-a-number": "value-not-number",
    "unit-mismatch": "value-unit-mismatch",
    "approximate": "value-approximate",
    "range": "value-range",
    "reason-word": "value-reason-word",
    "negative": "value-negative",
    "percent-over": "value-percent-over",
}


class _Context:
    def __init__(self, model: TemplateModel, file: str) -> None:
        self.model = model
        self.file = file
        self.findings: list[Finding] = []
        self.entries: dict[str, Entry] = {}

    def add(self, code: str, read: Any, **extra: Any) -> None:
        f: Field = read.field
        self.findings.append(make(
            code, file=self.file, department=self.model.department, sheet=read.sheet,
            cell=read.cell,
            field_id=f.field_id, initiative_id=f.initiative_id, indicator=f.indicator_name,
            label=f.label, **extra))

    def accept(self, read: Any, value: Any) -> None:
        self.entries[read.field.field_id] = Entry(read.field.field_id, value, read.sheet, read.cell)


def check_values(model: TemplateModel, reads: dict[str, Any], file: str
                 ) -> tuple[dict[str, Entry], list[Finding]]:
    """Apply the rules to every field read from one workbook (``reads``: field id →
    :class:`~consolidator.reading.fields.FieldRead`). Returns the accepted entries (field id →
    value and its cell) and the findings; a value that breaks a rule is reported and not
    accepted, never dropped silently and never turned into 0."""
    ctx = _Context(model, file)
    for f in model.fields:
        read = reads.get(f.field_id)
        if read is None or f.role in ("reason", "reason_text", "explanation"):
            continue
        if f.role == "value":
            _measure(ctx, read, reads.get(f"{f.measure_id}.reason"),
                     reads.get(f"{f.measure_id}.reason_text"),
                     reads.get(f"{f.measure_id}.explanation"))
        else:
            _text_field(ctx, read)
    return ctx.entries, ctx.findings


def _cell_value(ctx: _Context, read: Any) -> tuple[bool, Any]:
    """(usable, value) after the formula and error-value rules."""
    if read.formula and not read.cached:
        ctx.add("formula-no-cache", read)
        return False, None
    v = read.raw
    if isinstance(v, str) and ERROR_VALUES.match(v.strip()):
        ctx.add("value-error-cell", read, value=v)
        return False, None
    if read.formula and v is not None:
        ctx.add("formula-cached", read, value=v)
    return True, v


def _as_text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, (datetime, date, time)):
        return v.isoformat()
    return str(v).replace("\r\n", "\n").strip()


def _text_field(ctx: _Context, read: Any) -> str:
    """A text input: formulas and error values reported, the length checked, the text
    accepted (also when too long: the error says so); returns it ("" when none)."""
    f: Field = read.field
    usable, v = _cell_value(ctx, read)
    if not usable:
        return ""
    text = _as_text(v)
    if not text:
        if f.required:
            ctx.add("status-empty" if f.role == "status" else "plan-empty", read)
        return ""
    if f.max_length is not None and len(text) > f.max_length:
        ctx.add("text-too-long", read, length=len(text), limit=f.max_length)
    ctx.accept(read, text)
    return text


def _measure(ctx: _Context, read: Any, reason_read: Any, text_read: Any,
             explanation_read: Any) -> None:
    f: Field = read.field
    explanation = "" if explanation_read is None else _text_field(ctx, explanation_read)
    usable, raw = _cell_value(ctx, read)
    if not usable:
        return
    reason = _reason(ctx, reason_read)
    reason_text = "" if text_read is None else _text_field(ctx, text_read)
    if isinstance(raw, (datetime, date, time)):
        ctx.add("value-not-number", read, value=_as_text(raw))
        return
    if read.percent_format and _is_number(raw):
        if not f.percent:
            shown = fill(DETAIL_TEXT["percent-shown"], value=f"{raw:.10g}")
            ctx.add("value-unit-mismatch", read, value=shown,
                    expected=f.value_unit or "")
            return
        raw = _percent_cell(ctx, read, raw)
    reading: NumberReading = read_number(raw, f.value_unit, percent=f.percent)
    if reading.status == "empty":
        if reason is None:
            if reason_read is None or not _as_text(reason_read.raw):
                ctx.add("value-missing", read)
        elif reason == REASONS["other"] and not reason_text:
            ctx.add("reason-other-no-text", reason_read)
        else:
            ctx.add("value-reason-given", read, value=reason)
        return
    if reading.status in NUMBER_STATUS_CODES:
        ctx.add(NUMBER_STATUS_CODES[reading.status], read, value=_as_text(raw),
                expected=f.value_unit or "")
        return
    if reading.status == "normalised":
        ctx.add("value-normalised", read, value=_as_text(raw), normalised=reading.value,
                detail=reading.detail)
    if reason is not None:
        ctx.add("value-and-reason", read)
    if f.percent and not read.percent_format and _is_number(raw) and reading.value is not None:
        _percent_format_lost(ctx, read, reading.value)
    ctx.accept(read, reading.value)
    _plausibility(ctx, read, reading.value, explanation_read, explanation)


def _percent_cell(ctx: _Context, read: Any, raw: int | float) -> int | float:
    """A cell formatted as % stores 57.5% as 0.575: the indicator's value is 57.5."""
    value = round(raw * 100, 10)
    value = int(value) if float(value).is_integer() else value
    ctx.add("value-normalised", read, value=f"{value}%", normalised=value,
            detail=PERCENT_FORMAT_DETAIL)
    return value


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _percent_format_lost(ctx: _Context, read: Any, value: int | float) -> None:
    """A % field (0 to 100) holding a number cell above 0 and at most 1, without a % format:
    most likely 57.5% typed as a percentage (stored as 0.575) whose format was lost when the
    values alone were pasted. A warning asking to check; the value is read as it is (0.575
    may also be right: 0.575%)."""
    if not 0 < value <= 1:
        return
    shown = round(value * 100, 10)
    ctx.add("value-percent-format-lost", read, value=value,
            percent=format_number(int(shown) if float(shown).is_integer() else shown))


def _reason(ctx: _Context, reason_read: Any) -> str | None:
    if reason_read is None:
        return None
    usable, v = _cell_value(ctx, reason_read)
    text = _as_text(v) if usable else ""
    if not text:
        return None
    if text not in REASON_CHOICES:
        ctx.add("reason-invalid", reason_read, value=text)
        return None
    ctx.accept(reason_read, text)
    return text


def _plausibility(ctx: _Context, read: Any, value: Any, explanation_read: Any,
                  explanation: str) -> None:
    """The change check (:mod:`consolidator.plan.change_rule`): a value far from last year's
    actual or from the target is a warning asking for the explanation in its cell — or, once
    explained there, information carrying the explanation. A 0 after a value is a warning."""
    f: Field = read.field
    measure = ctx.model.catalog.measure_by_id.get(f.measure_id or "")
    if measure is None:
        return
    rule = change_rule(measure, ctx.model.year)
    if value == 0 and rule.previous is not None:
        ctx.add("value-zero-was-nonzero", read, previous=rule.previous_text or rule.previous)
        return
    far = rule.far_from(value)
    if far is None:
        return
    basis, reference = far
    number = format_number(reference)
    shown = (rule.previous_text or number) if basis == "previous" else \
        f"{number}{f.value_unit or ''}"
    factor = format_number(rule.factor)
    if explanation:
        ctx.add("value-change-explained", read, value=value, explanation=explanation,
                basis=fill(CHANGE_TEXT[basis], reference=shown), factor=factor)
        return
    ask = (fill(CHANGE_TEXT["ask"], sheet=explanation_read.sheet, cell=explanation_read.cell)
           if explanation_read is not None else CHANGE_TEXT["ask-no-cell"])
    code = "value-tenfold" if basis == "previous" else "value-far-from-target"
    ctx.add(code, read, value=value, previous=shown, target=shown, factor=factor, ask=ask)
