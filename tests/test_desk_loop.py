"""The desk over the correction loop (issue 12) and the features still being built (issues 13
and 16), through Flask's test client on real filled workbooks of the mini plan:

- 状況 is ``consolidator status``: the ledger's rows and missing values, when the ledger's
  latest run is of the folder as it is now; else the folder's numbers and a button that
  records a run;
- accepting a warning on 状況 is ``consolidator accept``: recorded in the ledger (who, when,
  why), then counted as accepted by ``consolidator status``; an error is refused;
- each department's ``<担当>_依頼.eml`` and the ``generate --mail`` drafts are offered;
- ``remind``'s drafts, and consolidate's progress as the 集約 page polls it.
"""

from __future__ import annotations

import email
import email.policy
import io
import json
import shutil
import sqlite3
import zipfile
from contextlib import closing
from datetime import date
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from consolidator.cli import main
from consolidator.desk.pages.status import when
from consolidator.desk.progress import ProgressState
from consolidator.feedback.request import draft_name
from consolidator.japanese_values import wareki
from consolidator.ledger.status import ledger_status
from consolidator.messages import fill
from consolidator.messages.correction import ACCEPT_TEXT
from consolidator.messages.desk import DESK_TEXT
from consolidator.plan.catalog import Catalog
from helpers.desk import (
    BASE,
    PAGES_ROOT,
    accept_forms,
    desk_client,
    download,
    files,
    page,
    post,
    row_cells,
    upload,
)
from helpers.filling import realistic_values, submit_all
from helpers.paths import MINI_PLAN

YEAR = 2022
# 地域福祉課: a warning (3 % against 42.1 % last year); 高齢福祉課: an error (an approximate
# value) and a warning (the plan text left blank); 市社協 sends nothing.
MISTAKES = {"地域福祉課": {"2-1-1-c1.value": 3},
            "高齢福祉課": {"1-1-1-c1.value": "約10", "1-1-1.plan": None}}

NEXT_JUNE = f"{date.today().year + 1}年6月10日"  # a deadline not past


@pytest.fixture(scope="module")
def returned(tmp_path_factory: pytest.TempPathFactory, mini_templates: dict[str, Path],
             mini_catalog: Catalog) -> dict[str, Path]:
    """department → its returned workbook with the mistakes above (市社協 left out)."""
    folder = tmp_path_factory.mktemp("returned")
    made = submit_all(mini_templates, folder, MISTAKES, skip=["市社協"],
                      values=lambda d, t: realistic_values(t, mini_catalog, YEAR))
    return dict(made)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    return root


def _cli_status(project: Path) -> list[dict[str, Any]]:
    """``consolidator status --json`` on the project folder (the desk's working folder)."""
    done = CliRunner().invoke(main, ["status", "--plan", str(MINI_PLAN), "--folder",
                                     str(project), "--json"])
    assert done.exit_code in (0, 1), done.output
    return [json.loads(line) for line in done.output.splitlines()]


