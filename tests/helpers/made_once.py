"""What several test files read and that takes seconds to make, made once for the whole test
run: the first worker that asks makes it under a file lock, the others wait and read it.

pytest-xdist runs a session fixture once in each worker; with the suite spread over two
workers, the hostile folder and the seed's published year would be made twice. (Not for
files LibreOffice opens from several workers at once: the generated templates stay per
worker, after one Calc failed to load a template another worker's Calc held.) Here they are
made in the run's shared temporary folder (the parent of each worker's) and their result kept
as a pickle beside it. Every caller gets its own copy of the result; the files are shared:
read them, never change them. Within one process (a worker, or a run without workers) the
result is made or read once, then handed out as fresh copies of the same pickle: three test
files read the seed's year, and without workers each would otherwise publish it again.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest
from filelock import FileLock

T = TypeVar("T")

_PICKLED: dict[str, bytes] = {}  # name → the result, pickled, of this process's run


def made_once(tmp_path_factory: pytest.TempPathFactory, name: str,
              make: Callable[[Path], T]) -> T:
    """``make(folder)`` run once for the test run (see the module); ``name`` names the
    folder (in the process's own temporary folder when the run has no workers)."""
    key = f"{tmp_path_factory.getbasetemp()}/{name}"  # a new run in the same process: anew
    if key not in _PICKLED:
        _PICKLED[key] = _made_for_the_run(tmp_path_factory, name, make)
    return pickle.loads(_PICKLED[key])  # type: ignore[no-any-return]


def _made_for_the_run(tmp_path_factory: pytest.TempPathFactory, name: str,
                      make: Callable[[Path], T]) -> bytes:
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        return pickle.dumps(make(tmp_path_factory.mktemp(name)))
    shared = tmp_path_factory.getbasetemp().parent / name
    made = shared.with_suffix(".pickle")
    with FileLock(str(shared) + ".lock"):
        if not made.is_file():
            shared.mkdir(exist_ok=True)
            made.write_bytes(pickle.dumps(make(shared)))
    return made.read_bytes()
