"""Run a parser over many files in child processes, so one bad file costs one result.

A spreadsheet parser fed a hostile or broken file may raise, run for ever, eat all memory, or
take the whole interpreter down (a native reader that aborts with SIGABRT or segfaults).
:func:`run_isolated` runs ``func(item)`` for every item in a small pool of long-lived worker
processes, each with an address-space cap (``RLIMIT_AS``) and, per item, a time limit. A
worker that dies or runs out of time is killed and replaced; the other items go on. Every item
yields exactly one :class:`Outcome`, in completion order.

Two ways to start and cap a worker, chosen by :func:`portable_mode`:

* Linux (the default there): the ``forkserver`` context — workers fork from a small, clean
  server process, not from the caller, so the memory cap is not eaten by whatever the caller
  has mapped — and ``RLIMIT_AS`` set in the worker: an allocation past the cap fails at once.
* Windows and macOS, or anywhere with ``CONSOLIDATOR_PORTABLE=1`` (so the Windows path is
  tested on Linux): the ``spawn`` context (a fresh interpreter per worker) and no ``resource``
  call; instead the parent watches each busy worker's memory with ``psutil`` every
  :data:`WATCH_S` seconds and ends the worker past the cap (``parse-memory``, as under
  ``RLIMIT_AS``). The watch is a sample: a worker may overshoot the cap by what it allocates
  in one interval before it is ended, and a single huge allocation fails on its own as the
  system refuses it (a crash with an out-of-memory message, reported as ``parse-memory``).

Either way ``func`` must be a picklable top-level function, and items and results must be
picklable. Nothing here uses signals to end a worker, process groups, ``/proc`` or file modes:
a worker is ended with :meth:`multiprocessing.Process.kill` (``TerminateProcess`` on Windows).

Overhead: the fork server starts once per process (and imports ``func``'s module once); a
worker start is then a fork. A spawned worker imports ``func``'s module itself (a few hundred
ms). Either happens once per ``max_tasks_per_worker`` items and once per crash or timeout;
per item, one round trip over a pipe (~0.1-1 ms).

As with any ``forkserver``/``spawn`` use of :mod:`multiprocessing`, a script that calls
:func:`run_isolated` at import time must guard it with ``if __name__ == "__main__":``.
"""

from __future__ import annotations

import faulthandler
import functools
import multiprocessing as mp
import os
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.reduction import ForkingPickler as _ForkingPickler
from typing import Any, TypeVar

from consolidator.findings import Finding, make
from consolidator.messages import SAFETY_TEXT, fill

T = TypeVar("T")

PORTABLE_ENV = "CONSOLIDATOR_PORTABLE"
WATCH_S = 0.02  # how often the portable cap samples a busy worker's memory

TIMEOUT, CRASHED, MEMORY, EXCEPTION = "timeout", "crashed", "memory", "exception"
ERROR_CODES = (TIMEOUT, CRASHED, MEMORY, EXCEPTION)
FINDING_CODES = {TIMEOUT: "parse-timeout", CRASHED: "parse-crashed", MEMORY: "parse-memory",
                 EXCEPTION: "parse-exception"}
# What a process that died of an allocation failure prints before aborting.
_OOM_SIGNS = ("memory allocation of", "MemoryError", "std::bad_alloc", "Cannot allocate memory",
              "out of memory", "Out of memory")
_WHY_SIGNS = ("Fatal Python error", "memory allocation", "panicked", "terminate called",
              "MemoryError")
_DETAIL_MAX = 300
_STARTUP_S = 30.0  # how long a worker may take to start before its item counts as timed out


def portable_mode() -> bool:
    """Whether workers are spawned and their memory watched by the parent (Windows, macOS,
    or ``CONSOLIDATOR_PORTABLE=1``) rather than forked with ``RLIMIT_AS`` (Linux)."""
    return os.environ.get(PORTABLE_ENV, "") == "1" or not sys.platform.startswith("linux")


