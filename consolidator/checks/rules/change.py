"""The change check (:mod:`consolidator.plan.change_rule`): a value far from last year's
actual or from the target is a warning asking for the explanation in its cell — or, once
explained there, information carrying the explanation. A 0 after a value is a warning."""

from __future__ import annotations

from typing import Any

from consolidator.checks.rules.context import RuleContext
from consolidator.japanese_values import format_number
from consolidator.messages import fill
from consolidator.messages.submission import CHANGE_TEXT
from consolidator.plan.change_rule import change_rule
from consolidator.templates.model import Field

CODES = ("value-zero-was-nonzero", "value-change-explained", "value-tenfold",
         "value-far-from-target")


def check_change(ctx: RuleContext, read: Any, value: Any, explanation_read: Any,
                 explanation: str) -> None:
    """``value`` (accepted) against last year's actual and the target of its indicator."""
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
