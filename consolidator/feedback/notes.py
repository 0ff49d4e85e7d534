"""Notes on the cells with findings: classic cell comments (a comments part and its VML).

Classic notes, never threaded comments (a threaded comment written back by a tool is known to
corrupt workbooks). The department's own notes stay as they were: ours are added beside them
under an author of our own, a cell that already has a note of the department's keeps it (the
finding is still highlighted and listed on the 確認事項 sheet), and the notes of an earlier
annotation (same author) are replaced.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from consolidator.cell_address import col_number
from consolidator.feedback.highlight import WORKSHEET_ORDER
from consolidator.feedback.package import (
    MAIN_NS,
    REL_NS,
    PackageError,
    PatchedWorkbook,
    add_override,
    add_relationship,
    ensure_default,
    escape,
    insert_child,
    main_prefix,
    prefix_of,
    qualified,
    r_id_attribute,
    relationships,
)
from consolidator.feedback.vml import (
    blocks_elsewhere,
    free_block,
    new_vml,
    with_shapes,
    without_shapes,
)
from consolidator.text_layout import FONT

COMMENTS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
VML_TYPE = "application/vnd.openxmlformats-officedocument.vmlDrawing"


@dataclass(frozen=True)
class Note:
    cell: str  # A1
    title: str  # the first, bold line (重大度)
    text: str


_CELL = re.compile(r"([A-Z]{1,3})(\d+)")


def _row_col(cell: str) -> tuple[int, int]:
    m = _CELL.fullmatch(cell)
    if not m:
        raise PackageError(f"cell {cell}")
    return int(m.group(2)) - 1, col_number(m.group(1)) - 1


_AUTHORS = re.compile(rb"<((?:[\w.-]+:)?)authors\b[^>]*?(?:/>|>(.*?)</(?:[\w.-]+:)?authors>)",
                      re.S)
_AUTHOR = re.compile(rb"<(?:[\w.-]+:)?author\b[^>]*?(?:/>|>(.*?)</(?:[\w.-]+:)?author>)", re.S)
_COMMENT = re.compile(rb"<(?:[\w.-]+:)?comment\b([^>]*)>.*?</(?:[\w.-]+:)?comment>", re.S)
_LIST_END = re.compile(rb"</((?:[\w.-]+:)?)commentList>")
_LIST_EMPTY = re.compile(rb"<((?:[\w.-]+:)?)commentList\s*/>")
_ATTR_REF = re.compile(rb'\bref="([A-Z]{1,3}\d+)"')
_ATTR_AUTHOR = re.compile(rb'\bauthorId="(\d+)"')


def add_notes(pkg: PatchedWorkbook, sheet_part: str, notes: list[Note], author: str, marker: str
              ) -> list[str]:
    """Put ``notes`` on the sheet at ``sheet_part`` (an earlier annotation's notes removed
    first: written by ``author``, or starting with ``marker``, as Calc keeps the text of a
    note but not its author); returns the cells that got a note (not those where the
    department has one)."""
    rels = relationships(pkg, sheet_part)
    comments = next((r.target for r in rels if r.type.endswith("/comments")), None)
    sheet_xml = pkg.read(sheet_part)
    legacy = re.search(rb"<(?:[\w.-]+:)?legacyDrawing\b[^>]*?\bid=\"([^\"]+)\"", sheet_xml)
    vml = next((r.target for r in rels if legacy and r.rid == legacy.group(1).decode()), None)
    if comments is None and not notes:
        return []  # nothing to add, nothing of ours to remove
    removed: set[str] = set()
    taken: set[str] = set()
    if comments is not None:
        xml, removed, taken = _without_ours(pkg.read(comments), author, marker)
    else:
        comments = pkg.free_name("xl/comments{}.xml")
        add_relationship(pkg, sheet_part, "comments", comments)
        add_override(pkg, comments, COMMENTS_TYPE)
        xml = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<comments xmlns="'
               + MAIN_NS.encode() + b'"><authors/><commentList/></comments>')
    placed = [n for n in notes if n.cell not in taken]
    pkg.write(comments, _with_ours(xml, placed, author))
    if vml is None:
        if not placed:
            return []
        vml = pkg.free_name("xl/drawings/vmlDrawing{}.vml")
        rid = add_relationship(pkg, sheet_part, "vmlDrawing", vml)
        ensure_default(pkg, "vml", VML_TYPE)
        p = main_prefix(sheet_xml)
        sheet_xml = _declaring_r(sheet_xml)
        element = f"<{qualified(p, 'legacyDrawing')} {r_id_attribute(sheet_xml, rid)}/>"
        pkg.write(sheet_part, insert_child(sheet_xml, element.encode(), "legacyDrawing",
                                           WORKSHEET_ORDER))
        pkg.write(vml, new_vml(free_block(pkg)))
    where = [(n, _row_col(n.cell)) for n in placed]
    vml_xml = without_shapes(pkg.read(vml), {_row_col(c) for c in removed if c})
    pkg.write(vml, with_shapes(vml_xml, [(row, col, f"{n.title}\n{n.text}")
                                         for n, (row, col) in where],
                               blocks_elsewhere(pkg, vml)))
    return [n.cell for n in placed]


_ROOT_TAG = re.compile(rb"<[A-Za-z_][^>]*?(/?)>")


def _declaring_r(sheet_xml: bytes) -> bytes:
    """The sheet with the relationships namespace declared on its root (as ``r:``, or
    ``r1:``… when ``r`` means something else there), so that the ``legacyDrawing`` we add
    reads as Excel writes it; unchanged when the sheet declares it."""
    if prefix_of(sheet_xml, REL_NS):
        return sheet_xml
    root = _ROOT_TAG.search(sheet_xml)
    if root is None:
        raise PackageError("sheet without its root")
    taken = set(re.findall(rb"xmlns:([\w.-]+)\s*=", root.group(0)))
    prefix = next(p for k in range(len(taken) + 1)
                  if (p := b"r" + (str(k).encode() if k else b"")) not in taken)
    at = root.end() - 1 - len(root.group(1))
    return sheet_xml[:at] + b" xmlns:" + prefix + b'="' + REL_NS.encode() + b'"' + \
        sheet_xml[at:]


def _without_ours(xml: bytes, author: str, marker: str
                  ) -> tuple[bytes, set[str], set[str]]:
    """The comments part without our earlier notes; the cells they were on, and the cells
    with a note of someone else."""
    m = _AUTHORS.search(xml)
    names = [_text(a.group(1) or b"") for a in _AUTHOR.finditer(m.group(2) or b"")] if m else []
    ours = {i for i, name in enumerate(names) if name == author}
    removed: set[str] = set()
    taken: set[str] = set()

    def keep(c: re.Match[bytes]) -> bytes:
        ref = _ATTR_REF.search(c.group(1))
        who = _ATTR_AUTHOR.search(c.group(1))
        cell = ref.group(1).decode() if ref else ""
        text = _text(_body(c.group(0))).lstrip()
        if (who and int(who.group(1)) in ours) or text.startswith(marker):
            removed.add(cell)
            return b""
        taken.add(cell)
        return c.group(0)

    return _COMMENT.sub(keep, xml), removed, taken


def _body(comment: bytes) -> bytes:
    """The text of a comment element, without its phonetic runs."""
    return re.sub(rb"<(?:[\w.-]+:)?rPh\b.*?</(?:[\w.-]+:)?rPh>", b"", comment, flags=re.S)


def _with_ours(xml: bytes, notes: list[Note], author: str) -> bytes:
    m = _AUTHORS.search(xml)
    if m is None:
        raise PackageError("comments without authors")
    p = m.group(1).decode()
    names = [_text(a.group(1) or b"") for a in _AUTHOR.finditer(m.group(2) or b"")]
    if author in names:
        author_id = names.index(author)
    else:
        author_id = len(names)
        inner = (m.group(2) or b"") + f"<{p}author>{escape(author)}</{p}author>".encode()
        xml = xml[:m.start()] + f"<{p}authors>".encode() + inner + \
            f"</{p}authors>".encode() + xml[m.end():]
    body = "".join(_comment(p, n, author_id) for n in notes).encode()
    empty = _LIST_EMPTY.search(xml)
    if empty:
        q = empty.group(1)
        return xml[:empty.start()] + b"<" + q + b"commentList>" + body + b"</" + q + \
            b"commentList>" + xml[empty.end():]
    end = _LIST_END.search(xml)
    if end is None:
        raise PackageError("comments without a comment list")
    return xml[:end.start()] + body + xml[end.start():]


def _comment(p: str, note: Note, author_id: int) -> str:
    def run(text: str, bold: bool) -> str:
        b = f"<{p}b/>" if bold else ""
        return (f"<{p}r><{p}rPr>{b}<{p}sz val=\"9\"/><{p}rFont val=\"{FONT}\"/></{p}rPr>"
                f"<{p}t xml:space=\"preserve\">{escape(text)}</{p}t></{p}r>")

    return (f'<{p}comment ref="{note.cell}" authorId="{author_id}"><{p}text>'
            f"{run(note.title, True)}{run(chr(10) + note.text, False)}</{p}text></{p}comment>")


def _text(xml: bytes) -> str:
    import html

    return html.unescape(re.sub(rb"<[^>]+>", b"", xml).decode("utf-8", "replace"))