@dataclass
class Outcome:
    """The result of one item.

    ``error_code`` is None when ``ok``; otherwise one of ``"timeout"``, ``"crashed"`` (the
    process died: a signal or an exit), ``"memory"`` (MemoryError, or died of an allocation
    failure under the cap) and ``"exception"`` (``func`` raised). ``detail`` is the exception
    class and message, or the signal name / exit code with the last line the process wrote to
    stderr. ``elapsed_s`` is the wall-clock time of the item in the worker (from the moment
    the worker was up, so a fresh worker's start-up is not charged to the item). ``limit`` is
    the limit that was hit (seconds for a timeout, bytes for memory).
    """

    ok: bool
    value: Any = None
    error_code: str | None = None
    detail: str = ""
    elapsed_s: float = 0.0
    limit: float | None = None


def run_isolated(func: Callable[[T], Any], items: Iterable[T], *, timeout_s: float | None,
                 memory_bytes: int | None, workers: int = 2, max_tasks_per_worker: int = 100,
                 portable: bool | None = None) -> Iterator[tuple[T, Outcome]]:
    """Yield ``(item, outcome)`` for every item, in completion order.

    ``timeout_s``: wall-clock seconds per item, counted from when its worker is up (None: no
    limit; a worker that takes more than 30 s to start times its item out). ``memory_bytes``: the
    address-space cap of each worker (None: no cap). Items are taken from ``items`` lazily (one
    ahead of the workers, so a freed worker gets its next item at once) and outcomes are not
    kept, so memory stays flat however many items there are; workers are
    replaced after ``max_tasks_per_worker`` items to bound leaks in the parser. Closing the
    generator early stops and reaps all workers. ``portable``: spawn and watch (True) or
    forkserver and ``RLIMIT_AS`` (False); None: :func:`portable_mode`.
    """
    if workers < 1:
        raise ValueError("workers must be >= 1")
    if portable is None:
        portable = portable_mode()
    context = "spawn" if portable else "forkserver"
    ctx = mp.get_context(context)
    target: Any = func
    while isinstance(target, functools.partial):
        target = target.func
    module = getattr(target, "__module__", None)
    if context == "forkserver" and module and module != "__main__":
        # Import func's module (and so the parser) once in the fork server, so that starting
        # or replacing a worker is a bare fork, not a fresh import. Only takes effect when the
        # server starts (its first use in this process); harmless afterwards.
        ctx.set_forkserver_preload(["__main__", module])
    pool = _Pool(ctx, func, memory_bytes, workers, max_tasks_per_worker, watch=portable)
    feed = _Feed(iter(items))
    try:
        while True:
            feed.dispatch(pool, timeout_s)
            feed.read_ahead()  # the next item is prepared while the workers work
            if not pool.busy():
                return
            finished = list(pool.collect())
            feed.dispatch(pool, timeout_s)  # the freed workers go on before the caller looks
            yield from finished
    finally:
        pool.close()


class _Feed:
    """The items, taken lazily: at most one taken ahead of the workers."""

    def __init__(self, source: Iterator[Any]) -> None:
        self.source = source
        self.ahead: list[Any] = []
        self.exhausted = False

    def _next(self) -> bool:
        if self.ahead:
            return True
        if self.exhausted:
            return False
        try:
            self.ahead.append(next(self.source))
        except StopIteration:
            self.exhausted = True
        return bool(self.ahead)

    def read_ahead(self) -> None:
        self._next()

    def dispatch(self, pool: _Pool, timeout_s: float | None) -> None:
        while pool.can_take() and self._next():
            pool.dispatch(self.ahead.pop(), timeout_s)


def start_early(modules: str | tuple[str, ...]) -> None:
    """Start the fork server now, importing ``modules`` (those of the task that will be
    run), so that its start — a fresh interpreter and that import, a few hundred ms — overlaps
    with what the caller does before its first item. Nothing in portable mode (there is no
    fork server); harmless when :func:`run_isolated` is never called."""
    if portable_mode():
        return
    from multiprocessing import forkserver

    names = [modules] if isinstance(modules, str) else list(modules)
    mp.get_context("forkserver").set_forkserver_preload(["__main__", *names])
    forkserver.ensure_running()


