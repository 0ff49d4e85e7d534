"""The desk's hold on its project folder: one change at a time, and what the last ones gave.

Every request that changes the folder goes through :class:`Workspace`: a lock lets one such
request run at a time in this process, and the output folder's lock
(:func:`consolidator.jobs.output_folder.exclusive`, the one ``validate`` and ``consolidate``
hold) keeps a command-line run from reading the folder while the desk writes into it. What is
done is the command line's own work, called the same way: ``generate_templates``,
``run_validate``, ``run_consolidate``, ``validate_folder``.
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from consolidator.atomic import write_text_atomic
from consolidator.checks.result import ValidationResult
from consolidator.checks.validation import validate_folder
from consolidator.desk.project import Project
from consolidator.desk.uploads import TooLarge, safe_name, save_upload
from consolidator.findings import Finding, has_error, make
from consolidator.jobs.output_folder import exclusive
from consolidator.jobs.runs import JobResult, run_consolidate, run_validate
from consolidator.limits import DEFAULT_LIMITS, Limits, MiB
from consolidator.messages import fill
from consolidator.messages.desk import DESK_TEXT
from consolidator.plan.catalog import Catalog, dump_json
from consolidator.plan.check import check_plan
from consolidator.safety.verdict import check_workbook
from consolidator.submission import Submission
from consolidator.templates.generate import generate_templates

Fingerprint = tuple[tuple[str, int, int], ...]
PLAN_FILE = "plan.json"  # a plan taken in on 計画 (use it with --plan plan.json)


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

# Reads a plan workbook: (catalog document, or None when it could not be read; findings).
PlanReader = Callable[[Path], tuple[dict[str, Any] | None, Iterable[Finding]]]


class Workspace:
    """The project folder with the desk's lock and its last results (in memory only)."""

    def __init__(self, project: Project, limits: Limits = DEFAULT_LIMITS) -> None:
        self.project = project
        self.limits = limits
        self._changing = threading.Lock()
        self._checking = threading.Lock()
        self._checked: tuple[Fingerprint, ValidationResult] | None = None
        self.last_upload: UploadReport | None = None
        self.last_job: JobResult | None = None
        self.last_generated: list[Path] | None = None
        self.last_plan_import: PlanImport | None = None

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

    def _remember(self, result: ValidationResult) -> None:
        with self._checking:
            self._checked = (fingerprint(self.project.submissions), result)

    # ---- changing ----------------------------------------------------------------------------
    def generate(self, deadline: str, contact: str) -> list[Path]:
        """``consolidator generate --deadline … --contact …`` into ``workbook_templates/``."""
        p = self.project
        with self._changing, exclusive(p.output):
            self.last_generated = generate_templates(p.catalog, p.year, p.templates,
                                                     deadline=deadline, contact=contact)
        return self.last_generated

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
                report = UploadReport([self._save(f) for f in chosen])
            job = run_validate(p.submissions, p.catalog, p.year, p.output)
        self._remember(job.validation)
        by_file = {s.file: s for s in job.validation.submissions}
        for row in report.files:
            if row.saved is not None:
                row.submission = by_file.get(row.saved)
                row.findings = [f for f in job.validation.findings if f.file == row.saved]
        return self._keep(report)

    def _save(self, upload: Upload) -> UploadedFile:
        row = UploadedFile(upload.name)
        name = safe_name(upload.name, DESK_TEXT["default-name"])
        try:
            path = save_upload(upload.stream, self.project.submissions, name,
                               self.limits.max_file_bytes)
        except TooLarge:
            row.refused = fill(DESK_TEXT["too-large"], file=upload.name,
                               limit=self.limits.max_file_bytes // MiB)
            return row
        row.saved = path.relative_to(self.project.submissions).as_posix()
        return row

    def _keep(self, report: UploadReport) -> UploadReport:
        self.last_upload = report
        return report

    def import_plan(self, upload: Upload, read: PlanReader) -> PlanImport:
        """Take in an edited plan workbook: the same safety checks as any returned file,
        then ``read`` (the plan workbook's reader), then the checks the command line makes on
        a ``--plan`` file. Only when nothing is an error is the catalog written, atomically,
        as ``plan.json`` in the project folder and used from then on; otherwise nothing is
        replaced."""
        name = safe_name(upload.name, DESK_TEXT["default-name"])
        with self._changing, tempfile.TemporaryDirectory() as tmp:
            try:
                path = save_upload(upload.stream, Path(tmp), name, self.limits.max_file_bytes)
            except TooLarge:
                limit = self.limits.max_file_bytes // MiB
                refused = make("file-too-large", file=upload.name, size_mb=f"{limit}+",
                               limit_mb=limit)
                return self._keep_plan(PlanImport(upload.name, [refused]))
            safety = check_workbook(path, self.limits)
            if not safety.ok:
                return self._keep_plan(PlanImport(upload.name, list(safety.findings)))
            doc, found = read(path)
            findings = list(safety.findings) + list(found)
            if doc is not None and not has_error(findings):
                findings += list(check_plan(doc))
            if doc is None or has_error(findings):
                return self._keep_plan(PlanImport(upload.name, findings))
            target = self.project.root / PLAN_FILE
            write_text_atomic(target, dump_json(doc))
            catalog = Catalog.from_path(target)
            self.project = Project(self.project.root, catalog, catalog.report_year)
            with self._checking:
                self._checked = None
            self.last_job = self.last_generated = None
            return self._keep_plan(PlanImport(upload.name, findings, target))

    def _keep_plan(self, result: PlanImport) -> PlanImport:
        self.last_plan_import = result
        return result

    def consolidate(self) -> JobResult:
        """``consolidator consolidate`` on the project folder (``run_consolidate`` holds the
        output folder's lock itself)."""
        p = self.project
        with self._changing:
            job = run_consolidate(p.submissions, p.catalog, p.year, p.output)
        self._remember(job.validation)
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
