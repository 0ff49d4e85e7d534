"""A1 cell addresses in tests, through :mod:`consolidator.cell_address`."""

from __future__ import annotations

from consolidator.cell_address import a1, parse_ref


def row_col(cell: str) -> tuple[int, int]:
    """``G4`` → (4, 7); ``$G$4`` too."""
    parsed = parse_ref(f"x!{cell}")
    assert parsed is not None, cell
    _sheet, row, col = parsed
    return row, col


def row_of(cell: str) -> int:
    return row_col(cell)[0]


def shifted(cell: str, rows: int) -> str:
    """``cell`` moved down by ``rows`` rows (up when negative)."""
    row, col = row_col(cell)
    return a1(row + rows, col)
