"""The slow forms of the published report (the PDF and the Word file) drawn in the background,
for a program that stays running (the desk): its 集約 answers once the master, the logs, the
department files and the quick forms are written.

One drawing at a time, each form in a child process of its own, both at once (the fork
server's on Linux, a spawned interpreter elsewhere, as :mod:`consolidator.safety.isolation`
chooses): Typst keeps a few hundred MiB after compiling, which the child gives back when it
ends. The children draw (:func:`~consolidator.publish.draw_slow_forms`, the very call
``report`` makes) into a temporary folder inside ``公表/`` (``.consolidator-drawing-<random>``,
which the output folder's lock leaves alone); the parent then puts each file in place by one
rename, holding the caller's lock and the output folder's, and records the report in the
output cache (:func:`~consolidator.jobs.publishing.place_drawn`).

- A newer drawing supersedes the running one: its children are ended, its folder removed,
  nothing of it placed. A drawing of the same document goes on (only the quick forms it is placed
  beside are the newer ones).
- What is drawn is placed only when the quick forms are still as written with it (another
  run, e.g. ``consolidator report``, may have written the report since).
- A failure (a child raised, crashed or was killed; a file that could not be placed; the
  output folder held by another run for longer than :data:`PLACE_WAIT_S`) is a finding per
  form not drawn (``published-drawing-failed``, ``published-drawing-busy``), kept in
  :meth:`Drawings.view` for the pages, with the findings of a form skipped (no Typst, no
  Japanese font).
- :meth:`Drawings.close` waits a while for a running drawing, then ends it; what a crash left
  is removed by :func:`remove_leftovers`.
"""

from __future__ import annotations

import multiprocessing as mp
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from consolidator.findings import Finding, make
from consolidator.jobs.output_folder import OutputBusy
from consolidator.jobs.publishing import place_drawn
from consolidator.publish import SLOW_KINDS, Pending, draw_slow_forms, published_name
from consolidator.publish.model import Document
from consolidator.safety.isolation import describe_exit, portable_mode

LEFTOVER_PREFIX = ".consolidator-drawing-"
PLACE_WAIT_S = 120.0  # how long the drawn forms wait for another run to free the output folder
DRAW_TIMEOUT_S = 600.0  # a child drawing longer is ended (Typst took 3.6 s for a plan 10 × ours)
_POLL_S = 0.05

Task = Callable[[Path, Document, int, tuple[str, ...]], tuple[list[Path], list[Finding]]]
# What one child gave: (the files drawn, the findings of a form skipped), or why it failed.
Outcome = tuple[list[Path], list[Finding]] | Finding


@dataclass
class DrawingView:
    """What the pages show of the slow forms: those being drawn, those the last drawing did
    not give (not to be handed out as if new), and its findings."""

    drawing: tuple[str, ...] = ()
    failed: tuple[str, ...] = ()
    findings: list[Finding] = field(default_factory=list)


@dataclass
class _Job:
    pending: Pending
    out_dir: Path
    state: Path | None
    folder: Path  # the child's temporary folder
    cancelled: bool = False
    processes: list[Any] = field(default_factory=list)


