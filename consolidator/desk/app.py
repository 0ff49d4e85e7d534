"""The desk's web application: Flask, its Jinja2 templates and static files, the guard.

:func:`create_app` builds the application for one :class:`~consolidator.desk.workspace.Workspace`
and one :class:`~consolidator.desk.security.Guard`; the pages live in
:mod:`consolidator.desk.pages`, one module per page. Every word on a page comes from
:data:`consolidator.messages.desk.DESK_TEXT`.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, redirect, render_template, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from consolidator.desk.pages import PAGES
from consolidator.desk.security import FORM_FIELD, SAFE_METHODS, TOKEN_PARAM, Guard, same
from consolidator.desk.workspace import Workspace
from consolidator.japanese_values import wareki
from consolidator.jobs.output_folder import OutputBusy
from consolidator.limits import MiB
from consolidator.messages import SEVERITY_LABELS, fill
from consolidator.messages.desk import DESK_TEXT
from consolidator.templates.model import format_words

SECURITY_HEADERS = {
    # Everything the pages use is served by the desk itself: no CDN, nothing inline.
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; "
                               "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def create_app(workspace: Workspace, guard: Guard) -> Flask:
    """The WSGI application of the desk (served by :mod:`consolidator.desk.server`)."""
    app = Flask(__name__, static_folder="static", template_folder="templates")
    limits = workspace.limits
    app.config.update(MAX_CONTENT_LENGTH=limits.max_upload_bytes,
                      MAX_FORM_PARTS=limits.max_upload_files + 20)
    app.jinja_env.globals.update(
        t=DESK_TEXT, fill=fill, severity_label=SEVERITY_LABELS, csrf_field=FORM_FIELD,
        format_words=format_words,
        csrf=guard.token, folder=str(workspace.project.root),
        pages=[(p.key, p.endpoint) for p in PAGES])

    @app.context_processor
    def plan() -> dict[str, str]:  # read per request: the plan can be replaced on 計画
        project = workspace.project
        return {"plan_name": project.catalog.plan["name"],
                "year_label": fill(DESK_TEXT["header-year"], year=wareki(project.year))}

    @app.before_request
    def check() -> Any:
        if request.method == "GET" and request.host in guard.hosts() \
                and same(request.args.get(TOKEN_PARAM), guard.token):
            # The address the command opened: keep the key as a cookie, drop it from the URL.
            response = redirect(request.path)
            response.set_cookie(guard.cookie_name, guard.token, httponly=True,
                                samesite="Strict", path="/")
            return response
        why = guard.refusal(request.method, request.path, request.host,
                            request.cookies.get(guard.cookie_name),
                            request.headers.get("Origin"), request.headers.get("Referer"))
        if why is None and request.method not in SAFE_METHODS:
            # Only now is the body read: the headers came from this origin with the key.
            why = guard.form_refusal(request.method, request.form.get(FORM_FIELD))
        return None if why is None else _refused(why)

    @app.after_request
    def headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.get("/")
    def home() -> Any:
        return redirect("/status")

    for page in PAGES:
        app.register_blueprint(page.blueprint(workspace))

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(_exc: HTTPException) -> Any:
        text = fill(DESK_TEXT["too-large-request"], limit=limits.max_upload_bytes // MiB)
        return _page(413, DESK_TEXT["forbidden-heading"], text)

    @app.errorhandler(404)
    def not_found(_exc: HTTPException) -> Any:
        return _page(404, DESK_TEXT["not-found-heading"], DESK_TEXT["not-found"])

    @app.errorhandler(405)
    def not_allowed(_exc: HTTPException) -> Any:
        return _page(405, DESK_TEXT["not-found-heading"], DESK_TEXT["not-found"])

    @app.errorhandler(OutputBusy)
    def busy(_exc: Exception) -> Any:
        return _page(409, DESK_TEXT["forbidden-heading"], DESK_TEXT["busy"])

    @app.errorhandler(OSError)
    def write_error(exc: OSError) -> Any:  # disk full, no permission: nothing half-written
        text = fill(DESK_TEXT["write-error"], detail=f"{exc.strerror or exc}")
        return _page(500, DESK_TEXT["forbidden-heading"], text)

    return app


def _refused(why: str) -> Any:
    return _page(403, DESK_TEXT["forbidden-heading"], DESK_TEXT[why])


def _page(status: int, heading: str, text: str) -> Any:
    return render_template("message.html", heading=heading, text=text, active=None), status
