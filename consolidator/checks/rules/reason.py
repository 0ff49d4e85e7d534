"""The 未記入の理由 drop-down: one of its choices or nothing (a pasted other text is an
error and is not used)."""

from __future__ import annotations

from typing import Any

from consolidator.checks.rules.cell_value import usable_value
from consolidator.checks.rules.context import RuleContext, as_text
from consolidator.templates.model import REASON_CHOICES

CODES = ("reason-invalid",)


def check_reason(ctx: RuleContext, reason_read: Any) -> str | None:
    """The reason chosen (accepted), or None when none is given or it is not a choice."""
    if reason_read is None:
        return None
    usable, v = usable_value(ctx, reason_read)
    text = as_text(v) if usable else ""
    if not text:
        return None
    if text not in REASON_CHOICES:
        ctx.add("reason-invalid", reason_read, value=text)
        return None
    ctx.accept(reason_read, text)
    return text
