"""Finding every field of a department's template again in a returned workbook.

A field is found through its workbook-level defined name (Excel and LibreOffice move names
with their cells when rows or columns are inserted or deleted). The row's key in column A
confirms it, and the value is read where the name points, so a workbook of another layout
(an earlier format) reads the same. When someone sorted rows or moved a block, the name no
longer points at the right row: the field is found by its key instead, in the column the
workbook's own field list gives, with a warning. A workbook without that list (a copy of the
sheets) is read in the columns its header rows give (:mod:`consolidator.reading.sheet_layout`:
a copy of an older format has other columns); when they cannot be told, its sheet is reported
(``layout-unknown``) and only what its defined names point to is read. Nothing is guessed: a
field found neither way is reported missing.

A field the workbook's own field list does not have and the department need not fill (an
explanation, 増減の理由, in a workbook of a format before it) is not looked for. A workbook
made from an older catalog is matched field by field on the ids that still exist: a field
of the current plan the workbook never had is reported as not in its template, and a value
typed into a field the current plan no longer asks this department for is reported as not
used.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from consolidator.cell_address import a1
from consolidator.findings import Finding, make
from consolidator.messages import OUTPUT_TEXT
from consolidator.reading.field_list import workbook_fields
from consolidator.reading.raw_workbook import RawWorkbook, is_identity_grid
from consolidator.reading.sheet_layout import read_layout
from consolidator.templates.model import (
    HEADER_ROWS,
    INDICATOR_SHEET,
    KEY_COL,
    META_SHEET,
    TEXT_SHEET,
    Field,
    TemplateModel,
)

DELETED = OUTPUT_TEXT["deleted-cell"]  # shown as the value of a reference cell that was deleted


@dataclass(frozen=True)
class FieldRead:
    field: Field
    sheet: str
    row: int
    col: int
    raw: Any  # the cell's value as read (None when blank)
    formula: bool = False
    cached: bool = True
    percent_format: bool = False  # the cell's number format shows a percentage

    @property
    def cell(self) -> str:
        return a1(self.row, self.col)


def read_fields(raw: RawWorkbook, model: TemplateModel, file: str, *,
                older_catalog: bool = False) -> tuple[dict[str, FieldRead], list[Finding]]:
    """Every field of ``model`` found again in ``raw``: what each input cell holds now, and
    the structural findings (missing or moved fields, changed reference texts, values typed
    outside the input cells). With ``older_catalog`` (the workbook was made from another
    catalog), fields are matched on the ids both have: the model's fields the workbook
    never had and the workbook's fields the model no longer has are reported as such, and
    its reference texts (those of the other catalog) are not compared."""
    findings: list[Finding] = []
    reads: dict[str, FieldRead] = {}
    key_index = key_index_of(raw)
    own = workbook_fields(raw)
    # Without its field list (a copy of the sheets), the columns are those of its header rows.
    layout = None if own else read_layout(raw, model)
    undetermined: set[str] = set()
    moved_rows: set[tuple[str, int]] = set()
    for f in model.fields:
        if own and f.field_id not in own and not (f.required and not older_catalog):
            # the template never had it: made from another catalog, or in an earlier format
            # without that column (増減の理由 before format 3); an optional field is not asked
            if f.required:
                findings.append(make("field-not-in-template", file=file,
                                     department=model.department, field_id=f.field_id,
                                     initiative_id=f.initiative_id,
                                     indicator=f.indicator_name, sheet=f.sheet, label=f.label))
            continue
        mine = own.get(f.field_id)
        column, home, by_key = (mine.col if mine else None), None, True
        if layout is not None:  # found by its key only in a column its header row gives
            in_sheet = layout.sheets.get(f.sheet)
            if in_sheet is not None:
                home, column = in_sheet.sheet, in_sheet.columns.get(f.col)
            by_key = column is not None
        place = locate_field(raw, f, key_index, column, home=home, by_key=by_key)
        if place is None and not by_key:
            if home is not None:  # no such column in its layout (増減の理由 before format 3)
                continue
            if f.key in key_index:  # its row is there, but not which column is which
                undetermined.add(f.sheet)
                continue
        if place is None:
            findings.append(make("field-missing", file=file, department=model.department,
                                 field_id=f.field_id, initiative_id=f.initiative_id,
                                 indicator=f.indicator_name, sheet=f.sheet, label=f.label))
            continue
        sheet, row, col, moved = place
        if moved and (sheet, row) not in moved_rows:  # once per row, not per field
            moved_rows.add((sheet, row))
            findings.append(make("field-moved", file=file, department=model.department,
                                 field_id=f.field_id, initiative_id=f.initiative_id,
                                 indicator=f.indicator_name, sheet=sheet, cell=a1(row, col),
                                 label=f.label))
        cached = raw.formulas.get(sheet, {}).get((row, col))
        reads[f.field_id] = FieldRead(
            f, sheet, row, col, raw.value(sheet, row, col), formula=cached is not None,
            cached=bool(cached), percent_format=(row, col) in raw.percent_cells.get(sheet, ()))
    retired: set[tuple[str, int, int]] = set()
    template_rows: set[tuple[str, int]] = set()
    if older_catalog:
        retired = _retired(raw, model, own, key_index, file, findings)
        template_rows = _template_rows(raw, own)
    else:
        findings.extend(_references(raw, model, file))
    for sheet in sorted(undetermined):  # one finding, not one per value it holds
        assert layout is not None
        name, detail = layout.unknown[sheet]
        findings.append(make("layout-unknown", file=file, department=model.department,
                             sheet=name, detail=detail))
        template_rows.update((name, r) for r in range(1, len(raw.grids.get(name, [])) + 1))
    findings.extend(_stray_values(raw, model, reads, file, retired, template_rows))
    return reads, findings


def _retired(raw: RawWorkbook, model: TemplateModel, own: dict[str, Field],
             key_index: dict[str, list[tuple[str, int]]], file: str, findings: list[Finding]
             ) -> set[tuple[str, int, int]]:
    """The cells of the workbook's fields the model no longer has; a value typed into one
    is reported (it is not used)."""
    current = {f.field_id for f in model.fields}
    cells: set[tuple[str, int, int]] = set()
    for f in own.values():
        if f.field_id in current:
            continue
        place = locate_field(raw, f, key_index, f.col)
        if place is None:
            continue
        sheet, row, col, _ = place
        cells.add((sheet, row, col))
        value = raw.value(sheet, row, col)
        if value not in (None, ""):
            findings.append(make("field-retired", file=file, department=model.department,
                                 field_id=f.field_id, initiative_id=f.initiative_id,
                                 indicator=f.indicator_name, sheet=sheet, cell=a1(row, col),
                                 label=f.label, value=value))
    return cells


def _template_rows(raw: RawWorkbook, own: dict[str, Field]) -> set[tuple[str, int]]:
    """The rows the template of another catalog drew: its header rows and every row keyed
    by one of its fields or initiatives (their texts are that catalog's, not ours)."""
    keys = {f.key for f in own.values()} | {f.initiative_id for f in own.values()}
    rows = {(sheet, r) for sheet in (TEXT_SHEET, INDICATOR_SHEET)
            for r in range(1, HEADER_ROWS + 1)}
    for sheet, grid in raw.grids.items():
        for r, row in enumerate(grid, start=1):
            if row and row[0] in keys:
                rows.add((sheet, r))
    return rows


def key_index_of(raw: RawWorkbook) -> dict[str, list[tuple[str, int]]]:
    """Every column-A key in the input sheets → where it stands now (the identity sheet,
    whose field list repeats the keys, is not an input sheet)."""
    index: dict[str, list[tuple[str, int]]] = {}
    for sheet, grid in raw.grids.items():
        if sheet == META_SHEET or is_identity_grid(grid):
            continue
        for r, row in enumerate(grid, start=1):
            if row and isinstance(row[0], str) and row[0]:
                index.setdefault(row[0], []).append((sheet, r))
    return index


def locate_field(raw: RawWorkbook, f: Field,
                 key_index: dict[str, list[tuple[str, int]]] | None = None,
                 column: int | None = None, *, home: str | None = None,
                 by_key: bool = True) -> tuple[str, int, int, bool] | None:
    """(sheet, row, column, moved?) of a field now, or None when it cannot be found.

    Where the field's defined name points, when that row holds the field's key: the
    workbook's own layout, whatever the model's. Otherwise (unless not ``by_key``) the one
    row holding the key, in ``column`` (the column the workbook's own field list or header
    row gives; the model's by default). Found by its key, a field counts as moved unless the
    workbook has no name at all for it (a copy of the sheets) and the key is still in the
    template's row of its sheet (``home``: its name in the workbook, if renamed)."""
    if key_index is None:
        key_index = key_index_of(raw)
    named = raw.names.get(f.defined_name)
    if named is not None:
        sheet, row, col = named
        if raw.value(sheet, row, KEY_COL) == f.key:
            return sheet, row, col, False
    places = key_index.get(f.key, []) if by_key else []
    if len(places) == 1:
        sheet, row = places[0]
        in_place = f.defined_name not in raw.names and (sheet, row) == (home or f.sheet, f.row)
        return sheet, row, column or f.col, not in_place
    return None


def _references(raw: RawWorkbook, model: TemplateModel, file: str) -> list[Finding]:
    """A reference cell counts as changed when its text is found neither where its name points
    nor anywhere else in its column (rows may have moved without the name)."""
    out = []
    columns: dict[tuple[str, int], set[str]] = {}
    for ref in model.references:
        if ref.defined_name not in raw.names:
            continue  # a workbook without reference names (another tool's copy): nothing to check
        named = raw.names[ref.defined_name]
        if named is None:  # the name now says #REF!: its cell was deleted
            out.append(make("reference-changed", file=file, department=model.department,
                            sheet=ref.sheet, cell=None, value=DELETED))
            continue
        sheet, row, col = named
        now = raw.value(sheet, row, col)
        if _norm(now) == _norm(ref.text):
            continue
        if (sheet, col) not in columns:
            columns[sheet, col] = {_norm(r[col - 1]) for r in raw.grids.get(sheet, [])
                                   if len(r) >= col}
        if _norm(ref.text) not in columns[sheet, col]:
            out.append(make("reference-changed", file=file, department=model.department,
                            sheet=sheet, cell=a1(row, col), value=now))
    return out


def _stray_values(raw: RawWorkbook, model: TemplateModel, reads: dict[str, FieldRead],
                  file: str, retired: set[tuple[str, int, int]],
                  template_rows: set[tuple[str, int]]) -> list[Finding]:
    """Values in the template's sheets that are neither input cells nor template text (nor,
    for a template of another catalog, in the rows that template drew)."""
    drawn, norm_of = _drawn_texts(model)
    expected = drawn.copy()
    inputs = {(r.sheet, r.row, r.col) for r in reads.values()} | retired
    sheets = ({TEXT_SHEET, INDICATOR_SHEET} & raw.grids.keys()) | {r.sheet for r in reads.values()}
    out = []
    for sheet in sorted(sheets):
        for r, row in enumerate(raw.grids.get(sheet, []), start=1):
            if (sheet, r) in template_rows:
                continue
            for c, v in enumerate(row, start=1):
                if v == "" or v is None or (sheet, r, c) in inputs:
                    continue
                key = norm_of.get(v) if isinstance(v, str) else None
                if key is None:
                    key = _norm(v)
                if expected[key] > 0:
                    expected[key] -= 1
                    continue
                out.append(make("value-outside-input", file=file, department=model.department,
                                sheet=sheet, cell=a1(r, c), value=v))
        for r, c, v in raw.far_cells.get(sheet, []):
            out.append(make("value-outside-input", file=file, department=model.department,
                            sheet=sheet, cell=a1(r, c), value=v))
    return out


# The texts a model draws, counted after normalising, and each text's normal form: built once
# per model (a worker checks many files of the same department).
_DRAWN: dict[int, tuple[TemplateModel, Counter[str], dict[str, str]]] = {}


def _drawn_texts(model: TemplateModel) -> tuple[Counter[str], dict[str, str]]:
    known = _DRAWN.get(id(model))
    if known is not None and known[0] is model:
        return known[1], known[2]
    drawn: Counter[str] = Counter()
    norm_of: dict[str, str] = {}
    for rows in (model.text_rows, model.indicator_rows):
        for row in rows:
            for text in row.cells.values():
                key = _norm(text)
                drawn[key] += 1
                if isinstance(text, str):
                    norm_of[text] = key
    if len(_DRAWN) >= 64:
        _DRAWN.clear()
    _DRAWN[id(model)] = (model, drawn, norm_of)
    return drawn, norm_of


def _norm(v: Any) -> str:
    if v is None:
        return ""
    return " ".join(str(v).replace("\r\n", "\n").split())
