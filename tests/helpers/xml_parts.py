"""Editing one XML part of a package as a tree, the same whichever XML library openpyxl uses.

openpyxl writes with lxml where it is installed and with ElementTree otherwise; the two spell
the same document differently (``<v/>`` or ``<v />``, namespaces declared on the root or where
first used). A test that changes a part edits its parsed tree, never its text.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from xml.etree import ElementTree as ET

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def edit_xml(data: bytes, change: Callable[[ET.Element], None]) -> bytes:
    """``data`` parsed, changed by ``change`` and written back with the part's own prefixes
    (ElementTree would otherwise call them ``ns0``, ``ns1``). ElementTree keeps prefixes in
    one map for the whole process: it is put back as it was afterwards."""
    declared = [ns for _event, ns in ET.iterparse(io.BytesIO(data), events=("start-ns",))]
    root = ET.fromstring(data)
    change(root)
    saved = dict(ET._namespace_map)  # type: ignore[attr-defined]
    try:
        for prefix, uri in declared:
            ET.register_namespace(prefix, uri)
        return ET.tostring(root, encoding="UTF-8", xml_declaration=True)
    finally:
        ET._namespace_map.clear()  # type: ignore[attr-defined]
        ET._namespace_map.update(saved)  # type: ignore[attr-defined]


def q(local: str, ns: str = MAIN_NS) -> str:
    """``{ns}local``, the name ElementTree gives an element."""
    return f"{{{ns}}}{local}"
