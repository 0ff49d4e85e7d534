"""Reading a returned workbook into plain data: the choice of reader.

An OpenDocument spreadsheet (whatever its file name) is read by
:mod:`~consolidator.reading.ods_workbook`, any other file as an .xlsx by
:mod:`~consolidator.reading.xlsx_workbook`; both give a
:class:`~consolidator.reading.raw_workbook.RawWorkbook`. What a malformed file makes the
libraries raise is a :class:`~consolidator.reading.malformed.MalformedWorkbook`.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from consolidator.limits import DEFAULT_LIMITS, Limits
from consolidator.reading.malformed import MalformedWorkbook, describe
from consolidator.reading.ods_workbook import read_ods_workbook
from consolidator.reading.raw_workbook import RawWorkbook
from consolidator.reading.xlsx_workbook import read_xlsx_workbook
from consolidator.safety.odf_check import is_odf
from consolidator.safety.package import Package
from consolidator.safety.xml_parts import CORRUPT_ZIP_ERRORS
from consolidator.templates.model import INDICATOR_SHEET, META_SHEET, TEXT_SHEET


def read_workbook(path: str | Path | Package, limits: Limits = DEFAULT_LIMITS,
                  sheets_wanted: tuple[str, ...] = (TEXT_SHEET, INDICATOR_SHEET, META_SHEET)
                  ) -> RawWorkbook:
    """Read structure, identity and the cells of the sheets a template has.

    Sheets are matched by name; a renamed sheet is found again by the validator through the
    defined names, so every sheet that a defined name points to is read as well (and every
    sheet of a copy that lost both the identity and a sheet's name:
    :func:`~consolidator.reading.raw_workbook.sheets_to_read`). An
    OpenDocument spreadsheet (whatever its file name) is read by
    :func:`consolidator.reading.ods_workbook.read_ods_workbook` into the same data. Given a
    :class:`~consolidator.safety.package.Package` the safety scan went through, the parts it
    read are not decompressed again and the file is not read again from disk.
    """
    package = path if isinstance(path, Package) else None
    raw = RawWorkbook(path=str(package.path if package else path))
    try:
        zf = package.zip() if package else zipfile.ZipFile(raw.path)
    except CORRUPT_ZIP_ERRORS as exc:
        raise MalformedWorkbook(describe(exc)) from exc
    if is_odf({n.casefold() for n in zf.NameToInfo}):
        if package is None:
            zf.close()
        return read_ods_workbook(path, limits, sheets_wanted)
    return read_xlsx_workbook(raw, zf, package, limits, sheets_wanted)
