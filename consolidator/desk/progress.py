"""How far the running consolidation is: ``run_consolidate`` reports ``(done, total)`` as
files are checked to :meth:`Progress.update`; the 集約 page polls ``/consolidate/progress``
while the run goes on and fills its progress bar."""

from __future__ import annotations

import threading
from dataclasses import dataclass


@dataclass
class ProgressState:
    running: bool = False
    done: int = 0
    total: int | None = None  # None: not told (yet)


class Progress:
    """How far the running consolidation is, as the library reports it (thread-safe: the run
    updates it in one request, the page reads it in another)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._state = ProgressState()

    def start(self) -> None:
        with self._lock:
            self._state = ProgressState(running=True)

    def update(self, done: int, total: int | None = None, *_more: object) -> None:
        """The callback handed to the library: ``done`` of ``total`` files checked."""
        with self._lock:
            self._state = ProgressState(True, int(done),
                                        None if total is None else int(total))

    def finish(self) -> None:
        with self._lock:
            self._state = ProgressState(False, self._state.done, self._state.total)

    def snapshot(self) -> ProgressState:
        with self._lock:
            return ProgressState(self._state.running, self._state.done, self._state.total)
