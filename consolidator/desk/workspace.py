"""The desk's hold on its project folder: one change at a time, and what the last ones gave.

Every request that changes the folder goes through :class:`Workspace`: a lock lets one such
request run at a time in this process, and the output folder's lock
(:func:`consolidator.jobs.output_folder.exclusive`, the one ``validate`` and ``consolidate``
hold) keeps a command-line run from reading the folder while the desk writes into it. What is
done is the command line's own work, called the same way: ``generate_templates`` and
``write_send_out_drafts`` (``generate --mail``), ``run_validate``, ``run_consolidate``,
``validate_folder``, ``record_acceptances`` (``accept``), ``ledger_status`` (``status``),
``import_workbook`` (``plan import``), ``remind_departments`` (``remind``).
"""

from __future__ import annotations

import logging
import sqlite3
import tempfile
import threading
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from consolidator.atomic import write_text_atomic
from consolidator.checks.result import ValidationResult
from consolidator.checks.validation import validate_folder
from consolidator.desk.department_status import StatusView, status_view
from consolidator.desk.progress import Progress
from consolidator.desk.project import Project, folder_year
from consolidator.desk.uploads import (
    PathTooLong,
    TooLarge,
    has_leftovers,
    path_limit,
    remove_leftovers,
    safe_name,
    save_upload,
)
from consolidator.feedback.drafts import write_send_out_drafts
from consolidator.findings import Finding, make
from consolidator.folder_settings import update_settings
from consolidator.jobs.drawing import Drawings, DrawingView, Task
from consolidator.jobs.drawing import has_leftovers as drawing_leftovers
from consolidator.jobs.drawing import remove_leftovers as remove_drawing_leftovers
from consolidator.jobs.next_year import YearStep, next_year, undo_next_year
from consolidator.jobs.output_folder import OutputBusy, exclusive
from consolidator.jobs.publishing import publish_consolidated
from consolidator.jobs.runs import JobResult, run_consolidate, run_validate
from consolidator.ledger.acceptance import AcceptResult, Key, marked_row, record_acceptances
from consolidator.ledger.records import digest
from consolidator.limits import DEFAULT_LIMITS, Limits, MiB
from consolidator.messages import fill
from consolidator.messages.correction import REMIND_TEXT
from consolidator.messages.desk import DESK_TEXT
from consolidator.output_names import PLAN_FILE
from consolidator.plan.catalog import Catalog, dump_json
from consolidator.plan.workbook_import import import_workbook
from consolidator.publish import draw_slow_forms, publish_folder
from consolidator.safe_paths import WrittenFiles
from consolidator.safety.verdict import verdict_of
from consolidator.submission import Submission
from consolidator.templates.generate import generate_templates

Fingerprint = tuple[tuple[str, int, int], ...]
_log = logging.getLogger(__name__)
# How long a download of a form being drawn waits for it, and how long 次の年度へ and the
# desk's end wait for a running drawing (then it is ended: nothing half-written is left).
DOWNLOAD_WAIT_S = 10.0
DRAWING_WAIT_S = 30.0


@dataclass(frozen=True)
class Upload:
    """One file as the browser sent it."""

    name: str
    stream: IO[bytes]


@dataclass
class UploadedFile:
    """One uploaded file: where it was saved (or why not) and what the checks found."""

    original: str
    saved: str | None = None  # the name in submissions/, which is also how the log names it
    refused: str | None = None  # why it was not saved (Japanese)
    submission: Submission | None = None
    findings: list[Finding] = field(default_factory=list)


@dataclass
class UploadReport:
    files: list[UploadedFile]
    refused: str | None = None  # why nothing was saved (Japanese)


@dataclass
class PlanImport:
    """An edited plan workbook taken in: its findings, and the catalog written if it was clean."""

    file: str
    findings: list[Finding]
    written: Path | None = None


@dataclass
class Acceptance:
    """A warning accepted (or refused) on 状況: its department and what the ledger said."""

    department: str
    result: AcceptResult


@dataclass
class Generated:
    """The templates ``generate`` wrote, and the e-mail drafts (``generate --mail``)."""

    templates: list[Path]
    drafts: list[Path] = field(default_factory=list)
    failed: list[Finding] = field(default_factory=list)  # the departments left out, and why


