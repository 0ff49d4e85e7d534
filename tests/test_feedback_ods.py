"""Issue 24 (part 2): a department that sent an .ods gets its own .ods back, marked as an .xlsx
is — the flagged cells coloured (error/warning, the colours of feedback/styles.py) with an
annotation holding the note's text, and a first sheet 確認事項 with the findings table.

Real files: templates generated as .ods (``generate --format ods``) with a deadline and a
contact, filled as a person would (helpers.ods_files.fill_ods), validated by ``run_validate``;
the marked copy is read back as Calc shows it (helpers.ods_marks). The Calc round trip is in
test_feedback_ods_calc.py.
"""

from __future__ import annotations

import email
import hashlib
import shutil
import zipfile
from email import policy
from pathlib import Path
from typing import Any

import pytest
from openxml_audit import FileFormat, OdfValidator

from consolidator.cell_address import quote_sheet
from consolidator.checks.one_file import process_file
from consolidator.desk.project import Project
from consolidator.feedback.annotate_ods import odf_colour
from consolidator.feedback.odf_content import edit_cells, names_of, tables
from consolidator.feedback.styles import ERROR_FILL, WARNING_FILL
from consolidator.jobs.runs import JobResult, run_validate
from consolidator.plan.catalog import Catalog
from consolidator.templates.generate import generate_templates
from helpers.correction import open_cells
from helpers.filling import by_department, cell_of, measure_of, plausible_number, realistic_values
from helpers.ods_files import fill_ods, write_odf
from helpers.ods_marks import coloured, links, listed, marks, sheet_names, top_lines

YEAR = 2022
COUNCIL = "市社協"
ELDERLY = "高齢福祉課"
DEADLINE, CONTACT = "2023年5月31日", "地域福祉課 地域福祉担当 内線1234"
THREE_ERRORS = {"1-1-1-s1.value": "約10", "1-1-2-s1a.value": "たくさん",
                "1-1-1.status.dokuji": None}
A_WARNING = {"1-1-1.plan": None}
OUR_AUTHOR = "事務局(確認事項)"
RED, ORANGE = odf_colour(ERROR_FILL), odf_colour(WARNING_FILL)


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory, mini_catalog: Catalog
              ) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("ods_templates")
    return by_department(generate_templates(mini_catalog, YEAR, out, fmt="ods",
                                            deadline=DEADLINE, contact=CONTACT))


def _submit(templates: dict[str, Path], catalog: Catalog, folder: Path,
            overrides: dict[str, dict[str, Any]]) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for department, template in templates.items():
        values = {**realistic_values(template, catalog, YEAR), **overrides.get(department, {})}
        out[department] = folder / f"{department}_提出.ods"
        fill_ods(template, out[department], values)
    return out


def _run(folder: Path, out: Path, catalog: Catalog) -> JobResult:
    return run_validate(folder, catalog, YEAR, out)


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


@pytest.fixture(scope="module")
def marked(tmp_path_factory: pytest.TempPathFactory, templates: dict[str, Path],
           mini_catalog: Catalog) -> dict[str, Any]:
    """Three errors in the council's .ods, a warning in the elderly department's; the run."""
    root = tmp_path_factory.mktemp("marked_ods")
    files = _submit(templates, mini_catalog, root / "s",
                    {COUNCIL: THREE_ERRORS, ELDERLY: A_WARNING})
    sums = {d: hashlib.sha256(p.read_bytes()).hexdigest() for d, p in files.items()}
    job = _run(root / "s", root / "out", mini_catalog)
    return {"root": root, "files": files, "sums": sums, "job": job,
            "folder": job.logs["departments"]}


def test_an_ods_comes_back_as_its_own_ods_marked(marked: dict[str, Any],
                                                 templates: dict[str, Path]) -> None:
    folder, job, root = marked["folder"], marked["job"], marked["root"]
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        f"{d}_{kind}" for d in (COUNCIL, ELDERLY) for kind in ("依頼.eml", "確認事項.ods"))
    assert not [f for f in job.validation.findings if f.code == "feedback-table-only"]
    annotated = folder / f"{COUNCIL}_確認事項.ods"
    logged = open_cells(root / "out", COUNCIL, marked["files"][COUNCIL].name)
    assert logged == {cell_of(templates[COUNCIL], fid) for fid in THREE_ERRORS}

    found = marks(annotated)
    assert set(found) == logged
    for f in job.validation.findings:
        if f.department == COUNCIL and f.cell:
            author, text, colour = found[(f.sheet, f.cell)]
            assert (author, colour) == (OUR_AUTHOR, RED)
            assert text.startswith("【確認事項・エラー】")
            assert f.message in text and f.action in text
    assert coloured(annotated, {RED, ORANGE}) == {where: RED for where in logged}

    assert sheet_names(annotated)[0] == "確認事項"
    rows = listed(annotated)
    assert [f"#{quote_sheet(r[1])}.{r[2]}" for r in rows] == links(annotated)
    assert {(r[1], r[2]) for r in rows} == logged and {r[0] for r in rows} == {"エラー"}
    assert all(r[5] and r[6] for r in rows)  # the message and what to do
    top = top_lines(annotated)
    assert f"提出期限:{DEADLINE}" in top and f"問い合わせ先:{CONTACT}" in top

    warned = folder / f"{ELDERLY}_確認事項.ods"
    plan = cell_of(templates[ELDERLY], "1-1-1.plan")
    assert {w: (a, c) for w, (a, _t, c) in marks(warned).items()} == {plan: (OUR_AUTHOR, ORANGE)}
    assert marks(warned)[plan][1].startswith("【確認事項・警告】")
    assert [r[0] for r in listed(warned)] == ["警告"]

    draft = email.message_from_bytes((folder / f"{COUNCIL}_依頼.eml").read_bytes(),
                                     policy=policy.default)
    [attached] = [p for p in draft.walk() if p.get_filename()]
    assert attached.get_filename() == f"{COUNCIL}_確認事項.ods"
    assert attached.get_content_type() == "application/vnd.oasis.opendocument.spreadsheet"
    assert attached.get_payload(decode=True) == annotated.read_bytes()


