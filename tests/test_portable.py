"""Issue 11: what makes the toolkit run on Windows and macOS, checked here on Linux.

The console (a cp932 console or a redirect on Windows must never crash a command), and the
CI workflow for the hosted Windows/macOS/Linux runners (it runs the README's commands).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from helpers.paths import ROOT


def _cli(args: list[str], encoding: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ, PYTHONIOENCODING=encoding)
    return subprocess.run([sys.executable, "-m", "consolidator", *args], capture_output=True,
                          env=env, cwd=cwd, timeout=120)


def test_a_cp932_console_never_crashes(tmp_path: Path) -> None:
    """𠮷 (U+20BB7) has no cp932 code: printed as ? instead of a UnicodeEncodeError."""
    out = tmp_path / "𠮷田"
    done = _cli(["generate", "--only", "高齢福祉課", "--out", str(out)], "cp932", tmp_path)
    assert done.returncode == 0, done.stderr.decode("cp932", "replace")
    text = done.stdout.decode("cp932")
    assert "?田" in text and "高齢福祉課" in text and "Traceback" not in text
    assert len(list(out.glob("*.xlsx"))) == 1  # the file name keeps its 𠮷 on disk
    refused = _cli(["fields", str(tmp_path / "なし.xlsx")], "ascii", tmp_path)
    assert refused.returncode == 2 and b"Traceback" not in refused.stderr


def test_the_main_module_runs_only_as_main() -> None:
    """A spawned worker imports ``__main__`` under another name: it must not start the CLI."""
    source = (ROOT / "consolidator" / "__main__.py").read_text("utf-8")
    assert 'if __name__ == "__main__":' in source
