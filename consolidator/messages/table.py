"""The shape of a message and how a text is filled in (no texts here)."""

from __future__ import annotations

import string
from typing import Any

from consolidator.severity import Severity

Message = tuple[Severity, str, str]
"""(severity, Japanese message, Japanese action), each text a ``str.format`` template."""


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


_FORMATTER = string.Formatter()


def fill(template: str, **values: Any) -> str:
    """Format ``template``; placeholders without a value become empty, never an error."""
    given = _Blank({k: ("" if v is None else v) for k, v in values.items()})
    return _FORMATTER.vformat(template, (), given)
