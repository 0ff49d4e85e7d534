"""Issue 11: what makes the toolkit run on Windows and macOS, checked here on Linux.

The console (a cp932 console or a redirect on Windows must never crash a command), and the
CI workflow for the hosted Windows/macOS/Linux runners (it runs the README's commands).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

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


# ---- the hosted-runner workflow -----------------------------------------------------------------

WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"
# the runner's own setup, not a command: python3 on Windows, LibreOffice, .venv's tools on PATH
SETUP_STEPS = ("python3 on Windows", "LibreOffice", "the .venv's tools")
INSTALL = "python3 scripts/dev.py"  # the README's first command: .venv/, install, demo
TESTS = "python3 scripts/dev.py pytest"  # the second: the tests with .venv's Python


def _workflow() -> dict[str, Any]:
    import yaml

    doc = yaml.safe_load(WORKFLOW.read_text("utf-8"))
    assert isinstance(doc, dict)
    return doc


def _readme_commands() -> set[str]:
    """Every line of the README's shell code blocks, without its trailing comment."""
    text = (ROOT / "README.md").read_text("utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", text, re.S)
    return {line.split("  #")[0].strip() for block in blocks for line in block.splitlines()
            if line.strip()}


def test_workflow_matrix() -> None:
    doc = _workflow()
    assert set(doc) >= {"name", "jobs"} and (True in doc or "on" in doc)  # YAML 1.1: on → True
    [job] = doc["jobs"].values()
    matrix = job["strategy"]["matrix"]
    assert sorted(matrix["os"]) == ["macos-latest", "ubuntu-latest", "windows-latest"]
    assert matrix["python"] == ["3.11", "3.12", "3.13"]
    assert job["runs-on"] == "${{ matrix.os }}"
    assert job["strategy"]["fail-fast"] is False


def test_workflow_runs_the_readme_commands() -> None:
    [job] = _workflow()["jobs"].values()
    run = [line.strip() for step in job["steps"] if "run" in step
           and not str(step.get("name", "")).startswith(SETUP_STEPS)
           for line in step["run"].splitlines() if line.strip()]
    readme = _readme_commands()
    assert [line for line in run if line not in readme] == []
    for needed in (INSTALL, TESTS, f'{TESTS} -m "not calc"', "mypy --platform win32",
                   "mypy --platform darwin", "lint-imports"):
        assert needed in readme and needed in run, needed
    assert any(line.startswith("CONSOLIDATOR_PORTABLE=1 python3 -m pytest") for line in run)
    # the Calc tests are skipped only on the Windows and macOS runners
    conditions = {step["run"]: step.get("if", "") for step in job["steps"] if "run" in step}
    assert conditions[TESTS] == "runner.os == 'Linux'"
    assert conditions[f'{TESTS} -m "not calc"'] == "runner.os != 'Linux'"


def test_ci_script_runs_the_portable_tests_and_both_platforms() -> None:
    script = (ROOT / ".ci" / "run").read_text("utf-8")
    workflow = _workflow()
    [job] = workflow["jobs"].values()
    portable = next(step["run"] for step in job["steps"]
                    if str(step.get("run", "")).startswith("CONSOLIDATOR_PORTABLE=1"))
    for line in (INSTALL, TESTS, "mypy --platform win32", "mypy --platform darwin", portable):
        assert line in script.splitlines(), line


def test_the_readme_starts_with_the_two_commands() -> None:
    """The set-up that works where ``pip install`` into the system Python is refused (PEP 668)."""
    text = (ROOT / "README.md").read_text("utf-8")
    first = re.search(r"```sh\n(.*?)```", text, re.S)
    assert first and first.group(1).splitlines() == [INSTALL, TESTS]
    assert ".venv/" in (ROOT / ".gitignore").read_text("utf-8").splitlines()


def test_dev_script_runs_the_venvs_tools(tmp_path: Path, monkeypatch: Any,
                                         capsys: Any) -> None:
    """scripts/dev.py: .venv's tools first on PATH; without .venv it says what to run first."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("dev", ROOT / "scripts" / "dev.py")
    assert spec is not None and spec.loader is not None
    dev = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(dev)
    assert dev.VENV == ROOT / ".venv" and dev.BIN.parent == dev.VENV
    assert dev._env()["PATH"].split(os.pathsep)[0] == str(dev.BIN)
    monkeypatch.setattr(dev, "PYTHON", tmp_path / "no-python")
    assert dev.main(["pytest"]) == 2
    assert f"run  {INSTALL}  first" in capsys.readouterr().err
