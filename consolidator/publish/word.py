"""The published report as a Word file (``令和N年度_実施状況報告.docx``), drawn with python-docx
from the same :class:`~consolidator.publish.model.Document` as the HTML: the same document,
editable.

- Word's built-in styles, so that Word's navigation pane, its 目次 and its "PDF として保存"
  (a tagged PDF) see the structure: the title in "Title" on the cover; "Heading 1" for the
  document's sections and each 基本目標, "Heading 2" for 活動目標, "Heading 3" for 取組み,
  "Heading 4" for ■計画 / ■実績 / ■予定 (the HTML's h2–h5).
- Every table's first row is a header row that repeats on each page (``w:tblHeader``) and never
  splits (``w:cantSplit``), nor does any row of the short tables (summary, 判定, 用語); each
  table has a caption paragraph and its caption as the table's title (``w:tblCaption``).
- Language ja-JP in the document defaults and Normal; one font every Japanese Windows has
  (:data:`~consolidator.text_layout.FONT`, 游ゴシック, named in the font table as Japanese, with
  its English name, so that a Word without it substitutes a Japanese font) for Latin and
  Japanese text; A4; the
  page number (a PAGE field) in the footer; a draft's 案 and why in the header of every page
  and on the cover; core properties (title, subject, author, language).
- The 目次 is a Word TOC field Word fills with the real page numbers (``w:updateFields``: Word
  offers to update it on opening); until then its result lists the headings as text, linked.

Department texts go in as plain runs (nothing is interpreted); characters XML cannot hold are
removed (:func:`word_text`). python-docx is imported in this module's functions only (the
``report`` extra): :func:`docx_engine` says whether it is installed.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from consolidator.atomic import write_with
from consolidator.messages.publish import REPORT_TEXT, WORD_TEXT
from consolidator.publish.model import Document, InitiativePage, OrganisationRows
from consolidator.publish.word_xml import (
    LANGUAGE,
    anchor,
    bookmark,
    declare_font,
    element,
    field_end,
    field_start,
    fonts_and_language,
    link,
    word_text,
)

if TYPE_CHECKING:
    from docx.document import Document as WordDocument
    from docx.table import Table
    from docx.text.paragraph import Paragraph

A4_TWIPS = (11906, 16838)
MARGIN_TWIPS = 1134  # 20 mm on every side: 170 mm of text width
TEXT_MM = 170
# The 目次: 基本目標, 活動目標, 取組み (Heading 1–3). Heading 4 (■計画 …) is left out: the
# same three words thirty times would bury the 取組み.
TOC_INSTRUCTION = ' TOC \\o "1-3" \\h \\z \\u '
HEADING = {1: "Heading 1", 2: "Heading 2", 3: "Heading 3", 4: "Heading 4"}
TOC_STYLES = {1: "toc 1", 2: "toc 2", 3: "toc 3"}
HEADER_FILL = "E7EEF8"
HEADING_COLOUR = "1F3864"
BODY_HALF_POINTS = 20  # 10 pt
# Column widths (mm) of each kind of table; each sums to TEXT_MM.
WIDTHS = {
    "summary": (58, 22, 22, 22, 24, 22), "attention": (52, 78, 20, 20),
    "plan": (16, 94, 60), "glossary": (40, 130), "results": (16, 28, 84, 42),
    "plans": (16, 28, 126), "judgements": (58, 36, 32, 20, 24),
}


def docx_engine() -> ModuleType | None:
    """python-docx, or None when it is not installed (the ``report`` extra is optional)."""
    try:
        import docx
    except ImportError:
        return None
    return docx


def write_docx(path: Path, doc: Document) -> Path:
    """Write the Word file of ``doc`` at ``path`` atomically; returns the path written."""
    return write_with(path, lambda tmp: build_docx(doc).save(str(tmp)))


def build_docx(doc: Document) -> WordDocument:
    """The Word document of ``doc`` (python-docx), in the HTML's order: cover, the
    secretariat's pages, 目次, the summary, every 取組み, the committee's opinions."""
    import docx

    w = _Writer(docx.Document(), doc)
    w.setup()
    w.cover()
    w.pages("foreword", doc.pages.foreword)
    w.toc()
    w.summary()
    for goal in doc.goals:
        w.heading(goal.heading, 1, page_break=True)
        for activity in goal.activities:
            w.heading(activity.heading, 2)
            for k, ini in enumerate(activity.initiatives):
                w.initiative(ini, page_break=k > 0)
    w.pages("committee", doc.pages.committee)
    return w.word


# ---- the document --------------------------------------------------------------------------

class _Writer:
    def __init__(self, word: WordDocument, doc: Document) -> None:
        self.word = word
        self.doc = doc
        self.bookmarks = 0
        self._style_ids: dict[str, str] = {}
        self._empty_rows: dict[Any, Any] = {}  # a table's element → an empty row of it
        # Every block goes just before the body's section properties: python-docx's own
        # add_paragraph / add_table look for them (and the page width) anew each time, which
        # grows with the document.
        self._end = word.element.body.sectPr

    def style_id(self, name: str) -> str:
        """The id of the style named ``name``, looked up once (python-docx searches every
        style, and the default one, on each paragraph given a style by name)."""
        if name not in self._style_ids:
            self._style_ids[name] = self.word.styles[name].style_id
        return self._style_ids[name]

    def setup(self) -> None:
        """Page, styles, language, the package's parts, properties, header (案) and footer
        (page number)."""
        self.page()
        self.styles()
        self.package()
        self.properties()

    def page(self) -> None:
        """A4 with 20 mm margins; the page number (a PAGE field) in the footer; a draft's 案
        and why in the header of every page."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Twips

        section = self.word.sections[0]
        section.page_width, section.page_height = Twips(A4_TWIPS[0]), Twips(A4_TWIPS[1])
        for side in ("top_margin", "bottom_margin", "left_margin", "right_margin"):
            setattr(section, side, Twips(MARGIN_TWIPS))
        section.header_distance = section.footer_distance = Twips(567)
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        field_start(footer, " PAGE ")
        footer.add_run("1")
        field_end(footer)
        if self.doc.is_draft:
            section.header.paragraphs[0].add_run(word_text(self.doc.draft_line)).bold = True

    def styles(self) -> None:
        """The font and ja-JP in the defaults, Normal, Title, Caption and Heading 1–4 (no
        theme font, no italic), 10 pt body text, the 目次's styles."""
        from docx.enum.style import WD_STYLE_TYPE
        from docx.oxml.ns import qn
        from docx.shared import Pt, RGBColor

        styles = self.word.styles
        defaults = styles.element.find(qn("w:docDefaults"))
        rpr_default = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        fonts_and_language(rpr_default)
        for size in rpr_default.findall(qn("w:sz")) + rpr_default.findall(qn("w:szCs")):
            size.set(qn("w:val"), str(BODY_HALF_POINTS))
        spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
        spacing.set(qn("w:after"), "80")
        spacing.set(qn("w:line"), "260")
        for name in ("Normal", "Title", "Caption", *HEADING.values()):
            style = styles[name]
            fonts_and_language(style.element.get_or_add_rPr())
            if name in HEADING.values() or name == "Title":
                style.font.color.rgb = RGBColor.from_string(HEADING_COLOUR)
                style.font.italic = False
        for level, size in ((1, 16), (2, 14), (3, 13), (4, 11)):
            styles[HEADING[level]].font.size = Pt(size)
        styles["Heading 4"].paragraph_format.space_before = Pt(10)
        styles["Title"].font.size = Pt(22)
        styles["Title"].paragraph_format.space_before = Pt(96)  # a third down the cover
        styles["Caption"].font.color.rgb = RGBColor.from_string("000000")
        styles["Caption"].paragraph_format.space_before = Pt(8)
        for level, name in TOC_STYLES.items():
            toc = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            toc.base_style = styles["Normal"]
            toc.paragraph_format.left_indent = Pt(11 * (level - 1))
            toc.paragraph_format.space_after = Pt(2)

    def package(self) -> None:
        """The font table; no Word 2010 copy of the styles (it would differ from them now, and
        Word may "repair" the file; Word 2013 and later write none) and no template preview;
        the theme's languages; Word updates the fields (the 目次's page numbers) on opening."""
        from docx.oxml.ns import qn

        word = self.word
        declare_font(word)
        for rid, rel in list(word.part.rels.items()):
            if rel.reltype.endswith("/stylesWithEffects"):
                word.part.drop_rel(rid)
        for rid, rel in list(word.part.package.rels.items()):
            if rel.reltype.endswith("/thumbnail"):
                del word.part.package.rels[rid]
        settings = word.settings.element
        theme_lang = settings.find(qn("w:themeFontLang"))
        if theme_lang is not None:
            theme_lang.set(qn("w:val"), LANGUAGE)
            theme_lang.set(qn("w:eastAsia"), LANGUAGE)
        later = [settings.find(qn(t)) for t in ("w:hdrShapeDefaults", "w:footnotePr",
                                               "w:endnotePr", "w:compat")]
        next(el for el in later if el is not None).addprevious(
            element("w:updateFields", val="true"))

    def properties(self) -> None:
        """Title (案 first in a draft, as the HTML's <title>), subject (the plan), author (the
        publisher of the secretariat's pages, else the plan), language."""
        doc = self.doc
        props = self.word.core_properties
        props.title = word_text(doc.window_title)
        props.subject = word_text(doc.plan_name)
        author = doc.pages.publisher[0].splitlines()[0] if doc.pages.publisher else doc.plan_name
        props.author = props.last_modified_by = word_text(author)
        props.language = LANGUAGE
        props.comments = props.keywords = ""

    # -- blocks --

    def paragraph(self, text: str, style: str | None = None, *, bold: bool = False) -> Paragraph:
        from docx.oxml import OxmlElement
        from docx.text.paragraph import Paragraph

        p_element = OxmlElement("w:p")
        self._end.addprevious(p_element)
        p = Paragraph(p_element, self.word._body)
        if style:
            p._p.style = self.style_id(style)
        if text:
            p.add_run(word_text(text)).bold = bold or None
        return p

    def heading(self, text: str, level: int, *, page_break: bool = False,
                target: str | None = None) -> Paragraph:
        """A heading of ``level`` (1–4); ``target``: a bookmark of that name around it."""
        p = self.paragraph(text, HEADING[level])
        if page_break:
            p.paragraph_format.page_break_before = True
        if target:
            self.bookmarks += 1
            bookmark(p, target, self.bookmarks)
        return p

    def cover(self) -> None:
        from docx.shared import Pt

        doc, t = self.doc, REPORT_TEXT
        if doc.is_draft:
            mark = self.paragraph("")
            run = mark.add_run(t["draft-mark"])
            run.bold, run.font.size = True, Pt(36)
            mark.add_run(" " + t["draft-banner"]).bold = True
            for reason in doc.draft:
                self.paragraph(reason, "List Bullet")
        self.paragraph(doc.title, "Title")
        for key in ("issued", "publisher"):
            lines = getattr(doc.pages, key)
            if lines:
                self.paragraph(t[key], bold=True)
                for text in lines:
                    self.paragraph(text)

    def pages(self, key: str, paragraphs: list[str]) -> None:
        """A page of the secretariat's (はしがき, 委員会の意見と市の考え方), when written."""
        if not paragraphs:
            return
        self.heading(REPORT_TEXT[key], 1, page_break=True)
        for text in paragraphs:
            self.paragraph(text)

    def toc(self) -> None:
        """目次: the 理念, then a TOC field whose result (until Word updates it) lists the
        基本目標, 活動目標 and 取組み, each linked to its heading."""
        doc, t = self.doc, REPORT_TEXT
        self.heading(t["toc"], 1, page_break=True)
        vision = self.paragraph(t["toc-vision"], bold=True)
        vision.add_run(" " + word_text(doc.vision))
        entries: list[tuple[int, str, str | None]] = []
        for goal in doc.goals:
            entries.append((1, goal.heading, None))
            for activity in goal.activities:
                entries.append((2, activity.heading, None))
                entries += [(3, ini.heading, anchor(ini.id)) for ini in activity.initiatives]
        entries.append((1, WORD_TEXT["toc-placeholder"], None))
        paragraphs = [self.paragraph("", TOC_STYLES[level]) for level, _, _ in entries]
        field_start(paragraphs[0], TOC_INSTRUCTION, dirty=True)
        for p, (_, text, target) in zip(paragraphs, entries, strict=True):
            if target:
                link(p, text, target)
            else:
                p.add_run(word_text(text))
        field_end(paragraphs[-1])

    def summary(self) -> None:
        doc, t = self.doc, REPORT_TEXT
        self.heading(t["summary"], 1, page_break=True)
        self.paragraph(t["summary-lead"])
        words = [word for _, word in doc.judgements]
        table = self.table(t["summary-caption"], "summary",
                           [t["summary-goal"], *words, t["summary-total"]], short=True)
        for goal in doc.goals:
            counts = [str(goal.counts[j]) for j, _ in doc.judgements]
            self.row(table, [goal.heading, *counts, str(sum(goal.counts.values()))],
                     short=True, numbers=range(1, len(words) + 2))
        self.paragraph(t["rule"])
        attention = doc.attention
        if not attention:
            self.paragraph(t["attention-none"])
            return
        table = self.table(t["attention-caption"], "attention",
                           [t["summary-goal"], t["attention-initiative"], words[1], words[2]],
                           short=True)
        for a in attention:
            cells = self.row(table, [a.goal, "", str(a.not_achieved), str(a.not_reported)],
                             short=True, numbers=(2, 3))
            link(cells[1].paragraphs[0], a.heading, anchor(a.initiative_id))

    def initiative(self, ini: InitiativePage, *, page_break: bool) -> None:
        t, years, captions = REPORT_TEXT, self.doc.year_texts, ini.captions
        self.heading(ini.heading, 3, page_break=page_break, target=anchor(ini.id))
        self.heading(t["plan-block"], 4)
        table = self.table(captions["plan-caption"], "plan",
                           [t["plan-organisation"], t["plan-actions"], t["plan-indicators"]])
        for row in ini.plan:
            self.row(table, [row.organisation, row.actions, row.indicators])
        if ini.glossary:
            table = self.table(captions["glossary-caption"], "glossary",
                               [t["glossary-term"], t["glossary-description"]], short=True)
            for term, description in ini.glossary:
                self.row(table, [term, description], short=True)
        self.heading(years["results-block"], 4)
        self.rows_table(ini.results, captions["results-caption"], years["results-status"],
                        years["results-values"])
        if ini.measures:
            table = self.table(captions["judgement-caption"], "judgements",
                               [t["judgement-indicator"], t["judgement-target"],
                                t["judgement-value"], t["judgement-rate"],
                                t["judgement-judgement"]], short=True)
            for m in ini.measures:
                self.row(table, [m.name, m.target_text, m.value_text, m.rate_text, m.judgement],
                         short=True, numbers=(3,))
        for note in ini.notes:
            self.paragraph(note, "List Bullet")
        self.heading(years["plans-block"], 4)
        self.rows_table(ini.plans, captions["plans-caption"], years["plans-text"], None)

    def rows_table(self, groups: list[OrganisationRows], caption: str, text_heading: str,
                   values_heading: str | None) -> None:
        """■実績 / ■予定: per organisation its rows (区分 and 実績値 cells spanning them)."""
        t = REPORT_TEXT
        headers = [t["results-organisation"], t["results-reporter"], text_heading]
        if values_heading:
            headers.append(values_heading)
        table = self.table(caption, "results" if values_heading else "plans", headers)
        for group in groups:
            rows = []
            for k, row in enumerate(group.rows):
                text = t["not-reported"] if row.text is None else row.text
                values: list[str] = [v.text for v in group.values] if k == 0 else []
                cells = [group.organisation if k == 0 else "", row.label, text]
                rows.append(self.row(table, [*cells, values] if values_heading else cells))
                if row.text is None:
                    for run in rows[-1][2].paragraphs[0].runs:
                        run.bold = True
            if len(rows) > 1:
                for col in (0, 3) if values_heading else (0,):
                    rows[0][col].merge(rows[-1][col])

    # -- tables --

    def table(self, caption: str, kind: str, headers: list[str], *,
              short: bool = False) -> Table:
        """A table with its caption (a Caption paragraph kept with it, and the table's title)
        and a header row that repeats on every page."""
        from docx.shared import Mm

        p = self.paragraph(caption, "Caption")
        p.paragraph_format.keep_with_next = True
        import docx.table
        from docx.oxml.table import CT_Tbl

        tbl = CT_Tbl.new_tbl(0, len(headers), Mm(TEXT_MM))
        self._end.addprevious(tbl)
        table = docx.table.Table(tbl, self.word._body)
        table._tbl.tblPr.style = self.style_id("Table Grid")
        table.autofit = False
        for column, width in zip(table.columns, WIDTHS[kind], strict=True):
            column.width = Mm(width)
        tbl_pr = table._tbl.tblPr
        tbl_pr.append(element("w:tblCaption", val=word_text(caption)[:255]))
        proto = table.add_row()._tr  # each cell as wide as its column
        table._tbl.remove(proto)
        self._empty_rows[table._tbl] = proto
        cells = self.row(table, headers, short=True)
        tr_pr = table.rows[0]._tr.get_or_add_trPr()
        tr_pr.append(element("w:tblHeader"))
        for cell in cells:
            cell._tc.get_or_add_tcPr().append(element("w:shd", val="clear", color="auto",
                                                   fill=HEADER_FILL))
            for run in cell.paragraphs[0].runs:
                run.bold = True
        return table

    def row(self, table: Table, values: Sequence[str | list[str]], *, short: bool = False,
            numbers: Any = ()) -> list[Any]:
        """A row of ``values`` (a list: one line each); ``short``: it never splits across
        pages; ``numbers``: the columns aligned right."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.table import _Cell

        tr = copy.deepcopy(self._empty_rows[table._tbl])  # python-docx's add_row, faster
        table._tbl.append(tr)
        if short:
            tr.get_or_add_trPr().append(element("w:cantSplit"))
        cells = [_Cell(tc, table) for tc in tr.tc_lst]
        for k, (cell, value) in enumerate(zip(cells, values, strict=True)):
            lines = [value] if isinstance(value, str) else value
            for n, line in enumerate(lines):
                p = cell.paragraphs[0] if n == 0 else cell.add_paragraph()
                if line:
                    p.add_run(word_text(line))
                if k in numbers:
                    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        return cells
