#!/usr/bin/python3
"""Drive a running LibreOffice (soffice) over UNO and execute a JSON job list.

Runs ONLY under Debian's /usr/bin/python3 (the interpreter that has the
``uno`` module from python3-uno).  It must not import anything from the
project.  Usage::

    /usr/bin/python3 uno_driver.py --pipe NAME [--connect-timeout S] < jobs.json

stdin: ONE JSON document, either a list of jobs or ``{"jobs": [...]}``.
stdout: ONE JSON document ``{"results": [...]}`` (one entry per job, in order)
or ``{"fatal": "..."}`` (exit status 2) when soffice cannot be reached.

Jobs (see tests/calc/session.py for the Python API):

* ``{"op": "ping"}``
* ``{"op": "fill", "src", "dst", "values", "insert_rows", "delete_rows",
  "sort", "protect_off", "cells"}``
* ``{"op": "resave", "src", "dst"}`` -- saved as .xlsx, .ods or exported as .pdf (by the
  extension of ``dst``)
* ``{"op": "read", "src", "names"}``
* ``{"op": "copy_sheets", "src", "dst", "sheets", "format"}`` -- the visible sheets of
  ``src`` (or ``sheets``, in that order) copied into a NEW document (Sheet > Move or Copy
  Sheet > "- new document -"), saved as ``dst`` ("xlsx", the default, or "ods")
* ``{"op": "shutdown"}`` -- asks soffice to terminate (desktop.terminate()).

Value encoding (for ``values`` and ``cells``):

* JSON number -> ``setValue`` (a number cell, General format unchanged)
* JSON string -> ``setString`` (always text, even "012" or "０１２")
* JSON null -> cell cleared
* JSON true/false -> typed as TRUE/FALSE (boolean)
* ``{"typed": "text"}`` -> ``setFormula(text)``: Calc parses it like input
  in the en-US locale ("0012" -> 12, "1,234" -> 1234, "2024-04-01" -> 45383)
  BUT, unlike real typing, applies no automatic number format (a typed
  date stays "General").  Real typing (.uno:EnterString through the
  dispatcher) was tried and rejected: any message box (locked cell,
  validation error) crashes headless soffice.
* ``{"formula": "=SUM(A1:A3)"}`` -> ``setFormula`` (must start with "=")
* ``{"date": "YYYY-MM-DD", "format": "YYYY/M/D"}`` -> date serial plus a date
  number format (default "YYYY/M/D", what Japanese Excel shows for 2024/4/1)

Protection: the UNO API lets a macro write into LOCKED cells of a protected
sheet; the driver refuses that (a person could not type there) unless the
sheet is listed in ``protect_off``.  Row insert/delete/sort on a protected
sheet IS refused by Calc, so the driver unprotects with the empty password
(``unprotect("")``) around those edits and re-protects afterwards (options
kept); a sheet with a real password makes the job fail.  Data validation is
NOT enforced by the API (invalid values are written as given).
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback

import uno  # noqa: F401  (only available in Debian's /usr/bin/python3)
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException
from com.sun.star.table import CellAddress, TableSortField  # noqa: F401

XLSX_FILTER = "Calc MS Excel 2007 XML"
ODS_FILTER = "calc8"
PDF_FILTER = "calc_pdf_Export"  # what Calc prints, conditional formats applied
FILTERS = {"xlsx": XLSX_FILTER, "ods": ODS_FILTER, "pdf": PDF_FILTER}
MACRO_NEVER_EXECUTE = 0  # com.sun.star.document.MacroExecMode.NEVER_EXECUTE
UPDATE_NO = 0  # com.sun.star.document.UpdateDocMode.NO_UPDATE


def _props(**kw):
    out = []
    for k, v in kw.items():
        p = PropertyValue()
        p.Name = k
        p.Value = v
        out.append(p)
    return tuple(out)


def _url(path: str) -> str:
    return uno.systemPathToFileUrl(os.path.abspath(path))


def connect(pipe: str, timeout: float):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    deadline = time.monotonic() + timeout
    last = None
    while True:
        try:
            ctx = resolver.resolve(
                "uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe
            )
            smgr = ctx.ServiceManager
            desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
            return ctx, desktop
        except NoConnectException as e:
            last = e
        if time.monotonic() >= deadline:
            raise RuntimeError("cannot connect to pipe %r: %s" % (pipe, last))
        time.sleep(0.2)


# ---------------------------------------------------------------- helpers


def _col_letters(col0: int) -> str:
    s = ""
    n = col0 + 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def _cell_a1(cell) -> str:
    a = cell.getCellAddress()
    return "%s%d" % (_col_letters(a.Column), a.Row + 1)


def _sheet_name(doc, index: int) -> str:
    return doc.Sheets.getByIndex(index).getName()


def _get_sheet(doc, name: str):
    if not doc.Sheets.hasByName(name):
        raise KeyError("no sheet %r (have %s)" % (name, list(doc.Sheets.getElementNames())))
    return doc.Sheets.getByName(name)


def _lookup_name(doc, name: str):
    """Workbook-scope name first, then any sheet-local name of that name."""
    if doc.NamedRanges.hasByName(name):
        return doc.NamedRanges.getByName(name), None
    for sheet in doc.Sheets:
        local = getattr(sheet, "NamedRanges", None)
        if local is not None and local.hasByName(name):
            return local.getByName(name), sheet.getName()
    raise KeyError("no defined name %r" % name)


def _name_cell(doc, name: str):
    nr, _scope = _lookup_name(doc, name)
    rng = nr.getReferredCells()
    if rng is None:
        raise ValueError("defined name %r does not refer to cells (content %r)"
                         % (name, nr.getContent()))
    # ScCellObj (single cell) is itself a range; top-left cell either way.
    return rng.getCellByPosition(0, 0)


def _cell_info(doc, cell) -> dict:
    from com.sun.star.table.CellContentType import EMPTY, FORMULA, TEXT, VALUE

    a = cell.getCellAddress()
    t = cell.getType()
    info = {"sheet": _sheet_name(doc, a.Sheet), "cell": _cell_a1(cell)}
    if t == EMPTY:
        info.update(type="empty", value=None)
    elif t == VALUE:
        info.update(type="number", value=cell.getValue())
    elif t == TEXT:
        info.update(type="string", value=cell.getString())
    elif t == FORMULA:
        info.update(type="formula", formula=cell.getFormula(),
                    value=cell.getString(), number=cell.getValue())
    info["format"] = _format_string(doc, cell)
    return info


def _format_string(doc, cell):
    try:
        key = cell.NumberFormat
        fmt = doc.NumberFormats.getByKey(key)
        return fmt.FormatString
    except Exception:  # pragma: no cover - informative only
        return None


def _write(doc, cell, value):
    if value is None:
        # like pressing Delete: contents go, formatting/notes stay
        from com.sun.star.sheet.CellFlags import DATETIME, FORMULA, STRING, VALUE
        cell.clearContents(VALUE | DATETIME | STRING | FORMULA)
    elif isinstance(value, bool):
        cell.setFormula("TRUE" if value else "FALSE")
    elif isinstance(value, (int, float)):
        cell.setValue(float(value))
    elif isinstance(value, str):
        cell.setString(value)
    elif isinstance(value, dict) and "typed" in value:
        cell.setFormula(str(value["typed"]))
    elif isinstance(value, dict) and "formula" in value:
        f = str(value["formula"])
        if not f.startswith("="):
            raise ValueError("formula must start with '=': %r" % f)
        cell.setFormula(f)
    elif isinstance(value, dict) and "date" in value:
        from com.sun.star.table.CellContentType import VALUE
        cell.setFormula(str(value["date"]))  # ISO 8601 -> date serial
        if cell.getType() != VALUE:
            raise ValueError("Calc did not accept %r as a date" % value["date"])
        cell.NumberFormat = _format_key(doc, value.get("format") or "YYYY/M/D")
    else:
        raise TypeError("unsupported value %r" % (value,))


def _format_key(doc, code: str) -> int:
    from com.sun.star.lang import Locale
    formats = doc.NumberFormats
    loc = Locale("", "", "")  # LANGUAGE_SYSTEM: no [$-409] prefix in the xlsx
    key = formats.queryKey(code, loc, False)
    if key == -1:
        key = formats.addNew(code, loc)
    return key


def _guard_locked(doc, cell, allowed_sheets):
    """The UNO API writes into locked cells of protected sheets without
    complaint; a person could not.  Refuse unless the sheet is unprotected
    (``protect_off``)."""
    sheet = doc.Sheets.getByIndex(cell.getCellAddress().Sheet)
    if sheet.getName() in allowed_sheets or not _is_protected(sheet):
        return
    if cell.CellProtection.IsLocked:
        raise PermissionError("cell %s!%s is locked and the sheet is protected"
                              % (sheet.getName(), _cell_a1(cell)))


def _is_protected(sheet) -> bool:
    return bool(sheet.isProtected())


class _Unprotected:
    """Unprotect a sheet with the empty password, re-protect afterwards."""

    def __init__(self, sheet, log: list):
        self.sheet = sheet
        self.was = _is_protected(sheet)
        self.log = log

    def __enter__(self):
        if self.was:
            self.sheet.unprotect("")
            if _is_protected(self.sheet):
                raise PermissionError("sheet %r has a password" % self.sheet.getName())
            self.log.append(self.sheet.getName())
        return self

    def __exit__(self, *exc):
        if self.was:
            self.sheet.protect("")
        return False


def _load(desktop, src: str):
    if not os.path.exists(src):
        raise FileNotFoundError(src)
    doc = desktop.loadComponentFromURL(
        _url(src), "_blank", 0,
        _props(Hidden=True, ReadOnly=False,
               MacroExecutionMode=MACRO_NEVER_EXECUTE, UpdateDocMode=UPDATE_NO),
    )
    if doc is None:
        raise RuntimeError("Calc could not load %s" % src)
    return doc


def _store(doc, dst: str, filter_name=None):
    """Save as ``filter_name``; by default .xlsx, or OpenDocument (Calc's own format) when
    ``dst`` ends in .ods, or exported as PDF when it ends in .pdf."""
    d = os.path.dirname(os.path.abspath(dst))
    os.makedirs(d, exist_ok=True)
    flt = filter_name or FILTERS.get(dst.lower().rsplit(".", 1)[-1], XLSX_FILTER)
    doc.storeToURL(_url(dst), _props(FilterName=flt, Overwrite=True))


def _close(doc):
    try:
        doc.close(True)
    except Exception:
        try:
            doc.dispose()
        except Exception:
            pass


def _sort(doc, spec: dict, log: list):
    sheet = _get_sheet(doc, spec["sheet"])
    rng = sheet.getCellRangeByName(spec["range"])
    field = TableSortField()
    field.Field = int(spec.get("key_column", 0))
    field.IsAscending = not bool(spec.get("descending", False))
    field.IsCaseSensitive = False
    desc = list(rng.createSortDescriptor())
    for p in desc:
        if p.Name == "SortFields":
            p.Value = uno.Any("[]com.sun.star.table.TableSortField", (field,))
        elif p.Name == "ContainsHeader":
            p.Value = bool(spec.get("header", False))
        elif p.Name == "IsSortColumns":
            p.Value = False
    with _Unprotected(sheet, log):
        uno.invoke(rng, "sort", (tuple(desc),))


# ---------------------------------------------------------------- jobs


def job_fill(desktop, job: dict) -> dict:
    doc = _load(desktop, job["src"])
    unprotected: list = []
    try:
        # 0. sheets the caller explicitly wants unprotected for the whole job
        held = []
        unlocked_ok = set(job.get("protect_off") or [])
        for name in job.get("protect_off") or []:
            h = _Unprotected(_get_sheet(doc, name), unprotected)
            h.__enter__()
            held.append(h)
        try:
            # 1. row edits first, so defined names move with their cells
            for ins in job.get("insert_rows") or []:
                sheet = _get_sheet(doc, ins["sheet"])
                with _Unprotected(sheet, unprotected):
                    sheet.getRows().insertByIndex(int(ins["before_row"]) - 1,
                                                  int(ins.get("count", 1)))
            for de in job.get("delete_rows") or []:
                sheet = _get_sheet(doc, de["sheet"])
                with _Unprotected(sheet, unprotected):
                    sheet.getRows().removeByIndex(int(de["row"]) - 1,
                                                  int(de.get("count", 1)))
            if job.get("sort"):
                _sort(doc, job["sort"], unprotected)
            # 2. type the values where the names point NOW
            written = {}
            for name, value in (job.get("values") or {}).items():
                cell = _name_cell(doc, name)
                try:
                    _guard_locked(doc, cell, unlocked_ok)
                    _write(doc, cell, value)
                except Exception as e:
                    raise RuntimeError("writing %r to %s!%s failed: %s: %s" % (
                        name, _sheet_name(doc, cell.getCellAddress().Sheet),
                        _cell_a1(cell), type(e).__name__, _msg(e)))
                written[name] = "%s!%s" % (_sheet_name(doc, cell.getCellAddress().Sheet),
                                           _cell_a1(cell))
            for c in job.get("cells") or []:
                sheet = _get_sheet(doc, c["sheet"])
                cell = sheet.getCellRangeByName(c["cell"]).getCellByPosition(0, 0)
                try:
                    _guard_locked(doc, cell, unlocked_ok)
                    _write(doc, cell, c.get("value"))
                except Exception as e:
                    raise RuntimeError("writing %s!%s failed: %s: %s" % (
                        c["sheet"], c["cell"], type(e).__name__, _msg(e)))
        finally:
            for h in reversed(held):
                h.__exit__(None, None, None)
        _store(doc, job["dst"])
        return {"ok": True, "written": written, "unprotected": unprotected}
    finally:
        _close(doc)


def job_resave(desktop, job: dict) -> dict:
    doc = _load(desktop, job["src"])
    try:
        _store(doc, job["dst"])
    finally:
        _close(doc)
    return {"ok": True}


def job_copy_sheets(desktop, job: dict) -> dict:
    src = _load(desktop, job["src"])
    try:
        names = job.get("sheets") or [s.getName() for s in src.getSheets() if s.IsVisible]
        new = desktop.loadComponentFromURL("private:factory/scalc", "_blank", 0,
                                           _props(Hidden=True))
        try:
            sheets = new.getSheets()
            blank = list(sheets.getElementNames())
            # Appended after the new document's own sheet, which goes afterwards: importing
            # a second sheet in front of it crashes soffice 7.4 now and then.
            for name in names:
                sheets.importSheet(src, name, sheets.getCount())
            for name in blank:
                if name not in names:
                    sheets.removeByName(name)
            _store(new, job["dst"], FILTERS[job.get("format") or "xlsx"])
            copied = list(sheets.getElementNames())
            named = list(new.NamedRanges.getElementNames())
        finally:
            _close(new)
    finally:
        _close(src)
    return {"ok": True, "sheets": copied, "names": named}


def job_read(desktop, job: dict) -> dict:
    doc = _load(desktop, job["src"])
    try:
        values = {}
        for name in job.get("names") or []:
            try:
                nr, scope = _lookup_name(doc, name)
                info = {"content": nr.getContent(), "scope": scope}
                rng = nr.getReferredCells()
                if rng is None:
                    info["error"] = "not a cell reference"
                else:
                    info.update(_cell_info(doc, rng.getCellByPosition(0, 0)))
            except Exception as e:
                info = {"error": "%s: %s" % (type(e).__name__, _msg(e))}
            values[name] = info
        sheets = []
        for s in doc.Sheets:
            sheets.append({"name": s.getName(), "visible": bool(s.IsVisible),
                           "protected": _is_protected(s)})
        return {"ok": True, "values": values, "sheets": sheets,
                "names": list(doc.NamedRanges.getElementNames())}
    finally:
        _close(doc)


def _msg(e) -> str:
    m = getattr(e, "Message", None)
    return m if m else str(e)


def main(argv):
    import argparse

    ap = argparse.ArgumentParser()
    ap.add_argument("--pipe", required=True)
    ap.add_argument("--connect-timeout", type=float, default=5.0)
    args = ap.parse_args(argv)

    real_stdout = sys.stdout
    sys.stdout = sys.stderr  # anything printed by accident goes to stderr

    def emit(obj, code):
        real_stdout.write(json.dumps(obj, ensure_ascii=False))
        real_stdout.write("\n")
        real_stdout.flush()
        return code

    try:
        doc = json.load(sys.stdin)
    except Exception as e:
        return emit({"fatal": "bad JSON on stdin: %s" % e}, 2)
    jobs = doc["jobs"] if isinstance(doc, dict) else doc

    try:
        _ctx, desktop = connect(args.pipe, args.connect_timeout)
    except Exception as e:
        return emit({"fatal": "%s: %s" % (type(e).__name__, _msg(e))}, 2)

    handlers = {"fill": job_fill, "resave": job_resave, "read": job_read,
                "copy_sheets": job_copy_sheets}
    results = []
    for job in jobs:
        op = job.get("op")
        t0 = time.monotonic()
        try:
            if op == "ping":
                res = {"ok": True, "version": _version(_ctx)}
            elif op == "shutdown":
                try:
                    desktop.terminate()
                except Exception:
                    pass  # the bridge dies with the process: expected
                res = {"ok": True}
            elif op in handlers:
                res = handlers[op](desktop, job)
            else:
                res = {"ok": False, "error": "unknown op %r" % op}
        except Exception as e:
            res = {"ok": False, "error": "%s: %s" % (type(e).__name__, _msg(e)),
                   "traceback": traceback.format_exc(limit=5)}
        res["seconds"] = round(time.monotonic() - t0, 3)
        results.append(res)
        if op == "shutdown":
            break
    return emit({"results": results}, 0)


def _version(ctx):
    try:
        cp = ctx.ServiceManager.createInstanceWithContext(
            "com.sun.star.configuration.ConfigurationProvider", ctx)
        ca = cp.createInstanceWithArguments(
            "com.sun.star.configuration.ConfigurationAccess",
            _props(nodepath="/org.openoffice.Setup/Product"))
        return "%s %s" % (ca.ooName, ca.ooSetupVersionAboutBox)
    except Exception:
        return None


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
