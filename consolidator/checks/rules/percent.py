"""Percentages as Excel stores them: a cell formatted as % holds 57.5% as 0.575.

In a % indicator the value is read as 57.5 and said so; a %-formatted cell in an indicator
counted in another unit is a unit mismatch; a fraction in a % indicator whose % format was
lost (values pasted alone) is a warning asking to check."""

from __future__ import annotations

from typing import Any

from consolidator.checks.rules.context import RuleContext
from consolidator.japanese_values import DETAIL_TEXT, format_number
from consolidator.messages import fill
from consolidator.templates.model import Field

CODES = ("value-unit-mismatch", "value-normalised", "value-percent-format-lost")

PERCENT_FORMAT_DETAIL = DETAIL_TEXT["percent-format"]


def percent_cell(ctx: RuleContext, read: Any, raw: int | float) -> int | float | None:
    """The value of a number cell formatted as %: 57.5 for 0.575 in a % indicator; None
    (reported) in an indicator counted in another unit."""
    f: Field = read.field
    if not f.percent:
        shown = fill(DETAIL_TEXT["percent-shown"], value=f"{raw:.10g}")
        ctx.add("value-unit-mismatch", read, value=shown, expected=f.value_unit or "")
        return None
    value = round(raw * 100, 10)
    value = int(value) if float(value).is_integer() else value
    ctx.add("value-normalised", read, value=f"{value}%", normalised=value,
            detail=PERCENT_FORMAT_DETAIL)
    return value


def percent_format_lost(ctx: RuleContext, read: Any, value: int | float) -> None:
    """A % field (0 to 100) holding a number cell above 0 and at most 1, without a % format:
    most likely 57.5% typed as a percentage (stored as 0.575) whose format was lost when the
    values alone were pasted. A warning asking to check; the value is read as it is (0.575
    may also be right: 0.575%)."""
    if not 0 < value <= 1:
        return
    shown = round(value * 100, 10)
    ctx.add("value-percent-format-lost", read, value=value,
            percent=format_number(int(shown) if float(shown).is_integer() else shown))
