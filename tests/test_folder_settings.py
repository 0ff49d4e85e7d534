"""The working folder's settings file (``consolidator.toml``): written so that any text comes
back as it was, read as Notepad saves it, and a file that cannot be used said with its line."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from consolidator.folder_settings import (
    FolderSettings,
    read_settings,
    update_settings,
    write_settings,
)

HOSTILE = ['地域福祉課 "内線" 1234', "C:\\Users\\福祉\\plan.json", "二行\n目\r\n", "tab\there",
           "\x00\x1b\x7f", "'''", '"""', "# not a comment", "𠮷野家 ＼ ¥"]


@pytest.mark.parametrize("text", HOSTILE)
def test_any_text_comes_back_as_written(tmp_path: Path, text: str) -> None:
    written = write_settings(tmp_path, FolderSettings(plan="plan.json", contact=text))
    assert tomllib.loads(written.read_text("utf-8"))["contact"] == text
    settings, found = read_settings(tmp_path)
    assert settings.contact == text and settings.plan == "plan.json" and not list(found)


def test_a_file_saved_by_notepad_with_a_bom_is_read(tmp_path: Path) -> None:
    (tmp_path / "consolidator.toml").write_text('deadline = "5月31日"\nyear = 2023\n',
                                                "utf-8-sig")
    settings, found = read_settings(tmp_path)
    assert settings == FolderSettings(deadline="5月31日", year="2023") and not list(found)


def test_what_cannot_be_used_is_said_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "consolidator.toml"
    path.write_text('plan = "plan.json"\n\ncontact = ["a"]\nplna = "x"\n', "utf-8")
    settings, found = read_settings(tmp_path)
    assert settings == FolderSettings()  # an error: no setting is used
    by_code = {f.code: f for f in found}
    assert "4行目" in by_code["settings-unknown-key"].message
    assert "3行目" in by_code["settings-bad-value"].message
    assert by_code["settings-bad-value"].severity == "error"


def test_updating_a_damaged_file_keeps_it_aside(tmp_path: Path) -> None:
    path = tmp_path / "consolidator.toml"
    path.write_text('plan = "plan.json\n', "utf-8")
    update_settings(tmp_path, plan="plan_2023.json")
    assert read_settings(tmp_path)[0].plan == "plan_2023.json"
    aside = list(tmp_path.glob("consolidator.damaged-*.toml"))
    assert len(aside) == 1 and aside[0].read_text("utf-8") == 'plan = "plan.json\n'
