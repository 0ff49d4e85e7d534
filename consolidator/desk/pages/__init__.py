"""The desk's pages, one module each, in the order of the yearly cycle.

- :mod:`.home`: はじめに, the steps of the year and where the folder is at;
- :mod:`.plan`: 計画, the plan at a glance, the plan workbook to download and take back in;
- :mod:`.workbooks`: 様式, generating the templates (and their e-mail drafts), downloading them;
- :mod:`.submit`: 提出, dropping returned files, saved and checked at once;
- :mod:`.status`: 状況, one row per department (the ledger's), accepting warnings, drafts and
  reminders;
- :mod:`.consolidate`: 集約, the master, the log and next year's catalog;
- :mod:`.downloads`: handing out a file of the project folder (and nothing else);
- :mod:`.form_fields`: text typed into a form, trimmed and cut to a length.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint

from consolidator.desk.pages import consolidate, home, plan, status, submit, workbooks
from consolidator.desk.workspace import Workspace


@dataclass(frozen=True)
class Page:
    key: str  # its menu text is DESK_TEXT["nav-<key>"]
    endpoint: str  # "<blueprint>.<view>" of its main view
    blueprint: Callable[[Workspace], Blueprint]


PAGES = [
    Page("home", "home.show", home.blueprint),
    Page("plan", "plan.show", plan.blueprint),
    Page("workbooks", "workbooks.show", workbooks.blueprint),
    Page("submit", "submit.show", submit.blueprint),
    Page("status", "status.show", status.blueprint),
    Page("consolidate", "consolidate.show", consolidate.blueprint),
]
