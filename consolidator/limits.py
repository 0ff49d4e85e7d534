"""Every size, count and time limit applied to returned workbooks, in one place.

The numbers are chosen from two sides: what a real returned report workbook looks like, and
what a hostile or broken file needs to do damage.

Measured reference (a workbook written by openpyxl 3.1, 2 sheets, ~3,000 filled cells of
Japanese text and numbers): the .xlsx is 21 KB; its largest part, ``xl/worksheets/sheet1.xml``,
is 207 KB uncompressed and 16 KB compressed (ratio 0.078); all 10 parts together are ~225 KB
uncompressed. A generated report template with styles, validations and merged cells is in the
50-100 KB range. Cells are read by :mod:`consolidator.reading.workbook`: python-calamine for
the values, the standard library for names, properties, formulas and styles. Every default
below leaves one to two orders of magnitude of headroom over that, and stays one to two
orders of magnitude under what hurts the machine (a zip bomb, a 17-billion-cell grid).

``Limits`` is frozen: build a variant with :func:`dataclasses.replace`, e.g. for tests::

    replace(DEFAULT_LIMITS, max_file_bytes=1_000)
"""

from __future__ import annotations

from dataclasses import dataclass

KiB = 1024
MiB = 1024 * KiB
GiB = 1024 * MiB

EXCEL_MAX_CELL_CHARS = 32_767  # one cell, in UTF-16 code units


@dataclass(frozen=True)
class Limits:
    """Limits for one returned workbook. All sizes are in bytes.

    Attributes:
        max_file_bytes: 20 MiB. The file as received. A filled-in template is < 0.1 MiB; even
            with pasted screenshots a department's file stays under a few MiB. 20 MiB is also
            the usual attachment limit of municipal mail systems, so nothing larger can have
            arrived by e-mail legitimately.
        max_zip_entries: 1,000 parts. An .xlsx has ~10 parts plus ~3 per sheet (sheet,
            rels, drawing/comments) and 1 per image; a 30-sheet workbook with images has < 200.
            Tens of thousands of entries are a classic way to make the central directory itself
            the bomb.
        max_entry_bytes: 100 MiB uncompressed per part, checked on the declared size in the
            central directory AND while reading (the declared size may lie). 100 MiB of sheet
            XML is ~1.5 million cells, far beyond ``max_cells``; also the hard cap of
            :func:`consolidator.safety.xml_parts.read_xml_part`.
        max_total_bytes: 200 MiB uncompressed for all parts together (declared sizes, and the
            running total while scanning). Keeps a scan's memory and time bounded even when
            every part is just under ``max_entry_bytes``.
        min_inflate_ratio: 0.01, the Apache POI ``ZipSecureFile`` default: a part whose
            compressed/uncompressed ratio is below this (compresses better than 100:1) is
            treated as a zip bomb. Real sheet XML compresses 10-20:1 (measured ratio 0.078 for
            a template, 0.089 for 200,000 formatted empty cells); a run of zeros compresses
            ~1,000:1 (ratio 0.001).
        ratio_check_min_bytes: 1 MiB. The ratio test only applies to parts that declare more
            than this uncompressed: a tiny, very repetitive part (a 2 KB ``styles.xml``) is
            harmless whatever its ratio, and POI likewise has a grace size.
        max_rows: 1,048,576, Excel's row limit (``XFD1048576`` is the last legal cell).
        max_columns: 16,384, Excel's column limit (column ``XFD``).
        max_cells: 200,000 cells (``<c>`` elements) per file, all sheets together. A report
            template has a few thousand (measured: 3,000 cells -> 21 KB file). 200,000 cells of
            Japanese text and numbers are a 1.1 MB file with ~14 MB of sheet XML, which the
            reader takes in 0.26 s and ~60 MB (calamine alone: 0.12 s); the limit is not about
            our reader's cost but about what can be legitimate: a file above it is a mistake (a
            whole column formatted down to row 1,048,576 written as cells) or an attack, and the
            department can delete the unused rows.
        max_string_chars: 32,767 characters (:data:`EXCEL_MAX_CELL_CHARS`), Excel's limit for
            one cell, counted in UTF-16 units. A longer string cannot come from Excel and
            breaks writers (the master workbook).
        parse_timeout_s: 20 s to check and read one workbook in the isolated child. The
            largest template (市社協) takes ~50 ms, 200,000 cells ~0.3 s; 20 s means something
            is pathological (a regex or a parser gone quadratic, a huge dimension) and the run
            must go on with the other files.
        child_memory_bytes: 1 GiB address space for the reading child. 200,000 cells need
            ~60 MB; what a dense reader allocates for a sparse sheet grows with the used range
            (calamine tries to allocate 512 GiB for cells at A1 and XFD1048576, see
            :mod:`consolidator.reading.sparse_sheet`), and such a reader fails fast under the
            cap instead of taking the machine's memory.
        max_upload_files: 1,000 files in one upload through the desk (``consolidator desk``).
            A year brings 17 departments' files, a few of them twice; a prefecture-sized
            collection, or a folder of several years dropped at once, brings hundreds. 1,000
            returned workbooks of ~100 KB are ~100 MiB, within ``max_upload_bytes``; each is
            checked in its own child process as the command line does. (Up to 200 was too few:
            221 files hit the form's part limit and were refused as if too large.)
        max_upload_bytes: 256 MiB for one upload request, all files together (each file is
            also held to ``max_file_bytes``); beyond it the request is refused before anything
            is saved.
    """

    max_file_bytes: int = 20 * MiB
    max_zip_entries: int = 1_000
    max_entry_bytes: int = 100 * MiB
    max_total_bytes: int = 200 * MiB
    min_inflate_ratio: float = 0.01
    ratio_check_min_bytes: int = 1 * MiB
    max_rows: int = 1_048_576
    max_columns: int = 16_384
    max_cells: int = 200_000
    max_string_chars: int = EXCEL_MAX_CELL_CHARS
    parse_timeout_s: float = 20.0
    child_memory_bytes: int = 1 * GiB
    max_upload_files: int = 1_000
    max_upload_bytes: int = 256 * MiB


DEFAULT_LIMITS = Limits()
