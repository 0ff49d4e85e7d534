"""Issue 12: a department with findings gets its own workbook back, marked.

Real files: templates generated with a deadline and a contact, filled through the public
field map (openpyxl, as Excel would save them), validated by ``run_validate``; the annotated
copy is opened with openpyxl as a department's Excel would show it.
"""

from __future__ import annotations

import email
import re
import shutil
import warnings
from email import policy
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from consolidator.checks.one_file import process_file
from consolidator.checks.result import ValidationResult
from consolidator.feedback.department_files import write_department_files
from consolidator.feedback.findings_sheet import sheet_parts
from consolidator.feedback.package import PatchedWorkbook
from consolidator.feedback.styles import ERROR_FILL, WARNING_FILL
from consolidator.findings import ERROR, Findings, make
from consolidator.jobs.runs import JobResult, run_validate
from consolidator.plan.catalog import Catalog
from consolidator.submission import Submission
from consolidator.templates.generate import generate_templates
from consolidator.templates.model import INDICATOR_SHEET, TEXT_SHEET
from helpers.correction import (
    decorate,
    highlights,
    links,
    listed,
    notes,
    open_cells,
    parts,
    top_lines,
)
from helpers.filling import (
    by_department,
    cell_of,
    fill_workbook,
    measure_of,
    plausible_number,
    realistic_values,
    submit_all,
)

YEAR = 2022
COUNCIL = "市社協"
DEADLINE, CONTACT = "2023年5月31日", "地域福祉課 地域福祉担当 内線1234"
# Three errors in the council's workbook: two values and a status text.
THREE_ERRORS = {"1-1-1-s1.value": "約10", "1-1-2-s1a.value": "たくさん",
                "1-1-1.status.dokuji": None}
OUR_AUTHOR = "事務局(確認事項)"


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory, mini_catalog: Catalog
              ) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("templates")
    return by_department(generate_templates(mini_catalog, YEAR, out, deadline=DEADLINE,
                                            contact=CONTACT))


def _submit(templates: dict[str, Path], catalog: Catalog, folder: Path,
            overrides: dict[str, dict[str, Any]]) -> dict[str, Path]:
    return submit_all(templates, folder, overrides,
                      values=lambda d, t: realistic_values(t, catalog, YEAR))


def _run(folder: Path, out: Path, catalog: Catalog) -> JobResult:
    return run_validate(folder, catalog, YEAR, out)


def test_the_marks_are_exactly_the_logged_cells(tmp_path: Path, templates: dict[str, Path],
                                                mini_catalog: Catalog) -> None:
    files = _submit(templates, mini_catalog, tmp_path / "s", {COUNCIL: THREE_ERRORS})
    job = _run(tmp_path / "s", tmp_path / "out", mini_catalog)
    folder = job.logs["departments"]
    assert sorted(p.name for p in folder.iterdir()) == [f"{COUNCIL}_依頼.eml",
                                                        f"{COUNCIL}_確認事項.xlsx"]
    annotated = folder / f"{COUNCIL}_確認事項.xlsx"
    logged = open_cells(tmp_path / "out", COUNCIL, files[COUNCIL].name)
    expected = {cell_of(templates[COUNCIL], fid) for fid in THREE_ERRORS}
    assert logged == expected

    ours = {where: text for where, (author, text) in notes(annotated).items()
            if author == OUR_AUTHOR}
    assert set(ours) == logged
    for f in job.validation.findings:
        if f.department == COUNCIL and f.cell:
            assert f.message in ours[(f.sheet, f.cell)] and f.action in ours[(f.sheet, f.cell)]
            assert ours[(f.sheet, f.cell)].startswith("【確認事項・エラー】")
    assert highlights(annotated) == {where: ERROR_FILL for where in logged}
    assert set(links(annotated)) == logged
    rows = listed(annotated)
    assert [(r[0], r[1], r[2]) for r in rows] == [("エラー", s, c) for s, c in links(annotated)]
    assert all(r[5] and r[6] for r in rows)  # the message and what to do
    top = top_lines(annotated)
    assert f"提出期限:{DEADLINE}" in top and f"問い合わせ先:{CONTACT}" in top
    wb = openpyxl.load_workbook(annotated)
    assert wb.sheetnames[0] == "確認事項" and wb.active.title == "確認事項"
    assert [ws.title for ws in wb.worksheets if ws.sheet_view.tabSelected] == ["確認事項"]


