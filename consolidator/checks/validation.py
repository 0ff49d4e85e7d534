"""``validate``: every file in the submissions folder checked against the plan.

Each file is checked in an isolated child process (:mod:`~consolidator.checks.one_file`, run
by :mod:`~consolidator.checks.checked_files`, its result reused from the cache when its bytes
did not change). Back in the parent: one file chosen per department, the others listed as not
used, and every department that sent nothing reported.
No workbook is held in the parent: each file costs one compact :class:`Submission` (its
accepted values and findings, about 20 KiB for a filled template), which is what the master
is built from.
"""

from __future__ import annotations

import math
from datetime import datetime
from pathlib import Path

from consolidator.cache.codec import PackedSubmission, RecordDamaged, differing_fields
from consolidator.cache.folder import decode_folder, encode_folder
from consolidator.cache.listing import Stamps, listing_digest, stamps_of
from consolidator.cache.store import ResultCache, context_of, open_cache
from consolidator.checks.result import Progress, ValidationResult
from consolidator.findings import Finding, Findings, make
from consolidator.limits import DEFAULT_LIMITS, Limits
from consolidator.messages import MESSAGES, OUTPUT_TEXT
from consolidator.plan.catalog import Catalog
from consolidator.reading.discovery import Candidate, discover
from consolidator.safety.package import read_package
from consolidator.submission import Submission


def validate_reusing(folder: Path, catalog: Catalog, year: int, cache_file: Path, *,
                     reuse: bool = True, limits: Limits = DEFAULT_LIMITS,
                     progress: Progress | None = None) -> ValidationResult:
    """:func:`validate_folder` with the result cache at ``cache_file`` (``reuse`` False: every
    file checked again, ``--no-cache``), which is then left holding exactly this run's
    results. What happened to a cache that could not be used is added to the findings
    (information); the run never stops for it."""
    context = context_of(catalog.doc, year, limits, MESSAGES)
    cache = open_cache(cache_file, context, reuse=reuse)
    try:
        result = validate_folder(folder, catalog, year, limits, cache=cache, progress=progress)
    except BaseException:
        cache.close(complete=False)
        raise
    cache.close()
    result.findings.extend(cache.findings)
    result.reused = cache.hits
    return result


def validate_folder(folder: Path, catalog: Catalog, year: int,
                    limits: Limits = DEFAULT_LIMITS, workers: int | None = None,
                    cache: ResultCache | None = None, progress: Progress | None = None
                    ) -> ValidationResult:
    """Check every file below ``folder`` for fiscal ``year`` (each in an isolated child, see
    :func:`~consolidator.checks.one_file.process_file`, or its earlier result from ``cache``
    when its bytes did not change), choose one file per department, and report the unused
    duplicates and the departments that sent nothing. ``progress(done, total)`` is called as
    files are checked. The input files are only read."""
    candidates, skipped = discover(folder)
    stamps = stamps_of(candidates) if cache is not None and candidates else None
    listing = stats = None
    digests: dict[str, str] = {}  # display → SHA-256, of the files hashed for the folder's row
    known: dict[tuple[str, str], Submission] = {}  # (name, SHA-256) → its result, from that row
    if cache is not None and stamps is not None:
        listing = listing_digest(candidates, stamps, [f.file or "" for f in skipped])
        stats = cache.folder_stats(listing)
        whole = _from_folder_row(cache, stats, candidates, stamps, limits, digests, known)
        if whole is not None:
            subs, chosen, found = whole
            if progress is not None:  # as file by file: each was read and hashed
                for done in range(len(subs) + 1):
                    progress(done, len(subs))
            return ValidationResult(catalog, year, subs, chosen, Findings(found))
    # Loaded only when the files are looked up one by one (the reading children's side).
    from consolidator.checks.checked_files import all_results

    findings = Findings()
    findings.extend(skipped)
    subs = all_results(candidates, catalog, year, limits, workers, cache, progress,
                       mtimes=None if stamps is None else {d: t[2] for d, t in stamps.items()},
                       digests=digests, known=known)
    subs.sort(key=lambda s: s.file)
    chosen = choose(subs)
    duplicates = _duplicate_findings(subs, chosen)  # while the used files are still packed
    # What the folder's row keeps of each file, taken while every file is still packed (one
    # short: a file whose result is not kept, so neither is the folder's).
    packed = ([(s.body, s.digests) for s in subs
               if isinstance(s, PackedSubmission) and s.sha256] if stats is not None else [])
    _unpack_chosen(subs, chosen)
    for s in subs:
        # An unused duplicate keeps what concerns the file (a macro, an external link);
        # its values are not used, so neither are the findings about them.
        findings.extend(s.findings if s.used or not s.usable else s.findings[:s.file_findings])
    findings.extend(duplicates)
    arrived = {s.department for s in subs if s.department}  # incl. files a bug stopped
    for department in catalog.department_names:
        if department not in chosen and department not in arrived:
            findings.add("unit-missing", department=department)
    if cache is not None and listing is not None and stats is not None \
            and len(packed) == len(subs):
        sha = {s.file: s.sha256 for s in subs}
        cache.put_folder(listing, stats,
                         cache.folder_key(stats, [sha[c.display] for c in candidates]),
                         encode_folder(subs, [b for b, _ in packed], [d for _, d in packed],
                                       chosen, list(findings)))
    return ValidationResult(catalog, year, subs, chosen, findings)


