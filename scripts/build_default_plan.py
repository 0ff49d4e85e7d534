"""Regenerate consolidator/data/default_plan.json from the seed report and the overrides.

    python3 scripts/build_default_plan.py
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from consolidator.plan.catalog import dump_json  # noqa: E402
from consolidator.plan.report_import.importer import import_report  # noqa: E402

SEED = ROOT / "tests" / "data" / "seed_report_r3.txt"
OVERRIDES = ROOT / "consolidator" / "data" / "plan_overrides.json"
OUTPUT = ROOT / "consolidator" / "data" / "default_plan.json"


def write_atomically(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def main() -> int:
    text = SEED.read_text(encoding="utf-8")
    overrides = json.loads(OVERRIDES.read_text(encoding="utf-8"))
    doc, findings = import_report(text, overrides)
    write_atomically(OUTPUT, dump_json(doc))
    for f in findings:
        print(f"[{f.severity}] {f.code}: {f.message}")
    print(f"wrote {OUTPUT.relative_to(ROOT)} ({len(findings)} findings)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
