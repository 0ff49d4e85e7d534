"""Intake: what each file of the submissions folder is (the folder listed:
:mod:`consolidator.reading.discovery`).

Files are identified by their content — the identity written into every template (hidden
sheet ``_meta`` and the document properties) — never by their name. A file that lost both
(a copy of the sheets into another workbook) is recognised from its titles and keys
(:mod:`consolidator.reading.recognition`).
"""

from __future__ import annotations

from consolidator.findings import Finding, make
from consolidator.japanese_values import wareki
from consolidator.plan.catalog import Catalog
from consolidator.reading.raw_workbook import RawWorkbook
from consolidator.reading.recognition import recognise
from consolidator.submission import Identity
from consolidator.templates.model import DEPARTMENT_KEY, META_SHEET, READABLE_FORMATS

# The identity written into every template (``_meta`` and the custom properties).
IDENTITY_KEYS = ("format_version", "plan_id", "catalog_hash", "fiscal_year", DEPARTMENT_KEY)


def identify(raw: RawWorkbook, catalog: Catalog, year: int, file: str
             ) -> tuple[Identity | None, list[Finding]]:
    """Which department and year a workbook is for, from the identity the template writer
    stored, or else from its content (:func:`~consolidator.reading.recognition.recognise`);
    None (with the finding saying why) when the file cannot be used."""
    findings: list[Finding] = []
    meta = {k: raw.meta.get(k, "") for k in IDENTITY_KEYS}
    props = {k: raw.properties.get(k, "") for k in IDENTITY_KEYS}
    if not any(meta.values()) and not any(props.values()):
        return recognise(raw, catalog, year, file)
    for key in IDENTITY_KEYS:
        if meta[key] and props[key] and meta[key] != props[key]:
            findings.append(make("identity-mismatch", file=file, key=key, value=meta[key],
                                 other=props[key], sheet=META_SHEET))
    # Document properties are harder to edit by accident than a sheet someone unhid.
    ident = {k: props[k] or meta[k] for k in IDENTITY_KEYS}
    state = raw.sheet_state(META_SHEET)
    if state == "visible":
        findings.append(make("sheet-state-changed", file=file, sheet=META_SHEET))
    if ident["format_version"] not in READABLE_FORMATS:
        return None, findings + [make("format-version-unknown", file=file,
                                      value=ident["format_version"])]
    if ident["plan_id"] != catalog.plan_id:
        return None, findings + [make("other-plan", file=file, value=ident["plan_id"])]
    try:
        wb_year = int(ident["fiscal_year"])
    except ValueError:
        return None, findings + [make("not-a-template", file=file)]
    if wb_year != year:
        return None, findings + [make("other-year", file=file, value=wb_year,
                                      year_label=wareki(wb_year), expected_label=wareki(year))]
    department = catalog.department_for(ident[DEPARTMENT_KEY])  # also under a former name
    if department is None:
        return None, findings + [make("unknown-unit", file=file, value=ident[DEPARTMENT_KEY])]
    if department != ident[DEPARTMENT_KEY]:
        findings.append(make("department-renamed", file=file, department=department,
                             value=ident[DEPARTMENT_KEY]))
    if ident["catalog_hash"] != catalog.content_hash:
        findings.append(make("older-catalog", file=file, department=department))
    return Identity(department, wb_year, ident["plan_id"], ident["catalog_hash"],
                    ident["format_version"], deadline=_asked(raw, "deadline"),
                    contact=_asked(raw, "contact")), findings


def _asked(raw: RawWorkbook, key: str) -> str:
    """What ``generate`` wrote into the template about the request (``deadline``,
    ``contact``: not part of the identity), if it did."""
    return raw.properties.get(key) or raw.meta.get(key) or ""