class Drawings:
    """The background drawing of one program. ``lock``: the program's own lock for changing
    its folder (held while the drawn files are placed); ``task``: what the child runs (a
    top-level function, picklable: :func:`~consolidator.publish.draw_slow_forms`)."""

    def __init__(self, lock: threading.Lock, task: Task = draw_slow_forms) -> None:
        self._lock = lock
        self._task = task
        self._cond = threading.Condition()
        self._job: _Job | None = None
        self._threads: list[threading.Thread] = []
        self._view = DrawingView()
        self._closed = False

    # ---- asked by the program --------------------------------------------------------------
    def start(self, pending: Pending, out_dir: Path, state: Path | None = None) -> None:
        """Draw ``pending``'s slow forms in the background; the running drawing, of another
        document, is superseded (of the same one, it goes on beside these quick forms)."""
        with self._cond:
            if self._closed:
                return
            job = self._job
            if job is not None and not job.cancelled and job.out_dir == out_dir \
                    and job.pending.folder == pending.folder \
                    and job.pending.digest == pending.digest:
                job.pending = pending
                return
            self._cancel()
            try:
                folder = Path(tempfile.mkdtemp(prefix=LEFTOVER_PREFIX, dir=pending.folder))
            except OSError as exc:  # the disk full, no right to write: said, not drawn
                self._view = DrawingView((), SLOW_KINDS, [
                    make("published-drawing-failed", file=published_name(kind, pending.year),
                         detail=f"{type(exc).__name__}: {exc.strerror or exc}")
                    for kind in SLOW_KINDS])
                return
            job = self._job = _Job(pending, out_dir, state, folder)
            self._view = DrawingView(drawing=SLOW_KINDS)
            thread = threading.Thread(target=self._run, args=(job,), daemon=True,
                                      name="published-drawing")
            self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()

    def view(self) -> DrawingView:
        with self._cond:
            v = self._view
            return DrawingView(v.drawing, v.failed, list(v.findings))

    def wait(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for the running drawing; whether none runs now."""
        with self._cond:
            return self._cond.wait_for(lambda: self._job is None, timeout)

    def stop(self) -> None:
        """End the running drawing (its child, its folder); nothing of it is placed, and its
        forms are no longer said to be drawn."""
        with self._cond:
            if self._cancel():
                self._view = DrawingView()
        self._join(5.0)

    def close(self, timeout: float) -> None:
        """Wait up to ``timeout`` seconds for the running drawing to be placed, then end it;
        no drawing starts after this."""
        with self._cond:
            self._closed = True
        self.wait(timeout)
        self.stop()

    # ---- the drawing thread ----------------------------------------------------------------
    def _cancel(self) -> bool:  # holding self._cond; whether a drawing was running
        job = self._job
        if job is None:
            return False
        job.cancelled = True
        for process in job.processes:
            if process.is_alive():
                process.kill()
        self._job = None
        self._cond.notify_all()
        return True

    def _join(self, timeout: float) -> None:
        for thread in list(self._threads):
            if thread is not threading.current_thread():
                thread.join(timeout)

    def _run(self, job: _Job) -> None:
        names = dict(zip(SLOW_KINDS, (published_name(k, job.pending.year) for k in SLOW_KINDS),
                         strict=True))
        findings: list[Finding] = []
        given: set[str] = set()  # the forms drawn and placed
        try:
            outcomes = self._draw(job)
            if outcomes is None:
                return  # superseded
            drawn: list[Path] = []
            for outcome in outcomes.values():
                if isinstance(outcome, Finding):
                    findings.append(outcome)
                else:
                    drawn += outcome[0]
                    findings += outcome[1]
            placed = self._place(job, drawn, findings)
            if placed is None:  # superseded, or another run wrote the report since: its
                given = set(names.values())  # forms are the ones in place
            else:
                given = {p.name for p in drawn}
        except OutputBusy:
            findings = [make("published-drawing-busy", file=name) for name in names.values()]
        except Exception as exc:  # noqa: BLE001 - said on the page, never silent
            findings = [make("published-drawing-failed", file=name,
                             detail=f"{type(exc).__name__}: {exc}") for name in names.values()]
        finally:
            shutil.rmtree(job.folder, ignore_errors=True)
            with self._cond:
                if self._job is job:
                    failed = tuple(kind for kind, name in names.items() if name not in given)
                    self._view = DrawingView((), failed, findings)
                    self._job = None
                    self._cond.notify_all()

    def _draw(self, job: _Job) -> dict[str, Outcome] | None:
        """Each slow form drawn in a child of its own, at the same time (the PDF and the
        Word file take about as long; a machine with two cores draws both in the time of
        one): what each gave; None when superseded."""
        ctx: Any = mp.get_context("spawn" if portable_mode() else "forkserver")
        children = []
        try:
            with self._cond:
                if job.cancelled:
                    return None
                for kind in SLOW_KINDS:
                    receive, send = ctx.Pipe(duplex=False)
                    process = ctx.Process(target=_child, daemon=True,
                                          name=f"published-drawing-{kind}",
                                          args=(send, self._task, str(job.folder),
                                                job.pending.document, job.pending.year,
                                                (kind,)))
                    children.append((kind, process, receive))
                    job.processes.append(process)
                    process.start()
                    send.close()
            deadline = time.monotonic() + DRAW_TIMEOUT_S
            outcomes = {kind: _outcome(process, receive, published_name(kind, job.pending.year),
                                       deadline)
                        for kind, process, receive in children}
        finally:
            for _kind, _process, receive in children:
                receive.close()
        return None if job.cancelled else outcomes

    def _place(self, job: _Job, drawn: list[Path], skipped: list[Finding]) -> list[Path] | None:
        """Put ``drawn`` in place holding the program's lock and the output folder's, waiting
        up to :data:`PLACE_WAIT_S` while another run holds the folder (OutputBusy after)."""
        deadline = time.monotonic() + PLACE_WAIT_S
        while True:
            if job.cancelled:
                return None
            if self._lock.acquire(timeout=_POLL_S):
                try:
                    with self._cond:
                        if job.cancelled:
                            return None
                        pending = job.pending
                    try:
                        return place_drawn(job.out_dir, pending, drawn, skipped,
                                           state=job.state)
                    except OutputBusy:
                        if time.monotonic() > deadline:
                            raise
                finally:
                    self._lock.release()
            time.sleep(_POLL_S)


def _outcome(process: Any, receive: Connection, file: str, deadline: float) -> Outcome:
    """What the child drawing ``file`` sent once it is done, or the finding of why it sent
    nothing: how it ended (as the reading children's are said), or that it was still drawing
    at ``deadline`` (then it is ended)."""
    result: Any = None
    while process.is_alive() or receive.poll():
        left = deadline - time.monotonic()
        if left <= 0:
            process.kill()
            process.join()
            return make("published-drawing-timeout", file=file, limit=f"{DRAW_TIMEOUT_S:g}")
        if wait([receive, process.sentinel], left) and receive.poll():
            try:
                result = receive.recv()
            except EOFError:
                pass
            break
    process.join()
    if result is None:
        return make("published-drawing-failed", file=file, detail=describe_exit(process.exitcode))
    if result[0] == "failed":
        return make("published-drawing-failed", file=file, detail=str(result[1]))
    folder = Path(result[3])
    return [folder / name for name in result[1]], list(result[2])


def _child(send: Connection, task: Task, folder: str, doc: Document, year: int,
           kinds: tuple[str, ...]) -> None:
    """In the child: draw ``kinds``, then send back ("ok", names, findings, folder) or
    ("failed", why)."""
    try:
        files, skipped = task(Path(folder), doc, year, kinds)
        send.send(("ok", [p.name for p in files], skipped, folder))
    except BaseException as exc:  # noqa: BLE001 - told to the parent, which says it
        send.send(("failed", f"{type(exc).__name__}: {exc}"))
    finally:
        send.close()


def remove_leftovers(folder: Path) -> list[Path]:
    """Remove the temporary folders of drawings a crash cut short in ``folder`` (``公表/``);
    only while no drawing of this folder runs (a program's start)."""
    removed = []
    if folder.is_dir():
        for path in folder.glob(LEFTOVER_PREFIX + "*"):
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path)
    return removed


def has_leftovers(folder: Path) -> bool:
    """Whether ``folder`` holds a temporary folder :func:`remove_leftovers` would remove."""
    return folder.is_dir() and any(p.name.startswith(LEFTOVER_PREFIX) for p in folder.iterdir())
