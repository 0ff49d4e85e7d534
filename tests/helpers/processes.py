"""Processes the tests start: signalling their process group, and running a command measured
(wall time, ru_maxrss, and the whole process tree's RSS).

Used by the hostile-run and no-data-loss tests, tests/calc/session.py and
scripts/bench_consolidate.py. Only process groups the caller started are ever signalled, by
their id. ``ru_maxrss`` alone does not see the parsing workers (children of the
multiprocessing fork server, which the CLI never waits for), so the RSS of the child and all
its descendants is also sampled from /proc.
"""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


def signal_group(pgid: int, sig: int = signal.SIGKILL) -> None:
    """Send ``sig`` to the process group ``pgid`` (one this process started with
    ``start_new_session=True``); a group that is already gone is no error."""
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover
        return True


@dataclass
class Measured:
    returncode: int
    wall_s: float
    maxrss_bytes: int  # ru_maxrss of the child (and every descendant it waited for)
    tree_peak_bytes: int  # sampled: largest sum of RSS over the child and all its descendants
    stdout: str
    stderr: str


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as fh:
                    ppid = int(fh.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    out, stack = [], [root]
    while stack:
        pid = stack.pop()
        out.append(pid)
        stack.extend(children.get(pid, []))
    return out


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", "rb") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, IndexError, ValueError):
        return 0


def run_measured(args: list[str], timeout_s: float, cwd: Path | None = None) -> Measured:
    """Run ``args`` to the end; raise ``TimeoutError`` (after killing its process group) when
    it is still running after ``timeout_s``. ``os.wait4`` gives this child's ru_maxrss only,
    not that of every child the calling process ever had."""
    with tempfile.TemporaryDirectory() as tmp:
        out, err = Path(tmp) / "out", Path(tmp) / "err"
        start = time.monotonic()
        with out.open("wb") as o, err.open("wb") as e:
            proc = subprocess.Popen(args, cwd=cwd, stdout=o, stderr=e, start_new_session=True)
        peak = 0
        try:
            while True:
                pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
                if pid:
                    break
                if time.monotonic() - start > timeout_s:
                    signal_group(proc.pid)
                    os.wait4(proc.pid, 0)
                    raise TimeoutError(f"{args} still running after {timeout_s:g} s")
                peak = max(peak, sum(_rss(p) for p in _descendants(proc.pid)))
                time.sleep(0.02)
        finally:
            proc.returncode = -1  # reaped here, not by Popen
        wall = time.monotonic() - start
        return Measured(os.waitstatus_to_exitcode(status), wall, usage.ru_maxrss * 1024, peak,
                        out.read_text("utf-8", "replace"), err.read_text("utf-8", "replace"))
