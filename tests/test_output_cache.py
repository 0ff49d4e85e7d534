"""Issue 27: a re-run in step with what changed.

A department's annotated workbook and draft are neither rendered nor written again when its
files, findings, acceptances, deadline, contact and the plan are those they were written from
and the files are still as written; changing any one of these rebuilds that department's
files (and only its). The master, the logs and the published report likewise. The record
of what was written (``.consolidator-outputs.sqlite3`` in the working folder) is never
trusted: a damaged one is set aside and every output written again. (That a warm run
writes exactly what a cold run writes is tests/test_result_cache.py's.)
"""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from consolidator.cache.outputs import OUTPUTS_NAME, open_outputs, outputs_path
from consolidator.checks import checked_files
from consolidator.checks.validation import validate_folder
from consolidator.cli import main
from consolidator.feedback.department_files import write_department_files
from consolidator.jobs.publishing import publish_consolidated
from consolidator.jobs.runs import JobResult, run_consolidate
from consolidator.plan.catalog import Catalog
from helpers.correction import mark_for_acceptance
from helpers.filling import realistic_values, submit_all
from helpers.outputs import outputs_of
from helpers.paths import MINI_PLAN

YEAR = 2022
CITY, ELDERLY = "地域福祉課", "高齢福祉課"
# 地域福祉課: a warning (3 % against 42.1 % last year) and an error (no plan);
# 高齢福祉課: an error (a value in words).
MISTAKES = {CITY: {"2-1-1-c1.value": 3, "2-1-1.plan": None},
            ELDERLY: {"1-1-1-c1.value": "約10"}}
DEPARTMENT_FILES = "担当別"


def _submit(templates: dict[str, Path], catalog: Catalog, folder: Path,
            mistakes: dict[str, dict[str, object]] = MISTAKES) -> dict[str, Path]:
    return submit_all(templates, folder, mistakes,
                      values=lambda d, t: realistic_values(t, catalog, YEAR))


def _stamps(out: Path) -> dict[str, tuple[int, int]]:
    """Each output file → (inode, time of last change): another inode is a file written
    again (every output is renamed into place)."""
    return {p.relative_to(out).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in out.rglob("*") if p.is_file() and not p.name.startswith(".")
            and p.suffix != ".sqlite3"}


def _rewritten(before: dict[str, tuple[int, int]], out: Path) -> set[str]:
    after = _stamps(out)
    return {name for name, stamp in after.items() if before.get(name) != stamp}


def _department(name: str) -> set[str]:
    return {f"{DEPARTMENT_FILES}/{name}_確認事項.xlsx", f"{DEPARTMENT_FILES}/{name}_依頼.eml"}


def _run(folder: Path, catalog: Catalog, out: Path, *, reuse: bool = True) -> JobResult:
    return run_consolidate(folder, catalog, YEAR, out, reuse=reuse)


def _run_once(tmp_path: Path, templates: dict[str, Path], catalog: Catalog
              ) -> tuple[Path, Path, dict[str, tuple[int, int]]]:
    """The submissions (:data:`MISTAKES`) run once: their folder, the output folder, and
    the outputs' stamps."""
    folder, out = tmp_path / "s", tmp_path / "out"
    _submit(templates, catalog, folder)
    _run(folder, catalog, out)
    return folder, out, _stamps(out)


def test_nothing_changed_nothing_rebuilt_and_what_a_cold_run_writes(
        tmp_path: Path, mini_templates: dict[str, Path], mini_catalog: Catalog) -> None:
    folder, out, before = _run_once(tmp_path, mini_templates, mini_catalog)
    cold = tmp_path / "cold"
    assert _department(CITY) | _department(ELDERLY) <= set(before)
    _run(folder, mini_catalog, out)
    assert _rewritten(before, out) == set()
    _run(folder, mini_catalog, cold, reuse=False)
    assert outputs_of(out) == outputs_of(cold)


def test_a_changed_file_rebuilds_its_department_only(
        tmp_path: Path, mini_templates: dict[str, Path], mini_catalog: Catalog) -> None:
    folder, out, before = _run_once(tmp_path, mini_templates, mini_catalog)
    again = _submit(mini_templates, mini_catalog, tmp_path / "again",
                    {**MISTAKES, ELDERLY: {"1-1-1-c1.value": "約20"}})  # other words
    (folder / again[ELDERLY].name).write_bytes(again[ELDERLY].read_bytes())
    _run(folder, mini_catalog, out)
    rewritten = _rewritten(before, out)
    assert _department(ELDERLY) <= rewritten
    assert not _department(CITY) & rewritten


