"""Golden outputs: every output a person reads (the demo year's master, validation log,
templates, a department's annotated workbook and its mail, the reminders, next year's plan),
dumped as readable text and compared with ``tests/golden/``. An unintended change to any of
them fails here and shows as a diff; an intended one is written again with
``python3 scripts/golden.py`` and reviewed in the commit."""

from __future__ import annotations

import difflib
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import PatternFill

from helpers.golden import GOLDEN, golden_outputs
from helpers.workbook_dump import dump_workbook, steady

NAMES = sorted(p.name for p in GOLDEN.iterdir()) if GOLDEN.is_dir() else []


@pytest.fixture(scope="module")
def year_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("golden")


@pytest.fixture(scope="module")
def outputs(year_root: Path) -> dict[str, str]:
    return golden_outputs(year_root)


def test_every_output_has_its_golden_file(outputs: dict[str, str]) -> None:
    assert sorted(outputs) == NAMES, "python3 scripts/golden.py writes them"


@pytest.mark.parametrize("name", NAMES)
def test_output_is_as_golden(outputs: dict[str, str], name: str) -> None:
    expected = (GOLDEN / name).read_text("utf-8")
    actual = outputs[name]
    if actual != expected:
        diff = difflib.unified_diff(expected.splitlines(), actual.splitlines(),
                                    f"tests/golden/{name}", "now", lineterm="", n=1)
        shown = "\n".join(list(diff)[:60])
        pytest.fail(f"{name} changed (intended? python3 scripts/golden.py, then review):\n{shown}")


def test_times_of_writing_are_steady_and_content_dates_kept() -> None:
    text = "作成 2026-12-06T08:39:23Z / 令和8年12月6日 8:39 / 2026/12/6 / 期限 5月31日"
    assert steady(text, ("5月31日",)) == "作成 <時刻> / <時刻> / <時刻> / 期限 5月31日"


def test_a_changed_cell_shows_in_the_dump(tmp_path: Path, year_root: Path,
                                         outputs: dict[str, str]) -> None:
    wb = openpyxl.load_workbook(year_root / "output" / "validation_log.xlsx")
    wb.worksheets[0]["A2"] = "変えた"
    wb.worksheets[0]["B2"].fill = PatternFill("solid", fgColor="FF123456")
    wb.save(tmp_path / "log.xlsx")
    dumped = dump_workbook(tmp_path / "log.xlsx")
    assert "A2 '変えた'" in dumped and "塗り=FF123456" in dumped
    assert "A2 '変えた'" not in outputs["validation_log.txt"]
