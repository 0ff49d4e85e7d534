"""A returned workbook as plain data (:class:`RawWorkbook`), whatever its format: what the
two format readers fill (:mod:`~consolidator.reading.xlsx_workbook`,
:mod:`~consolidator.reading.ods_workbook`) and what the rest of the reading works on.

Also what both readers share: which sheets are read, the identity sheet, a sparse sheet's
cells placed, the cell values through python-calamine. The result is picklable, so it can come
back from an isolated child process.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from consolidator.cell_address import Cell
from consolidator.reading.malformed import MalformedWorkbook, describe
from consolidator.safety.package import Package
from consolidator.templates.model import META_SHEET

PROP_PREFIX = "consolidator."
IDENTITY_FIRST_KEY = "format_version"  # A1 of the identity sheet, whatever its name
GRID_ROWS, GRID_COLS = 5_000, 100  # how much of a sparse sheet is kept as a grid



@dataclass
class SheetInfo:
    name: str
    state: str  # visible / hidden / veryHidden
    part: str | None


@dataclass
class RawWorkbook:
    """What a returned workbook holds, as plain data."""

    path: str
    sheets: list[SheetInfo] = field(default_factory=list)
    names: dict[str, tuple[str, int, int] | None] = field(default_factory=dict)
    properties: dict[str, str] = field(default_factory=dict)
    meta: dict[str, str] = field(default_factory=dict)
    modified: str | None = None
    grids: dict[str, list[list[Any]]] = field(default_factory=dict)
    formulas: dict[str, dict[Cell, bool]] = field(default_factory=dict)  # cell → has cached value
    percent_cells: dict[str, set[Cell]] = field(default_factory=dict)  # number format with %
    far_cells: dict[str, list[tuple[int, int, Any]]] = field(default_factory=dict)  # off-grid

    def sheet_state(self, name: str) -> str | None:
        for s in self.sheets:
            if s.name == name:
                return s.state
        return None

    def value(self, sheet: str, row: int, col: int) -> Any:
        grid = self.grids.get(sheet)
        if grid is None or row < 1 or col < 1 or row > len(grid) or col > len(grid[row - 1]):
            return None
        v = grid[row - 1][col - 1]
        return None if v == "" else v


def sheets_to_read(raw: RawWorkbook, sheets_wanted: tuple[str, ...]) -> set[str]:
    """The sheets whose cells are read: those wanted, every sheet a defined name points to
    and, in a workbook without the identity the template writer stored in its properties
    that lacks a wanted sheet by name, every sheet: a copy's sheet may have been renamed
    (e.g. "Sheet1"), and recognition finds it by its content."""
    targets = set(sheets_wanted) | {n[0] for n in raw.names.values() if n}
    present = {s.name for s in raw.sheets}
    if not raw.properties and not set(sheets_wanted) - {META_SHEET} <= present:
        targets |= present
    return targets


def is_identity_grid(grid: list[list[Any]]) -> bool:
    """Whether a sheet's cells are the identity sheet the template writer wrote (``_meta``,
    even when renamed): its A1 says ``format_version``."""
    return bool(grid and grid[0] and grid[0][0] == IDENTITY_FIRST_KEY)


def identity_sheet_name(raw: RawWorkbook) -> str | None:
    """The identity sheet: by name, or else any sheet that looks like one."""
    if META_SHEET in raw.grids:
        return META_SHEET
    return next((name for name, grid in raw.grids.items() if is_identity_grid(grid)), None)


def remember(table: dict[Any, Any], key: Any, value: Any, size: int = 32) -> None:
    """Keep ``value`` under ``key`` in a small table of results (emptied when full)."""
    if len(table) >= size:
        table.clear()
    table[key] = value


def place_sparse(raw: RawWorkbook, name: str, cells: dict[Cell, Any]) -> None:
    """A sparse sheet's cells as a small grid (up to GRID_ROWS × GRID_COLS) and, listed, the
    cells outside it."""
    inside = [(r, c) for r, c in cells if r <= GRID_ROWS and c <= GRID_COLS]
    rows = max((r for r, _ in inside), default=0)
    cols = max((c for _, c in inside), default=0)
    grid: list[list[Any]] = [[""] * cols for _ in range(rows)]
    for r, c in inside:
        grid[r - 1][c - 1] = cells[(r, c)]
    raw.grids[name] = grid
    raw.far_cells[name] = sorted((r, c, v) for (r, c), v in cells.items()
                                 if r > GRID_ROWS or c > GRID_COLS)


def read_grids(raw: RawWorkbook, targets: set[str], package: Package | None = None) -> None:
    """Every value of the sheets named in ``targets`` into ``raw.grids``, through calamine
    (xlsx or ods, told apart by the content, not by the name's extension): from the
    package's bytes when the file was read once already, else from the file."""
    import python_calamine

    try:
        if package is not None:
            book = python_calamine.CalamineWorkbook.from_filelike(package.stream())
        else:
            with open(raw.path, "rb") as fh:
                book = python_calamine.CalamineWorkbook.from_filelike(fh)
        try:
            for name in book.sheet_names:
                if name in targets:
                    rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
                    raw.grids[name] = plain_rows(rows)
        finally:
            book.close()
    except python_calamine.CalamineError as exc:
        raise MalformedWorkbook(describe(exc)) from exc


def plain_rows(rows: list[list[Any]]) -> list[list[Any]]:
    """Calamine's rows (lists it made for us) with :func:`plain` values; a row without a
    float is kept as it is."""
    return [[plain(v) for v in row] if float in set(map(type, row)) else row for row in rows]


def plain(v: Any) -> Any:
    """Calamine values as plain Python: integral floats become int; the rest (str, bool,
    dates) as calamine gives them."""
    if isinstance(v, float) and v.is_integer() and abs(v) < 2**53:
        return int(v)
    return v


def meta_of_grid(grid: list[list[Any]]) -> dict[str, str]:
    """The identity on the ``_meta`` sheet: key in column A, value in B, to the first blank."""
    meta = {}
    for row in grid:
        if not row or row[0] in ("", None):
            break
        meta[str(row[0])] = "" if len(row) < 2 or row[1] is None else str(row[1])
    return meta
