"""Issue 6: a property test of the whole job on the mini plan.

Random values for random subsets of fields of random departments, written with openpyxl
through the public ``fields`` map, then ``run_consolidate``. Whatever was typed:

* every value the validator accepted is in the master exactly — numbers in 指標一覧 実績値,
  texts as cell text in the 基本目標N report sheets — and is what an independent oracle
  expects from the input;
* every rejected value has an error finding on that field's cell;
* a field nobody wrote keeps its template value (empty): no accepted entry, only the
  status-empty / plan-empty / value-missing finding a required field gets;
* no cell of the master (or the validation log) is a formula: department text "=1+1" comes
  out as the string "=1+1" (an explicit example types formula-looking text into every text
  field, so that this is checked on every run).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from consolidator.japanese_values import canonical_unit
from consolidator.jobs.runs import run_consolidate
from consolidator.plan.catalog import Catalog
from consolidator.templates.model import build
from helpers.filling import fields_of, submit_all
from helpers.master import formula_or_link_cells, master_actuals, report_texts

YEAR = 2022
WIDE = str.maketrans("0123456789,.%", "０１２３４５６７８９，．％")
FORMULA_LOOKING = ("=1+1", "+81 3", "-5", "@SUM(A1:A3)", '=HYPERLINK("http://example.com")',
                   "＝１＋１", "=cmd|' /C calc'!A0")


@dataclass(frozen=True)
class Typed:
    """What was typed and what the oracle expects: accept (value, normalised?), reject,
    or blank (nothing to read)."""

    raw: Any
    outcome: str  # accept / reject / blank
    value: Any = None
    normalised: bool = False


# ---- strategies ------------------------------------------------------------------------

def _grouped(n: int) -> str:
    return f"{n:,}"


@st.composite
def number_input(draw: Any, unit: str | None, percent: bool) -> Typed:
    def judged(v: int | float, raw: Any, normalised: bool) -> Typed:
        if v < 0 or (percent and v > 100):
            return Typed(raw, "reject")
        return Typed(raw, "accept", v, normalised)

    n = draw(st.integers(-500, 120_000))
    d = draw(st.integers(-5_000, 20_000)) / draw(st.sampled_from([10, 100]))
    other_unit = "回" if canonical_unit(unit) != "回" else "人"
    kind = draw(st.sampled_from([
        "int", "float", "text", "wide", "comma", "unit", "pct", "decimal-text", "other-unit",
        "approx", "range", "formula", "reason", "blank", "spaces"]))
    if kind == "int":
        return judged(n, n, False)
    if kind == "float":
        return judged(d, d, False)
    m = abs(n)
    if kind == "text":
        return judged(m, str(m), False)
    if kind == "wide":
        return judged(m, str(m).translate(WIDE), True)
    if kind == "comma":
        return judged(m, _grouped(m), m >= 1000)
    if kind == "unit" and unit:
        return judged(m, f"{m}{unit}", True)
    if kind == "pct" and percent:
        return judged(abs(d), f"{abs(d)}％", True)
    if kind == "decimal-text":
        return judged(abs(d), str(abs(d)), False)
    if kind == "other-unit":
        return Typed(f"{m}{other_unit}", "reject")
    if kind == "approx":
        return Typed(draw(st.sampled_from([f"約{m}", f"{m}程度", f"{m}以上"])), "reject")
    if kind == "range":
        return Typed(f"{m}～{m + 5}", "reject")
    if kind == "formula":
        raw = draw(st.sampled_from(FORMULA_LOOKING))
        return Typed(raw, "reject")
    if kind == "reason":
        return Typed(draw(st.sampled_from(["中止", "実績なし", "未定"])), "reject")
    if kind == "spaces":
        return judged(m, f" {m}\n", True)
    return Typed(draw(st.sampled_from([None, "", "  ", "\u3000"])), "blank")


JAPANESE = st.text(
    alphabet=st.sampled_from(list("あいうえおかきくけこ地域福祉課市社協実施予定研修会開催"
                                  "アイウエオ①②【】〔〕、。・０１２３４５６７８９"
                                  "abcXYZ0123456789%-=+ \u3000\n")),
    max_size=40)


@st.composite
def text_input(draw: Any) -> Typed:
    raw = draw(st.one_of(JAPANESE, st.sampled_from(FORMULA_LOOKING),
                         st.sampled_from(["１２人", "約10", "10～12", "  実施した。\r\n", ""])))
    text = raw.replace("\r\n", "\n").strip()
    return Typed(raw, "accept", text) if text else Typed(raw, "blank")


# ---- the mini plan's fields -----------------------------------------------------------------

@dataclass(frozen=True)
class Spec:
    department: str
    field_id: str
    role: str
    sheet: str
    cell: str
    required: bool
    value_unit: str | None
    percent: bool


def _specs(templates: dict[str, Path], catalog: Catalog) -> list[Spec]:
    out = []
    for department, template in sorted(templates.items()):
        model = {f.field_id: f for f in build(catalog, department, YEAR).fields}
        for fid, row in sorted(fields_of(template).items()):
            if row["role"] not in ("status", "plan", "value"):
                continue
            f = model[fid]
            out.append(Spec(department, fid, row["role"], row["sheet"], row["cell"], f.required,
                            f.value_unit, f.percent))
    return out


@st.composite
def submissions(draw: Any, specs: list[Spec]) -> tuple[set[str], dict[Spec, Typed]]:
    departments = draw(st.sets(st.sampled_from(sorted({s.department for s in specs})),
                               min_size=1))
    typed: dict[Spec, Typed] = {}
    for s in specs:
        if s.department not in departments or not draw(st.booleans()):
            continue
        typed[s] = draw(number_input(s.value_unit, s.percent) if s.role == "value"
                        else text_input())
    return departments, typed


# An explicit example (see the test): every department sends, every text field holds
# formula-looking text, "=1+1" first; the numbers are left empty.
FORMULA_IN_EVERY_TEXT = "formula-looking text in every text field"


def formula_in_every_text(specs: list[Spec]) -> tuple[set[str], dict[Spec, Typed]]:
    texts = itertools.cycle(FORMULA_LOOKING)
    typed = {s: Typed(raw, "accept", raw) for s in specs if s.role != "value"
             for raw in [next(texts)]}
    return {s.department for s in specs}, typed


_COUNTER = itertools.count()


@pytest.fixture(scope="module")
def mini_specs(mini_templates: dict[str, Path], mini_catalog: Catalog) -> list[Spec]:
    return _specs(mini_templates, mini_catalog)


@pytest.mark.slow
@given(data=st.data())
@example(data=FORMULA_IN_EVERY_TEXT)
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_whatever_is_typed_arrives_exactly_or_is_reported(
        data: Any, tmp_path: Path, mini_templates: dict[str, Path], mini_catalog: Catalog,
        mini_specs: list[Spec]) -> None:
    if data == FORMULA_IN_EVERY_TEXT:
        departments, typed = formula_in_every_text(mini_specs)
    else:
        departments, typed = data.draw(submissions(mini_specs), label="typed")
    case = tmp_path / f"case{next(_COUNTER)}"
    folder = case / "submissions"
    submit_all({d: mini_templates[d] for d in departments}, folder,
               values=lambda department, _template: {
                   s.field_id: t.raw for s, t in typed.items() if s.department == department})

    job = run_consolidate(folder, mini_catalog, YEAR, case / "out")
    result = job.validation
    assert job.master is not None
    actuals = master_actuals(job.master)
    texts = report_texts(job.master)
    by_cell: dict[tuple[str | None, str | None, str | None], list[Any]] = {}
    for f in result.findings:
        by_cell.setdefault((f.department, f.sheet, f.cell), []).append(f)

    assert set(result.chosen) == departments
    for s in mini_specs:
        entries = result.chosen[s.department].entries if s.department in departments else {}
        entry = entries.get(s.field_id)
        here = by_cell.get((s.department, s.sheet, s.cell), [])
        codes = sorted(f.code for f in here)
        t = typed.get(s)
        measure = s.field_id.rsplit(".", 1)[0]
        if s.department not in departments:
            assert entry is None
            if s.role == "value":
                assert actuals[measure] is None
            continue
        if t is None or t.outcome == "blank":
            # never written (template value: empty) or written blank: nothing accepted
            assert entry is None, (s.field_id, t)
            if s.role == "value":
                assert codes == ["value-missing"], (s.field_id, codes)
                assert actuals[measure] is None
            elif s.required:
                assert codes == ["status-empty" if s.role == "status" else "plan-empty"]
            else:
                assert codes == [], (s.field_id, codes)
        elif t.outcome == "reject":
            assert entry is None, (s.field_id, t, entry)
            assert any(f.field_id == s.field_id and f.severity == "error" for f in here), (
                s.field_id, t, codes)
            if s.role == "value":
                assert actuals[measure] is None
        else:
            assert entry is not None, (s.field_id, t, codes)
            assert entry.value == t.value and (entry.sheet, entry.cell) == (s.sheet, s.cell)
            if s.role == "value":
                assert actuals[measure] == t.value, (s.field_id, t, actuals[measure])
                assert ("value-normalised" in codes) == t.normalised, (s.field_id, t, codes)
                assert not [f for f in here if f.severity == "error"], (s.field_id, codes)
            else:
                assert codes == [], (s.field_id, t, codes)
                assert texts[t.value] >= 1, (s.field_id, t.value)

    # department text stays text everywhere we write it
    assert formula_or_link_cells(job.master) == []
    assert formula_or_link_cells(job.logs["xlsx"]) == []
    formula_like = {t.value for s, t in typed.items() if s.role != "value"
                    and t.outcome == "accept" and t.value.startswith(("=", "+", "@"))}
    if data == FORMULA_IN_EVERY_TEXT:
        assert "=1+1" in formula_like
    if formula_like:
        types: dict[str, set[str]] = {}  # formula-looking text -> the types of its cells
        for ws in openpyxl.load_workbook(job.master).worksheets:
            if ws.title.startswith("基本目標"):
                for row in ws.iter_rows():
                    for c in row:
                        if c.value in formula_like:
                            types.setdefault(c.value, set()).add(c.data_type)
        assert types == dict.fromkeys(formula_like, {"s"})
