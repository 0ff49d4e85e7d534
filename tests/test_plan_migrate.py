"""Catalogs of an older schema version are upgraded when read (consolidator.plan.migrate).

tests/data/mini_plan_v1.json is tests/data/mini_plan.json as catalog schema version 1 wrote
it: the reporting departments were called ``units`` (``units``, ``reporters[].unit``,
``previous.status[].units``, ``previous.plans[].units``). tests/data/mini_plan_v2.json is the
same plan as version 2 wrote it: the previous year's values in ``previous.values`` (version 3
keeps every past year in each measure's ``history``). tests/data/mini_plan_v3.json is the same
plan as version 3 wrote it (version 4 only added optional fields: a measure's
``change_factor`` and a past year's ``explanation``).
"""

from __future__ import annotations

import copy
import hashlib
import json
from typing import Any

import pytest
from click.testing import CliRunner

from consolidator.cli import main
from consolidator.plan.catalog import Catalog, canonical_json, dump_json
from consolidator.plan.conformance import plan_findings
from consolidator.plan.migrate import CURRENT_VERSION, upgrade
from helpers.paths import MINI_PLAN, MINI_PLAN_V1, MINI_PLAN_V2, MINI_PLAN_V3


@pytest.fixture
def v1() -> dict[str, Any]:
    return json.loads(MINI_PLAN_V1.read_text("utf-8"))  # type: ignore[no-any-return]


@pytest.fixture
def v2() -> dict[str, Any]:
    return json.loads(MINI_PLAN_V2.read_text("utf-8"))  # type: ignore[no-any-return]


@pytest.fixture
def v3() -> dict[str, Any]:
    return json.loads(MINI_PLAN_V3.read_text("utf-8"))  # type: ignore[no-any-return]


@pytest.fixture
def v4() -> dict[str, Any]:
    return json.loads(MINI_PLAN.read_text("utf-8"))  # type: ignore[no-any-return]


def test_the_files_are_the_four_versions(v1: dict[str, Any], v2: dict[str, Any],
                                         v3: dict[str, Any], v4: dict[str, Any]) -> None:
    assert (v1["schema_version"], v2["schema_version"], v3["schema_version"],
            v4["schema_version"]) == (1, 2, 3, CURRENT_VERSION)
    assert "units" in v1 and "departments" not in v1
    assert all("values" in i["previous"] for g in v2["goals"] for a in g["activities"]
               for i in a["initiatives"])


@pytest.mark.parametrize("version", ["v1", "v2", "v3"])
def test_upgrade_gives_the_current_version(version: str, request: pytest.FixtureRequest,
                                           v4: dict[str, Any]) -> None:
    doc = request.getfixturevalue(version)
    before = copy.deepcopy(doc)
    upgraded = upgrade(doc)
    assert upgraded == v4
    assert dump_json(upgraded) == MINI_PLAN.read_text("utf-8")  # the file's key order kept
    assert doc == before  # the document read is not changed: the upgrade is a copy


def test_v2_values_move_into_each_measures_history(v2: dict[str, Any]) -> None:
    """2 → 3: the one year of previous.values becomes the first entry of each measure's
    history, with the measure's target; measures without a value get no history."""
    upgraded = upgrade(v2)
    for g2, g3 in zip(v2["goals"], upgraded["goals"], strict=True):
        for a2, a3 in zip(g2["activities"], g3["activities"], strict=True):
            for i2, i3 in zip(a2["initiatives"], a3["initiatives"], strict=True):
                values, year = i2["previous"]["values"], i2["previous"]["year"]
                assert "values" not in i3["previous"]
                assert i3["previous"] == {k: v for k, v in i2["previous"].items()
                                          if k != "values"}
                for ind in i3["indicators"]:
                    for m in ind["measures"]:
                        expected = ([{"year": year, **values[m["id"]], "target": m["value"]}]
                                    if m["id"] in values else None)
                        assert m.get("history") == expected, m["id"]
    catalog = Catalog(v2)
    assert catalog.measure_by_id["1-1-1-c1"].previous_actual() == {
        "year": 2021, "text": "登録者累計111人", "value": 111, "unit": "人", "reason": None,
        "note": None, "target": 250}


