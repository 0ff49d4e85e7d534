"""Issue 7: department text that looks like a formula stays text in every output.

Hypothesis draws strings that start with a formula prefix (``=`` ``+`` ``-`` ``@``, tab, CR
and the full-width ＝ ＋ － ＠) and are 0 to 40,000 characters long, types them into the
status, plan and reason_text fields (and one 未記入の理由 choice, whose invalid value the
validation log quotes) of every mini-plan template, and consolidates. Then:

* no cell of the master or of ``validation_log.xlsx`` is a formula or a hyperlink;
* every string the validator accepted appears in the master as text (cut with
  ``…(以下省略)`` if the cell would pass Excel's 32,767 characters);
* no cell of ``validation_log.csv`` starts with a formula prefix unless it starts with ``'``.

Longer strings are cut at 32,767 characters when typed (openpyxl does what Excel does), so
every file is read; the validator accepts them with ``text-too-long`` past the field's limit.
"""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path
from typing import Any

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consolidator.cell_text import FORMULA_PREFIXES
from consolidator.jobs.runs import run_consolidate
from consolidator.messages import OUTPUT_TEXT
from consolidator.plan.catalog import Catalog
from filling import complete_values, fields_of, fill_workbook

TRUNCATED = OUTPUT_TEXT["truncated"]

YEAR = 2022
PREFIXES = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
EXCEL_MAX = 32_767
# printable only: letters, marks, numbers, punctuation, symbols, spaces (control characters
# are reported by the safety scan and would make the file refused for another reason), and
# in the Basic Multilingual Plane: astral characters count twice towards Excel's limit, a
# known bug with its own test below (test_astral_text_near_the_cell_limit)
PRINTABLE = st.characters(codec="utf-8", max_codepoint=0xFFFF,
                          categories=("L", "M", "N", "P", "S", "Zs"))
EDGE_LENGTHS = (0, 1, 2, 200, 201, 2000, 2001, EXCEL_MAX - 1, EXCEL_MAX, EXCEL_MAX + 1, 40_000)


@st.composite
def department_text(draw: st.DrawFn) -> tuple[str, int, str]:
    """(prefix, length, piece): the string is the prefix, then ``piece`` repeated, ``length``
    characters in all (at least the prefix). Drawn as a spec, not the string itself, so that
    hypothesis need not draw (nor print) 40,000 characters."""
    prefix = draw(st.sampled_from(PREFIXES))
    length = draw(st.one_of(st.sampled_from(EDGE_LENGTHS), st.integers(0, 60),
                            st.integers(0, 40_000)))
    piece = draw(st.text(PRINTABLE, min_size=1, max_size=40))
    return prefix, length, piece


def make_text(spec: tuple[str, int, str]) -> str:
    prefix, length, piece = spec
    body_len = max(0, length - len(prefix))
    return prefix + (piece * (body_len // len(piece) + 1))[:body_len]


def _fill(templates: dict[str, Path], folder: Path, texts: list[str]) -> dict[str, str]:
    """Each unit: status/plan/reason_text fields get the drawn strings (in turn); its first
    measure is left empty with reason その他, the next gets an invalid reason choice.
    Returns field id -> role of the fields used."""
    roles = {}
    for path in templates.values():
        fields = fields_of(path)
        values: dict[str, Any] = complete_values(path)
        n = 0
        measures = [fid.rsplit(".", 1)[0] for fid, r in fields.items() if r["role"] == "value"]
        for i, m in enumerate(measures):
            if i == 0:
                values[f"{m}.value"] = None
                values[f"{m}.reason"] = "その他"
            elif i == 1:
                values[f"{m}.reason"] = texts[n % len(texts)]
                n += 1
        for fid, r in fields.items():
            roles[fid] = r["role"]
            if r["role"] in ("status", "plan") or (
                    r["role"] == "reason_text" and fid.rsplit(".", 1)[0] == measures[0]):
                values[fid] = texts[n % len(texts)]
                n += 1
        fill_workbook(path, folder / path.name, values)
    return roles


def _cells(path: Path) -> list[Any]:
    wb = openpyxl.load_workbook(path)
    try:
        out = []
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    assert c.data_type != "f", (path.name, ws.title, c.coordinate, c.value)
                    assert c.hyperlink is None, (path.name, ws.title, c.coordinate)
                    out.append(c.value)
        return out
    finally:
        wb.close()


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


@settings(max_examples=15, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture])
@given(specs=st.lists(department_text(), min_size=3, max_size=3))
def test_department_text_never_becomes_a_formula(specs: list[tuple[str, int, str]],
                                                 mini_templates: dict[str, Path],
                                                 mini_catalog: Catalog) -> None:
    texts = [make_text(spec) for spec in specs]
    with tempfile.TemporaryDirectory(prefix="injection-") as tmp:
        folder, out = Path(tmp) / "s", Path(tmp) / "out"
        folder.mkdir()
        roles = _fill(mini_templates, folder, texts)
        job = run_consolidate(folder, mini_catalog, YEAR, out)
        assert job.master is not None
        master = [v for v in _cells(job.master) if isinstance(v, str)]
        _cells(job.logs["xlsx"])
        for v in master:
            assert len(v) <= EXCEL_MAX

        for unit, sub in job.validation.chosen.items():
            for fid, entry in sub.entries.items():
                if roles.get(fid) in ("status", "plan"):
                    assert _shows(master, entry.value), (unit, fid, entry.value[:50])
        shown_reasons = 0
        for m in job.consolidated.measures:  # type: ignore[union-attr]
            if m.reason_text:
                assert _shows(master, f"{m.reason}({m.reason_text})"), m.measure.id
                shown_reasons += 1
        # openpyxl, like Excel, keeps the first 32,767 characters of a longer typed text, so
        # no file is refused: every unit is read and every reason_text shows
        assert all(s.usable for s in job.validation.submissions)
        assert sorted(job.validation.chosen) == sorted(mini_templates)
        accepted_reasons = sum(1 for sub in job.validation.chosen.values()
                               for fid in sub.entries if roles.get(fid) == "reason_text")
        assert shown_reasons == accepted_reasons

        with (out / "validation_log.csv").open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh))
        assert rows
        for row in rows:
            for cell in row:
                assert not cell.startswith(FORMULA_PREFIXES), cell[:50]


def test_astral_text_near_the_cell_limit(mini_templates: dict[str, Path],
                                          mini_catalog: Catalog, tmp_path: Path) -> None:
    """Excel's 32,767-character limit counts UTF-16 units: 17,000 × 𠮷 is 34,000 of them.
    Once this stopped the whole run (xlsxwriter refused the cell); now it is cut or refused."""
    folder = tmp_path / "s"
    folder.mkdir()
    text = "=" + "𠮷" * 17_000  # 17,001 characters, 34,001 UTF-16 units
    unit, path = next(iter(mini_templates.items()))
    for u, p in mini_templates.items():
        values = complete_values(p)
        if u == unit:
            status = next(f for f, r in fields_of(p).items() if r["role"] == "status")
            values[status] = text
        fill_workbook(p, folder / p.name, values)
    job = run_consolidate(folder, mini_catalog, YEAR, tmp_path / "out")
    master = [v for v in _cells(job.master) if isinstance(v, str)]  # type: ignore[arg-type]
    refused = [f for f in job.validation.findings if f.code == "string-too-long"]
    assert refused or _shows(master, text)
