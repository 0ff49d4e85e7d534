"""Issue 6: the templates survive a round trip through a real spreadsheet program.

Every workbook here is filled, edited or merely re-saved by LibreOffice Calc (one headless
soffice for the session, jobs batched in one driver call), then validated and consolidated
exactly as the secretariat would. What a department typed must arrive unchanged; what Calc
does on its own (``_meta`` saved ``hidden`` instead of ``veryHidden``, comment authors
dropped) must not produce a finding.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.comments import Comment

from calc.session import convert_to_xlsx
from consolidator.cell_address import a1
from consolidator.checks.validation import validate_folder
from consolidator.jobs.runs import run_consolidate
from consolidator.plan.catalog import Catalog
from consolidator.templates.model import (
    IND_VALUE_COL,
    INDICATOR_LAYOUT,
    INDICATOR_SHEET,
    META_SHEET,
    TEXT_SHEET,
)
from helpers.cells import row_of
from helpers.filling import by_name, fields_of, measure_of, realistic_values
from helpers.findings import empty_template_findings, of_file
from helpers.master import master_actuals, report_texts, sheet_rows, table

pytestmark = pytest.mark.calc

INSERTED_2 = ("市社協", "地域福祉課", "高齢福祉課")  # 2 rows inserted above an initiative block
STRUCTURAL = {"field-missing", "field-moved", "reference-changed", "value-outside-input",
              "identity-mismatch", "sheet-state-changed", "not-a-template", "older-catalog"}
EMPTY_CODES = {"status-empty", "plan-empty", "value-missing"}


def sheet_state(path: Path, sheet: str) -> str:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return str(wb[sheet].sheet_state)
    finally:
        wb.close()


def block_start(template: Path, n: int) -> tuple[str, int]:
    """(initiative id, first row) of the ``n``-th initiative block (0-based) on 実施状況."""
    seen: list[str] = []
    for r, (key, *_rest) in enumerate(sheet_rows(template, TEXT_SHEET), start=1):
        if r > 3 and isinstance(key, str) and "." not in key and key not in seen:
            seen.append(key)
            if len(seen) == n + 1:
                return key, r
    raise AssertionError(f"no initiative block {n} in {template.name}")


def reference_row(template: Path, initiative_id: str, label: str) -> int:
    for r, row in enumerate(sheet_rows(template, TEXT_SHEET), start=1):
        if row[0] == initiative_id and row[2] == label:
            return r
    raise AssertionError(f"no {label} row for {initiative_id}")


class Scenario:
    """One Calc job's input and output: the template, what was typed, where it went."""

    def __init__(self, department: str, template: Path, dst: Path, typed: dict[str, Any],
                 edit: dict[str, Any] | None = None) -> None:
        self.department, self.template, self.dst, self.typed = department, template, dst, typed
        self.edit = edit or {}

    def job(self) -> dict[str, Any]:
        return {"op": "fill", "src": self.template, "dst": self.dst,
                "values": by_name(self.typed), **self.edit}