def test_an_acceptance_rebuilds_its_department(
        tmp_path: Path, mini_templates: dict[str, Path], mini_catalog: Catalog,
        monkeypatch: pytest.MonkeyPatch) -> None:
    folder, out = tmp_path / "s", tmp_path / "out"
    _submit(mini_templates, mini_catalog, folder)
    first = _run(folder, mini_catalog, out)
    # The folder's whole result is reused (no file looked up): the acceptance is applied to
    # it afterwards, as to a result checked again.
    monkeypatch.setattr(checked_files, "all_results", lambda *a, **k: pytest.fail("looked up"))
    before = _stamps(out)
    mark_for_acceptance(first.logs["xlsx"], {"value-tenfold": "新基準による集計のため"})
    accepted = CliRunner().invoke(main, ["accept", str(first.logs["xlsx"]), "--by", "山田"])
    assert accepted.exit_code == 0, accepted.output
    before = {**before, **{n: s for n, s in _stamps(out).items() if n.startswith("validation")}}
    second = _run(folder, mini_catalog, out)
    assert [f.accepted is not None for f in second.validation.findings
            if f.code == "value-tenfold"] == [True]
    rewritten = _rewritten(before, out)
    assert _department(CITY) <= rewritten
    assert not _department(ELDERLY) & rewritten


def test_another_plan_rebuilds_every_department(
        tmp_path: Path, mini_templates: dict[str, Path], mini_catalog: Catalog) -> None:
    folder, out, before = _run_once(tmp_path, mini_templates, mini_catalog)
    doc = copy.deepcopy(mini_catalog.doc)
    for d in doc["departments"]:
        if d["name"] == CITY:
            d["email"] = "chiiki@example.jp"
    other = Catalog(doc)
    assert other.email_of(CITY) == "chiiki@example.jp"
    _run(folder, other, out)
    assert _department(CITY) | _department(ELDERLY) <= _rewritten(before, out)
    assert "To: chiiki@example.jp" in (out / DEPARTMENT_FILES / f"{CITY}_依頼.eml").read_text(
        "utf-8")


def test_another_deadline_or_contact_rebuilds(tmp_path: Path, mini_templates: dict[str, Path],
                                              mini_catalog: Catalog) -> None:
    folder, out = tmp_path / "s", tmp_path / "out" / DEPARTMENT_FILES
    _submit(mini_templates, mini_catalog, folder)
    result = validate_folder(folder, mini_catalog, YEAR)
    outputs = open_outputs(outputs_path(tmp_path))
    try:
        for request, rebuilt in ((("5月31日", "内線100"), True), (("5月31日", "内線100"), False),
                                 (("6月7日", "内線100"), True), (("6月7日", "内線200"), True)):
            before = _stamps(out.parent) if out.exists() else {}
            write_department_files(out, result, folder, request=request, outputs=outputs)
            assert bool(_rewritten(before, out.parent)) is rebuilt, request
            assert (_department(CITY) | _department(ELDERLY) <= _rewritten(before, out.parent)
                    ) is rebuilt
    finally:
        outputs.close()


def test_a_file_changed_or_removed_by_someone_is_written_again(
        tmp_path: Path, mini_templates: dict[str, Path], mini_catalog: Catalog) -> None:
    folder, out, _ = _run_once(tmp_path, mini_templates, mini_catalog)
    cold = tmp_path / "cold"
    _run(folder, mini_catalog, cold, reuse=False)
    draft = out / DEPARTMENT_FILES / f"{CITY}_依頼.eml"
    draft.write_bytes(b"edited")
    (out / DEPARTMENT_FILES / f"{ELDERLY}_確認事項.xlsx").unlink()
    (out / "master_2022.xlsx").unlink()
    (out / "validation_log.csv").write_text("x", "utf-8")
    (out / "plan_2023.json").write_text("{}", "utf-8")
    _run(folder, mini_catalog, out)
    assert outputs_of(out) == outputs_of(cold)


