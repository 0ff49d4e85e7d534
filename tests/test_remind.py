"""Issue 13: ``consolidator remind`` — a draft for every department still to be heard from.

Real templates, 14 of the 17 departments of the default plan submitted; the drafts are read
back with the standard library's e-mail parser, their attachment opened as a workbook.
"""

from __future__ import annotations

import email
import io
import sqlite3
from datetime import date
from email import policy
from email.message import EmailMessage
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from consolidator.cli import main
from consolidator.japanese_values import parse_date
from consolidator.jobs.reminders import FIX, MISSING, remind, remind_departments
from consolidator.jobs.runs import run_validate
from consolidator.ledger.schema import CURRENT_VERSION, connect, migrate, open_ledger
from consolidator.plan.catalog import Catalog
from consolidator.templates.generate import template_filename
from helpers.filling import realistic_values, submit_all
from helpers.master import table

YEAR = 2022
NOT_SENT = ("社会教育課", "防災危機管理課", "中央図書館")
DEADLINE, CONTACT = "2023年5月31日", "地域福祉課 企画担当 内線1234"
TODAY = date(2023, 5, 24)
ADDRESS = "shakai-kyoiku@city.example.jp"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    """The default plan, one of the three departments with an e-mail address."""
    doc = Catalog.default().doc
    for d in doc["departments"]:
        if d["name"] == NOT_SENT[0]:
            d["email"] = ADDRESS
    return Catalog(doc)


def submit(templates: dict[str, Path], folder: Path, catalog: Catalog,
           skip: tuple[str, ...] = NOT_SENT,
           overrides: dict[str, dict[str, object]] | None = None) -> None:
    submit_all(templates, folder, overrides=overrides, skip=skip,
               values=lambda d, t: realistic_values(t, catalog, YEAR))


def parsed(path: Path) -> EmailMessage:
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def attachment(message: EmailMessage) -> tuple[str, bytes]:
    (part,) = list(message.iter_attachments())
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return str(part.get_filename()), payload


def identity(workbook: bytes) -> dict[str, str]:
    wb = openpyxl.load_workbook(io.BytesIO(workbook))
    return {str(r[0].value): str(r[1].value) for r in wb["_meta"].iter_rows(max_row=9)}


# ---- the acceptance ----------------------------------------------------------------------------

def test_14_of_17_submitted_three_drafts_each_with_its_template(
        tmp_path: Path, default_templates: dict[str, Path], catalog: Catalog) -> None:
    submit(default_templates, tmp_path / "s", catalog)
    done = remind_departments(tmp_path / "s", catalog, YEAR, tmp_path / "out",
                              deadline=DEADLINE, contact=CONTACT, today=TODAY)
    folder = tmp_path / "out" / "督促"
    drafts = sorted(folder.glob("*.eml"))
    assert sorted(p.name for p in drafts) == sorted(f"{d}_督促.eml" for d in NOT_SENT)
    assert [(r.department, r.kind) for r in done.reminded] == [
        (d, MISSING) for d in catalog.department_names if d in NOT_SENT]
    for department in NOT_SENT:
        message = parsed(folder / f"{department}_督促.eml")
        assert message["X-Unsent"] == "1"
        assert department in message["Subject"] and "再度のお願い" in message["Subject"]
        assert message["To"] == (ADDRESS if department == NOT_SENT[0] else None)
        body = message.get_body(("plain",))
        assert body is not None
        text = body.get_content()
        assert f"{department} ご担当者様" in text
        assert f"提出期限:{DEADLINE}" in text and CONTACT in text
        name, workbook = attachment(message)
        assert name == template_filename(department, YEAR)
        assert name in text
        sent = identity(workbook)
        assert (sent["unit"], sent["fiscal_year"], sent["catalog_hash"], sent["deadline"],
                sent["contact"]) == (department, str(YEAR), catalog.content_hash, DEADLINE,
                                     CONTACT)
    listed = table(tmp_path / "out" / "督促" / "督促一覧.xlsx", "督促一覧")
    assert [(r["担当"], r["督促の内容"], r["宛先"], r["前回の督促"], r["督促の回数"],
             r["期限までの日数"]) for r in listed] == [
        (d, "提出のお願い", ADDRESS if d == NOT_SENT[0] else None, None, 1, 7)
        for d in catalog.department_names if d in NOT_SENT]
    conn = sqlite3.connect(tmp_path / "out" / "ledger.sqlite3")
    try:
        assert sorted(conn.execute("SELECT department, year, kind, deadline FROM reminders")) \
            == sorted((d, YEAR, MISSING, DEADLINE) for d in NOT_SENT)
    finally:
        conn.close()


