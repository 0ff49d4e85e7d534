"""The formats an annotation adds to a workbook's ``xl/styles.xml``, appended as bytes.

Two differential formats (the highlight of error and warning cells, see
:mod:`consolidator.feedback.highlight`) and the cell formats of the 確認事項 sheet. Existing
formats keep their indexes: the department's cells look as they did.
"""

from __future__ import annotations

import re

from consolidator.colours import (
    ERROR_FILL,
    ERROR_FONT,
    GRID,
    HEADER_FILL,
    LINK_FONT,
    WARNING_FILL,
    WARNING_FONT,
)
from consolidator.feedback.findings_sheet import POINTS, TITLE_POINTS
from consolidator.feedback.package import PackageError, PatchedWorkbook, insert_child, main_prefix
from consolidator.text_layout import FONT

STYLES = "xl/styles.xml"
STYLESHEET_ORDER = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs",
                    "cellStyles", "dxfs", "tableStyles", "colors", "extLst")

# The colours of consolidator.colours (named here too, where the annotation's readers import
# them): used for nothing else, recognised again in a returned file — errors red, warnings
# orange (both far from the pale yellow of the input cells).
OUR_FILLS = {ERROR_FILL, WARNING_FILL}


def _span(xml: bytes, p: bytes, name: str) -> tuple[re.Match[bytes], int, int] | None:
    """The start tag of list ``name`` and the span of its content."""
    m = re.search(b"<" + p + name.encode() + rb"\b[^>]*?(/?)>", xml)
    if m is None:
        return None
    if m.group(1) == b"/":
        return m, m.end(), m.end()
    end = xml.find(b"</" + p + name.encode() + b">", m.end())
    if end == -1:
        raise PackageError(f"styles: no end of {name}")
    return m, m.end(), end


def _items(xml: bytes, p: bytes, item: str, start: int, end: int) -> list[bytes]:
    """The items of a list, each from its start tag to the next one (items of these lists
    never nest an element of their own name)."""
    starts = [m.start() for m in re.finditer(b"<" + p + item.encode() + rb"[\s/>]",
                                             xml[start:end])]
    return [xml[start + a:start + b] for a, b in zip(starts, [*starts[1:], end - start],
                                                     strict=True)]


def append_items(xml: bytes, name: str, item: str, items: list[str]) -> tuple[bytes, int]:
    """``items`` (XML without prefix) appended to the list ``name`` (fonts, fills, cellXfs,
    dxfs …), its count updated; returns the new XML and the index of the first new item."""
    p = main_prefix(xml)
    pb = (p + ":").encode() if p else b""
    new = "".join(_prefixed(i, p) for i in items).encode()
    found = _span(xml, pb, name)
    if found is None:
        element = f'<{_q(p, name)} count="{len(items)}">'.encode() + new + \
            f"</{_q(p, name)}>".encode()
        return insert_child(xml, element, name, STYLESHEET_ORDER), 0
    m, start, end = found
    first = len(_items(xml, pb, item, start, end))
    head = f'<{_q(p, name)} count="{first + len(items)}"'.encode()
    rest = re.sub(rb'\s*\bcount="\d*"', b"", m.group(0)[len(pb) + len(name) + 1:])
    if m.group(1) == b"/":
        rest = rest[:-2] + b">"
        return xml[:m.start()] + head + rest + new + f"</{_q(p, name)}>".encode() + \
            xml[m.end():], first
    return xml[:m.start()] + head + rest + xml[m.end():end] + new + xml[end:], first


def _q(p: str, name: str) -> str:
    return f"{p}:{name}" if p else name


def _prefixed(xml: str, p: str) -> str:
    """Our items are written without a prefix; give them the part's prefix if it has one."""
    if not p:
        return xml
    return re.sub(r"<(/?)(?=[A-Za-z])", rf"<\1{p}:", xml)


# ---- the highlight (differential formats) ----------------------------------------------------

