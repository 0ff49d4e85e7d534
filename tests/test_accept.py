"""Issue 12: accepted warnings and ``consolidator status``.

A manager marks rows of ``validation_log.xlsx`` in Excel (the 承認 drop-down and a reason),
``consolidator accept`` records them; the warning is 承認済み and not open while its value is
unchanged, and open again when the value changes. Errors are refused with a Japanese message.
``status --json`` says the same as the library.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import openpyxl
from click.testing import CliRunner

from consolidator.cli import main
from consolidator.findings import WARNING
from consolidator.jobs.runs import JobResult, run_validate
from consolidator.ledger.status import ledger_status
from consolidator.plan.catalog import Catalog
from helpers.correction import mark_for_acceptance
from helpers.filling import (
    complete_values,
    fill_workbook,
    measure_of,
    plausible_number,
    realistic_values,
    submit_all,
)
from helpers.paths import MINI_PLAN

YEAR = 2022
TENFOLD = {"2-1-1-c1.value": 3}  # 3 % against 42.1 % last year: a warning, maybe right
MISTAKES = {"地域福祉課": TENFOLD,
            "高齢福祉課": {"1-1-1-c1.value": "約10", "1-1-1.plan": None}}


def _validate(folder: Path, out: Path, catalog: Catalog) -> JobResult:
    return run_validate(folder, catalog, YEAR, out)


def _status(out: Path) -> tuple[int, list[dict[str, Any]]]:
    result = CliRunner().invoke(main, ["status", "--plan", str(MINI_PLAN), "--out", str(out),
                                       "--json"])
    return result.exit_code, [json.loads(line) for line in result.output.splitlines()]


def test_accept_a_warning_refuse_an_error(tmp_path: Path, mini_templates: dict[str, Path],
                                          mini_catalog: Catalog) -> None:
    folder, out = tmp_path / "s", tmp_path / "out"
    files = submit_all(mini_templates, folder, MISTAKES,
                       values=lambda d, t: realistic_values(t, mini_catalog, YEAR))
    first = _validate(folder, out, mini_catalog)
    codes = sorted(f.code for f in first.validation.findings if f.severity != "info")
    assert codes == ["plan-empty", "value-approximate", "value-tenfold"]
    log = first.logs["xlsx"]
    ws = openpyxl.load_workbook(log)["検証ログ"]
    (drop_down,) = ws.data_validations.dataValidation
    assert drop_down.type == "list" and drop_down.formula1 == '"承認する"'
    rows = mark_for_acceptance(log, {"value-tenfold": "3%は新基準による集計のため(課長確認済み)",
                       "value-approximate": "概数でよいと思う", "plan-empty": None})

    result = CliRunner().invoke(main, ["accept", str(log), "--by", "山田"])
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert lines[:2] == [
        f"{rows['value-approximate']}行目(value-approximate、高齢福祉課、1-1-1-c1.value):"
        "エラーは承認できません。担当課に修正を依頼してください。",
        f"{rows['plan-empty']}行目(plan-empty、高齢福祉課、1-1-1.plan):承認理由が空欄です。"
        "「承認理由」の列に理由を書いてから実行し直してください。"]
    assert lines[2] == "承認を記録しました:1 件(記録済み 0 件、承認できなかった行 2 件)"
    conn = sqlite3.connect(out / "ledger.sqlite3")
    recorded = list(conn.execute("SELECT code, department, subject, value, accepted_by, reason"
                                 " FROM acceptances"))
    conn.close()
    assert recorded == [("value-tenfold", "地域福祉課", "2-1-1-c1.value", "3", "山田",
                         "3%は新基準による集計のため(課長確認済み)")]

    # status sees the acceptance at once; the next run shows it as 承認済み
    code, before = _status(out)
    assert code == 1 and before[1] == {"unit": "地域福祉課", "submitted": True,
                                       "file": files["地域福祉課"].name, "versions": 1,
                                       "errors": 0, "warnings": 0, "accepted": 1}
    second = _validate(folder, out, mini_catalog)
    (tenfold,) = [f for f in second.validation.findings if f.code == "value-tenfold"]
    assert tenfold.accepted and "山田" in tenfold.accepted
    row = second.validation.department_rows()[1]
    assert (row["department"], row["warnings"], row["accepted"]) == ("地域福祉課", 0, 1)
    shown = openpyxl.load_workbook(second.logs["xlsx"])["検証ログ"]
    header = [c.value for c in shown[1]]
    (accepted_row,) = [r for r in shown.iter_rows(min_row=2, values_only=True)
                       if r[1] == "value-tenfold"]
    assert accepted_row[header.index("承認")] == "承認済み"
    assert not (second.logs["departments"] / "地域福祉課_確認事項.xlsx").exists()

    # 高齢福祉課 corrects its file: everyone is in, no error, no open warning → status 0
    fill_workbook(mini_templates["高齢福祉課"], files["高齢福祉課"],
                  {**complete_values(mini_templates["高齢福祉課"]),
                   "1-1-1-c1.value": plausible_number(measure_of(mini_catalog, "1-1-1-c1.value"),
                                                      YEAR)})
    _validate(folder, out, mini_catalog)
    code, clean = _status(out)
    assert code == 0, clean
    assert clean[-1] == {"missing_values": 0}

    # a changed value brings the warning back
    fill_workbook(mini_templates["地域福祉課"], files["地域福祉課"],
                  {**realistic_values(mini_templates["地域福祉課"], mini_catalog, YEAR),
                   "2-1-1-c1.value": 2})
    third = _validate(folder, out, mini_catalog)
    (back,) = [f for f in third.validation.findings if f.code == "value-tenfold"]
    assert back.accepted is None and back.severity == WARNING
    code, again = _status(out)
    assert code == 1 and (again[1]["warnings"], again[1]["accepted"]) == (1, 0)


def test_status_json_is_the_library_status(tmp_path: Path, mini_templates: dict[str, Path],
                                           mini_catalog: Catalog) -> None:
    folder, out = tmp_path / "s", tmp_path / "out"
    submit_all(mini_templates, folder, MISTAKES, skip=("市社協",),
               values=lambda d, t: realistic_values(t, mini_catalog, YEAR))
    _validate(folder, out, mini_catalog)
    code, printed = _status(out)
    status = ledger_status(out / "ledger.sqlite3", mini_catalog.department_names, YEAR)
    assert status is not None and code == 1
    assert printed == [json.loads(line) for line in status.json_lines()]
    assert [list(p) for p in printed] == [["unit", "submitted", "file", "versions", "errors",
                                           "warnings", "accepted"]] * 3 + [["missing_values"]]
    council = printed[0]  # sent nothing: 未提出, not an error as well (issue 24)
    assert council == {"unit": "市社協", "submitted": False, "file": None, "versions": 0,
                       "errors": 0, "warnings": 0, "accepted": 0}
    # 市社協's three measures and 高齢福祉課's unread value are missing
    assert printed[-1] == {"missing_values": 4}
    table = CliRunner().invoke(main, ["status", "--plan", str(MINI_PLAN), "--out", str(out)])
    assert table.exit_code == 1 and "未入力の実績値:4 件" in table.output
    # each department counted once: 市社協 waited for, 高齢福祉課 with an error, both city
    # departments with an open warning
    assert "提出待ち 1 担当、エラーのある担当 1、未承認の警告のある担当 2。" in table.output
    nothing = CliRunner().invoke(main, ["status", "--out", str(tmp_path / "none")])
    assert nothing.exit_code == 1 and "記録がありません" in nothing.output
