"""Where the desk meets parts of the toolkit still being built, in one table.

Each entry of :data:`HOOKS` names a library function the desk will call once it exists,
``module:function``, or ``module:function(keyword)`` for a function that must also take that
keyword argument. :func:`hook` returns the function, or None while the module, the function
or the keyword is not there, and the page shows the feature only when it is. Wiring a feature
is then one line here (the real name) and, where its arguments differ from the ones expected
below, one call in :class:`consolidator.desk.workspace.Workspace`.

- :data:`CONSOLIDATE_WITH_PROGRESS` (issue 16, progress on ``consolidate``): ``run_consolidate``
  once it takes ``progress``, a callable told ``(done, total)`` as files are checked. The desk
  passes :meth:`Progress.update`; the 集約 page polls ``/consolidate/progress`` while the run
  goes on and fills its progress bar (an indeterminate bar until then).

The plan workbook (issue 14), the ledger's status and acceptances, the e-mail drafts
(issue 12) and the reminders (issue 13) exist and are called directly.
"""

from __future__ import annotations

import importlib
import inspect
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

CONSOLIDATE_WITH_PROGRESS = "consolidate-progress"

HOOKS: dict[str, str] = {
    CONSOLIDATE_WITH_PROGRESS: "consolidator.jobs.runs:run_consolidate(progress)",
}


def hook(name: str) -> Callable[..., Any] | None:
    """The function behind ``name`` in :data:`HOOKS`, or None while it does not exist (or
    does not take the keyword the entry names)."""
    target, _, keyword = HOOKS[name].partition("(")
    module_name, _, function = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and module_name.startswith(exc.name):
            return None  # the module is not there yet (a missing dependency of it is a bug)
        raise
    found = getattr(module, function, None)
    if not callable(found):
        return None
    keyword = keyword.rstrip(")")
    return found if not keyword or takes(found, keyword) else None


def takes(function: Callable[..., Any], keyword: str) -> bool:
    """Whether ``function`` names the parameter ``keyword`` (a ``**kwargs`` that might swallow
    it unused does not count)."""
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.name == keyword and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
               for p in parameters)


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
