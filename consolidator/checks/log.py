"""The validation log: one row per finding, as .xlsx (for managers), .csv and .jsonl.

All three are written atomically. The Excel log has a filterable table with a frozen header
and a summary sheet per reporting unit; the CSV is UTF-8 with BOM so Excel shows the Japanese.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from functools import partial
from pathlib import Path
from typing import Any

from consolidator.atomic import write_text_atomic, write_with
from consolidator.cell_text import XLSX_OPTIONS, csv_cell
from consolidator.findings import ERROR, SEVERITY_ORDER, WARNING, Finding
from consolidator.messages import CONSOLE, fill
from consolidator.safety.content_scan import utf16_length
from consolidator.text_layout import row_height

LOG_HEADER = ("重大度", "コード", "担当", "ファイル", "シート", "セル", "取組み", "指標", "入力値",
              "メッセージ", "対処")
SUMMARY_HEADER = ("担当", "提出", "使用ファイル", "不使用ファイル", "様式バージョン", "エラー",
                  "警告")
LOG_WIDTHS = (8, 22, 14, 34, 10, 7, 9, 30, 20, 60, 50)
SUMMARY_WIDTHS = (18, 8, 40, 40, 12, 8, 8)


def sorted_findings(findings: list[Finding]) -> list[Finding]:
    """Errors first, then by unit and file; the order within a file is kept."""
    order = {id(f): i for i, f in enumerate(findings)}
    return sorted(findings, key=lambda f: (SEVERITY_ORDER[f.severity], f.unit or "\uffff",
                                           f.file or "", order[id(f)]))


def log_row(f: Finding) -> list[Any]:
    return [f.severity_label, f.code, f.unit or "", f.file or "", f.sheet or "", f.cell or "",
            f.initiative_id or "", f.indicator or "", f.value or "", f.message, f.action]


def summary_row(row: dict[str, Any]) -> list[Any]:
    return [row["unit"], "済" if row["received"] else "未提出", row["file"],
            "、".join(row["not_used"]), row["format_version"], row["errors"], row["warnings"]]


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _display_width(text))


def _rpad(text: str, width: int) -> str:
    return " " * max(0, width - _display_width(text)) + text


def console_lines(findings: list[Finding], unit_rows: list[dict[str, Any]]) -> list[str]:
    """The short per-unit table the CLI prints, aligned for Japanese text."""
    width = max([_display_width(CONSOLE["unit"])] + [_display_width(r["unit"]) for r in unit_rows])
    lines = [f"  {_pad(CONSOLE['unit'], width)}  {_pad(CONSOLE['received'], 6)}  "
             f"{_rpad(CONSOLE['errors'], 6)}  {_rpad(CONSOLE['warnings'], 6)}"]
    for r in unit_rows:
        status = CONSOLE["yes"] if r["received"] else CONSOLE["no"]
        lines.append(f"  {_pad(r['unit'], width)}  {_pad(status, 6)}  {r['errors']:>6}  "
                     f"{r['warnings']:>6}")
    unplaced = {f.file for f in findings if f.unit is None and f.file and f.severity == "error"}
    received = sum(1 for r in unit_rows if r["received"])
    errors = sum(1 for f in findings if f.severity == "error")
    warnings = sum(1 for f in findings if f.severity == "warning")
    lines.append(fill(CONSOLE["total"], received=received, units=len(unit_rows), errors=errors,
                      warnings=warnings))
    if unplaced:
        lines.append(fill(CONSOLE["unplaced"], count=len(unplaced)))
    return lines


def write_logs(out_dir: Path, findings: list[Finding], unit_rows: list[dict[str, Any]]) -> dict[
        str, Path]:
    ordered = sorted_findings(findings)
    paths = {"xlsx": out_dir / "validation_log.xlsx", "csv": out_dir / "validation_log.csv",
             "jsonl": out_dir / "validation_log.jsonl"}
    write_with(paths["xlsx"], lambda tmp: _write_xlsx(tmp, ordered, unit_rows))
    write_text_atomic(paths["csv"], _csv_text(ordered), encoding="utf-8-sig")
    write_text_atomic(paths["jsonl"], "".join(
        json.dumps(f.to_dict(), ensure_ascii=False) + "\n" for f in ordered))
    paths["units"] = write_unit_logs(out_dir / UNIT_LOG_DIR, ordered)
    return paths


UNIT_LOG_DIR = "担当別"


def unit_log_name(unit: str) -> str:
    return f"{unit}_確認事項.xlsx"


def write_unit_logs(folder: Path, findings: list[Finding]) -> Path:
    """One log per unit with errors or warnings, to send back to the department as it is.

    Files of units that have nothing left to correct are removed, so the folder always
    matches the last run.
    """
    per_unit: dict[str, list[Finding]] = {}
    for f in findings:
        if f.unit and f.severity in (ERROR, WARNING):
            per_unit.setdefault(f.unit, []).append(f)
    wanted = {unit_log_name(u) for u in per_unit}
    for unit, mine in per_unit.items():
        write_with(folder / unit_log_name(unit), partial(_write_unit_xlsx, findings=mine))
    if folder.is_dir():
        for old in folder.glob("*_確認事項.xlsx"):
            if old.name not in wanted:
                old.unlink()
    return folder


def _write_unit_xlsx(path: Path, findings: list[Finding]) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), XLSX_OPTIONS)
    try:
        add_log_sheet(wb, "確認事項", findings)
    finally:
        wb.close()


def _csv_text(findings: list[Finding]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(LOG_HEADER)
    for f in findings:
        w.writerow([csv_cell(v) for v in log_row(f)])
    return buf.getvalue()


def _write_xlsx(path: Path, findings: list[Finding], unit_rows: list[dict[str, Any]]) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), XLSX_OPTIONS)
    try:
        add_log_sheet(wb, "検証ログ", findings)
        add_table_sheet(wb, "担当別", SUMMARY_HEADER, [summary_row(r) for r in unit_rows],
                        SUMMARY_WIDTHS)
    finally:
        wb.close()


def add_log_sheet(wb: Any, name: str, findings: list[Finding]) -> Any:
    return add_table_sheet(wb, name, LOG_HEADER, [log_row(f) for f in findings], LOG_WIDTHS)


def add_table_sheet(wb: Any, name: str, header: tuple[str, ...], rows: list[list[Any]],
                    widths: tuple[int, ...]) -> Any:
    """A sheet holding one Excel table: header, frozen, filterable; strings stay strings."""
    ws = wb.add_worksheet(name)
    wrap = wb.add_format({"text_wrap": True, "valign": "top", "font_name": "游ゴシック"})
    head = wb.add_format({"bold": True, "bg_color": "#D9E2F3", "border": 1, "text_wrap": True,
                          "valign": "top", "font_name": "游ゴシック"})
    for c, w in enumerate(widths):
        ws.set_column(c, c, w, wrap)
    columns = [{"header": h, "header_format": head} for h in header]
    last_row = max(1, len(rows))
    ws.add_table(0, 0, last_row, len(header) - 1, {
        "columns": columns, "style": "Table Style Light 9", "autofilter": True})
    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(row):
            write_cell(ws, r, c, v)
        ws.set_row(r, row_height((str(v), w) for v, w in zip(row, widths, strict=False)
                                 if isinstance(v, str)))
    ws.freeze_panes(1, 0)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)
    return ws


MAX_CELL_TEXT = 32767
TRUNCATED = "…(以下省略)"


def fit_cell_text(text: str) -> str:
    """``text`` cut to Excel's cell limit, which counts UTF-16 code units, with a marker."""
    if utf16_length(text) <= MAX_CELL_TEXT:
        return text
    room = (MAX_CELL_TEXT - utf16_length(TRUNCATED)) * 2
    head = text.encode("utf-16-le")[:room].decode("utf-16-le", errors="ignore")
    return head + TRUNCATED


def write_cell(ws: Any, row: int, col: int, value: Any, fmt: Any = None) -> None:
    """Numbers as numbers, everything else as a plain string (never a formula or a link).

    Excel cells hold at most 32,767 characters: longer text is cut with a visible marker
    (the validator has already reported it as too long). xlsxwriter answers problems with a
    return code, not an exception: anything but 0 is raised here.
    """
    if value is None or value == "":
        ret = ws.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        ret = ws.write_string(row, col, "TRUE" if value else "FALSE", fmt)
    elif isinstance(value, (int, float)):
        ret = ws.write_number(row, col, value, fmt)
    else:
        ret = ws.write_string(row, col, fit_cell_text(str(value)), fmt)
    if ret not in (0, None):
        raise RuntimeError(f"xlsxwriter returned {ret} for cell ({row}, {col})")
