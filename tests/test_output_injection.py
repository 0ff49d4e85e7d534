"""Issue 7: department text that looks like a formula stays text in every output.

Hypothesis draws texts that start with a formula prefix (``=`` ``+`` ``-`` ``@``, tab, CR and
the full-width ＝ ＋ － ＠) and are 0 to 40,000 characters long, written the way text is
written: characters of a small drawn alphabet in a drawn order. It types them into the status,
plan and reason_text fields (and one 未記入の理由 choice, whose invalid value the validation
log quotes) of every mini-plan template, and consolidates. Then:

* no cell of the master or of ``validation_log.xlsx`` is a formula or a hyperlink;
* every string the validator accepted appears in the master as text (cut with
  ``…(以下省略)`` if the cell would pass Excel's 32,767 characters);
* no cell of ``validation_log.csv`` starts with a formula prefix, and the invalid reason is
  there with a leading ``'``.

One character repeated 32,766 times is not department text: a part of more than 1 MiB that
compresses better than 100:1 is how a zip bomb looks, and the file is refused as one
(``zip-bomb-ratio``). That draw is pinned below with its exact outcome.
"""

from __future__ import annotations

import random
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from consolidator.cell_text import FORMULA_PREFIXES, utf16_length
from consolidator.findings import ERROR
from consolidator.jobs.runs import run_consolidate
from consolidator.limits import DEFAULT_LIMITS, EXCEL_MAX_CELL_CHARS
from consolidator.messages import OUTPUT_TEXT
from consolidator.plan.catalog import COUNCIL, Catalog
from helpers.filling import cell_of, complete_values, fields_of, submit_all
from helpers.master import all_texts, csv_cells, formula_or_link_cells

TRUNCATED = OUTPUT_TEXT["truncated"]

YEAR = 2022
PREFIXES = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
EXCEL_MAX = 32_767
# printable only: letters, marks, numbers, punctuation, symbols, spaces (control characters
# are reported by the safety scan and would make the file refused for another reason), and
# in the Basic Multilingual Plane: astral characters count twice towards Excel's limit (see
# test_astral_text_near_the_cell_limit)
PRINTABLE = st.characters(codec="utf-8", max_codepoint=0xFFFF,
                          categories=("L", "M", "N", "P", "S", "Zs"))
EDGE_LENGTHS = (0, 1, 2, 200, 201, 2000, 2001, EXCEL_MAX - 1, EXCEL_MAX, EXCEL_MAX + 1, 40_000)

# (prefix, length, alphabet, seed): see make_text
Spec = tuple[str, int, str, "int | None"]
LOOKS_LIKE_A_BOMB: list[Spec] = [("=", 32766, "\xa0", None), ("=", 32766, "ࠀ", None),
                                 ("=", 32766, "ࠀ", None)]


@st.composite
def department_text(draw: st.DrawFn) -> Spec:
    """A spec, not the string itself, so that hypothesis need not draw (nor print) 40,000
    characters."""
    prefix = draw(st.sampled_from(PREFIXES))
    length = draw(st.one_of(st.sampled_from(EDGE_LENGTHS), st.integers(0, 60),
                            st.integers(0, 40_000)))
    alphabet = draw(st.lists(PRINTABLE, min_size=2, max_size=40, unique=True))
    return prefix, length, "".join(alphabet), draw(st.integers(0, 2**32 - 1))


