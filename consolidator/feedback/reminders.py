"""What ``consolidator remind`` writes into ``output/督促/``: the drafts and the list.

- ``<担当>_督促.eml`` for a department that has sent nothing: the yearly send-out asked again
  (:func:`consolidator.feedback.drafts.send_out_draft` with the body ``remind``, or
  ``remind-late`` once the deadline has passed), its own template attached. This is the only
  draft such a department gets (``consolidate`` writes none for it).
- ``督促一覧.xlsx``: one row per department reminded — what it was asked, its address when the
  catalog has one, its previous reminder and how many, the deadline and the days left.

A department whose file has errors gets the correction loop's workbook and draft instead
(:func:`consolidator.feedback.department_files.write_department_files`, into the same folder).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from consolidator.cell_text import XLSX_OPTIONS
from consolidator.feedback.drafts import send_out_draft, write_draft
from consolidator.japanese_values import wareki
from consolidator.messages.correction import REMIND_HEADER, REMIND_TEXT
from consolidator.safe_paths import output_path
from consolidator.table_sheets import add_table_sheet

LIST_WIDTHS = (14, 12, 20, 12, 8, 12, 12, 8, 20, 20)  # A4 landscape at 8 pt or more


def reminder_name(department: str) -> str:
    return f"{department}{REMIND_TEXT['file-suffix']}"


def write_reminder_draft(folder: Path, department: str, email: str | None, year: int,
                         deadline: str, contact: str, template: Path, *,
                         late: bool = False) -> Path:
    """``<担当>_督促.eml`` in ``folder``, ``template`` attached; the path written. ``late``:
    the deadline has passed, and the draft says so (asking for the file at once). Raises
    :class:`~consolidator.safe_paths.UnsafePath` for a name that is no file name in
    ``folder``."""
    message = send_out_draft(department, email, wareki(year), deadline, contact, template,
                             kind="remind-late" if late else "remind")
    return write_draft(output_path(folder, reminder_name(department)), message)


def write_reminder_list(path: Path, rows: list[list[Any]]) -> None:
    """督促一覧 (columns :data:`REMIND_HEADER`) at ``path`` (the caller makes it atomic)."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), XLSX_OPTIONS)
    try:
        add_table_sheet(wb, REMIND_TEXT["list-sheet"], REMIND_HEADER, rows, LIST_WIDTHS)
    finally:
        wb.close()


def remove_stale_reminders(folder: Path, keep: Iterable[Path]) -> None:
    """The ``*_督促.eml`` of an earlier round that this one did not write (the department
    has sent its file since); one held open stays until the next round."""
    wanted = set(keep)
    for old in folder.glob(f"*{REMIND_TEXT['file-suffix']}") if folder.is_dir() else ():
        if old not in wanted:
            try:
                old.unlink()
            except OSError:
                pass
