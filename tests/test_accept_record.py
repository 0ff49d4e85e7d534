"""Issue 24 (part 3) and 25: the secretariat's record of accepted warnings stays true.

A second ``accept`` of the same warning keeps the first record (who, when, why) and says so;
``accept --replace`` changes it and keeps the earlier record in the ledger's history; the
master shows the 承認理由 beside the value, in 指標一覧 and on the 基本目標 sheet. An
acceptance holds for the fiscal year it was given in: the next year's run shows the warning
open again. A ledger of the version before (acceptances without a year) gets each acceptance's
year from the runs it was made after.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from consolidator.cli import main
from consolidator.jobs.runs import run_consolidate, run_validate
from consolidator.ledger.schema import connect, migrate, open_ledger
from consolidator.ledger.status import ledger_status
from consolidator.plan.catalog import Catalog
from consolidator.templates.generate import generate_templates
from helpers.correction import mark_for_acceptance
from helpers.filling import by_department, realistic_values, submit_all
from helpers.master import report_texts, sheet_rows

YEAR = 2022
TENFOLD = {"地域福祉課": {"2-1-1-c1.value": 3}}  # 3 % against 42.1 % last year: a warning
FIRST_REASON = "3%は新基準による集計のため(課長確認済み)"
SECOND_REASON = "新基準の集計(部長確認済み)"


def _rows(ledger: Path, sql: str) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(ledger)) as conn:
        return conn.execute(sql).fetchall()


def _accept(log: Path, *args: str) -> tuple[int, list[str]]:
    done = CliRunner().invoke(main, ["accept", str(log), *args])
    return done.exit_code, done.output.splitlines()


def test_a_second_accept_keeps_the_first_record_and_replace_keeps_the_history(
        tmp_path: Path, mini_templates: dict[str, Path], mini_catalog: Catalog) -> None:
    folder, out = tmp_path / "s", tmp_path / "out"
    submit_all(mini_templates, folder, TENFOLD,
               values=lambda d, t: realistic_values(t, mini_catalog, YEAR))
    log = run_validate(folder, mini_catalog, YEAR, out).logs["xlsx"]
    ledger = out / "ledger.sqlite3"
    rows = mark_for_acceptance(log, {"value-tenfold": FIRST_REASON})
    assert _accept(log, "--by", "山田") == (
        0, ["承認を記録しました:1 件(記録済み 0 件、承認できなかった行 0 件)"])
    ((first_at,),) = _rows(ledger, "SELECT accepted_at FROM acceptances")

    # accepted again, by someone else and with another reason: the first record stays
    mark_for_acceptance(log, {"value-tenfold": SECOND_REASON})
    code, lines = _accept(log, "--by", "佐藤")
    where = f"{rows['value-tenfold']}行目(value-tenfold、地域福祉課、2-1-1-c1.value)"
    assert code == 0 and lines == [
        f"{where}:すでに {first_at[:16].replace('T', ' ')} に 山田 さんが承認しています"
        f"(承認理由:{FIRST_REASON})。記録はそのままです。",
        "承認者や理由を変えるには --replace を付けて実行してください(前の承認は提出台帳の履歴に"
        "残ります)。",
        "承認を記録しました:0 件(記録済み 1 件、承認できなかった行 0 件)"]
    assert _rows(ledger, "SELECT year, accepted_by, accepted_at, reason FROM acceptances") == [
        (YEAR, "山田", first_at, FIRST_REASON)]
    assert _rows(ledger, "SELECT COUNT(*) FROM acceptance_history") == [(0,)]

    # --replace: the new record, the first one in the history
    code, lines = _accept(log, "--by", "佐藤", "--replace")
    assert code == 0
    assert lines[-1] == "承認をやり直しました:1 件(前の承認は提出台帳の履歴に残しました)"
    assert _rows(ledger, "SELECT year, code, value, accepted_by, reason FROM acceptances") == [
        (YEAR, "value-tenfold", "3", "佐藤", SECOND_REASON)]
    assert _rows(ledger, "SELECT year, code, value, accepted_by, accepted_at, reason,"
                         " replaced_by FROM acceptance_history") == [
        (YEAR, "value-tenfold", "3", "山田", first_at, FIRST_REASON, "佐藤")]

    # what was accepted reaches the master: beside the value in 指標一覧 and on 基本目標2
    job = run_consolidate(folder, mini_catalog, YEAR, out)
    assert job.master is not None
    (tenfold,) = [f for f in job.validation.findings if f.code == "value-tenfold"]
    assert tenfold.accepted == f"{SECOND_REASON}(佐藤、{tenfold.accepted[-11:-1]})"
    header, *rows = sheet_rows(job.master, "指標一覧")
    assert header.index("承認理由") == header.index("増減の理由") + 1
    by_id = {r[header.index("指標ID")]: dict(zip(header, r, strict=True)) for r in rows}
    assert (by_id["2-1-1-c1"]["実績値"], by_id["2-1-1-c1"]["承認理由"]) == (3, tenfold.accepted)
    assert {r["承認理由"] for k, r in by_id.items() if k != "2-1-1-c1"} == {None}
    measure = mini_catalog.measure_by_id["2-1-1-c1"]
    beside = f"・{measure.name} 3{measure.unit or ''}(承認理由:{tenfold.accepted})"
    assert any(beside in text.split("\n") for text in report_texts(job.master))


def test_an_acceptance_holds_for_the_year_it_was_given_in(
        tmp_path: Path, mini_templates: dict[str, Path], mini_catalog: Catalog) -> None:
    """Accepted in 令和4; 令和5 from the catalog 令和4 wrote, its plan text left blank again:
    the warning is open in 令和5, and still accepted for 令和4."""
    out = tmp_path / "out"
    ledger = out / "ledger.sqlite3"
    blank_plan = {"地域福祉課": {"2-1-1.plan": None}}
    submit_all(mini_templates, tmp_path / "s2022", blank_plan,
               values=lambda d, t: realistic_values(t, mini_catalog, YEAR))
    first = run_consolidate(tmp_path / "s2022", mini_catalog, YEAR, out)
    mark_for_acceptance(first.logs["xlsx"], {"plan-empty": "予定は来月決まるため"})
    assert _accept(first.logs["xlsx"], "--by", "山田")[0] == 0
    assert first.next_plan is not None
    following = Catalog.from_path(first.next_plan)
    templates = by_department(generate_templates(following, YEAR + 1, tmp_path / "t2023"))
    submit_all(templates, tmp_path / "s2023", blank_plan,
               values=lambda d, t: realistic_values(t, following, YEAR + 1))
    second = run_consolidate(tmp_path / "s2023", following, YEAR + 1, out)
    (blank,) = [f for f in second.validation.findings if f.code == "plan-empty"]
    assert blank.accepted is None  # open again: the acceptance was for 令和4
    now = ledger_status(ledger, following.department_names, YEAR + 1)
    then = ledger_status(ledger, mini_catalog.department_names, YEAR)
    assert now is not None and then is not None
    assert [(d.department, d.warnings, d.accepted) for d in now.departments
            if d.department == "地域福祉課"] == [("地域福祉課", 1, 0)]
    assert [(d.department, d.warnings, d.accepted) for d in then.departments
            if d.department == "地域福祉課"] == [("地域福祉課", 0, 1)]
    # accepted for 令和5 as well: a second record, the first one untouched
    mark_for_acceptance(second.logs["xlsx"], {"plan-empty": "今年度も来月決定"})
    assert _accept(second.logs["xlsx"], "--by", "佐藤")[0] == 0
    assert _rows(ledger, "SELECT year, accepted_by, reason FROM acceptances ORDER BY year") == [
        (YEAR, "山田", "予定は来月決まるため"), (YEAR + 1, "佐藤", "今年度も来月決定")]


def test_a_ledger_without_years_gets_each_acceptance_s_year_from_its_runs(
        tmp_path: Path) -> None:
    """Version 3: acceptances had no year. Each gets the year of the latest run before it that
    had the warning, else of the latest run before it, else of the latest run."""
    path = tmp_path / "ledger.sqlite3"
    with closing(connect(path)) as conn:
        assert migrate(conn, upto=3) == 3
        run = ("INSERT INTO runs (id, command, started_at, year, folder, files, errors,"
               " warnings, infos, missing_values) VALUES (?, 'validate', ?, ?, 's', 1, 0, 1, 0,"
               " 0)")
        conn.execute(run, (1, "2022-05-20T10:00:00+09:00", 2021))
        conn.execute(run, (2, "2023-05-20T10:00:00+09:00", 2022))
        conn.execute("INSERT INTO run_findings (run_id, code, severity, department, subject,"
                     " value) VALUES (1, 'value-tenfold', 'warning', '地域福祉課',"
                     " '2-1-1-c1.value', '3')")
        accept = ("INSERT INTO acceptances (code, department, subject, value, accepted_by,"
                  " accepted_at, reason) VALUES (?, '地域福祉課', ?, ?, '山田', ?, '確認済み')")
        # found in 令和3's run, accepted after 令和4's: 令和3 (the run that had it)
        conn.execute(accept, ("value-tenfold", "2-1-1-c1.value", "3",
                              "2023-06-01T09:00:00+09:00"))
        # no run had it: the run before it
        conn.execute(accept, ("plan-empty", "2-1-1.plan", "", "2022-06-01T09:00:00+09:00"))
        # accepted before any run (a clock set wrong): the latest run
        conn.execute(accept, ("plan-empty", "2-2-1.plan", "", "2021-01-01T09:00:00+09:00"))
    conn, found = open_ledger(path)
    try:
        assert found == []
        assert conn.execute("SELECT code, subject, year, accepted_by FROM acceptances ORDER BY id"
                            ).fetchall() == [("value-tenfold", "2-1-1-c1.value", 2021, "山田"),
                                             ("plan-empty", "2-1-1.plan", 2021, "山田"),
                                             ("plan-empty", "2-2-1.plan", 2022, "山田")]
    finally:
        conn.close()
