"""The working folder a command runs in (``--folder``, or the current folder when it has a
settings file), and the defaults its settings give to the options (an option given wins,
and says so)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:  # for annotations only: nothing heavy is imported at start-up
    from consolidator.folder_settings import FolderSettings
    from consolidator.jobs.working_folder import WorkingFolder
    from consolidator.plan.catalog import Catalog

from consolidator.cli.app import fiscal_year_option, load_catalog, print_findings
from consolidator.messages import fill
from consolidator.messages.folder import FOLDER_TEXT


@dataclass
class Where:
    """The working folder a command runs in and its settings. ``folder`` None: there is none
    (no ``--folder``, and the current folder has no settings file): the paths are the
    current folder's as before, the ledger and cache in the output folder."""

    folder: WorkingFolder | None
    settings: FolderSettings

    def setting(self, name: str, explicit: str | None) -> str | None:
        """``explicit`` (an option given), else the folder's setting ``name``. An option
        that overrides a different setting says so."""
        kept = getattr(self.settings, name)
        if explicit is not None:
            if kept is not None and kept != explicit:
                self._overridden(name, kept)
            return explicit
        return kept

    def plan(self, plan_path: str | None) -> str | None:
        """The plan to use: ``--plan``, else the folder's, else None (the default plan)."""
        kept = self.settings.plan_path(self.folder.root) if self.folder is not None else None
        if plan_path is None:
            return None if kept is None else str(kept)
        if kept is not None and Path(plan_path).resolve() != kept.resolve():
            self._overridden("plan", self.settings.plan)
        return plan_path

    def _overridden(self, name: str, kept: str | None) -> None:
        file = self.folder.settings_file.name if self.folder is not None else ""
        click.echo(fill(FOLDER_TEXT["option-wins"], option=name, value=kept, file=file,
                        what=FOLDER_TEXT[f"what-{name}"]))

    def catalog(self, plan_path: str | None) -> Catalog:
        return load_catalog(self.plan(plan_path))

    def year(self, year: str | None, catalog: Catalog) -> int:
        return fiscal_year_option(self.setting("year", year), catalog)

    def path(self, explicit: str | None, name: str) -> Path:
        """A folder the command works on: ``explicit``, else ``name`` in the working folder
        (in the current folder when there is none)."""
        if explicit is not None:
            return Path(explicit)
        return self.folder.root / name if self.folder is not None else Path(name)

    @property
    def state(self) -> Path | None:
        """Where the ledger and the result cache are kept: the working folder (None: the
        output folder, as a run outside a working folder)."""
        return self.folder.root if self.folder is not None else None

    def adopt_state(self) -> None:
        """The ledger and cache an earlier version kept in ``output/`` move into the folder
        (once; said when it happens)."""
        if self.folder is not None and self.folder.adopt_state():
            click.echo(fill(FOLDER_TEXT["state-adopted"], folder=self.folder.root))


def in_folder(folder: str | None, *, strict: bool = True) -> Where:
    """The working folder: ``--folder``, else the current folder when it has a settings file;
    its settings read (a file that cannot be used, or whose plan is missing, stops the
    command, saying where; not when ``strict`` is False — ``plan import``, which puts it
    right: its findings are shown, and no setting is used)."""
    from consolidator.folder_settings import FolderSettings, read_settings
    from consolidator.jobs.working_folder import WorkingFolder
    from consolidator.output_names import SETTINGS_FILE

    if folder is None:
        if not Path(SETTINGS_FILE).is_file():
            return Where(None, FolderSettings())
        folder = "."
    root = Path(folder)
    settings, found = read_settings(root)
    plan = settings.plan_path(root)
    if plan is not None and not plan.is_file():
        found.add("settings-plan-missing", file=str(root / SETTINGS_FILE), value=settings.plan)
    print_findings(found)
    if found.errors and not strict:
        return Where(WorkingFolder(root), FolderSettings())
    if found.errors:
        raise click.ClickException(fill(FOLDER_TEXT["settings-broken"],
                                        file=root / SETTINGS_FILE))
    return Where(WorkingFolder(root), settings)
