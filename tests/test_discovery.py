"""The submissions folder listed (reading/discovery.py, issue 27: one directory listing per
folder instead of a look at each file): the same files, in the same order, with the same
files skipped as ``Path.rglob("*")`` filtered on regular files gave."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from consolidator.reading.discovery import discover


def _as_before(folder: Path) -> tuple[list[tuple[Path, str]], list[tuple[str, str]]]:
    found, skipped = [], []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()):
        display = path.relative_to(folder).as_posix()
        if path.name.startswith("~$"):
            skipped.append(("file-skipped-lock", display))
        elif any(part.startswith(".") for part in path.relative_to(folder).parts):
            skipped.append(("file-skipped-hidden", display))
        else:
            found.append((path, display))
    return found, skipped


def test_the_folder_is_listed_as_before(tmp_path: Path) -> None:
    root = tmp_path / "提出"
    for name in ["a.xlsx", "a b.xlsx", "b/c.xlsx", "b c/d.xlsx", "b/.hidden/e.xlsx",
                 ".hidden.xlsx", "~$lock.xlsx", "z/~$lock2.xlsx", "Z.xlsx", "古い版/地域.xlsx",
                 "b/b/b.xlsx", "empty/"]:
        path = root / name
        if name.endswith("/"):
            path.mkdir(parents=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(name.encode())
    if sys.platform != "win32":
        os.symlink(root / "a.xlsx", root / "link.xlsx")
        os.symlink(root / "b", root / "linked-folder")
        os.mkfifo(root / "fifo")
    found, skipped = discover(root)
    assert ([(c.path, c.display) for c in found], [(f.code, f.file) for f in skipped]) \
        == _as_before(root)
    assert [c.display for c in found][:3] == ["Z.xlsx", "a b.xlsx", "a.xlsx"]
    assert "linked-folder/c.xlsx" not in [c.display for c in found]


def test_a_missing_folder_or_a_file_lists_nothing(tmp_path: Path) -> None:
    (tmp_path / "file.xlsx").write_bytes(b"x")
    for folder in (tmp_path / "missing", tmp_path / "file.xlsx"):
        assert discover(folder) == ([], []) and _as_before(folder) == ([], [])


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0,
                    reason="permissions: not on Windows, and root reads every folder")
def test_a_folder_that_cannot_be_listed_is_passed_over(tmp_path: Path) -> None:
    (tmp_path / "closed").mkdir()
    (tmp_path / "closed" / "x.xlsx").write_bytes(b"x")
    (tmp_path / "open.xlsx").write_bytes(b"x")
    (tmp_path / "closed").chmod(0)
    try:
        assert [c.display for c in discover(tmp_path)[0]] == ["open.xlsx"]
        assert [(c.path, c.display) for c in discover(tmp_path)[0]] == _as_before(tmp_path)[0]
    finally:
        (tmp_path / "closed").chmod(0o755)
