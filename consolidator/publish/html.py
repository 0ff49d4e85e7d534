"""The published report as one self-contained HTML file (``令和N年度_実施状況報告.html``).

Built with Jinja2 (``templates/report.html``), autoescape on: every department text is data,
shown as text (``<script>`` and ``{{ }}`` included). Styles are inline, there is no script and
no request to any other address; print CSS lays it out on A4. The summary chart is inline SVG
(``role="img"`` with a title and a description giving every number), drawn here from the
document, beside the table that holds the same numbers; 判定 is always a word, never a colour
alone. A draft (案) says so on the cover and, in print, at the top of every page.
"""

from __future__ import annotations

import functools
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from consolidator.atomic import write_text_atomic
from consolidator.messages.publish import REPORT_TEXT
from consolidator.publish.model import Document

if TYPE_CHECKING:
    import jinja2

# 判定 → bar colour (each segment also carries its count as text, and the legend its word).
COLOURS = {"achieved": "#1B5E20", "not-achieved": "#B71C1C", "not-reported": "#4A148C",
           "not-evaluated": "#37474F"}

CSS = """
:root { color: #111; background: #fff; }
body { font-family: "Yu Gothic", "YuGothic", "Meiryo", "Hiragino Sans", "Noto Sans CJK JP",
       "IPAexGothic", sans-serif; line-height: 1.6; margin: 0 auto; max-width: 60rem;
       padding: 1rem; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.4rem; border-bottom: 2px solid #333; }
h3 { font-size: 1.2rem; } h4 { font-size: 1.1rem; background: #DDEBF7; padding: .2rem .4rem; }
h5 { font-size: 1rem; margin: 1rem 0 .3rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
caption { text-align: left; font-weight: bold; padding: .2rem 0; }
th, td { border: 1px solid #666; padding: .25rem .4rem; vertical-align: top; text-align: left; }
thead th, .rows th[scope=rowgroup], .plan tbody th { white-space: nowrap; }
.rows th[scope=row] { min-width: 6em; } .glossary th[scope=row] { min-width: 8em; }
thead th { background: #E7EEF8; }
td.text, td, .prose { white-space: pre-line; }
td.num { text-align: right; }
td.missing { font-weight: bold; }
.line { display: block; }
.judgement { font-weight: bold; }
.summary-body { display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-start; }
.summary-body table { flex: 1 1 28rem; }
.summary-body svg { flex: 1 1 24rem; max-width: 100%; height: auto; }
.note, .notes { font-size: .9rem; }
.draft-header { position: fixed; top: 0; left: 0; right: 0; background: #fff;
                border-bottom: 2px solid #000; font-weight: bold; padding: .2rem 1rem; }
.draft-cover { font-size: 1.3rem; font-weight: bold; border: 3px solid #000; padding: .5rem; }
.draft-word { font-size: 2rem; }
body:has(.draft-header) { padding-top: 3rem; }
nav ol { list-style: none; padding-left: 1.2rem; }
@page { size: A4; margin: 18mm 15mm;
        @bottom-center { content: counter(page) " / " counter(pages); font-size: 9pt; } }
@media print {
  .draft-header { display: none; }
  body { max-width: none; padding: 0; font-size: 10pt; }
  body:has(.draft-header) { padding-top: 0; }
  .cover { break-after: page; }
  .page, .goal { break-before: page; }
  .activity > .initiative:first-of-type { break-before: auto; }
  h2, h3, h4, h5, caption { break-after: avoid; }
  tr { break-inside: avoid; }
  thead { display: table-header-group; }
  a { color: inherit; text-decoration: none; }
}
"""


@functools.cache
def _environment() -> jinja2.Environment:
    """The template's environment, made once per process: a program that stays running (the
    desk) compiles the template once, not at every 集約 (0.05-0.15 s each time)."""
    import jinja2

    return jinja2.Environment(loader=jinja2.PackageLoader("consolidator.publish", "templates"),
                              autoescape=True, undefined=jinja2.StrictUndefined,
                              trim_blocks=False, keep_trailing_newline=True)


def render_html(doc: Document) -> str:
    """The HTML text of ``doc``."""
    import jinja2

    return _environment().get_template("report.html").render(
        doc=doc, t=REPORT_TEXT, years=doc.year_texts,
        css=jinja2.utils.markupsafe.Markup(CSS + draft_css(doc)),
        chart=jinja2.utils.markupsafe.Markup(summary_svg(doc)))


def draft_css(doc: Document) -> str:
    """For a draft: 案 and why at the top of every printed page (a page margin box; on
    screen the fixed header says it)."""
    if not doc.is_draft:
        return ""
    return ("@page { @top-left { content: " + css_string(doc.draft_line)
            + "; font-weight: bold; font-size: 10pt; } }\n")


def css_string(text: str) -> str:
    """``text`` as a CSS string inside a <style> element: quotes, backslashes, line breaks
    and the characters of markup (< > &) written as CSS escapes."""
    out = []
    for ch in text:
        if ch in '"\\<>&\n\r' or ord(ch) < 0x20:
            out.append(f"\\{ord(ch):x} ")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def write_html(path: Path, doc: Document) -> Path:
    """Write the HTML of ``doc`` at ``path`` atomically; returns the path written."""
    return write_text_atomic(path, render_html(doc))


def summary_svg(doc: Document) -> str:
    """A horizontal stacked bar per 基本目標 (the measures by 判定), with a legend; its title
    and description say every number in words."""
    bar_h, gap, width = 28, 14, 560
    top = 34
    total_max = max([sum(g.counts.values()) for g in doc.goals] + [1])
    scale = (width - 20) / total_max
    parts = []
    for k, goal in enumerate(doc.goals):
        y = top + k * (bar_h * 2 + gap)
        parts.append(f'<text x="0" y="{y + 16}" font-size="13">{escape(goal.heading)}</text>')
        x = 0.0
        for j, _word in doc.judgements:
            n = goal.counts[j]
            if not n:
                continue
            w = n * scale
            parts.append(f'<rect x="{x:.1f}" y="{y + 22}" width="{w:.1f}" height="{bar_h}" '
                         f'fill="{COLOURS[j]}"/>')
            if w >= 18:
                parts.append(f'<text x="{x + w / 2:.1f}" y="{y + 22 + bar_h / 2 + 5:.1f}" '
                             f'font-size="13" fill="#fff" text-anchor="middle">{n}</text>')
            x += w
    legend_y = top + len(doc.goals) * (bar_h * 2 + gap) + 10
    x = 0
    for j, word in doc.judgements:
        parts.append(f'<rect x="{x}" y="{legend_y}" width="14" height="14" fill="{COLOURS[j]}"/>')
        parts.append(f'<text x="{x + 18}" y="{legend_y + 12}" font-size="13">{escape(word)}</text>')
        x += 130
    height = legend_y + 24
    title = escape(REPORT_TEXT["summary-caption"])
    desc = escape(REPORT_TEXT["chart-label"] + " " + " ".join(doc.chart_bars))
    return (f'<svg role="img" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" aria-labelledby="chart-title chart-desc">'
            f'<title id="chart-title">{title}</title><desc id="chart-desc">{desc}</desc>'
            + "".join(parts) + "</svg>")
