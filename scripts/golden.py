"""Write the golden outputs again (``tests/golden/``) after an intended change of an output.

    python3 scripts/golden.py

Runs the demo's year (see ``tests/helpers/golden.py``) in a temporary folder and writes each
output as readable text. Review ``git diff tests/golden`` before committing: every line that
changed is a change a person will see in a workbook, a draft or the next year's plan.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from helpers.golden import GOLDEN, golden_outputs  # noqa: E402


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        outputs = golden_outputs(Path(tmp))
    GOLDEN.mkdir(exist_ok=True)
    for stale in set(p.name for p in GOLDEN.iterdir()) - set(outputs):
        (GOLDEN / stale).unlink()
    changed = 0
    for name, text in outputs.items():
        path = GOLDEN / name
        if not path.exists() or path.read_text("utf-8") != text:
            path.write_text(text, "utf-8", newline="\n")
            changed += 1
            print(f"written: {path.relative_to(ROOT)}")
    print(f"{len(outputs)} golden outputs, {changed} changed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
