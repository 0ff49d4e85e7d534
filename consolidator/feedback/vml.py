"""The VML drawing of a sheet's notes: the box Excel shows for each note, where it is.

Legacy VML, written by Excel, Calc and openpyxl with different namespace prefixes (``v:`` /
``o:`` / ``x:``, or ``ns0:`` … when written by ElementTree) and not always well-formed XML,
so it is edited as text: the prefixes the drawing declares are used for our shapes (declared
on its root when missing), shapes are found by their ``ClientData`` (a note, its row and
column), and shape ids continue after the highest one in use.
"""

from __future__ import annotations

import math
import re

from consolidator.feedback.package import Package, PackageError, escape
from consolidator.text_layout import display_width

V_NS, O_NS, X_NS = ("urn:schemas-microsoft-com:vml", "urn:schemas-microsoft-com:office:office",
                    "urn:schemas-microsoft-com:office:excel")
_ROOT = re.compile(rb"<xml\b[^>]*>")
_DECLARATION = re.compile(rb"xmlns:([\w.-]+)\s*=\s*[\"']([^\"']*)[\"']")
_SHAPE_ID = re.compile(rb"_x0000_s(\d+)")

NOTE_COLUMNS = 4  # how many columns wide a note is drawn
CHARS_PER_LINE = 30  # half-width characters in a line of that width


def _prefixes(vml: bytes) -> tuple[bytes, dict[str, str]]:
    """The drawing with the three namespaces declared on its root; their prefixes."""
    root = _ROOT.search(vml)
    if root is None:
        raise PackageError("VML without its root")
    declared = {ns.decode(): p.decode() for p, ns in _DECLARATION.findall(vml)}
    found: dict[str, str] = {}
    extra = b""
    for short, ns in (("v", V_NS), ("o", O_NS), ("x", X_NS)):
        if ns in declared:
            found[short] = declared[ns]
        else:
            found[short] = f"cf{short}"
            extra += f' xmlns:cf{short}="{ns}"'.encode()
    if extra:
        end = root.end() - 1
        vml = vml[:end] + extra + vml[end:]
    return vml, found


def free_block(pkg: Package) -> int:
    """A shape-id block (``o:idmap data``) no other VML drawing of the workbook uses."""
    used = {0}
    for name in pkg.names():
        if name.lower().endswith(".vml"):
            for m in re.finditer(rb"idmap\b[^>]*\bdata=\"([\d,\s]+)\"", pkg.read(name)):
                used |= {int(x) for x in re.findall(rb"\d+", m.group(1))}
    return max(used) + 1


def new_vml(block: int) -> bytes:
    return (f'<xml xmlns:v="{V_NS}" xmlns:o="{O_NS}" xmlns:x="{X_NS}">'
            f'<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="{block}"/>'
            "</o:shapelayout></xml>").encode()


def without_shapes(vml: bytes, cells: set[tuple[int, int]]) -> bytes:
    """The drawing without the note shapes on ``cells`` ((row, column), 0-based)."""
    if not cells:
        return vml
    vml, p = _prefixes(vml)
    v, x = re.escape(p["v"].encode()), re.escape(p["x"].encode())
    shape = re.compile(b"<" + v + rb":shape\b[^>]*>.*?</" + v + rb":shape>", re.S)

    def keep(m: re.Match[bytes]) -> bytes:
        found = m.group(0)
        if b'ObjectType="Note"' not in found:
            return found
        row = re.search(b"<" + x + rb":Row>\s*(\d+)\s*</" + x + b":Row>", found)
        col = re.search(b"<" + x + rb":Column>\s*(\d+)\s*</" + x + b":Column>", found)
        if row and col and (int(row.group(1)), int(col.group(1))) in cells:
            return b""
        return found

    return shape.sub(keep, vml)


def with_shapes(vml: bytes, notes: list[tuple[int, int, str]]) -> bytes:
    """The drawing with a hidden note box for each (row, column, text), 0-based."""
    if not notes:
        return vml
    vml, p = _prefixes(vml)
    end = vml.rfind(b"</xml>")
    if end == -1:
        raise PackageError("VML without its end")
    idmap = re.search(rb"idmap\b[^>]*\bdata=\"([\d,\s]+)\"", vml)
    block = int(re.findall(rb"\d+", idmap.group(1))[0]) if idmap else 1
    next_id = max([block * 1024] + [int(i) for i in _SHAPE_ID.findall(vml)]) + 1
    head = "" if b'id="_x0000_t202"' in vml else _shapetype(p)
    shapes = "".join(_shape(p, row, col, text, next_id + i)
                     for i, (row, col, text) in enumerate(notes))
    return vml[:end] + (head + shapes).encode() + vml[end:]


def _shapetype(p: dict[str, str]) -> str:
    v, o = p["v"], p["o"]
    return (f'<{v}:shapetype id="_x0000_t202" coordsize="21600,21600" {o}:spt="202" '
            f'path="m,l,21600r21600,l21600,xe"><{v}:stroke joinstyle="miter"/>'
            f'<{v}:path gradientshapeok="t" {o}:connecttype="rect"/></{v}:shapetype>')


def _shape(p: dict[str, str], row: int, col: int, text: str, shape_id: int) -> str:
    v, o, x = p["v"], p["o"], p["x"]
    lines = sum(max(1, math.ceil(display_width(part) / CHARS_PER_LINE))
                for part in text.split("\n"))
    top = max(row - 1, 0)
    anchor = f"{col + 1}, 15, {top}, 10, {col + 1 + NOTE_COLUMNS}, 15, {top + lines + 1}, 4"
    return (f'<{v}:shape id="_x0000_s{shape_id}" type="#_x0000_t202" '
            'style="position:absolute;margin-left:80pt;margin-top:2pt;width:240pt;'
            f'height:{15 * (lines + 1)}pt;z-index:{shape_id};visibility:hidden" '
            f'fillcolor="#ffffe1" {o}:insetmode="auto"><{v}:fill color2="#ffffe1"/>'
            f'<{v}:shadow on="t" color="black" obscured="t"/><{v}:path {o}:connecttype="none"/>'
            f'<{v}:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div>'
            f'</{v}:textbox><{x}:ClientData ObjectType="Note"><{x}:MoveWithCells/>'
            f"<{x}:SizeWithCells/><{x}:Anchor>{escape(anchor)}</{x}:Anchor>"
            f"<{x}:AutoFill>False</{x}:AutoFill><{x}:Row>{row}</{x}:Row>"
            f"<{x}:Column>{col}</{x}:Column></{x}:ClientData></{v}:shape>")
