"""The cells of an .ods ``content.xml``, found and changed as bytes.

An OpenDocument sheet does not list its cells by address: rows follow each other (some inside
header-row or row-group elements), cells follow each other in a row, and one element may stand
for many rows or cells (``table:number-rows-repeated``, ``table:number-columns-repeated`` —
Calc writes every run of empty cells that way). To change one cell, its run is split into the
cells before it, the cell itself and the cells after it; nothing else of the document is
touched (see :mod:`consolidator.feedback.package` for why not a parse-and-serialise round
trip).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from consolidator.feedback.package import TAG, PackageError, escape, prefix_of

OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
STYLE_NS = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
FO_NS = "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
DC_NS = "http://purl.org/dc/elements/1.1/"
XLINK_NS = "http://www.w3.org/1999/xlink"
# The prefixes our elements are written with; the root declares any it lacks.
PREFIXES = {"office": OFFICE_NS, "table": TABLE_NS, "text": TEXT_NS, "style": STYLE_NS,
            "fo": FO_NS, "dc": DC_NS, "xlink": XLINK_NS}


@dataclass(frozen=True)
class Element:
    """One element of the part: its qualified name, where it starts, where its start tag
    ends and where it ends (after its end tag)."""

    name: str
    start: int
    head_end: int
    end: int

    def inner_end(self, xml: bytes) -> int:
        """Where its content ends (its end tag starts); ``head_end`` when it is empty."""
        return xml.rfind(b"<", self.start, self.end) if xml[self.head_end - 2:self.head_end] \
            != b"/>" else self.head_end


def elements(xml: bytes, start: int, end: int, names: set[str]) -> Iterator[Element]:
    """The outermost elements called one of ``names`` (qualified) between ``start`` and
    ``end``, in document order; the others are looked into."""
    depth = 0
    found: tuple[str, int, int, int] | None = None  # name, start, head end, depth
    for m in TAG.finditer(xml, start, end):
        if m.group(2) is None:
            continue
        name = m.group(2).decode()
        if m.group(1) == b"/":
            depth -= 1
            if found is not None and depth == found[3] and name == found[0]:
                yield Element(found[0], found[1], found[2], m.end())
                found = None
            continue
        if found is None and name in names:
            if m.group(4) == b"/":
                yield Element(name, m.start(), m.end(), m.end())
                continue
            found = (name, m.start(), m.end(), depth)
        if m.group(4) != b"/":
            depth += 1


def attribute(head: bytes, name: str) -> str | None:
    m = re.search(rb"\s" + re.escape(name.encode()) + rb"\s*=\s*(?:\"([^\"]*)\"|'([^']*)')", head)
    if m is None:
        return None
    return html.unescape((m.group(1) if m.group(1) is not None else m.group(2)).decode())


def with_attribute(head: bytes, name: str, value: str | None) -> bytes:
    """The start tag ``head`` with attribute ``name`` set to ``value`` (in its place, or
    last when it has none; removed for None)."""
    pattern = rb"\s" + re.escape(name.encode()) + rb"\s*=\s*(?:\"[^\"]*\"|'[^']*')"
    if value is None:
        return re.sub(pattern, b"", head, count=1)
    given = f' {name}="{escape(value)}"'.encode()
    if re.search(pattern, head):
        return re.sub(pattern, lambda _: given, head, count=1)
    end = len(head) - (2 if head.endswith(b"/>") else 1)
    return head[:end].rstrip() + given + head[end:]


@dataclass
class Names:
    """The prefixes this part uses for the ODF namespaces, and the declarations the root
    still needs for ours."""

    prefix: dict[str, str]
    missing: dict[str, str]

    def q(self, key: str, local: str) -> str:
        return f"{self.prefix[key]}:{local}"


def names_of(xml: bytes) -> Names:
    """The prefixes of ``xml`` for :data:`PREFIXES` (ours where it declares none)."""
    root = root_tag(xml)
    prefix: dict[str, str] = {}
    missing: dict[str, str] = {}
    for key, ns in PREFIXES.items():
        found = prefix_of(xml, ns)
        if found == "":
            raise PackageError(f"{ns} as the default namespace")
        if found is None:  # the usual prefix may name another namespace here
            found = f"fb{key}" if f" xmlns:{key}=".encode() in root else key
            missing[found] = ns
        prefix[key] = found
    return Names(prefix, missing)


def root_tag(xml: bytes) -> bytes:
    """The start tag of the root element."""
    m = next((m for m in TAG.finditer(xml) if m.group(2) is not None), None)
    if m is None:
        raise PackageError("no root element")
    return m.group(0)


def declare(xml: bytes, names: Names) -> bytes:
    """``xml`` with the namespace declarations ``names`` still needs added to its root."""
    if not names.missing:
        return xml
    root = next(m for m in TAG.finditer(xml) if m.group(2) is not None)
    at = root.end() - 1
    decls = "".join(f' xmlns:{p}="{ns}"' for p, ns in names.missing.items()).encode()
    return xml[:at] + decls + xml[at:]


# ---- one sheet's cells ---------------------------------------------------------------------

CellEdit = Callable[[bytes], bytes]


def edit_cells(xml: bytes, table: Element, names: Names,
               edits: dict[tuple[int, int], CellEdit]) -> bytes:
    """The sheet ``table`` with each cell ``(row, col)`` (1-based) of ``edits`` replaced by
    what its function makes of it (the cell alone, its repetition removed). Cells beyond the
    sheet's last row or column are left out (nothing to mark there)."""
    rows_wanted: dict[int, dict[int, CellEdit]] = {}
    for (r, c), f in edits.items():
        rows_wanted.setdefault(r, {})[c] = f
    row_name = names.q("table", "table-row")
    repeat = names.q("table", "number-rows-repeated")
    out: list[bytes] = []
    pos = 0
    row = 1
    for el in elements(xml, table.head_end, table.inner_end(xml), {row_name}):
        count = _count(xml[el.start:el.head_end], repeat)
        wanted = sorted(r for r in rows_wanted if row <= r < row + count)
        if wanted:
            out.append(xml[pos:el.start])
            out.append(_split(xml[el.start:el.end], repeat, row, count, wanted,
                              lambda r, one: _edit_row(one, names, rows_wanted[r])))
            pos = el.end
        row += count
    out.append(xml[pos:])
    return b"".join(out)


