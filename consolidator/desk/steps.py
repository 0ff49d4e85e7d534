"""The steps of the year as the home page shows them — 計画を確かめる → 様式を作る → 配る →
受け取る → 集約 → 報告書 — and which one the project folder is at, from what is in it:

- a master newer than every returned file: 報告書 (the published report is beside it);
- returned files: 集約 once every department's is in, else 受け取る;
- templates: 配る;
- a plan taken in (on 計画, ``plan.json``, or the plan the folder's settings name, e.g. next
  year's after 次の年度へ on the command line): 様式を作る;
- nothing yet: 計画を確かめる.

Each step before the current one is done, each after it still to come.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from consolidator.desk.project import Project

# (key, the page it is done on): the text is DESK_TEXT["step-<key>"] and "step-<key>-text".
STEPS = (("plan", "plan.show"), ("workbooks", "workbooks.show"), ("send", "workbooks.show"),
         ("receive", "submit.show"), ("consolidate", "consolidate.show"),
         ("report", "consolidate.show"))
DONE, CURRENT, TODO = "done", "current", "todo"


@dataclass(frozen=True)
class Step:
    number: int  # 1…6
    key: str
    endpoint: str
    state: str  # done / current / todo


def current_step(project: Project, plan_file: Path, all_received: bool) -> str:
    """The key of the step the folder is at (see the module's list); ``plan_file`` is where
    a plan taken in is kept, ``all_received`` whether every department's file is in."""
    returned = _modified(project.submissions)
    master = project.servable(project.master())
    made = _modified(master) if master is not None else []
    if made and all(t <= made[0] for t in returned):
        return "report"
    if returned:
        return "consolidate" if all_received else "receive"
    if project.templates_present():
        return "send"
    return "workbooks" if plan_file.is_file() else "plan"


def year_steps(current: str) -> list[Step]:
    """The six steps, the ones before ``current`` done, the ones after it to come."""
    at = [key for key, _endpoint in STEPS].index(current)
    return [Step(i + 1, key, endpoint, DONE if i < at else CURRENT if i == at else TODO)
            for i, (key, endpoint) in enumerate(STEPS)]


def _modified(where: Path) -> list[float]:
    """The modification time of the file ``where``, or of every file below the folder
    ``where`` (a file gone meanwhile, or unreadable, is left out)."""
    found = []
    for path in [where] if where.is_file() else where.rglob("*") if where.is_dir() else []:
        try:
            if path.is_file():
                found.append(path.stat().st_mtime)
        except OSError:
            continue
    return found
