"""集約: ``consolidate`` on the project folder — its progress polled by the page while it runs
(:mod:`consolidator.desk.progress`) — then the master, the log, next year's catalog and the
published report to download (its PDF and Word file said to be in the making while they are
drawn after the run, :mod:`consolidator.jobs.drawing`), and the 概要 figures (判定 per basic
goal) on the page;
次の年度へ (``next-year``, confirmed on the page, and ``--force`` as a second box) and its
元に戻す (``next-year --undo``)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, jsonify, redirect, render_template, request

from consolidator.desk.pages.downloads import send
from consolidator.desk.workspace import DOWNLOAD_WAIT_S, Workspace
from consolidator.findings import ERROR, WARNING
from consolidator.japanese_values import wareki
from consolidator.jobs.next_year import YearStep, archive_name, undo_record
from consolidator.messages import MASTER_TEXT, fill
from consolidator.messages.desk import DESK_TEXT
from consolidator.messages.folder import YEAR_STEP_DESK_TEXT
from consolidator.messages.outputs import JUDGEMENT_TEXT
from consolidator.publish import PUBLISHED_KINDS, SLOW_KINDS
from consolidator.report.merge import JUDGEMENTS


def blueprint(workspace: Workspace) -> Blueprint:
    bp = Blueprint("consolidate", __name__)

    @bp.get("/consolidate")
    def show() -> Any:
        job = workspace.last_job
        overview = []
        if job is not None and job.consolidated is not None:
            for goal, per_judgement in job.consolidated.judgement_counts():
                title = fill(MASTER_TEXT["goal-title"], number=goal["number"],
                             title=goal["title"])
                overview.append((title, [per_judgement[j] for j in JUDGEMENTS]))
        counts = ""
        if job is not None:
            rows = job.validation.department_rows()
            counts = fill(MASTER_TEXT["overview-counts"],
                          received=sum(1 for r in rows if r["received"]), departments=len(rows),
                          errors=job.validation.findings.count(ERROR),
                          warnings=job.validation.findings.count(WARNING))
        return render_template(
            "consolidate.html", active="consolidate", job=job, overview=overview,
            judgements=[JUDGEMENT_TEXT[j] for j in JUDGEMENTS], counts=counts,
            master=workspace.project.servable(workspace.project.master()) is not None,
            log=workspace.project.servable(workspace.project.log()) is not None,
            next_plan=workspace.project.servable(workspace.project.next_plan()) is not None,
            **_published(workspace), **_year_step(workspace))

    @bp.post("/consolidate")
    def run() -> Any:
        workspace.consolidate()
        return redirect("/consolidate")

    @bp.post("/next-year")
    def go_next_year() -> Any:
        if request.form.get("confirm") != "1":  # the box is required on the page too
            workspace.last_year_step = YearStep(False)
        else:
            workspace.next_year(force=request.form.get("force") == "1")
        workspace.last_step_was_undo = False
        return redirect("/consolidate")

    @bp.post("/next-year/undo")
    def undo_next_year() -> Any:
        workspace.undo_next_year()
        workspace.last_step_was_undo = True
        return redirect("/consolidate")

    @bp.get("/consolidate/progress")
    def progress() -> Any:
        """How far the running consolidation is: ``{"running", "done", "total"}`` (total
        null while consolidate does not report it), and ``drawing``: whether the published
        report's PDF or Word file is still being drawn after it."""
        state = workspace.progress.snapshot()
        return jsonify(running=state.running, done=state.done, total=state.total,
                       drawing=bool(workspace.drawing().drawing))

    @bp.get("/download/master")
    def master() -> Any:
        return send(workspace.project, workspace.project.master())

    @bp.get("/download/log")
    def log() -> Any:
        return send(workspace.project, workspace.project.log())

    @bp.get("/download/published/<kind>")
    def published(kind: str) -> Any:
        """A form of the published report: only one of the fixed kinds, by a fixed name. A
        form being drawn is waited for a while (then said to be still in the making); one
        the last drawing did not give is not handed out as if it were new."""
        if kind in workspace.drawing().drawing:
            workspace.drawings.wait(DOWNLOAD_WAIT_S)
        view = workspace.drawing()
        if kind in view.drawing:
            text = fill(DESK_TEXT["published-drawing-download"],
                        form=DESK_TEXT[f"download-published-{kind}"])
            page = render_template("message.html", heading=DESK_TEXT["published-drawing-heading"],
                                   text=text, active="consolidate")
            return page, 503, {"Retry-After": "5"}
        if kind in view.failed or _older_than_the_report(workspace, kind):
            abort(404)
        return send(workspace.project, workspace.project.published(kind))

    @bp.get("/download/next-plan")
    def next_plan() -> Any:
        return send(workspace.project, workspace.project.next_plan())

    return bp


def _published(workspace: Workspace) -> dict[str, Any]:
    """The forms of the published report on the page: each kind with its state — ``ready``
    (its link), ``drawing`` (being drawn after 集約: said so, no link to an older file),
    ``failed`` (the last drawing did not give it) — and the findings of its drawing."""
    view, project = workspace.drawing(), workspace.project
    shown = []
    for kind in PUBLISHED_KINDS:
        if kind in view.drawing:
            shown.append((kind, "drawing"))
        elif kind in view.failed or _older_than_the_report(workspace, kind):
            shown.append((kind, "failed"))
        elif project.servable(project.published(kind)) is not None:
            shown.append((kind, "ready"))
    return {"published": shown, "drawing": bool(view.drawing),
            "published_findings": view.findings}


def _older_than_the_report(workspace: Workspace, kind: str) -> bool:
    """Whether ``kind``, a form drawn after 集約, is older than the HTML written by 集約: of an
    earlier report (a drawing the desk's end cut short, or that failed before a restart, left
    the previous one in place), so not to be handed out as if new. Drawn forms are put in place
    after the HTML they go with, and ``report`` writes them after it too."""
    if kind not in SLOW_KINDS:
        return False
    project = workspace.project
    form, html = project.published(kind), project.published("html")
    try:
        return (form is not None and html is not None
                and form.stat().st_mtime_ns < html.stat().st_mtime_ns)
    except OSError:  # one of them is not there
        return False


def _year_step(workspace: Workspace) -> dict[str, Any]:
    """What the 次の年度へ section shows: the year and its archive, whether the last step
    can be undone, and the last step's outcome."""
    y, step, undo = YEAR_STEP_DESK_TEXT, workspace.last_year_step, workspace.last_step_was_undo
    message = ""
    if step is not None:
        if step.done:
            message = y["undo-done"] if undo else fill(y["done"], archive=step.archive.name
                                                       if step.archive else "", plan=step.plan)
        elif not step.findings:
            message = y["not-confirmed"]
        else:
            message = y["undo-refused" if undo else "refused"]
    return {"y": y, "year_label": wareki(workspace.project.year),
            "archive": archive_name(workspace.project.year),
            "can_undo": undo_record(workspace.project).is_file(),
            "step_message": message, "step_ok": bool(step and step.done),
            "step_findings": step.findings if step else []}
