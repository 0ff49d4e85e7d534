"""Issue 11: the Calc round trip to ODF. All 17 templates drawn as .ods (``generate --format
ods``) are filled in LibreOffice Calc — three of them with two rows inserted above an
initiative block — and saved as .ods; the same values typed into the .xlsx templates and
saved as .xlsx are the reference. One more department's .xlsx template is filled in Calc and
saved as .ods, beside the other departments' .xlsx (an office that opens what it receives and
saves in its own format). Every folder must give the same 指標一覧 and report texts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_calc_roundtrip import INSERTED_2, block_start, sheet_state

from consolidator.jobs.runs import JobResult, run_consolidate
from consolidator.plan.catalog import Catalog
from consolidator.templates.model import TEXT_SHEET
from helpers.cells import row_of
from helpers.filling import by_name, fields_of, realistic_values
from helpers.master import report_texts, sheet_rows

pytestmark = [pytest.mark.calc, pytest.mark.slow]

MIXED_ODS = "高齢福祉課"  # its .xlsx template, filled in Calc and saved as .ods


@pytest.fixture(scope="module")
def calc_ods(calc: Any, default_templates: dict[str, Path],
             default_ods_templates: dict[str, Path], default_catalog: Catalog,
             tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Every Calc job of this module in ONE driver call; then the three folders consolidated."""
    root = tmp_path_factory.mktemp("calc_ods")
    year = default_catalog.report_year
    jobs: list[dict[str, Any]] = []
    inserted: dict[str, int] = {}
    typed: dict[str, dict[str, Any]] = {}
    for department, template in default_templates.items():
        edit: dict[str, Any] = {}
        if department in INSERTED_2:
            _ini, start = block_start(template, 1)
            inserted[department] = start
            edit = {"insert_rows": [{"sheet": TEXT_SHEET, "before_row": start, "count": 2}]}
        typed[department] = realistic_values(template, default_catalog, year)
        values = by_name(typed[department])
        for src, dst in ((default_ods_templates[department], root / "ods" / f"{department}.ods"),
                         (template, root / "xlsx" / f"{department}.xlsx")):
            jobs.append({"op": "fill", "src": src, "dst": dst, "values": values, **edit})
        if department == MIXED_ODS:
            jobs.append({"op": "fill", "src": template, "dst": root / "mixed" / f"{department}.ods",
                         "values": values, **edit})
    results = calc.run(jobs)
    failed = [(j["dst"], r.get("error")) for j, r in zip(jobs, results, strict=True)
              if not r.get("ok")]
    assert not failed, failed
    for xlsx in (root / "xlsx").iterdir():  # the other departments' .xlsx beside the .ods
        if not xlsx.name.startswith(MIXED_ODS):
            (root / "mixed" / xlsx.name).write_bytes(xlsx.read_bytes())
    jobs_by_folder = {name: run_consolidate(root / name, default_catalog, year,
                                            root / f"out_{name}")
                      for name in ("xlsx", "ods", "mixed")}
    return {"root": root, "typed": typed, "inserted": inserted, **jobs_by_folder}


def _same_source(rows: list[list[Any]]) -> list[list[Any]]:
    """The 指標一覧 names each value's file: .ods instead of .xlsx is the only difference."""
    return [[v.replace(".ods ", ".xlsx ") if isinstance(v, str) else v for v in row]
            for row in rows]


@pytest.mark.parametrize("name", ["ods", "mixed"])
def test_same_indicator_table_and_report_text(calc_ods: dict[str, Any], name: str) -> None:
    xlsx: JobResult = calc_ods["xlsx"]
    other: JobResult = calc_ods[name]
    assert xlsx.validation.findings.errors == [] and other.validation.findings.errors == []
    assert _same_source(sheet_rows(other.master, "指標一覧")) == sheet_rows(xlsx.master,
                                                                         "指標一覧")
    assert report_texts(other.master) == report_texts(xlsx.master)
    assert [(f.code, f.department, f.sheet, f.cell) for f in other.validation.findings] == [
        (f.code, f.department, f.sheet, f.cell) for f in xlsx.validation.findings]


def test_every_typed_value_arrives_from_the_ods(calc_ods: dict[str, Any]) -> None:
    chosen = calc_ods["ods"].validation.chosen
    assert set(chosen) == set(calc_ods["typed"]) and len(chosen) == 17
    for department, typed in calc_ods["typed"].items():
        assert chosen[department].file.endswith(".ods")
        assert {k: e.value for k, e in chosen[department].entries.items()} == typed, department
    assert [(f.code, f.department) for f in calc_ods["ods"].validation.findings] == []


def test_inserted_rows_moved_the_named_ranges(calc_ods: dict[str, Any],
                                              default_ods_templates: dict[str, Path]) -> None:
    """Calc moves the named ranges of an .ods with inserted rows, as it moves the defined
    names of an .xlsx: the fields below are read two rows lower, by name (no field-moved)."""
    chosen = calc_ods["ods"].validation.chosen
    for department, start in calc_ods["inserted"].items():
        entries = chosen[department].entries
        shifted = 0
        for fid, row in fields_of(default_ods_templates[department]).items():
            if fid not in entries:
                continue
            before = row_of(row["cell"])
            expect = before + 2 if row["sheet"] == TEXT_SHEET and before >= start else before
            assert (entries[fid].sheet, row_of(entries[fid].cell)) == (row["sheet"], expect), fid
            shifted += expect != before
        assert shifted > 0, department


def test_calc_keeps_the_identity_and_the_hidden_sheet(calc_ods: dict[str, Any]) -> None:
    import zipfile

    from consolidator.limits import DEFAULT_LIMITS
    from consolidator.reading.ods_workbook import read_ods_identity

    path = calc_ods["root"] / "ods" / f"{MIXED_ODS}.ods"
    with zipfile.ZipFile(path) as zf:
        props, saved = read_ods_identity(zf, DEFAULT_LIMITS)
    assert props["unit"] == MIXED_ODS and saved  # Calc writes when it saved (dc:date)
    from consolidator.reading.workbook import read_workbook

    assert read_workbook(path).sheet_state("_meta") == "hidden"
    assert sheet_state(calc_ods["root"] / "xlsx" / f"{MIXED_ODS}.xlsx", "_meta") == "hidden"
