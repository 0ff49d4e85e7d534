"""The golden outputs: the demo's year run as a secretariat would (generate, fill with a few
mistakes, one department silent, consolidate, then remind on a fixed day), and each output a
person reads, as readable text (:mod:`helpers.workbook_dump` for workbooks; an e-mail draft as
its headers and text; the next year's plan as JSON).

``tests/test_golden.py`` compares them with ``tests/golden/``; ``python3 scripts/golden.py``
writes them again after an intended change (review the diff before committing it).
"""

from __future__ import annotations

import email
import email.policy
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

from consolidator.jobs.demo import NOT_RETURNING, run_demo
from consolidator.jobs.reminders import remind
from consolidator.messages.correction import REMIND_TEXT
from consolidator.plan.catalog import Catalog
from helpers.workbook_dump import dump_workbook, steady

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
TODAY = date(2023, 5, 20)  # the day of the reminders: before the demo's deadline (5月31日)
DEADLINE = "5月31日"
KEEP = (DEADLINE,)
CITY, SECTION = "市社協", "地域福祉課"


def _workbook(path: Path) -> str:
    return dump_workbook(path, KEEP)


def _draft(path: Path) -> str:
    """An e-mail draft: its headers that matter, its text, its attachments' names."""
    msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    lines = [f"{h}: {msg[h]}" for h in ("To", "Subject", "X-Unsent") if msg[h] is not None]
    body = msg.get_body(("plain",))
    lines += ["", body.get_content().replace("\r\n", "\n") if body else ""]
    lines += [f"添付: {part.get_filename()}" for part in msg.iter_attachments()]
    return steady("\n".join(lines), KEEP) + "\n"


def _json(path: Path) -> str:
    doc = json.loads(path.read_text("utf-8"))
    return steady(json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True), KEEP) + "\n"


def golden_outputs(root: Path) -> dict[str, str]:
    """Run the year under ``root`` and return each golden file's name → its text."""
    catalog = Catalog.default()
    year = catalog.report_year
    run_demo(root, catalog)
    remind(root, catalog, year, DEADLINE, "地域福祉課 地域福祉担当", today=TODAY)
    out, templates = root / "output", root / "workbook_templates"
    per_department = out / "担当別"

    def template(department: str) -> Path:
        return next(templates.glob(f"*_{department}_*.xlsx"))

    sources: dict[str, tuple[Callable[[Path], str], Path]] = {
        "master.txt": (_workbook, out / f"master_{year}.xlsx"),
        "validation_log.txt": (_workbook, out / "validation_log.xlsx"),
        "template_city_council.txt": (_workbook, template(CITY)),
        "template_library.txt": (_workbook, template(NOT_RETURNING)),
        # the section's own workbook marked (the 確認事項 sheet, colours, notes), and its mail
        "feedback_section.txt": (_workbook, per_department / f"{SECTION}_確認事項.xlsx"),
        "feedback_section_mail.txt": (_draft, per_department / f"{SECTION}_依頼.eml"),
        "reminder_list.txt": (_workbook, out / "督促" / REMIND_TEXT["list-file"]),
        "reminder_library_mail.txt": (_draft, next((out / "督促").glob(f"{NOT_RETURNING}*.eml"))),
        "plan_next_year.json": (_json, out / f"plan_{year + 1}.json"),
    }
    return {name: dump(path) for name, (dump, path) in sources.items()}
