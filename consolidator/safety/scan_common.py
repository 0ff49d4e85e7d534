"""What the content scans of both formats share: the findings of one file (at most
:data:`MAX_FINDINGS_PER_CODE` per code), reading every XML part once within one budget, where
in a workbook a finding is, and the size of an A1 range. Used by
:mod:`consolidator.safety.content_scan` (.xlsx) and :mod:`consolidator.safety.odf_scan` (.ods).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable

from consolidator.cell_address import col_number
from consolidator.findings import Finding, make
from consolidator.limits import Limits
from consolidator.messages import SAFETY_TEXT, fill
from consolidator.package_parts import UnsafeContent
from consolidator.safety.xml_parts import (
    CORRUPT_ZIP_ERRORS,
    describe_exception,
    read_xml_part,
)

MAX_FINDINGS_PER_CODE = 20  # per file; the rest are summarised in one more finding


class Collector:
    """Findings of one file, at most MAX_FINDINGS_PER_CODE per code plus one summary."""

    def __init__(self, file: str):
        self.file = file
        self.items: list[Finding] = []
        self.per_code: dict[str, int] = {}

    def add(self, code: str, **kw: object) -> None:
        self.append(code, lambda: make(code, file=self.file, **kw))  # type: ignore[arg-type]

    def append(self, code: str, build: Callable[[], Finding]) -> None:
        n = self.per_code.get(code, 0) + 1
        self.per_code[code] = n
        if n <= MAX_FINDINGS_PER_CODE:
            self.items.append(build())

    def finish(self) -> list[Finding]:
        for code, n in self.per_code.items():
            if n > MAX_FINDINGS_PER_CODE:
                more = fill(SAFETY_TEXT["more-places"], count=f"{n - MAX_FINDINGS_PER_CODE:,}")
                self.items.append(make(code, file=self.file, where=more, part=more,
                                       detail=more))
        return self.items


class PartReader:
    """Reads the XML parts of one file through :func:`read_xml_part`, all of them together
    within ``limits.max_total_bytes``; what cannot be read becomes a finding."""

    XMLISH = (".xml", ".rels", ".vml", ".rdf")

    def __init__(self, zf: zipfile.ZipFile, out: Collector, limits: Limits):
        self.zf, self.out, self.limits = zf, out, limits
        self.budget = limits.max_total_bytes

    def read(self, info: zipfile.ZipInfo) -> bytes | None:
        try:
            data = read_xml_part(self.zf, info, self.limits, max_bytes=self.budget)
        except UnsafeContent as exc:
            finding = exc.finding(self.out.file)
            self.out.append(exc.code, lambda: finding)
            return None
        except CORRUPT_ZIP_ERRORS as exc:
            self.out.add("file-broken-zip", detail=f"{info.filename}: {describe_exception(exc)}")
            return None
        self.budget -= len(data)
        return data

    def is_xml(self, key: str, info: zipfile.ZipInfo) -> bool:
        """Whether a part is XML a parser may read: by its name, or because it starts like XML
        (a parser follows references, not file extensions)."""
        return key.endswith(self.XMLISH) or starts_like_xml(self.zf, info)


def starts_like_xml(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    try:
        with zf.open(info) as fh:
            head = fh.read(64)
    except CORRUPT_ZIP_ERRORS:
        return False
    if head[:2] in (b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<"):
        return True
    return head.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"<")


_REF = re.compile(r"\$?([A-Za-z]{1,10})\$?([0-9]{1,12})(?::\$?([A-Za-z]{1,10})\$?([0-9]{1,12}))?")


def range_size(ref: str, limits: Limits, *, allow_range: bool = False) -> int | None:
    """Number of cells of an A1 reference (or range, if allowed); None if it is malformed or
    outside the sheet (row 1..max_rows, column A..max_columns)."""
    m = _REF.fullmatch(ref.strip())
    if not m or (m.group(3) and not allow_range):
        return None
    c1, r1 = col_number(m.group(1)), int(m.group(2))
    c2, r2 = (col_number(m.group(3)), int(m.group(4))) if m.group(3) else (c1, r1)
    for c, r in ((c1, r1), (c2, r2)):
        if not (1 <= c <= limits.max_columns and 1 <= r <= limits.max_rows):
            return None
    return (abs(c2 - c1) + 1) * (abs(r2 - r1) + 1)


def where(sheet: str | None, cell: str | None = None) -> str:
    if sheet and cell:
        return fill(SAFETY_TEXT["sheet-cell"], sheet=sheet, cell=cell)
    if sheet:
        return fill(SAFETY_TEXT["sheet"], sheet=sheet)
    return ""


def sheet_part(key: str, sheet: str) -> str:
    """Where in ``sheet``: a key of :data:`~consolidator.messages.SAFETY_TEXT`, filled."""
    return fill(SAFETY_TEXT[key], sheet=sheet)
