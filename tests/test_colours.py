"""One colour language (issue 24): 赤 = エラー, 橙 = 警告, 紫 = 未報告, in the master and in a
department's annotated workbook, from one palette (consolidator.colours); a colour never
says anything alone (the cell's text says it too), and every sheet that colours cells has a
legend. Read back with openpyxl from the files a run writes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from consolidator import colours
from consolidator.feedback import styles
from consolidator.jobs.runs import JobResult, run_consolidate
from consolidator.plan.catalog import Catalog
from helpers.filling import realistic_values, submit_all

YEAR = 2022
COUNCIL, SILENT = "市社協", "高齢福祉課"
MEANING = {colours.ERROR_FILL: "エラー", colours.WARNING_FILL: "警告",
           colours.MISSING_FILL: "未報告"}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory, mini_templates: dict[str, Path],
        mini_catalog: Catalog) -> JobResult:
    """市社協 types 約10 into a number (an error), 高齢福祉課 sends nothing (未報告)."""
    root = tmp_path_factory.mktemp("colours")
    submit_all(mini_templates, root / "s", {COUNCIL: {"1-1-1-s1.value": "約10"}},
               skip=[SILENT], values=lambda d, t: realistic_values(t, mini_catalog, YEAR))
    return run_consolidate(root / "s", mini_catalog, YEAR, root / "out")


def _coloured(ws: Any) -> dict[str, list[str]]:
    """Fill colour of our palette → the texts of the cells filled with it."""
    out: dict[str, list[str]] = {}
    for row in ws.iter_rows():
        for cell in row:
            rgb = cell.fill.fgColor.rgb if cell.fill.fill_type == "solid" else None
            if rgb in MEANING:
                out.setdefault(rgb, []).append(str(cell.value or ""))
    return out


def test_the_feedback_colours_are_the_palette() -> None:
    """The annotation's colours (and the names the readers of a returned file import) are
    the palette's."""
    assert (styles.ERROR_FILL, styles.WARNING_FILL) == (colours.ERROR_FILL,
                                                        colours.WARNING_FILL)
    assert len({colours.ERROR_FILL, colours.WARNING_FILL, colours.MISSING_FILL}) == 3


def test_the_master_says_error_in_red_and_not_reported_in_purple_with_a_legend(
        run: JobResult) -> None:
    wb = openpyxl.load_workbook(run.master)
    seen: set[str] = set()
    for name in ("概要", *(s for s in wb.sheetnames if s.startswith("基本目標"))):
        found = _coloured(wb[name])
        # the legend: each colour's own word in a cell of that colour
        assert "エラー" in found.get(colours.ERROR_FILL, []), name
        assert "未報告" in found.get(colours.MISSING_FILL, []), name
        assert colours.WARNING_FILL not in found, name  # the master colours no warning
        seen |= {rgb for rgb, texts in found.items() if len(texts) > 1}
        # the text says what the colour says
        assert [t for t in found[colours.ERROR_FILL]
                if t != "エラー" and not t.startswith("【エラー】")] == [], name
        assert [t for t in found[colours.MISSING_FILL] if "未報告" not in t] == [], name
    assert seen == {colours.ERROR_FILL, colours.MISSING_FILL}  # beyond the legends too

    ws = wb["指標一覧"]
    assert "紫色=判定が未報告" in (ws.oddFooter.left.text or "")
    missing = _coloured(ws)[colours.MISSING_FILL]
    assert missing and set(missing) == {"未報告"}


def test_the_feedback_sheet_has_a_legend_and_says_each_colour_in_words(
        run: JobResult) -> None:
    ws = openpyxl.load_workbook(run.logs["departments"] / f"{COUNCIL}_確認事項.xlsx")["確認事項"]
    legend = [ws.cell(6, c) for c in (1, 2, 3)]
    assert [(c.value, c.fill.fgColor.rgb) for c in legend[:2]] == [
        ("エラー", colours.ERROR_FILL), ("警告", colours.WARNING_FILL)]
    assert "赤色=エラー" in str(legend[2].value) and "橙色=警告" in str(legend[2].value)
    assert ws.cell(7, 1).value == "重大度"
    for row in ws.iter_rows(min_row=8):
        label = row[0]
        assert MEANING[label.fill.fgColor.rgb] == label.value


def test_the_desk_says_not_reported_in_the_palettes_purple() -> None:
    """The desk's 未提出 (its style sheet cannot import the palette: the same colour, checked
    here)."""
    import consolidator.desk

    css = (Path(consolidator.desk.__file__).parent / "static" / "desk.css").read_text("utf-8")
    assert f"--missing: {colours.css(colours.MISSING_FONT).lower()};" in css
    assert "tr.missing td.state { color: var(--missing); }" in css


def test_the_ods_feedback_sheet_has_the_same_legend(
        tmp_path: Path, mini_catalog: Catalog) -> None:
    """A department that returned an .ods gets an .ods back: its 確認事項 sheet carries the
    legend too, in the palette's colours."""
    from consolidator.jobs.runs import run_validate
    from consolidator.templates.generate import generate_templates
    from helpers.filling import complete_values
    from helpers.ods_files import fill_ods
    from helpers.ods_marks import TABLE, backgrounds, cells, content

    [ods] = generate_templates(mini_catalog, YEAR, tmp_path / "t", only=[COUNCIL], fmt="ods")
    (tmp_path / "s").mkdir()
    fill_ods(ods, tmp_path / "s" / f"{COUNCIL}_提出.ods",
             {**complete_values(ods), "1-1-1-s1.value": "約10"})
    job = run_validate(tmp_path / "s", mini_catalog, YEAR, tmp_path / "out")
    root = content(job.logs["departments"] / f"{COUNCIL}_確認事項.ods")
    fills = backgrounds(root)
    sheet = cells(root, "確認事項")
    legend = [("".join(sheet[a].itertext()), fills.get(sheet[a].get(f"{TABLE}style-name", "")))
              for a in ("A6", "B6")]
    assert legend == [("エラー", colours.css(colours.ERROR_FILL).lower()),
                      ("警告", colours.css(colours.WARNING_FILL).lower())]
    assert "赤色=エラー" in "".join(sheet["C6"].itertext())
    assert "".join(sheet["A7"].itertext()) == "重大度"
