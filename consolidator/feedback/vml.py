"""The VML drawing of a sheet's notes: the box Excel shows for each note, where it is.

Legacy VML, written by Excel, Calc and openpyxl with different namespace prefixes (``v:`` /
``o:`` / ``x:``, or ``ns0:`` … when written by ElementTree) and not always well-formed XML,
so it is edited as text: the prefixes the drawing's root declares are used for our shapes
(declared there when missing: ElementTree declares them on each element instead), and shapes,
whatever their prefixes, are found by their ``ClientData`` (a note, its row and column).

Shape ids (``_x0000_s2049``) are numbered in blocks of 1024 that the drawing declares in its
``o:shapelayout/o:idmap``: Excel gives each drawing of a workbook its own block, and two
drawings with the same shape id are reported to make it offer a repair. Calc declares no block
(its shapes are ``shape_0`` in every drawing) and openpyxl declares block 1 in every drawing,
so a drawing we write to keeps its block only when no other drawing of the workbook uses it;
otherwise its notes are renumbered into a block no other drawing uses, declared in its idmap.
Nothing refers to a note's shape id (a note is tied to its cell by the comments part), so the
department's notes can be renumbered; other shapes (form controls, which the sheet refers to
by shape id) keep theirs.
"""

from __future__ import annotations

import math
import re

from consolidator.feedback.package import PackageError, PatchedWorkbook, escape
from consolidator.text_layout import display_width

V_NS, O_NS, X_NS = ("urn:schemas-microsoft-com:vml", "urn:schemas-microsoft-com:office:office",
                    "urn:schemas-microsoft-com:office:excel")
_ROOT = re.compile(rb"<xml\b[^>]*>")
_DECLARATION = re.compile(rb"xmlns:([\w.-]+)\s*=\s*[\"']([^\"']*)[\"']")
_SHAPE_ID = re.compile(rb"_x0000_s(\d+)")
_IDMAP = re.compile(rb"idmap\b[^>]*\bdata=\"([\d,\s]*)\"")
_SHAPE = re.compile(rb"<((?:[\w.-]+:)?)shape\b([^>]*)>.*?</\1shape>", re.S)
_ROW = re.compile(rb"<(?:[\w.-]+:)?Row>\s*(\d+)\s*</(?:[\w.-]+:)?Row>")
_COLUMN = re.compile(rb"<(?:[\w.-]+:)?Column>\s*(\d+)\s*</(?:[\w.-]+:)?Column>")
BLOCK = 1024  # shape ids in a block of o:idmap

NOTE_COLUMNS = 4  # how many columns wide a note is drawn
CHARS_PER_LINE = 30  # half-width characters in a line of that width


def _prefixes(vml: bytes) -> tuple[bytes, dict[str, str]]:
    """The drawing with the three namespaces declared on its root; their prefixes there."""
    root = _ROOT.search(vml)
    if root is None:
        raise PackageError("VML without its root")
    declared = {ns.decode(): p.decode() for p, ns in _DECLARATION.findall(root.group(0))}
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