# ---- rounds, the correction loop, the ledger --------------------------------------------------

def test_a_second_round_knows_the_first(tmp_path: Path, mini_templates: dict[str, Path],
                                        mini_catalog: Catalog) -> None:
    """The second reminder shows the first (date, count 2); a department that sent its file
    since is not reminded, and its draft of the first round is gone."""
    folder = tmp_path / "s"
    submit(mini_templates, folder, mini_catalog, skip=("市社協", "地域福祉課"))
    first = remind_departments(folder, mini_catalog, YEAR, tmp_path / "out", today=TODAY)
    assert [r.department for r in first.reminded] == ["市社協", "地域福祉課"]
    submit({"地域福祉課": mini_templates["地域福祉課"]}, folder, mini_catalog, skip=())
    second = remind_departments(folder, mini_catalog, YEAR, tmp_path / "out", today=TODAY)
    assert [(r.department, r.count) for r in second.reminded] == [("市社協", 2)]
    assert second.reminded[0].previous == first_stamp(tmp_path / "out")
    assert sorted(p.name for p in (tmp_path / "out" / "督促").glob("*.eml")) == [
        "市社協_督促.eml"]
    listed = table(tmp_path / "out" / "督促" / "督促一覧.xlsx", "督促一覧")
    assert [(r["担当"], r["前回の督促"], r["督促の回数"]) for r in listed] == [
        ("市社協", first_stamp(tmp_path / "out")[:10], 2)]
    # The deadline of the templates sent out (the cover's default here): no date, no days.
    assert first.days_left is None and listed[0]["期限までの日数"] is None


def first_stamp(out: Path) -> str:
    conn = sqlite3.connect(out / "ledger.sqlite3")
    try:
        return str(conn.execute("SELECT MIN(reminded_at) FROM reminders").fetchone()[0])
    finally:
        conn.close()


def test_errors_get_the_correction_draft_warnings_nothing(
        tmp_path: Path, mini_templates: dict[str, Path], mini_catalog: Catalog) -> None:
    """高齢福祉課's file has an error (a value that is not a number): the correction loop's
    workbook and draft, not a reminder; 地域福祉課's a warning only: nothing; 市社協 sent
    nothing: the reminder."""
    folder = tmp_path / "s"
    submit(mini_templates, folder, mini_catalog, skip=("市社協",), overrides={
        "高齢福祉課": {"1-1-1-c1.value": "たくさん"}, "地域福祉課": {"2-1-1-c1.value": 4.2}})
    done = remind_departments(folder, mini_catalog, YEAR, tmp_path / "out",
                              deadline=DEADLINE, contact=CONTACT, today=TODAY)
    assert [(r.department, r.kind, r.draft.name, r.attachment) for r in done.reminded] == [
        ("市社協", MISSING, "市社協_督促.eml", template_filename("市社協", YEAR)),
        ("高齢福祉課", FIX, "高齢福祉課_依頼.eml", "高齢福祉課_確認事項.xlsx")]
    fix = parsed(done.reminded[1].draft)
    assert "修正のお願い" in fix["Subject"] and attachment(fix)[0] == "高齢福祉課_確認事項.xlsx"
    body = fix.get_body(("plain",))
    assert body is not None and f"提出期限:{DEADLINE}" in body.get_content()
    assert sorted(p.name for p in done.folder.iterdir()) == [
        "市社協_督促.eml", "督促一覧.xlsx", "高齢福祉課_依頼.eml", "高齢福祉課_確認事項.xlsx"]


def test_a_department_the_ledger_saw_is_not_reminded(tmp_path: Path,
                                                     mini_templates: dict[str, Path],
                                                     mini_catalog: Catalog) -> None:
    """A file that arrived for the year and was moved out of the folder since: its
    department sent a file, and is never asked for it again."""
    folder = tmp_path / "s"
    files = submit_all(mini_templates, folder,
                       values=lambda d, t: realistic_values(t, mini_catalog, YEAR))
    run_validate(folder, mini_catalog, YEAR, tmp_path / "out")
    files["市社協"].rename(tmp_path / "moved.xlsx")
    done = remind_departments(folder, mini_catalog, YEAR, tmp_path / "out", today=TODAY)
    assert done.reminded == []
    assert not list(done.folder.glob("*.eml"))


