"""Issue 25 §1: the working folder remembers its settings, and next year is one step.

Through real files and the command line: a plan imported into the folder is recorded in
``consolidator.toml`` and used without ``--plan``; the folder's year is generated, filled and
consolidated; ``next-year`` is refused while a department is missing, stopped with nothing
moved by a master held open in Excel (renames of a held file fail as on Windows, see
tests/test_held_open.py), then goes on with ``--force``; the archive holds the year, next
year's ``generate`` needs no ``--plan``, ``status`` still knows last year's files, ``--undo``
restores until the new year's first file arrives.
"""

from __future__ import annotations

import os
import shutil
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from consolidator.cli import main
from consolidator.jobs.runs import run_validate
from consolidator.messages import fill
from consolidator.messages.folder import FOLDER_TEXT
from consolidator.plan.catalog import Catalog
from consolidator.templates.generate import template_filename
from helpers.filling import by_department, submit_all
from helpers.paths import MINI_PLAN

ARCHIVE = "令和4年度"


def cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def tree(root: Path) -> list[str]:
    """Every file below ``root`` (the lock file aside), as relative paths."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                  if p.is_file() and p.name != ".consolidator.lock")


def hold_open(monkeypatch: pytest.MonkeyPatch, *held: Path) -> None:
    """``os.replace`` from or onto any of ``held`` fails as Windows does for a file Excel
    holds open (a rename of the file, or of a folder above it)."""
    real: Callable[..., Any] = os.replace
    names = {p.resolve() for p in held}

    def blocked(path: Any) -> bool:
        p = Path(path).resolve()
        return any(p == n or p in n.parents for n in names)

    def replace(src: Any, dst: Any, *args: Any, **kw: Any) -> None:
        if blocked(src) or blocked(dst):
            raise PermissionError(13, "The process cannot access the file because it is being "
                                      "used by another process", str(src))
        real(src, dst, *args, **kw)
    monkeypatch.setattr(os, "replace", replace)


@pytest.fixture(scope="module")
def finished_year(tmp_path_factory: pytest.TempPathFactory, mini_catalog: Catalog) -> Path:
    """A working folder after 令和4年度: the mini plan imported (plan export → plan import
    --folder), templates generated without --plan, two of three departments returned,
    consolidated. Built once; each test works on its own copy (:func:`year_folder`)."""
    tmp_path = tmp_path_factory.mktemp("finished_year")
    folder = tmp_path / "福祉計画"
    folder.mkdir()
    book = tmp_path / "計画.xlsx"
    assert cli("plan", "export", str(book), "--plan", str(MINI_PLAN)).exit_code == 0
    imported = cli("plan", "import", str(book), "--folder", str(folder))
    assert imported.exit_code == 0, imported.output
    assert fill(FOLDER_TEXT["settings-written"], file=folder / "consolidator.toml",
                plan="plan.json") in imported.output
    made = cli("generate", "--folder", str(folder), "--contact", "地域福祉課 内線1234")
    assert made.exit_code == 0, made.output
    templates = by_department((folder / "workbook_templates").glob("*.xlsx"))
    assert set(templates) == set(mini_catalog.department_names)
    skipped = mini_catalog.department_names[-1]
    submit_all(templates, folder / "submissions", skip=[skipped])
    done = cli("consolidate", "--folder", str(folder))
    assert (folder / "output" / "master_2022.xlsx").is_file(), done.output
    assert (folder / "output" / "plan_2023.json").is_file()
    assert (folder / "ledger.sqlite3").is_file()  # the folder's, not output/'s
    assert not (folder / "output" / "ledger.sqlite3").exists()
    return folder


@pytest.fixture
def year_folder(finished_year: Path, tmp_path: Path) -> Path:
    """A copy of :func:`finished_year` (the same bytes, the ledger included)."""
    return Path(shutil.copytree(finished_year, tmp_path / finished_year.name))


def settings(folder: Path) -> dict[str, Any]:
    return tomllib.loads((folder / "consolidator.toml").read_text("utf-8"))


def test_next_year_in_one_step_and_back(year_folder: Path, mini_catalog: Catalog,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    folder = year_folder
    before = tree(folder)
    assert settings(folder)["plan"] == "plan.json"

    # A department is missing: refused, nothing moved.
    refused = cli("next-year", "--folder", str(folder))
    assert refused.exit_code != 0
    assert mini_catalog.department_names[-1] in refused.output
    assert "next-year-units-missing" in refused.output and "--force" in refused.output
    assert tree(folder) == before

    # The master is open in Excel: stopped before anything moved, saying which file.
    master = folder / "output" / "master_2022.xlsx"
    with monkeypatch.context() as m:
        hold_open(m, master)
        held = cli("next-year", "--folder", str(folder), "--force")
    assert held.exit_code != 0
    assert "next-year-held-open" in held.output and str(master) in held.output
    assert tree(folder) == before

    # Told to go on: the year goes into its archive folder, next year's plan is the folder's.
    went = cli("next-year", "--folder", str(folder), "--force")
    assert went.exit_code == 0, went.output
    archive = folder / ARCHIVE
    assert (archive / "output" / "master_2022.xlsx").is_file()
    assert sorted(p.name for p in (archive / "submissions").iterdir()) == sorted(
        p.rsplit("/", 1)[1] for p in before if p.startswith("submissions/"))
    assert (archive / "workbook_templates").is_dir()
    assert not (folder / "submissions").exists() and not (folder / "output").exists()
    assert settings(folder)["plan"] == "plan_2023.json"
    assert (folder / "plan.json").is_file()  # the plan used before: still there
    moved = [p for p in tree(folder) if p not in before]
    assert sorted(p.removeprefix(f"{ARCHIVE}/") for p in moved
                  if p.startswith(ARCHIVE)) == sorted(
        p for p in before if p.split("/")[0] in ("workbook_templates", "submissions", "output")
        and p != "output/plan_2023.json")  # everything moved, nothing lost or added

    # Undone: everything back where it was, the settings too.
    undone = cli("next-year", "--folder", str(folder), "--undo")
    assert undone.exit_code == 0, undone.output
    assert [p for p in tree(folder) if not p.startswith(FOLDER_TEXT["undo-record"][:-5])
            ] == before
    assert settings(folder)["plan"] == "plan.json"
    assert not (folder / ARCHIVE).exists()

    # Again, then next year without --plan: 令和5年度's templates from plan_2023.json.
    assert cli("next-year", "--folder", str(folder), "--force").exit_code == 0
    made = cli("generate", "--folder", str(folder))
    assert made.exit_code == 0, made.output
    department = mini_catalog.department_names[0]
    assert (folder / "workbook_templates" / template_filename(department, 2023)).is_file()

    # status still knows last year's files (the ledger belongs to the folder).
    status = cli("status", "--folder", str(folder), "--year", "令和4", "--json")
    assert f'"{department}_提出.xlsx"' in status.output

    # The new year's first file arrived: the step can no longer be undone.
    new_templates = by_department((folder / "workbook_templates").glob("*.xlsx"))
    submit_all({department: new_templates[department]}, folder / "submissions")
    late = cli("next-year", "--folder", str(folder), "--undo")
    assert late.exit_code != 0 and "undo-new-year-started" in late.output
    assert (archive / "output" / "master_2022.xlsx").is_file()


def test_an_explicit_option_wins_and_says_so(year_folder: Path) -> None:
    shown = cli("plan", "show", "--folder", str(year_folder), "--plan", str(MINI_PLAN))
    assert shown.exit_code == 0
    assert fill(FOLDER_TEXT["option-wins"], option="plan", what=FOLDER_TEXT["what-plan"],
                file="consolidator.toml", value="plan.json") in shown.output


def test_settings_give_the_defaults_of_generate(year_folder: Path, mini_catalog: Catalog
                                                ) -> None:
    (year_folder / "consolidator.toml").write_text(
        'plan = "plan.json"\ndeadline = "2023年5月31日"\ncontact = "地域福祉課 \\"内線\\" 1234"\n',
        "utf-8")
    out = year_folder / "again"
    made = cli("generate", "--folder", str(year_folder), "--out", str(out), "--mail")
    assert made.exit_code == 0, made.output
    draft = next(out.glob("*.eml")).read_bytes()
    import email

    text = email.message_from_bytes(draft).get_payload(0).get_payload(decode=True).decode()
    assert "2023年5月31日" in text and '地域福祉課 "内線" 1234' in text
    wins = cli("generate", "--folder", str(year_folder), "--out", str(out),
               "--deadline", "2023年6月1日")
    assert fill(FOLDER_TEXT["option-wins"], option="deadline", what=FOLDER_TEXT[
        "what-deadline"], file="consolidator.toml", value="2023年5月31日") in wins.output


def test_a_damaged_settings_file_is_said_never_ignored(year_folder: Path) -> None:
    (year_folder / "consolidator.toml").write_text('plan = "plan.json"\ncontact = 地域福祉課\n',
                                                   "utf-8")
    said = CliRunner().invoke(main, ["generate", "--folder", str(year_folder)])
    assert said.exit_code == 1 and isinstance(said.exception, SystemExit)  # no traceback
    assert "settings-unreadable" in said.output and "2行目" in said.output
    assert "consolidator.toml" in said.output


def test_an_output_ledger_is_adopted_once(tmp_path: Path, mini_templates: dict[str, Path],
                                          mini_catalog: Catalog) -> None:
    folder = tmp_path / "作業"
    submit_all(mini_templates, folder / "submissions")
    run_validate(folder / "submissions", mini_catalog, 2022, folder / "output")  # as before
    assert (folder / "output" / "ledger.sqlite3").is_file()
    done = cli("validate", "--folder", str(folder), "--plan", str(MINI_PLAN))
    assert fill(FOLDER_TEXT["state-adopted"], folder=folder) in done.output
    assert not (folder / "output" / "ledger.sqlite3").exists()
    status = cli("status", "--folder", str(folder), "--plan", str(MINI_PLAN), "--json")
    assert '"versions": 1' in status.output  # the earlier run's files, same ledger
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(folder / "ledger.sqlite3")) as conn:
        assert conn.execute("SELECT COUNT(*) FROM runs").fetchone() == (2,)


def test_an_archive_folder_already_there_is_never_written_into(year_folder: Path) -> None:
    (year_folder / ARCHIVE).mkdir()
    (year_folder / ARCHIVE / "メモ.txt").write_text("前の担当者のメモ", "utf-8")
    before = tree(year_folder)
    refused = cli("next-year", "--folder", str(year_folder), "--force")
    assert refused.exit_code != 0 and "next-year-archive-exists" in refused.output
    assert tree(year_folder) == before


def test_a_move_failing_half_way_moves_everything_back(year_folder: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file could be moved when tried, yet renaming output/ fails (another program
    opened a file in between): what had moved goes back, nothing is left half-done."""
    before = tree(year_folder)
    real: Callable[..., Any] = os.replace
    output = (year_folder / "output").resolve()

    def replace(src: Any, dst: Any, *args: Any, **kw: Any) -> None:
        if Path(src).resolve() == output:
            raise PermissionError(13, "used by another process", str(src))
        real(src, dst, *args, **kw)
    monkeypatch.setattr(os, "replace", replace)
    failed = cli("next-year", "--folder", str(year_folder), "--force")
    assert failed.exit_code != 0 and "next-year-move-failed" in failed.output
    assert tree(year_folder) == before and not (year_folder / ARCHIVE).exists()