def _dxf(fill: str, font: str, bold: bool) -> str:
    b = "<b/>" if bold else ""
    return (f'<dxf><font>{b}<color rgb="{font}"/></font><fill><patternFill patternType="solid">'
            f'<fgColor rgb="{fill}"/><bgColor rgb="{fill}"/></patternFill></fill></dxf>')


def add_highlight_formats(pkg: PatchedWorkbook) -> tuple[int, int]:
    """The error and the warning highlight added to the styles; their dxf ids."""
    xml, first = append_items(pkg.read(STYLES), "dxfs", "dxf",
                              [_dxf(ERROR_FILL, ERROR_FONT, True),
                               _dxf(WARNING_FILL, WARNING_FONT, False)])
    pkg.write(STYLES, xml)
    return first, first + 1


_RGB = re.compile(rb'rgb="([0-9A-Fa-f]{8})"')


def our_dxf_ids(pkg: PatchedWorkbook) -> set[int]:
    """Indexes of the differential formats that carry our highlight colours (of this or an
    earlier annotation, as Excel or Calc saved them again)."""
    xml = pkg.read(STYLES)
    p = main_prefix(xml)
    pb = (p + ":").encode() if p else b""
    found = _span(xml, pb, "dxfs")
    if found is None:
        return set()
    _, start, end = found
    return {i for i, item in enumerate(_items(xml, pb, "dxf", start, end))
            if {c.decode().upper() for c in _RGB.findall(item)} & OUR_FILLS}


# ---- the cell formats of the 確認事項 sheet -------------------------------------------------

SHEET_FORMATS = ("title", "text", "header", "link", "error-label", "warning-label")


def _font(size: float, bold: bool = False, color: str | None = None,
          underline: bool = False) -> str:
    return ("<font>" + ("<b/>" if bold else "") + ("<u/>" if underline else "")
            + f'<sz val="{size}"/>' + (f'<color rgb="{color}"/>' if color else "")
            + f'<name val="{FONT}"/><family val="3"/><charset val="128"/></font>')


def _fill(rgb: str) -> str:
    return (f'<fill><patternFill patternType="solid"><fgColor rgb="{rgb}"/>'
            '<bgColor indexed="64"/></patternFill></fill>')


def _xf(font: int, fill: int, border: int, wrap: bool = True) -> str:
    align = '<alignment wrapText="1" vertical="top"/>' if wrap else \
        '<alignment vertical="top"/>'
    return (f'<xf numFmtId="0" fontId="{font}" fillId="{fill}" borderId="{border}" xfId="0" '
            'applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1">'
            f"{align}</xf>")


def add_sheet_formats(pkg: PatchedWorkbook) -> dict[str, int]:
    """The cell formats of the 確認事項 sheet (:data:`SHEET_FORMATS`) → their xf index."""
    xml = pkg.read(STYLES)
    xml, f0 = append_items(xml, "fonts", "font", [
        _font(TITLE_POINTS, bold=True), _font(POINTS), _font(POINTS, bold=True),
        _font(POINTS, color=LINK_FONT, underline=True),
        _font(POINTS, bold=True, color=ERROR_FONT), _font(POINTS, color=WARNING_FONT)])
    xml, fill0 = append_items(xml, "fills", "fill", [_fill(HEADER_FILL), _fill(ERROR_FILL),
                                                     _fill(WARNING_FILL)])
    side = f'style="thin"><color rgb="{GRID}"/>'
    xml, b0 = append_items(xml, "borders", "border", [
        f"<border><left {side}</left><right {side}</right><top {side}</top>"
        f"<bottom {side}</bottom><diagonal/></border>"])
    xml, x0 = append_items(xml, "cellXfs", "xf", [
        _xf(f0, 0, 0, wrap=False), _xf(f0 + 1, 0, b0), _xf(f0 + 2, fill0, b0),
        _xf(f0 + 3, 0, b0), _xf(f0 + 4, fill0 + 1, b0), _xf(f0 + 5, fill0 + 2, b0)])
    pkg.write(STYLES, xml)
    return {name: x0 + i for i, name in enumerate(SHEET_FORMATS)}
