"""A text input (取組状況, 次年度の予定, an explanation): a required one left empty, one over
its length. The text is accepted also when too long (the error says so)."""

from __future__ import annotations

from typing import Any

from consolidator.checks.rules.cell_value import usable_value
from consolidator.checks.rules.context import RuleContext, as_text
from consolidator.templates.model import Field

CODES = ("status-empty", "plan-empty", "text-too-long")


def check_text(ctx: RuleContext, read: Any) -> str:
    """The text of the cell of ``read``, checked and accepted; "" when there is none."""
    f: Field = read.field
    usable, v = usable_value(ctx, read)
    if not usable:
        return ""
    text = as_text(v)
    if not text:
        if f.required:
            ctx.add("status-empty" if f.role == "status" else "plan-empty", read)
        return ""
    if f.max_length is not None and len(text) > f.max_length:
        ctx.add("text-too-long", read, length=len(text), limit=f.max_length)
    ctx.accept(read, text)
    return text