def _edit_row(row_xml: bytes, names: Names, cols: dict[int, CellEdit]) -> bytes:
    cell_names = {names.q("table", "table-cell"), names.q("table", "covered-table-cell")}
    repeat = names.q("table", "number-columns-repeated")
    row_el = next(elements(row_xml, 0, len(row_xml), {names.q("table", "table-row")}))
    out: list[bytes] = []
    pos = 0
    col = 1
    for el in elements(row_xml, row_el.head_end, row_el.inner_end(row_xml), cell_names):
        count = _count(row_xml[el.start:el.head_end], repeat)
        wanted = sorted(c for c in cols if col <= c < col + count)
        if wanted:
            out.append(row_xml[pos:el.start])
            out.append(_split(row_xml[el.start:el.end], repeat, col, count, wanted,
                              lambda c, one: cols[c](one)))
            pos = el.end
        col += count
    out.append(row_xml[pos:])
    return b"".join(out)


def _count(head: bytes, repeat: str) -> int:
    value = attribute(head, repeat)
    try:
        return max(1, int(value)) if value is not None else 1
    except ValueError:
        return 1


def _split(element: bytes, repeat: str, first: int, count: int, wanted: list[int],
           edit: Callable[[int, bytes], bytes]) -> bytes:
    """A run of ``count`` repeated rows or cells (from ``first``) as the runs before, between
    and after the ``wanted`` ones, each wanted one alone and edited."""
    out: list[bytes] = []
    pos = first
    for w in wanted:
        if w > pos:
            out.append(_repeated(element, repeat, w - pos))
        out.append(edit(w, _repeated(element, repeat, 1)))
        pos = w + 1
    if first + count > pos:
        out.append(_repeated(element, repeat, first + count - pos))
    return b"".join(out)


def _repeated(element: bytes, repeat: str, n: int) -> bytes:
    head_end = next(TAG.finditer(element)).end()
    head = with_attribute(element[:head_end], repeat, str(n) if n > 1 else None)
    return head + element[head_end:]


def tables(xml: bytes, names: Names) -> dict[str, Element]:
    """The sheets of the document by name."""
    out: dict[str, Element] = {}
    for el in elements(xml, 0, len(xml), {names.q("table", "table")}):
        out.setdefault(attribute(xml[el.start:el.head_end], names.q("table", "name")) or "", el)
    return out
