"""Issue 24: the right message to the right department.

Real files through the command line: the mini plan's templates filled as departments would —
市社協 sends nothing, 高齢福祉課 a file with an error, 地域福祉課 one with a warning only —
then ``consolidate`` and ``remind``; the drafts are read back with the standard library's
e-mail parser and their attachments opened as workbooks.
"""

from __future__ import annotations

import email
import io
from datetime import date
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from consolidator.cli import main
from consolidator.findings import ERROR, WARNING
from consolidator.plan.catalog import Catalog
from consolidator.templates.generate import generate_templates, template_filename
from helpers.correction import log_findings
from helpers.filling import by_department, realistic_values, submit_all
from helpers.paths import MINI_PLAN

YEAR = 2022
COUNCIL, ERRORS, WARNINGS = "市社協", "高齢福祉課", "地域福祉課"
NEXT_YEAR = date.today().year + 1
FUTURE = f"{NEXT_YEAR}年5月31日"


def _parsed(path: Path) -> EmailMessage:
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert isinstance(message, EmailMessage) and message["X-Unsent"] == "1"
    return message


def _body(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content()).replace("\r\n", "\n")


def _attached(message: EmailMessage) -> tuple[str, bytes]:
    (part,) = list(message.iter_attachments())
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return str(part.get_filename()), payload


def _cli(*args: str) -> Any:
    return CliRunner().invoke(main, [*args, "--plan", str(MINI_PLAN)])


@pytest.fixture
def project(tmp_path: Path, mini_templates: dict[str, Path], mini_catalog: Catalog) -> Path:
    """submissions/ as the secretariat saved the files: 市社協's missing."""
    submit_all(mini_templates, tmp_path / "submissions", skip=(COUNCIL,), overrides={
        ERRORS: {"1-1-1-c1.value": "たくさん"}, WARNINGS: {"2-1-1-c1.value": 4.2}},
        values=lambda d, t: realistic_values(t, mini_catalog, YEAR))
    return tmp_path


def test_one_draft_per_department_each_written_for_it(project: Path) -> None:
    out = project / "output"
    run = _cli("consolidate", str(project / "submissions"), "--out", str(out))
    assert run.exit_code == 1, run.output  # an error remains
    logged = [f for f in log_findings(out) if f["severity"] in (ERROR, WARNING)]
    assert {(f["department"], f["severity"]) for f in logged} == {
        (COUNCIL, ERROR), (ERRORS, ERROR), (WARNINGS, WARNING)}

    # consolidate: nothing for the department that sent nothing
    folder = out / "担当別"
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        f"{d}_{kind}" for d in (ERRORS, WARNINGS) for kind in ("依頼.eml", "確認事項.xlsx"))

    # warnings only: asked to confirm, each point with its cell and what to do
    confirm = _parsed(folder / f"{WARNINGS}_依頼.eml")
    assert str(confirm["Subject"]).startswith("【内容確認のお願い】")
    text = _body(confirm)
    assert "修正をお願い" not in text and "エラー" not in text
    assert "内容が正しければ修正は不要です" in text
    for f in (f for f in logged if f["department"] == WARNINGS):
        assert f"・{f['sheet']}!{f['cell']}:{f['message']}\n  → {f['action']}\n" in text

    # an error: asked to correct, with the count and what to do
    fix = _parsed(folder / f"{ERRORS}_依頼.eml")
    assert str(fix["Subject"]).startswith("【修正のお願い】")
    text = _body(fix)
    assert "修正をお願いしたい箇所(エラー)が 1 件ありました。" in text  # no "警告が 0 件"
    (error,) = [f for f in logged if f["department"] == ERRORS]
    assert f"・{error['sheet']}!{error['cell']}:{error['message']}\n  → {error['action']}\n" \
        in text
    assert _attached(fix)[0] == f"{ERRORS}_確認事項.xlsx"

    # remind: the one draft for the department that sent nothing, its template attached
    run = _cli("remind", str(project / "submissions"), "--out", str(out), "--deadline", FUTURE)
    assert run.exit_code == 0, run.output
    assert [p.relative_to(out).as_posix() for p in out.rglob(f"{COUNCIL}_*")] == [
        f"督促/{COUNCIL}_督促.eml"]
    reminder = _parsed(out / "督促" / f"{COUNCIL}_督促.eml")
    assert "再度のお願い" in str(reminder["Subject"])
    text = _body(reminder)
    assert "提出期限までにお送りください" in text and f"提出期限:{FUTURE}" in text
    assert "依頼してください" not in text  # no instruction meant for the secretariat
    name, workbook = _attached(reminder)
    assert name == template_filename(COUNCIL, YEAR)
    meta = openpyxl.load_workbook(io.BytesIO(workbook))["_meta"]
    assert {str(r[0].value): r[1].value for r in meta.iter_rows(max_row=9)}["deadline"] == FUTURE