def test_a_v2_value_for_no_measure_is_left_for_the_checker(v2: dict[str, Any]) -> None:
    ini = v2["goals"][0]["activities"][0]["initiatives"][0]
    ini["previous"]["values"]["9-9-9-c9"] = ini["previous"]["values"]["1-1-1-c1"]
    upgraded = upgrade(v2)
    left = upgraded["goals"][0]["activities"][0]["initiatives"][0]["previous"]["values"]
    assert list(left) == ["9-9-9-c9"]
    found = plan_findings(v2)
    assert [(f.code, f.path) for f in found] == [
        ("plan-schema", "$.goals[0].activities[0].initiatives[0].previous")]
    assert "想定外の項目「values」" in found.errors[0].message


def test_older_catalogs_read_like_the_current_one() -> None:
    new = Catalog.from_path(MINI_PLAN)
    for path in (MINI_PLAN_V1, MINI_PLAN_V2, MINI_PLAN_V3):
        _reads_the_same(Catalog.from_path(path), new)


def _reads_the_same(old: Catalog, new: Catalog) -> None:
    assert old.departments == new.departments
    assert old.department_names == ["市社協", "地域福祉課", "高齢福祉課"]
    assert [i.data for i in old.initiatives] == [i.data for i in new.initiatives]
    assert [(i.id, i.reporter_departments()) for i in old.initiatives] == [
        (i.id, i.reporter_departments()) for i in new.initiatives]
    assert old.content_hash == new.content_hash


@pytest.mark.parametrize("version", ["v1", "v2", "v3"])
def test_plan_findings_accept_an_older_document(version: str,
                                                request: pytest.FixtureRequest) -> None:
    assert list(plan_findings(request.getfixturevalue(version))) == []


@pytest.mark.parametrize("path", [MINI_PLAN_V1, MINI_PLAN_V2, MINI_PLAN_V3],
                         ids=["v1", "v2", "v3"])
def test_plan_validate_accepts_the_older_files(path: Any) -> None:
    result = CliRunner().invoke(main, ["plan", "validate", str(path)])
    assert result.exit_code == 0, result.output


def test_a_current_document_passes_unchanged(v4: dict[str, Any]) -> None:
    before = copy.deepcopy(v4)
    assert upgrade(v4) == before
    assert v4 == before


def test_v3_to_v4_only_says_so_and_keeps_the_templates_hash(v3: dict[str, Any],
                                                            v4: dict[str, Any]) -> None:
    """3 → 4 adds optional fields only: the document is the same but for its version, and
    its content hash is the one version 3 gave, so the templates sent out before the
    upgrade are not read as made from an older catalog."""
    upgraded = upgrade(v3)
    assert {k: v for k, v in upgraded.items() if k != "schema_version"} == {
        k: v for k, v in v3.items() if k != "schema_version"}
    version3_hash = hashlib.sha256(canonical_json(v3).encode("utf-8")).hexdigest()
    assert Catalog(v3).content_hash == Catalog(v4).content_hash == version3_hash


def test_the_new_fields_are_plan_content(v4: dict[str, Any]) -> None:
    """A threshold of its own is a change of the plan (the templates' colours change); so is
    an explanation carried in a measure's history."""
    measure = v4["goals"][0]["activities"][0]["initiatives"][0]["indicators"][0]["measures"][0]
    measure["change_factor"] = 5
    assert plan_findings(v4).errors == []
    changed = Catalog(v4)
    assert changed.content_hash != Catalog.from_path(MINI_PLAN).content_hash
    measure["change_factor"] = 1  # a factor must be more than 1
    assert [f.code for f in plan_findings(v4)] == ["plan-schema"]


@pytest.mark.parametrize("doc", [None, [], ["units"], "units", 1, {"schema_version": 99},
                                 {"units": []}], ids=repr)
def test_anything_else_passes_through_for_the_checker(doc: Any) -> None:
    before = copy.deepcopy(doc)
    assert upgrade(doc) == before
