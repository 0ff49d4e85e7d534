"""A package patched as bytes: parts read, replaced or added, everything else copied.

An .xlsx, and an .ods (see :mod:`consolidator.feedback.annotate_ods`). Why not openpyxl:
loading a returned workbook with openpyxl and saving it again loses what it does not model —
pictures (without Pillow), shapes and text boxes, threaded comments, sparklines and every
``extLst`` extension (data bars, x14 validations), and it rewrites the department's own notes
and protection. Here the parts we do not change are copied as they are, and the few we change
(the workbook, its relationships, the content types, the styles, the sheets with findings) are
edited at the byte level: a parse-and-serialise round trip through ElementTree would rename
namespace prefixes and drop declarations that ``mc:Ignorable`` still names, which Excel reports
as a corrupt file.

Every part read goes through the cap and the DTD refusal of :mod:`consolidator.package_parts`
(the rules the safety checks apply, :class:`PackageError` here): the file has passed the
safety checks of the run, this is a second line.
"""

from __future__ import annotations

import re
import time
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from pathlib import Path

from consolidator.limits import DEFAULT_LIMITS, Limits
from consolidator.package_parts import (
    CONTENT_TYPES,
    MIMETYPE,
    PKG_REL_NS,
    REL_NS,
    UnsafeContent,
    parse_xml,
    read_capped,
    refuse_unsafe_xml,
    relative,
    rels_name,
    resolve_target,
)

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_TYPE = REL_NS + "/"


class PackageError(Exception):
    """The package cannot be patched safely (missing part, unexpected XML, a DTD)."""


class PatchedWorkbook:
    """The parts of an .xlsx file, by name. Reads are capped; changes are kept in memory
    until :meth:`save` writes a new file (the source is never written)."""

    def __init__(self, path: Path, limits: Limits = DEFAULT_LIMITS) -> None:
        self.path = path
        self.limits = limits
        try:
            with zipfile.ZipFile(path) as zf:
                self._infos = zf.infolist()
        except (zipfile.BadZipFile, OSError) as exc:
            raise PackageError(str(exc)) from exc
        self._by_key = {i.filename.casefold(): i.filename for i in self._infos}
        self._changed: dict[str, bytes] = {}
        self._deleted: set[str] = set()

    def _name(self, name: str) -> str | None:
        if name in self._changed:
            return name
        found = self._by_key.get(name.casefold())
        return None if found is None or found in self._deleted else found

    def has(self, name: str) -> bool:
        return self._name(name) is not None

    def names(self) -> list[str]:
        old = [i.filename for i in self._infos if i.filename not in self._deleted]
        return old + [n for n in self._changed if n not in old]

    def read(self, name: str) -> bytes:
        real = self._name(name)
        if real is None:
            raise PackageError(f"missing part {name}")
        if real in self._changed:
            return self._changed[real]
        try:
            with zipfile.ZipFile(self.path) as zf:
                data = read_capped(zf, real, self.limits.max_entry_bytes)
            refuse_unsafe_xml(data, real)
        except UnsafeContent as exc:
            raise PackageError(str(exc)) from exc
        return data

    def changed(self) -> list[str]:
        """The parts changed or added so far."""
        return list(self._changed)

    def write(self, name: str, data: bytes) -> None:
        real = self._name(name) or name
        self._changed[real] = data
        self._deleted.discard(real)

    def delete(self, name: str) -> None:
        real = self._name(name)
        if real is not None:
            self._changed.pop(real, None)
            self._deleted.add(real)

    def free_name(self, pattern: str) -> str:
        """The first part name ``pattern.format(n)`` (n = 1, 2 …) not in the package."""
        n = 1
        while self.has(pattern.format(n)):
            n += 1
        return pattern.format(n)

    def save(self, target: Path) -> None:
        """Write the package to ``target``: untouched parts copied in their order, changed
        parts in place, new parts at the end."""
        with zipfile.ZipFile(self.path) as src, \
                zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in self._infos:
                name = info.filename
                if name in self._deleted:
                    continue
                data = self._changed[name] if name in self._changed else src.read(info)
                dst.writestr(_fresh_info(name, info), data)
            old = {i.filename for i in self._infos}
            for name, data in self._changed.items():
                if name not in old:
                    dst.writestr(_fresh_info(name, None), data)


def _fresh_info(name: str, like: zipfile.ZipInfo | None) -> zipfile.ZipInfo:
    """The entry of a part: deflated, except an ODF ``mimetype``, which must be stored (and
    stays first: parts keep their order)."""
    stamp = like.date_time if like else time.localtime()[:6]
    info = zipfile.ZipInfo(name, date_time=stamp)
    info.compress_type = zipfile.ZIP_STORED if name == MIMETYPE else zipfile.ZIP_DEFLATED
    return info


# ---- XML as bytes -----------------------------------------------------------------------------

# A tag, comment, CDATA section or processing instruction: for a tag, group 1 is the "/" of an
# end tag, 2 its name, 3 its attributes, 4 the "/" of an empty element.
TAG = re.compile(
    rb"<(?:!--.*?-->|!\[CDATA\[.*?\]\]>|\?.*?\?>"
    rb"|(/?)([A-Za-z_][\w.:-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*?)(/?)>)", re.S)


@dataclass(frozen=True)
class Element:
    """A top-level child of the root element: its local name and byte span."""

    name: str
    start: int
    end: int


