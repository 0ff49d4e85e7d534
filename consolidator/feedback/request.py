"""What a department was asked, and the name of the e-mail draft that goes back to it: all a
re-run needs of the feedback when nothing a department gets has changed (its files are then
left as they are, see :mod:`consolidator.feedback.department_files`), kept apart from the
workbook annotation and the e-mail (:mod:`consolidator.feedback.annotate`,
:mod:`consolidator.feedback.drafts`), which are only loaded to write.
"""

from __future__ import annotations

from dataclasses import dataclass

from consolidator.messages.correction import MAIL_TEXT


@dataclass(frozen=True)
class Request:
    """What the department was asked, as ``generate`` wrote it into its template."""

    department: str
    year_label: str  # 令和4年
    deadline: str
    contact: str
    passed: bool = False  # the deadline has passed (a reminder says so)


def draft_name(department: str) -> str:
    return f"{department}{MAIL_TEXT['file-suffix']}"
