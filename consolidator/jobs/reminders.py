"""``consolidator remind``: a draft for every department still to be heard from, as a library
call (the CLI and the desk's reminder button call :func:`remind_departments` / :func:`remind`).

Who is reminded, decided on the submissions folder as ``validate`` reads it and on the ledger:

- a department from which no file for the year has arrived — none in the folder, none ever
  recorded in the ledger — gets ``output/督促/<担当>_督促.eml``, the send-out asked again,
  with its own template attached;
- a department whose file has errors gets the correction loop's draft and marked workbook
  (``<担当>_依頼.eml``, ``<担当>_確認事項.xlsx``) in the same folder;
- a department that sent a file is never asked for it again (a file with warnings only is
  the correction loop's business, not a reminder's).

The templates attached are made again from the catalog, into a temporary folder, not taken
from ``workbook_templates/``: the one the department got may have been made from another
catalog or for another year, deleted, renamed or edited since, and a reminder often sets a
new deadline, which the template's cover then shows. A template made again is the same
template (same plan, catalog hash and fields), so whichever copy comes back is read alike.

Each reminder is recorded in the ledger (table ``reminders``), and ``督促一覧.xlsx`` lists them
with the previous reminder and the days left to the deadline.

A deadline given that has already passed is refused (:class:`DeadlinePassed`, nothing written):
the CLI asks again on a terminal, the desk's form says so. Allowed (``past_deadline``), or
carried by the templates sent out, a passed deadline is said in the reminder (the deadline has
passed, please send it at once), never 「提出期限までに」.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path

from consolidator.cache.store import cache_path
from consolidator.checks.result import Progress
from consolidator.checks.validation import validate_reusing
from consolidator.feedback.department_files import (
    NOT_FOR_DEPARTMENTS,
    usual_request,
    write_department_files,
)
from consolidator.feedback.drafts import write_file
from consolidator.feedback.reminders import (
    reminder_name,
    remove_stale_reminders,
    write_reminder_draft,
    write_reminder_list,
)
from consolidator.findings import ERROR, Finding
from consolidator.japanese_values import parse_date
from consolidator.jobs.correction import ledger_path
from consolidator.jobs.output_folder import exclusive
from consolidator.jobs.working_folder import WorkingFolder
from consolidator.ledger.acceptance import apply_acceptances
from consolidator.ledger.reminders import (
    Reminder,
    departments_seen,
    record_reminders,
    reminders_so_far,
)
from consolidator.ledger.schema import open_ledger
from consolidator.messages import fill
from consolidator.messages.correction import REMIND_TEXT
from consolidator.plan.catalog import Catalog
from consolidator.safe_paths import UnsafePath, not_written, output_path
from consolidator.templates.generate import generate_templates, template_filename

MISSING, FIX = "missing", "fix"


class DeadlinePassed(ValueError):
    """The deadline given for the reminders is a date already past (nothing was written)."""

    def __init__(self, deadline: str, due: date, today: date) -> None:
        super().__init__(deadline)
        self.deadline, self.due, self.days = deadline, due, (today - due).days

    @property
    def message(self) -> str:
        """What is wrong, in Japanese (the CLI and the desk add what to do)."""
        return fill(REMIND_TEXT["deadline-passed"], deadline=self.deadline, days=self.days)


@dataclass(frozen=True)
class Reminded:
    """One department reminded: what it is asked, the draft and what it attaches."""

    department: str
    kind: str  # MISSING or FIX
    draft: Path
    attachment: str  # the attached file's name
    email: str | None
    previous: str | None  # when it was reminded before (ISO 8601), if it was
    count: int  # reminders so far, this one included


@dataclass
class Reminders:
    """What :func:`remind_departments` wrote (``folder``: ``output/督促``)."""

    folder: Path
    deadline: str
    contact: str
    days_left: int | None  # to the deadline, when it reads as a date
    reminded: list[Reminded] = field(default_factory=list)
    table: Path | None = None
    findings: list[Finding] = field(default_factory=list)  # the ledger's, the files'
    reused: int = 0  # files whose earlier result the result cache gave (not read again)

    @property
    def late(self) -> bool:
        """The deadline has passed (the drafts say so)."""
        return self.days_left is not None and self.days_left < 0

    def of_kind(self, kind: str) -> list[Reminded]:
        return [r for r in self.reminded if r.kind == kind]


def remind(project: Path, catalog: Catalog, year: int, deadline: str = "",
           contact: str = "", *, today: date | None = None,
           past_deadline: bool = False) -> Reminders:
    """:func:`remind_departments` on a working folder as ``generate`` / ``consolidate`` lay
    it out (``submissions/``, ``output/``, the ledger kept in the folder)."""
    folder = WorkingFolder(project)
    return remind_departments(folder.submissions, catalog, year, folder.output,
                              deadline=deadline, contact=contact, today=today,
                              state=folder.state, past_deadline=past_deadline)


def remind_departments(submissions: Path, catalog: Catalog, year: int, out_dir: Path, *,
                       deadline: str = "", contact: str = "", ledger: Path | None = None,
                       today: date | None = None, fmt: str = "xlsx", reuse: bool = True,
                       progress: Progress | None = None, state: Path | None = None,
                       past_deadline: bool = False) -> Reminders:
    """Write ``out_dir/督促/``: a reminder with its template (``fmt``: xlsx or ods) for every
    department that has sent nothing for ``year``, the correction draft for every one whose
    file has errors, and 督促一覧.xlsx; record the reminders in the ledger (default
    ``ledger.sqlite3`` in ``state``, the working folder, which also keeps the result cache;
    default ``out_dir``). The files are checked as by ``validate`` (``reuse``: the
    result cache; ``progress(done, total)``). ``deadline`` / ``contact``: what the drafts
    and templates say (default: what most returned templates carry, else the cover's
    defaults); a ``deadline`` given that is a date before ``today`` raises
    :class:`DeadlinePassed` unless ``past_deadline``. A passed deadline is said in the
    reminders. The submissions are only read. Raises ``FileNotFoundError`` when
    ``submissions`` is not a folder, :class:`~consolidator.jobs.output_folder.OutputBusy`
    while another run holds ``out_dir``."""
    if not submissions.is_dir():
        raise FileNotFoundError(str(submissions))
    today = today or date.today()
    given = parse_date(deadline, today.year) if deadline else None
    if given is not None and given < today and not past_deadline:
        raise DeadlinePassed(deadline, given, today)
    folder = out_dir / REMIND_TEXT["folder"]
    with exclusive(out_dir):
        result = validate_reusing(submissions, catalog, year, cache_path(state or out_dir),
                                  reuse=reuse, progress=progress)
        usual = usual_request(result)
        request = (deadline or usual[0], contact or usual[1])
        due = parse_date(request[0], today.year)
        out = Reminders(folder, *request, days_left=(due - today).days if due else None)
        out.reused = result.reused
        conn, found = open_ledger(ledger_path(state or out_dir, ledger))
        out.findings.extend(found)
        try:
            apply_acceptances(conn, result.findings, result.year)
            in_folder = {s.department for s in result.submissions if s.department}
            arrived = in_folder | departments_seen(conn, year)
            so_far = reminders_so_far(conn, year)
            missing = [d for d in catalog.department_names if d not in arrived]
            errors = {f.department for f in result.findings if f.severity == ERROR
                      and f.department in in_folder and f.code not in NOT_FOR_DEPARTMENTS}
            folder.mkdir(parents=True, exist_ok=True)
            drafts = _missing_drafts(out, catalog, year, missing, fmt)
            fixes = write_department_files(folder, result, submissions, only=errors,
                                           request=request, deadline_passed=out.late)
            out.findings.extend(fixes.findings)
            remove_stale_reminders(folder, drafts.values())
            fixed = {s.department: s for s in fixes.sent}
            for department in catalog.department_names:  # the catalog's order
                if department in drafts:
                    kind, draft = MISSING, drafts[department]
                    attachment = template_filename(department, year, fmt)
                elif department in fixed:
                    kind, draft = FIX, fixed[department].draft
                    attachment = fixed[department].workbook.name
                else:
                    continue
                before = so_far.get(department)
                out.reminded.append(Reminded(
                    department, kind, draft, attachment, catalog.email_of(department),
                    before.last if before else None, (before.count if before else 0) + 1))
            stamp = record_reminders(conn, year, [
                Reminder(r.department, r.kind, out.deadline, r.draft.name)
                for r in out.reminded])
        finally:
            conn.close()
        rows = [[r.department, REMIND_TEXT[r.kind], r.email or "", _day(r.previous),
                 r.count, _day(stamp), out.deadline, _days(out.days_left), r.draft.name,
                 r.attachment] for r in out.reminded]
        out.table = write_file(output_path(folder, REMIND_TEXT["list-file"]),
                               partial(write_reminder_list, rows=rows))
    return out


def _missing_drafts(out: Reminders, catalog: Catalog, year: int, missing: list[str],
                    fmt: str) -> dict[str, Path]:
    """department → its ``_督促.eml``, the template made again (into a temporary folder) and
    attached."""
    if not missing:
        return {}
    drafts = {}
    with tempfile.TemporaryDirectory(prefix="consolidator-remind-") as tmp:
        templates = generate_templates(catalog, year, Path(tmp), deadline=out.deadline,
                                       contact=out.contact, only=missing, fmt=fmt)
        out.findings.extend(templates.failed)
        for department, template in zip(templates.owners, templates, strict=True):
            try:
                drafts[department] = write_reminder_draft(
                    out.folder, department, catalog.email_of(department), year, out.deadline,
                    out.contact, template, late=out.late)
            except (UnsafePath, OSError) as exc:  # this department's: the others are written
                out.findings.append(not_written(exc, department, reminder_name(department),
                                                "draft-not-written"))
    return drafts


def _day(stamp: str | None) -> str:
    return stamp[:10] if stamp else ""


def _days(days: int | None) -> int | str:
    if days is None:
        return ""
    return days if days >= 0 else fill(REMIND_TEXT["days-past"], days=-days)