def test_a_past_deadline_is_refused_then_said(project: Path) -> None:
    """``--deadline`` already past: nothing written, the reason in Japanese, exit 1 (no one
    at a terminal to ask); with ``--past-deadline`` the drafts say the deadline has passed
    (the reminder asks for the file at once) — never 「提出期限までに」."""
    out = project / "output"
    past = "2023年5月31日"
    refused = _cli("remind", str(project / "submissions"), "--out", str(out),
                   "--deadline", past)
    assert refused.exit_code == 1
    assert f"提出期限「{past}」は" in refused.output and "すでに過ぎています" in refused.output
    assert "--past-deadline" in refused.output
    assert not (out / "督促").exists()

    done = _cli("remind", str(project / "submissions"), "--out", str(out), "--deadline", past,
                "--past-deadline")
    assert done.exit_code == 0, done.output
    late = _parsed(out / "督促" / f"{COUNCIL}_督促.eml")
    assert str(late["Subject"]).startswith("【至急・再度のお願い】")
    text = _body(late)
    assert "までに" not in text
    assert f"提出期限({past})を過ぎています" in text and "至急お送りください" in text
    assert f"提出期限:{past}(過ぎています)" in text
    fix = _body(_parsed(out / "督促" / f"{ERRORS}_依頼.eml"))  # its file has an error
    assert f"提出期限:{past}(過ぎています)" in fix and "までに" not in fix


def test_on_a_terminal_a_past_deadline_is_asked_again(project: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A person at a terminal is told, and types a new date (or Enter keeps the old one,
    knowingly: the draft then says it has passed)."""
    import consolidator.cli.remind_command as command

    monkeypatch.setattr(command, "on_terminal", lambda: True)
    out = project / "output"
    args = ["remind", str(project / "submissions"), "--out", str(out), "--plan", str(MINI_PLAN),
            "--deadline", "2023年5月31日"]
    asked = CliRunner().invoke(main, args, input=f"{FUTURE}\n")
    assert asked.exit_code == 0, asked.output
    assert "すでに過ぎています" in asked.output
    assert "新しい提出期限を入力してください" in asked.output
    text = _body(_parsed(out / "督促" / f"{COUNCIL}_督促.eml"))
    assert f"提出期限:{FUTURE}" in text and "提出期限までにお送りください" in text

    kept = CliRunner().invoke(main, args, input="\n")
    assert kept.exit_code == 0, kept.output
    text = _body(_parsed(out / "督促" / f"{COUNCIL}_督促.eml"))
    assert "提出期限(2023年5月31日)を過ぎています" in text and "までに" not in text


def test_the_deadline_of_the_templates_passed_is_said_too(tmp_path: Path,
                                                         mini_catalog: Catalog) -> None:
    """No ``--deadline``: the deadline of the templates sent out (what the returned files
    carry) has passed by the time the reminder goes; nothing is refused, and the draft says
    so."""
    templates = by_department(generate_templates(mini_catalog, YEAR, tmp_path / "templates",
                                                 deadline="2023年5月31日"))
    submit_all(templates, tmp_path / "s", skip=(COUNCIL,),
               values=lambda d, t: realistic_values(t, mini_catalog, YEAR))
    done = _cli("remind", str(tmp_path / "s"), "--out", str(tmp_path / "out"))
    assert done.exit_code == 0, done.output
    text = _body(_parsed(tmp_path / "out" / "督促" / f"{COUNCIL}_督促.eml"))
    assert "までに" not in text and "提出期限(2023年5月31日)を過ぎています" in text