def root_children(xml: bytes) -> tuple[list[Element], int]:
    """The children of the root element and where the root's end tag starts."""
    depth = 0
    children: list[Element] = []
    start = 0
    name = ""
    for m in TAG.finditer(xml):
        if m.group(2) is None:
            continue
        closing, selfclosing = m.group(1) == b"/", m.group(4) == b"/"
        local = m.group(2).split(b":")[-1].decode()
        if closing:
            depth -= 1
            if depth == 1:
                children.append(Element(name, start, m.end()))
            elif depth == 0:
                return children, m.start()
            continue
        if depth == 1:
            start, name = m.start(), local
            if selfclosing:
                children.append(Element(name, start, m.end()))
                continue
        if not selfclosing:
            depth += 1
    raise PackageError("no end of the root element")


def insert_child(xml: bytes, element: bytes, name: str, order: tuple[str, ...]) -> bytes:
    """``element`` inserted among the root's children where the schema's ``order`` puts
    ``name``: before the first child that must follow it, else before the end tag."""
    children, end = root_children(xml)
    rank = order.index(name)
    later = set(order[rank + 1:])
    at = next((c.start for c in children if c.name in later), end)
    return xml[:at] + element + xml[at:]


def prefix_of(xml: bytes, namespace: str) -> str | None:
    """The prefix the root element declares for ``namespace`` ('' for the default
    namespace), None if it does not declare it."""
    m = TAG.search(xml, xml.find(b"<", _after_prolog(xml)))
    head = m.group(0) if m else b""
    for found in re.finditer(rb"xmlns(?::([\w.-]+))?\s*=\s*[\"']([^\"']*)[\"']", head):
        if found.group(2).decode() == namespace:
            return (found.group(1) or b"").decode()
    return None


def _after_prolog(xml: bytes) -> int:
    pos = 0
    while True:
        m = re.compile(rb"\s*<(?:\?.*?\?>|!--.*?-->)", re.S).match(xml, pos)
        if not m:
            return pos
        pos = m.end()


def qualified(prefix: str | None, local: str) -> str:
    return f"{prefix}:{local}" if prefix else local


def main_prefix(xml: bytes) -> str:
    """The prefix of SpreadsheetML elements in this part ('' when it is the default)."""
    prefix = prefix_of(xml, MAIN_NS)
    if prefix is None:
        raise PackageError("not a SpreadsheetML part")
    return prefix


def r_id_attribute(xml: bytes, rid: str) -> str:
    """``r:id="…"`` with the prefix the part declares for relationships, or with its own
    declaration when the part has none."""
    prefix = prefix_of(xml, REL_NS)
    if prefix:
        return f'{prefix}:id="{rid}"'
    return f'xmlns:cr="{REL_NS}" cr:id="{rid}"'


def escape(text: str) -> str:
    """Text for XML content or a double-quoted attribute, with the characters XML 1.0
    cannot hold removed."""
    text = _ILLEGAL.sub("", text)
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def parse(xml: bytes, part: str = "") -> ET.Element:
    """Parse a part to read it (never to write it back)."""
    try:
        return parse_xml(xml, part)
    except (UnsafeContent, ET.ParseError) as exc:
        raise PackageError(str(exc)) from exc


# ---- relationships and content types -------------------------------------------------------

@dataclass(frozen=True)
class Relationship:
    rid: str
    type: str
    target: str  # the part name, resolved
    external: bool


def relationships(pkg: PatchedWorkbook, part: str) -> list[Relationship]:
    name = rels_name(part)
    if not pkg.has(name):
        return []
    out = []
    for el in parse(pkg.read(name), name):
        if el.tag.endswith("Relationship"):
            external = el.get("TargetMode") == "External"
            target = el.get("Target", "")
            out.append(Relationship(el.get("Id", ""), el.get("Type", ""),
                                    target if external else resolve_target(part, target), external))
    return out


def add_relationship(pkg: PatchedWorkbook, part: str, kind: str, target_part: str) -> str:
    """Add a relationship of ``part`` (type ``REL_TYPE + kind``) to ``target_part``;
    returns its id."""
    name = rels_name(part)
    used = {r.rid for r in relationships(pkg, part)}
    n = 1
    while f"rIdFb{n}" in used:
        n += 1
    rid = f"rIdFb{n}"
    element = (f'<Relationship Id="{rid}" Type="{REL_TYPE}{kind}" '
               f'Target="{escape(relative(part, target_part))}"/>').encode()
    if pkg.has(name):
        xml = pkg.read(name)
        _, end = root_children(xml)
        pkg.write(name, xml[:end] + element + xml[end:])
    else:
        pkg.write(name, b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                        b'<Relationships xmlns="' + PKG_REL_NS.encode() + b'">'
                  + element + b"</Relationships>")
    return rid


def add_override(pkg: PatchedWorkbook, part: str, content_type: str) -> None:
    xml = pkg.read(CONTENT_TYPES)
    if re.search(rb'PartName="/' + re.escape(part.encode()) + rb'"', xml, re.I):
        return
    element = f'<Override PartName="/{escape(part)}" ContentType="{content_type}"/>'.encode()
    _, end = root_children(xml)
    pkg.write(CONTENT_TYPES, xml[:end] + element + xml[end:])


def ensure_default(pkg: PatchedWorkbook, extension: str, content_type: str) -> None:
    xml = pkg.read(CONTENT_TYPES)
    if re.search(rb'Extension="' + extension.encode() + rb'"', xml, re.I):
        return
    element = f'<Default Extension="{extension}" ContentType="{content_type}"/>'.encode()
    children, end = root_children(xml)
    at = children[0].start if children else end  # Defaults first, as Office writes them
    pkg.write(CONTENT_TYPES, xml[:at] + element + xml[at:])
