"""A plan catalog file (``--plan``, ``plan validate``): read once, checked, then used.

The one place a catalog JSON file is read: its text parsed once, every schema and
consistency error found (:func:`consolidator.plan.conformance.plan_findings`), and the
catalog built from the same document, so a file is never parsed twice nor used when it is
invalid.
"""

from __future__ import annotations

import json
from pathlib import Path

from consolidator.findings import Findings
from consolidator.plan.catalog import Catalog
from consolidator.plan.conformance import plan_findings


def read_plan_file(path: str | Path) -> tuple[Catalog | None, Findings]:
    """The catalog in ``path`` and what is wrong with it; the catalog is None when the file
    cannot be read as JSON or has an error (``plan-json``, ``plan-schema``…)."""
    found = Findings()
    try:
        doc = json.loads(Path(path).read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        found.add("plan-json", file=str(path), detail=str(exc))
        return None, found
    found = plan_findings(doc)
    return (Catalog(doc, source=str(path)) if found.valid else None), found
