"""Shared fixtures: catalogs, generated templates, filled workbooks (all under tmp_path)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from calc.fixtures import calc  # noqa: F401  (LibreOffice session, see tests/calc)
from consolidator.plan.catalog import Catalog
from consolidator.templates.generate import generate_templates

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def mini_catalog() -> Catalog:
    return Catalog.from_path(DATA / "mini_plan.json")


@pytest.fixture(scope="session")
def default_catalog() -> Catalog:
    return Catalog.default()


@pytest.fixture(scope="session")
def mini_templates(tmp_path_factory: pytest.TempPathFactory, mini_catalog: Catalog
                   ) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("mini_templates")
    paths = generate_templates(mini_catalog, 2022, out)
    return {p.name.split("_")[1]: p for p in paths}


@pytest.fixture(scope="session")
def default_templates(tmp_path_factory: pytest.TempPathFactory, default_catalog: Catalog
                      ) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("default_templates")
    paths = generate_templates(default_catalog, default_catalog.report_year, out)
    return {p.name.split("_")[1]: p for p in paths}


@pytest.fixture
def copy_to(tmp_path: Path):  # type: ignore[no-untyped-def]
    def _copy(src: Path, name: str | None = None) -> Path:
        dst = tmp_path / "submissions" / (name or src.name)
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dst)
        return dst
    return _copy