def _names(path: Path) -> dict[tuple[str, str | None], str]:
    """Defined names: (name, the sheet it is scoped to) → what it refers to."""
    wb = openpyxl.load_workbook(path)
    out: dict[tuple[str, str | None], str] = {
        (n, None): d.attr_text for n, d in wb.defined_names.items()}
    for ws in wb.worksheets:
        out.update({(n, ws.title): d.attr_text for n, d in ws.defined_names.items()})
    titles = {ws.title: ws.print_title_rows for ws in wb.worksheets if ws.print_title_rows}
    out.update({("print_titles", s): str(t) for s, t in titles.items()})
    return out


def _sheet_elements(path: Path, element: str) -> dict[str, list[bytes]]:
    """Sheet name → the raw ``element`` blocks of its XML (validations, protection)."""
    pkg = PatchedWorkbook(path)
    pattern = re.compile(rb"<" + element.encode() + rb"\b.*?(?:/>|</" + element.encode()
                         + rb">)", re.S)
    return {name: pattern.findall(pkg.read(part)) for name, part in sheet_parts(pkg)
            if name != "確認事項"}


def _plausible(catalog: Catalog, fields: list[str]) -> dict[str, Any]:
    """A value for each measure field that raises no warning (like last year's)."""
    return {fid: plausible_number(measure_of(catalog, fid), YEAR) for fid in fields}


def test_identity_names_validations_and_protection_are_intact(
        tmp_path: Path, templates: dict[str, Path], mini_catalog: Catalog) -> None:
    files = _submit(templates, mini_catalog, tmp_path / "s", {COUNCIL: THREE_ERRORS})
    job = _run(tmp_path / "s", tmp_path / "out", mini_catalog)
    annotated = job.logs["departments"] / f"{COUNCIL}_確認事項.xlsx"
    sent = files[COUNCIL]
    before, after = parts(sent), parts(annotated)
    assert after["docProps/custom.xml"] == before["docProps/custom.xml"]
    meta = dict(sheet_parts(PatchedWorkbook(sent)))["_meta"]
    assert after[meta] == before[meta]
    # the department's names as they were; the 確認事項 table's header prints on every page
    assert _names(annotated) == {**_names(sent), ("print_titles", "確認事項"): "$7:$7"}
    for element in ("dataValidations", "sheetProtection", "mergeCells"):
        assert _sheet_elements(annotated, element) == _sheet_elements(sent, element), element
    assert re.findall(rb"<workbookProtection[^>]*>", after["xl/workbook.xml"]) == \
        re.findall(rb"<workbookProtection[^>]*>", before["xl/workbook.xml"])

    # Sent back as it is, it is read like the file it came from: same values, same findings,
    # nothing about the 確認事項 sheet, the notes or the highlights.
    catalog = mini_catalog
    original = process_file(sent, "a.xlsx", catalog, YEAR)
    returned = process_file(annotated, "a.xlsx", catalog, YEAR)
    assert returned.usable and returned.department == COUNCIL
    assert {k: e.value for k, e in returned.entries.items()} == \
        {k: e.value for k, e in original.entries.items()}
    assert returned.typed == original.typed
    key = [(f.code, f.sheet, f.cell, f.value) for f in original.findings]
    assert [(f.code, f.sheet, f.cell, f.value) for f in returned.findings] == key


def test_what_the_department_added_is_kept(tmp_path: Path, templates: dict[str, Path],
                                            mini_catalog: Catalog) -> None:
    """The department's own notes (one on a cell with a finding), a chart, a picture and a
    text box survive: every part the annotation does not need to change is copied byte for
    byte. (openpyxl, loading and saving the same file, loses the picture and the text box.)"""
    filled = _submit(templates, mini_catalog, tmp_path / "filled", {COUNCIL: THREE_ERRORS})
    value_cell = cell_of(templates[COUNCIL], "1-1-1-s1.value")
    own = {value_cell: "10は概算です(担当)", (TEXT_SHEET, "B9"): "区分の確認済み"}
    folder = tmp_path / "s"
    shutil.copytree(tmp_path / "filled", folder)
    decorate(filled[COUNCIL], folder / filled[COUNCIL].name, own, INDICATOR_SHEET)
    job = _run(folder, tmp_path / "out", mini_catalog)
    annotated = job.logs["departments"] / f"{COUNCIL}_確認事項.xlsx"
    before, after = parts(folder / filled[COUNCIL].name), parts(annotated)
    kept = [n for n in before if n.startswith(("xl/media/", "xl/charts/", "xl/drawings/drawing",
                                                "xl/theme/", "docProps/"))]
    assert len(kept) >= 6 and all(after[n] == before[n] for n in kept)
    found = notes(annotated)
    assert {w: found[w] for w in own} == {w: ("担当者", t) for w, t in own.items()}
    # the finding on the department's noted cell: listed and highlighted, the note is theirs
    assert value_cell in set(links(annotated)) and highlights(annotated)[value_cell] == ERROR_FILL
    ours = {w for w, (author, _) in found.items() if author == OUR_AUTHOR}
    assert ours == open_cells(tmp_path / "out", COUNCIL, filled[COUNCIL].name) - {value_cell}

    resaved = tmp_path / "resaved.xlsx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        openpyxl.load_workbook(folder / filled[COUNCIL].name).save(resaved)
    lost = parts(resaved)  # the picture too where Pillow is missing (openpyxl keeps it with)
    assert not any(b"TextBox" in data for name, data in lost.items() if "drawings/" in name)


