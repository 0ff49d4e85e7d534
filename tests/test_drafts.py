"""Issue 12: the e-mail drafts parse with the standard library, carry the workbook, are in
Japanese and open as drafts (``X-Unsent: 1``); ``generate --mail`` writes one per department,
addressed when the catalog has the department's address."""

from __future__ import annotations

import copy
import email
import json
from email import policy
from email.message import EmailMessage
from pathlib import Path

from click.testing import CliRunner

from consolidator.cli import main
from consolidator.jobs.runs import run_validate
from consolidator.plan.catalog import Catalog
from helpers.filling import realistic_values, submit_all
from helpers.paths import MINI_PLAN

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _parse(path: Path) -> EmailMessage:
    raw = path.read_bytes()
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")  # CRLF line ends
    message = email.message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def _attachment(message: EmailMessage) -> tuple[str | None, str, bytes]:
    (part,) = list(message.iter_attachments())
    return part.get_filename(), part.get_content_type(), part.get_content()


def _raw_headers(path: Path) -> str:
    return path.read_bytes().split(b"\r\n\r\n", 1)[0].decode("ascii")  # ASCII only on the wire


def test_the_correction_draft(tmp_path: Path, mini_templates: dict[str, Path],
                              mini_catalog: Catalog) -> None:
    doc = copy.deepcopy(mini_catalog.doc)
    doc["departments"][0]["email"] = "shakyo@example.jp"  # 市社協
    catalog = Catalog(doc)
    submit_all(mini_templates, tmp_path / "s",
               {"市社協": {"1-1-1-s1.value": "約10"}, "高齢福祉課": {"1-1-1.status": None}},
               values=lambda d, t: realistic_values(t, catalog, 2022))
    job = run_validate(tmp_path / "s", catalog, 2022, tmp_path / "out")
    folder = job.logs["departments"]
    for department, to in (("市社協", "shakyo@example.jp"), ("高齢福祉課", None)):
        draft = folder / f"{department}_依頼.eml"
        message = _parse(draft)
        assert message["X-Unsent"] == "1"
        assert message["To"] == to
        subject = str(message["Subject"])
        assert subject.startswith("【修正のお願い】") and department in subject
        assert "=?utf-8?b?" in _raw_headers(draft)  # the subject, RFC 2047 encoded
        body = message.get_body(("plain",))
        assert body is not None and body.get_content_charset() == "utf-8"
        text = body.get_content()
        assert f"{department} ご担当者様" in text and "提出期限:" in text
        (finding,) = [f for f in job.validation.findings if f.department == department]
        assert finding.message in text
        name, kind, data = _attachment(message)
        workbook = folder / f"{department}_確認事項.xlsx"
        assert (name, kind) == (workbook.name, XLSX)
        assert data == workbook.read_bytes()


def test_generate_mail_writes_a_draft_per_department(tmp_path: Path) -> None:
    doc = json.loads(MINI_PLAN.read_text("utf-8"))
    doc["departments"][1]["email"] = "chiiki@example.jp"
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    out = tmp_path / "templates"
    result = CliRunner().invoke(main, ["generate", "--plan", str(plan), "--out", str(out),
                                       "--deadline", "5月31日", "--contact", "内線1234",
                                       "--mail"])
    assert result.exit_code == 0, result.output
    assert "メールの下書き" in result.output
    catalog = Catalog(doc)
    for department in catalog.department_names:
        (template,) = out.glob(f"*_{department}_実施状況報告.xlsx")
        message = _parse(out / f"{department}_依頼.eml")
        assert message["X-Unsent"] == "1"
        assert message["To"] == catalog.email_of(department)
        assert department in str(message["Subject"])
        text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        assert "提出期限:5月31日" in text and "問い合わせ先:内線1234" in text
        assert _attachment(message) == (template.name, XLSX, template.read_bytes())


def test_an_address_is_contact_data_not_plan_content(mini_catalog: Catalog) -> None:
    """Adding addresses does not make the templates already sent out "older"."""
    doc = copy.deepcopy(mini_catalog.doc)
    for d in doc["departments"]:
        d["email"] = "ka@example.jp"
    assert Catalog(doc).content_hash == mini_catalog.content_hash
