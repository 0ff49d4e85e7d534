"""How a finding reads on the desk's pages: its severity as a badge whose word says it
(エラー / 警告 / お知らせ, not a colour alone), and its action as what to do on the desk where
the catalog's action names a command to type (:data:`~consolidator.messages.desk.DESK_ACTIONS`).
"""

from __future__ import annotations

from collections.abc import Iterable

from consolidator.findings import SEVERITY_ORDER, Finding, Severity
from consolidator.messages import fill
from consolidator.messages.desk import DESK_ACTIONS, DESK_TEXT


def severity_word(severity: Severity) -> str:
    """エラー / 警告 / お知らせ."""
    return DESK_TEXT[f"severity-{severity}"]


def desk_action(f: Finding) -> str:
    """What to do about ``f``, said for the desk (the finding's own action otherwise)."""
    text = DESK_ACTIONS.get(f.code)
    if text is None:
        return f.action
    return fill(text, department=f.department or "", file=f.file or "")


def severity_counts(findings: Iterable[Finding]) -> list[tuple[Severity, int]]:
    """(severity, how many) for each severity present, the most serious first."""
    counts: dict[Severity, int] = {}
    for f in findings:
        counts[f.severity] = counts.get(f.severity, 0) + 1
    return sorted(counts.items(), key=lambda item: SEVERITY_ORDER[item[0]])
