"""``validate``: every file in the submissions folder checked against the plan.

For each file, in an isolated child process: safety checks on the raw bytes, reading, identity,
finding the fields again, the value rules. Back in the parent: one file chosen per
department, the others listed as not used, and every department that sent nothing reported.
No workbook is held in the parent: each file costs one compact :class:`Submission` (its
accepted values and findings, about 20 KiB for a filled template), which is what the master
is built from.
"""

from __future__ import annotations

import math
import traceback
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from consolidator.cache.codec import PackedSubmission
from consolidator.cache.store import ResultCache
from consolidator.checks.result import ValidationResult
from consolidator.checks.value_rules import check_values
from consolidator.findings import Finding, Findings, has_error, make
from consolidator.limits import DEFAULT_LIMITS, Limits
from consolidator.messages import OUTPUT_TEXT
from consolidator.package_parts import UnsafeContent
from consolidator.plan.catalog import Catalog
from consolidator.reading.fields import read_fields
from consolidator.reading.intake import discover, identify
from consolidator.reading.malformed import MalformedWorkbook
from consolidator.reading.workbook import read_workbook
from consolidator.safety.content_scan import scan_parts
from consolidator.safety.file_check import check_file
from consolidator.safety.package import Package, read_package
from consolidator.submission import Submission
from consolidator.templates.model import TemplateModel, build

if TYPE_CHECKING:
    from consolidator.checks.checked_files import Progress

# ---- one file ---------------------------------------------------------------------------------

@lru_cache(maxsize=64)
def _model(catalog: Catalog, department: str, year: int) -> TemplateModel:
    return build(catalog, department, year)


def process_file(path: Path, display: str, catalog: Catalog, year: int,
                 limits: Limits = DEFAULT_LIMITS, package: Package | None = None) -> Submission:
    """Check one returned file end to end: its bytes and XML (safety), reading, identity,
    its fields and the value rules. ``display`` is how the log names the file; ``package``:
    the file already read (its bytes and SHA-256), else it is read here, once.

    Returns the :class:`Submission`: the accepted entries and every finding. A malformed
    workbook is a ``file-corrupt`` finding; any other exception raised on the way is a bug of
    the toolkit and becomes an ``internal-error`` finding naming the file, so one file never
    stops the others (and a bug never reaches a department as "your file is broken").
    """
    sub = Submission(file=display, mtime=_mtime(path))
    try:
        return _process(path, display, catalog, year, limits, sub, package)
    except Exception as exc:  # noqa: BLE001 - a bug: reported per file, the run goes on
        # Nothing of this file is used; the department it named (if known) stays attributed,
        # so the log groups the error with it and it is not reported as never sent.
        failed = Submission(file=display, department=sub.department, mtime=sub.mtime,
                            findings=sub.findings[:sub.file_findings], sha256=sub.sha256,
                            size=sub.size)
        failed.findings.append(make("internal-error", file=display, department=sub.department,
                                    detail=_bug(exc)))
        return failed