def test_a_second_round_replaces_the_earlier_marks(tmp_path: Path, templates: dict[str, Path],
                                                   mini_catalog: Catalog) -> None:
    """The department fixes two of the three cells in the annotated copy and sends it back:
    the next annotated copy marks only the one left, with one 確認事項 sheet."""
    files = _submit(templates, mini_catalog, tmp_path / "s", {COUNCIL: THREE_ERRORS})
    first = _run(tmp_path / "s", tmp_path / "out", mini_catalog)
    annotated = first.logs["departments"] / f"{COUNCIL}_確認事項.xlsx"
    fixed = tmp_path / "s" / f"{COUNCIL}_修正.xlsx"
    fill_workbook(annotated, fixed, _plausible(mini_catalog, ["1-1-1-s1.value",
                                                              "1-1-2-s1a.value"]))
    files[COUNCIL].unlink()
    second = _run(tmp_path / "s", tmp_path / "out", mini_catalog)
    again = second.logs["departments"] / f"{COUNCIL}_確認事項.xlsx"
    left = {cell_of(templates[COUNCIL], "1-1-1.status.dokuji")}
    assert open_cells(tmp_path / "out", COUNCIL, fixed.name) == left
    assert {w for w, (a, _) in notes(again).items() if a == OUR_AUTHOR} == left
    assert set(highlights(again)) == left and set(links(again)) == left
    assert len(listed(again)) == 1
    assert openpyxl.load_workbook(again).sheetnames.count("確認事項") == 1
    assert _names(again)["print_titles", "確認事項"] == "$7:$7"  # once, replaced
    assert len(re.findall(rb'Print_Titles" localSheetId="0"', parts(again)["xl/workbook.xml"])) == 1


def test_a_warning_is_orange_and_a_clean_department_gets_nothing(
        tmp_path: Path, templates: dict[str, Path], mini_catalog: Catalog) -> None:
    plan = cell_of(templates["高齢福祉課"], "1-1-1.plan")
    _submit(templates, mini_catalog, tmp_path / "s", {"高齢福祉課": {"1-1-1.plan": None}})
    job = _run(tmp_path / "s", tmp_path / "out", mini_catalog)
    folder = job.logs["departments"]
    assert sorted(p.name for p in folder.iterdir()) == ["高齢福祉課_依頼.eml",
                                                        "高齢福祉課_確認事項.xlsx"]
    annotated = folder / "高齢福祉課_確認事項.xlsx"
    assert highlights(annotated) == {plan: WARNING_FILL}
    assert [r[0] for r in listed(annotated)] == ["警告"]
    assert notes(annotated)[plan][1].startswith("【確認事項・警告】")


