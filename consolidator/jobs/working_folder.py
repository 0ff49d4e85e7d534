"""The working folder: its layout, its settings, and the state it keeps between years.

A working folder (see :mod:`consolidator.output_names`) holds one year's templates,
submissions and outputs, its settings file (:mod:`consolidator.folder_settings`) and, beside
it, the ledger and the result cache: they belong to the folder, not to one year's
``output/``, so that next year's ``status`` still knows last year's files and versions. A
folder whose ledger (or cache) still sits in ``output/``, where earlier versions kept it, has
it moved beside the settings once (:meth:`WorkingFolder.adopt_state`), never lost: nothing
is moved when the folder already has one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from consolidator.cache.store import CACHE_NAME
from consolidator.findings import Findings
from consolidator.folder_settings import FolderSettings, read_settings, settings_path
from consolidator.ledger.schema import LEDGER_NAME
from consolidator.output_names import OUTPUT_DIR, SUBMISSIONS_DIR, TEMPLATES_DIR

STATE_FILES = (LEDGER_NAME, CACHE_NAME)
SQLITE_SIDE_FILES = ("-journal", "-wal", "-shm")


@dataclass(frozen=True)
class WorkingFolder:
    """One working folder (``root``) and where its parts are."""

    root: Path

    @property
    def templates(self) -> Path:
        return self.root / TEMPLATES_DIR

    @property
    def submissions(self) -> Path:
        return self.root / SUBMISSIONS_DIR

    @property
    def output(self) -> Path:
        return self.root / OUTPUT_DIR

    @property
    def settings_file(self) -> Path:
        return settings_path(self.root)

    @property
    def ledger(self) -> Path:
        return self.root / LEDGER_NAME

    @property
    def state(self) -> Path:
        """The folder keeping the ledger and the result cache (the jobs' ``state``)."""
        return self.root

    def settings(self) -> tuple[FolderSettings, Findings]:
        return read_settings(self.root)

    def adopt_state(self, out_dir: Path | None = None) -> list[Path]:
        """Move the ledger and the result cache that an earlier version kept in ``out_dir``
        (default ``output/``) into the folder, each only when the folder has none yet (with
        its SQLite side files); returns the files moved. A rename: same volume, nothing
        copied, nothing overwritten."""
        source = out_dir if out_dir is not None else self.output
        moved: list[Path] = []
        if source.resolve() == self.root.resolve():
            return moved
        for name in STATE_FILES:
            old, new = source / name, self.root / name
            if old.is_file() and not new.exists():
                self.root.mkdir(parents=True, exist_ok=True)
                os.replace(old, new)
                moved.append(new)
                for side in SQLITE_SIDE_FILES:
                    extra = old.with_name(old.name + side)
                    if extra.exists() and not new.with_name(new.name + side).exists():
                        os.replace(extra, new.with_name(new.name + side))
        return moved
