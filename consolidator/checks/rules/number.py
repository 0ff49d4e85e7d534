"""An indicator's value read as a number, the way people write numbers in Japanese
workbooks (:func:`consolidator.japanese_values.read_number`): full-width digits, 千/万,
the unit typed along are read and said so; a date, a text that is no number, another unit,
an approximate value (約10), a range (10～20), a reason typed in the value's cell, a negative
value or a % over 100 are errors, and the value is not used."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from consolidator.checks.rules.context import RuleContext, as_text
from consolidator.japanese_values import NumberReading, read_number
from consolidator.templates.model import Field

NUMBER_STATUS_CODES = {
    "not-a-number": "value-not-number",
    "unit-mismatch": "value-unit-mismatch",
    "approximate": "value-approximate",
    "range": "value-range",
    "reason-word": "value-reason-word",
    "negative": "value-negative",
    "percent-over": "value-percent-over",
}
CODES = (*NUMBER_STATUS_CODES.values(), "value-normalised")


def read_value(ctx: RuleContext, read: Any, raw: Any) -> NumberReading | None:
    """The reading of ``raw`` (the cell's value): None when it is no usable number (reported),
    else its status is "empty" (blank) or the value is in ``.value`` (read as typed, or
    normalised: reported as information)."""
    f: Field = read.field
    if isinstance(raw, (datetime, date, time)):
        ctx.add("value-not-number", read, value=as_text(raw))
        return None
    reading = read_number(raw, f.value_unit, percent=f.percent)
    if reading.status in NUMBER_STATUS_CODES:
        ctx.add(NUMBER_STATUS_CODES[reading.status], read, value=as_text(raw),
                expected=f.value_unit or "")
        return None
    if reading.status == "normalised":
        ctx.add("value-normalised", read, value=as_text(raw), normalised=reading.value,
                detail=reading.detail)
    return reading
