"""The developer's set-up, the same on Linux, macOS and Windows: everything in ``.venv/``.

    python3 scripts/dev.py                  # make .venv/, install -e '.[dev]' into it, run the demo
    python3 scripts/dev.py pytest -q        # any tool of .venv/: pytest, ruff, mypy, lint-imports,
    python3 scripts/dev.py consolidator …   # consolidator, python …

Current Debian and Ubuntu refuse ``pip install`` into the system Python (PEP 668, "externally
managed environment"), and Windows has no ``source .venv/bin/activate``; so the README's two
commands go through this script, which needs only the standard library. Run with no argument
again to bring ``.venv/`` up to date (after pyproject.toml changed). Activating ``.venv/``
(``. .venv/bin/activate``; PowerShell: ``.venv\\Scripts\\Activate.ps1``) gives the same tools
without the prefix.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
NO_VENV_MODULE = """\
dev.py: this Python cannot make a virtual environment with pip in it ({error}).
On Debian and Ubuntu install the venv module first:  sudo apt install python3-venv
(or python3.{minor}-venv), then run  python3 scripts/dev.py  again."""


def _env() -> dict[str, str]:
    """The environment of a command run in .venv: its tools first on PATH."""
    env = dict(os.environ, VIRTUAL_ENV=str(VENV))
    env["PATH"] = os.pathsep.join([str(BIN), env.get("PATH", "")])
    env.pop("PYTHONHOME", None)
    return env


def _works() -> bool:
    """.venv exists, its Python starts and has pip (a half-made one from a failed try has not)."""
    return PYTHON.exists() and subprocess.run(
        [str(PYTHON), "-m", "pip", "--version"], capture_output=True).returncode == 0


def setup() -> int:
    if sys.version_info < (3, 11):  # noqa: UP036  (an older python3 is what this tells)
        print(f"dev.py: consolidator needs Python 3.11 or later, this is {sys.version.split()[0]}",
              file=sys.stderr)
        return 2
    if not _works():
        print(f"dev.py: making {VENV.relative_to(ROOT)}/ with Python {sys.version.split()[0]}")
        try:
            venv.EnvBuilder(with_pip=True, clear=VENV.exists()).create(VENV)
        except (subprocess.CalledProcessError, OSError) as exc:
            print(NO_VENV_MODULE.format(error=exc, minor=sys.version_info.minor),
                  file=sys.stderr)
            return 2
    print("dev.py: installing consolidator (editable) with its dev tools into .venv/")
    done = subprocess.run([str(PYTHON), "-m", "pip", "install", "--disable-pip-version-check",
                           "-q", "-e", ".[dev]"], cwd=ROOT, env=_env())
    if done.returncode != 0:
        return done.returncode
    return run(["consolidator", "demo"])


def run(command: list[str]) -> int:
    """``command`` with .venv's tool of that name (``python`` is .venv's Python)."""
    if not _works():
        print("dev.py: no .venv/ yet: run  python3 scripts/dev.py  first", file=sys.stderr)
        return 2
    tool = str(PYTHON) if command[0] in ("python", "python3") else shutil.which(
        command[0], path=str(BIN))
    if tool is None:
        print(f"dev.py: .venv/ has no {command[0]!r} (is it in the dev extra?)", file=sys.stderr)
        return 2
    try:
        return subprocess.run([tool, *command[1:]], env=_env()).returncode
    except KeyboardInterrupt:
        return 130


def main(argv: list[str]) -> int:
    if argv[:1] in (["-h"], ["--help"]):
        print(__doc__)
        return 0
    return run(argv) if argv else setup()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
