"""A cell's value before any other rule: a formula with no cached result cannot be read
(error), an error value such as #DIV/0! is not a value (error), a formula's cached result is
used and said so (information)."""

from __future__ import annotations

import re
from typing import Any

from consolidator.checks.rules.context import RuleContext

CODES = ("formula-no-cache", "value-error-cell", "formula-cached")

ERROR_VALUES = re.compile(
    r"^#(?:NULL!|DIV/0!|VALUE!|REF!|NAME\?|NUM!|N/A|GETTING_DATA|SPILL!|CALC!)")


def usable_value(ctx: RuleContext, read: Any) -> tuple[bool, Any]:
    """(usable, value) of the cell of ``read`` after the formula and error-value rules."""
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
