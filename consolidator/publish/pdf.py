"""The published report as a tagged PDF (``令和N年度_実施状況報告.pdf``), drawn by Typst
(``templates/report.typ``) from the same :class:`~consolidator.publish.model.Document` as the
HTML.

Every text of the document goes to Typst as data — one JSON value in ``sys.inputs`` that the
template reads with ``json(bytes(...))`` and shows as strings — so no department text is ever
read as Typst markup (``#``, ``$``, ``*``, ``<script>`` and ``{{ }}`` come out as typed).

The PDF targets PDF/UA-1 (structure tree, /Lang ja, the title shown as the window title, every
font embedded); its fonts are the operating system's own (:mod:`.fonts`). The ``typst`` package
is the optional extra ``report``, imported only here: without it, or without a Japanese font,
the PDF is skipped with a finding saying what to install, and the other forms are written.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from consolidator.atomic import write_with
from consolidator.findings import Finding, make
from consolidator.messages import fill
from consolidator.messages.publish import PDF_TEXT, REPORT_TEXT
from consolidator.publish.fonts import FontChoice, japanese_fonts
from consolidator.publish.model import Document, InitiativePage, OrganisationRows

TEMPLATE = Path(__file__).parent / "templates" / "report.typ"


class NoUsableFont(Exception):
    """None of the font files found is a font Typst can read (it would draw no text at all,
    even in PDF/UA-1 mode)."""


def write_pdf(path: Path, doc: Document, fonts: list[FontChoice] | None = None,
              ) -> tuple[Path | None, list[Finding]]:
    """Write the PDF of ``doc`` at ``path`` atomically: (the path written, or None when it
    was skipped; the findings saying why, or which characters no font had)."""
    try:
        import typst
    except ImportError:
        return None, [make("pdf-engine-missing", file=path.name)]
    searched: list[Path] = []
    if fonts is None:
        fonts, searched = japanese_fonts()
    if not fonts:
        return None, [make("pdf-font-missing", file=path.name,
                           path=", ".join(str(d) for d in searched))]
    findings: list[Finding] = []
    try:
        try:
            pdf = compile_pdf(doc, fonts)
        except typst.TypstError as exc:
            missing = re.search(r'the text `"(.*?)"` could not be displayed', str(exc))
            if missing is None:
                raise
            findings.append(make("pdf-characters-missing", file=path.name,
                                 detail=missing.group(1),
                                 value=", ".join(f.family for f in fonts)))
            pdf = compile_pdf(doc, fonts, ua=False)
    except NoUsableFont:
        return None, [make("pdf-font-missing", file=path.name,
                           path=", ".join(str(f.path) for f in fonts))]
    except typst.TypstError as exc:  # a fault of the template: the other forms are written
        return None, [make("pdf-failed", file=path.name, detail=_first_line(exc))]
    return write_with(path, lambda tmp: tmp.write_bytes(pdf)), findings


def compile_pdf(doc: Document, fonts: list[FontChoice], ua: bool = True) -> bytes:
    """The PDF's bytes: PDF/UA-1 (``ua``), or only tagged where a character has no font.
    Typst sees only the folders of the fonts found (not the whole system's fonts)."""
    import typst

    book = typst.Fonts(include_system_fonts=False, include_embedded_fonts=False,
                       font_paths=list(dict.fromkeys(str(f.path.parent) for f in fonts)))
    read = [(i.family, i.path, i.index) for i in book.fonts()]
    if not any(path is not None and Path(path) == f.path for _, path, _ in read for f in fonts):
        raise NoUsableFont
    data = document_data(doc, typst_families(fonts, read))
    out = typst.compile(str(TEMPLATE), format="pdf", font_paths=book,
                        sys_inputs={"data": json.dumps(data, ensure_ascii=False)},
                        pdf_standards=["ua-1"] if ua else [])
    assert isinstance(out, bytes)
    return out


def typst_families(fonts: list[FontChoice], book: list[tuple[str, str | None, int]]
                   ) -> list[str]:
    """The family names Typst reads in the files found, in their order: a file's expected
    name when Typst knows it by that name, else the first family of that file (a name that
    differs by version or language is still asked for); the expected names of files Typst
    could not read are kept (harmless: Typst skips a family it does not have)."""
    out: list[str] = []
    for f in fonts:
        in_file = [family for family, path, _ in sorted(book, key=lambda b: b[2])
                   if path is not None and Path(path) == f.path]
        name = f.family if f.family in in_file or not in_file else in_file[0]
        if name not in out:
            out.append(name)
    return out


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]


def document_data(doc: Document, families: list[str]) -> dict[str, Any]:
    """``doc`` as the plain JSON the template reads: every text final (captions filled in)."""
    t = REPORT_TEXT
    return {
        "title": doc.title, "plan": doc.plan_name,
        # the window title: 案 first while a draft, as the HTML's <title>
        "doc-title": doc.window_title,
        "vision": doc.vision, "fonts": families,
        "draft": doc.draft,
        "text": {**t, **PDF_TEXT, **doc.year_texts},
        "pages": {"foreword": doc.pages.foreword, "publisher": doc.pages.publisher,
                  "issued": doc.pages.issued, "committee": doc.pages.committee},
        "judgements": [word for _, word in doc.judgements],
        "summary": [{"goal": g.heading, "counts": [g.counts[j] for j, _ in doc.judgements]}
                    for g in doc.goals],
        "chart-alt": fill(PDF_TEXT["chart-alt"], parts=" ".join(doc.chart_bars)),
        "attention": [{"id": a.initiative_id, "goal": a.goal, "heading": a.heading,
                       "not-achieved": a.not_achieved, "not-reported": a.not_reported}
                      for a in doc.attention],
        "goals": [{"heading": g.heading, "activities": [
            {"heading": a.heading, "initiatives": [_initiative(i)
                                                   for i in a.initiatives]}
            for a in g.activities]} for g in doc.goals],
    }


def _initiative(ini: InitiativePage) -> dict[str, Any]:
    return {
        "id": ini.id, "heading": ini.heading, **ini.captions,
        "plan": [{"org": p.organisation, "actions": p.actions, "indicators": p.indicators}
                 for p in ini.plan],
        "glossary": [list(g) for g in ini.glossary],
        "results": _rows(ini.results),
        "measures": [[m.name, m.target_text, m.value_text, m.rate_text, m.judgement]
                     for m in ini.measures],
        "notes": ini.notes,
        "plans": _rows(ini.plans),
    }


def _rows(groups: list[OrganisationRows]) -> list[dict[str, Any]]:
    """One entry per table row: the organisation on its group's first row, the row's label
    and text (None: 未報告), the group's 実績値 lines on its first row."""
    out = []
    for g in groups:
        for k, r in enumerate(g.rows):
            out.append({"org": g.organisation if k == 0 else "", "label": r.label,
                        "text": r.text, "values": [v.text for v in g.values] if k == 0 else []})
    return out