def make_text(spec: Spec) -> str:
    """``length`` characters in all (at least the prefix): the prefix, then characters of
    ``alphabet`` in an order drawn with ``seed``; without a seed, ``alphabet`` repeated."""
    prefix, length, alphabet, seed = spec
    body_len = max(0, length - len(prefix))
    if seed is None:
        body = (alphabet * (body_len // len(alphabet) + 1))[:body_len]
    else:
        body = "".join(random.Random(seed).choices(alphabet, k=body_len))
    return prefix + body


def _submit(templates: dict[str, Path], folder: Path, texts: list[str]
            ) -> tuple[dict[str, str], set[str]]:
    """Each department: status/plan/reason_text fields get the drawn strings (in turn); its
    first measure is left empty with reason その他, the next (if any) gets the first drawn
    string as its reason (not one of the choices). Returns field id -> role of the fields
    used, and the departments given that invalid reason."""
    roles: dict[str, str] = {}
    invalid_reason: set[str] = set()

    def values(department: str, template: Path) -> dict[str, Any]:
        fields = fields_of(template)
        typed: dict[str, Any] = complete_values(template)
        n = 0
        measures = [fid.rsplit(".", 1)[0] for fid, r in fields.items() if r["role"] == "value"]
        for i, m in enumerate(measures):
            if i == 0:
                typed[f"{m}.value"] = None
                typed[f"{m}.reason"] = "その他"
            elif i == 1:
                typed[f"{m}.reason"] = texts[n % len(texts)]
                invalid_reason.add(department)
                n += 1
        for fid, r in fields.items():
            roles[fid] = r["role"]
            if r["role"] in ("status", "plan") or (
                    r["role"] == "reason_text" and fid.rsplit(".", 1)[0] == measures[0]):
                typed[fid] = texts[n % len(texts)]
                n += 1
        return typed

    submit_all(templates, folder, values=values)
    return roles, invalid_reason


def _looks_like_a_bomb(path: Path) -> bool:
    """A part of the file compresses better than the limits allow (file_check's rule)."""
    with zipfile.ZipFile(path) as zf:
        return any(i.file_size > DEFAULT_LIMITS.ratio_check_min_bytes
                   and i.compress_size / i.file_size < DEFAULT_LIMITS.min_inflate_ratio
                   for i in zf.infolist())


def _shows(texts: list[str], fragment: str) -> bool:
    """``fragment`` is in one of the cells, or starts one that was cut with the marker."""
    for text in texts:
        if fragment in text:
            return True
        if text.endswith(TRUNCATED):
            body = text[:-len(TRUNCATED)]
            at = body.find(fragment[:100])
            if at >= 0 and fragment.startswith(body[at:]):
                return True
    return False


@pytest.mark.slow
@settings(max_examples=15, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture])
@given(specs=st.lists(department_text(), min_size=3, max_size=3))
@example(specs=LOOKS_LIKE_A_BOMB)
def test_department_text_never_becomes_a_formula(specs: list[Spec],
                                                 tmp_path_factory: pytest.TempPathFactory,
                                                 mini_templates: dict[str, Path],
                                                 mini_catalog: Catalog) -> None:
    texts = [make_text(spec) for spec in specs]
    tmp = tmp_path_factory.mktemp("injection")
    folder, out = tmp / "s", tmp / "out"
    roles, invalid_reason = _submit(mini_templates, folder, texts)
    job = run_consolidate(folder, mini_catalog, YEAR, out)
    result = job.validation
    assert job.master is not None
    assert formula_or_link_cells(job.master) == []
    assert formula_or_link_cells(job.logs["xlsx"]) == []
    master = all_texts(job.master)
    assert all(len(v) <= EXCEL_MAX for v in master)

    refused = {s.file: [f.code for f in s.findings if f.severity == ERROR]
               for s in result.submissions if not s.usable}
    # openpyxl, like Excel, keeps the first 32,767 characters of a longer typed text, so no
    # file is refused for its length; only a part that compresses like a zip bomb is. Which
    # parts do depends on how openpyxl spelled the text: with lxml a character outside ASCII
    # is a reference (&#2048;, 7 bytes), with ElementTree its UTF-8 (3 bytes).
    bombs = {p.name: ["zip-bomb-ratio"] for p in folder.glob("*.xlsx") if _looks_like_a_bomb(p)}
    assert refused == bombs
    assert sorted(result.chosen) == sorted(d for d in mini_templates
                                           if f"{d}_提出.xlsx" not in bombs)
    if specs == LOOKS_LIKE_A_BOMB:
        council = f"{COUNCIL}_提出.xlsx"
        assert council in bombs
        bomb = next(f for f in result.findings if f.code == "zip-bomb-ratio" and f.file == council)
        assert council in bomb.message

    for department, sub in result.chosen.items():
        for fid, entry in sub.entries.items():
            if roles.get(fid) in ("status", "plan"):
                assert _shows(master, entry.value), (department, fid, entry.value[:50])
    shown_reasons = 0
    for m in job.consolidated.measures:  # type: ignore[union-attr]
        if m.reason_text:
            assert _shows(master, f"{m.reason}({m.reason_text})"), m.measure.id
            shown_reasons += 1
    accepted_reasons = sum(1 for sub in result.chosen.values()
                           for fid in sub.entries if roles.get(fid) == "reason_text")
    assert shown_reasons == accepted_reasons

    header, *rows = csv_cells(out / "validation_log.csv")
    for row in rows:
        assert not [cell[:50] for cell in row if cell.startswith(FORMULA_PREFIXES)]
    code, who, typed = (header.index(h) for h in ("コード", "担当", "入力値"))
    logged = {(r[code], r[who]): r[typed] for r in rows}
    reason = texts[0].replace("\r\n", "\n").strip()  # what is read from the reason cell
    assert invalid_reason == {COUNCIL}  # the only department with two measures
    if reason:
        for department in invalid_reason & set(result.chosen):
            (finding,) = [f for f in result.findings
                          if f.code == "reason-invalid" and f.department == department]
            assert finding.value and reason.startswith(finding.value.removesuffix("…"))
            quote = "'" if reason.startswith(FORMULA_PREFIXES) else ""
            assert logged[("reason-invalid", department)] == quote + finding.value


def test_astral_text_near_the_cell_limit(mini_templates: dict[str, Path],
                                          mini_catalog: Catalog, tmp_path: Path) -> None:
    """Excel's 32,767-character limit counts UTF-16 units: 17,000 × 𠮷 is 34,000 of them.
    Once this stopped the whole run (xlsxwriter refused the cell); now the file is refused
    with the cell named, and the others are merged."""
    text = "=" + "𠮷" * 17_000  # 17,001 characters, 34,001 UTF-16 units
    template = mini_templates[COUNCIL]
    status = next(f for f, r in fields_of(template).items() if r["role"] == "status")
    submitted = submit_all(mini_templates, tmp_path / "s", {COUNCIL: {status: text}})
    job = run_consolidate(tmp_path / "s", mini_catalog, YEAR, tmp_path / "out")
    result = job.validation
    council = submitted[COUNCIL].name
    too_long = [(f.severity, f.file, f.sheet, f.cell) for f in result.findings
                if f.code == "string-too-long"]
    assert too_long == [(ERROR, council, *cell_of(template, status))]
    assert [s.usable for s in result.submissions if s.file == council] == [False]
    others = [d for d in mini_templates if d != COUNCIL]
    assert sorted(result.chosen) == sorted(others)
    for department in others:
        entries = {k: e.value for k, e in result.chosen[department].entries.items()}
        assert entries == submitted.typed[department]
    assert job.master is not None and formula_or_link_cells(job.master) == []


def test_csv_log_cells_stay_within_excels_cell_limit(tmp_path: Path,
                                                     mini_templates: dict[str, Path],
                                                     mini_catalog: Catalog) -> None:
    """The CSV log, like the .xlsx log, cuts a quoted text that no Excel cell could hold."""
    reason = "=" + "x" * 40_000  # openpyxl, like Excel, keeps 32,767 characters of it
    submit_all(mini_templates, tmp_path / "s",
               {"高齢福祉課": {"1-1-1-c1.value": None, "1-1-1-c1.reason": reason}})
    run_consolidate(tmp_path / "s", mini_catalog, 2022, tmp_path / "out")
    rows = csv_cells(tmp_path / "out" / "validation_log.csv")
    too_long = [(row[1], len(cell)) for row in rows for cell in row
                if utf16_length(cell) > EXCEL_MAX_CELL_CHARS]
    assert too_long == []
    quoted = [row for row in rows if row[1] == "reason-invalid"]
    assert len(quoted) == 1 and quoted[0][9].endswith(TRUNCATED)
    assert quoted[0][8].startswith("'=")  # still never a formula
