"""What several test files read and that takes seconds to make, made once for the whole test
run: the first worker that asks makes it under a file lock, the others wait and read it.

pytest-xdist runs a session fixture once in each worker; with the suite spread over two
workers, the hostile folder and the seed's published year would be made twice. (Not for
files LibreOffice opens from several workers at once: the generated templates stay per
worker, after one Calc failed to load a template another worker's Calc held.) Here they are
made in the run's shared temporary folder (the parent of each worker's) and their result kept
as a pickle beside it. Every caller gets its own copy of the result; the files are shared:
read them, never change them.
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


def made_once(tmp_path_factory: pytest.TempPathFactory, name: str,
              make: Callable[[Path], T]) -> T:
    """``make(folder)`` run once for the test run (see the module); ``name`` names the
    folder (the caller's own when the run has no workers)."""
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        return make(tmp_path_factory.mktemp(name))
    shared = tmp_path_factory.getbasetemp().parent / name
    made = shared.with_suffix(".pickle")
    with FileLock(str(shared) + ".lock"):
        if not made.is_file():
            shared.mkdir(exist_ok=True)
            made.write_bytes(pickle.dumps(make(shared)))
    return pickle.loads(made.read_bytes())  # type: ignore[no-any-return]
