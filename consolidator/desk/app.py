"""The desk's web application: Flask, its Jinja2 templates and static files, the guard.

:func:`create_app` builds the application for one :class:`~consolidator.desk.workspace.Workspace`
and one :class:`~consolidator.desk.security.Guard`; the pages live in
:mod:`consolidator.desk.pages`, one module per page. Every word on a page comes from
:data:`consolidator.messages.desk.DESK_TEXT`.
"""

from __future__ import annotations

import threading
from typing import IO, Any

from flask import Flask, Request, Response, g, redirect, render_template, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.formparser import FormDataParser

from consolidator.desk.pages import PAGES
from consolidator.desk.security import (
    FORM_FIELD,
    LOOPBACK,
    SAFE_METHODS,
    TOKEN_PARAM,
    Guard,
    UnderRoot,
    same,
)
from consolidator.desk.wording import desk_action, severity_counts, severity_word
from consolidator.desk.workspace import Workspace
from consolidator.japanese_values import wareki
from consolidator.jobs.output_folder import OutputBusy
from consolidator.limits import MiB
from consolidator.messages import fill
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


class DeskRequest(Request):
    """A request whose form is parsed loudly: a body that cannot be read (a file name that is
    not UTF-8) raises ``ValueError`` instead of reading as an empty form — which would lack
    the form's key and be refused as if sent from another page."""

    def make_form_data_parser(self) -> FormDataParser:
        parser = super().make_form_data_parser()
        parser.silent = False
        return parser

    def _get_file_stream(self, total_content_length: int | None, content_type: str | None,
                         filename: str | None = None,
                         content_length: int | None = None) -> IO[bytes]:
        stream = super()._get_file_stream(total_content_length, content_type, filename,
                                          content_length)
        self.__dict__.setdefault("_desk_streams", []).append(stream)
        return stream

    def close(self) -> None:
        """Also the files of a form whose reading stopped half-way (too many parts, a name
        that is not UTF-8): werkzeug has not handed them to ``files`` to be closed."""
        super().close()
        for stream in self.__dict__.get("_desk_streams", []):
            stream.close()


def create_app(workspace: Workspace, guard: Guard) -> Flask:
    """The WSGI application of the desk (served by :mod:`consolidator.desk.server`).

    One request that changes the folder runs at a time; another one sent meanwhile (a second
    click, a second tab) is answered at once that the folder is busy (409), instead of
    waiting for a server thread and leaving none to the pages, which always answer."""
    app = Flask(__name__, static_folder="static", template_folder="templates")
    app.request_class = DeskRequest
    app.wsgi_app = UnderRoot(app.wsgi_app, guard.root)  # type: ignore[method-assign]
    changing = threading.Lock()
    limits = workspace.limits
    # A body of exactly the limit is taken: under waitress (which ends the input stream
    # itself) werkzeug reads once more after the last byte and refuses a body that reached
    # MAX_CONTENT_LENGTH. A larger one is refused by waitress (desk.early_answers).
    app.config.update(MAX_CONTENT_LENGTH=limits.max_upload_bytes + 1,
                      MAX_FORM_PARTS=limits.max_upload_files + 20)
    app.jinja_env.globals.update(
        t=DESK_TEXT, fill=fill, severity_word=severity_word, severity_counts=severity_counts,
        action=desk_action, csrf_field=FORM_FIELD, format_words=format_words,
        csrf=guard.form, folder=str(workspace.project.root),
        # what the upload forms refuse before sending (desk.js), as the server would
        upload_max_bytes=limits.max_upload_bytes, upload_max_files=limits.max_upload_files,
        upload_too_large=fill(DESK_TEXT["too-large-request"],
                              limit=limits.max_upload_bytes // MiB),
        upload_too_many=fill(DESK_TEXT["too-many-parts"], limit=limits.max_upload_files),
        pages=[(p.key, p.endpoint) for p in PAGES])

    @app.context_processor
    def plan() -> dict[str, str]:  # read per request: the plan can be replaced on 計画
        project = workspace.project
        return {"plan_name": project.catalog.plan["name"],
                "year_label": fill(DESK_TEXT["header-year"], year=wareki(project.year))}

    @app.before_request
    def admit() -> Any:
        root = request.script_root
        if request.method == "GET" and request.host in guard.hosts() \
                and same(root, guard.root) and same(request.args.get(TOKEN_PARAM), guard.token):
            # The address the command opened: keep the key as a cookie sent only under the
            # root, drop it from the URL.
            response = redirect(request.path)
            response.set_cookie(guard.cookie_name, guard.token, httponly=True,
                                samesite="Strict", path=guard.cookie_path)
            return response
        cookie = request.cookies.get(guard.cookie_name)
        why = guard.refusal(request.method, root, request.path, request.host, cookie,
                            request.headers.get("Origin"), request.headers.get("Referer"))
        if why is not None:
            return _refused(why)
        g.keyed = guard.keyed(root, cookie)  # a page may say which project this is
        if request.method in SAFE_METHODS:
            return None
        if not changing.acquire(blocking=False):  # released when the request ends
            return _page(409, DESK_TEXT["forbidden-heading"], DESK_TEXT["busy"])
        g.changing = True
        try:  # only now is the body read: the headers came from this origin with the key
            field = request.form.get(FORM_FIELD)
        except ValueError:  # a file name that is not UTF-8, a cut body
            return _page(400, DESK_TEXT["unreadable-heading"], DESK_TEXT["unreadable-form"])
        why = guard.form_refusal(request.method, field)
        return None if why is None else _refused(why)

    @app.teardown_request
    def done(_exc: BaseException | None) -> None:
        if g.pop("changing", False):
            changing.release()

    @app.after_request
    def headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        # The pages redirect to "/status" …: within the root, where the cookie is sent.
        location = response.headers.get("Location")
        root = request.script_root
        if location and location.startswith("/") and not location.startswith("//") \
                and root and not location.startswith(f"{root}/"):
            response.headers["Location"] = root + location
        return response

    for page in PAGES:
        app.register_blueprint(page.blueprint(workspace))

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(_exc: HTTPException) -> Any:
        size = request.content_length
        if size is not None and size <= limits.max_upload_bytes:  # too many files, not bytes
            text = fill(DESK_TEXT["too-many-parts"], limit=limits.max_upload_files)
        else:
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
        app.logger.warning("%s %s: %s", request.method, request.path, exc, exc_info=exc)
        text = fill(DESK_TEXT["write-error"], detail=f"{exc.strerror or exc}")
        return _page(500, DESK_TEXT["forbidden-heading"], text)

    return app


def _refused(why: str) -> Any:
    return _page(403, DESK_TEXT["forbidden-heading"], DESK_TEXT[why])


def early_page(app: Flask, root: str, heading: str, text: str) -> bytes:
    """The bare refusal page (as :func:`_page` gives without the key) rendered outside a
    request, for the answers waitress gives before the desk sees a request
    (:mod:`consolidator.desk.early_answers`); ``root``: the pages' root (its style sheet)."""
    with app.test_request_context(base_url=f"http://{LOOPBACK}{root}/"):
        page = render_template("refused.html", heading=heading, text=text, active=None)
    return page.encode("utf-8")


def _page(status: int, heading: str, text: str) -> Any:
    """A message page: in the desk's frame for a request that carried the key; else (a
    refusal, a missing style sheet asked without the key) a bare page that says nothing of
    the folder, the plan or the pages."""
    template = "message.html" if g.get("keyed") else "refused.html"
    return render_template(template, heading=heading, text=text, active=None), status
