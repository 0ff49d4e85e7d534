"""The validation log: one row per finding, as .xlsx (for managers), .csv and .jsonl.

All three are written atomically. The Excel log has a filterable table with a frozen header,
a drop-down column 承認 where a manager accepts a warning (read back by ``consolidator
accept``), and a summary sheet per department; the CSV is UTF-8 with BOM so Excel shows the
Japanese. What goes back to each department is written by :mod:`consolidator.feedback`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from consolidator.atomic import same_workbook, write_text_atomic, write_with
from consolidator.cell_text import XLSX_OPTIONS, csv_table
from consolidator.findings import ERROR, SEVERITY_ORDER, WARNING, Finding, count
from consolidator.messages import CONSOLE, OUTPUT_TEXT, fill
from consolidator.messages.correction import ACCEPT_TEXT, FEEDBACK_HEADER, FEEDBACK_TEXT
from consolidator.messages.outputs import (
    DEPARTMENT_LOG_SHEET,
    DEPARTMENT_LOG_SUFFIX,
    LOG_HEADER,
    LOG_SHEET,
    LOG_SUMMARY_SHEET,
    SUMMARY_HEADER,
)
from consolidator.output_names import LOG_KINDS, log_name
from consolidator.safe_paths import output_path
from consolidator.table_sheets import (
    PreparedTable,
    add_prepared_sheet,
    add_table_sheet,
    prepare_table,
)
from consolidator.templates.model import format_words
from consolidator.text_layout import display_width, pad, rpad

# Widths that print at 8 pt or more on A4 landscape (table_sheets.set_print_layout): long
# texts wrap; the log's last column, 項目ID, is for machines and does not print.
LOG_WIDTHS = (6, 8, 10, 12, 8, 5, 6, 12, 7, 26, 20, 8, 10, 20)
LOG_PRINTED = len(LOG_WIDTHS) - 1
SUMMARY_WIDTHS = (14, 6, 28, 20, 8, 6, 6, 6, 6, 24)
# A department's own table (FEEDBACK_HEADER): what its 確認事項 sheet lists, nothing more.
DEPARTMENT_WIDTHS = (6, 10, 8, 18, 10, 32, 32)


def sorted_findings(findings: list[Finding]) -> list[Finding]:
    """Errors first, then by department and file; the order within a file is kept."""
    order = {id(f): i for i, f in enumerate(findings)}
    return sorted(findings, key=lambda f: (SEVERITY_ORDER[f.severity],
                                           f.department or "\uffff", f.file or "", order[id(f)]))


def log_row(f: Finding) -> list[Any]:
    return [f.severity_label, f.code, f.department or "", f.file or "", f.sheet or "",
            f.cell or "", f.initiative_id or "", f.indicator or "", f.value or "", f.message,
            f.action, ACCEPT_TEXT["accepted"] if f.accepted else "", f.accepted or "",
            f.field_id or ""]


def department_row(f: Finding, cell: str | None) -> list[str]:
    """A finding as its department reads it (FEEDBACK_HEADER): where (``cell``, else the
    whole file), what was found, what to do — not the secretariat's code, acceptance or
    field id."""
    return [f.severity_label, f.sheet or "", cell or FEEDBACK_TEXT["whole-file"],
            f.indicator or f.field_id or "", f.value or "", f.message, f.action]


def summary_row(row: dict[str, Any]) -> list[Any]:
    received = OUTPUT_TEXT["received"] if row["received"] else OUTPUT_TEXT["not-received"]
    separator = OUTPUT_TEXT["list-separator"]
    return [row["department"], received, row["file"], separator.join(row["not_used"]),
            format_words(str(row["format_version"])), row["errors"], row["warnings"],
            row.get("accepted", 0), row.get("versions", 0),
            separator.join(row.get("superseded", []))]


def console_lines(findings: list[Finding], department_rows: list[dict[str, Any]]) -> list[str]:
    """The short per-department table the CLI prints, aligned for Japanese text."""
    width = max([display_width(CONSOLE["department"])]
                + [display_width(r["department"]) for r in department_rows])
    lines = [f"  {pad(CONSOLE['department'], width)}  {pad(CONSOLE['received'], 6)}  "
             f"{rpad(CONSOLE['errors'], 6)}  {rpad(CONSOLE['warnings'], 6)}"]
    for r in department_rows:
        status = CONSOLE["yes"] if r["received"] else CONSOLE["no"]
        lines.append(f"  {pad(r['department'], width)}  {pad(status, 6)}  {r['errors']:>6}  "
                     f"{r['warnings']:>6}")
    unplaced = {f.file for f in findings if f.department is None and f.file and f.is_error}
    received = sum(1 for r in department_rows if r["received"])
    lines.append(fill(CONSOLE["total"], received=received, departments=len(department_rows),
                      errors=count(findings, ERROR), warnings=count(findings, WARNING)))
    if unplaced:
        lines.append(fill(CONSOLE["unplaced"], count=len(unplaced)))
    return lines


def write_logs(out_dir: Path, findings: list[Finding], department_rows: list[dict[str, Any]]
               ) -> dict[str, Path]:
    """Write ``validation_log.xlsx`` / ``.csv`` / ``.jsonl`` into ``out_dir``; returns their
    paths (keys ``xlsx``, ``csv``, ``jsonl``). What goes back to each department is written
    by :mod:`consolidator.feedback`."""
    ordered = sorted_findings(findings)
    paths = {kind: output_path(out_dir, log_name(kind)) for kind in LOG_KINDS}
    write_with(paths["xlsx"], lambda tmp: _write_xlsx(tmp, ordered, department_rows),
               same=same_workbook)
    write_text_atomic(paths["csv"], _csv_text(ordered), encoding="utf-8-sig")
    write_text_atomic(paths["jsonl"], "".join(
        json.dumps(f.to_dict(), ensure_ascii=False) + "\n" for f in ordered))
    return paths


def department_log_name(department: str) -> str:
    """``<担当>_確認事項.xlsx``: what goes back to a department (marked workbook or table)."""
    return f"{department}{DEPARTMENT_LOG_SUFFIX}"


def write_department_table(path: Path, findings: list[Finding]) -> None:
    """The findings of one department as a table (its 確認事項 when its file could not be
    read at all, so there is no workbook of its own to mark), in the columns of the
    確認事項 sheet of a marked workbook (:func:`department_row`)."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), XLSX_OPTIONS)
    try:
        add_table_sheet(wb, DEPARTMENT_LOG_SHEET, FEEDBACK_HEADER,
                        [department_row(f, f.cell) for f in findings], DEPARTMENT_WIDTHS)
    finally:
        wb.close()