def blocks_of(vml: bytes) -> set[int]:
    """The shape-id blocks a drawing uses: those it declares and those of its shape ids."""
    return _declared(vml) | {int(i) // BLOCK for i in _SHAPE_ID.findall(vml)}


def _declared(vml: bytes) -> set[int]:
    return {int(x) for m in _IDMAP.finditer(vml) for x in re.findall(rb"\d+", m.group(1))}


def blocks_elsewhere(pkg: PatchedWorkbook, name: str) -> set[int]:
    """The shape-id blocks the workbook's VML drawings other than ``name`` use."""
    return set().union(*(blocks_of(pkg.read(n)) for n in pkg.names()
                         if n.lower().endswith(".vml") and n != name))


def free_block(pkg: PatchedWorkbook) -> int:
    """A shape-id block (``o:idmap data``) no VML drawing of the workbook uses."""
    return max(blocks_elsewhere(pkg, "") | {0}) + 1


def new_vml(block: int) -> bytes:
    return (f'<xml xmlns:v="{V_NS}" xmlns:o="{O_NS}" xmlns:x="{X_NS}">'
            f'<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="{block}"/>'
            "</o:shapelayout></xml>").encode()


def without_shapes(vml: bytes, cells: set[tuple[int, int]]) -> bytes:
    """The drawing without the note shapes on ``cells`` ((row, column), 0-based)."""
    if not cells:
        return vml

    def keep(m: re.Match[bytes]) -> bytes:
        found = m.group(0)
        if b'ObjectType="Note"' not in found:
            return found
        row, col = _ROW.search(found), _COLUMN.search(found)
        if row and col and (int(row.group(1)), int(col.group(1))) in cells:
            return b""
        return found

    return _SHAPE.sub(keep, vml)


def with_shapes(vml: bytes, notes: list[tuple[int, int, str]], taken: set[int]) -> bytes:
    """The drawing with a hidden note box for each (row, column, text), 0-based, its shape ids
    in blocks it declares and no other drawing uses (``taken``: the blocks the others use),
    its notes renumbered into a new block when they are not (see the module); unchanged when
    there is nothing to add and its ids are its own."""
    kept, p = _prefixes(vml)
    shapes = list(_SHAPE.finditer(kept))
    notes_in = [m for m in shapes if b'ObjectType="Note"' in m.group(0)]
    ids = [int(i) for i in _SHAPE_ID.findall(b"".join(m.group(2) for m in shapes))]
    own = _declared(kept) - taken
    numbers = _numbers(own, max(ids, default=0), len(notes))
    if (numbers is None or any(i // BLOCK not in own for i in ids)
            or not all(_SHAPE_ID.search(_id(m.group(2))) for m in notes_in)):
        kept, numbers = _in_new_block(kept, p, shapes, notes_in, taken, len(notes))
    elif not notes:
        return vml
    end = kept.rfind(b"</xml>")
    if end == -1:
        raise PackageError("VML without its end")
    head = "" if b'id="_x0000_t202"' in kept else _shapetype(p)
    shapes_xml = "".join(_shape(p, row, col, text, n)
                         for n, (row, col, text) in zip(numbers, notes, strict=True))
    return kept[:end] + (head + shapes_xml).encode() + kept[end:]


def _in_new_block(vml: bytes, p: dict[str, str], shapes: list[re.Match[bytes]],
                  notes_in: list[re.Match[bytes]], taken: set[int], more: int
                  ) -> tuple[bytes, list[int]]:
    """The drawing with its notes (``notes_in``, matches in it among ``shapes``) numbered in
    new blocks, declared (with those of its other shapes); the ids for ``more`` notes."""
    others = {int(i) // BLOCK for m in shapes if m not in notes_in
              for i in _SHAPE_ID.findall(m.group(2))}
    count = len(notes_in) + more
    first = max(taken | blocks_of(vml) | {0}) + 1
    fresh = set(range(first, first + max(1, math.ceil(count / (BLOCK - 1)))))
    numbers = _numbers(fresh, 0, count) or []
    vml = _renumbered(vml, notes_in, numbers[:len(notes_in)])
    return _with_idmap(vml, p, sorted(others | fresh)), numbers[len(notes_in):]


def _numbers(blocks: set[int], after: int, count: int) -> list[int] | None:
    """``count`` shape ids above ``after`` in ``blocks`` (the first of a block, ``n·1024``,
    is left out as Excel does), or None when they do not fit."""
    out: list[int] = []
    for block in sorted(blocks):
        start = max(block * BLOCK + 1, after + 1)
        out += range(start, max(start, (block + 1) * BLOCK))[:count - len(out)]
    return out if len(out) == count else None


_ID_ATTRIBUTE = re.compile(rb"(?<![\w:.-])id\s*=\s*\"([^\"]*)\"")


def _id(attributes: bytes) -> bytes:
    m = _ID_ATTRIBUTE.search(attributes)
    return m.group(1) if m else b""


def _renumbered(vml: bytes, shapes: list[re.Match[bytes]], numbers: list[int]) -> bytes:
    """The drawing with each of ``shapes`` (matches in it) given the id of ``numbers``."""
    for m, n in reversed(list(zip(shapes, numbers, strict=True))):
        attributes = re.sub(rb"\s+id\s*=\s*\"[^\"]*\"", b"", m.group(2), count=1)
        attributes = re.sub(rb"(\bspid\s*=\s*\")[^\"]*", rb"\g<1>_x0000_s%d" % n, attributes)
        vml = vml[:m.start(2)] + b' id="_x0000_s%d"' % n + attributes + vml[m.end(2):]
    return vml


def _with_idmap(vml: bytes, p: dict[str, str], blocks: list[int]) -> bytes:
    """The drawing declaring exactly ``blocks`` in its ``o:shapelayout/o:idmap``."""
    data = ",".join(map(str, blocks)).encode()
    declared = _IDMAP.search(vml)
    if declared:
        return vml[:declared.start(1)] + data + vml[declared.end(1):]
    v, o = p["v"], p["o"]
    idmap = f'<{o}:idmap {v}:ext="edit" data="{data.decode()}"/>'.encode()
    layout = re.search(b"<" + re.escape(o.encode()) + rb":shapelayout\b[^>]*?(/?)>", vml)
    if layout and not layout.group(1):
        return vml[:layout.end()] + idmap + vml[layout.end():]
    if layout:
        return vml[:layout.start()] + _layout(p, idmap) + vml[layout.end():]
    root = _ROOT.search(vml)
    assert root is not None  # checked by _prefixes
    return vml[:root.end()] + _layout(p, idmap) + vml[root.end():]


def _layout(p: dict[str, str], idmap: bytes) -> bytes:
    return (f'<{p["o"]}:shapelayout {p["v"]}:ext="edit">'.encode() + idmap
            + f'</{p["o"]}:shapelayout>'.encode())


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