def outcome_finding(outcome: Outcome, file: str | None) -> Finding:
    """The finding for a failed outcome (``parse-timeout`` / ``-crashed`` / ``-memory`` /
    ``-exception``)."""
    if outcome.ok or outcome.error_code not in FINDING_CODES:
        raise ValueError(f"not a failed outcome: {outcome!r}")
    limit: str = ""
    if outcome.limit is not None:
        limit = (f"{outcome.limit:g}" if outcome.error_code == TIMEOUT
                 else f"{outcome.limit / (1024 * 1024):,.0f}")
    return make(FINDING_CODES[outcome.error_code], file=file, detail=outcome.detail,
                limit=limit)


# ---- the worker process ---------------------------------------------------------------------

def _worker_main(conn: Connection, func: Callable[[Any], Any], memory_bytes: int | None,
                 stderr_path: str, rlimit: bool) -> None:
    """Loop: receive an item, run ``func``, send ("ok", value) or (error_code, detail)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    if rlimit:
        _set_rlimits(memory_bytes)
    fd = os.open(stderr_path, os.O_WRONLY | os.O_TRUNC)
    os.dup2(fd, 2)  # native crash messages land where the parent can read them
    os.close(fd)
    faulthandler.enable(file=sys.stderr)
    conn.send(("ready", None))  # the item's time limit starts now, not at fork
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        if message is None:
            return
        os.ftruncate(2, 0)
        os.lseek(2, 0, os.SEEK_SET)
        reply: tuple[str, Any]
        try:
            reply = ("ok", func(message[0]))
        except MemoryError as exc:
            reply = (MEMORY, _describe(exc))
        except BaseException as exc:  # noqa: BLE001 - everything becomes an outcome
            reply = (EXCEPTION, _describe(exc))
        try:
            conn.send(reply)
        except Exception as exc:  # noqa: BLE001 - e.g. an unpicklable result
            conn.send((EXCEPTION, fill(SAFETY_TEXT["result-not-sendable"], detail=_describe(exc))))
        if reply[0] == MEMORY:
            return  # start afresh rather than go on with a fragmented heap


def _set_rlimits(memory_bytes: int | None) -> None:
    """No core files, and the address-space cap (POSIX only; the portable path never calls
    this)."""
    if sys.platform == "win32":
        return
    import resource

    try:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # no core files of big parsers
        if memory_bytes:
            resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    except (ValueError, OSError):
        pass


def _describe(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    detail = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return detail[:_DETAIL_MAX]


# ---- the pool (parent side) -----------------------------------------------------------------

@dataclass
class _Worker:
    process: Any  # multiprocessing.process.BaseProcess
    conn: Connection
    stderr_path: str
    stderr_fd: int  # the parent's handle on the worker's stderr file (outlives its name)
    tasks: int = 0
    item: Any = None
    busy: bool = False
    started: float = 0.0
    deadline: float | None = None
    timeout_s: float | None = None
    ready: bool = False  # the worker has started and said so; its item's clock runs
    watch: Any = None  # psutil.Process of the worker (portable memory cap)


class _Pool:
    def __init__(self, ctx: Any, func: Callable[[Any], Any], memory_bytes: int | None,
                 size: int, max_tasks: int, *, watch: bool = False):
        self.ctx = ctx
        self.watch = watch and memory_bytes is not None
        self.func = func
        self.memory_bytes = memory_bytes
        self.size = size
        self.max_tasks = max(1, max_tasks)
        self.workers: list[_Worker] = []
        self.pending: list[tuple[Any, Outcome]] = []  # items that never reached a worker

    # -- workers
    def _start(self) -> _Worker:
        fd, stderr_path = tempfile.mkstemp(prefix="consolidator-worker-", suffix=".log")
        parent, child = self.ctx.Pipe(duplex=True)
        process = self.ctx.Process(target=_worker_main, daemon=True,
                                   args=(child, self.func, self.memory_bytes, stderr_path,
                                         not self.watch))
        try:
            process.start()
        except BaseException:
            os.close(fd)
            _unlink(stderr_path)
            raise
        child.close()
        worker = _Worker(process, parent, stderr_path, fd)
        if self.watch:
            import psutil

            try:
                worker.watch = psutil.Process(process.pid)
            except psutil.Error:
                pass  # already gone: its sentinel reports it
        self.workers.append(worker)
        return worker

    def _retire(self, worker: _Worker, *, kill: bool = False) -> None:
        if worker in self.workers:
            self.workers.remove(worker)
        try:
            if not kill and worker.process.is_alive():
                worker.conn.send(None)
        except OSError:
            pass
        if kill:
            worker.process.kill()
        worker.process.join(2)
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join()
        worker.conn.close()
        try:
            worker.process.close()
        except ValueError:
            pass
        os.close(worker.stderr_fd)
        _unlink(worker.stderr_path)  # Windows: only now, the worker no longer holds it

    def close(self) -> None:
        for worker in list(self.workers):
            self._retire(worker, kill=worker.busy)

    # -- items
    def can_take(self) -> bool:
        return any(not w.busy for w in self.workers) or len(self.workers) < self.size

    def busy(self) -> bool:
        return bool(self.pending) or any(w.busy for w in self.workers)

    def dispatch(self, item: Any, timeout_s: float | None) -> None:
        try:
            payload = _ForkingPickler.dumps((item,))
        except Exception as exc:  # noqa: BLE001 - an item that cannot be sent
            detail = fill(SAFETY_TEXT["item-not-sendable"], detail=_describe(exc))
            self.pending.append((item, Outcome(False, None, EXCEPTION, detail)))
            return
        worker = next((w for w in self.workers if not w.busy), None) or self._start()
        worker.item, worker.busy = item, True
        worker.started = time.monotonic()
        worker.timeout_s = timeout_s
        # A fresh worker's item gets its full time once the worker is up (see _finish);
        # until then only the start-up itself is limited.
        grace = 0.0 if worker.ready else _STARTUP_S
        worker.deadline = None if timeout_s is None else worker.started + grace + timeout_s
        try:
            worker.conn.send_bytes(payload)
        except OSError:
            pass  # the worker is gone: wait() sees its sentinel and reports a crash

    def collect(self) -> Iterator[tuple[Any, Outcome]]:
        """Wait for at least one item to finish (or time out); yield what finished."""
        if self.pending:
            pending, self.pending = self.pending, []
            yield from pending
            return
        busy = [w for w in self.workers if w.busy]
        deadlines = [w.deadline for w in busy if w.deadline is not None]
        wait_s = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
        if self.watch:
            wait_s = WATCH_S if wait_s is None else min(wait_s, WATCH_S)
        ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy], wait_s))
        done: list[tuple[Any, Outcome]] = []
        for worker in busy:
            if worker.conn in ready or worker.process.sentinel in ready:
                outcome = self._finish(worker)
                if outcome is not None:
                    done.append((worker.item, outcome))
                    worker.item, worker.busy = None, False
        now = time.monotonic()
        for worker in busy:
            used = self._over_cap(worker) if worker.busy and self.watch else None
            if used is not None:
                item = worker.item
                self._retire(worker, kill=True)
                detail = fill(SAFETY_TEXT["memory-watched"], used=f"{used / 2**20:,.0f}")
                done.append((item, Outcome(False, None, MEMORY, detail, now - worker.started,
                                           self.memory_bytes)))
            elif worker.busy and worker.deadline is not None and now >= worker.deadline:
                item = worker.item
                self._retire(worker, kill=True)
                detail = fill(SAFETY_TEXT["timed-out"], seconds=f"{worker.timeout_s:g}")
                done.append((item, Outcome(False, None, TIMEOUT, detail,
                                           now - worker.started, worker.timeout_s)))
        yield from done

    def _over_cap(self, worker: _Worker) -> int | None:
        """The worker's memory if it is past the cap (portable path), else None."""
        if worker.watch is None or self.memory_bytes is None:
            return None
        import psutil

        try:
            info = worker.watch.memory_info()
        except psutil.Error:
            return None  # gone: its sentinel reports it
        # Windows: private bytes (committed memory), else the resident set
        used = max(info.rss, getattr(info, "private", 0))
        return used if used > self.memory_bytes else None

    def _finish(self, worker: _Worker) -> Outcome | None:
        """The outcome of ``worker``'s item if it is done (None: still working)."""
        reply = None
        closed = False
        try:
            while reply is None and worker.conn.poll():
                message = worker.conn.recv()
                if message[0] == "ready":
                    worker.ready = True
                    _unlink(worker.stderr_path)  # the worker has it open: no name needed
                    worker.started = time.monotonic()
                    if worker.timeout_s is not None:
                        worker.deadline = worker.started + worker.timeout_s
                else:
                    reply = message
        except (EOFError, OSError):
            closed = True
        except Exception as exc:  # noqa: BLE001 - a result the parent cannot unpickle
            reply = (EXCEPTION, fill(SAFETY_TEXT["result-not-sendable"], detail=_describe(exc)))
        elapsed = time.monotonic() - worker.started
        if reply is None and not closed and worker.process.is_alive():
            return None  # only "ready", or a wake-up without news
        if reply is not None:
            code, payload = reply
            worker.tasks += 1
            if code == MEMORY or worker.tasks >= self.max_tasks:
                self._retire(worker)
            if code == "ok":
                return Outcome(True, payload, None, "", elapsed)
            return Outcome(False, None, code, payload, elapsed,
                           self.memory_bytes if code == MEMORY else None)
        # No reply: the process died (or closed its pipe: not to be trusted). Say how.
        worker.process.join(0.5)
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join()
        exitcode = worker.process.exitcode
        tail = _tail(worker.stderr_fd)
        self._retire(worker)
        what = describe_exit(exitcode)
        detail = f"{what}: {tail}" if tail else what
        if any(sign in tail for sign in _OOM_SIGNS):
            return Outcome(False, None, MEMORY, detail[:_DETAIL_MAX], elapsed, self.memory_bytes)
        return Outcome(False, None, CRASHED, detail[:_DETAIL_MAX], elapsed)


