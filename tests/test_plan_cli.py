"""Issue 2: the plan commands (import, validate, show) and the plan consistency checks."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from consolidator.cli import main
from consolidator.plan.catalog import Catalog, default_plan_text, schema
from consolidator.plan.conformance import plan_findings
from consolidator.plan.migrate import CURRENT_VERSION
from helpers.paths import DEFAULT_PLAN, MINI_PLAN, OVERRIDES, SEED_REPORT


def test_import_cli_reproduces_the_embedded_default(tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    result = CliRunner().invoke(main, ["plan", "import", str(SEED_REPORT), "--overrides",
                                       str(OVERRIDES), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text("utf-8") == default_plan_text()
    assert "取組み 30 件、指標 78 件" in result.output


def test_import_without_overrides_lists_lines(tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    result = CliRunner().invoke(main, ["plan", "import", str(SEED_REPORT), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "行目" in result.output  # what could not be placed, with its line number
    assert json.loads(out.read_text("utf-8"))["schema_version"] == CURRENT_VERSION


def test_show_summary_and_json() -> None:
    result = CliRunner().invoke(main, ["plan", "show"])
    assert result.exit_code == 0, result.output
    assert "取組み 30 件 / 指標 78 件" in result.output
    assert "高齢福祉課: 取組み" in result.output
    as_json = CliRunner().invoke(main, ["plan", "show", "--json"])
    doc = json.loads(as_json.output)
    assert list(Draft202012Validator(schema()).iter_errors(doc)) == []
    assert doc == Catalog.default().doc


def test_validate_default_is_clean() -> None:
    result = CliRunner().invoke(main, ["plan", "validate", str(DEFAULT_PLAN)])
    assert result.exit_code == 0, result.output
    assert plan_findings(Catalog.default().doc).errors == []


def _broken() -> dict[str, Any]:
    doc = copy.deepcopy(Catalog.default().doc)
    ini = doc["goals"][0]["activities"][0]["initiatives"]
    ini[1]["id"] = "1-1-1"  # duplicate initiative id (and not its number)
    ini[0]["indicators"][1]["owner"] = "存在しない課"
    ini[0]["indicators"][0]["measures"][0]["unit"] = None  # value 2 without a unit
    ini[2]["reporters"].append({"department": "謎の課"})
    return doc


def test_broken_catalog_reports_every_error_with_its_path() -> None:
    doc = _broken()
    found = plan_findings(doc)
    got = sorted((f.code, f.path) for f in found.errors)
    base = "$.goals[0].activities[0].initiatives"
    second = doc["goals"][0]["activities"][0]["initiatives"][1]
    n_reporters = len(doc["goals"][0]["activities"][0]["initiatives"][2]["reporters"])
    # 1-1-2 now claims id 1-1-1: its indicators and measures no longer start with its id
    stale_ids = []
    for k, ind in enumerate(second["indicators"]):
        stale_ids.append(f"{base}[1].indicators[{k}].id")
        stale_ids += [f"{base}[1].indicators[{k}].measures[{n}].id"
                      for n, m in enumerate(ind["measures"]) if m["id"] != ind["id"]]
    assert got == sorted([
        ("plan-duplicate-id", f"{base}[1].id"),
        ("plan-id-mismatch", f"{base}[1].id"),
        ("plan-unknown-unit", f"{base}[0].indicators[1].owner"),
        ("plan-target-unit-missing", f"{base}[0].indicators[0].measures[0].unit"),
        ("plan-unknown-unit", f"{base}[2].reporters[{n_reporters - 1}].department"),
    ] + [("plan-id-mismatch", p) for p in stale_ids])
    assert len(stale_ids) >= 3


def test_schema_errors_all_at_once(tmp_path: Path) -> None:
    doc = copy.deepcopy(Catalog.default().doc)
    del doc["plan"]["vision"]
    doc["departments"][0]["organisation"] = "県"
    doc["goals"][0]["activities"][0]["initiatives"][0]["indicators"][0]["measures"][0][
        "value"] = -1
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    result = CliRunner().invoke(main, ["plan", "validate", str(path)])
    assert result.exit_code == 1
    paths = [line for line in result.output.splitlines() if "plan-schema" in line]
    assert len(paths) == 3
    assert any("$.plan" in p and "必要な項目「vision」がありません" in p for p in paths)
    assert any("$.departments[0].organisation" in p and "値「'県'」は使えません" in p
               for p in paths)
    assert any("measures[0].value" in p for p in paths)


def test_a_schema_error_outside_what_is_compared_keeps_the_consistency_checks(
        tmp_path: Path) -> None:
    """A malformed address and an owner not among the departments: both in one pass. A
    malformed organisation is in what the consistency checks compare: reported alone, not
    with a mismatch for each indicator of that department."""
    doc = copy.deepcopy(Catalog.default().doc)
    doc["departments"][2]["email"] = "高齢福祉課 内線1234"
    doc["goals"][0]["activities"][0]["initiatives"][0]["indicators"][0]["owner"] = "存在しない課"
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    result = CliRunner().invoke(main, ["plan", "validate", str(path)])
    assert result.exit_code == 1
    found = [line.split()[1] for line in result.output.splitlines() if line.startswith("[")]
    assert found == ["plan-schema", "plan-unknown-unit"]
    assert "$.departments[2].email" in result.output and "存在しない課" in result.output
    doc["departments"][2]["organisation"] = "県"  # 高齢福祉課 owns indicators of 市
    path.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    result = CliRunner().invoke(main, ["plan", "validate", str(path)])
    found = [line.split()[1] for line in result.output.splitlines() if line.startswith("[")]
    assert found == ["plan-schema", "plan-schema"]


@pytest.mark.parametrize("content", ["{not json", ""], ids=["broken-json", "empty"])
def test_unreadable_catalog(tmp_path: Path, content: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, "utf-8")
    result = CliRunner().invoke(main, ["plan", "validate", str(path)])
    assert result.exit_code == 1 and "plan-json" in result.output


def test_every_command_has_help_with_an_example() -> None:
    def walk(cmd: Any, prefix: list[str]) -> list[list[str]]:
        out = [prefix]
        for name, sub in getattr(cmd, "commands", {}).items():
            out += walk(sub, [*prefix, name])
        return out

    for args in walk(main, []):
        result = CliRunner().invoke(main, [*args, "--help"])
        assert result.exit_code == 0, args
        assert "Example:" in result.output, args


def test_cli_startup_does_not_import_heavy_modules() -> None:
    import subprocess
    import sys

    code = ("import sys, consolidator.cli; "
            "print(sorted(m for m in ('pandas','openpyxl','xlsxwriter','python_calamine',"
            "'jsonschema') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("command", [["generate", "--out", "OUT"], ["plan", "show"],
                                     ["validate", "SUBS", "--out", "OUT"],
                                     ["consolidate", "SUBS", "--out", "OUT"]],
                         ids=["generate", "show", "validate", "consolidate"])
def test_an_invalid_plan_file_is_refused_everywhere(tmp_path: Path, command: list[str]) -> None:
    bad = tmp_path / "plan.json"
    bad.write_text('{"schema_version": 1}', "utf-8")
    (tmp_path / "subs").mkdir()
    args = [str(tmp_path / "subs") if a == "SUBS" else str(tmp_path / "out") if a == "OUT"
            else a for a in command]
    result = CliRunner().invoke(main, [*args, "--plan", str(bad)])
    assert result.exit_code == 1, result.output
    assert "必要な項目「plan」がありません" in result.output
    assert "計画カタログに 3 件の問題があります" in result.output
    assert not (tmp_path / "out").exists()


def test_plan_diff_names_every_kind_of_change(tmp_path: Path) -> None:
    doc = copy.deepcopy(Catalog.default().doc)
    doc["departments"].append({"name": "新設課", "organisation": "市"})
    ini = doc["goals"][0]["activities"][0]["initiatives"][0]
    ini["title"] = "担い手の確保と育成"
    ini["indicators"][1]["owner"] = "地域福祉課"
    ini["indicators"][0]["target"]["text"] = "年3地区"
    ini["indicators"][0]["measures"][0]["value"] = 3
    last = doc["goals"][2]["activities"][0]["initiatives"][3]
    removed = last["indicators"].pop()  # its past values go with it
    new = tmp_path / "new.json"
    new.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    result = CliRunner().invoke(main, ["plan", "diff", str(DEFAULT_PLAN), str(new)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "担当を追加:新設課",
        "取組みの名称を変更:1-1-1 「担い手の確保と育成の支援」→「担い手の確保と育成」",
        f"指標を削除:{removed['id']} {removed['name']}",
        "指標の担当を変更:1-1-1-c1 高齢福祉課 → 地域福祉課",
        "指標の目標を変更:1-1-1-s1 「H30(2018)～ 年2地区」→「年3地区(3地区)」",
    ]
    same = CliRunner().invoke(main, ["plan", "diff", str(new), str(new)])
    assert same.output.strip() == "違いはありません。"


def _with_factors(factors: dict[str, float]) -> dict[str, Any]:
    """The mini plan with these measures' own 増減確認の倍率 (change_factor)."""
    doc = copy.deepcopy(Catalog.from_path(MINI_PLAN).doc)
    for ini in Catalog(doc).initiatives:
        for ind in ini.data["indicators"]:
            for m in ind["measures"]:
                if m["id"] in factors:
                    m["change_factor"] = factors[m["id"]]
    return doc