def test_only_content_changes_and_the_sent_file_is_untouched(marked: dict[str, Any]) -> None:
    sent = marked["files"][COUNCIL]
    annotated = marked["folder"] / f"{COUNCIL}_確認事項.ods"
    assert {d: hashlib.sha256(p.read_bytes()).hexdigest()
            for d, p in marked["files"].items()} == marked["sums"]
    before, after = _parts(sent), _parts(annotated)
    assert list(after) == list(before)  # no part added, the manifest untouched
    assert {n for n in before if after[n] != before[n]} == {"content.xml"}
    with zipfile.ZipFile(annotated) as zf:
        first = zf.infolist()[0]
    assert (first.filename, first.compress_type) == ("mimetype", zipfile.ZIP_STORED)


def test_the_marked_ods_reads_like_the_file_it_came_from(marked: dict[str, Any],
                                                         mini_catalog: Catalog) -> None:
    """Sent back as it is: the same values and findings; nothing of the 確認事項 sheet, the
    annotations or the colours is read as the department's."""
    sent = marked["files"][COUNCIL]
    annotated = marked["folder"] / f"{COUNCIL}_確認事項.ods"
    original = process_file(sent, "a.ods", mini_catalog, YEAR)
    returned = process_file(annotated, "a.ods", mini_catalog, YEAR)
    assert returned.usable and returned.department == COUNCIL
    assert {k: e.value for k, e in returned.entries.items()} == \
        {k: e.value for k, e in original.entries.items()}
    key = [(f.code, f.sheet, f.cell, f.value) for f in original.findings]
    assert [(f.code, f.sheet, f.cell, f.value) for f in returned.findings] == key


def test_the_marked_ods_is_valid_odf(marked: dict[str, Any]) -> None:
    """The ODF validator of openxml-audit: the marked copy passes as the sent file does, and
    against the ODF 1.2 RELAX NG schema it has no error the sent file has not."""
    sent = marked["files"][COUNCIL]
    annotated = marked["folder"] / f"{COUNCIL}_確認事項.ods"
    assert OdfValidator().validate(sent).is_valid
    result = OdfValidator().validate(annotated)
    assert result.is_valid, result.errors
    strict = OdfValidator(file_format=FileFormat.ODF_1_2, relaxng_validation=True)

    def schema_errors(path: Path) -> set[str]:
        return {str(e) for e in strict.validate(path).errors if "[schema]" in str(e)}

    assert schema_errors(annotated) <= schema_errors(sent)


def test_a_second_round_replaces_the_earlier_marks(tmp_path: Path, templates: dict[str, Path],
                                                   mini_catalog: Catalog) -> None:
    """The department fixes two of the three cells in the marked .ods and sends it back: the
    next marked copy marks only the one left, with one 確認事項 sheet."""
    files = _submit(templates, mini_catalog, tmp_path / "s", {COUNCIL: THREE_ERRORS})
    first = _run(tmp_path / "s", tmp_path / "out", mini_catalog)
    annotated = first.logs["departments"] / f"{COUNCIL}_確認事項.ods"
    fixed = tmp_path / "s" / f"{COUNCIL}_修正.ods"
    fill_ods(annotated, fixed, {fid: plausible_number(measure_of(mini_catalog, fid), YEAR)
                                for fid in ("1-1-1-s1.value", "1-1-2-s1a.value")})
    files[COUNCIL].unlink()
    second = _run(tmp_path / "s", tmp_path / "out", mini_catalog)
    again = second.logs["departments"] / f"{COUNCIL}_確認事項.ods"
    left = {cell_of(templates[COUNCIL], "1-1-1.status.dokuji")}
    assert open_cells(tmp_path / "out", COUNCIL, fixed.name) == left
    assert set(marks(again)) == left
    assert coloured(again, {RED, ORANGE}) == {where: RED for where in left}
    assert len(listed(again)) == 1 and sheet_names(again).count("確認事項") == 1
    styles = [_parts(p)["content.xml"].count(b'style:name="fbsheet-') for p in (annotated, again)]
    assert 0 < styles[1] <= styles[0]  # the old sheet's styles went with it


