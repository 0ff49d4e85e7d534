"""Shared fixtures: catalogs, generated templates, the hostile folder (all under tmp dirs).

Helpers live in tests/helpers/ (imported as ``helpers``: pytest puts tests/ on sys.path).
"""

from __future__ import annotations

import os
import shutil
import sys

# The suite's own start: each pytest worker rewrites every test module's asserts and compiles
# the toolkit, and a CLI test's subprocess compiles the toolkit again, unless the bytecode is
# kept. Kept (in __pycache__/, which git ignores) even where PYTHONDONTWRITEBYTECODE is set, as
# on the development machines: about 3 s of the fast loop on two cores.
sys.dont_write_bytecode = False

from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from calc.fixtures import calc  # noqa: F401  (LibreOffice session, see tests/calc)
from consolidator.plan.catalog import Catalog
from consolidator.templates.generate import generate_templates
from helpers import filling
from helpers.connections import ConnectionWatch
from helpers.filling import by_department
from helpers.hostile_folder import HostileFolder, build_hostile_folder
from helpers.made_once import made_once
from helpers.paths import MINI_PLAN


@pytest.fixture(scope="session")
def mini_catalog() -> Catalog:
    return Catalog.from_path(MINI_PLAN)


@pytest.fixture(scope="session")
def default_catalog() -> Catalog:
    return Catalog.default()


@pytest.fixture(scope="session")
def mini_templates(tmp_path_factory: pytest.TempPathFactory, mini_catalog: Catalog
                   ) -> dict[str, Path]:
    """department → its generated template (令和4年度, the mini plan)."""
    out = tmp_path_factory.mktemp("mini_templates")
    return by_department(generate_templates(mini_catalog, 2022, out))


def _worker_copy(tmp_path_factory: pytest.TempPathFactory, name: str,
                 made: dict[str, Path]) -> dict[str, Path]:
    """``made`` (department → a file :func:`made_once` made) copied into this worker's own
    temporary folder."""
    out = tmp_path_factory.mktemp(name)
    for path in made.values():
        shutil.copy2(path, out / path.name)
    return {department: out / path.name for department, path in made.items()}


@pytest.fixture(scope="session")
def default_templates(tmp_path_factory: pytest.TempPathFactory, default_catalog: Catalog
                      ) -> dict[str, Path]:
    """department → its generated template (the default plan's report year). Generated once
    for the run (:mod:`helpers.made_once`), then copied into each worker's own folder: a
    worker never opens another's files (LibreOffice in one worker failed to load a template
    another worker's LibreOffice had open)."""
    return _worker_copy(tmp_path_factory, "default_templates", made_once(
        tmp_path_factory, "default_templates_made", lambda out: by_department(
            generate_templates(default_catalog, default_catalog.report_year, out))))


class _TemplatesMadeWhenRead(Mapping[str, Path]):
    """department → its template drawn as .ods, each made the first time it is read: once
    for the run (:mod:`helpers.made_once`), then copied into this worker's own folder, as
    the .xlsx templates. The fast loop reads three of the 17 (all 17 take seconds to draw)."""

    def __init__(self, tmp_path_factory: pytest.TempPathFactory, catalog: Catalog) -> None:
        self._factory, self._catalog = tmp_path_factory, catalog
        self._made: dict[str, Path] = {}

    def __getitem__(self, department: str) -> Path:
        if department not in self._catalog.department_names:
            raise KeyError(department)
        if department not in self._made:
            catalog = self._catalog
            number = catalog.department_names.index(department)
            made = made_once(self._factory, f"default_ods_template_{number}",
                             lambda out: by_department(generate_templates(
                                 catalog, catalog.report_year, out, fmt="ods",
                                 only=[department])))
            self._made |= _worker_copy(self._factory, "default_ods_template", made)
        return self._made[department]

    def __iter__(self) -> Iterator[str]:
        return iter(self._catalog.department_names)

    def __len__(self) -> int:
        return len(self._catalog.department_names)


@pytest.fixture(scope="session")
def default_ods_templates(tmp_path_factory: pytest.TempPathFactory, default_catalog: Catalog
                          ) -> Mapping[str, Path]:
    """department → its template drawn as .ods (``generate --format ods``), each made when
    a test first reads it (see :class:`_TemplatesMadeWhenRead`)."""
    return _TemplatesMadeWhenRead(tmp_path_factory, default_catalog)


@pytest.fixture(scope="session")
def hostile_folder(tmp_path_factory: pytest.TempPathFactory,
                   default_templates: dict[str, Path],
                   default_ods_templates: dict[str, Path]) -> HostileFolder:
    """Every hostile-corpus file (the .xlsx and the .ods sets) and the 17 clean submissions in
    one folder, built once. Read only: each test writes its output next to it
    (``hostile_folder.path.parent / "out_…"``)."""
    return made_once(tmp_path_factory, "hostile", lambda root: build_hostile_folder(
        root / "submissions", default_templates, default_ods_templates))


@pytest.fixture(scope="session", autouse=True)
def fillings_shared_by_the_workers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """With workers, a filling one worker made is read by the others (see
    :data:`helpers.filling.SHARED_FILLINGS`): the same complete values are typed into the same
    templates in test files that run in different workers."""
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        yield
        return
    shared = tmp_path_factory.getbasetemp().parent / "fillings"
    shared.mkdir(exist_ok=True)
    filling.SHARED_FILLINGS = shared
    try:
        yield
    finally:
        filling.SHARED_FILLINGS = None


@pytest.fixture(autouse=True)
def sqlite_connections_closed(monkeypatch: pytest.MonkeyPatch) -> Iterator[ConnectionWatch]:
    """Every SQLite connection a test opens (the toolkit's and the test's own) is closed by
    the end of the test (see helpers.connections)."""
    watch = ConnectionWatch()
    watch.install(monkeypatch)
    yield watch
    left = watch.left_open()
    watch.close_all()
    if left:
        pytest.fail(f"{len(left)} SQLite connection(s) left open, opened at:\n"
                    + "\n".join(left), pytrace=False)


@pytest.fixture(autouse=True)
def desk_drawings_ended(sqlite_connections_closed: ConnectionWatch) -> Iterator[None]:
    """The desks a test made (helpers.desk.desk_client) closed at its end, before its SQLite
    connections are counted: a drawing of the published report still running after 集約 is
    waited for (its output cache closed), never left to run into the next test."""
    yield
    from helpers.desk import OPENED

    while OPENED:
        OPENED.pop().close(60)

