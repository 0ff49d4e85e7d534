"""The checks on what a department typed: the list of the value rules and the order they
apply in. Each rule is a module of :mod:`consolidator.checks.rules`, declaring its codes.

Input: the fields read from one workbook (:mod:`consolidator.reading.fields`). Output: the
accepted entries (what the master may use) and the findings. A value that cannot be read is
reported, never dropped and never turned into 0.
"""

from __future__ import annotations

from typing import Any

from consolidator.checks.rules import (
    cell_value,
    change,
    number,
    percent,
    reason,
    text,
    value_or_reason,
)
from consolidator.checks.rules.context import RuleContext, is_number
from consolidator.findings import Finding
from consolidator.submission import Entry
from consolidator.templates.model import TemplateModel

RULES = (cell_value, text, reason, percent, number, value_or_reason, change)
"""Every value rule; the codes each can give are its ``CODES``."""


def check_values(model: TemplateModel, reads: dict[str, Any], file: str
                 ) -> tuple[dict[str, Entry], list[Finding]]:
    """Apply the rules to every field read from one workbook (``reads``: field id →
    :class:`~consolidator.reading.fields.FieldRead`). Returns the accepted entries (field id →
    value and its cell) and the findings; a value that breaks a rule is reported and not
    accepted, never dropped silently and never turned into 0."""
    ctx = RuleContext(model, file)
    for f in model.fields:
        read = reads.get(f.field_id)
        if read is None or f.role in ("reason", "reason_text", "explanation"):
            continue
        if f.role == "value":
            _indicator_value(ctx, read, reads.get(f"{f.measure_id}.reason"),
                             reads.get(f"{f.measure_id}.reason_text"),
                             reads.get(f"{f.measure_id}.explanation"))
        else:
            text.check_text(ctx, read)
    return ctx.entries, ctx.findings


def _indicator_value(ctx: RuleContext, read: Any, reason_read: Any, text_read: Any,
                     explanation_read: Any) -> None:
    """An indicator's value with the cells beside it: its explanation, the reason there is
    no value and that reason's text."""
    explanation = "" if explanation_read is None else text.check_text(ctx, explanation_read)
    usable, raw = cell_value.usable_value(ctx, read)
    if not usable:
        return
    given = reason.check_reason(ctx, reason_read)
    reason_text = "" if text_read is None else text.check_text(ctx, text_read)
    if read.percent_format and is_number(raw):
        raw = percent.percent_cell(ctx, read, raw)
        if raw is None:
            return
    reading = number.read_value(ctx, read, raw)
    if reading is None:
        return
    if reading.status == "empty":
        value_or_reason.blank_value(ctx, read, given, reason_read, reason_text)
        return
    value_or_reason.value_given(ctx, read, given)
    if read.field.percent and not read.percent_format and is_number(raw) \
            and reading.value is not None:
        percent.percent_format_lost(ctx, read, reading.value)
    ctx.accept(read, reading.value)
    change.check_change(ctx, read, reading.value, explanation_read, explanation)
