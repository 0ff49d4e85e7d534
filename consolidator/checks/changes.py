"""What changed between two versions of a department's workbook, field by field.

Compared on what each input cell held as read (:attr:`Submission.typed`), accepted or not: a
value corrected from 「約10」 to 10 is a change, as is a status text rewritten. Blank and empty
are the same; numbers compare as numbers (10 and 10.0 are equal); texts compare with their
line breaks normalised and the spaces at both ends trimmed, so a file saved again by Excel or
Calc without edits has no changes. ``consolidator diff OLD NEW`` prints the table; a run's log
counts the changed fields of each resubmitted department (:mod:`consolidator.ledger.records`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from consolidator.cache.codec import PackedSubmission
from consolidator.limits import DEFAULT_LIMITS, Limits
from consolidator.messages import OUTPUT_TEXT, fill
from consolidator.messages.correction import VERSION_DIFF_HEADER as DIFF_HEADER
from consolidator.messages.correction import VERSION_DIFF_TEXT as DIFF_TEXT
from consolidator.plan.catalog import Catalog
from consolidator.submission import Submission
from consolidator.submission import comparable as _norm
from consolidator.templates.model import TemplateModel, build
from consolidator.text_layout import display_width, pad


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """The field ids whose values differ between two versions (sorted)."""
    return changed_from(before, normalised(after))


def normalised(values: Mapping[str, Any]) -> dict[str, Any]:
    """The values as compared (:func:`changed_from`: one version compared with many)."""
    return {k: _norm(v) for k, v in values.items()}


def changed_from(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """:func:`changed_fields` against values already :func:`normalised`."""
    return sorted(k for k in set(before) | set(after) if _norm(before.get(k)) != after.get(k))


@dataclass(frozen=True)
class Change:
    field_id: str
    initiative_id: str
    label: str
    before: Any
    after: Any


def compare(old: Submission, new: Submission, model: TemplateModel) -> list[Change]:
    """Every field whose value differs, in the template's order."""
    return compare_values(old.typed, new.typed, model)


def compare_values(before: Mapping[str, Any], after: Mapping[str, Any], model: TemplateModel
                   ) -> list[Change]:
    """:func:`compare` on the values two versions held (field id → value as read), e.g. as
    the ledger kept them: every field of ``model`` whose value differs, in its order."""
    differ = set(changed_fields(before, after))
    return [Change(f.field_id, f.initiative_id, f.label, before.get(f.field_id),
                   after.get(f.field_id)) for f in model.fields if f.field_id in differ]


def read_versions(paths: list[Path], catalog: Catalog, year: int,
                  limits: Limits = DEFAULT_LIMITS) -> list[Submission]:
    """Each file checked and read as ``validate`` does, with ``limits``: read once in the
    parent, then the safety checks and the reading in an isolated child
    (:func:`~consolidator.checks.checked_files.check_isolated`). One :class:`Submission`
    per path, in the order given; what could not be read is a finding, nothing raises."""
    # (the reading children's side: not loaded by a run that only compares values)
    from consolidator.checks.checked_files import check_isolated, file_to_check

    out: dict[str, Submission] = {}
    files = (file_to_check(p, p.name, limits) for p in paths)
    for item, sub, _record in check_isolated(files, catalog, year, limits,
                                             workers=max(1, min(2, len(paths)))):
        out[item.path] = sub.unpacked() if isinstance(sub, PackedSubmission) else sub
    return [out[str(p)] for p in paths]


def diff_workbooks(old: Path, new: Path, catalog: Catalog, year: int,
                   limits: Limits = DEFAULT_LIMITS) -> tuple[list[Change], list[str]]:
    """The changes from ``old`` to ``new`` (two versions of one department's workbook), and
    the problems that prevent comparing them (Japanese; empty when compared). Both files are
    read with ``limits``, the run's (:func:`read_versions`): a file they refuse is a problem."""
    before, after = read_versions([old, new], catalog, year, limits)
    problems = [fill_problem(s) for s in (before, after) if not s.usable]
    if problems:
        return [], problems
    if before.department != after.department:
        return [], [fill(DIFF_TEXT["other-department"], old=before.department,
                         new=after.department)]
    return compare(before, after, build(catalog, str(after.department), year)), []


def fill_problem(s: Submission) -> str:
    reasons = OUTPUT_TEXT["list-separator"].join(f.message for f in s.findings if f.is_error)
    return fill(DIFF_TEXT["unreadable"], file=s.file, reasons=reasons)


def shown(v: Any, width: int = 0) -> str:
    """A value as the table shows it: blank as （空欄）, texts on one line, cut to ``width``."""
    if v is None or v == "":
        return DIFF_TEXT["blank"]
    text = str(v).replace("\r\n", "\n").replace("\n", " / ")
    if width and display_width(text) > width:
        while display_width(text) > width - 1:
            text = text[:-1]
        text += "…"
    return text


def diff_lines(changes: list[Change], width: int = 36) -> list[str]:
    """The console table (aligned for Japanese text) and the count."""
    if not changes:
        return [DIFF_TEXT["none"]]
    rows = [list(DIFF_HEADER)] + [[c.initiative_id, shown(c.label, 40), shown(c.before, width),
                                   shown(c.after, width)] for c in changes]
    widths = [max(display_width(r[i]) for r in rows) for i in range(len(DIFF_HEADER))]
    lines = ["  ".join(pad(cell, w) for cell, w in zip(r, widths, strict=True)).rstrip()
             for r in rows]
    return lines + [fill(DIFF_TEXT["count"], count=len(changes))]


def write_changes_xlsx(path: Path, changes: list[Change]) -> None:
    """The changes as an Excel table (full texts), for the secretariat's records."""
    import xlsxwriter

    from consolidator.cell_text import XLSX_OPTIONS
    from consolidator.table_sheets import add_table_sheet

    wb = xlsxwriter.Workbook(str(path), XLSX_OPTIONS)
    try:
        add_table_sheet(wb, DIFF_TEXT["sheet"], (*DIFF_HEADER, DIFF_TEXT["field-column"]),
                        [[c.initiative_id, c.label, c.before, c.after, c.field_id]
                         for c in changes], (10, 36, 46, 46, 24),
                        printed=len(DIFF_HEADER))  # A4 at 8 pt; the field id stays off paper
    finally:
        wb.close()