def test_a_damaged_record_is_set_aside_and_everything_written(
        tmp_path: Path, mini_templates: dict[str, Path], mini_catalog: Catalog) -> None:
    folder, out, before = _run_once(tmp_path, mini_templates, mini_catalog)
    garbage = b"SQLite format 3\x00" + bytes(range(256)) * 8
    (out / OUTPUTS_NAME).write_bytes(garbage)
    job = _run(folder, mini_catalog, out)
    assert [f.code for f in job.validation.findings if f.code.startswith("output-cache")] == [
        "output-cache-set-aside"]
    (aside,) = out.glob(".consolidator-outputs.damaged-*")
    assert aside.read_bytes() == garbage
    assert _department(CITY) | _department(ELDERLY) <= _rewritten(before, out)
    before = _stamps(out)  # the next run: recorded again, the departments not rebuilt
    _run(folder, mini_catalog, out)
    assert not (_department(CITY) | _department(ELDERLY)) & _rewritten(before, out)


def test_a_warm_run_does_not_load_the_reading_side(
        tmp_path: Path, mini_templates: dict[str, Path], mini_catalog: Catalog) -> None:
    """Every file in the result cache: the parent never imports the reading and the rules
    (nor marks an .ods); a file to check loads them (in the children)."""
    folder, out, _ = _run_once(tmp_path, mini_templates, mini_catalog)
    code = ("import sys\nfrom pathlib import Path\n"
            "from consolidator.jobs.runs import run_consolidate\n"
            "from consolidator.plan.catalog import Catalog\n"
            f"job = run_consolidate(Path({str(folder)!r}), Catalog.from_path({str(MINI_PLAN)!r}),"
            f" {YEAR}, Path({str(out)!r}))\n"
            "print(job.validation.reused, sorted(m for m in sys.modules if m in ("
            "'consolidator.checks.one_file', 'consolidator.checks.value_rules',"
            " 'consolidator.feedback.annotate_ods', 'python_calamine')))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=120)
    assert done.stdout.split() == [str(len(list(folder.iterdir()))), "[]"], done.stderr


def test_the_published_report_is_rewritten_only_when_its_document_changes(
        tmp_path: Path, mini_templates: dict[str, Path], mini_catalog: Catalog) -> None:
    """The desk's 集約 publishes after each run: the same document and open data leave the
    five files as they are; another value rewrites them."""
    folder, out, _ = _run_once(tmp_path, mini_templates, mini_catalog)
    publish_consolidated(out, _run(folder, mini_catalog, out).consolidated)  # + 公表ページ.txt
    first = publish_consolidated(out, _run(folder, mini_catalog, out).consolidated)
    names = {p.relative_to(out).as_posix() for p in first.files}
    assert len(names) == 5, first.skipped  # every form drawn here (else none is kept)
    before = _stamps(out)
    publish_consolidated(out, _run(folder, mini_catalog, out).consolidated)
    assert not names & _rewritten(before, out)
    again = _submit(mini_templates, mini_catalog, tmp_path / "again",
                    {**MISTAKES, CITY: {**MISTAKES[CITY], "2-1-1-c1.value": 4}})
    (folder / again[CITY].name).write_bytes(again[CITY].read_bytes())
    publish_consolidated(out, _run(folder, mini_catalog, out).consolidated)
    assert names <= _rewritten(before, out)


def test_the_log_sheets_rows_are_prepared_once_for_the_master_and_the_log(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 27: the master's log sheet and validation_log.xlsx show the same findings; their
    rows (texts cut to a cell, heights) are made once and written into both."""
    import xlsxwriter

    from consolidator import table_sheets, validation_log
    from consolidator.findings import make

    findings = [make("unit-missing", department=f"課{i}") for i in range(5)]
    made: list[int] = []
    prepare = table_sheets.prepare_table
    monkeypatch.setattr(validation_log, "_LAST_LOG", [])
    monkeypatch.setattr(validation_log, "prepare_table",
                        lambda *a: made.append(1) or prepare(*a))
    for name in ("a.xlsx", "b.xlsx"):
        wb = xlsxwriter.Workbook(str(tmp_path / name))
        validation_log.add_log_sheet(wb, "log", list(findings))
        wb.close()
    assert len(made) == 1
    assert validation_log.log_table(findings[:4]) is not validation_log.log_table(findings)
    assert len(made) == 3  # other findings: made again