class Workspace:
    """The project folder with the desk's lock and its last results (in memory only)."""

    def __init__(self, project: Project, limits: Limits = DEFAULT_LIMITS,
                 draw: Task = draw_slow_forms) -> None:
        self.project = project
        self.limits = limits
        self._changing = threading.Lock()
        # The published report's PDF and Word file, drawn after 集約 has answered.
        self.drawings = Drawings(self._changing, draw)
        self._checking = threading.Lock()
        self._checked: tuple[Fingerprint, ValidationResult] | None = None
        self._digests: tuple[Fingerprint, dict[str, str]] | None = None
        # The plan was replaced since the desk's last run: the ledger's runs are of another plan.
        self._plan_replaced = False
        self.last_upload: UploadReport | None = None
        self.last_job: JobResult | None = None
        self.last_generated: Generated | None = None
        self.last_plan_import: PlanImport | None = None
        self.last_accept: Acceptance | None = None
        self.last_remind: bool = False
        self.remind_refused: str | None = None  # why the last reminders were not written
        self.last_year_step: YearStep | None = None
        self.last_step_was_undo = False
        self._before_step: Catalog | None = None  # the plan in use before 次の年度へ
        self.progress = Progress()
        with suppress(OSError):  # no right to move it: tried again by the next start or run
            project.adopt_state()  # a ledger an earlier version kept in output/ joins the folder

    # ---- reading ---------------------------------------------------------------------------
    def validation(self) -> ValidationResult:
        """The validation of the submissions folder as it is now (reused while no file in it
        changed). Only reads the folder, like ``validate_folder``."""
        with self._checking:
            now = fingerprint(self.project.submissions)
            if self._checked is None or self._checked[0] != now:
                p = self.project
                self._checked = (now, validate_folder(p.submissions, p.catalog, p.year,
                                                      self.limits))
            return self._checked[1]

    def _remember(self, result: ValidationResult, before: Fingerprint) -> None:
        """Keep a run's validation, for the folder as it was when the run began."""
        with self._checking:
            self._checked = (before, result)
            self._plan_replaced = False

    @property
    def ledger(self) -> Path:
        """The ledger the runs of the desk record into: the working folder's (the command
        line's too, whatever the year)."""
        return self.project.ledger

    def status(self) -> StatusView:
        """状況: the ledger's status when its latest run is of the folder as it is now, else the
        folder's validation (see :mod:`consolidator.desk.department_status`). Only reads."""
        result = self.validation()
        return status_view(result, self.ledger, self.digests(result),
                           trust_ledger=not self._plan_replaced)

    def digests(self, result: ValidationResult) -> dict[str, str]:
        """Name → SHA-256 of the files ``result`` checked (reused while no file changed)."""
        folder = self.project.submissions
        with self._checking:
            now = fingerprint(folder)
            if self._digests is None or self._digests[0] != now:
                found = {s.file: digest(folder / s.file) for s in result.submissions}
                self._digests = (now, {name: d[0] for name, d in found.items() if d})
            return self._digests[1]

    # ---- changing ----------------------------------------------------------------------------
    def generate(self, deadline: str, contact: str, mail: bool = False) -> Generated:
        """``consolidator generate --deadline … --contact …`` into ``workbook_templates/``;
        with ``mail`` (``--mail``) also each template's e-mail draft beside it. A field left
        empty is the folder's setting (``consolidator.toml``), as on the command line."""
        p = self.project
        deadline, contact = self._request(deadline, contact)
        with self._changing, exclusive(p.output):
            paths = generate_templates(p.catalog, p.year, p.templates, deadline=deadline,
                                       contact=contact)
            drafts = write_send_out_drafts(p.catalog, p.year, paths, deadline,
                                           contact) if mail else WrittenFiles()
            self.last_generated = Generated(paths, drafts, paths.failed + drafts.failed)
        return self.last_generated

    def validate(self) -> JobResult:
        """``consolidator validate`` on the project folder: the run recorded in the ledger, the
        logs and what goes back to each department written (as after an upload)."""
        p = self.project
        with self._changing:
            before = fingerprint(p.submissions)
            job = run_validate(p.submissions, p.catalog, p.year, p.output, state=p.state)
        self._remember(job.validation, before)
        return job

    def accept(self, key: Key, reason: str, by: str = "", *, replace: bool = False
               ) -> Acceptance:
        """``consolidator accept`` for one warning (code, department, subject, value), with
        the reason and who accepts it (default: the login user): recorded in the ledger when
        its latest run has that warning; an error, a warning the run does not have or a
        missing reason is refused with the ledger's Japanese message. A warning accepted
        before keeps its record, unless ``replace`` (``accept --replace``): then the earlier
        record goes to the ledger's history."""
        def where(_row: int, k: Key) -> str:
            return fill(DESK_TEXT["accept-where"], code=k[0], department=k[1] or "-",
                        subject=k[2])

        with self._changing:
            try:
                result = record_acceptances(self.ledger, [(0, marked_row(key, reason))],
                                            by or None, where, replace=replace)
            except sqlite3.Error as exc:  # damaged or locked past the timeout: nothing recorded
                result = AcceptResult(problem=fill(DESK_TEXT["ledger-problem"],
                                                   detail=f"{type(exc).__name__}: {exc}"))
        self.last_accept = Acceptance(key[1], result)
        return self.last_accept

    def remind(self, deadline: str, contact: str, past_deadline: bool = False) -> None:
        """``consolidator remind --deadline … --contact …``: the reminder drafts and their
        list for the departments that sent nothing (and the correction drafts for files with
        errors), recorded in the ledger. A field left empty is the folder's setting, else
        what the templates sent out said. A deadline already past is refused (nothing written,
        :attr:`remind_refused` says why and what to do) unless ``past_deadline``
        (``--past-deadline``)."""
        from consolidator.jobs.reminders import DeadlinePassed, remind_departments

        p = self.project
        deadline, contact = self._request(deadline, contact)
        try:
            with self._changing:
                remind_departments(p.submissions, p.catalog, p.year, p.output,
                                   deadline=deadline, contact=contact, state=p.state,
                                   past_deadline=past_deadline)
        except DeadlinePassed as passed:
            self.remind_refused = passed.message + REMIND_TEXT["deadline-passed-desk"]
            return
        self.remind_refused = None
        self.last_remind = True

    def _request(self, deadline: str, contact: str) -> tuple[str, str]:
        """The deadline and contact typed, each else the folder's setting (a settings file
        that cannot be read gives none: the page's fields are used as typed)."""
        kept, _found = self.project.settings()
        return deadline or kept.deadline or "", contact or kept.contact or ""

    def upload(self, files: Iterable[Upload]) -> UploadReport:
        """Save the files into ``submissions/`` (safe names, never overwriting, each within
        the size limit), then ``consolidator validate`` the folder; the report says, per file,
        its saved name and its department, format version and findings."""
        chosen = [f for f in files if f.name]
        limit = self.limits.max_upload_files
        if not chosen:
            return self._keep(UploadReport([], DESK_TEXT["no-files"]))
        if len(chosen) > limit:
            return self._keep(UploadReport([], fill(DESK_TEXT["too-many-files"], limit=limit,
                                                    count=len(chosen))))
        p = self.project
        with self._changing:
            with exclusive(p.output):
                remove_leftovers(p.submissions)  # of an upload a crash cut short
                report = UploadReport([self._save(f) for f in chosen])
            before = fingerprint(p.submissions)
            job = run_validate(p.submissions, p.catalog, p.year, p.output, state=p.state)
        self._remember(job.validation, before)
        by_file = {s.file: s for s in job.validation.submissions}
        for row in report.files:
            if row.saved is not None:
                row.submission = by_file.get(row.saved)
                row.findings = [f for f in job.validation.findings if f.file == row.saved]
        return self._keep(report)

    def tidy(self) -> None:
        """Remove what an upload cut short by a crash left in ``submissions/`` (the desk's
        own temporaries only, :func:`~consolidator.desk.uploads.remove_leftovers`) and what a
        drawing of the published report left in ``公表/``
        (:func:`~consolidator.jobs.drawing.remove_leftovers`), holding the output folder's
        lock as an upload does; left for later while a run holds it."""
        p = self.project
        drawn = publish_folder(p.output)
        if has_leftovers(p.submissions) or drawing_leftovers(drawn):
            with self._changing, suppress(OutputBusy), exclusive(p.output):
                remove_leftovers(p.submissions)
                if self.drawings.wait(0):  # none of this desk's own runs
                    remove_drawing_leftovers(drawn)

    def close(self, timeout: float = DRAWING_WAIT_S) -> None:
        """The desk's end: a drawing of the published report still running is waited for
        (up to ``timeout`` seconds), then ended and its temporary files removed."""
        self.drawings.close(timeout)

    def drawing(self) -> DrawingView:
        """The published report's slow forms: being drawn, not drawn, and why."""
        return self.drawings.view()

    def _save(self, upload: Upload) -> UploadedFile:
        row = UploadedFile(upload.name)
        name = safe_name(upload.name, DESK_TEXT["default-name"])
        try:
            path = save_upload(upload.stream, self.project.submissions, name,
                               self.limits.max_file_bytes, path_limit())
        except TooLarge:
            row.refused = fill(DESK_TEXT["too-large"], file=upload.name,
                               limit=self.limits.max_file_bytes // MiB)
            return row
        except PathTooLong:
            row.refused = fill(DESK_TEXT["upload-path-too-long"], file=upload.name)
            return row
        except OSError as exc:  # this file only: the others of the batch are saved and checked
            _log.warning("upload %r not saved into %s", upload.name, self.project.submissions,
                         exc_info=True)
            row.refused = fill(DESK_TEXT["upload-failed"], file=upload.name,
                               detail=exc.strerror or type(exc).__name__)
            return row
        row.saved = path.relative_to(self.project.submissions).as_posix()
        return row

    def _keep(self, report: UploadReport) -> UploadReport:
        self.last_upload = report
        return report

    def import_plan(self, upload: Upload) -> PlanImport:
        """``consolidator plan import FILE.xlsx``: the same safety checks as any returned
        file, then the plan workbook's reader (every finding at its sheet and cell). Only
        when nothing is an error is the catalog written, atomically, as ``plan.json`` in the
        project folder, recorded in its settings file (``consolidator.toml``: the desk
        started again, and the command line, use it) and used from then on; otherwise
        nothing is replaced."""
        name = safe_name(upload.name, DESK_TEXT["default-name"])
        with self._changing, tempfile.TemporaryDirectory() as tmp:
            try:
                path = save_upload(upload.stream, Path(tmp), name, self.limits.max_file_bytes,
                                   path_limit())
            except TooLarge:
                limit = self.limits.max_file_bytes // MiB
                refused = make("file-too-large", file=upload.name, size_mb=f"{limit}+",
                               limit_mb=limit)
                return self._keep_plan(PlanImport(upload.name, [refused]))
            safety = verdict_of(path, self.limits)
            if not safety.ok:
                return self._keep_plan(PlanImport(upload.name, list(safety.findings)))
            doc, found = import_workbook(path)
            findings = list(safety.findings) + list(found)
            if doc is None:
                return self._keep_plan(PlanImport(upload.name, findings))
            target = self.project.root / PLAN_FILE
            write_text_atomic(target, dump_json(doc))
            update_settings(self.project.root, plan=PLAN_FILE)
            self._use(Catalog.from_path(target))
            return self._keep_plan(PlanImport(upload.name, findings, target))

    def _use(self, catalog: Catalog) -> None:
        """Work on ``catalog`` from now on (for the year the folder's settings give, else its
        report year): nothing of the last plan's results is shown as this one's."""
        self.project = Project(self.project.root, catalog,
                               folder_year(self.project.root, catalog))
        with self._checking:
            self._checked = self._digests = None
            self._plan_replaced = True
        self.last_job = self.last_generated = None
        self.last_upload = None
        self.last_remind = False

    def next_year(self, force: bool = False) -> YearStep:
        """``consolidator next-year`` (``--force``): this year's files into the year's
        archive folder, next year's plan (from 集約) the folder's; nothing moves when it is
        refused (the step's findings say why)."""
        p = self.project
        self.drawings.wait(DRAWING_WAIT_S)  # this year's report complete before it moves
        with self._changing:
            self.drawings.stop()
            step = next_year(p, p.catalog, p.year, force=force)
            if step.done and step.plan is not None:
                self._before_step = p.catalog
                self._use(Catalog.from_path(p.root / step.plan))
        self.last_year_step = step
        return step

    def undo_next_year(self) -> YearStep:
        """``consolidator next-year --undo``: back to the year before the step, while the
        new year has no submission; its plan is the one in use before the step (the
        settings' after a restart)."""
        p = self.project
        self.drawings.wait(DRAWING_WAIT_S)
        with self._changing:
            self.drawings.stop()
            step = undo_next_year(p)
            if step.done:
                plan = p.settings()[0].plan_path(p.root)
                self._use(self._before_step or (
                    Catalog.from_path(plan) if plan is not None and plan.is_file()
                    else Catalog.default()))
                self._before_step = None
        self.last_year_step = step
        return step

    def _keep_plan(self, result: PlanImport) -> PlanImport:
        self.last_plan_import = result
        return result

    def consolidate(self) -> JobResult:
        """``consolidator consolidate`` on the project folder (``run_consolidate`` holds the
        output folder's lock itself), then the published report (``consolidator report``'s
        files, from the same merge, into ``output/公表/``), its progress (files checked of
        all) reported to :attr:`progress`, which the page polls while it waits. Of the
        published report, the HTML and the open data are written here; the PDF and the Word
        file are drawn in the background (:attr:`drawings`, superseding a drawing still
        running), unless the report did not change."""
        p = self.project
        with self._changing:
            before = fingerprint(p.submissions)
            self.progress.start()
            try:
                job = run_consolidate(p.submissions, p.catalog, p.year, p.output,
                                      progress=self.progress.update, state=p.state)
                if job.consolidated is not None:  # the published report beside the master
                    published = publish_consolidated(p.output, job.consolidated,
                                                     state=p.state, later=True)
                    if published.pending is not None:
                        self.drawings.start(published.pending, p.output, p.state)
            finally:
                self.progress.finish()
        self._remember(job.validation, before)
        self.last_job = job
        return job


def fingerprint(folder: Path) -> Fingerprint:
    """Name, size and modification time of every file below ``folder``: when none of them
    changed, neither did the validation of the folder."""
    if not folder.is_dir():
        return ()
    found = []
    for path in folder.rglob("*"):
        try:
            st = path.stat()
        except OSError:
            continue
        if path.is_file():
            found.append((path.relative_to(folder).as_posix(), st.st_size, st.st_mtime_ns))
    return tuple(sorted(found))
