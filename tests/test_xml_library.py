"""openpyxl writes and reads XML with lxml where lxml is installed and with the standard
library's ElementTree otherwise (``openpyxl.xml.LXML``, decided once, when openpyxl is first
imported). The two spell the same document differently (``<v/>`` or ``<v />``, a namespace
declared on the root or only where it is used), so neither the toolkit nor its tests may
depend on which one it is.

The dev extra installs lxml (most environments have it, beside python-docx and other tools that
need it), so the suite itself runs with it; the round trips that once depended on the library
run here again with lxml made unimportable.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import openpyxl.xml
import pytest

from helpers.paths import ROOT

ROUND_TRIPS = [
    # a department's picture and text box, copied byte for byte into what goes back to it
    "tests/test_feedback_workbook.py::test_what_the_department_added_is_kept",
    # a department's own notes on two sheets (openpyxl's VML, namespaces declared per element
    # with lxml, on the root without), our notes added beside them
    "tests/test_sound_files.py::test_notes_on_two_sheets_get_shape_ids_of_their_own",
    # a formula without and with its stored result
    "tests/test_validation.py::test_formula_with_and_without_cached_value",
]

# A module that is None in sys.modules cannot be imported: openpyxl takes ElementTree.
WITHOUT_LXML = """
import sys
sys.modules["lxml"] = None
import openpyxl.xml
assert not openpyxl.xml.LXML, "openpyxl uses lxml"
import pytest
sys.exit(pytest.main(sys.argv[1:]))
"""


@pytest.mark.slow  # a second interpreter with lxml hidden: in the full suite
def test_round_trips_without_lxml(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_LXML, "-q", "-p", "no:cacheprovider",
         "-o", "addopts=", "--basetemp", str(tmp_path / "pytest"), *ROUND_TRIPS],
        cwd=ROOT, capture_output=True, text=True, encoding="utf-8", errors="replace",
        timeout=300,
        # no third-party pytest plugins: one may need lxml itself (openxml-audit's does); so
        # not xdist either, nor the addopts that call it
        env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"})
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    assert f"{len(ROUND_TRIPS)} passed" in done.stdout, done.stdout[-4000:]


@pytest.mark.skipif(os.environ.get("CI") != "true", reason="CI only")
def test_ci_runs_the_suite_with_lxml() -> None:
    """In CI (``.ci/run`` and the hosted runners set CI=true) the dev extra has installed lxml
    and openpyxl uses it: the rest of the suite is the run with lxml."""
    assert openpyxl.xml.LXML, "CI without lxml: pip install -e '.[dev]' installs it"
