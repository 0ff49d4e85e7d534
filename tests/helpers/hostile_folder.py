"""One submissions folder: every file of the hostile corpora (.xlsx and .ods) plus 17 clean
submissions.

Built once per test session (the ``hostile_folder`` fixture in tests/conftest.py) and only
read by the tests: every run writes its output next to the folder, never into it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helpers.filling import complete_values, submit_all
from helpers.hostile_corpus import build_corpus
from helpers.ods_files import build_ods_corpus

OLD_NS = 1_600_000_000 * 10**9  # 2020-09-13: hostile files look older than the clean ones


@dataclass(frozen=True)
class HostileFolder:
    path: Path
    expected: dict[str, str]  # hostile file -> expected code ("" = none)
    typed: dict[str, tuple[str, dict[str, Any]]]  # department -> (clean file, typed values)


def build_hostile_folder(folder: Path, templates: dict[str, Path],
                         ods_templates: dict[str, Path]) -> HostileFolder:
    """The hostile corpora (from the smallest generated template, .xlsx and .ods) plus one
    complete clean submission per department, each with its own text."""
    folder.mkdir(parents=True, exist_ok=True)
    department, base = min(templates.items(), key=lambda kv: kv[1].stat().st_size)
    expected = build_corpus(base, folder) | build_ods_corpus(ods_templates[department], folder)
    for name in expected:
        os.utime(folder / name, ns=(OLD_NS, OLD_NS))
    clean = submit_all(templates, folder, values=lambda department, template: complete_values(
        template, text=f"{department}の実施内容。"))
    typed = {d: (path.name, clean.typed[d]) for d, path in clean.items()}
    return HostileFolder(folder, expected, typed)
