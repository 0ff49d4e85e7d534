"""What each department gets back after a run, in ``output/担当別/``.

- A department whose file has open errors or warnings: ``<担当>_確認事項.xlsx``, its own
  workbook annotated (:mod:`consolidator.feedback.annotate`), and ``<担当>_依頼.eml``, the
  e-mail draft with that workbook attached, listing each point with its cell and what to do:
  asking for the correction when there are errors, asking only to confirm (【内容確認のお願い】)
  when there are warnings only. A department that sent an .ods gets its own .ods back, marked
  the same way, as ``<担当>_確認事項.ods`` (:mod:`consolidator.feedback.annotate_ods`).
- A department whose file could not be read at all (or could not be annotated safely): the
  table of its findings as ``<担当>_確認事項.xlsx``, and the draft with it.
- A department from which nothing readable arrived (not sent, or a file that could not even
  be attributed to it): nothing here. Its draft, with its template attached and written for
  a department that has sent nothing, is ``remind``'s (:mod:`consolidator.feedback.reminders`):
  one draft per department, not two.
- A clean department: nothing. Findings that concern the secretariat only
  (:data:`NOT_FOR_DEPARTMENTS`) are never sent.

Files of an earlier run that no longer apply are removed, so the folder always matches the
last run. Writing one department's files never stops the others: a workbook that cannot be
annotated gets the table instead, and the log says so.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path

from consolidator.cache.outputs import OutputCache, inputs_digest
from consolidator.checks.result import ValidationResult
from consolidator.feedback.request import Request, draft_name
from consolidator.findings import ERROR, SEVERITY_ORDER, WARNING, Finding, count, make
from consolidator.japanese_values import wareki
from consolidator.limits import DEFAULT_LIMITS, Limits
from consolidator.messages import TEMPLATE_TEXT, fill
from consolidator.messages.correction import MAIL_TEXT
from consolidator.messages.outputs import DEPARTMENT_LOG_SUFFIX
from consolidator.safe_paths import UnsafePath, not_written, output_path
from consolidator.submission import Submission
from consolidator.validation_log import department_log_name as workbook_name

# Findings for the secretariat, not the department: a bug of the toolkit (never forwarded),
# a template made from an older catalog (the secretariat compares the catalogs), and the
# choice between several files of one department.
NOT_FOR_DEPARTMENTS = frozenset({"internal-error", "older-catalog", "duplicate-not-used",
                                 "superseded-version"})


@dataclass
class Sent:
    """What was written for one department."""

    department: str
    workbook: Path
    draft: Path
    annotated: bool  # its own workbook marked (False: the table of findings)
    findings: list[Finding]


@dataclass
class DepartmentFiles:
    folder: Path
    sent: list[Sent] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # for the run's log


def write_department_files(folder: Path, result: ValidationResult, submissions: Path,
                           limits: Limits = DEFAULT_LIMITS, *,
                           only: Collection[str] | None = None,
                           request: tuple[str, str] | None = None,
                           deadline_passed: bool = False,
                           outputs: OutputCache | None = None) -> DepartmentFiles:
    """Write into ``folder`` what goes back to each department after the run ``result`` of
    the files in ``submissions`` (which are only read); see the module. ``only``: these
    departments (``remind``: those whose file has errors); ``request``: the deadline and
    contact every department is given (default: those of its template), and
    ``deadline_passed`` whether that deadline has passed (the drafts say so).
    ``outputs``: the output cache; a department whose files, findings (accepted ones
    included), request and plan are those its files in ``folder`` were written from, and
    whose files are still as written, keeps them: neither rendered nor written again."""
    out = DepartmentFiles(folder)
    plan = inputs_digest(str(folder), result.catalog.doc, result.year, asdict(limits))
    request_default = request or usual_request(result)
    tried: set[str] = set()  # departments something was (to be) written for
    for department in result.catalog.department_names:
        if only is not None and department not in only:
            continue
        mine = sorted((f for f in result.findings if f.department == department
                       and f.severity in (ERROR, WARNING) and f.accepted is None
                       and f.code not in NOT_FOR_DEPARTMENTS),
                      key=lambda f: SEVERITY_ORDER[f.severity])
        chosen = result.chosen.get(department)
        files = {s.file for s in result.submissions if s.department == department}
        if chosen is not None:
            mine, kind = [f for f in mine if f.file == chosen.file], "fix"
        elif files:  # what its unreadable files got
            mine, kind = [f for f in mine if f.file in files], "fix-table"
        else:  # nothing readable arrived (or its file could not even be attributed): remind's
            continue
        if not mine:
            continue
        asked = (Request(department, wareki(result.year), *request, deadline_passed)
                 if request
                 else _request(department, result.year, chosen, request_default))
        tried.add(department)
        key = f"department:{department}"
        digest = _department_digest(plan, department, kind, asked, result)
        if outputs is not None and (reused := outputs.unchanged(key, digest)) is not None:
            (workbook, draft_path), annotated = reused
            out.sent.append(Sent(department, workbook, draft_path, annotated, mine))
            continue
        reported = len(out.findings)
        try:
            written = None if chosen is None else _annotate(
                submissions / chosen.file, folder, mine, asked, chosen.file, limits, out)
            if written is None:
                from consolidator.feedback.drafts import write_file
                from consolidator.validation_log import write_department_table

                written = write_file(output_path(folder, workbook_name(department)),
                                     partial(write_department_table, findings=mine))
                kind = "fix-list" if chosen is not None else kind
            sent = _with_draft(out, department, written, kind, mine, asked, result)
            out.sent.append(sent)
            if outputs is not None:  # kept only when written as meant, and nothing to say
                if len(out.findings) == reported and _where_meant(sent, folder):
                    outputs.wrote(key, digest, [sent.workbook, sent.draft], sent.annotated)
                else:
                    outputs.forget(key)
        except (UnsafePath, OSError) as exc:  # held open in Excel, no room, a name that is
            # no file name: the others still get theirs
            if outputs is not None:
                outputs.forget(key)
            out.findings.append(not_written(exc, department, workbook_name(department),
                                            "feedback-not-written"))
    # Kept: what this run wrote, and the files it meant to replace (one held open in Excel
    # is written beside, or not at all: it is not stale, and not deleted under Excel's feet).
    kept = {p for s in out.sent for p in (s.workbook, s.draft)}
    kept |= {folder / name(d) for d in tried
             for name in (workbook_name, ods_workbook_name, draft_name)}
    _remove_stale(folder, kept)
    return out


def _department_digest(plan: str, department: str, kind: str, asked: Request,
                       result: ValidationResult) -> str:
    """What a department's files are made from: the plan (and folder, year, limits), its
    files (names and SHA-256), all its findings (accepted ones too), what it is asked
    (deadline, contact), its address."""
    files = sorted((s.file, s.sha256, s.size) for s in result.submissions
                   if s.department == department)
    chosen = result.chosen.get(department)
    return inputs_digest(plan, department, kind, asdict(asked), files,
                         chosen.file if chosen else None,
                         [f.to_dict() for f in result.findings if f.department == department],
                         result.catalog.email_of(department))


def _where_meant(sent: Sent, folder: Path) -> bool:
    """The workbook and the draft were written under their own names (not beside a file
    held open)."""
    return sent.workbook.parent == folder and sent.workbook.name in (workbook_name(sent.department),
                                   ods_workbook_name(sent.department)) \
        and sent.draft == folder / draft_name(sent.department)


def ods_workbook_name(department: str) -> str:
    """``<担当>_確認事項.ods``: the marked copy of an .ods."""
    return str(Path(workbook_name(department)).with_suffix(".ods"))


def _annotate(src: Path, folder: Path, findings: list[Finding], request: Request, label: str,
              limits: Limits, out: DepartmentFiles) -> Path | None:
    """The annotated workbook written into ``folder`` (its path; an .ods for an .ods), or
    None when it could not be."""
    # The writers are loaded only when something is written: a re-run whose departments'
    # inputs did not change never loads them (nor the e-mail's, below).
    from consolidator.feedback.annotate import annotate_workbook
    from consolidator.feedback.drafts import write_file

    ods = src.suffix.lower() == ".ods"
    annotate: Callable[..., object] = annotate_workbook
    if ods:  # loaded only when an .ods is marked
        from consolidator.feedback.annotate_ods import annotate_ods

        annotate = annotate_ods
    target = output_path(folder, (ods_workbook_name if ods else workbook_name)(
        request.department))
    try:
        return write_file(target, partial(annotate, src, findings=findings,
                                          request=request, file_label=label, limits=limits))
    except OSError:
        raise  # the file could not be written (held open, no room): the table could not either
    except Exception as exc:  # noqa: BLE001 - any problem: the table instead, and say why
        # Not the department's finding (it did nothing wrong): no department, named in text.
        out.findings.append(make("feedback-table-only", file=label, target=request.department,
                                 detail=f"{type(exc).__name__}: {exc}"[:200]))
        return None


# A file with warnings only: the department is asked to confirm, not to correct.
CONFIRMING = {"fix": "confirm", "fix-list": "confirm-list"}


def _with_draft(out: DepartmentFiles, department: str, workbook: Path, kind: str,
                findings: list[Finding], request: Request, result: ValidationResult) -> Sent:
    """The draft that sends ``workbook``; ``kind`` is its body (a key of MAIL_BODIES): the
    marked workbook, the list of a file that was read, or of one that was not; with warnings
    only, the first two ask to confirm (:data:`CONFIRMING`)."""
    from consolidator.feedback.drafts import draft, items_text, mail_body, write_draft

    errors, warnings = count(findings, ERROR), count(findings, WARNING)
    body = kind if errors else CONFIRMING.get(kind, kind)
    counted = fill(MAIL_TEXT["counted-warnings" if warnings else "counted"], errors=errors,
                   warnings=warnings)
    values = dict(department=department, year=request.year_label, deadline=request.deadline,
                  contact=request.contact, file=workbook.name, errors=errors,
                  warnings=warnings, counted=counted, items=items_text(findings))
    subject = "fix-subject" if errors else "confirm-subject"
    message = draft(result.catalog.email_of(department), fill(MAIL_TEXT[subject], **values),
                    mail_body(body, values, request.passed), workbook,
                    (ods_workbook_name if workbook.suffix == ".ods" else workbook_name)(department))
    path = write_draft(output_path(out.folder, draft_name(department)), message)
    return Sent(department, workbook, path, kind == "fix", findings)


def _request(department: str, year: int, chosen: Submission | None,
             usual: tuple[str, str]) -> Request:
    """The deadline and contact of the department's template (else the ones most templates
    of this run carry, else the defaults of the cover)."""
    identity = chosen.identity if chosen else None
    deadline = (identity.deadline if identity else "") or usual[0]
    contact = (identity.contact if identity else "") or usual[1]
    return Request(department, wareki(year), deadline, contact)


def usual_request(result: ValidationResult) -> tuple[str, str]:
    """The deadline and contact most templates of the run carry (else the cover's
    defaults)."""
    pairs = Counter((s.identity.deadline, s.identity.contact) for s in result.chosen.values()
                    if s.identity and (s.identity.deadline or s.identity.contact))
    if pairs:
        return pairs.most_common(1)[0][0]
    return TEMPLATE_TEXT["default-deadline"], TEMPLATE_TEXT["default-contact"]


def _remove_stale(folder: Path, wanted: set[Path]) -> None:
    if not folder.is_dir():
        return
    ods_suffix = str(Path(DEPARTMENT_LOG_SUFFIX).with_suffix(".ods"))
    for pattern in (f"*{DEPARTMENT_LOG_SUFFIX}", f"*{ods_suffix}", f"*{MAIL_TEXT['file-suffix']}"):
        for old in folder.glob(pattern):
            if old not in wanted:
                try:
                    old.unlink()
                except OSError:  # held open (Windows): it stays until the next run
                    pass
