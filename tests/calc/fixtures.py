"""pytest fixture for the LibreOffice Calc round-trip tests.

Enable in tests/conftest.py with:

    from calc.fixtures import calc  # noqa: F401

(tests/ has no __init__.py, so pytest puts tests/ itself on sys.path and the
package is importable as ``calc``; with ``python -m pytest`` it works too.
If tests/ ever becomes a package, use ``from tests.calc.fixtures import calc``.)
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from .session import CalcSession, calc_available


@pytest.fixture(scope="session")
def calc() -> Iterator[CalcSession]:
    """One headless Calc for the whole test session.

    Skips when Calc is not installed -- except in CI (CI=true), where a
    missing Calc is an error: the round trip through a real spreadsheet
    program is what these tests exist to prove.
    """
    ok, why = calc_available()
    if not ok:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"LibreOffice Calc is required in CI: {why}", pytrace=False)
        pytest.skip(f"LibreOffice Calc not available: {why}")
    with CalcSession() as session:
        yield session
