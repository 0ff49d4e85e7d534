"""Highlighting the cells with findings: a conditional format that is always true.

A conditional format, not a new cell style: the department's own formatting stays as it was,
and the highlight of an earlier round is removed exactly (its rules are recognised by their
colours, which survive Excel and Calc saving the file), so a cell that has been corrected is
no longer marked in the next annotated copy.
"""

from __future__ import annotations

import re

from consolidator.feedback.package import insert_child, main_prefix, qualified

# The order of a worksheet's children (CT_Worksheet), for inserting elements where Excel
# expects them.
WORKSHEET_ORDER = (
    "sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData", "sheetCalcPr",
    "sheetProtection", "protectedRanges", "scenarios", "autoFilter", "sortState",
    "dataConsolidate", "customSheetViews", "mergeCells", "phoneticPr", "conditionalFormatting",
    "dataValidations", "hyperlinks", "printOptions", "pageMargins", "pageSetup", "headerFooter",
    "rowBreaks", "colBreaks", "customProperties", "cellWatches", "ignoredErrors", "smartTags",
    "drawing", "legacyDrawing", "legacyDrawingHF", "drawingHF", "picture", "oleObjects",
    "controls", "webPublishItems", "tableParts", "extLst")

_CF_BLOCK = re.compile(rb"<((?:[\w.-]+:)?)conditionalFormatting\b[^>]*>.*?"
                       rb"</(?:[\w.-]+:)?conditionalFormatting>", re.S)
_CF_RULE = re.compile(rb"<(?:[\w.-]+:)?cfRule\b[^>]*?(?:/>|>.*?</(?:[\w.-]+:)?cfRule>)", re.S)
_DXF_ID = re.compile(rb'\bdxfId="(\d+)"')
_PRIORITY = re.compile(rb'\bpriority="(\d+)"')


def remove_highlights(sheet_xml: bytes, ours: set[int]) -> bytes:
    """A sheet without the conditional formats of an earlier annotation (rules whose
    format is one of ``ours``); the department's own rules are kept."""
    if not ours:
        return sheet_xml

    def is_ours(rule: bytes) -> bool:
        m = _DXF_ID.search(rule)
        return m is not None and int(m.group(1)) in ours

    def block(m: re.Match[bytes]) -> bytes:
        rules = _CF_RULE.findall(m.group(0))
        if rules and all(is_ours(r) for r in rules):
            return b""
        return _CF_RULE.sub(lambda r: b"" if is_ours(r.group(0)) else r.group(0), m.group(0))

    return _CF_BLOCK.sub(block, sheet_xml)


def add_highlights(sheet_xml: bytes, error_cells: list[str], warning_cells: list[str],
                   dxf_ids: tuple[int, int]) -> bytes:
    """``sheet_xml`` with an always-true conditional format over the error cells and one
    over the warning cells (a cell with both is marked as an error)."""
    p = main_prefix(sheet_xml)
    priorities = [int(x) for x in _PRIORITY.findall(sheet_xml)]
    priority = max(priorities, default=0)
    warning_only = [c for c in warning_cells if c not in set(error_cells)]
    for cells, dxf_id in ((error_cells, dxf_ids[0]), (warning_only, dxf_ids[1])):
        if not cells:
            continue
        priority += 1
        cf, rule, formula = (qualified(p, n) for n in ("conditionalFormatting", "cfRule",
                                                      "formula"))
        element = (f'<{cf} sqref="{" ".join(dict.fromkeys(cells))}"><{rule} type="expression" '
                   f'dxfId="{dxf_id}" priority="{priority}"><{formula}>TRUE</{formula}>'
                   f"</{rule}></{cf}>").encode()
        sheet_xml = insert_child(sheet_xml, element, "conditionalFormatting", WORKSHEET_ORDER)
    return sheet_xml
