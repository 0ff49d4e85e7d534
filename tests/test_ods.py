"""Issue 11: OpenDocument spreadsheets (.ods) are identified, checked, read and merged exactly
like .xlsx; ``generate --format ods`` draws the templates as .ods.

Without Calc (the Calc round trip is in test_calc_ods.py): the .ods templates are read back
like the .xlsx ones, filled .ods files (typed with :func:`helpers.ods_files.fill_ods`) give the
same master as the same values sent as .xlsx, and the ODS hostile set is contained.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from consolidator.checks.validation import saved_time, validate_folder
from consolidator.cli import main
from consolidator.jobs.runs import run_consolidate
from consolidator.plan.catalog import Catalog
from consolidator.reading.ods_workbook import read_ods_identity
from consolidator.reading.raw_workbook import RawWorkbook
from consolidator.reading.workbook import read_workbook
from consolidator.safety.verdict import verdict_of
from consolidator.templates.generate import generate_templates
from helpers.filling import complete_values, fill_workbook, realistic_values, set_modified
from helpers.hostile_corpus import minimal_xls
from helpers.master import report_texts, sheet_rows
from helpers.ods_files import ODS_EXPECTED, build_ods_corpus, fill_ods, set_ods_saved

YEAR = 2022
GENERATED = "generated_at"  # the one identity entry that differs between two generate runs


def _comparable(raw: RawWorkbook) -> dict[str, Any]:
    grids = {name: [[None if v == "" else v for v in row] for row in grid
                    if not (row and row[0] == GENERATED)]
             for name, grid in raw.grids.items()}
    return {"sheets": [(s.name, s.state != "visible") for s in raw.sheets],
            "names": raw.names, "grids": grids,
            "properties": {k: v for k, v in raw.properties.items() if k != GENERATED},
            "meta": {k: v for k, v in raw.meta.items() if k != GENERATED}}


@pytest.mark.slow  # all 17 departments filled and read in both formats: in the full suite
def test_every_ods_template_reads_like_its_xlsx(default_templates: dict[str, Path],
                                                default_ods_templates: dict[str, Path]) -> None:
    assert set(default_ods_templates) == set(default_templates) and len(default_templates) == 17
    for department, ods in default_ods_templates.items():
        assert ods.suffix == ".ods"
        verdict = verdict_of(ods)
        assert (verdict.kind, verdict.ok, verdict.findings) == ("ods", True, []), department
        assert _comparable(read_workbook(ods)) == _comparable(
            read_workbook(default_templates[department])), department


def test_identity_in_one_function(default_ods_templates: dict[str, Path]) -> None:
    import zipfile

    from consolidator.limits import DEFAULT_LIMITS

    with zipfile.ZipFile(default_ods_templates["高齢福祉課"]) as zf:
        props, saved = read_ods_identity(zf, DEFAULT_LIMITS)
    assert props["unit"] == "高齢福祉課" and props["fiscal_year"] == str(YEAR)
    assert saved is None  # odfpy writes no save time; Calc does (dc:date)


def _findings(folder: Path, catalog: Catalog) -> Counter[tuple[Any, ...]]:
    result = validate_folder(folder, catalog, YEAR, workers=2)
    return Counter((f.code, f.severity, f.department, f.sheet, f.cell, f.field_id)
                   for f in result.findings)


# Between them, every kind of field a template of the default plan has (status and plan with
# and without a category, required or not, values with and without a unit, percent, reason,
# explanation): 市社協 has them all, the other two are the ones the other tests here read.
EVERY_FIELD_KIND = ("市社協", "高齢福祉課", "人権推進課")


@pytest.mark.parametrize("departments", [
    pytest.param(EVERY_FIELD_KIND, id="every-kind-of-field"),
    # the 14 others hold no kind of field these three lack; drawing all 17 as .ods takes
    # about 2.5 s of CPU: in the full suite
    pytest.param(None, id="all-17", marks=pytest.mark.slow)])
def test_empty_templates_give_the_same_findings(tmp_path: Path, default_catalog: Catalog,
                                                default_templates: dict[str, Path],
                                                default_ods_templates: dict[str, Path],
                                                departments: tuple[str, ...] | None) -> None:
    for name, templates in (("xlsx", default_templates), ("ods", default_ods_templates)):
        (tmp_path / name).mkdir()
        for department in departments or default_catalog.department_names:
            t = templates[department]
            (tmp_path / name / t.name).write_bytes(t.read_bytes())
    found = _findings(tmp_path / "ods", default_catalog)
    assert found == _findings(tmp_path / "xlsx", default_catalog)
    assert {code for code, *_ in found} >= {"status-empty", "value-missing"}


@pytest.fixture(scope="module")
def three_folders(tmp_path_factory: pytest.TempPathFactory, default_catalog: Catalog,
                  default_templates: dict[str, Path],
                  default_ods_templates: dict[str, Path]) -> dict[str, Any]:
    """The same values typed into the 17 .xlsx, the 17 .ods, and 16 .xlsx beside one .ods."""
    root = tmp_path_factory.mktemp("ods_vs_xlsx")
    jobs = {}
    for name in ("xlsx", "ods", "mixed"):
        folder = root / name
        folder.mkdir()
        for department, template in default_templates.items():
            typed = realistic_values(template, default_catalog, YEAR)
            if name == "ods" or (name == "mixed" and department == "高齢福祉課"):
                fill_ods(default_ods_templates[department], folder / f"{department}.ods", typed)
            else:
                fill_workbook(template, folder / f"{department}.xlsx", typed)
        jobs[name] = run_consolidate(folder, default_catalog, YEAR, root / f"out_{name}")
    return jobs


def _same_source(rows: list[list[Any]]) -> list[list[Any]]:
    return [[v.replace(".ods ", ".xlsx ") if isinstance(v, str) else v for v in row]
            for row in rows]


@pytest.mark.slow  # 51 files filled and three folders consolidated
@pytest.mark.parametrize("name", ["ods", "mixed"])
def test_ods_submissions_give_the_same_master(three_folders: dict[str, Any], name: str) -> None:
    xlsx, other = three_folders["xlsx"], three_folders[name]
    # the last column names the source file: 高齢福祉課.ods instead of .xlsx, nothing else
    assert _same_source(sheet_rows(other.master, "指標一覧")) == sheet_rows(xlsx.master,
                                                                         "指標一覧")
    assert report_texts(other.master) == report_texts(xlsx.master)
    assert other.validation.findings.errors == []
    for department, sub in xlsx.validation.chosen.items():
        ods = other.validation.chosen[department]
        assert ({k: (e.value, e.sheet, e.cell) for k, e in ods.entries.items()}
                == {k: (e.value, e.sheet, e.cell) for k, e in sub.entries.items()}), department
    assert [(f.code, f.department) for f in other.validation.findings] == [
        (f.code, f.department) for f in xlsx.validation.findings]


def test_a_finding_names_the_cell_the_same_way(tmp_path: Path, default_catalog: Catalog,
                                               default_templates: dict[str, Path],
                                               default_ods_templates: dict[str, Path]) -> None:
    """約12 in a number cell and a value typed beside the input cells: the same findings,
    the same sheet and cell, from the .ods as from the .xlsx."""
    department = "高齢福祉課"
    values = complete_values(default_templates[department])
    value_field = next(k for k in values if k.endswith(".value"))
    values[value_field] = "約12"
    stray = {("活動指標", "N5"): "メモ"}  # right of the last column of the sheet
    (tmp_path / "x").mkdir()
    (tmp_path / "o").mkdir()
    fill_workbook(default_templates[department], tmp_path / "x" / "a.xlsx", values, stray)
    fill_ods(default_ods_templates[department], tmp_path / "o" / "a.ods", values, stray)
    xlsx, ods = _findings(tmp_path / "x", default_catalog), _findings(tmp_path / "o",
                                                                     default_catalog)
    assert ods == xlsx
    assert {(c, sheet, cell) for c, _s, _d, sheet, cell, _f in ods if c == "value-outside-input"
            } == {("value-outside-input", "活動指標", "N5")}


def test_generate_format_ods(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["generate", "--format", "ods", "--only", "高齢福祉課",
                                       "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    [made] = list(tmp_path.iterdir())
    assert made.name == "令和4年度_高齢福祉課_実施状況報告.ods"
    assert verdict_of(made).ok


@pytest.fixture(scope="module")
def ods_corpus(tmp_path_factory: pytest.TempPathFactory,
               default_ods_templates: dict[str, Path]) -> Path:
    out = tmp_path_factory.mktemp("ods_corpus")
    assert build_ods_corpus(default_ods_templates["人権推進課"], out) == ODS_EXPECTED
    return out


@pytest.mark.parametrize("name", sorted(ODS_EXPECTED))
def test_ods_hostile_file_reports_exactly_its_code(name: str, ods_corpus: Path) -> None:
    verdict = verdict_of(ods_corpus / name)
    code = ODS_EXPECTED[name]
    assert [f.code for f in verdict.findings] == ([code] if code else []), verdict.findings
    assert verdict.ok == (code in ("", "file-macro"))
    assert all(f.file == name and f.message and f.action for f in verdict.findings)


def test_legacy_xls_stays_rejected(tmp_path: Path) -> None:
    path = tmp_path / "昔の様式.xls"
    path.write_bytes(minimal_xls())
    verdict = verdict_of(path)
    assert (verdict.kind, verdict.ok, [f.code for f in verdict.findings]) == (
        "xls", False, ["file-legacy-xls"])


# ---- an .xlsx and an .ods of the same department: the later saved is used ----------------------

@pytest.fixture
def japan_time() -> Iterator[None]:
    """The machine running the tool keeps Japan's time (UTC+9), as the city's offices do."""
    if not hasattr(time, "tzset"):
        pytest.skip("the process's time zone cannot be changed here (Windows)")
    before = os.environ.get("TZ")
    os.environ["TZ"] = "JST-9"
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        time.tzset()


@pytest.mark.usefixtures("japan_time")
def test_xlsx_and_ods_of_one_department_compared_as_times(
        tmp_path: Path, mini_catalog: Catalog, mini_templates: dict[str, Path]) -> None:
    """An .xlsx saved at 10:00 in Japan says 01:00Z (Excel stores UTC); an .ods saved an hour
    earlier says 09:00 (Calc stores the local time, no zone). As texts the .ods is the later;
    as times the .xlsx is, and it is the one used."""
    department = "高齢福祉課"
    template = mini_templates[department]
    ods_template = generate_templates(mini_catalog, YEAR, tmp_path / "t", fmt="ods",
                                      only=[department])[0]
    folder = tmp_path / "s"
    folder.mkdir()
    values = complete_values(template)
    value_field = next(k for k in values if k.endswith(".value"))
    fill_workbook(template, folder / "later.xlsx", {**values, value_field: 112})
    set_modified(folder / "later.xlsx", "2023-05-01T01:00:00Z")
    fill_ods(ods_template, folder / "earlier.ods", {**values, value_field: 111})
    set_ods_saved(folder / "earlier.ods", "2023-05-01T09:00:00.123456789")
    assert "2023-05-01T09:00:00.123456789" > "2023-05-01T01:00:00Z"  # the order as texts
    result = validate_folder(folder, mini_catalog, YEAR, workers=1)
    used = result.chosen[department]
    assert (used.file, used.entries[value_field].value) == ("later.xlsx", 112)
    assert [(f.code, f.file) for f in result.findings if f.department == department] == [
        ("duplicate-not-used", "earlier.ods")]
    # what the ledger records is the file's own text
    assert {s.file: s.modified for s in result.submissions} == {
        "earlier.ods": "2023-05-01T09:00:00.123456789", "later.xlsx": "2023-05-01T01:00:00Z"}
    # the same files an hour apart the other way: the .ods is the later, and used
    set_ods_saved(folder / "earlier.ods", "2023-05-01T11:00:00.5")
    assert validate_folder(folder, mini_catalog, YEAR, workers=1).chosen[department].file == (
        "earlier.ods")


def test_saved_times_of_both_formats() -> None:
    assert saved_time("2023-05-01T01:00:00Z") == datetime(2023, 5, 1, 1, tzinfo=UTC)
    assert saved_time("2023-05-01T10:00:00+09:00") == datetime(2023, 5, 1, 1, tzinfo=UTC)
    local = saved_time("2023-05-01T09:00:00.123456789")
    assert local == datetime(2023, 5, 1, 9, 0, 0, 123456).astimezone()  # the machine's time
    assert local is not None and local.tzinfo is not None
    assert [saved_time(t) for t in (None, "", "昨日", "2023-13-01T00:00:00")] == [None] * 4


def test_percent_without_its_format_in_an_ods(tmp_path: Path, mini_catalog: Catalog) -> None:
    """0.575 in a % field of an .ods, as a plain number (not a percentage cell): the same
    warning as from an .xlsx, the value read as it is."""
    template = generate_templates(mini_catalog, YEAR, tmp_path / "t", fmt="ods",
                                  only=["地域福祉課"])[0]
    (tmp_path / "s").mkdir()
    fill_ods(template, tmp_path / "s" / "a.ods",
             {**complete_values(template), "2-1-1-c1.value": 0.575})
    result = validate_folder(tmp_path / "s", mini_catalog, YEAR, workers=1)
    [lost] = [f for f in result.findings if f.code == "value-percent-format-lost"]
    assert (lost.file, lost.sheet, lost.cell, lost.value) == ("a.ods", "活動指標", "I4", "0.575")
    assert result.chosen["地域福祉課"].entries["2-1-1-c1.value"].value == 0.575
