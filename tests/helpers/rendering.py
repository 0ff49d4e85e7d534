"""Looking at a workbook as it prints: the words of a PDF with their boxes (``pdftotext
-bbox``) and the colour of the page under them (``pdftoppm`` at 72 dpi, so a pixel is a PDF
point). How a test shows what Calc draws — a conditional format, say — instead of assuming it.
"""

from __future__ import annotations

import html
import re
import subprocess
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

_PAGE = re.compile(r"<page\b")
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                   r"(.*?)</word>")


@dataclass(frozen=True)
class Word:
    page: int  # 1-based
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


def words(pdf: Path) -> list[Word]:
    """Every word of ``pdf`` with its page and box (points, from the top left)."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True,
                         check=True, timeout=120).stdout.decode("utf-8")
    found, page = [], 0
    for line in out.splitlines():
        if _PAGE.search(line):
            page += 1
        m = _WORD.search(line)
        if m:
            x0, y0, x1, y1 = (float(v) for v in m.groups()[:4])
            found.append(Word(page, html.unescape(m.group(5)), x0, y0, x1, y1))
    return found


def word(pdf_words: list[Word], text: str, page: int | None = None) -> Word:
    """The one word ``text`` (on ``page``)."""
    hits = [w for w in pdf_words if w.text == text and page in (None, w.page)]
    assert len(hits) == 1, (text, hits)
    return hits[0]


def colour_under(pdf: Path, page: int, x: tuple[float, float], y: tuple[float, float]) -> str:
    """The most frequent colour (``rrggbb``) of the page in the box ``x`` × ``y`` (points):
    a cell's fill, whatever text is drawn on it."""
    with tempfile.TemporaryDirectory() as tmp:
        stem = Path(tmp) / "page"
        subprocess.run(["pdftoppm", "-r", "72", "-f", str(page), "-l", str(page), str(pdf),
                        str(stem)], check=True, timeout=120)
        (ppm,) = Path(tmp).glob("page*.ppm")
        data = ppm.read_bytes()
    magic, size, depth, pixels = data.split(b"\n", 3)
    assert magic == b"P6" and depth == b"255", (magic, depth)
    width = int(size.split()[0])
    seen = Counter(pixels[(row * width + col) * 3:(row * width + col) * 3 + 3].hex()
                   for row in range(int(y[0]), int(y[1]) + 1)
                   for col in range(int(x[0]), int(x[1]) + 1))
    return seen.most_common(1)[0][0]


def cell_colour(pdf: Path, row_key: str, column_heading: str, width: float = 30) -> str:
    """The colour of the cell in the row whose first column says ``row_key`` and the column
    headed ``column_heading`` (on the same page), as printed."""
    found = words(pdf)
    key = word(found, row_key)
    head = word(found, column_heading, key.page)
    return colour_under(pdf, key.page, (head.x0 + 1, head.x0 + width),
                        (key.y0, key.y1 + 2))
