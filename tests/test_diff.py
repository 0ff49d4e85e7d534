"""Issue 12: ``consolidator diff OLD NEW`` — what changed between two versions of a
department's workbook, field by field, on the console and with ``--xlsx``."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from consolidator.checks.changes import changed_fields, diff_workbooks
from consolidator.cli import main
from consolidator.limits import DEFAULT_LIMITS
from consolidator.plan.catalog import Catalog
from helpers.filling import complete_values, fill_workbook
from helpers.master import table
from helpers.paths import MINI_PLAN


def _diff(*args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(main, ["diff", *args, "--plan", str(MINI_PLAN)])
    return result.exit_code, result.output.splitlines()


def test_diff_lists_the_changed_fields(tmp_path: Path, mini_templates: dict[str, Path]) -> None:
    template = mini_templates["市社協"]
    values = complete_values(template)
    old, new = tmp_path / "第1版.xlsx", tmp_path / "第2版.xlsx"
    fill_workbook(template, old, {**values, "1-1-1-s1.value": "約10",
                                  "1-1-1.status.dokuji": None})
    fill_workbook(template, new, {**values, "1-1-1-s1.value": 10,
                                  "1-1-1.status.dokuji": "地区社協と研修会を開催\n(2回)"})
    code, lines = _diff(str(old), str(new), "--xlsx", str(tmp_path / "変更.xlsx"))
    assert code == 0, lines
    assert lines[0].split() == ["取組み", "項目", "以前の版", "新しい版"]
    assert [line.split()[0] for line in lines[1:3]] == ["1-1-1", "1-1-1"]
    assert "(空欄)" in lines[1] and "地区社協と研修会を開催 / (2回)" in lines[1]
    assert "約10" in lines[2] and lines[2].rstrip().endswith("10")
    assert lines[3] == "変わった項目:2 件"
    rows = table(tmp_path / "変更.xlsx", "変更箇所")
    assert [(r["項目ID"], r["以前の版"], r["新しい版"]) for r in rows] == [
        ("1-1-1.status.dokuji", None, "地区社協と研修会を開催\n(2回)"),
        ("1-1-1-s1.value", "約10", 10)]


def test_diff_of_a_file_saved_again_is_empty(tmp_path: Path,
                                             mini_templates: dict[str, Path]) -> None:
    template = mini_templates["高齢福祉課"]
    values = complete_values(template)
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    fill_workbook(template, a, values)
    fill_workbook(a, b, {"1-1-1-c1.value": 3.0})  # the same number, saved again
    assert _diff(str(a), str(b)) == (0, ["変わった項目はありません。"])


def test_diff_refuses_two_departments_and_an_unreadable_file(
        tmp_path: Path, mini_templates: dict[str, Path]) -> None:
    one, other = tmp_path / "1.xlsx", tmp_path / "2.xlsx"
    fill_workbook(mini_templates["高齢福祉課"], one, {})
    fill_workbook(mini_templates["地域福祉課"], other, {})
    code, lines = _diff(str(one), str(other))
    assert code == 1
    assert "別の担当のブックです(以前の版:高齢福祉課、新しい版:地域福祉課)" in lines[0]
    broken = tmp_path / "壊れた.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really")
    code, lines = _diff(str(one), str(broken))
    assert code == 1 and "壊れた.xlsx を読み取れませんでした" in lines[0]


@pytest.mark.parametrize(("limit", "refused"), [
    ({"max_file_bytes": 1_000}, "ファイルが大きすぎます("),  # read in the parent, refused
    ({"max_cells": 10}, "のセルが多すぎます("),  # counted in the reading child
], ids=["file-size", "cells"])
def test_diff_reads_both_versions_with_the_limits_given(
        tmp_path: Path, mini_templates: dict[str, Path], mini_catalog: Catalog,
        limit: dict[str, int], refused: str) -> None:
    """Issue 21: ``diff`` checks the files with the run's limits, as ``validate`` does."""
    template = mini_templates["市社協"]
    values = complete_values(template)
    old, new = tmp_path / "第1版.xlsx", tmp_path / "第2版.xlsx"
    fill_workbook(template, old, values)
    fill_workbook(template, new, {**values, "1-1-1-s1.value": 12})
    changes, problems = diff_workbooks(old, new, mini_catalog, 2022)
    assert problems == [] and [c.field_id for c in changes] == ["1-1-1-s1.value"]
    changes, problems = diff_workbooks(old, new, mini_catalog, 2022,
                                       replace(DEFAULT_LIMITS, **limit))
    assert changes == []
    assert [p.split(":", 1)[0] for p in problems] == [
        "比べられません。第1版.xlsx を読み取れませんでした",
        "比べられません。第2版.xlsx を読み取れませんでした"]
    assert all(refused in p for p in problems), problems


def test_what_counts_as_changed() -> None:
    before = {"a": None, "b": 3, "c": "行1\r\n行2 ", "d": "約10", "e": 1}
    after = {"a": "", "b": 3.0, "c": "行1\n行2", "d": 10, "f": None}
    assert changed_fields(before, after) == ["d", "e"]