def test_a_workbook_that_cannot_be_marked_gets_the_table(tmp_path: Path,
                                                         templates: dict[str, Path],
                                                         mini_catalog: Catalog) -> None:
    """A macro-enabled workbook (its cells are read, with a warning) cannot go back under an
    .xlsx name: the department gets the table of findings — in the columns of its 確認事項
    sheet, not the log's code, acceptance and field id — and the log says why."""
    files = _submit(templates, mini_catalog, tmp_path / "s", {COUNCIL: THREE_ERRORS})
    entries = parts(files[COUNCIL])
    entries["[Content_Types].xml"] = entries["[Content_Types].xml"].replace(
        b"spreadsheetml.sheet.main+xml", b"sheet.macroEnabled.main+xml")
    import zipfile

    with zipfile.ZipFile(files[COUNCIL], "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    job = _run(tmp_path / "s", tmp_path / "out", mini_catalog)
    table = job.logs["departments"] / f"{COUNCIL}_確認事項.xlsx"
    wb = openpyxl.load_workbook(table, read_only=True)
    assert wb.sheetnames == ["確認事項"]
    header, *rows = wb["確認事項"].iter_rows(values_only=True)
    assert header == ("重大度", "シート", "セル", "指標", "入力値", "メッセージ", "対処")
    sent = {f.code: f for f in job.validation.findings if f.department == COUNCIL}
    assert sorted(sent) == sorted(["value-approximate", "value-not-number", "status-empty",
                                   "file-macro"])
    assert sorted(r[5] for r in rows) == sorted(f.message for f in sent.values())
    assert sorted(r[6] for r in rows) == sorted(f.action for f in sent.values())
    whole = [r for r in rows if r[5] == sent["file-macro"].message]
    assert [r[2] for r in whole] == ["(ブック全体)"]
    (why,) = [f for f in job.validation.findings if f.code == "feedback-table-only"]
    assert COUNCIL in why.message and why.department is None


def test_an_unreadable_file_gets_the_table_a_missing_one_nothing(tmp_path: Path,
                                                                 mini_catalog: Catalog) -> None:
    """Decided on the validation alone: a department whose only file could not be read gets
    the table of its findings; one from which nothing readable arrived gets nothing here (its
    one draft is remind's, with its template), and its files of an earlier run are removed; a
    bug of the toolkit is never forwarded."""
    corrupt = make("file-corrupt", file="高齢.xlsx", department="高齢福祉課")
    bug = make("internal-error", file="地域.xlsx", department="地域福祉課", detail="x")
    found = Findings([corrupt, bug, make("unit-missing", department="市社協")])
    subs = [Submission(file="高齢.xlsx", department="高齢福祉課", findings=[corrupt]),
            Submission(file="地域.xlsx", department="地域福祉課", findings=[bug])]
    result = ValidationResult(mini_catalog, YEAR, subs, {}, found)
    (tmp_path / "out").mkdir()
    for earlier in (f"{COUNCIL}_依頼.eml", f"{COUNCIL}_確認事項.xlsx"):
        (tmp_path / "out" / earlier).write_bytes(b"an earlier run's")
    sent = write_department_files(tmp_path / "out", result, tmp_path)
    assert [(s.department, s.annotated, [f.code for f in s.findings]) for s in sent.sent] == [
        ("高齢福祉課", False, ["file-corrupt"])]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "高齢福祉課_依頼.eml", "高齢福祉課_確認事項.xlsx"]
    subject = str(email.message_from_bytes(sent.sent[0].draft.read_bytes(),
                                           policy=policy.default)["Subject"])
    assert subject.startswith("【修正のお願い】")
    assert corrupt.severity == bug.severity == ERROR


def test_a_file_that_cannot_be_written_does_not_stop_the_others(
        tmp_path: Path, templates: dict[str, Path], mini_catalog: Catalog) -> None:
    """One department's file cannot be replaced (here a folder stands in its way, as a file
    held open in Excel would on Windows): the others get theirs, the log says which not."""
    _submit(templates, mini_catalog, tmp_path / "s",
            {COUNCIL: THREE_ERRORS, "高齢福祉課": {"1-1-1.plan": None}})
    blocked = tmp_path / "out" / "担当別" / f"{COUNCIL}_確認事項.xlsx"
    blocked.mkdir(parents=True)
    job = _run(tmp_path / "s", tmp_path / "out", mini_catalog)
    assert [s.department for s in job.departments.sent] == ["高齢福祉課"]  # type: ignore[union-attr]
    (why,) = [f for f in job.validation.findings if f.code == "feedback-not-written"]
    assert COUNCIL in why.message and why.file == blocked.name
    assert (tmp_path / "out" / "担当別" / "高齢福祉課_確認事項.xlsx").is_file()


def test_a_file_held_open_is_not_deleted(tmp_path: Path, templates: dict[str, Path],
                                         mini_catalog: Catalog,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The department's 確認事項 of the last run is open in Excel (renaming onto it fails as
    on Windows): this run does not delete it, and the log says it could not be replaced."""
    import os

    _submit(templates, mini_catalog, tmp_path / "s", {COUNCIL: THREE_ERRORS})
    first = _run(tmp_path / "s", tmp_path / "out", mini_catalog)
    held = first.logs["departments"] / f"{COUNCIL}_確認事項.xlsx"
    before = held.read_bytes()
    real = os.replace

    def replace(src: Any, dst: Any, *args: Any, **kw: Any) -> None:
        if Path(dst).resolve() == held.resolve():
            raise PermissionError(13, "used by another process", str(dst))
        real(src, dst, *args, **kw)

    monkeypatch.setattr(os, "replace", replace)
    second = _run(tmp_path / "s", tmp_path / "out", mini_catalog)
    assert held.read_bytes() == before
    codes = [f.code for f in second.validation.findings if f.code.startswith("feedback")]
    assert codes in (["feedback-not-written"], [])  # [] once a held file is written beside it