def _csv_text(findings: list[Finding]) -> str:
    return csv_table(LOG_HEADER, (log_row(f) for f in findings))


def _write_xlsx(path: Path, findings: list[Finding], department_rows: list[dict[str, Any]]
                ) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), XLSX_OPTIONS)
    try:
        ws = add_log_sheet(wb, LOG_SHEET, findings)
        _acceptance_column(ws, len(findings))
        add_summary_sheet(wb, LOG_SUMMARY_SHEET, department_rows)
    finally:
        wb.close()


def _acceptance_column(ws: Any, rows: int) -> None:
    """The drop-down (承認する) a manager picks to accept a warning."""
    col = LOG_HEADER.index(ACCEPT_TEXT["column"])
    ret = ws.data_validation(1, col, max(1, rows), col, {
        "validate": "list", "source": [ACCEPT_TEXT["accept"]],
        "input_title": ACCEPT_TEXT["column"], "input_message": ACCEPT_TEXT["how-to"]})
    if ret not in (0, None):
        raise RuntimeError(f"xlsxwriter returned {ret} for the acceptance drop-down")


def add_log_sheet(wb: Any, name: str, findings: list[Finding]) -> Any:
    return add_prepared_sheet(wb, name, log_table(findings), LOG_PRINTED)


_LAST_LOG: list[tuple[list[Finding], PreparedTable]] = []  # the last log table prepared


def log_table(findings: list[Finding]) -> PreparedTable:
    """The log sheet's rows prepared (:func:`~consolidator.table_sheets.prepare_table`):
    the master and ``validation_log.xlsx`` show the same findings, so the rows are made
    once and written into both (made again for findings that differ in anything)."""
    last = _LAST_LOG[0] if _LAST_LOG else None
    if last is not None and last[0] == findings:
        return last[1]
    table = prepare_table(LOG_HEADER, [log_row(f) for f in findings], LOG_WIDTHS)
    _LAST_LOG[:] = [(list(findings), table)]
    return table


def add_summary_sheet(wb: Any, name: str, department_rows: list[dict[str, Any]]) -> Any:
    return add_table_sheet(wb, name, SUMMARY_HEADER, [summary_row(r) for r in department_rows],
                           SUMMARY_WIDTHS)
