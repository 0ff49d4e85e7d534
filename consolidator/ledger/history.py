"""The versions of a department's file the ledger kept: when each first arrived, under which
names, whether it is the one used now, and what it held (the values of its fields as read,
kept even when the file has left the folder since). Compared one with the next
(:func:`consolidator.checks.changes.compare_values`), they say what each correction changed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from consolidator.ledger.records import SUPERSEDED, USED


@dataclass(frozen=True)
class Version:
    """One version of a department's file."""

    names: list[str]  # the names it came under, first seen first
    first_seen: str  # when the ledger first saw it (ISO time)
    status: str  # used / superseded
    fields: dict[str, Any]  # field id → value as read (empty when the ledger kept none)


def department_versions(ledger: Path, department: str, year: int) -> list[Version]:
    """Every version of ``department``'s file for fiscal ``year`` the ledger counts (used or
    superseded, as ``consolidator status`` counts them), oldest first; none without a
    ledger. The ledger is only read (and brought to the current schema)."""
    from consolidator.ledger.schema import migrated

    if not ledger.is_file():
        return []
    with migrated(ledger) as conn:
        files = conn.execute(
            "SELECT id, first_seen, status FROM files WHERE department = ? AND year = ?"
            " AND status IN (?, ?) ORDER BY first_seen, id",
            (department, year, USED, SUPERSEDED)).fetchall()
        return [Version(
            [r[0] for r in conn.execute("SELECT name FROM file_names WHERE file_id = ?"
                                        " ORDER BY first_seen, name", (file_id,))],
            first_seen, status,
            {k: json.loads(v) for k, v in conn.execute(
                "SELECT field_id, value FROM file_fields WHERE file_id = ?", (file_id,))})
            for file_id, first_seen, status in files]
