"""Catalogs of an older schema version are upgraded when read (consolidator.plan.migrate).

tests/data/mini_plan_v1.json is tests/data/mini_plan.json as catalog schema version 1 wrote
it: the reporting departments were called ``units`` (``units``, ``reporters[].unit``,
``previous.status[].units``, ``previous.plans[].units``).
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from click.testing import CliRunner

from consolidator.cli import main
from consolidator.plan.catalog import Catalog, dump_json
from consolidator.plan.check import check_plan
from consolidator.plan.migrate import CURRENT_VERSION, upgrade
from helpers.paths import MINI_PLAN, MINI_PLAN_V1


@pytest.fixture
def v1() -> dict[str, Any]:
    return json.loads(MINI_PLAN_V1.read_text("utf-8"))  # type: ignore[no-any-return]


@pytest.fixture
def v2() -> dict[str, Any]:
    return json.loads(MINI_PLAN.read_text("utf-8"))  # type: ignore[no-any-return]


def test_the_files_are_the_two_versions(v1: dict[str, Any], v2: dict[str, Any]) -> None:
    assert (v1["schema_version"], v2["schema_version"]) == (1, CURRENT_VERSION)
    assert "units" in v1 and "departments" not in v1


def test_upgrade_gives_the_current_version(v1: dict[str, Any], v2: dict[str, Any]) -> None:
    before = copy.deepcopy(v1)
    upgraded = upgrade(v1)
    assert upgraded == v2
    assert dump_json(upgraded) == MINI_PLAN.read_text("utf-8")  # the file's key order kept
    assert v1 == before  # the document read is not changed: the upgrade is a copy


def test_a_v1_catalog_reads_like_v2() -> None:
    old, new = Catalog.from_path(MINI_PLAN_V1), Catalog.from_path(MINI_PLAN)
    assert old.departments == new.departments
    assert old.department_names == ["市社協", "地域福祉課", "高齢福祉課"]
    assert [i.data for i in old.initiatives] == [i.data for i in new.initiatives]
    assert [(i.id, i.reporter_departments()) for i in old.initiatives] == [
        (i.id, i.reporter_departments()) for i in new.initiatives]
    assert old.content_hash == new.content_hash


def test_check_plan_accepts_a_v1_document(v1: dict[str, Any]) -> None:
    assert list(check_plan(v1)) == []


def test_plan_validate_accepts_the_v1_file() -> None:
    result = CliRunner().invoke(main, ["plan", "validate", str(MINI_PLAN_V1)])
    assert result.exit_code == 0, result.output


def test_a_current_document_passes_unchanged(v2: dict[str, Any]) -> None:
    before = copy.deepcopy(v2)
    assert upgrade(v2) == before
    assert v2 == before


@pytest.mark.parametrize("doc", [None, [], ["units"], "units", 1, {"schema_version": 99},
                                 {"units": []}], ids=repr)
def test_anything_else_passes_through_for_the_checker(doc: Any) -> None:
    before = copy.deepcopy(doc)
    assert upgrade(doc) == before
