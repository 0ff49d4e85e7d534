"""The full safety verdict on one returned file, as a pipeline runs it.

:func:`verdict_of` = :func:`~consolidator.safety.file_check.check_file` (bytes and zip
directory), then, if the file passed, :func:`~consolidator.safety.content_scan.scan_parts`
(every XML part and the grid; an .ods through :mod:`consolidator.safety.odf_scan`). Used
where one verdict is wanted at once (``consolidator fields``); the validator runs the two steps
itself so it can stop early.
"""

from __future__ import annotations

from pathlib import Path

from consolidator.findings import has_error
from consolidator.limits import DEFAULT_LIMITS, Limits
from consolidator.safety.content_scan import scan_parts
from consolidator.safety.file_check import SafetyReport, check_file


def verdict_of(path: Path, limits: Limits = DEFAULT_LIMITS) -> SafetyReport:
    """The verdict on ``path``: its kind, whether a parser may read it, and the findings."""
    report = check_file(path, limits)
    if report.ok and report.kind in ("xlsx", "xlsm", "ods"):
        report.findings.extend(scan_parts(path, limits))
        report.ok = not has_error(report.findings)
    return report
