"""``validate``: every file in the submissions folder checked against the plan.

For each file, in an isolated child process: safety checks on the raw bytes, reading, identity,
finding the fields again, the value rules. Back in the parent: one file chosen per unit, the
others listed as not used, and every unit that sent nothing reported. No workbook is held in
the parent: each file costs one compact :class:`Submission` (its accepted values and findings,
about 20 KiB for a filled template), which is what the master is built from.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache, partial
from pathlib import Path
from xml.etree import ElementTree as ET

from consolidator.checks.value_rules import Entry, check_values
from consolidator.findings import Finding, Findings, make
from consolidator.limits import DEFAULT_LIMITS, Limits
from consolidator.plan.catalog import Catalog
from consolidator.reading.fields import read_fields
from consolidator.reading.intake import Candidate, Identity, discover, identify
from consolidator.reading.workbook import read_workbook
from consolidator.safety.content_scan import scan_parts
from consolidator.safety.file_check import check_file
from consolidator.safety.isolation import outcome_finding, run_isolated
from consolidator.safety.xml_parts import UnsafeContent
from consolidator.templates.model import UnitTemplate, build


@dataclass
class Submission:
    """One file from the folder, as far as it could be read."""

    file: str
    unit: str | None = None
    identity: Identity | None = None
    modified: str | None = None
    mtime: float = 0.0
    entries: dict[str, Entry] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    file_findings: int = 0  # how many of ``findings`` are about the file (safety, identity)
    used: bool = False

    @property
    def usable(self) -> bool:
        return self.identity is not None


@dataclass
class ValidationResult:
    catalog: Catalog
    year: int
    submissions: list[Submission]
    chosen: dict[str, Submission]
    findings: Findings

    @property
    def valid(self) -> bool:
        return self.findings.valid

    def unit_rows(self) -> list[dict[str, object]]:
        """Per reporting unit: received?, file used, files not used, errors, warnings."""
        rows = []
        for unit in self.catalog.unit_names:
            chosen = self.chosen.get(unit)
            others = [s.file for s in self.submissions if s.unit == unit and s is not chosen]
            mine = [f for f in self.findings if f.unit == unit]
            rows.append({
                "unit": unit,
                "received": chosen is not None,
                "file": chosen.file if chosen else "",
                "not_used": others,
                "format_version": chosen.identity.format_version if chosen and chosen.identity
                else "",
                "errors": sum(1 for f in mine if f.severity == "error"),
                "warnings": sum(1 for f in mine if f.severity == "warning"),
            })
        return rows


# ---- one file ---------------------------------------------------------------------------------

@lru_cache(maxsize=64)
def _model(catalog: Catalog, unit: str, year: int) -> UnitTemplate:
    return build(catalog, unit, year)


def process_file(path: Path, display: str, catalog: Catalog, year: int,
                 limits: Limits = DEFAULT_LIMITS) -> Submission:
    sub = Submission(file=display, mtime=_mtime(path))
    safety = check_file(path, limits)
    sub.findings.extend(_located(safety.findings, display))
    if not safety.ok:
        return sub
    deep = scan_parts(path, limits)
    sub.findings.extend(_located(deep, display))
    if any(f.severity == "error" for f in deep):
        return sub
    try:
        raw = read_workbook(path, limits)
    except UnsafeContent as exc:
        sub.findings.append(exc.finding(display))
        return sub
    except CORRUPT_ERRORS as exc:
        sub.findings.append(make("file-corrupt", file=display,
                                 detail=f"{type(exc).__name__}: {exc}"[:200]))
        return sub
    sub.modified = raw.modified
    identity, found = identify(raw, catalog, year, display)
    sub.findings.extend(found)
    if identity is None:
        return sub
    sub.identity, sub.unit = identity, identity.unit
    sub.findings = [_with_unit(f, identity.unit) for f in sub.findings]
    sub.file_findings = len(sub.findings)
    model = _model(catalog, identity.unit, year)
    reads, structural = read_fields(raw, model, display)
    entries, value_findings = check_values(model, reads, display)
    sub.entries = entries
    sub.findings.extend(structural)
    sub.findings.extend(value_findings)
    return sub


def _corrupt_errors() -> tuple[type[BaseException], ...]:
    import python_calamine

    return (ET.ParseError, zipfile.BadZipFile, KeyError, ValueError, IndexError, UnicodeError,
            EOFError, python_calamine.CalamineError)


CORRUPT_ERRORS = _corrupt_errors()


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _located(findings: Iterable[Finding], display: str) -> list[Finding]:
    return [f if f.file else _replace(f, file=display) for f in findings]


def _with_unit(f: Finding, unit: str) -> Finding:
    return f if f.unit else _replace(f, unit=unit)


def _replace(f: Finding, **changes: object) -> Finding:
    return replace(f, **changes)  # type: ignore[arg-type]


def _process_item(catalog: Catalog, year: int, limits: Limits, item: tuple[str, str]
                  ) -> Submission:
    """The child's task (bound to the catalog once per worker with functools.partial)."""
    return process_file(Path(item[0]), item[1], catalog, year, limits)


