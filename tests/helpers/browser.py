"""A real browser for the desk's end-to-end tests: Debian's Chromium, headless, driven by
Selenium through Debian's chromedriver; and the desk itself started as the command
(``consolidator desk --no-browser``) in a child process.

Nothing is downloaded at run time: Selenium is told where the driver and the browser are.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--window-size=1280,900",
                  "--lang=ja-JP")
# The printed address: http://127.0.0.1:<port>/<root>/?token=<key>; base is up to the root.
STARTED = re.compile(r"(http://127\.0\.0\.1:(\d+)/[\w-]+)/\?token=(\S+)")


def have_browser() -> bool:
    try:
        import selenium  # noqa: F401
    except ImportError:
        return False
    return CHROMIUM.exists() and CHROMEDRIVER.exists()


@contextmanager
def chromium(profile: Path, downloads: Path) -> Iterator[Any]:
    """A headless Chromium with a fresh profile, saving downloads into ``downloads``."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_experimental_option("prefs", {
        "download.default_directory": str(downloads), "download.prompt_for_download": False,
        "safebrowsing.enabled": False})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        driver.execute_cdp_cmd("Page.setDownloadBehavior",
                               {"behavior": "allow", "downloadPath": str(downloads)})
        yield driver
    finally:
        driver.quit()


@dataclass
class RunningDesk:
    process: subprocess.Popen[str]
    base: str  # http://127.0.0.1:<port>/<root>: every page is below it
    port: int
    url: str  # the address with the key, as printed


@contextmanager
def running_desk(folder: Path, *args: str) -> Iterator[RunningDesk]:
    """``consolidator desk --no-browser --folder FOLDER`` until the block ends."""
    exe = shutil.which("consolidator")
    command = [exe] if exe else [sys.executable, "-m", "consolidator"]
    process = subprocess.Popen([*command, "desk", "--no-browser", "--folder", str(folder),
                                *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, env=dict(os.environ))
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        found = STARTED.search(line)
        assert found, line + (process.stdout.read() if process.poll() is not None else "")
        yield RunningDesk(process, found.group(1), int(found.group(2)), found.group(0))
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


def wait_for_file(folder: Path, pattern: str, timeout_s: float = 60) -> Path:
    """The downloaded file matching ``pattern`` once Chromium has finished writing it."""
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        done = [p for p in folder.glob(pattern) if not p.name.endswith(".crdownload")]
        if done and not list(folder.glob("*.crdownload")):
            return done[0]
        time.sleep(0.2)
    raise AssertionError(f"no download {pattern} in {sorted(p.name for p in folder.iterdir())}")
