"""One returned file checked end to end (:func:`process_file`), in the reading child: safety
checks on the raw bytes, reading, identity, finding the fields again, the value rules.

:mod:`~consolidator.checks.checked_files` runs it for each file of the folder in an isolated
child; :mod:`~consolidator.checks.validation` then works on the folder's results.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterable
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from consolidator.checks.value_rules import check_values
from consolidator.findings import Finding, has_error, make
from consolidator.limits import DEFAULT_LIMITS, Limits
from consolidator.package_parts import UnsafeContent
from consolidator.plan.catalog import Catalog
from consolidator.reading.fields import read_fields
from consolidator.reading.intake import identify
from consolidator.reading.malformed import MalformedWorkbook
from consolidator.reading.workbook import read_workbook
from consolidator.safety.content_scan import scan_parts
from consolidator.safety.file_check import check_file
from consolidator.safety.package import Package, read_package
from consolidator.submission import Submission
from consolidator.templates.model import TemplateModel, build


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
