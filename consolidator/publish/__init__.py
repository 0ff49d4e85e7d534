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

:func:`write_published` writes them all under ``<out>/公表/``; for the desk (``later``) only
the quick forms, the slow ones (:func:`draw_slow_forms`) drawn afterwards in child processes
(:mod:`consolidator.jobs.drawing`) and recorded with :func:`record_published`.
"""

from __future__ import annotations

import hashlib
import io
import pickle
from dataclasses import dataclass, field
from pathlib import Path

from consolidator.cache.outputs import OutputCache, file_stamp, inputs_digest
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
    # The slow forms still to draw (``write_published(later=True)``, the desk); None: none.
    pending: Pending | None = None


@dataclass
class Pending:
    """The slow forms of a published report still to draw: the folder and year they go to,
    the document they are drawn from, the digest of its inputs (the output cache's) and the
    quick forms already written from it (as written: beside a file held open)."""

    folder: Path
    year: int
    document: Document
    digest: str
    files: list[Path]
    # Size and time of last change of each of ``files`` as written: when one of them is no
    # longer so, another run wrote the report since, and what is drawn is not placed.
    stamps: list[tuple[int, int] | None] = field(default_factory=list)


PUBLISHED_KINDS = ("html", "pdf", "docx", "csv", "xlsx")
QUICK_KINDS = ("html", "csv", "xlsx")  # written at once, even by the desk's 集約
SLOW_KINDS = ("pdf", "docx")  # python-docx and Typst: most of a report's time


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


def write_published(out_dir: Path, c: Consolidated, outputs: OutputCache | None = None,
                    *, later: bool = False) -> Published:
    """Write the published report of ``c`` into ``out_dir/公表/``: the HTML, the open data
    (CSV, xlsx), the PDF and the Word file, each atomically; the secretariat's page file is
    read (created with guidance when missing, never overwritten). A form whose engine (or,
    for the PDF, a Japanese font) is missing is left out, said in ``skipped``. ``outputs``:
    the output cache; when the document and the open data are those the files in place were
    written from, and the files are still as written, they are left as they are.

    ``later`` (the desk): only the quick forms (:data:`QUICK_KINDS`) are written here; the
    slow ones (:data:`SLOW_KINDS`) are left to draw, said in :attr:`Published.pending`
    (:func:`draw_slow_forms` draws them, :func:`record_published` records the whole report
    in the output cache once they are in place). Until then the output cache does not hold
    the report as written."""
    from consolidator.publish.html import write_html
    from consolidator.publish.model import build_document
    from consolidator.publish.open_data import (
        open_data_rows,
        write_open_data_csv,
        write_open_data_xlsx,
    )
    from consolidator.publish.pages import load_pages

    folder = publish_folder(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    doc = build_document(c, load_pages(folder))
    rows = open_data_rows(c)  # one table, two files
    digest = inputs_digest(str(folder), document_digest(doc), rows)
    if outputs is not None and (kept := outputs.unchanged("published", digest)) is not None:
        return Published(folder, kept[0], doc)
    files = [
        write_html(output_path(folder, published_name("html", c.year)), doc),
        write_open_data_csv(output_path(folder, published_name("csv", c.year)), rows),
        write_open_data_xlsx(output_path(folder, published_name("xlsx", c.year)), rows),
    ]
    if later:
        if outputs is not None:
            outputs.forget("published")  # recorded once every form is in place
        return Published(folder, files, doc,
                         pending=Pending(folder, c.year, doc, digest, files,
                                         [file_stamp(p) for p in files]))
    drawn, skipped = draw_slow_forms(folder, doc, c.year)
    files += drawn
    if outputs is not None:
        record_published(outputs, Pending(folder, c.year, doc, digest, files[:3]), drawn,
                         skipped)
    return Published(folder, files, doc, skipped)


def document_digest(doc: Document) -> str:
    """The SHA-256 of everything ``doc`` holds, for the output cache: its pickle without the
    memo (``fast``: a value met twice is written twice, so equal documents give equal bytes
    however their objects are shared), never read back — 0.02 s where its ``repr`` (some 5 MB
    for the default plan) took 0.1-0.2 s at every 集約. A document pickle cannot walk is
    digested by its ``repr``."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True
    try:
        pickler.dump(doc)
    except (pickle.PicklingError, TypeError, ValueError, RecursionError):
        return hashlib.sha256(repr(doc).encode("utf-8")).hexdigest()
    return hashlib.sha256(buffer.getvalue()).hexdigest()


def draw_slow_forms(folder: Path, doc: Document, year: int,
                    kinds: tuple[str, ...] = SLOW_KINDS) -> tuple[list[Path], list[Finding]]:
    """Draw the slow forms of ``doc`` (``kinds`` of :data:`SLOW_KINDS`: the PDF, then the Word
    file) into ``folder`` under their names, each atomically: (the files written, the findings
    of a form not drawn). The same call whether the report is written at once (``report``)
    or each form is drawn later in a child process of its own (the desk's 集約)."""
    files: list[Path] = []
    skipped: list[Finding] = []
    if "pdf" in kinds:
        from consolidator.publish.pdf import write_pdf  # typst: imported only when writing

        pdf, skipped = write_pdf(output_path(folder, published_name("pdf", year)), doc)
        files += [pdf] if pdf is not None else []
    if "docx" in kinds:
        from consolidator.publish.word import docx_engine, write_docx

        if docx_engine() is None:
            skipped.append(make("docx-engine-missing", file=published_name("docx", year)))
        else:
            files.append(write_docx(output_path(folder, published_name("docx", year)), doc))
    return files, skipped


def record_published(outputs: OutputCache, pending: Pending, drawn: list[Path],
                     skipped: list[Finding]) -> None:
    """Record the published report in the output cache when every form was written, each
    under its name (the quick ones in ``pending``, the slow ones ``drawn``); else forget it
    (the next run draws it again)."""
    folder, year = pending.folder, pending.year
    meant = {output_path(folder, published_name(kind, year)) for kind in PUBLISHED_KINDS}
    files = [*pending.files, *drawn]
    if not skipped and set(files) == meant:
        outputs.wrote("published", pending.digest, files)
    else:
        outputs.forget("published")
