"""Issue 26: each rule of a zip package is written once (consolidator.package_parts), and the
safety checks (reading a department's file) and the feedback (writing its marked copy) follow
the same one: a relationship never points out of the package, and no part with a DTD — in any
case, in UTF-16 — reaches a parser on either side.

Real files: a generated template, its parts edited as a hostile sender would.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from consolidator.feedback.package import PackageError, PatchedWorkbook, relationships
from consolidator.package_parts import UnsafeContent, resolve_target
from consolidator.safety.xml_parts import read_xml_part
from helpers.hostile_corpus import edit, read_entries, write_zip

WB_RELS = "xl/_rels/workbook.xml.rels"


@pytest.mark.parametrize(("source", "target", "part"), [
    ("xl/workbook.xml", "worksheets/sheet1.xml", "xl/worksheets/sheet1.xml"),
    ("xl/workbook.xml", "../../x.xml", "x.xml"),
    ("xl/worksheets/sheet1.xml", "../../../../etc/passwd", "etc/passwd"),
    ("xl/workbook.xml", "/xl/styles.xml", "xl/styles.xml"),
    ("xl/workbook.xml", "/../../x.xml", "x.xml"),
    ("xl/workbook.xml", "..\\..\\..\\x.xml", "x.xml"),
    ("xl/workbook.xml", "worksheets\\sheet2.xml", "xl/worksheets/sheet2.xml"),
    ("xl/workbook.xml", "%2e%2e/%2E%2E/%2e%2e/x.xml", "x.xml"),
    ("xl/workbook.xml", "..%2F..%2F..%2Fx.xml", "x.xml"),
    ("xl/workbook.xml", "..%5C..%5Cx.xml", "x.xml"),
    ("xl/workbook.xml", "worksheets/./sheet%201.xml", "xl/worksheets/sheet 1.xml"),
    ("", "Pictures/a.png", "Pictures/a.png"),  # an ODF manifest path
    ("", "../../content.xml", "content.xml"),
], ids=["relative", "dotdot", "dotdot-deep", "absolute", "absolute-dotdot", "backslashes",
        "backslash", "percent-dots", "percent-slash", "percent-backslash", "percent-space",
        "manifest", "manifest-dotdot"])
def test_a_target_never_leaves_the_package(source: str, target: str, part: str) -> None:
    assert resolve_target(source, target) == part


def _with_rels_target(template: Path, out: Path, target: str) -> Path:
    """The template with its first sheet's relationship pointing at ``target``."""
    return write_zip(out, edit(read_entries(template), WB_RELS, lambda d: d.replace(
        b'Target="/xl/worksheets/sheet1.xml"', f'Target="{target}"'.encode(), 1)))


def test_the_feedback_reads_relationships_inside_the_package(
        tmp_path: Path, mini_templates: dict[str, Path]) -> None:
    """A returned workbook whose relationships climb out of the package: the feedback resolves
    them as the reader does, inside it (it used to get ``../../etc/x.xml``)."""
    template = next(iter(mini_templates.values()))
    assert b'Target="/xl/worksheets/sheet1.xml"' in dict(read_entries(template))[WB_RELS]
    path = _with_rels_target(template, tmp_path / "climb.xlsx", "../../../etc/x.xml")
    targets = {r.target for r in relationships(PatchedWorkbook(path), "xl/workbook.xml")}
    assert "etc/x.xml" in targets
    assert not any(t.startswith(("..", "/")) for t in targets), targets


HOSTILE = {
    "upper": b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "y">]><a/>',
    "lower": b'<?xml version="1.0"?><!doctype a><a/>',
    "entity-late": b"<a/><!-- x --><!entity x 'y'>",
    "utf16": '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE a><a/>'.encode("utf-16"),
    "utf16-nobom": "<!DOCTYPE a><a/>".encode("utf-16-le"),
    "utf32": "<a/>".encode("utf-32"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_both_sides_refuse_the_same_parts(name: str, tmp_path: Path,
                                          mini_templates: dict[str, Path]) -> None:
    """The same hostile styles part is refused by the safety checks and by the feedback's
    package (which used to look for ``<!DOCTYPE`` in upper case only, never in UTF-16)."""
    template = next(iter(mini_templates.values()))
    path = write_zip(tmp_path / f"{name}.xlsx",
                     edit(read_entries(template), "xl/styles.xml", lambda _: HOSTILE[name]))
    with zipfile.ZipFile(path) as zf, pytest.raises(UnsafeContent):
        read_xml_part(zf, "xl/styles.xml")
    pkg = PatchedWorkbook(path)
    with pytest.raises(PackageError):
        pkg.read("xl/styles.xml")
    assert b"<sheets>" in pkg.read("xl/workbook.xml")  # the clean parts still read