# ---- the folder ------------------------------------------------------------------------------

def validate_folder(folder: Path, catalog: Catalog, year: int,
                    limits: Limits = DEFAULT_LIMITS, workers: int | None = None
                    ) -> ValidationResult:
    candidates, skipped = discover(folder)
    findings = Findings()
    findings.extend(skipped)
    subs = list(_process_all(candidates, catalog, year, limits, workers))
    subs.sort(key=lambda s: s.file)
    chosen = choose(subs)
    for s in subs:
        # An unused duplicate keeps what concerns the file (a macro, an external link);
        # its values are not used, so neither are the findings about them.
        findings.extend(s.findings if s.used or not s.usable else s.findings[:s.file_findings])
    findings.extend(_duplicate_findings(subs, chosen))
    for unit in catalog.unit_names:
        if unit not in chosen:
            findings.add("unit-missing", unit=unit)
    return ValidationResult(catalog, year, subs, chosen, findings)


def _process_all(candidates: list[Candidate], catalog: Catalog, year: int, limits: Limits,
                 workers: int | None) -> Iterable[Submission]:
    if not candidates:
        return
    items = [(str(c.path), c.display) for c in candidates]
    n = workers or max(1, min(len(items), os.cpu_count() or 1))
    task = partial(_process_item, catalog, year, limits)
    for item, outcome in run_isolated(task, items, timeout_s=limits.parse_timeout_s,
                                      memory_bytes=limits.child_memory_bytes, workers=n):
        if outcome.ok:
            yield outcome.value
        else:
            yield Submission(file=item[1], findings=[outcome_finding(outcome, item[1])])


def choose(subs: list[Submission]) -> dict[str, Submission]:
    """One file per unit: the latest saved (document property ``modified``), then the latest
    file time, then the first name; the others are listed as not used."""
    chosen: dict[str, Submission] = {}
    for s in subs:
        if not s.usable or s.unit is None:
            continue
        best = chosen.get(s.unit)
        if best is None or _rank(s) > _rank(best):
            chosen[s.unit] = s
    for s in chosen.values():
        s.used = True
    return chosen


def _rank(s: Submission) -> tuple[str, float, str]:
    # Larger is better; the file name is inverted so the first name wins a full tie.
    return (s.modified or "", s.mtime, "".join(chr(0x10FFFF - ord(c)) for c in s.file))


def _duplicate_findings(subs: list[Submission], chosen: dict[str, Submission]) -> list[Finding]:
    out = []
    for s in subs:
        if not s.usable or s.unit is None or s is chosen.get(s.unit):
            continue
        used = chosen[s.unit]
        keys = sorted(set(s.entries) | set(used.entries))
        differ = [k for k in keys if _entry_value(s, k) != _entry_value(used, k)]
        listed = "、".join(differ[:5]) + ("…" if len(differ) > 5 else "")
        out.append(make("duplicate-not-used", file=s.file, unit=s.unit, used=used.file,
                        differ=len(differ), differ_list=f":{listed}" if differ else ""))
    return out


def _entry_value(s: Submission, key: str) -> object:
    e = s.entries.get(key)
    return None if e is None else e.value
