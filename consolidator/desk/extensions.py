"""Where the desk meets parts of the toolkit that are still being built, in one table.

Each entry names a library function the desk will call once it exists (``module:function``);
:func:`hook` returns it, or None while the module or the function is not there, and the page
shows its slot only when it is. Wiring a feature is then one line here (the real name) and,
where its arguments differ, one call in the page that uses it.

- ``plan-export`` / ``plan-import``: the plan as a workbook (``plan export`` / ``plan import
  FILE.xlsx``), the 計画 page's download and upload. Expected: ``export(catalog, path)``
  writes the workbook; ``import(path)`` returns ``(catalog document or None, findings)``
  (:meth:`consolidator.desk.workspace.Workspace.import_plan` does the rest).

Not behind a hook, because they are files or one call: the ledger's per-department status
replaces the call of :func:`consolidator.desk.department_status.department_status` in
:mod:`consolidator.desk.pages.status`; the e-mail drafts other commands write are offered
where they are, when they are there (:meth:`consolidator.desk.project.Project.department_mail`,
:meth:`~consolidator.desk.project.Project.reminder`).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

HOOKS: dict[str, str] = {
    "plan-export": "consolidator.plan.workbook:export_workbook",
    "plan-import": "consolidator.plan.workbook:import_workbook",
}


def hook(name: str) -> Callable[..., Any] | None:
    """The function behind ``name`` in :data:`HOOKS`, or None while it does not exist."""
    module_name, _, function = HOOKS[name].partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and module_name.startswith(exc.name):
            return None  # the module is not there yet (a missing dependency of it is a bug)
        raise
    found = getattr(module, function, None)
    return found if callable(found) else None
