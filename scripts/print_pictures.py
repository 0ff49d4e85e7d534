"""One printed page of every sheet kind a person prints, as LibreOffice Calc prints it (the
README's pictures, docs/printed/).

    python3 scripts/print_pictures.py OUTDIR [--dpi 60]

Runs the demo (16 of 17 departments returned, a few mistakes) and the reminders into a
temporary folder, prints the template of 市社協, its annotated workbook, the master, the
validation log and the reminders list to PDF through a headless Calc (tests/calc), and saves
the first page of each sheet as ``<n>_<name>.png`` (:data:`NAMES`: ASCII, for every
checkout) with ``pdftoppm -png -r DPI`` (poppler).
Needs LibreOffice Calc, python3-uno and poppler-utils, as the Calc tests do.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import pdfplumber  # noqa: E402

from calc.session import CalcSession  # noqa: E402
from consolidator.jobs.demo import run_demo  # noqa: E402
from consolidator.jobs.reminders import remind_departments  # noqa: E402
from consolidator.plan.catalog import Catalog  # noqa: E402
from consolidator.templates.model import HEADER_ROWS, INDICATOR_SHEET, TEXT_SHEET  # noqa: E402
from helpers.printed_pages import heading_pattern, lines, printed_headings  # noqa: E402

NAMES = {"記入要領": "template_cover", TEXT_SHEET: "template_texts",
         INDICATOR_SHEET: "template_indicators", "確認事項": "feedback_findings",
         "概要": "master_overview", "基本目標N": "master_goal", "指標一覧": "master_indicators",
         "推移": "master_trend", "未入力一覧": "master_missing", "提出状況": "master_status",
         "検証ログ": "master_log", "督促一覧": "reminders"}


def _first_pages(pdf: Path, wanted: dict[str, object]) -> dict[str, int]:
    """Sheet → the first page (1-based) whose lines match: a text the page's first line
    starts with, or a heading row pattern any of its first lines is."""
    found: dict[str, int] = {}
    with pdfplumber.open(pdf) as doc:
        for page in doc.pages:
            chars = [ch for ch in page.chars if ch["text"].strip()]
            text = lines(chars) if chars else []
            for sheet, key in wanted.items():
                if sheet in found or not text:
                    continue
                hit = text[0].startswith(key) if isinstance(key, str) else any(
                    key.fullmatch(line) for line in text[:8])  # type: ignore[attr-defined]
                if hit:
                    found[sheet] = page.page_number
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--dpi", type=int, default=60)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    catalog = Catalog.default()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        run_demo(root, catalog)
        out = root / "output"
        remind_departments(root / "submissions", catalog, catalog.report_year, out)
        template = next(root.glob("**/*市社協_実施状況報告.xlsx"))
        master = next(out.glob("master_*.xlsx"))
        goal = catalog.goals[0]
        books: dict[Path, dict[str, object]] = {
            template: {"記入要領": "市社協",
                       TEXT_SHEET: heading_pattern(printed_headings(template, TEXT_SHEET,
                                                             HEADER_ROWS)),
                       INDICATOR_SHEET: heading_pattern(printed_headings(template, INDICATOR_SHEET,
                                                                  HEADER_ROWS))},
            out / "担当別" / "市社協_確認事項.xlsx": {"確認事項": "市社協確認事項"},
            master: {"概要": "山口市", "基本目標N": f"基本目標{goal['number']}",
                     "指標一覧": heading_pattern(printed_headings(master, "指標一覧")),
                     "推移": "指標の推移",
                     "未入力一覧": heading_pattern(printed_headings(master, "未入力一覧")),
                     "提出状況": heading_pattern(printed_headings(master, "提出状況")),
                     "検証ログ": heading_pattern(printed_headings(master, "検証ログ"))},
            out / "督促" / "督促一覧.xlsx": {"督促一覧": "担当"},
        }
        with CalcSession() as calc:
            results = calc.run([{"op": "resave", "src": book, "dst": root / f"{k}.pdf"}
                                for k, book in enumerate(books)])
        assert all(r.get("ok") for r in results), results
        n = 0
        for k, (book, wanted) in enumerate(books.items()):
            pages = _first_pages(root / f"{k}.pdf", wanted)
            for sheet in wanted:
                n += 1
                if sheet not in pages:
                    print(f"{book.name}: no page of {sheet}", file=sys.stderr)
                    continue
                stem = args.out / f"{n:02d}_{NAMES[sheet]}"
                subprocess.run(["pdftoppm", "-png", "-r", str(args.dpi), "-singlefile",
                                "-f", str(pages[sheet]), "-l", str(pages[sheet]),
                                str(root / f"{k}.pdf"), str(stem)], check=True)
                print(f"{stem}.png")


if __name__ == "__main__":
    main()