@pytest.fixture(scope="module")
def calc_files(calc: Any, default_templates: dict[str, Path], default_catalog: Catalog,
               tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Run every Calc job of this module in ONE driver call."""
    root = tmp_path_factory.mktemp("calc_roundtrip")
    year = default_catalog.report_year
    jobs: list[dict[str, Any]] = []
    out: dict[str, Any] = {"root": root, "year": year, "full": {}, "inserted_at": {}}

    # 1. every department, every field; 2 rows above the 2nd initiative block in three
    #    workbooks
    for department, template in default_templates.items():
        edit = {}
        if department in INSERTED_2:
            _ini, start = block_start(template, 1)
            out["inserted_at"][department] = start
            edit = {"insert_rows": [{"sheet": TEXT_SHEET, "before_row": start, "count": 2}]}
        s = Scenario(department, template, root / "full" / f"{department}_提出.xlsx",
                     realistic_values(template, default_catalog, year), edit)
        out["full"][department] = s
        jobs.append(s.job())

    # 2. one row inserted above the 2nd initiative of 障がい福祉課
    t = default_templates["障がい福祉課"]
    _ini, start = block_start(t, 1)
    out["insert"] = Scenario("障がい福祉課", t, root / "insert" / "障がい福祉課.xlsx",
                             realistic_values(t, default_catalog, year),
                             {"insert_rows": [{"sheet": TEXT_SHEET, "before_row": start,
                                               "count": 1}]})
    out["insert_row"] = start
    jobs.append(out["insert"].job())

    # 3. the '主な活動指標等(参考)' row of the 1st initiative of 高齢福祉課 deleted (the
    #    template has no blank row between initiatives; this reference row holds no input)
    t = default_templates["高齢福祉課"]
    ini, _ = block_start(t, 0)
    deleted = reference_row(t, ini, "主な活動指標等(参考)")
    assert all(row_of(r["cell"]) != deleted for r in fields_of(t).values()
               if r["sheet"] == TEXT_SHEET)
    out["delete"] = Scenario("高齢福祉課", t, root / "delete" / "高齢福祉課.xlsx",
                             realistic_values(t, default_catalog, year),
                             {"delete_rows": [{"sheet": TEXT_SHEET, "row": deleted,
                                               "count": 1}]})
    out["deleted_row"] = deleted
    jobs.append(out["delete"].job())

    # 4. filled, saved, then the indicator rows sorted by column C (指標) descending
    last = max(row_of(r["cell"]) for r in fields_of(t).values() if r["sheet"] == INDICATOR_SHEET)
    filled = Scenario("高齢福祉課", t, root / "presort" / "高齢福祉課.xlsx",
                      realistic_values(t, default_catalog, year))
    jobs.append(filled.job())
    out["sort"] = Scenario("高齢福祉課", t, root / "sort" / "高齢福祉課.xlsx", filled.typed)
    jobs.append({"op": "fill", "src": filled.dst, "dst": out["sort"].dst,
                 "sort": {"sheet": INDICATOR_SHEET,
                          "range": f"A4:{a1(last, len(INDICATOR_LAYOUT))}", "key_column": 2,
                          "descending": True}})

    # 5. numbers typed the way Calc parses typing: '111 (apostrophe: text), 1,100 (number)
    typed = realistic_values(t, default_catalog, year)
    out["typed"] = Scenario("高齢福祉課", t, root / "typed" / "高齢福祉課.xlsx", typed)
    values = by_name(typed)
    values["F_1_1_1_c1_value"] = {"typed": "'111"}
    values["F_2_1_2_c1_value"] = {"typed": "1,100"}
    jobs.append({"op": "fill", "src": t, "dst": out["typed"].dst, "values": values})

    # 6. an empty template opened and saved; a copy carrying a comment with an author
    t = default_templates["市社協"]
    out["resave"] = root / "resave" / t.name
    jobs.append({"op": "resave", "src": t, "dst": out["resave"]})
    commented = root / "commented_src.xlsx"
    wb = openpyxl.load_workbook(t)
    first = fields_of(t)["1-1-1.status.dokuji"]
    note = Comment("昨年度の内容を参考に記入", "地域福祉課 山田")
    wb[first["sheet"]][first["cell"]].comment = note
    wb.save(commented)
    out["comment_cell"] = (first["sheet"], first["cell"])
    out["commented"] = root / "commented" / "市社協_コメント付き.xlsx"
    jobs.append({"op": "resave", "src": commented, "dst": out["commented"]})

    results = calc.run(jobs)
    failed = [(j.get("dst"), r.get("error")) for j, r in zip(jobs, results, strict=True)
              if not r.get("ok")]
    assert not failed, failed
    return out


# ---- 1. the whole plan through Calc -----------------------------------------------------

@pytest.fixture(scope="module")
def full_job(calc_files: dict[str, Any], default_catalog: Catalog) -> Any:
    root = calc_files["root"]
    return run_consolidate(root / "full", default_catalog, calc_files["year"], root / "out")


def test_every_department_filled_in_calc_arrives_exactly(calc_files: dict[str, Any],
                                                         full_job: Any) -> None:
    result = full_job.validation
    assert result.findings.errors == []
    # the values are plausible (next to last year's), the edits harmless: nothing at all
    assert [(f.code, f.department, f.sheet, f.cell) for f in result.findings] == []
    assert set(result.chosen) == set(calc_files["full"])
    typed_total = 0
    for department, s in calc_files["full"].items():
        entries = result.chosen[department].entries
        assert set(entries) == set(s.typed), department
        got = {fid: e.value for fid, e in entries.items()}
        assert got == s.typed, department
        typed_total += len(s.typed)
    every = sum(1 for s in calc_files["full"].values() for r in fields_of(s.template).values()
                if r["role"] not in ("reason", "explanation"))
    # every status, plan, value and reason_text of 17 workbooks (no value is far off: no
    # explanation is asked)
    assert typed_total == every
    # a percent measure (a float) and a large integer arrive as they are
    assert result.chosen["市社協"].entries["1-3-2-s1.value"].value == 57.5
    assert result.chosen["こども未来課"].entries["2-2-2-c1.value"].value == 54604


def test_inserted_rows_moved_the_names(calc_files: dict[str, Any], full_job: Any) -> None:
    """Calc moves the defined names with inserted rows: fields below the insertion are read
    two rows lower, by name (no field-moved), fields above where they were."""
    for department in INSERTED_2:
        s = calc_files["full"][department]
        start = calc_files["inserted_at"][department]
        entries = full_job.validation.chosen[department].entries
        shifted = 0
        for fid, row in fields_of(s.template).items():
            if fid not in entries:
                continue
            before = row_of(row["cell"])
            expect = before + 2 if row["sheet"] == TEXT_SHEET and before >= start else before
            assert (entries[fid].sheet, row_of(entries[fid].cell)) == (row["sheet"], expect), fid
            shifted += expect != before
        assert shifted > 0, department


def test_master_holds_every_typed_number_and_text(calc_files: dict[str, Any],
                                                  full_job: Any,
                                                  default_catalog: Catalog) -> None:
    actuals = master_actuals(full_job.master)
    typed_numbers = {fid.rsplit(".", 1)[0]: v for s in calc_files["full"].values()
                     for fid, v in s.typed.items() if fid.endswith(".value")}
    assert set(typed_numbers) == {m.id for m in default_catalog.measures}
    assert {k: actuals[k] for k in typed_numbers} == typed_numbers
    assert actuals["1-3-2-s1"] == 57.5 and actuals["2-2-2-c1"] == 54604
    texts = report_texts(full_job.master)
    typed_texts = [v for s in calc_files["full"].values() for fid, v in s.typed.items()
                   if ".status" in fid or ".plan" in fid]
    missing = [t for t in typed_texts if texts[t] == 0]
    assert missing == []
    status = table(full_job.master, "提出状況")
    assert {r["担当"]: r["提出"] for r in status} == dict.fromkeys(calc_files["full"], "済")
    assert all(r["エラー"] == 0 for r in status)


def test_meta_sheet_saved_hidden_is_no_finding(calc_files: dict[str, Any],
                                               full_job: Any) -> None:
    for s in calc_files["full"].values():
        assert sheet_state(s.dst, META_SHEET) == "hidden", s.department  # was veryHidden
    codes = {f.code for f in full_job.validation.findings}
    assert not codes & {"sheet-state-changed", "identity-mismatch"}


# ---- 2. edits a person makes in Calc --------------------------------------------------------

def _validate_one(s: Scenario, catalog: Catalog, year: int) -> tuple[Any, list[Any]]:
    result = validate_folder(s.dst.parent, catalog, year, workers=1)
    return result, of_file(result.findings, s.dst.name)


def test_row_inserted_above_an_initiative(calc_files: dict[str, Any],
                                          default_catalog: Catalog) -> None:
    s = calc_files["insert"]
    result, findings = _validate_one(s, default_catalog, calc_files["year"])
    assert [(f.code, f.cell) for f in findings] == []
    entries = result.chosen[s.department].entries
    assert {k: e.value for k, e in entries.items()} == s.typed
    start = calc_files["insert_row"]
    for fid, row in fields_of(s.template).items():
        if fid in entries and row["sheet"] == TEXT_SHEET:
            before = row_of(row["cell"])
            assert row_of(entries[fid].cell) == before + (before >= start), fid


def test_reference_row_deleted_inside_a_block(calc_files: dict[str, Any],
                                              default_catalog: Catalog) -> None:
    """Deleting the '主な活動指標等(参考)' row: that row is drawn for reading only (no defined
    name, no reference check), so the validator reports nothing and every value arrives."""
    s = calc_files["delete"]
    result, findings = _validate_one(s, default_catalog, calc_files["year"])
    assert [(f.code, f.cell) for f in findings] == []
    entries = result.chosen[s.department].entries
    assert {k: e.value for k, e in entries.items()} == s.typed
    gone = calc_files["deleted_row"]
    for fid, row in fields_of(s.template).items():
        if fid in entries and row["sheet"] == TEXT_SHEET:
            before = row_of(row["cell"])
            assert row_of(entries[fid].cell) == before - (before > gone), fid


def _sorted_layout(s: Scenario) -> dict[str, tuple[int, int]]:
    """measure id → (row in the template, row after the sort), from column A of both."""
    def rows(path: Path) -> dict[str, int]:
        return {row[0]: r for r, row in enumerate(sheet_rows(path, INDICATOR_SHEET), start=1)
                if row and isinstance(row[0], str) and r > 3}
    before, after = rows(s.template), rows(s.dst)
    assert set(before) == set(after)
    return {k: (before[k], after[k]) for k in before}


def test_sorted_indicator_rows_values_found_by_key(calc_files: dict[str, Any],
                                                   default_catalog: Catalog) -> None:
    s = calc_files["sort"]
    layout = _sorted_layout(s)
    moved = {k for k, (a, b) in layout.items() if a != b}
    assert len(moved) >= 2, "the sort must reorder rows"
    result, findings = _validate_one(s, default_catalog, calc_files["year"])
    assert [f for f in findings if f.severity == "error"] == []
    entries = result.chosen[s.department].entries
    assert {k: e.value for k, e in entries.items()} == s.typed
    for fid, e in entries.items():
        if e.sheet == INDICATOR_SHEET:
            assert row_of(e.cell) == layout[measure_of(default_catalog, fid).id][1], fid
    # one warning per moved row (on its value cell), not one per field of the row
    expected_moved = sorted((f"{m}.value", a1(layout[m][1], IND_VALUE_COL)) for m in moved)
    got_moved = sorted((f.field_id, f.cell) for f in findings if f.code == "field-moved")
    assert got_moved == expected_moved
    assert all(f.severity == "warning" for f in findings if f.code == "field-moved")
    # the 指標 names (reference cells) moved with their rows: not reported as changed
    assert {f.code for f in findings} == {"field-moved"}


def test_numbers_typed_in_calc(calc_files: dict[str, Any], default_catalog: Catalog) -> None:
    """Calc turns '111 into the text 111 (format @) and 1,100 into the number 1100: both are
    read as the numbers, without any finding."""
    s = calc_files["typed"]
    cells = openpyxl.load_workbook(s.dst)[INDICATOR_SHEET]
    i4 = cells["I4"]
    assert (cells["A4"].value, i4.value, i4.data_type) == ("1-1-1-c1", "111", "s")
    result, findings = _validate_one(s, default_catalog, calc_files["year"])
    assert [(f.code, f.cell) for f in findings] == []
    entries = result.chosen[s.department].entries
    assert entries["1-1-1-c1.value"].value == 111
    assert entries["2-1-2-c1.value"].value == 1100
    others = {k: e.value for k, e in entries.items()
              if k not in ("1-1-1-c1.value", "2-1-2-c1.value")}
    assert others == {k: v for k, v in s.typed.items()
                      if k not in ("1-1-1-c1.value", "2-1-2-c1.value")}


# ---- 3. opened and saved without changes ------------------------------------------------

def _empty_file_findings(path: Path, template: Path, catalog: Catalog, year: int) -> None:
    result = validate_folder(path.parent, catalog, year, workers=1)
    findings = of_file(result.findings, path.name)
    codes = {f.code for f in findings}
    assert codes == EMPTY_CODES
    assert not codes & STRUCTURAL
    assert Counter((f.code, f.sheet, f.cell) for f in findings) == empty_template_findings(
        template)
    assert result.chosen["市社協"].entries == {}


def test_opened_and_saved_in_calc_only_empty_field_findings(
        calc_files: dict[str, Any], default_templates: dict[str, Path],
        default_catalog: Catalog) -> None:
    _empty_file_findings(calc_files["resave"], default_templates["市社協"], default_catalog,
                         calc_files["year"])
    assert sheet_state(calc_files["resave"], META_SHEET) == "hidden"


def test_converted_with_soffice_only_empty_field_findings(
        calc: Any, tmp_path: Path, default_templates: dict[str, Path],
        default_catalog: Catalog) -> None:
    t = default_templates["市社協"]
    out = convert_to_xlsx(t, tmp_path / "converted")
    assert out.name == t.name
    _empty_file_findings(out, t, default_catalog, default_catalog.report_year)


def test_comment_author_dropped_by_calc_is_no_finding(calc_files: dict[str, Any],
                                                      default_templates: dict[str, Path],
                                                      default_catalog: Catalog) -> None:
    sheet, cell = calc_files["comment_cell"]
    after = openpyxl.load_workbook(calc_files["commented"])[sheet][cell].comment
    assert after is not None and after.text.strip() == "昨年度の内容を参考に記入"
    assert (after.author or "").strip() == ""  # what Calc does: the author is gone
    _empty_file_findings(calc_files["commented"], default_templates["市社協"], default_catalog,
                         calc_files["year"])
