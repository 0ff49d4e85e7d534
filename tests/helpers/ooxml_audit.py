"""Is a written file sound, checked without Excel or Calc: an .xlsx against the Open XML SDK's
schema and semantic rules (openxml-audit, a Python port of its validator), an .ods against the
ODF 1.2 schema openxml-audit ships, and the shape ids of an .xlsx's VML drawings (Excel gives
each drawing its own block of ids; the same id in two drawings is reported to make it offer a
repair — openxml-audit does not look at VML).

What openxml-audit reports but Excel opens without a word is listed once, here, with why.
"""

from __future__ import annotations

import functools
import re
import zipfile
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

# (rule id or "", part, where (a regex on the element path), description start) → why it is
# not a problem.
KNOWN_FALSE_POSITIVES: dict[tuple[str, str, str, str], str] = {
    ("", "/xl/styles.xml", r"/styleSheet\[1\]/fonts\[1\]/font\[\d+\]", "Unexpected element"):
        "openpyxl writes a font's children name first; ECMA-376 makes them an xsd:choice "
        "(any order, CT_Font), the SDK's schema a sequence. Excel reads either.",
    ("Excel_InlineStrCells", "", "", ""):
        "a warning, not an error: the templates hold their texts as inline strings (openpyxl, "
        "write-only), which Excel moves to a shared-strings table when it next saves.",
}


SEEN: set[tuple[str, str, str, str]] = set()  # the known false positives met so far


def _known(error: Any) -> bool:
    for key in KNOWN_FALSE_POSITIVES:
        rule, part, where, start = key
        if ((not rule or error.id == rule) and (not part or error.part_uri == part)
                and (not where or re.fullmatch(where, error.path or ""))
                and error.description.startswith(start)):
            SEEN.add(key)
            return True
    return False


def xlsx_problems(path: Path) -> list[str]:
    """What openxml-audit finds in the .xlsx (or .docx) at ``path``, the known false positives
    left out (and noted in :data:`SEEN`)."""
    audit = pytest.importorskip("openxml_audit")
    result = audit.OpenXmlValidator().validate(str(path))
    return [f"{e.part_uri} {e.path}: {e.id} {e.description}"
            for e in result.errors if not _known(e)]


# ---- ODF ---------------------------------------------------------------------------------------

_MANIFEST_NS = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
_XML_NS = "http://www.w3.org/XML/1998/namespace"


@functools.cache
def _odf_schemas() -> tuple[Any, Any, set[str]]:
    """The ODF 1.2 schema and manifest schema (lxml Relax NG) and the namespaces ODF defines."""
    etree = pytest.importorskip("lxml.etree")
    folder = resources.files("openxml_audit") / "odf" / "schemas" / "odf-1.2"
    grammar = etree.parse(str(folder / "OpenDocument-v1.2-os-schema.rng"))
    manifest = etree.parse(str(folder / "OpenDocument-v1.2-os-manifest-schema.rng"))
    spaces = set(grammar.getroot().nsmap.values()) | {_MANIFEST_NS, _XML_NS}
    return etree.RelaxNG(grammar), etree.RelaxNG(manifest), spaces


def _without_foreign(root: Any, spaces: set[str]) -> Any:
    """The part without the elements and attributes of other namespaces (Calc's ``calcext:``,
    ``loext:``): ODF 1.2 §1.5 checks an extended document against the schema after removing
    them."""
    from lxml import etree

    for el in list(root.iter()):
        if not isinstance(el.tag, str):
            continue
        if etree.QName(el).namespace not in spaces and el.getparent() is not None:
            el.getparent().remove(el)
            continue
        for name in list(el.attrib):
            space = etree.QName(name).namespace
            if space and space not in spaces:
                del el.attrib[name]
    return root


def ods_problems(path: Path) -> list[str]:
    """Where the .ods at ``path`` is not valid against the ODF 1.2 schema (the manifest
    against its own), foreign elements and attributes left out."""
    from lxml import etree

    schema, manifest, spaces = _odf_schemas()
    out = []
    with zipfile.ZipFile(path) as z:
        for part in ("content.xml", "styles.xml", "meta.xml", "settings.xml",
                     "META-INF/manifest.xml"):
            if part not in z.namelist():
                continue
            grammar = manifest if part.startswith("META-INF") else schema
            root = _without_foreign(etree.fromstring(z.read(part)), spaces)
            if not grammar.validate(root):
                out += [f"{part}:{e.line} {e.path}: {e.message}" for e in grammar.error_log]
    return out


def problems(path: Path) -> list[str]:
    """:func:`xlsx_problems` or :func:`ods_problems`, by the file's extension."""
    return ods_problems(path) if path.suffix == ".ods" else xlsx_problems(path)


# ---- VML shape ids -----------------------------------------------------------------------------

_SHAPE = re.compile(rb"<(?:[\w.-]+:)?shape\b([^>]*)>", re.S)
_ID = re.compile(rb"(?<![\w:.-])(?:o:spid|id)\s*=\s*\"([^\"]*)\"")
_IDMAP = re.compile(rb"idmap\b[^>]*\bdata=\"([\d,\s]*)\"")


def shape_ids(path: Path) -> dict[str, list[str]]:
    """VML drawing → the ids of its shapes (``o:spid`` where a shape has one: a form
    control's ``id`` is its name)."""
    with zipfile.ZipFile(path) as z:
        return {n: [m.group(1).decode() for s in _SHAPE.finditer(z.read(n))
                    if (m := max(_ID.finditer(s.group(1)), default=None,
                                 key=lambda f: f.group(0).startswith(b"o:spid")))]
                for n in z.namelist() if n.lower().endswith(".vml")}


def shape_id_problems(path: Path) -> list[str]:
    """Shape ids used twice in the package's VML drawings, blocks declared by two drawings,
    and ids outside the blocks their drawing declares."""
    out = []
    ids = shape_ids(path)
    twice = Counter(i for found in ids.values() for i in found)
    out += [f"shape id {i} used {n} times" for i, n in twice.items() if n > 1]
    with zipfile.ZipFile(path) as z:
        blocks = {n: {int(b) for m in _IDMAP.finditer(z.read(n))
                      for b in re.findall(rb"\d+", m.group(1))} for n in ids}
    shared = Counter(b for found in blocks.values() for b in found)
    out += [f"block {b} declared by {n} drawings" for b, n in shared.items() if n > 1]
    for name, found in ids.items():
        for i in found:
            m = re.fullmatch(r"_x0000_s(\d+)", i)
            if not m or int(m.group(1)) // 1024 not in blocks[name]:
                out.append(f"{name}: shape {i} outside the blocks it declares {blocks[name]}")
    return out
