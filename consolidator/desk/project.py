"""The project folder the desk works on, and the only files it will hand out.

The layout is the command line's: ``workbook_templates/`` (``generate``), ``submissions/``
(the returned files), ``output/`` (``validate`` / ``consolidate``). A download is always one of
the files named here, built from fixed names and the catalog's departments, never from a path
the browser sent; and it is handed out only when it resolves inside the project folder (a
symbolic link pointing elsewhere is refused like a missing file).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from consolidator.feedback.department_files import ods_workbook_name
from consolidator.feedback.reminders import reminder_name
from consolidator.feedback.request import draft_name
from consolidator.folder_settings import read_settings
from consolidator.jobs.working_folder import WorkingFolder
from consolidator.messages.correction import REMIND_TEXT
from consolidator.messages.outputs import DEPARTMENT_LOG_DIR
from consolidator.messages.publish import PUBLISH_DIR
from consolidator.output_names import log_name, master_name, next_plan_name
from consolidator.plan.catalog import Catalog
from consolidator.publish import PUBLISHED_KINDS, published_name
from consolidator.safe_paths import UnsafePath, output_path
from consolidator.templates.generate import parse_year, template_filename
from consolidator.validation_log import department_log_name


@dataclass(frozen=True)
class Project(WorkingFolder):
    """One project folder (a working folder: its layout, settings and state), the plan it
    reports on and the report year."""

    catalog: Catalog
    year: int

    # ---- the files the desk hands out -----------------------------------------------------
    def master(self) -> Path | None:
        return _in(self.output, master_name(self.year))

    def log(self) -> Path | None:
        return _in(self.output, log_name())

    def next_plan(self) -> Path | None:
        return _in(self.output, next_plan_name(self.year))

    def published(self, kind: str) -> Path | None:
        """A form of the published report (``html``, ``csv``, ``xlsx``, ``pdf``) in
        ``output/公表/``."""
        if kind not in PUBLISHED_KINDS:
            return None
        return _in(self.output / PUBLISH_DIR, published_name(kind, self.year))

    def department_log(self, department: str) -> Path | None:
        """What goes back to a department: ``<担当>_確認事項.ods`` where its .ods was marked,
        else ``<担当>_確認事項.xlsx``."""
        folder = self.output / DEPARTMENT_LOG_DIR
        ods = self._of(department, folder, ods_workbook_name)
        if ods is not None and ods.is_file():
            return ods
        return self._of(department, folder, department_log_name)

    def department_mail(self, department: str) -> Path | None:
        """The e-mail draft sending a department its 確認事項 (``<担当>_依頼.eml``, written by
        every run beside the 確認事項 for a department with something to correct)."""
        return self._of(department, self.output / DEPARTMENT_LOG_DIR, draft_name)

    def send_out_mail(self, department: str) -> Path | None:
        """The e-mail draft sending a department its template (``generate --mail``: beside
        the template, ``<担当>_依頼.eml``)."""
        return self._of(department, self.templates, draft_name)

    def reminder(self, department: str) -> Path | None:
        """The reminder draft for a department that sent nothing (written by ``remind``)."""
        return self._of(department, self.output / REMIND_TEXT["folder"], reminder_name)

    def reminder_list(self) -> Path | None:
        """The list of reminders ``remind`` writes beside its drafts (issue 13)."""
        return _in(self.output / REMIND_TEXT["folder"], REMIND_TEXT["list-file"])

    def template(self, department: str) -> Path | None:
        return self._of(department, self.templates,
                        lambda d: template_filename(d, self.year))

    def _of(self, department: str, folder: Path, name: Callable[[str], str]) -> Path | None:
        """A department's file in ``folder``: None for a department the catalog does not
        have, or whose name would be no file of that folder."""
        if department not in self.catalog.department_names:
            return None
        return _in(folder, name(department))

    def templates_present(self) -> list[tuple[str, Path]]:
        """(department, template) for every department whose template is in the folder."""
        return self._present(self.template)

    def send_out_mails_present(self) -> list[tuple[str, Path]]:
        """(department, draft) for every department whose ``generate --mail`` draft is there."""
        return self._present(self.send_out_mail)

    def _present(self, where: Callable[[str], Path | None]) -> list[tuple[str, Path]]:
        found = []
        for department in self.catalog.department_names:
            path = where(department)
            if path is not None and self.servable(path) is not None:
                found.append((department, path))
        return found

    def servable(self, path: Path | None) -> Path | None:
        """``path`` resolved, if it is a regular file inside the project folder; else None."""
        if path is None:
            return None
        try:
            resolved = path.resolve(strict=True)
        except (OSError, RuntimeError):
            return None
        if not resolved.is_relative_to(self.root.resolve()) or not resolved.is_file():
            return None
        return resolved


def folder_year(root: Path, catalog: Catalog) -> int:
    """The report year the desk works on in the folder ``root``, as the command line takes it
    (:meth:`consolidator.cli.working_folder.Where.year` without ``--year``): the settings'
    ``year`` (``令和5``, ``2023`` …), else ``catalog``'s report year. ``consolidator desk``
    stops at start on a year it cannot read, as every command does; one edited into the file
    while the desk runs (read again when the plan changes) leaves the catalog's year."""
    settings, found = read_settings(root)
    try:
        return parse_year(None if found.errors else settings.year, catalog)
    except ValueError:
        return catalog.report_year


def _in(folder: Path, name: str) -> Path | None:
    """``folder / name`` as every output path is built (:func:`output_path`); None where that
    would be no file of the folder (a link leading out of it, a name that is a path)."""
    try:
        return output_path(folder, name)
    except UnsafePath:
        return None
