"""状況: one row per department from the ledger — received, file, versions, errors, open and
accepted warnings, last seen — and the count of missing values (what ``consolidator status``
prints); its findings on click, each open warning accepted there with a reason (what
``consolidator accept`` records); its 確認事項 and e-mail draft to download while it has
something open; then the files no department could be told from, and the departments still
missing with their reminder drafts. Its versions (``/status/versions/<担当>``): every version
the ledger kept, and what each changed from the one before (what ``consolidator diff``
prints, from the values the ledger kept).
"""

from __future__ import annotations

import sqlite3
from typing import Any
from urllib.parse import quote

from flask import Blueprint, abort, redirect, render_template, request

from consolidator.checks.changes import compare_values, shown
from consolidator.desk.pages.downloads import send
from consolidator.desk.pages.form_fields import form_text
from consolidator.desk.workspace import Workspace
from consolidator.japanese_values import wareki
from consolidator.ledger.acceptance import subject_of
from consolidator.ledger.history import department_versions
from consolidator.messages import fill
from consolidator.messages.correction import REMIND_TEXT
from consolidator.messages.desk import DESK_TEXT
from consolidator.templates.model import build

MAX_TEXT_CHARS = 1000


def blueprint(workspace: Workspace) -> Blueprint:
    bp = Blueprint("status", __name__)

    @bp.get("/status")
    def show() -> Any:
        view = workspace.status()
        p = workspace.project
        # What the last acceptance or reminder gave is said once, on the page that follows it.
        accepted, workspace.last_accept = workspace.last_accept, None
        reminded, workspace.last_remind = workspace.last_remind, False
        remind_refused, workspace.remind_refused = workspace.remind_refused, None
        rows = view.rows
        recorded = ""
        if view.recorded is not None:
            r = view.recorded
            recorded = fill(DESK_TEXT["status-recorded"], at=when(r.run_at),
                            command=DESK_TEXT.get(f"run-{r.command}", DESK_TEXT["run-other"]),
                            year=wareki(r.year))
        return render_template(
            "status.html", active="status", view=view, rows=rows, recorded=recorded,
            received=sum(1 for r in rows if r.received),
            log={r.department: p.servable(p.department_log(r.department)) is not None
                 for r in rows},
            mail={r.department: p.servable(p.department_mail(r.department)) is not None
                  for r in rows},
            reminder={r.department: p.servable(p.reminder(r.department)) is not None
                      for r in rows},
            reminder_list=p.servable(p.reminder_list()) is not None,
            missing=[r for r in rows if not r.received],
            # Before any template went out, nobody is late: no list of the missing to remind.
            ask_missing=not view.nothing_yet or bool(p.templates_present()),
            accepting=view.recorded is not None, accept=accepted, subject=subject_of,
            reminded=reminded, remind_refused=remind_refused,
            past_deadline_label=REMIND_TEXT["past-deadline-label"], when=when)

    @bp.get("/status/versions/<department>")
    def versions(department: str) -> Any:
        if department not in workspace.project.catalog.department_names:
            abort(404)
        p = workspace.project
        problem, kept = None, []
        try:
            kept = department_versions(workspace.ledger, department, p.year)
        except sqlite3.Error as exc:  # damaged or locked: said, as on 状況
            problem = f"{type(exc).__name__}: {exc}"
        model = build(p.catalog, department, p.year)
        changes = [None][:len(kept)] + [compare_values(before.fields, after.fields, model)
                            if before.fields and after.fields else None
                            for before, after in zip(kept, kept[1:], strict=False)]
        return render_template("versions.html", active="status", department=department,
                               versions=list(zip(kept, changes, strict=True)),
                               problem=problem, when=when, shown=shown)

    @bp.post("/status/validate")
    def validate() -> Any:
        workspace.validate()
        return redirect("/status")

    @bp.post("/status/accept")
    def accept() -> Any:
        form = request.form
        # As the finding has them (a value is at most 200 characters and an ellipsis).
        code, department, subject, value = (form.get(k, "")[:MAX_TEXT_CHARS]
                                            for k in ("code", "department", "subject", "value"))
        if not code or department not in workspace.project.catalog.department_names:
            abort(404)
        workspace.accept((code, department, subject, value),
                         form_text("reason", MAX_TEXT_CHARS), form_text("by"),
                         replace=form.get("replace") == "1")
        return redirect(f"/status#{quote(f'department-{department}')}")

    @bp.post("/status/remind")
    def remind() -> Any:
        workspace.remind(form_text("deadline"), form_text("contact"),
                         past_deadline=bool(request.form.get("past_deadline")))
        return redirect("/status#missing")

    @bp.get("/status/log/<department>")
    def department_log(department: str) -> Any:
        return send(workspace.project, workspace.project.department_log(department))

    @bp.get("/status/mail/<department>")
    def department_mail(department: str) -> Any:
        return send(workspace.project, workspace.project.department_mail(department))

    @bp.get("/status/reminder/<department>")
    def reminder(department: str) -> Any:
        return send(workspace.project, workspace.project.reminder(department))

    @bp.get("/status/reminders.xlsx")
    def reminder_list() -> Any:
        return send(workspace.project, workspace.project.reminder_list())

    return bp


def when(stamp: str | None) -> str:
    """An ISO time as a person reads it: 2023-05-20 14:03 (as ``consolidator status``)."""
    return (stamp or "")[:16].replace("T", " ")
