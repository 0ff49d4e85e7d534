"""The published report (公表): the 実施状況報告 the city puts on its website and gives to its
推進委員会, made from one consolidated year — one document model, drawn in several forms.

- :mod:`.model`: the document (plain dataclasses) from a ``Consolidated`` and the
  secretariat's pages; why it is still a draft (案);
- :mod:`.pages`: the secretariat's own pages (``公表/公表ページ.txt``: はしがき, 発行者, 発行日,
  委員会の意見と市の考え方), created when missing, never overwritten;
- :mod:`.html`: ``令和N年度_実施状況報告.html`` (Jinja2, ``templates/report.html``);
- :mod:`.open_data`: ``指標一覧_令和N年度.csv`` and ``.xlsx``;
- :mod:`.pdf`: ``令和N年度_実施状況報告.pdf`` (Typst, ``templates/report.typ``), in the
  operating system's Japanese fonts (:mod:`.fonts`);
- :mod:`.word`: ``令和N年度_実施状況報告.docx`` (python-docx), with :mod:`.word_xml`: the
  WordprocessingML python-docx has no API for.

The PDF and Word engines are the ``report`` extra: without one, its file is skipped with a
finding in :attr:`Published.skipped` and the other forms are written.

:func:`write_published` writes them all under ``<out>/公表/``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from consolidator.cache.outputs import OutputCache, inputs_digest
from consolidator.findings import Finding, make
from consolidator.japanese_values import wareki
from consolidator.messages import fill
from consolidator.messages.publish import (
    DOCX_NAME,
    HTML_NAME,
    OPEN_DATA_NAME,
    PDF_NAME,
    PUBLISH_DIR,
)
from consolidator.publish.model import Document
from consolidator.report.merge import Consolidated
from consolidator.safe_paths import output_path


@dataclass
class Published:
    """What was written: the folder, each file (as written: beside a file held open), the
    secretariat's pages and the document (its ``draft`` says why it is a 案)."""

    folder: Path
    files: list[Path]
    document: Document
    # A form that could not be drawn here (its engine not installed, no font with the
    # characters it needs), with what to do: the other forms are written all the same.
    skipped: list[Finding] = field(default_factory=list)


PUBLISHED_KINDS = ("html", "pdf", "docx", "csv", "xlsx")


def publish_folder(out_dir: Path) -> Path:
    return output_path(out_dir, PUBLISH_DIR)


def published_name(kind: str, year: int) -> str:
    """The file name of one form of the published report of fiscal ``year``: ``html`` /
    ``pdf`` / ``docx`` (令和N年度_実施状況報告.html / .pdf / .docx), ``csv`` / ``xlsx``
    (指標一覧_令和N年度.csv / .xlsx)."""
    names = {"html": HTML_NAME, "pdf": PDF_NAME, "docx": DOCX_NAME}
    if kind in names:
        return fill(names[kind], year=wareki(year))
    return fill(OPEN_DATA_NAME, year=wareki(year), ext=kind)


def write_published(out_dir: Path, c: Consolidated, outputs: OutputCache | None = None
                    ) -> Published:
    """Write the published report of ``c`` into ``out_dir/公表/``: the HTML, the open data
    (CSV, xlsx), the PDF and the Word file, each atomically; the secretariat's page file is
    read (created with guidance when missing, never overwritten). A form whose engine (or,
    for the PDF, a Japanese font) is missing is left out, said in ``skipped``. ``outputs``:
    the output cache; when the document and the open data are those the files in place were
    written from, and the files are still as written, they are left as they are."""
    from consolidator.publish.html import write_html
    from consolidator.publish.model import build_document
    from consolidator.publish.open_data import (
        open_data_rows,
        write_open_data_csv,
        write_open_data_xlsx,
    )
    from consolidator.publish.pages import load_pages
    from consolidator.publish.word import docx_engine, write_docx

    folder = publish_folder(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    doc = build_document(c, load_pages(folder))
    rows = open_data_rows(c)  # one table, two files
    digest = inputs_digest(str(folder), repr(doc), rows)
    if outputs is not None and (kept := outputs.unchanged("published", digest)) is not None:
        return Published(folder, kept[0], doc)
    files = [
        write_html(output_path(folder, published_name("html", c.year)), doc),
        write_open_data_csv(output_path(folder, published_name("csv", c.year)), rows),
        write_open_data_xlsx(output_path(folder, published_name("xlsx", c.year)), rows),
    ]
    from consolidator.publish.pdf import write_pdf  # typst: imported only when writing

    pdf, skipped = write_pdf(output_path(folder, published_name("pdf", c.year)), doc)
    files += [pdf] if pdf is not None else []
    if docx_engine() is None:
        skipped.append(make("docx-engine-missing", file=published_name("docx", c.year)))
    else:
        files.append(write_docx(output_path(folder, published_name("docx", c.year)), doc))
    if outputs is not None:  # kept only when every form was written, each under its name
        meant = {output_path(folder, published_name(kind, c.year))
                 for kind in ("html", "csv", "xlsx", "pdf", "docx")}
        if not skipped and set(files) == meant:
            outputs.wrote("published", digest, files)
        else:
            outputs.forget("published")
    return Published(folder, files, doc, skipped)
