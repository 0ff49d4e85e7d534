"""Processes the tests start: signalling their process group, and running a command measured
(wall time, ru_maxrss, and the whole process tree's RSS).

Used by the hostile-run and no-data-loss tests, tests/calc/session.py and
scripts/bench_consolidate.py. Only process groups the caller started are ever signalled, by
their id. ``ru_maxrss`` alone does not see the parsing workers (children of the
multiprocessing fork server, which the CLI never waits for), so the RSS of the child and all
its descendants is also sampled (psutil). On Windows, where there are no process groups nor
``wait4``, the tree of the started process is ended instead and the peak working set of the
process stands for ru_maxrss.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

WINDOWS = sys.platform == "win32"
KILL = getattr(signal, "SIGKILL", signal.SIGTERM)


def signal_group(pgid: int, sig: int = KILL) -> None:
    """Send ``sig`` to the process group ``pgid`` (one this process started with
    ``start_new_session=True``; on Windows: end the process ``pgid`` and its descendants);
    a group that is already gone is no error."""
    if sys.platform == "win32":
        _kill_tree(pgid)
        return
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def group_alive(pgid: int) -> bool:
    if sys.platform == "win32":
        return psutil.pid_exists(pgid)
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover
        return True


def new_session() -> dict[str, Any]:
    """Popen keywords for a child in a group of its own."""
    if sys.platform == "win32":
        return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    return {"start_new_session": True}


@dataclass
class Measured:
    returncode: int
    wall_s: float
    maxrss_bytes: int  # ru_maxrss of the child (and every descendant it waited for)
    tree_peak_bytes: int  # sampled: largest sum of RSS over the child and all its descendants
    stdout: str
    stderr: str


def _tree(root: int) -> list[psutil.Process]:
    try:
        top = psutil.Process(root)
        return [top, *top.children(recursive=True)]
    except psutil.Error:
        return []


def _rss(processes: list[psutil.Process]) -> int:
    total = 0
    for p in processes:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def _kill_tree(root: int) -> None:
    for p in reversed(_tree(root)):
        try:
            p.kill()
        except psutil.Error:
            pass


def run_measured(args: list[str], timeout_s: float, cwd: Path | None = None) -> Measured:
    """Run ``args`` to the end; raise ``TimeoutError`` (after killing its process group) when
    it is still running after ``timeout_s``. ``os.wait4`` gives this child's ru_maxrss only,
    not that of every child the calling process ever had."""
    with tempfile.TemporaryDirectory() as tmp:
        out, err = Path(tmp) / "out", Path(tmp) / "err"
        start = time.monotonic()
        with out.open("wb") as o, err.open("wb") as e:
            proc = subprocess.Popen(args, cwd=cwd, stdout=o, stderr=e, **new_session())
        peak = maxrss = 0
        try:
            while True:
                code = _reaped(proc)
                if code is not None:
                    returncode, usage_rss = code
                    break
                if time.monotonic() - start > timeout_s:
                    signal_group(proc.pid)
                    proc.wait()
                    raise TimeoutError(f"{args} still running after {timeout_s:g} s")
                tree = _tree(proc.pid)
                peak = max(peak, _rss(tree))
                if WINDOWS and tree:
                    try:
                        maxrss = max(maxrss, int(getattr(tree[0].memory_info(), "peak_wset", 0)))
                    except psutil.Error:
                        pass
                time.sleep(0.02)
        finally:
            if not WINDOWS:
                proc.returncode = -1  # reaped here, not by Popen
        wall = time.monotonic() - start
        return Measured(returncode, wall, usage_rss or maxrss, peak,
                        out.read_text("utf-8", "replace"), err.read_text("utf-8", "replace"))


def _reaped(proc: subprocess.Popen[bytes]) -> tuple[int, int] | None:
    """(exit code, ru_maxrss in bytes or 0) once the child has ended, else None."""
    if sys.platform == "win32":
        code = proc.poll()
        return None if code is None else (code, 0)
    pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
    if not pid:
        return None
    maxrss = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)  # macOS: bytes
    return os.waitstatus_to_exitcode(status), maxrss
