"""A department's own workbook, annotated: its findings marked where they are.

:func:`annotate_workbook` writes a copy of the file the department sent with every cell that
has a finding highlighted (errors red, warnings orange), a classic note on it (the Japanese
message and what to do) and a first sheet 確認事項 listing the findings with a link to each
cell and, at the top, the deadline and the contact given to ``generate``. Everything else —
identity, defined names, validations, protection, the department's own notes, pictures,
charts — is copied as it is (see :mod:`consolidator.feedback.package`). The returned file is
read like any submission: the validator never reads the 確認事項 sheet, notes or formats.

The marks of an earlier annotation (the department sent the annotated file back with some
findings left) are replaced, not piled up.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from consolidator.feedback.findings_sheet import (
    Row,
    put_first,
    set_first_print_titles,
    sheet_parts,
    sheet_xml,
)
from consolidator.feedback.highlight import add_highlights, remove_highlights
from consolidator.feedback.notes import Note, add_notes
from consolidator.feedback.package import CONTENT_TYPES, PackageError, PatchedWorkbook
from consolidator.feedback.request import Request
from consolidator.feedback.styles import add_highlight_formats, add_sheet_formats, our_dxf_ids
from consolidator.findings import ERROR, SEVERITY_ORDER, Finding, count
from consolidator.limits import DEFAULT_LIMITS, Limits
from consolidator.messages import SEVERITY_LABELS, fill
from consolidator.messages.correction import FEEDBACK_HEADER, FEEDBACK_TEXT
from consolidator.validation_log import department_row

NOTE_MARKER = FEEDBACK_TEXT["note-title"].split("{", 1)[0]  # how our notes begin


_A1 = re.compile(r"[A-Z]{1,3}[1-9][0-9]{0,6}")


def marked_cell(f: Finding, sheets: set[str]) -> str | None:
    """The cell a finding is marked on, if it names one of the workbook's sheets."""
    return f.cell if f.sheet in sheets and f.cell and _A1.fullmatch(f.cell) else None


def annotate_workbook(src: Path, dst: Path, findings: list[Finding], request: Request,
                      file_label: str, limits: Limits = DEFAULT_LIMITS) -> None:
    """Write at ``dst`` the annotated copy of ``src`` (see the module). ``findings`` are the
    ones to send back (open errors and warnings of this file); ``file_label`` names the file
    on the 確認事項 sheet. ``src`` is only read. Raises :class:`PackageError` when the file
    cannot be annotated safely (the caller then sends the table of findings instead)."""
    pkg = PatchedWorkbook(src, limits)
    if not pkg.has("xl/workbook.xml") or not pkg.has(CONTENT_TYPES):
        raise PackageError("not an .xlsx package")
    if b"macroenabled" in pkg.read(CONTENT_TYPES).lower():
        raise PackageError("macro-enabled workbook")  # an .xlsx name would not open
    sheet_name = FEEDBACK_TEXT["sheet"]
    parts = {n: p for n, p in sheet_parts(pkg) if n != sheet_name}
    ordered = sorted(findings, key=lambda f: SEVERITY_ORDER[f.severity])
    earlier = our_dxf_ids(pkg)
    dxf_ids = add_highlight_formats(pkg)
    for sheet, part in parts.items():
        if not pkg.has(part):
            continue
        mine = [f for f in ordered if marked_cell(f, {sheet})]
        xml = remove_highlights(pkg.read(part), earlier)
        xml = add_highlights(xml, [f.cell or "" for f in mine if f.severity == ERROR],
                             [f.cell or "" for f in mine if f.severity != ERROR], dxf_ids)
        pkg.write(part, xml)
        add_notes(pkg, part, cell_notes(mine), FEEDBACK_TEXT["note-author"], NOTE_MARKER)
    styles = add_sheet_formats(pkg)
    rows = [finding_row(f, set(parts)) for f in ordered]
    top = top_lines(request, findings, file_label)  # then the legend
    put_first(pkg, sheet_name, sheet_xml(top, LEGEND, FEEDBACK_HEADER, rows, styles))
    set_first_print_titles(pkg, sheet_name, len(top) + 2)  # the lines, the legend, the header
    _check_well_formed(pkg)
    pkg.save(dst)


# The 確認事項 sheet's legend (凡例): the error and the warning word in their colours, and what
# they mean, in the row under the how-to.
LEGEND = (FEEDBACK_TEXT["legend-error"], FEEDBACK_TEXT["legend-warning"], FEEDBACK_TEXT["legend"])


def top_lines(request: Request, findings: list[Finding], file_label: str) -> list[str]:
    """The lines above the table of the 確認事項 sheet: title, deadline, contact, the file and
    its counts, how to use the sheet (the legend follows them)."""
    return [fill(FEEDBACK_TEXT["title"], department=request.department,
                 year=request.year_label),
            fill(FEEDBACK_TEXT["deadline"], deadline=request.deadline),
            fill(FEEDBACK_TEXT["contact"], contact=request.contact),
            fill(FEEDBACK_TEXT["file"], file=file_label, errors=count(findings, ERROR),
                 warnings=len(findings) - count(findings, ERROR)),
            FEEDBACK_TEXT["how-to"]]


def cell_notes(findings: list[Finding]) -> list[Note]:
    """One note per cell (a cell with several findings gets them all, the worst first)."""
    by_cell: dict[str, list[Finding]] = {}
    for f in findings:
        by_cell.setdefault(f.cell or "", []).append(f)
    out = []
    for cell, mine in by_cell.items():
        title = fill(FEEDBACK_TEXT["note-title"], severity=SEVERITY_LABELS[mine[0].severity])
        text = "\n\n".join(f"{f.message}\n" + fill(FEEDBACK_TEXT["note-action"], action=f.action)
                           for f in mine)
        out.append(Note(cell, title, text))
    return out


def finding_row(f: Finding, sheets: set[str]) -> Row:
    """One finding as the 確認事項 sheet lists it, linked to its cell on one of ``sheets``."""
    cell = marked_cell(f, sheets)
    return Row(cells=tuple(department_row(f, cell)), severity=f.severity,
               target=(f.sheet, cell) if cell and f.sheet else None)


def _check_well_formed(pkg: PatchedWorkbook) -> None:
    """Every XML part we changed or added parses (VML is left out: Excel's own VML is not
    always well-formed XML, and ours is appended to it as text)."""
    for name in pkg.changed():
        if name.endswith((".xml", ".rels")):
            try:
                ET.fromstring(pkg.read(name))
            except ET.ParseError as exc:
                raise PackageError(f"{name}: {exc}") from exc
