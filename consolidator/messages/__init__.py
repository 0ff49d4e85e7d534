"""Every user-facing text of the toolkit, in one package.

- :data:`MESSAGES` maps a stable English finding code to (severity, Japanese message,
  Japanese action), gathered from :mod:`.submission` (a returned workbook), :mod:`.safety`
  (the file checks), :mod:`.plan` (catalogs and the report importer), :mod:`.plan_book`
  (the plan as a workbook, and the plan's changes; with that workbook's texts),
  :mod:`.outputs` (the run's own output files, e.g. a master held open in Excel) and
  :mod:`.publish` (:data:`~.publish.PUBLISH`: a form of the published report not drawn, e.g.
  its PDF without typst or a Japanese font). Codes are never
  renamed: logs are filtered on them. In a code, ``unit`` means the reporting department
  (``unit-missing``), as it did when the codes were first published.
- Beside their findings, :mod:`.safety` holds the texts that go into them (:data:`LOOKS_LIKE`,
  :data:`SAFETY_TEXT`) and :mod:`.plan` the schema errors' details (:data:`SCHEMA_DETAILS`)
  and the lines of ``plan show`` (:data:`PLAN_SUMMARY_TEXT`).
- :mod:`.correction`: the correction loop — its findings (:data:`CORRECTION`: the ledger,
  resubmissions), the annotated workbook, the e-mail drafts, ``accept``, ``status``, ``diff``.
- :mod:`.workbook`: the texts written into a template (sheet names, headers, year labels, the
  reasons of the drop-down, the file name); :mod:`.outputs`: the command line, the master
  workbook, the log's headings, the plan comparison and small separators; :mod:`.table`:
  the shape of a message and :func:`fill`; :mod:`.desk`: the pages of ``consolidator desk``;
  :mod:`.publish`: the published report (``consolidator report``); :mod:`.folder`: the
  working folder's settings file and ``next-year`` (findings :data:`~.folder.FOLDER`).

Templates use ``str.format`` placeholders filled from the finding's location and value:
``{department} {file} {sheet} {cell} {field_id} {initiative_id} {indicator} {value} {path}``
and any extra keyword given to :func:`consolidator.findings.make`.
"""

from __future__ import annotations

from typing import Any

from consolidator.messages.correction import CORRECTION
from consolidator.messages.folder import FOLDER
from consolidator.messages.outputs import (
    ANALYSIS_COLUMNS,
    CLI_TEXT,
    CONSOLE,
    DIFF_TEXT,
    MASTER_TEXT,
    OUTPUT_TEXT,
    OUTPUTS,
)
from consolidator.messages.plan import PLAN, PLAN_SUMMARY_TEXT, SCHEMA_DETAILS
from consolidator.messages.plan_book import PLAN_BOOK
from consolidator.messages.publish import PUBLISH
from consolidator.messages.safety import LOOKS_LIKE, SAFETY, SAFETY_TEXT
from consolidator.messages.submission import NUMBER_DETAIL_TEXT, SUBMISSION
from consolidator.messages.table import Message, fill
from consolidator.messages.workbook import (
    INDICATOR_HEADERS,
    REASON_CHOICES,
    REASONS,
    TEMPLATE_TEXT,
    TEXT_HEADERS,
    YEAR_LABELS,
)
from consolidator.severity import ERROR, INFO, WARNING, Severity

SEVERITY_LABELS: dict[Severity, str] = {ERROR: "エラー", WARNING: "警告", INFO: "情報"}


def _merged(*tables: dict[str, Message]) -> dict[str, Message]:
    merged: dict[str, Message] = {}
    for table in tables:
        for code, message in table.items():
            if code in merged:
                raise ValueError(f"message code defined twice: {code}")
            merged[code] = message
    return merged


MESSAGES: dict[str, Message] = _merged(SUBMISSION, SAFETY, PLAN, PLAN_BOOK, OUTPUTS,
                                       CORRECTION, PUBLISH, FOLDER)


def render(code: str, **values: Any) -> Message:
    severity, message, action = MESSAGES[code]
    return severity, fill(message, **values), fill(action, **values)


def cli_text(key: str, **values: Any) -> str:
    return fill(CLI_TEXT[key], **values)


__all__ = ["ANALYSIS_COLUMNS", "CLI_TEXT", "CONSOLE", "DIFF_TEXT", "INDICATOR_HEADERS",
           "LOOKS_LIKE", "MASTER_TEXT", "MESSAGES", "NUMBER_DETAIL_TEXT", "OUTPUT_TEXT", "PLAN_SUMMARY_TEXT", "REASONS",
           "REASON_CHOICES", "SAFETY_TEXT", "SCHEMA_DETAILS", "SEVERITY_LABELS", "TEMPLATE_TEXT",
           "TEXT_HEADERS", "YEAR_LABELS", "Message", "cli_text", "fill", "render"]