def describe_exit(exitcode: int | None) -> str:
    """How a child that sent no reply ended: the signal's name, or its exit code."""
    if exitcode is not None and exitcode < 0:
        try:
            return signal.Signals(-exitcode).name
        except ValueError:
            return f"signal {-exitcode}"
    return f"exit code {exitcode}"


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _read_at(fd: int, size: int, offset: int) -> bytes:
    """``os.pread`` where it exists; else seek and read (Windows: the parent's own handle)."""
    if hasattr(os, "pread"):
        return os.pread(fd, size, offset)
    os.lseek(fd, offset, os.SEEK_SET)
    return os.read(fd, size)


def _tail(fd: int) -> str:
    """The line of a dead worker's stderr that says why it died (faulthandler's "Fatal Python
    error", a Rust "memory allocation ... failed" or panic), else its last line."""
    try:
        size = os.fstat(fd).st_size
        head = _read_at(fd, 8192, 0)
        tail = _read_at(fd, 2048, max(len(head), size - 2048))
    except OSError:
        return ""
    lines = [line.strip() for line in (head + b"\n" + tail).decode("utf-8", "replace")
             .splitlines() if line.strip()]
    for line in lines:
        if any(sign in line for sign in _WHY_SIGNS):
            return line
    return lines[-1] if lines else ""
