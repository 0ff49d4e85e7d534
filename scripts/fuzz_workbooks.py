"""Fuzz ``validate`` with mutated workbooks: every file must end as findings, never as an
exception escaping ``validate_folder`` and never as a hang.

Mutants are made from generated templates of the default plan (some filled in, as returned):

* bytes of the .xlsx: flips, truncations, insertions, deletions, duplicated stretches;
* the XML inside: a sheet, ``xl/workbook.xml``, ``xl/sharedStrings.xml`` (or another part) is
  altered — elements dropped or duplicated, attribute values replaced (huge numbers, broken
  references, ranges to XFD1048576, relationship ids that do not exist), cell values and
  texts replaced — and the file re-zipped.

Each mutant has its own seed (``SEED-N``), so any one can be made again::

    python3 scripts/fuzz_workbooks.py --seconds 60 --seed 7
    python3 scripts/fuzz_workbooks.py --reproduce 7-123 --out /tmp/m.xlsx

The run validates the mutants in batches with :func:`consolidator.checks.validation.validate_folder`
(each file parsed in an isolated child, as ``consolidate`` does), counts the finding codes, and
prints every exception that escaped (with the seeds of its batch, then the one file that raises
on its own), every batch that did not return in time, and every file whose reader raised inside
the child (``parse-exception`` / ``parse-crashed``: findings, but worth a look). ``--json``
prints the same as one JSON object. Exit code 1 if anything escaped or hung.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import re
import shutil
import signal
import sys
import tempfile
import time
import traceback
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

FIXED_TIME = datetime(2024, 4, 1, 9, 0, 0, tzinfo=UTC)
ZIP_TIME = (2024, 4, 1, 9, 0, 0)
BASE_UNITS = ("市社協", "高齢福祉課", "人権推進課", "中央図書館")
READER_RAISED = ("parse-exception", "parse-crashed")

# Values an attacker (or a broken writer) puts into attributes and cells.
NASTY = (
    "", "0", "-1", "1.5", "1e308", "-1e308", "1e-400", "NaN", "inf", "-0",
    "2147483648", "4294967296", "18446744073709551616", "9" * 40, "-" + "9" * 40,
    "A0", "A1", "XFD1048576", "XFE1", "A1048577", "A1:XFD1048576", "ZZZZ99999999", "1A",
    "$A$1", "'存在しない'!$A$1", "実施状況!$A$1:$XFD$1048576", "#REF!", "#N/A",
    "rId999", "../../../../etc/passwd", "/xl/worksheets/sheet1.xml", "http://example.com/x",
    "hidden", "veryHidden", "true", "false", "s", "inlineStr", "str", "e", "b", "n", "d",
    "あ" * 50, "x" * 5000, "&amp;", "&#0;", "&#xFFFF;", "_x0007_", "\u202e", "😀",
)
TYPES = ("s", "inlineStr", "str", "e", "b", "n", "d", "zz")
TAG = re.compile(rb"<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)\b[^<>]*?(/?)>")
ATTR = re.compile(rb"""(\s[A-Za-z_][\w.:-]*\s*=\s*)(["'])(.*?)\2""", re.S)
TEXT = re.compile(rb"<((?:\w+:)?(?:v|t|definedName|vt:lpwstr|dcterms:modified))(\s[^>]*)?>"
                  rb"([^<]*)</\1>")


# ---- the bases -----------------------------------------------------------------------------------

def make_bases(folder: Path) -> list[Path]:
    """A few templates of the default plan, each as sent and as returned (filled in), with fixed
    timestamps so that the same seed makes the same mutant on any machine and any day."""
    from consolidator.jobs.filling import fill_fields
    from consolidator.plan.catalog import Catalog
    from consolidator.reading.field_map import field_map
    from consolidator.templates.generate import generate_templates

    folder.mkdir(parents=True, exist_ok=True)
    catalog = Catalog.default()
    templates = generate_templates(catalog, catalog.report_year, folder / "generated",
                                   only=list(BASE_UNITS), now=FIXED_TIME)
    bases = []
    for t in templates:
        sent = folder / ("sent_" + t.name)
        _normalise(t, sent)
        values: dict[str, Any] = {}
        for row in field_map(t):
            if row["role"] in ("status", "plan"):
                values[row["field_id"]] = f"実施しました。({row['field_id']})"
            elif row["role"] == "value":
                values[row["field_id"]] = 12
        filled = folder / "filled.tmp.xlsx"
        fill_fields(t, filled, values)
        returned = folder / ("returned_" + t.name)
        _normalise(filled, returned)
        filled.unlink()
        bases += [sent, returned]
    shutil.rmtree(folder / "generated")
    return sorted(bases)


def _normalise(src: Path, dst: Path) -> None:
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    entries = []
    with zipfile.ZipFile(src) as zf:
        for info in zf.infolist():
            data = zf.read(info)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp,
                              data)
            entries.append((info.filename, data))
    dst.write_bytes(_zip(entries))