def _bug(exc: BaseException) -> str:
    """Where a bug happened, for the secretariat to pass on: the exception and its place."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" ({Path(frames[-1].filename).name}:{frames[-1].lineno})" if frames else ""
    return f"{type(exc).__name__}: {exc}"[:200] + where


def _process(path: Path, display: str, catalog: Catalog, year: int, limits: Limits,
             sub: Submission, package: Package | None) -> Submission:
    if package is None:
        try:
            package = read_package(path, limits)
        except OSError:
            pass  # check_file says so (file-unreadable)
    source: Path | Package = path if package is None else package
    if package is not None:
        sub.sha256, sub.size = package.sha256, package.size
    safety = check_file(source, limits)
    sub.findings.extend(_located(safety.findings, display))
    if not safety.ok:
        return sub
    deep = scan_parts(source, limits)
    sub.findings.extend(_located(deep, display))
    if has_error(deep):
        return sub
    try:
        raw = read_workbook(source, limits)
    except UnsafeContent as exc:
        sub.findings.append(exc.finding(display))
        return sub
    except MalformedWorkbook as exc:
        sub.findings.append(make("file-corrupt", file=display, detail=str(exc)))
        return sub
    sub.modified = raw.modified
    identity, found = identify(raw, catalog, year, display)
    sub.findings.extend(found)
    if identity is None:
        return sub
    sub.identity, sub.department = identity, identity.department
    sub.findings = [_with_department(f, identity.department) for f in sub.findings]
    sub.file_findings = len(sub.findings)
    model = _model(catalog, identity.department, year)
    reads, structural = read_fields(raw, model, display,
                                    older_catalog=identity.catalog_hash != catalog.content_hash)
    sub.typed = {fid: r.raw for fid, r in reads.items()}
    entries, value_findings = check_values(model, reads, display)
    sub.entries = entries
    sub.findings.extend(structural)
    sub.findings.extend(value_findings)
    return sub


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _located(findings: Iterable[Finding], display: str) -> list[Finding]:
    return [f if f.file else _replace(f, file=display) for f in findings]


def _with_department(f: Finding, department: str) -> Finding:
    return f if f.department else _replace(f, department=department)


def _replace(f: Finding, **changes: object) -> Finding:
    return replace(f, **changes)  # type: ignore[arg-type]


# ---- the folder ------------------------------------------------------------------------------

def validate_folder(folder: Path, catalog: Catalog, year: int,
                    limits: Limits = DEFAULT_LIMITS, workers: int | None = None,
                    cache: ResultCache | None = None, progress: Progress | None = None
                    ) -> ValidationResult:
    """Check every file below ``folder`` for fiscal ``year`` (each in an isolated child, see
    :func:`process_file`, or its earlier result from ``cache`` when its bytes did not change),
    choose one file per department, and report the unused duplicates and the departments
    that sent nothing. ``progress(done, total)`` is called as files are checked. The input
    files are only read."""
    from consolidator.checks.checked_files import check_files  # it imports process_file

    candidates, skipped = discover(folder)
    findings = Findings()
    findings.extend(skipped)
    subs = check_files(candidates, catalog, year, limits, workers, cache, progress)
    subs.sort(key=lambda s: s.file)
    chosen = choose(subs)
    at = {id(s): i for i, s in enumerate(subs)}
    for department, s in chosen.items():  # the files used: their values as plain objects
        if isinstance(s, PackedSubmission):
            chosen[department] = subs[at[id(s)]] = s.unpacked()
    for s in subs:
        # An unused duplicate keeps what concerns the file (a macro, an external link);
        # its values are not used, so neither are the findings about them.
        findings.extend(s.findings if s.used or not s.usable else s.findings[:s.file_findings])
    findings.extend(_duplicate_findings(subs, chosen))
    arrived = {s.department for s in subs if s.department}  # incl. files a bug stopped
    for department in catalog.department_names:
        if department not in chosen and department not in arrived:
            findings.add("unit-missing", department=department)
    return ValidationResult(catalog, year, subs, chosen, findings)


def choose(subs: list[Submission]) -> dict[str, Submission]:
    """One file per department: a distributed template over a copy recognised from its content,
    then the latest saved (document property ``modified``, compared as a point in time:
    :func:`saved_time`), then the latest file time, then the first name; the others are
    listed as not used."""
    chosen: dict[str, Submission] = {}
    for s in subs:
        if not s.usable or s.department is None:
            continue
        best = chosen.get(s.department)
        if best is None or _rank(s) > _rank(best):
            chosen[s.department] = s
    for s in chosen.values():
        s.used = True
    return chosen


def _rank(s: Submission) -> tuple[bool, float, float, str]:
    # Larger is better; the file name is inverted so the first name wins a full tie.
    template = s.identity is not None and not s.identity.recovered
    saved = saved_time(s.modified)
    return (template, -math.inf if saved is None else saved.timestamp(), s.mtime,
            "".join(chr(0x10FFFF - ord(c)) for c in s.file))


def saved_time(modified: str | None) -> datetime | None:
    """When a file says it was last saved, as a point in time (None when it does not say, or
    not as an ISO 8601 date and time).

    The texts differ by format and cannot be compared as strings: an .xlsx stores UTC with a
    "Z" (``2023-05-01T01:00:00Z``), LibreOffice's .ods stores the local time of the machine
    that saved it, without a zone and with nanoseconds (``2023-05-01T09:00:00.123456789``).
    A time without a zone is taken as the local time of the machine running the tool: the
    best guess there is (the secretariat and the departments are in the same city). The
    text itself is kept as the file has it (``Submission.modified``, the ledger's
    ``saved_at``)."""
    if not modified:
        return None
    try:
        when = datetime.fromisoformat(modified.strip())
        return when if when.tzinfo is not None else when.astimezone()  # naive: local time
    except (ValueError, OverflowError, OSError):  # not a date; a year the platform cannot place
        return None


def _duplicate_findings(subs: list[Submission], chosen: dict[str, Submission]) -> list[Finding]:
    out = []
    for s in subs:
        if not s.usable or s.department is None or s is chosen.get(s.department):
            continue
        used = chosen[s.department]
        mine, theirs = _values(s), _values(used)  # a packed submission is read back once
        keys = sorted(set(mine) | set(theirs))
        differ = [k for k in keys if mine.get(k) != theirs.get(k)]
        listed = (OUTPUT_TEXT["list-separator"].join(differ[:5])
                  + ("…" if len(differ) > 5 else ""))
        out.append(make("duplicate-not-used", file=s.file, department=s.department, used=used.file,
                        differ=len(differ), differ_list=f":{listed}" if differ else ""))
    return out


def _values(s: Submission) -> dict[str, object]:
    if isinstance(s, PackedSubmission):
        return s.entry_values()
    return {k: e.value for k, e in s.entries.items()}
