"""Safety checks of an OpenDocument spreadsheet (.ods) as a package, before any parser.

The zip directory is checked for every file alike (:mod:`consolidator.safety.file_check`:
entry count, sizes, ratios, names). For an ODF package this module then checks what an .xlsx
has in ``[Content_Types].xml``: the ``mimetype`` and the manifest (``META-INF/manifest.xml``,
read capped and without a DTD) must say *spreadsheet*; a manifest with encryption data is a
password-protected file; ``content.xml`` must be there; macros (``Basic/``, ``Scripts/``) are a
warning — the cells are still read, the macro never runs. The content (every XML part and the
grid) is scanned by :mod:`consolidator.safety.odf_scan`.
"""

from __future__ import annotations

import zipfile
from collections.abc import Collection
from xml.etree import ElementTree as ET

from consolidator.findings import Finding, make
from consolidator.limits import Limits, MiB
from consolidator.messages import LOOKS_LIKE
from consolidator.package_parts import (
    CONTENT,
    MANIFEST,
    MANIFEST_NS,
    ODF_PREFIX,
    ODS_MIMETYPE,
    UnsafeContent,
)
from consolidator.safety.xml_parts import (
    CORRUPT_ZIP_ERRORS,
    describe_exception,
    read_xml_part,
)

M = "{" + MANIFEST_NS + "}"
MACRO_FOLDERS = ("basic/", "scripts/")


def is_odf(names: Collection[str]) -> bool:
    """Whether a zip with these (case-folded) part names is an ODF package, not OOXML."""
    return "mimetype" in names and "xl/workbook.xml" not in names


def check_odf_package(zf: zipfile.ZipFile, names: dict[str, zipfile.ZipInfo], file: str,
                      limits: Limits) -> tuple[str, list[Finding]] | None:
    """(kind, findings) of an ODF package whose directory passed; None when its ``mimetype``
    is not ODF at all (then it is judged as any other zip). Only the tiny ``mimetype`` and the
    manifest are read here."""
    mimetype = _read_small(zf, names["mimetype"], 256).strip()
    if not mimetype.startswith(ODF_PREFIX):
        return None
    if mimetype != ODS_MIMETYPE:
        return "not-workbook", [make("file-not-workbook", file=file, looks_like=LOOKS_LIKE["odf"])]
    if MANIFEST.casefold() not in names:
        return "ods", [make("file-missing-part", file=file, part=MANIFEST)]
    try:
        manifest = ET.fromstring(read_xml_part(zf, names[MANIFEST.casefold()], limits,
                                               max_bytes=1 * MiB))
    except UnsafeContent as exc:
        return "ods", [exc.finding(file)]
    except (ET.ParseError, *CORRUPT_ZIP_ERRORS) as exc:
        return "ods", [make("file-broken-zip", file=file,
                            detail=f"{MANIFEST}: {describe_exception(exc)}")]
    entries = {el.get(f"{M}full-path", ""): el
               for el in manifest.iter(f"{M}file-entry")}
    root = entries.get("/")
    if root is None or root.get(f"{M}media-type", "").encode() != ODS_MIMETYPE:
        return "not-workbook", [make("file-not-workbook", file=file, looks_like=LOOKS_LIKE["odf"])]
    if any(True for _ in manifest.iter(f"{M}encryption-data")):
        return "encrypted", [make("file-encrypted", file=file)]
    if CONTENT not in names:
        return "ods", [make("file-missing-part", file=file, part=CONTENT)]
    findings = []
    if any(n.startswith(MACRO_FOLDERS) for n in names) or any(
            p.casefold().startswith(MACRO_FOLDERS) for p in entries):
        findings.append(make("file-macro", file=file))
    return "ods", findings


def _read_small(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes:
    if info.file_size > cap:
        return b""
    try:
        with zf.open(info) as fh:
            return fh.read(cap)
    except CORRUPT_ZIP_ERRORS:
        return b""
