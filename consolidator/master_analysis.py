"""For analysts: the indicator table (指標一覧) of one or several masters as a pandas DataFrame.

Optional: needs the ``analysis`` extra (``pip install 'consolidator[analysis]'``), which
installs pandas; nothing else in the toolkit imports pandas. Typical use, the values of every
year side by side::

    from consolidator.master_analysis import indicator_table
    table = indicator_table(["output/master_2021.xlsx", "output/master_2022.xlsx"])
    table.pivot(index="指標ID", columns="年度", values="実績値")

The columns are those of 指標一覧 (取組みID … 出典) plus 年度 (the fiscal year of the
report, a western year such as 2022) and ファイル (where the row came from). 指標一覧's columns
of past years (令和N年度実績) are left out: each year's value is the 実績値 of its own master,
so every master gives the same columns.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from consolidator.japanese_values import parse_fiscal_year
from consolidator.messages import ANALYSIS_COLUMNS, MASTER_TEXT
from consolidator.messages.outputs import PAST_YEAR_COLUMN

if TYPE_CHECKING:
    import pandas

YEAR_COLUMN = ANALYSIS_COLUMNS["year"]
FILE_COLUMN = ANALYSIS_COLUMNS["file"]


class NotAMaster(ValueError):
    """The workbook has no 指標一覧 sheet or no fiscal year in its title."""


def indicator_table(masters: Iterable[str | Path]) -> pandas.DataFrame:
    """One row per measure and master, oldest year first (in the order given for a tie).

    The fiscal year is read from the master's title (概要!A1, e.g. 「…(令和4年度実施状況・
    令和5年度実施予定)」). Raises :class:`NotAMaster` for a workbook that is not a master.
    """
    import pandas

    frames = []
    for path in masters:
        year = _fiscal_year(Path(path))
        frame = pandas.read_excel(path, sheet_name=MASTER_TEXT["indicator-sheet"],
                                  engine="calamine")
        frame = frame.drop(columns=[c for c in frame.columns if is_past_year_column(str(c))])
        frame.insert(0, YEAR_COLUMN, year)
        frame[FILE_COLUMN] = Path(path).name
        frames.append(frame)
    if not frames:
        return pandas.DataFrame()
    table = pandas.concat(frames, ignore_index=True)
    return table.sort_values(YEAR_COLUMN, kind="stable", ignore_index=True)


def is_past_year_column(heading: str) -> bool:
    """Whether a heading of 指標一覧 is a past year's column (令和3年度実績)."""
    prefix, suffix = PAST_YEAR_COLUMN.split("{year}")
    middle = heading[len(prefix):len(heading) - len(suffix)]
    return (heading.startswith(prefix) and heading.endswith(suffix) and len(heading) > len(suffix)
            and parse_fiscal_year(middle + suffix) is not None)


def _fiscal_year(path: Path) -> int:
    import python_calamine

    book = python_calamine.CalamineWorkbook.from_path(str(path))
    try:
        if MASTER_TEXT["indicator-sheet"] not in book.sheet_names:
            raise NotAMaster(str(path))
        rows = book.get_sheet_by_name(MASTER_TEXT["overview-sheet"]).to_python(nrows=1)
    finally:
        book.close()
    title = str(rows[0][0]) if rows and rows[0] else ""
    year = parse_fiscal_year(title)
    if year is None:
        raise NotAMaster(str(path))
    return year
