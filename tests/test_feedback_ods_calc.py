"""Issue 24 (part 2) through LibreOffice Calc: the marked .ods opens in Calc, which reads our
annotations and colours; saved again by Calc (its own runs of cells, its own style names) and
sent back unchanged, it is marked again without a second copy of any mark."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from test_feedback_ods import (
    CONTACT,
    COUNCIL,
    DEADLINE,
    ORANGE,
    OUR_AUTHOR,
    RED,
    THREE_ERRORS,
    YEAR,
    _run,
    _submit,
)

from calc.session import CalcSession, convert_to_xlsx
from consolidator.feedback.styles import ERROR_FILL
from consolidator.plan.catalog import Catalog
from consolidator.templates.generate import generate_templates
from helpers.correction import open_cells
from helpers.filling import by_department, cell_of
from helpers.ods_marks import coloured, listed, marks, sheet_names

pytestmark = [pytest.mark.calc, pytest.mark.slow]


def test_calc_reads_the_marks_and_a_calc_saved_copy_is_marked_once(
        tmp_path: Path, calc: CalcSession, mini_catalog: Catalog) -> None:
    templates = by_department(generate_templates(mini_catalog, YEAR, tmp_path / "t", fmt="ods",
                                                 deadline=DEADLINE, contact=CONTACT,
                                                 only=[COUNCIL]))
    files = _submit(templates, mini_catalog, tmp_path / "s", {COUNCIL: THREE_ERRORS})
    job = _run(tmp_path / "s", tmp_path / "out", mini_catalog)
    annotated = job.logs["departments"] / f"{COUNCIL}_確認事項.ods"
    logged = open_cells(tmp_path / "out", COUNCIL, files[COUNCIL].name)
    assert logged == {cell_of(templates[COUNCIL], fid) for fid in THREE_ERRORS}

    # Calc opens it: the first sheet, our annotations as its comments, the red cells.
    shown = convert_to_xlsx(annotated, tmp_path / "shown")
    wb = openpyxl.load_workbook(shown)
    assert wb.sheetnames[0] == "確認事項"
    comments = {(ws.title, c.coordinate): c.comment.text for ws in wb.worksheets
                for row in ws.iter_rows() for c in row if c.comment}
    assert set(comments) == logged
    for f in job.validation.findings:
        if f.department == COUNCIL and f.cell:
            assert comments[(f.sheet, f.cell)].startswith("【確認事項・エラー】")
            assert f.message in comments[(f.sheet, f.cell)]
    assert {where: str(wb[where[0]][where[1]].fill.fgColor.rgb)[-6:].upper()
            for where in logged} == {where: ERROR_FILL[-6:] for where in logged}

    # Saved by Calc as .ods and sent back unchanged: the same marks, once each.
    resaved = tmp_path / "again" / f"{COUNCIL}_再提出.ods"
    resaved.parent.mkdir()
    assert calc.resave(annotated, resaved)["ok"]
    assert set(marks(resaved)) == logged  # Calc kept our annotations
    files[COUNCIL].unlink()
    (tmp_path / "s" / resaved.name).write_bytes(resaved.read_bytes())
    second = _run(tmp_path / "s", tmp_path / "out", mini_catalog)
    again = second.logs["departments"] / f"{COUNCIL}_確認事項.ods"
    found = marks(again)
    assert set(found) == logged
    assert all(author == OUR_AUTHOR and colour == RED and text.count("【確認事項・") == 1
               for author, text, colour in found.values())
    assert coloured(again, {RED, ORANGE}) == {where: RED for where in logged}
    assert sheet_names(again).count("確認事項") == 1 and sheet_names(again)[0] == "確認事項"
    assert len(listed(again)) == len(logged)
