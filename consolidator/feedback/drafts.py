"""E-mail drafts (.eml) with a workbook attached, one double-click from being sent.

Written with the standard library's ``email`` package, in the long-established form every
client reads: ``X-Unsent: 1`` makes Outlook open the file as an editable draft (Thunderbird
opens it too), the subject is RFC 2047 encoded UTF-8, the body UTF-8 text in base64 with
CRLF line ends, and the attachment's Japanese name is given both ways clients read it (RFC
2231 ``filename*`` in the disposition, one RFC 2047 word in the content type's ``name``).
The ``email.mime`` classes are used rather than ``EmailMessage``: the latter's header folding
splits a long content type into encoded words and the name into RFC 2231 continuations,
which Outlook does not read.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from email import encoders, policy
from email.header import Header
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from pathlib import Path

from consolidator.atomic import write_with
from consolidator.feedback.request import draft_name
from consolidator.findings import Finding
from consolidator.japanese_values import wareki
from consolidator.messages import TEMPLATE_TEXT, fill
from consolidator.messages.correction import MAIL_BODIES, MAIL_TEXT
from consolidator.plan.catalog import Catalog
from consolidator.safe_paths import UnsafePath, WrittenFiles, not_written, output_path
from consolidator.templates.generate import template_filename

XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
ODS_TYPE = ("application", "vnd.oasis.opendocument.spreadsheet")
MAX_ITEMS = 10  # findings listed in the body; the attachment has them all


def draft(to: str | None, subject: str, body: str, attachment: Path,
          attachment_name: str | None = None) -> bytes:
    """The bytes of an .eml draft: addressed when ``to`` is known, ``attachment`` attached
    under ``attachment_name`` (default: its file name)."""
    msg = MIMEMultipart()
    msg["X-Unsent"] = "1"
    if to:
        msg["To"] = to
    # A Header object (compat32 takes one) folds knowing the field's name: the first encoded
    # word stays on the Subject line instead of a continuation line.
    msg["Subject"] = Header(subject, "utf-8", header_name="Subject")  # type: ignore[assignment]
    text = body.replace("\r\n", "\n").replace("\n", "\r\n")
    msg.attach(MIMEText(text, "plain", "utf-8"))
    name = attachment_name or attachment.name
    part = MIMEBase(*(ODS_TYPE if name.lower().endswith(".ods") else XLSX_TYPE))
    part.set_param("name", Header(name, "utf-8").encode(maxlinelen=10_000))
    part.set_payload(attachment.read_bytes())
    encoders.encode_base64(part)
    part.add_header("Content-Disposition", "attachment", filename=("utf-8", "", name))
    msg.attach(part)
    return msg.as_bytes(policy=policy.compat32.clone(linesep="\r\n"))


def mail_body(kind: str, values: Mapping[str, object], passed: bool = False) -> str:
    """The body of a draft of ``kind`` (a key of MAIL_BODIES), its parts filled in with
    ``values``; ``passed``: the deadline has passed, and the body's deadline says so."""
    parts = MAIL_BODIES[kind]
    if passed:
        parts = tuple("deadline-passed" if part == "deadline" else part for part in parts)
    return "".join(fill(MAIL_TEXT[part], **values) for part in parts)


def items_text(findings: list[Finding], max_items: int = MAX_ITEMS) -> str:
    """The body's list of findings, each with its cell and what to do (the first few; the
    attachment has them all)."""
    lines = []
    for f in findings[:max_items]:
        where = fill(MAIL_TEXT["item-where"], sheet=f.sheet, cell=f.cell) if f.sheet and \
            f.cell else ""
        lines.append(fill(MAIL_TEXT["item"], where=where, message=f.message))
        if f.action:
            lines.append(fill(MAIL_TEXT["item-action"], action=f.action))
    if len(findings) > max_items:
        lines.append(fill(MAIL_TEXT["more-items"], count=len(findings) - max_items))
    return "".join(lines)


def send_out_draft(department: str, email: str | None, year_label: str, deadline: str,
                   contact: str, template: Path, kind: str = "send") -> bytes:
    """The yearly send-out: the template attached, what to do, by when, whom to ask; with
    ``kind="remind"``, the same asked again of a department that has sent nothing yet."""
    values = dict(department=department, year=year_label, deadline=deadline, contact=contact,
                  file=template.name)
    return draft(email, fill(MAIL_TEXT[f"{kind}-subject"], **values), mail_body(kind, values),
                 template)


def write_send_out_drafts(catalog: Catalog, year: int, templates: list[Path], deadline: str,
                          contact: str) -> WrittenFiles:
    """``generate --mail``: beside each generated template, ``<担当>_依頼.eml`` with the
    template attached (addressed when the catalog has the department's e-mail address). A
    draft that cannot be written is skipped, the others written (the result's ``failed``)."""
    deadline = deadline or TEMPLATE_TEXT["default-deadline"]
    contact = contact or TEMPLATE_TEXT["default-contact"]
    by_stem = {Path(template_filename(d, year)).stem: d for d in catalog.department_names}
    written = WrittenFiles()
    for template in templates:  # .xlsx, or .ods: the same name otherwise
        department = by_stem[template.stem]
        try:
            target = output_path(template.parent, draft_name(department))
            message = send_out_draft(department, catalog.email_of(department), wareki(year),
                                     deadline, contact, template)
            written.add(department, write_draft(target, message))
        except (UnsafePath, OSError) as exc:  # this department's: the others are written
            written.failed.append(not_written(exc, department, draft_name(department),
                                              "draft-not-written"))
    return written


def write_draft(target: Path, message: bytes) -> Path:
    """Write a draft atomically (a half-written .eml never sits there); the path written."""
    return write_file(target, lambda tmp: tmp.write_bytes(message))


def write_file(target: Path, writer: Callable[[Path], object]) -> Path:
    """:func:`consolidator.atomic.write_with`, returning the path actually written: once
    ``write_with`` writes beside a target another program holds open and returns that path
    (issue 11), the draft attaches the file really written; until then it returns nothing
    and the target is the file."""
    write: Callable[..., object] = write_with
    written = write(target, writer)
    return written if isinstance(written, Path) else target