def _from_folder_row(cache: ResultCache, stats: str, candidates: list[Candidate],
                     stamps: Stamps, limits: Limits, digests: dict[str, str],
                     known: dict[tuple[str, str], Submission]
                     ) -> tuple[list[Submission], dict[str, Submission], list[Finding]] | None:
    """The folder's whole result from the cache when every input is as when it was kept:
    the files listed alike (``stats``), then hashed (filling ``digests``: a file changed with
    the same size and times must still be seen), their SHA-256 the same. Otherwise, when the
    row is of this run's context, ``known`` filled with the results it holds by file name and
    SHA-256 (for the files to be taken from it one by one), and None. A row that does not
    decode, or not into these files, is dropped with a finding."""
    stored = cache.stored_folder()
    if stored is None:
        return None
    stored_stats, key, data = stored
    try:
        if stored_stats == stats and _hashed(candidates, limits, digests) \
                and cache.folder_key(stats, [digests[c.display] for c in candidates]) == key:
            subs, chosen, found = decode_folder(data)
            if (len(subs) != len(candidates)
                    or any(digests.get(s.file) != s.sha256 or stamps[s.file][2] != s.mtime
                           for s in subs)):
                raise RecordDamaged("not these files")
            _unpack_chosen(subs, chosen)  # (their bodies read: one that is not one, damaged)
            cache.folder_reused(len(subs))
            return subs, chosen, found
        for s in decode_folder(data, digests=True)[0]:
            known[(s.file, s.sha256)] = s
    except (RecordDamaged, KeyError) as exc:
        known.clear()
        cache.folder_damaged(str(exc))
    return None


def _hashed(candidates: list[Candidate], limits: Limits, digests: dict[str, str]) -> bool:
    """Every file read and hashed into ``digests`` (False when one cannot be read)."""
    for c in candidates:
        try:
            digests[c.display] = read_package(c.path, limits).sha256
        except OSError:
            return False
    return True


def _unpack_chosen(subs: list[Submission], chosen: dict[str, Submission]) -> None:
    """The files used: their values as plain objects (in ``subs`` too)."""
    at = {id(s): i for i, s in enumerate(subs)}
    for department, s in chosen.items():
        if isinstance(s, PackedSubmission):
            chosen[department] = subs[at[id(s)]] = s.unpacked()


def choose(subs: list[Submission]) -> dict[str, Submission]:
    """One file per department: a distributed template over a copy recognised from its content,
    then the latest saved (document property ``modified``, compared as a point in time:
    :func:`saved_time`), then the latest file time, then the first name; the others are
    listed as not used."""
    chosen: dict[str, Submission] = {}
    ranks: dict[str, tuple[bool, float, float, str]] = {}  # department → its best's rank
    for s in subs:
        if not s.usable or s.department is None:
            continue
        rank = _rank(s)
        if s.department not in ranks or rank > ranks[s.department]:
            chosen[s.department], ranks[s.department] = s, rank
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
    from consolidator.checks.changes import changed_from, normalised

    out = []
    compared: dict[str, dict[str, object]] = {}  # department → its used file's values
    for s in subs:
        if not s.usable or s.department is None or s is chosen.get(s.department):
            continue
        used = chosen[s.department]
        if (isinstance(s, PackedSubmission) and isinstance(used, PackedSubmission)
                and s.digests is not None and used.digests is not None):
            differ = differing_fields(s.digests, used.digests)  # neither body read back
        else:
            if s.department not in compared:
                compared[s.department] = normalised(_values(used))
            differ = changed_from(_values(s), compared[s.department])  # packed: read back once
        listed = (OUTPUT_TEXT["list-separator"].join(differ[:5])
                  + ("…" if len(differ) > 5 else ""))
        out.append(make("duplicate-not-used", file=s.file, department=s.department, used=used.file,
                        differ=len(differ), differ_list=f":{listed}" if differ else ""))
    return out


def _values(s: Submission) -> dict[str, object]:
    if isinstance(s, PackedSubmission):
        return s.entry_values()
    return {k: e.value for k, e in s.entries.items()}
