"""An indicator has a value or the reason there is none (未記入の理由), not neither (an
error) and not both (a warning: the value is used). The reason その他 needs its text."""

from __future__ import annotations

from typing import Any

from consolidator.checks.rules.context import RuleContext, as_text
from consolidator.messages import REASONS

CODES = ("value-missing", "reason-other-no-text", "value-reason-given", "value-and-reason")


def blank_value(ctx: RuleContext, read: Any, reason: str | None, reason_read: Any,
                reason_text: str) -> None:
    """The value's cell is blank: a reason must say why."""
    if reason is None:
        if reason_read is None or not as_text(reason_read.raw):
            ctx.add("value-missing", read)
    elif reason == REASONS["other"] and not reason_text:
        ctx.add("reason-other-no-text", reason_read)
    else:
        ctx.add("value-reason-given", read, value=reason)


def value_given(ctx: RuleContext, read: Any, reason: str | None) -> None:
    """The value's cell holds a value: a reason beside it is a contradiction to clear."""
    if reason is not None:
        ctx.add("value-and-reason", read)
