"""The raw WordprocessingML that python-docx has no API for, for :mod:`.word`: elements and
attributes, the fonts and language of a run's properties, the font table, complex fields
(PAGE, TOC), internal links and bookmarks; and :func:`word_text`, a text as a run can hold it.
python-docx is imported inside the functions (the ``report`` extra)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from consolidator.text_layout import FONT

if TYPE_CHECKING:
    from docx.document import Document as WordDocument
    from docx.text.paragraph import Paragraph

LANGUAGE = "ja-JP"
FONT_ENGLISH = "Yu Gothic"  # FONT's English name
# Not allowed in XML 1.0 (python-docx refuses them): C0 controls but tab and line ends,
# lone surrogates, U+FFFE/U+FFFF. A vertical tab or form feed (Excel's line break in some
# exports) becomes a line break; the others are removed.
_NOT_XML = re.compile("[\x00-\x08\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_BREAKS = re.compile("\r\n|[\r\x0b\x0c]")


def word_text(text: str) -> str:
    """``text`` as a run can hold it: line ends as ``\\n`` (a line break in Word), characters
    XML cannot hold removed."""
    return _NOT_XML.sub("", _BREAKS.sub("\n", text))


def element(tag: str, **attrs: str) -> Any:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    el = OxmlElement(tag)
    for key, value in attrs.items():
        el.set(qn(f"w:{key}"), value)
    return el


def fonts_and_language(rpr: Any) -> None:
    """``rpr`` (a w:rPr) with :data:`FONT` for every script and the language ja-JP (theme
    fonts dropped: the theme's Latin font is not Japanese)."""
    from docx.oxml.ns import qn

    for old in rpr.findall(qn("w:rFonts")) + rpr.findall(qn("w:lang")):
        rpr.remove(old)
    rpr.insert(0, element("w:rFonts", ascii=FONT, hAnsi=FONT, eastAsia=FONT, cs=FONT))
    rpr.append(element("w:lang", val=LANGUAGE, eastAsia=LANGUAGE, bidi="ar-SA"))


def declare_font(word: WordDocument) -> None:
    """:data:`FONT` in the font table, as Word itself writes it: its English name, the
    Japanese character set (Shift_JIS, 80) and family, for Word to find a substitute."""
    from docx.oxml.ns import qn
    from lxml import etree

    (rel,) = [r for r in word.part.rels.values() if r.reltype.endswith("/fontTable")]
    table = etree.fromstring(rel.target_part.blob)
    font = etree.SubElement(table, qn("w:font"), {qn("w:name"): FONT})
    for tag, value in (("altName", FONT_ENGLISH), ("charset", "80"), ("family", "modern"),
                       ("pitch", "variable")):
        etree.SubElement(font, qn(f"w:{tag}"), {qn("w:val"): value})
    rel.target_part._blob = etree.tostring(table, xml_declaration=True, encoding="UTF-8",
                                           standalone=True)


def field_start(paragraph: Paragraph, instruction: str, *, dirty: bool = False) -> None:
    """The start of a complex field (begin, its instruction, separate) at the end of
    ``paragraph``; its current result follows, then :func:`_field_end`. ``dirty``: Word
    updates it when the file is opened."""
    flags = {"dirty": "true"} if dirty else {}
    paragraph.add_run()._r.append(element("w:fldChar", fldCharType="begin", **flags))
    instr = element("w:instrText")
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    instr.text = instruction
    paragraph.add_run()._r.append(instr)
    paragraph.add_run()._r.append(element("w:fldChar", fldCharType="separate"))


def field_end(paragraph: Paragraph) -> None:
    paragraph.add_run()._r.append(element("w:fldChar", fldCharType="end"))


def link(paragraph: Paragraph, text: str, target: str) -> None:
    """``text`` as a link to the bookmark ``target`` in this document."""
    hyperlink = element("w:hyperlink", anchor=target, history="1")
    run = paragraph.add_run(word_text(text))
    run.font.underline = True
    paragraph._p.remove(run._r)
    hyperlink.append(run._r)
    paragraph._p.append(hyperlink)


def bookmark(paragraph: Paragraph, name: str, number: int) -> None:
    """A bookmark ``name`` (number ``number``: unique in the document) around ``paragraph``."""
    p = paragraph._p
    start = element("w:bookmarkStart", id=str(number), name=name)
    ppr = p.pPr
    if ppr is not None:
        ppr.addnext(start)
    else:
        p.insert(0, start)
    p.append(element("w:bookmarkEnd", id=str(number)))


def anchor(initiative_id: str) -> str:
    """The bookmark of an initiative's heading (letters, digits and ``_`` only)."""
    return "i_" + re.sub(r"\W", "_", initiative_id, flags=re.ASCII)
