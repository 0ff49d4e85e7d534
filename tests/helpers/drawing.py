"""Tasks for the desk's background drawing of the published report
(:mod:`consolidator.jobs.drawing`), run in its child process: top-level functions, given as
``functools.partial`` where they take a path (the child runs in another process: it is told
through files, never through this process's memory)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from consolidator.findings import Finding
from consolidator.publish import draw_slow_forms
from consolidator.publish.model import Document

GATE_WAIT_S = 60.0  # a gate never opened: the child gives up (the test has failed by then)


def gated(gate: str, folder: Path, doc: Document, year: int, kinds: tuple[str, ...]
          ) -> tuple[list[Path], list[Finding]]:
    """The real drawing, once the file ``gate`` exists; ``gate + ".started"`` is written when
    the child drawing the PDF begins (so a test knows it runs)."""
    if "pdf" in kinds:
        Path(gate + ".started").write_text(str(os.getpid()), encoding="utf-8")
    deadline = time.monotonic() + GATE_WAIT_S
    while not Path(gate).exists() and time.monotonic() < deadline:
        time.sleep(0.005)
    return draw_slow_forms(folder, doc, year, kinds)


def failing(folder: Path, doc: Document, year: int, kinds: tuple[str, ...]
            ) -> tuple[list[Path], list[Finding]]:
    """A drawing that fails half-way, a file begun in its folder."""
    (folder / f"half-written.{kinds[0]}").write_bytes(b"%PDF-1.7\n")
    raise RuntimeError(f"{kinds[0]} stopped")


def crashing(folder: Path, doc: Document, year: int, kinds: tuple[str, ...]
             ) -> tuple[list[Path], list[Finding]]:
    """A child that dies without a word (as a native crash or the system's OOM killer)."""
    (folder / f"half-written.{kinds[0]}").write_bytes(b"PK")
    os._exit(3)


def word_failing(folder: Path, doc: Document, year: int, kinds: tuple[str, ...]
                 ) -> tuple[list[Path], list[Finding]]:
    """The real PDF; the Word file fails."""
    if "docx" in kinds:
        raise RuntimeError("python-docx stopped")
    return draw_slow_forms(folder, doc, year, kinds)


def hanging(folder: Path, doc: Document, year: int, kinds: tuple[str, ...]
            ) -> tuple[list[Path], list[Finding]]:
    """A drawing that never ends (a library caught in a loop): the parent's deadline ends it."""
    (folder / f"half-written.{kinds[0]}").write_bytes(b"%PDF-1.7\n")
    time.sleep(GATE_WAIT_S)
    return [], []