def test_a_flagged_cell_inside_repeated_rows_and_cells(marked: dict[str, Any]) -> None:
    """Calc writes runs of like rows and cells as one element: the flagged one is taken out of
    its run (the cells before and after keep their count), the rest is unchanged."""
    xml = (b'<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office='
           b'"urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table='
           b'"urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text='
           b'"urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
           b'<table:table table:name="S"><table:table-column/>'
           b'<table:table-header-rows><table:table-row><table:table-cell/></table:table-row>'
           b'</table:table-header-rows>'
           b'<table:table-row table:number-rows-repeated="5"><table:table-cell '
           b'table:number-columns-repeated="4" table:style-name="ce1"/><table:table-cell>'
           b'<text:p>x</text:p></table:table-cell></table:table-row>'
           b'</table:table></office:spreadsheet></office:body></office:document-content>')
    names = names_of(xml)
    out = edit_cells(xml, tables(xml, names)["S"], names,
                     {(4, 3): lambda cell: cell.replace(b"ce1", b"MARK")})
    body = out[out.index(b"</table:table-header-rows>"):out.index(b"</table:table>")]
    assert body == (
        b'</table:table-header-rows>'
        b'<table:table-row table:number-rows-repeated="2"><table:table-cell '
        b'table:number-columns-repeated="4" table:style-name="ce1"/><table:table-cell>'
        b'<text:p>x</text:p></table:table-cell></table:table-row>'
        b'<table:table-row><table:table-cell table:number-columns-repeated="2" '
        b'table:style-name="ce1"/><table:table-cell table:style-name="MARK"/>'
        b'<table:table-cell table:style-name="ce1"/><table:table-cell><text:p>x</text:p>'
        b'</table:table-cell></table:table-row>'
        b'<table:table-row table:number-rows-repeated="2"><table:table-cell '
        b'table:number-columns-repeated="4" table:style-name="ce1"/><table:table-cell>'
        b'<text:p>x</text:p></table:table-cell></table:table-row>')



SETTINGS = ('<?xml version="1.0" encoding="UTF-8"?><office:document-settings xmlns:office='
            '"urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:config="urn:oasis:names:tc:'
            'opendocument:xmlns:config:1.0" office:version="1.2"><office:settings>'
            '<config:config-item-set config:name="ooo:view-settings"><config:config-item-map-'
            'indexed config:name="Views"><config:config-item-map-entry><config:config-item '
            'config:name="ActiveTable" config:type="string">活動指標</config:config-item>'
            '</config:config-item-map-entry></config:config-item-map-indexed>'
            '</config:config-item-set></office:settings></office:document-settings>')


def test_it_opens_on_the_findings_sheet(marked: dict[str, Any], tmp_path: Path,
                                        mini_catalog: Catalog) -> None:
    """Calc (with a window) remembers the sheet it showed in settings.xml: the marked copy
    opens on 確認事項, not on the sheet the department last looked at."""
    parts = _parts(marked["files"][COUNCIL])
    parts["settings.xml"] = SETTINGS.encode()
    parts["META-INF/manifest.xml"] = parts["META-INF/manifest.xml"].replace(
        b"</manifest:manifest>", b'<manifest:file-entry manifest:full-path="settings.xml" '
        b'manifest:media-type="text/xml"/></manifest:manifest>')
    (tmp_path / "s").mkdir()
    write_odf(tmp_path / "s" / "a.ods", list(parts.items()))
    job = _run(tmp_path / "s", tmp_path / "out", mini_catalog)
    annotated = job.logs["departments"] / f"{COUNCIL}_確認事項.ods"
    settings = _parts(annotated)["settings.xml"].decode()
    assert settings == SETTINGS.replace(">活動指標<", ">確認事項<")


def test_the_desk_hands_out_the_marked_ods(marked: dict[str, Any], tmp_path: Path,
                                           mini_catalog: Catalog) -> None:
    """The desk's link to a department's 確認事項 serves its .ods when that is what it got."""
    shutil.copytree(marked["folder"], tmp_path / "output" / "担当別")
    project = Project(tmp_path, mini_catalog, YEAR)
    assert project.department_log(COUNCIL) == tmp_path / "output" / "担当別" / \
        f"{COUNCIL}_確認事項.ods"
    assert project.department_log("地域福祉課") == tmp_path / "output" / "担当別" / \
        "地域福祉課_確認事項.xlsx"  # nothing for it: the usual name (not there, no link)
