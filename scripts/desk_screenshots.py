"""Screenshots of every page of the desk, on the demo's year (to look at them, and the README's).

    python3 scripts/desk_screenshots.py OUTDIR [--width 1200] [--height 0]

Runs ``consolidator demo`` into a temporary folder (16 of 17 departments returned, a few
mistakes), starts ``consolidator desk --no-browser`` on it, and saves ``home.png``, ``plan.png``,
``workbooks.png``, ``submit.png``, ``status.png`` (with the first department's findings open) and
``consolidate.png`` (after 集約) from headless Chromium. ``--height 0`` takes whole pages;
another height takes the top of each page only (docs/desk_status.png is ``--height 760``).
Needs chromium and chromium-driver (Debian) and selenium (the dev extra).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from helpers.browser import chromium, running_desk  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--width", type=int, default=1200)
    parser.add_argument("--height", type=int, default=0)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "project"
        subprocess.run([sys.executable, "-m", "consolidator", "demo", "--out", str(folder)],
                       check=True, capture_output=True)
        with running_desk(folder) as desk, chromium(Path(tmp) / "profile",
                                                    Path(tmp) / "downloads") as driver:
            from selenium.webdriver.support.ui import WebDriverWait

            driver.get(desk.url)
            for page in ("home", "plan", "workbooks", "submit", "status", "consolidate"):
                driver.get(f"{desk.base}/{'' if page == 'home' else page}")
                if page == "status":
                    toggles = driver.find_elements("css selector", "button.toggle")
                    if toggles:
                        toggles[0].click()
                if page == "consolidate":
                    driver.find_element("css selector", "[data-testid=consolidate]").click()
                    WebDriverWait(driver, 300).until(lambda d: d.find_elements(
                        "css selector", "[data-testid=consolidated]"))
                height = args.height or driver.execute_script(
                    "return document.body.scrollHeight") + 140
                driver.set_window_size(args.width, height)
                driver.save_screenshot(str(args.out / f"{page}.png"))
                print(args.out / f"{page}.png")


if __name__ == "__main__":
    main()
