"""The secretariat's own pages (はしがき, 発行者, 発行日, 委員会の意見と市の考え方): a small
UTF-8 text file in the output folder, ``公表/公表ページ.txt``, that the secretariat edits in
Notepad. It is created with Japanese guidance when missing and never overwritten.

Why a text file and not a workbook: the pages are prose; a text file opens in any editor,
shows its guidance beside the text, and a change in it is a readable line in a diff. Format:
a heading line (``【はしがき】`` …, see :data:`~consolidator.messages.publish.PAGE_SECTIONS`),
then the text under it; a blank line separates paragraphs; a line starting with ``#`` is
guidance. A file saved as Shift_JIS (old Notepad's "ANSI") is read as such.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from consolidator.atomic import write_text_atomic
from consolidator.messages.publish import PAGE_SECTIONS, PAGES_COMMENT, PAGES_GUIDE, PAGES_NAME
from consolidator.safe_paths import output_path


@dataclass(frozen=True)
class SecretariatPages:
    """Each section's paragraphs (empty: the section is left out of the document)."""

    foreword: list[str] = field(default_factory=list)
    publisher: list[str] = field(default_factory=list)
    issued: list[str] = field(default_factory=list)
    committee: list[str] = field(default_factory=list)
    path: Path | None = None
    created: bool = False  # the file was made by this run (with its guidance only)
    not_utf8: bool = False  # read as Shift_JIS


def pages_path(folder: Path) -> Path:
    return output_path(folder, PAGES_NAME)


def load_pages(folder: Path) -> SecretariatPages:
    """The pages written in ``folder/公表ページ.txt``; the file is created (guidance and empty
    sections) when missing, and never written when it exists."""
    path = pages_path(folder)
    created = False
    if not path.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        write_text_atomic(path, PAGES_GUIDE.replace("\n", "\r\n"))
        created = True
    raw = path.read_bytes()
    not_utf8 = False
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text, not_utf8 = raw.decode("cp932", errors="replace"), True
    sections = parse_pages(text)
    return SecretariatPages(**sections, path=path, created=created, not_utf8=not_utf8)


def parse_pages(text: str) -> dict[str, list[str]]:
    """The text of each section as paragraphs (lines joined by a line break)."""
    heading_of = {h: key for key, h in PAGE_SECTIONS.items()}
    sections: dict[str, list[list[str]]] = {key: [[]] for key in PAGE_SECTIONS}
    current: str | None = None
    for raw_line in text.splitlines():
        line = raw_line.rstrip()
        if line.lstrip().startswith(PAGES_COMMENT):
            continue
        if line.strip() in heading_of:
            current = heading_of[line.strip()]
            continue
        if current is None:
            continue
        paragraphs = sections[current]
        if not line.strip():
            if paragraphs[-1]:
                paragraphs.append([])
            continue
        paragraphs[-1].append(line.strip())
    return {key: ["\n".join(p) for p in paragraphs if p] for key, paragraphs in sections.items()}