def test_plan_diff_names_a_changed_change_factor(tmp_path: Path) -> None:
    """A measure's change_factor set, changed and removed (back to the default of 10), each
    a line of its own; a factor kept as it was is no change."""
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps(_with_factors({"1-1-2-s1a": 5, "1-1-2-s1b": 3,
                                             "2-1-1-c1": 4}), ensure_ascii=False), "utf-8")
    new.write_text(json.dumps(_with_factors({"1-1-1-s1": 2.5, "1-1-2-s1a": 5,
                                             "1-1-2-s1b": 1.5}), ensure_ascii=False), "utf-8")
    result = CliRunner().invoke(main, ["plan", "diff", str(old), str(new)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "増減確認の倍率を設定:1-1-1-s1 2.5倍(これまでは既定の10倍)",
        "増減確認の倍率を変更:1-1-2-s1b 3倍 → 1.5倍",
        "増減確認の倍率を既定に戻す:2-1-1-c1 4倍 → 既定の10倍",
    ]
    back = CliRunner().invoke(main, ["plan", "diff", str(new), str(MINI_PLAN)])
    assert back.output.splitlines() == [
        "増減確認の倍率を既定に戻す:1-1-1-s1 2.5倍 → 既定の10倍",
        "増減確認の倍率を既定に戻す:1-1-2-s1a 5倍 → 既定の10倍",
        "増減確認の倍率を既定に戻す:1-1-2-s1b 1.5倍 → 既定の10倍",
    ]


def test_a_plan_file_is_read_once_checked_and_used(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """``--plan``: the file parsed once, refused with its findings when invalid, else the
    catalog built from that same document (issue 26: one function in plan/)."""
    from consolidator.cli.app import load_catalog
    from consolidator.plan import plan_file

    text = MINI_PLAN.read_text("utf-8")
    parsed: list[int] = []
    real = json.loads
    monkeypatch.setattr(plan_file.json, "loads",
                        lambda s: parsed.append(1 if s == text else 0) or real(s))
    catalog, found = plan_file.read_plan_file(MINI_PLAN)
    parsed = [n for n in parsed if n]
    assert catalog is not None and found.valid and len(parsed) == 1
    assert catalog.source == str(MINI_PLAN) and catalog.doc == Catalog.from_path(MINI_PLAN).doc
    assert load_catalog(str(MINI_PLAN)).doc == catalog.doc
    doc = json.loads(MINI_PLAN.read_text("utf-8"))
    doc["departments"][0]["organisation"] = "県"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    catalog, found = plan_file.read_plan_file(bad)
    assert catalog is None and "plan-schema" in found.codes()
    (tmp_path / "broken.json").write_text("{", "utf-8")
    catalog, found = plan_file.read_plan_file(tmp_path / "broken.json")
    assert catalog is None and found.codes() == ["plan-json"]