def _ledger_rows(project: Path, sql: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(project / "ledger.sqlite3")
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _acceptances(project: Path) -> list[tuple[Any, ...]]:
    return _ledger_rows(project, "SELECT code, department, subject, value, accepted_by, reason"
                                 " FROM acceptances ORDER BY id")


def _form_of(html: str, code: str) -> dict[str, str]:
    return next(f for f in accept_forms(html) if f["code"] == code)


# ---- 状況 from the ledger ---------------------------------------------------------------------

def test_status_rows_are_consolidator_status(project: Path, mini_catalog: Catalog,
                                             returned: dict[str, Path]) -> None:
    client, _ws = desk_client(project, mini_catalog)
    upload(client, list(returned.values()))
    html = page(client, "/status")
    assert 'data-recorded="yes"' in html and 'data-testid="not-recorded"' not in html
    *rows, missing = _cli_status(project)
    ledger = ledger_status(project / "ledger.sqlite3",
                           mini_catalog.department_names, YEAR)
    assert ledger is not None
    assert [r["unit"] for r in rows] == mini_catalog.department_names
    for row, kept in zip(rows, ledger.departments, strict=True):
        cells = row_cells(html, row["unit"])
        assert (cells["versions"], cells["errors"], cells["warnings"],
                cells["accepted-count"]) == (str(row["versions"]), str(row["errors"]),
                                             str(row["warnings"]), str(row["accepted"]))
        assert cells["last-seen"] == (when(kept.last_seen) if row["submitted"]
                                      else DESK_TEXT["not-counted"])
    assert [r["submitted"] for r in rows] == [False, True, True]  # 市社協 sent nothing
    # 高齢福祉課's one error; 市社協 is waited for, not an error as well (issue 24)
    summary = fill(DESK_TEXT["status-summary"], received=2, departments=3, errors=1,
                   warnings=2, accepted=0, missing=missing["missing_values"])
    assert summary in html and missing["missing_values"] > 0
    assert fill(DESK_TEXT["status-recorded"], at=when(ledger.run_at), command="検証",
                year=wareki(YEAR)) in html


def test_versions_are_the_ledgers_history(project: Path, mini_catalog: Catalog,
                                          returned: dict[str, Path], tmp_path: Path) -> None:
    """A corrected file replaces the first; the first is then moved out of the folder: the
    ledger still counts two versions (the folder alone would say one)."""
    client, _ws = desk_client(project, mini_catalog)
    first = returned["地域福祉課"]
    upload(client, [first])
    corrected = tmp_path / "地域福祉課_修正.xlsx"
    submit_all({"地域福祉課": first}, tmp_path / "again", {"地域福祉課": {"2-1-1-c1.value": 40}})
    shutil.copy2(next((tmp_path / "again").iterdir()), corrected)
    upload(client, [corrected])
    assert row_cells(page(client, "/status"), "地域福祉課")["versions"] == "2"
    (project / "submissions" / first.name).unlink()  # moved away, as the log suggests
    html = page(client, "/status")
    assert 'data-testid="not-recorded"' in html  # the folder is not the ledger's any more
    assert post(client, "/status/validate").status_code == 302
    html = page(client, "/status")
    assert 'data-recorded="yes"' in html
    cells = row_cells(html, "地域福祉課")
    assert cells["versions"] == "2" and cells["warnings"] == "0"


def test_files_changed_outside_the_desk_are_checked_on_request(
        project: Path, mini_catalog: Catalog, returned: dict[str, Path]) -> None:
    client, _ws = desk_client(project, mini_catalog)
    assert 'data-testid="not-recorded"' not in page(client, "/status")  # nothing to check
    (project / "submissions").mkdir()
    for path in returned.values():  # saved from the e-mail straight into the folder
        shutil.copy2(path, project / "submissions" / path.name)
    html = page(client, "/status")
    assert 'data-testid="not-recorded"' in html and 'data-recorded="yes"' not in html
    assert row_cells(html, "高齢福祉課")["errors"] == "1"  # the folder's numbers meanwhile
    assert row_cells(html, "市社協")["errors"] == "0"  # sent nothing: 未提出, as status counts
    assert row_cells(html, "高齢福祉課")["last-seen"] == DESK_TEXT["not-counted"]
    assert accept_forms(html) == []  # accepting needs the run recorded first
    assert not (project / "ledger.sqlite3").exists()  # a page only reads
    assert post(client, "/status/validate", origin="http://evil.example").status_code == 403
    assert not (project / "ledger.sqlite3").exists()
    assert post(client, "/status/validate").status_code == 302
    html = page(client, "/status")
    assert 'data-recorded="yes"' in html and accept_forms(html)
    assert row_cells(html, "高齢福祉課")["last-seen"] != DESK_TEXT["not-counted"]


def test_a_damaged_ledger_is_said_and_a_check_starts_a_new_one(
        project: Path, mini_catalog: Catalog, returned: dict[str, Path]) -> None:
    client, _ws = desk_client(project, mini_catalog)
    upload(client, list(returned.values()))
    ledger = project / "ledger.sqlite3"
    ledger.write_bytes(b"this is not a database" * 100)
    html = page(client, "/status")
    assert 'data-testid="ledger-problem"' in html and 'data-testid="not-recorded"' in html
    assert row_cells(html, "地域福祉課")["warnings"] == "1"
    html = page(client, "/status")
    assert accept_forms(html) == []
    tenfold = {"code": "value-tenfold", "department": "地域福祉課", "subject": "2-1-1-c1.value",
               "value": "3"}
    assert post(client, "/status/accept", {**tenfold, "reason": "確認済み"}).status_code == 302
    assert 'data-testid="accept-result"' in page(client, "/status")  # said, nothing recorded
    assert post(client, "/status/validate").status_code == 302
    html = page(client, "/status")
    assert 'data-recorded="yes"' in html and accept_forms(html)
    assert list(project.glob("ledger.damaged-*.sqlite3"))


# ---- accepting a warning ------------------------------------------------------------------------

def test_a_warning_accepted_on_status_counts_as_accepted_in_consolidator_status(
        project: Path, mini_catalog: Catalog, returned: dict[str, Path]) -> None:
    client, _ws = desk_client(project, mini_catalog)
    upload(client, list(returned.values()))
    html = page(client, "/status")
    forms = accept_forms(html)
    assert sorted(f["code"] for f in forms) == ["plan-empty", "value-tenfold"]  # no error
    tenfold = _form_of(html, "value-tenfold")
    assert tenfold["department"] == "地域福祉課" and tenfold["subject"] == "2-1-1-c1.value"

    reason = "3%は新基準による集計のため(課長確認済み)"
    assert post(client, "/status/accept", {**tenfold, "reason": reason, "by": "山田"}
                ).status_code == 302
    html = page(client, "/status")
    assert DESK_TEXT["accept-done"] in html
    opened = html[html.index('data-testid="findings-地域福祉課"') - 80:]
    assert 'class="findings-row open"' in opened[:120]  # said in the department's findings
    cells = row_cells(html, "地域福祉課")
    assert (cells["warnings"], cells["accepted-count"]) == ("0", "1")
    assert 'data-testid="accepted"' in html and reason in html
    assert _acceptances(project) == [("value-tenfold", "地域福祉課", "2-1-1-c1.value",
                                      tenfold["value"], "山田", reason)]
    row = next(r for r in _cli_status(project) if r.get("unit") == "地域福祉課")
    assert (row["warnings"], row["accepted"]) == (0, 1)
    html = page(client, "/status")
    assert DESK_TEXT["accept-done"] not in html  # said once

    # accepted again (a page left open elsewhere): the first record stays, and is said
    (first_at,) = _ledger_rows(project, "SELECT accepted_at FROM acceptances")
    assert post(client, "/status/accept", {**tenfold, "reason": "別の理由", "by": "佐藤"}
                ).status_code == 302
    where = fill(DESK_TEXT["accept-where"], code="value-tenfold", department="地域福祉課",
                 subject="2-1-1-c1.value")
    assert fill(ACCEPT_TEXT["kept"], where=where, at=when(first_at[0]), by="山田",
                reason=reason) in page(client, "/status")
    assert _acceptances(project) == [("value-tenfold", "地域福祉課", "2-1-1-c1.value",
                                      tenfold["value"], "山田", reason)]
    # 承認をやり直す: the accepted warning's own form; the first record goes to the history
    (again,) = [f for f in accept_forms(html) if f.get("replace") == "1"]
    assert {k: again[k] for k in tenfold} == tenfold
    assert 'data-testid="accept-replace"' in html
    assert post(client, "/status/accept", {**again, "reason": "新基準(部長確認)", "by": "佐藤"}
                ).status_code == 302
    html = page(client, "/status")
    assert DESK_TEXT["accept-replaced"] in html and "新基準(部長確認)" in html
    assert _acceptances(project) == [("value-tenfold", "地域福祉課", "2-1-1-c1.value",
                                      tenfold["value"], "佐藤", "新基準(部長確認)")]
    assert _ledger_rows(project, "SELECT accepted_by, accepted_at, reason, replaced_by"
                                 " FROM acceptance_history") == [
        ("山田", first_at[0], reason, "佐藤")]


def test_an_error_a_missing_reason_and_another_origin_are_refused(
        project: Path, mini_catalog: Catalog, returned: dict[str, Path]) -> None:
    client, _ws = desk_client(project, mini_catalog)
    upload(client, list(returned.values()))
    html = page(client, "/status")
    plan_empty = _form_of(html, "plan-empty")
    # The error has no form; sent anyway (as a hand-made request would), it is refused.
    error = {**plan_empty, "code": "value-approximate", "subject": "1-1-1-c1.value",
             "value": "約10"}
    assert post(client, "/status/accept", {**error, "reason": "概数でよい"}).status_code == 302
    where = fill(DESK_TEXT["accept-where"], code="value-approximate", department="高齢福祉課",
                 subject="1-1-1-c1.value")
    html = page(client, "/status")
    assert fill(ACCEPT_TEXT["refused-error"], where=where) in html
    assert post(client, "/status/accept", {**plan_empty, "reason": "  "}).status_code == 302
    assert "承認理由が空欄です" in page(client, "/status")
    refused = post(client, "/status/accept", {**plan_empty, "reason": "予定なし"},
                   origin="http://evil.example")
    assert refused.status_code == 403
    assert post(client, "/status/accept", {**plan_empty, "department": "人事課",
                                           "reason": "x"}).status_code == 404
    assert _acceptances(project) == []
    row = next(r for r in _cli_status(project) if r.get("unit") == "高齢福祉課")
    assert (row["errors"], row["warnings"], row["accepted"]) == (1, 1, 0)


# ---- e-mail drafts ------------------------------------------------------------------------------

def _message(data: bytes) -> EmailMessage:
    message = email.message_from_bytes(data, policy=policy.default)
    assert isinstance(message, EmailMessage) and message["X-Unsent"] == "1"
    return message


def _attachment_name(message: EmailMessage) -> str | None:
    (part,) = list(message.iter_attachments())
    return part.get_filename()


def test_each_departments_correction_draft_is_offered(
        project: Path, mini_catalog: Catalog, returned: dict[str, Path]) -> None:
    client, _ws = desk_client(project, mini_catalog)
    upload(client, list(returned.values()))
    html = page(client, "/status")
    # 市社協 sent nothing: no correction draft (its one draft is the reminder's)
    assert 'data-testid="mail-市社協"' not in html
    assert download(client, "/status/mail/市社協")[0] == 404
    for department in ("高齢福祉課", "地域福祉課"):
        assert f'data-testid="mail-{department}"' in html
        status, data, headers = download(client, f"/status/mail/{department}")
        assert status == 200 and "attachment" in headers["Content-Disposition"]
        assert data == (project / "output" / "担当別" / draft_name(department)).read_bytes()
        message = _message(data)
        assert department in str(message["Subject"])
        assert _attachment_name(message) == f"{department}_確認事項.xlsx"


def test_workbooks_page_generates_the_send_out_drafts(project: Path, mini_catalog: Catalog) -> None:
    import copy

    doc = copy.deepcopy(mini_catalog.doc)
    doc["departments"][1]["email"] = "chiiki@example.jp"
    catalog = Catalog(doc)
    client, _ws = desk_client(project, catalog)
    assert post(client, "/workbooks/generate", {"deadline": "5月31日", "contact": "内線1"}
                ).status_code == 302  # the box left unticked: no drafts
    assert 'data-testid="send-out-' not in page(client, "/workbooks")
    assert post(client, "/workbooks/generate", {"deadline": "5月31日", "contact": "内線1",
                                            "mail": "1"}).status_code == 302
    html = page(client, "/workbooks")
    assert fill(DESK_TEXT["generated-drafts"], count=3, drafts=3) in html
    for department in catalog.department_names:
        status, data, _ = download(client, f"/workbooks/mail/{department}")
        assert status == 200
        message = _message(data)
        assert message["To"] == catalog.email_of(department)
        template = project / "workbook_templates" / _attachment_name(message)  # type: ignore[operator]
        assert template.is_file() and template.suffix == ".xlsx"
        assert "5月31日" in message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    status, data, _ = download(client, "/workbooks/drafts.zip")
    assert status == 200
    assert sorted(zipfile.ZipFile(io.BytesIO(data)).namelist()) == sorted(
        draft_name(d) for d in catalog.department_names)
    assert download(client, "/workbooks/mail/人事課")[0] == 404


# ---- reminders (issue 13): the same library call as consolidator remind ---------------------

def test_reminders_are_written_from_the_status_page(project: Path, mini_catalog: Catalog,
                                                     returned: dict[str, Path]) -> None:
    client, _ws = desk_client(project, mini_catalog)
    upload(client, list(returned.values()))
    html = page(client, "/status")
    assert 'data-testid="missing-市社協"' in html and 'data-testid="remind-form"' in html
    assert 'data-testid="reminder-市社協"' not in html  # nothing written yet
    assert post(client, "/status/remind", {"deadline": NEXT_JUNE, "contact": "内線2"}
                ).status_code == 302
    html = page(client, "/status")
    assert 'data-testid="reminded"' in html
    assert 'data-testid="reminder-市社協"' in html and 'data-testid="reminder-list"' in html
    assert 'data-testid="reminder-高齢福祉課"' not in html  # it sent its file
    status, draft, _ = download(client, "/status/reminder/市社協")
    message = email.message_from_bytes(draft, policy=email.policy.default)
    assert status == 200 and message["X-Unsent"] == "1"
    assert NEXT_JUNE in message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert download(client, "/status/reminders.xlsx")[1].startswith(b"PK")
    assert download(client, "/status/reminder/高齢福祉課")[0] == 404
    with closing(sqlite3.connect(project / "ledger.sqlite3")) as db:
        reminded = set(db.execute("SELECT department, kind FROM reminders"))
    assert ("市社協", "missing") in reminded  # nothing sent: asked to send
    assert ("高齢福祉課", "missing") not in reminded  # it sent its file (with errors: "fix")


def test_a_past_deadline_is_refused_on_the_form_unless_ticked(
        project: Path, mini_catalog: Catalog, returned: dict[str, Path]) -> None:
    """Issue 24: the 督促 form refuses a deadline already past (nothing written, the page says
    why and what to do); ticked 期限を過ぎたまま督促する, the draft says the deadline passed."""
    client, _ws = desk_client(project, mini_catalog)
    upload(client, list(returned.values()))
    past = "2023年6月10日"
    assert post(client, "/status/remind", {"deadline": past, "contact": "内線2"}
                ).status_code == 302
    html = page(client, "/status")
    assert 'data-testid="remind-refused"' in html and f"提出期限「{past}」は" in html
    assert "期限を過ぎたまま督促する" in html
    assert 'data-testid="reminded"' not in html and 'data-testid="reminder-市社協"' not in html
    assert not (project / "output" / "督促").exists()
    assert 'data-testid="remind-refused"' not in page(client, "/status")  # said once
    assert post(client, "/status/remind", {"deadline": past, "contact": "内線2",
                                           "past_deadline": "1"}).status_code == 302
    assert 'data-testid="reminded"' in page(client, "/status")
    status, draft, _ = download(client, "/status/reminder/市社協")
    text = email.message_from_bytes(draft, policy=email.policy.default).get_body(
        ("plain",)).get_content()  # type: ignore[union-attr]
    assert status == 200 and f"提出期限({past})を過ぎています" in text and "までに" not in text

# ---- consolidate's progress, as the page polls it ------------------------------------------------

def test_consolidate_reports_its_progress_to_the_page(
        project: Path, mini_catalog: Catalog, returned: dict[str, Path],
        monkeypatch: pytest.MonkeyPatch) -> None:
    client, ws = desk_client(project, mini_catalog)
    upload(client, list(returned.values()))
    assert client.get("/consolidate/progress", base_url=BASE).get_json() == {
        "running": False, "done": 0, "total": None, "drawing": False}
    seen: list[ProgressState] = []
    update = ws.progress.update

    def watched(done: int, total: int | None = None, *more: object) -> None:
        update(done, total, *more)
        seen.append(ws.progress.snapshot())

    monkeypatch.setattr(ws.progress, "update", watched)
    assert post(client, "/consolidate").status_code == 302
    n = len(returned)  # the real run_consolidate told the page every file it checked
    assert [(s.running, s.done, s.total) for s in seen] == [(True, d, n) for d in range(n + 1)]
    after = client.get("/consolidate/progress", base_url=BASE).get_json()
    assert after.pop("drawing") in (True, False)  # the PDF and Word file, drawn after it
    assert after == {"running": False, "done": n, "total": n}
    assert 'data-testid="download-master"' in page(client, "/consolidate")
    assert "output/master_2022.xlsx" in files(project)
    html = page(client, "/consolidate")
    assert f'data-poll="{PAGES_ROOT}/consolidate/progress"' in html
    assert client.get("/consolidate/progress", base_url="http://evil.example:5000"
                      ).status_code == 403