def test_a_plan_gone_missing_is_said_and_put_right_by_importing(year_folder: Path,
                                                                 tmp_path: Path) -> None:
    (year_folder / "plan.json").rename(tmp_path / "elsewhere.json")
    said = cli("generate", "--folder", str(year_folder))
    assert said.exit_code == 1 and "settings-plan-missing" in said.output
    book = tmp_path / "計画.xlsx"
    assert cli("plan", "export", str(book), "--plan", str(MINI_PLAN)).exit_code == 0
    imported = cli("plan", "import", str(book), "--folder", str(year_folder))
    assert imported.exit_code == 0, imported.output
    assert cli("generate", "--folder", str(year_folder)).exit_code == 0


def test_an_undo_record_leading_out_of_the_folder_moves_nothing(year_folder: Path) -> None:
    outside = year_folder.parent / "大事なファイル.xlsx"
    outside.write_bytes(b"not ours")
    record = year_folder / FOLDER_TEXT["undo-record"]
    record.write_text('{"year": 2022, "archive": "令和4年度", "settings": null, "moved": '
                      '[["取り戻す.xlsx", "../大事なファイル.xlsx"]]}', "utf-8")
    (year_folder / "submissions").rename(year_folder / "old_submissions")  # no new year yet
    said = cli("next-year", "--folder", str(year_folder), "--undo")
    assert said.exit_code != 0 and "next-year-nothing-to-undo" in said.output
    assert outside.read_bytes() == b"not ours" and not (year_folder / "取り戻す.xlsx").exists()