def _zip(entries: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return buf.getvalue()


# ---- mutations -----------------------------------------------------------------------------------

def _nasty(rng: random.Random) -> bytes:
    if rng.random() < 0.2:
        return str(rng.choice([rng.randint(-2**70, 2**70), rng.random() * 10 ** rng.randint(
            -300, 300)])).encode()
    return rng.choice(NASTY).encode("utf-8")


def _span(data: bytes, rng: random.Random) -> tuple[int, int]:
    start = rng.randrange(len(data) + 1)
    return start, min(len(data), start + rng.choice([1, 4, 64, 512, 4096]))


def flip_bytes(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    out = bytearray(data)
    n = rng.choice([1, 2, 8, 32])
    for _ in range(n):
        i = rng.randrange(len(out))
        out[i] ^= 1 << rng.randrange(8)
    return bytes(out), f"flip {n} bits"


def truncate(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    at = rng.randrange(len(data))
    return data[:at], f"truncate at {at}"


def insert_bytes(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    at = rng.randrange(len(data) + 1)
    blob = rng.choice([rng.randbytes(rng.randint(1, 256)), b"PK\x03\x04", b"PK\x05\x06",
                       b"\x00" * 100, b"<" * 10])
    return data[:at] + blob + data[at:], f"insert {len(blob)} bytes at {at}"


def delete_bytes(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    a, b = _span(data, rng)
    return data[:a] + data[b:], f"delete bytes {a}:{b}"


def duplicate_bytes(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    a, b = _span(data, rng)
    return data[:b] + data[a:b] + data[b:], f"duplicate bytes {a}:{b}"


BYTE_MUTATIONS: list[Callable[[bytes, random.Random], tuple[bytes, str]]] = [
    flip_bytes, truncate, insert_bytes, delete_bytes, duplicate_bytes]


def _element(xml: bytes, rng: random.Random) -> tuple[int, int, bytes] | None:
    """A random element: (start, end, name), the end found by the first matching close tag."""
    tags = [m for m in TAG.finditer(xml) if not m.group(0).startswith((b"<?", b"</"))]
    if not tags:
        return None
    m = rng.choice(tags)
    name = (m.group(1) or b"") + m.group(2)
    if m.group(3):
        return m.start(), m.end(), name
    close = xml.find(b"</" + name + b">", m.end())
    if close == -1:
        return m.start(), m.end(), name
    return m.start(), close + len(name) + 3, name


def drop_element(xml: bytes, rng: random.Random) -> tuple[bytes, str]:
    found = _element(xml, rng)
    if not found:
        return xml, "drop (nothing)"
    a, b, name = found
    return xml[:a] + xml[b:], f"drop <{name.decode()}> at {a}"


def duplicate_element(xml: bytes, rng: random.Random) -> tuple[bytes, str]:
    found = _element(xml, rng)
    if not found:
        return xml, "duplicate (nothing)"
    a, b, name = found
    times = rng.choice([1, 1, 2, 50])
    return xml[:b] + xml[a:b] * times + xml[b:], f"duplicate <{name.decode()}> x{times} at {a}"


def set_attribute(xml: bytes, rng: random.Random) -> tuple[bytes, str]:
    attrs = list(ATTR.finditer(xml))
    if not attrs:
        return xml, "attribute (none)"
    m = rng.choice(attrs)
    value = _nasty(rng).replace(m.group(2), b"")
    return (xml[:m.start(3)] + value + xml[m.end(3):],
            f"attribute{m.group(1).decode().rstrip('= ')}={value[:40]!r} at {m.start()}")


def set_text(xml: bytes, rng: random.Random) -> tuple[bytes, str]:
    texts = list(TEXT.finditer(xml))
    if not texts:
        return xml, "text (none)"
    m = rng.choice(texts)
    value = _nasty(rng) if rng.random() < 0.8 else rng.randbytes(rng.randint(1, 30))
    return (xml[:m.start(3)] + value + xml[m.end(3):],
            f"text <{m.group(1).decode()}>={value[:40]!r} at {m.start()}")


def set_cell_type(xml: bytes, rng: random.Random) -> tuple[bytes, str]:
    cells = list(re.finditer(rb"<c\b[^>]*?>", xml))
    if not cells:
        return xml, "cell type (no cell)"
    m = rng.choice(cells)
    kind = rng.choice(TYPES).encode()
    tag = re.sub(rb'\st="[^"]*"', b"", m.group(0))
    tag = tag[:2] + b' t="' + kind + b'"' + tag[2:]
    return xml[:m.start()] + tag + xml[m.end():], f"cell type t={kind.decode()} at {m.start()}"


def break_reference(xml: bytes, rng: random.Random) -> tuple[bytes, str]:
    refs = list(re.finditer(rb'\b(r|ref|sqref|r:id|Target|location|topLeftCell)="([^"]*)"',
                            xml))
    if not refs:
        return set_attribute(xml, rng)
    m = rng.choice(refs)
    value = rng.choice([b"A0", b"XFE1048577", b"A1:XFD1048576", b"", b"rId999", b"B2:A1",
                        b"A1 A1 A1", b"ZZZZZZ1", b"../../x.xml", b"#REF!", b"A" * 300])
    return (xml[:m.start(2)] + value + xml[m.end(2):],
            f"reference {m.group(1).decode()}={value[:40]!r} at {m.start()}")


def break_xml(xml: bytes, rng: random.Random) -> tuple[bytes, str]:
    at = rng.randrange(len(xml) + 1)
    junk = rng.choice([b"<", b">", b"&", b"</x>", b"<x>", b"<!-- ", b"]]>", b"\x00",
                       b"<!DOCTYPE x>", b'<?xml version="1.0"?>', b"\xff\xfe"])
    return xml[:at] + junk + xml[at:], f"insert {junk!r} at {at}"


XML_MUTATIONS: list[Callable[[bytes, random.Random], tuple[bytes, str]]] = [
    drop_element, duplicate_element, set_attribute, set_text, set_cell_type, break_reference,
    break_xml]


def _target_part(names: list[str], rng: random.Random) -> str:
    sheets = [n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")]
    weighted = sheets * 3 + ["xl/workbook.xml"] * 3 + [
        n for n in names if n in ("xl/sharedStrings.xml", "docProps/custom.xml",
                                  "xl/_rels/workbook.xml.rels", "[Content_Types].xml",
                                  "xl/styles.xml", "docProps/core.xml")] * 2
    return rng.choice(weighted or names)


def mutate(base: bytes, rng: random.Random) -> tuple[bytes, list[str]]:
    """One mutant of ``base``: byte-level (35 %) or XML-level (65 %), 1-3 mutations."""
    ops: list[str] = []
    if rng.random() < 0.35:
        data = base
        for _ in range(rng.choice([1, 1, 2, 3])):
            if not data:
                break
            data, op = rng.choice(BYTE_MUTATIONS)(data, rng)
            ops.append(op)
        return data, ops
    with zipfile.ZipFile(io.BytesIO(base)) as zf:
        entries = [(i.filename, zf.read(i)) for i in zf.infolist()]
    names = [n for n, _ in entries]
    for _ in range(rng.choice([1, 1, 2, 3])):
        part = _target_part(names, rng)
        i = names.index(part)
        xml, op = rng.choice(XML_MUTATIONS)(entries[i][1], rng)
        entries[i] = (part, xml)
        ops.append(f"{part}: {op}")
    return _zip(entries), ops


def make_mutant(bases: list[Path], mutant_seed: str) -> tuple[bytes, str, list[str]]:
    rng = random.Random(mutant_seed)
    base = rng.choice(bases)
    data, ops = mutate(base.read_bytes(), rng)
    return data, base.name, ops


# ---- the run -------------------------------------------------------------------------------------

@dataclass
class Report:
    seed: int
    mutants: int = 0
    batches: int = 0
    seconds: float = 0.0
    codes: Counter[str] = field(default_factory=Counter)
    files_with_findings: int = 0
    files_without_findings: int = 0
    escaped: list[dict[str, Any]] = field(default_factory=list)
    hangs: list[dict[str, Any]] = field(default_factory=list)
    reader_raised: list[dict[str, Any]] = field(default_factory=list)
    unaccounted: list[str] = field(default_factory=list)
    slowest: list[tuple[float, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"seed": self.seed, "mutants": self.mutants, "batches": self.batches,
                "seconds": round(self.seconds, 1), "codes": dict(self.codes.most_common()),
                "files_with_findings": self.files_with_findings,
                "files_without_findings": self.files_without_findings,
                "escaped": self.escaped, "hangs": self.hangs,
                "reader_raised": self.reader_raised, "unaccounted": self.unaccounted,
                "slowest_batches": self.slowest[:5]}


class _Hang(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise _Hang()


def run_batch(folder: Path, catalog: Any, year: int, bound_s: float) -> Any:
    """``validate_folder`` on ``folder``; raises _Hang after ``bound_s`` seconds."""
    from consolidator.checks.validation import validate_folder

    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, bound_s)
    try:
        return validate_folder(folder, catalog, year)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def fuzz(seconds: float, seed: int, *, batch: int = 12, work: Path | None = None,
         save: Path | None = None, log: Callable[[str], None] = print) -> Report:
    from consolidator.limits import DEFAULT_LIMITS
    from consolidator.plan.catalog import Catalog

    catalog = Catalog.default()
    year = catalog.report_year
    own_work = work is None
    work = Path(tempfile.mkdtemp(prefix="fuzz-workbooks-")) if work is None else work
    report = Report(seed)
    start = time.monotonic()
    try:
        bases = make_bases(work / "bases")
        # a batch's bound: every file of it at its time limit on one worker, plus start-up
        bound = batch * DEFAULT_LIMITS.parse_timeout_s + 30
        n = 0
        while time.monotonic() - start < seconds:
            folder = work / f"batch{report.batches:04d}"
            folder.mkdir()
            made: dict[str, tuple[str, str, list[str]]] = {}
            for _ in range(batch):
                mutant_seed = f"{seed}-{n}"
                data, base, ops = make_mutant(bases, mutant_seed)
                name = f"m{n:06d}.xlsx"
                (folder / name).write_bytes(data)
                made[name] = (mutant_seed, base, ops)
                n += 1
            report.batches += 1
            report.mutants += len(made)
            seeds = [s for s, _, _ in made.values()]
            t0 = time.monotonic()
            try:
                result = run_batch(folder, catalog, year, bound)
            except _Hang:
                report.hangs.append({"seeds": seeds, "bound_s": bound})
                log(f"HANG: batch with seeds {seeds[0]}..{seeds[-1]} did not return in "
                    f"{bound:g} s")
                _keep(save, folder, made)
                shutil.rmtree(folder)
                continue
            except Exception as exc:  # noqa: BLE001 - the point of the fuzzer
                culprits = _culprits(folder, made, catalog, year, bound)
                report.escaped.append({"seeds": seeds, "culprits": culprits,
                                       "error": f"{type(exc).__name__}: {exc}"[:500],
                                       "traceback": traceback.format_exc()[-2000:]})
                log(f"ESCAPED {type(exc).__name__}: {exc} — seeds {seeds[0]}..{seeds[-1]}, "
                    f"on its own: {culprits}")
                _keep(save, folder, made)
                shutil.rmtree(folder)
                continue
            report.slowest.append((round(time.monotonic() - t0, 2), f"{seeds[0]}..{seeds[-1]}"))
            by_file = {s.file: s for s in result.submissions}
            for name, (mutant_seed, base, ops) in made.items():
                sub = by_file.get(name)
                if sub is None:
                    report.unaccounted.append(mutant_seed)
                    continue
                codes = [f.code for f in sub.findings]
                report.codes.update(codes)
                if codes:
                    report.files_with_findings += 1
                else:
                    report.files_without_findings += 1
                for f in sub.findings:
                    if f.code in READER_RAISED:
                        report.reader_raised.append({
                            "seed": mutant_seed, "base": base, "ops": ops, "code": f.code,
                            "message": f.message[:300]})
                        _keep(save, folder, {name: made[name]})
            shutil.rmtree(folder)
    finally:
        report.seconds = time.monotonic() - start
        report.slowest.sort(reverse=True)
        if own_work:
            shutil.rmtree(work, ignore_errors=True)
    return report


def _culprits(folder: Path, made: dict[str, tuple[str, str, list[str]]], catalog: Any,
              year: int, bound: float) -> list[str]:
    """The mutants that make validate_folder raise on their own."""
    out = []
    for name, (mutant_seed, _, _) in made.items():
        with tempfile.TemporaryDirectory(prefix="fuzz-one-") as one:
            shutil.copy(folder / name, Path(one) / name)
            try:
                run_batch(Path(one), catalog, year, bound)
            except Exception:  # noqa: BLE001
                out.append(mutant_seed)
    return out


def _keep(save: Path | None, folder: Path, made: dict[str, tuple[str, str, list[str]]]) -> None:
    if save is None:
        return
    save.mkdir(parents=True, exist_ok=True)
    for name, (mutant_seed, base, ops) in made.items():
        shutil.copy(folder / name, save / f"{mutant_seed}.xlsx")
        (save / f"{mutant_seed}.txt").write_text(f"base {base}\n" + "\n".join(ops) + "\n",
                                                 "utf-8")


def print_report(report: Report) -> None:
    print(f"seed {report.seed}: {report.mutants} mutants in {report.batches} batches, "
          f"{report.seconds:.1f} s")
    print(f"  files with findings {report.files_with_findings}, "
          f"without {report.files_without_findings}")
    print("  finding codes (all files):")
    for code, count in report.codes.most_common():
        print(f"    {code:<26} {count:>6}")
    print(f"  escaped exceptions: {len(report.escaped)}")
    for e in report.escaped:
        print(f"    {e['error']}  (batch {e['seeds'][0]}..{e['seeds'][-1]}, "
              f"alone: {e['culprits']})")
    print(f"  hangs: {len(report.hangs)}")
    for h in report.hangs:
        print(f"    batch {h['seeds'][0]}..{h['seeds'][-1]} (> {h['bound_s']:g} s)")
    print(f"  reader raised inside the child (reported as findings): {len(report.reader_raised)}")
    for r in report.reader_raised[:20]:
        print(f"    {r['seed']} {r['code']} {r['message'][:160]}")
    if report.unaccounted:
        print(f"  files without a Submission: {report.unaccounted}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=60.0, help="how long to fuzz (default 60)")
    ap.add_argument("--seed", type=int, default=1, help="the run's seed (default 1)")
    ap.add_argument("--batch", type=int, default=12, help="mutants per validate_folder call")
    ap.add_argument("--save", type=Path, help="keep mutants that escaped, hung or made the "
                                              "reader raise, with their mutations, here")
    ap.add_argument("--json", action="store_true", help="print the report as one JSON object")
    ap.add_argument("--reproduce", metavar="SEED-N", help="write mutant SEED-N to --out")
    ap.add_argument("--out", type=Path, help="where --reproduce writes the mutant")
    args = ap.parse_args(argv)
    if args.reproduce:
        if not args.out:
            ap.error("--reproduce needs --out")
        with tempfile.TemporaryDirectory(prefix="fuzz-bases-") as tmp:
            data, base, ops = make_mutant(make_bases(Path(tmp)), args.reproduce)
        args.out.write_bytes(data)
        print(f"{args.out}: from {base}")
        for op in ops:
            print(f"  {op}")
        return 0
    report = fuzz(args.seconds, args.seed, batch=args.batch, save=args.save,
                  log=(lambda s: print(s, file=sys.stderr)) if args.json else print)
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        print_report(report)
    return 1 if report.escaped or report.hangs or report.unaccounted else 0


if __name__ == "__main__":
    sys.exit(main())
