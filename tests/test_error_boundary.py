"""Only a malformed file is "broken": a bug of the toolkit is an internal error naming the file.

A department must never be told its file is corrupt because the toolkit has a bug, and one
bug must not cost the other files. The reader raises its own ``MalformedWorkbook`` for what
a malformed file can cause (``file-corrupt``); anything else raised while a file is checked
becomes ``internal-error`` with the file's name, and the run goes on.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import pytest

from consolidator.checks.one_file import process_file
from consolidator.checks.validation import validate_folder
from consolidator.jobs.filling import fill_fields
from consolidator.plan.catalog import Catalog, MeasureView
from consolidator.reading.field_map import field_map

YEAR = 2022
BROKEN_DEPARTMENT = "高齢福祉課"


class BuggyCatalog(Catalog):
    """A catalog whose lookup fails for one department, as a bug in the toolkit would.

    Defined at module level: it is pickled to the worker processes like the real catalog."""

    def measures_owned_by(self, department: str) -> list[MeasureView]:
        if department == BROKEN_DEPARTMENT:
            raise KeyError("a bug, not the file")
        return super().measures_owned_by(department)


def _fill_all(templates: dict[str, Path], folder: Path) -> dict[str, dict[str, Any]]:
    folder.mkdir(parents=True, exist_ok=True)
    typed = {}
    for department, template in templates.items():
        values = {row["field_id"]: (f"{department}の実施内容" if row["role"] in ("status", "plan")
                                    else 5)
                  for row in field_map(template) if row["role"] in ("status", "plan", "value")}
        fill_fields(template, folder / f"{department}.xlsx", values)
        typed[department] = values
    return typed


def _rewrite(src: Path, dst: Path, part: str, edit: Any) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            zout.writestr(info, edit(data) if info.filename == part else data)
    return dst


def test_a_bug_is_an_internal_error_naming_the_file_and_the_others_merge(
        tmp_path: Path, mini_templates: dict[str, Path], mini_catalog: Catalog) -> None:
    typed = _fill_all(mini_templates, tmp_path / "s")
    buggy = BuggyCatalog(mini_catalog.doc)
    result = validate_folder(tmp_path / "s", buggy, YEAR, workers=2)  # real child processes
    internal = [f for f in result.findings if f.code == "internal-error"]
    assert [(f.file, f.department, f.severity) for f in internal] == [
        (f"{BROKEN_DEPARTMENT}.xlsx", BROKEN_DEPARTMENT, "error")]
    assert [f.department for f in result.findings if f.code == "unit-missing"] == []
    assert "file-corrupt" not in result.findings.codes()
    assert "KeyError" in internal[0].message and f"{BROKEN_DEPARTMENT}.xlsx" in internal[0].message
    assert "ツールの内部エラー" in internal[0].message and "internal-error" in internal[0].action
    for department, values in typed.items():
        if department == BROKEN_DEPARTMENT:
            assert department not in result.chosen
            continue
        got = {k: e.value for k, e in result.chosen[department].entries.items()}
        assert got == values, department


def test_a_bug_in_process_file_is_caught_in_process(tmp_path: Path,
                                                     mini_templates: dict[str, Path],
                                                     mini_catalog: Catalog) -> None:
    _fill_all({BROKEN_DEPARTMENT: mini_templates[BROKEN_DEPARTMENT]}, tmp_path)
    sub = process_file(tmp_path / f"{BROKEN_DEPARTMENT}.xlsx", "x.xlsx",
                       BuggyCatalog(mini_catalog.doc), YEAR)
    assert [f.code for f in sub.findings] == ["internal-error"]
    assert re.search(r"\(test_error_boundary\.py:\d+\)", sub.findings[0].message)
    assert not sub.usable and sub.entries == {}


@pytest.mark.parametrize(("part", "edit"), [
    ("xl/workbook.xml", lambda b: b[: len(b) // 2]),  # cut in the middle: XML does not parse
    ("xl/styles.xml", lambda b: re.sub(rb'numFmtId="\d+"', b'numFmtId="x"', b)),
    ("docProps/custom.xml", lambda b: b.replace(b"</Properties>", b"")),
], ids=["workbook-xml-cut", "style-not-a-number", "properties-unclosed"])
def test_a_malformed_file_is_file_corrupt(tmp_path: Path, mini_templates: dict[str, Path],
                                         mini_catalog: Catalog, part: str, edit: Any) -> None:
    _fill_all({BROKEN_DEPARTMENT: mini_templates[BROKEN_DEPARTMENT]}, tmp_path / "good")
    bad = _rewrite(tmp_path / "good" / f"{BROKEN_DEPARTMENT}.xlsx", tmp_path / "bad.xlsx", part,
                   edit)
    sub = process_file(bad, "bad.xlsx", mini_catalog, YEAR)
    assert [f.code for f in sub.findings] == ["file-corrupt"], sub.findings
    assert sub.findings[0].file == "bad.xlsx"
    assert not sub.usable and sub.entries == {}