def test_the_desk_calls_it_on_a_project_folder(tmp_path: Path, mini_templates: dict[str, Path],
                                               mini_catalog: Catalog) -> None:
    submit(mini_templates, tmp_path / "submissions", mini_catalog, skip=("地域福祉課",))
    done = remind(tmp_path, mini_catalog, YEAR, DEADLINE, CONTACT, today=TODAY)
    assert [(r.department, r.draft) for r in done.reminded] == [
        ("地域福祉課", tmp_path / "output" / "督促" / "地域福祉課_督促.eml")]
    assert done.table == tmp_path / "output" / "督促" / "督促一覧.xlsx" and done.table.exists()
    assert (done.deadline, done.contact, done.days_left) == (DEADLINE, CONTACT, 7)


def test_cli_remind(tmp_path: Path, mini_templates: dict[str, Path]) -> None:
    submit(mini_templates, tmp_path / "s", Catalog.default(), skip=("市社協",))
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["remind", str(tmp_path / "s"), "--plan",
                                       str(Path(__file__).parent / "data" / "mini_plan.json"),
                                       "--out", str(out), "--deadline",
                                       f"{date.today().year + 1}年5月31日"])  # not past
    assert result.exit_code == 0, result.output
    assert str(out / "督促" / "市社協_督促.eml") in result.output
    assert "未提出 1 担当、修正待ち 0 担当" in result.output
    missing = CliRunner().invoke(main, ["remind", str(tmp_path / "none"), "--out", str(out)])
    assert missing.exit_code == 2 and "提出フォルダ" in missing.output


def test_a_ledger_of_version_2_gains_the_reminders(tmp_path: Path) -> None:
    """The ledger as the correction loop left it (version 2): opened, it is migrated to
    version 3 and keeps its rows; reminders are recorded."""
    path = tmp_path / "ledger.sqlite3"
    conn = connect(path)
    assert migrate(conn, upto=2) == 2
    conn.execute("INSERT INTO acceptances (code, department, subject, value, accepted_by,"
                 " accepted_at, reason) VALUES ('value-tenfold', '高齢福祉課', '1-1-1-c1.value',"
                 " '1110', '山田', '2023-05-20', '確認済み')")
    conn.close()
    conn, found = open_ledger(path)
    try:
        assert found == [] and CURRENT_VERSION >= 3
        assert list(conn.execute("SELECT MAX(version) FROM schema_version")) == [
            (CURRENT_VERSION,)]
        assert list(conn.execute("SELECT accepted_by FROM acceptances")) == [("山田",)]
        assert list(conn.execute("SELECT COUNT(*) FROM reminders")) == [(0,)]
    finally:
        conn.close()


@pytest.mark.parametrize(("text", "expected"), [
    ("2023年5月31日", date(2023, 5, 31)), ("令和5年5月31日(水)", date(2023, 5, 31)),
    ("R5.5.31", date(2023, 5, 31)), ("2023/5/31", date(2023, 5, 31)),
    ("2023-05-31", date(2023, 5, 31)), ("５月３１日", date(2024, 5, 31)),
    ("(事務局からの連絡のとおり)", None), ("2023年2月30日", None)])
def test_a_deadline_as_people_write_it(text: str, expected: date | None) -> None:
    assert parse_date(text, 2024) == expected


def test_remind_checks_through_the_result_cache(tmp_path: Path,
                                                mini_templates: dict[str, Path],
                                                mini_catalog: Catalog) -> None:
    """After validate, remind reads no file again; with reuse off (``--no-cache``) every one."""
    folder, out = tmp_path / "s", tmp_path / "out"
    submit(mini_templates, folder, mini_catalog, skip=("市社協",))
    files = len([p for p in folder.rglob("*") if p.is_file()])
    run_validate(folder, mini_catalog, YEAR, out)
    warm = remind_departments(folder, mini_catalog, YEAR, out, today=TODAY)
    cold = remind_departments(folder, mini_catalog, YEAR, out, today=TODAY, reuse=False)
    assert (warm.reused, cold.reused) == (files, 0) and files == 2
    assert [r.department for r in warm.reminded] == [r.department for r in cold.reminded] == [
        "市社協"]
    result = CliRunner().invoke(main, ["remind", str(folder), "--plan",
                                       str(Path(__file__).parent / "data" / "mini_plan.json"),
                                       "--out", str(out), "--no-cache", "--year", str(YEAR)])
    assert result.exit_code == 0, result.output
