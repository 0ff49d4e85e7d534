"""E-mail drafts (.eml) with a workbook attached, one double-click from being sent.

Written with the standard library's ``email`` package: ``X-Unsent: 1`` makes Outlook open
the file as an editable draft (Thunderbird opens it as a message it can forward or edit as
new), the subject is RFC 2047 encoded UTF-8, the body UTF-8 in base64, the attachment's
Japanese name is given both ways clients read it (RFC 2231 ``filename*`` in the disposition,
an RFC 2047 word in the content type's ``name``), lines end in CRLF.
"""

from __future__ import annotations

from email import policy
from email.header import Header
from email.message import EmailMessage
from pathlib import Path

from consolidator.findings import Finding
from consolidator.messages import fill
from consolidator.messages.correction import MAIL_TEXT

XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
MAX_ITEMS = 10  # findings listed in the body; the attachment has them all


def draft(to: str | None, subject: str, body: str, attachment: Path,
          attachment_name: str | None = None) -> bytes:
    """The bytes of an .eml draft: addressed when ``to`` is known, ``attachment`` attached
    under ``attachment_name`` (default: its file name)."""
    msg = EmailMessage(policy=policy.SMTP)
    msg["X-Unsent"] = "1"
    if to:
        msg["To"] = to
    msg["Subject"] = subject
    msg.set_content(body, charset="utf-8", cte="base64")
    name = attachment_name or attachment.name
    msg.add_attachment(attachment.read_bytes(), maintype=XLSX_TYPE[0], subtype=XLSX_TYPE[1],
                       filename=name)
    part = list(msg.iter_attachments())[-1]
    part.set_param("name", Header(name, "utf-8").encode(), header="Content-Type")
    return msg.as_bytes()


def draft_name(department: str) -> str:
    return f"{department}{MAIL_TEXT['file-suffix']}"


def items_text(findings: list[Finding], max_items: int = MAX_ITEMS) -> str:
    """The body's list of findings (the first few; the attachment has them all)."""
    lines = []
    for f in findings[:max_items]:
        where = fill(MAIL_TEXT["item-where"], sheet=f.sheet, cell=f.cell) if f.sheet and \
            f.cell else ""
        lines.append(fill(MAIL_TEXT["item"], where=where, message=f.message))
    if len(findings) > max_items:
        lines.append(fill(MAIL_TEXT["more-items"], count=len(findings) - max_items))
    return "".join(lines)


def send_out_draft(department: str, email: str | None, year_label: str, deadline: str,
                   contact: str, template: Path) -> bytes:
    """The yearly send-out: the template attached, what to do, by when, whom to ask."""
    values = dict(department=department, year=year_label, deadline=deadline, contact=contact,
                  file=template.name)
    return draft(email, fill(MAIL_TEXT["send-subject"], **values),
                 fill(MAIL_TEXT["send-body"], **values), template)
