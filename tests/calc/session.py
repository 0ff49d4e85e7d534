"""Run LibreOffice Calc headless from the project's Python (no ``uno`` here).

``CalcSession`` starts ONE private soffice (own process group, throw-away
profile, random named pipe) and talks to it through ``uno_driver.py``, which
runs under Debian's /usr/bin/python3 (the interpreter with python3-uno).

    with CalcSession() as calc:
        calc.fill(src, dst, values={"F_val_1_1_1_s1": 12, "F_txt": "０１２"},
                  insert_rows=[{"sheet": "入力", "before_row": 5, "count": 2}])
        calc.read(dst, ["F_val_1_1_1_s1"])

Only the soffice process group started here is ever signalled.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from helpers.processes import group_alive, signal_group

UNO_PYTHON = os.environ.get("CALC_UNO_PYTHON", "/usr/bin/python3")
DRIVER = Path(__file__).with_name("uno_driver.py")
START_TIMEOUT = float(os.environ.get("CALC_START_TIMEOUT", "90"))
JOB_TIMEOUT = float(os.environ.get("CALC_JOB_TIMEOUT", "120"))


class CalcError(RuntimeError):
    pass


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _driver_env() -> dict[str, str]:
    env = dict(os.environ)
    # keep the project's (pyenv) interpreter settings away from Debian's python
    for k in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONUSERBASE",
              "VIRTUAL_ENV", "PYENV_VERSION"):
        env.pop(k, None)
    env["PYTHONIOENCODING"] = "utf-8"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _soffice_env() -> dict[str, str]:
    env = _driver_env()
    env.setdefault("SAL_USE_VCLPLUGIN", "svp")
    # No .~lock files: the generated templates are shared by the test workers
    # (helpers.made_once), and a second Calc refuses to load a file another one holds.
    env["SAL_ENABLE_FILE_LOCKING"] = "0"
    return env


def calc_available() -> tuple[bool, str]:
    """(True, version-ish info) or (False, reason to skip)."""
    exe = _soffice()
    if not exe:
        return False, "soffice not on PATH (apt-get install libreoffice-calc-nogui)"
    if not os.path.exists(UNO_PYTHON):
        return False, f"{UNO_PYTHON} not found (needs Debian python3 + python3-uno)"
    try:
        r = subprocess.run([UNO_PYTHON, "-c", "import uno"], capture_output=True,
                           text=True, timeout=30, env=_driver_env())
    except (OSError, subprocess.TimeoutExpired) as e:
        return False, f"{UNO_PYTHON} -c 'import uno' failed: {e}"
    if r.returncode != 0:
        return False, (f"{UNO_PYTHON} cannot import uno (apt-get install python3-uno): "
                       f"{r.stderr.strip()[-300:]}")
    return True, f"soffice={exe}, uno python={UNO_PYTHON}"


def _kill_group(proc: subprocess.Popen, grace: float = 10.0) -> None:
    """SIGTERM the process group of *proc* (which we started), then SIGKILL."""
    if proc.poll() is not None:
        # leader is gone; children (soffice.bin) may survive in the group
        signal_group(proc.pid, signal.SIGKILL)
        return
    signal_group(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        pass
    signal_group(proc.pid, signal.SIGKILL)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:  # pragma: no cover
        pass


_WATCHDOG = """
import os, signal, sys, time
parent, group = int(sys.argv[1]), int(sys.argv[2])
while True:
    time.sleep(1)
    try:
        os.kill(parent, 0)
    except ProcessLookupError:
        try:
            os.killpg(group, signal.SIGKILL)
        except ProcessLookupError:
            pass
        break
"""


def _start_watchdog(parent: int, group: int) -> subprocess.Popen:
    """Kill the soffice process group we started if this process dies without closing it
    (a test run killed by a timeout must not leave Calc running). By group id, never by name."""
    return subprocess.Popen([sys.executable, "-c", _WATCHDOG, str(parent), str(group)],
                            stdin=subprocess.DEVNULL, start_new_session=True)


class CalcSession:
    """One private headless soffice for many jobs. Use as a context manager."""

    Error = CalcError  # so tests need not import this module under a 2nd name

    def __init__(self, start_timeout: float = START_TIMEOUT,
                 job_timeout: float = JOB_TIMEOUT) -> None:
        self.start_timeout = start_timeout
        self.job_timeout = job_timeout
        self.pipe = f"consolidator_calc_{os.getpid()}_{uuid.uuid4().hex[:12]}"
        self.tmpdir: Path | None = None
        self.proc: subprocess.Popen | None = None
        self.start_seconds: float | None = None
        self.version: str | None = None
        self._log = None

    # ------------------------------------------------------------ lifecycle
    def __enter__(self) -> CalcSession:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        ok, why = calc_available()
        if not ok:
            raise CalcError(why)
        self.tmpdir = Path(tempfile.mkdtemp(prefix="consolidator-calc-"))
        profile = self.tmpdir / "profile"
        self._log = open(self.tmpdir / "soffice.log", "wb")
        cmd = [_soffice(), "--headless", "--invisible", "--nologo", "--norestore",
               "--nodefault", "--nolockcheck",
               f"--accept=pipe,name={self.pipe};urp;",
               f"-env:UserInstallation={profile.as_uri()}"]
        t0 = time.monotonic()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=self._log,
                                     stderr=subprocess.STDOUT, env=_soffice_env(),
                                     start_new_session=True)
        self._watchdog = _start_watchdog(os.getpid(), self.proc.pid)
        try:
            self._wait_ready(t0)
        except BaseException:
            self.close()
            raise
        self.start_seconds = time.monotonic() - t0

    def _wait_ready(self, t0: float) -> None:
        last = ""
        while True:
            if self.proc.poll() is not None and not group_alive(self.proc.pid):
                raise CalcError(f"soffice exited early (rc={self.proc.returncode}): "
                                f"{self._log_tail()}")
            remaining = self.start_timeout - (time.monotonic() - t0)
            if remaining <= 0:
                raise CalcError(f"soffice did not accept on pipe {self.pipe} within "
                                f"{self.start_timeout:.0f}s: {last} {self._log_tail()}")
            try:
                out = self._call([{"op": "ping"}], connect_timeout=1.0,
                                 timeout=min(30.0, max(remaining, 5.0)))
                self.version = out[0].get("version")
                return
            except CalcError as e:
                last = str(e)
                time.sleep(0.3)

    def _log_tail(self) -> str:
        try:
            return (self.tmpdir / "soffice.log").read_text(errors="replace")[-500:]
        except Exception:
            return ""

    def close(self) -> None:
        watchdog, self._watchdog = getattr(self, "_watchdog", None), None
        if watchdog is not None and watchdog.poll() is None:
            watchdog.kill()
            watchdog.wait()
        proc, self.proc = self.proc, None
        if proc is not None:
            if proc.poll() is None:
                # polite first: desktop.terminate() through the bridge
                try:
                    self._call([{"op": "shutdown"}], connect_timeout=1.0, timeout=15)
                except Exception:
                    pass
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    pass
            _kill_group(proc)
        if self._log is not None:
            self._log.close()
            self._log = None
        if self.tmpdir is not None:
            shutil.rmtree(self.tmpdir, ignore_errors=True)
            self.tmpdir = None

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    # ------------------------------------------------------------ jobs
    def _call(self, jobs: list[dict], connect_timeout: float = 5.0,
              timeout: float | None = None) -> list[dict]:
        payload = json.dumps({"jobs": jobs}, ensure_ascii=False)
        try:
            r = subprocess.run(
                [UNO_PYTHON, str(DRIVER), "--pipe", self.pipe,
                 "--connect-timeout", str(connect_timeout)],
                input=payload.encode("utf-8"), capture_output=True,
                timeout=timeout or self.job_timeout * max(1, len(jobs)),
                env=_driver_env())
        except subprocess.TimeoutExpired as e:
            raise CalcError(f"uno driver timed out after {e.timeout}s") from e
        out = r.stdout.decode("utf-8", "replace").strip()
        try:
            doc = json.loads(out.splitlines()[-1]) if out else {}
        except json.JSONDecodeError:
            doc = {}
        if "results" not in doc:
            err = r.stderr.decode("utf-8", "replace").strip()[-1500:]
            raise CalcError(f"uno driver failed (rc={r.returncode}): "
                            f"{doc.get('fatal') or out[-500:]} {err}")
        return doc["results"]

    def run(self, jobs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Run many jobs in ONE driver call; returns one result dict per job."""
        if self.proc is None:
            raise CalcError("CalcSession is not started")
        jobs = [_normalise(j) for j in jobs]
        return self._call(jobs)

    def _one(self, job: dict) -> dict:
        res = self.run([job])[0]
        if not res.get("ok"):
            raise CalcError(f"{job['op']} failed: {res.get('error')}\n"
                            f"{res.get('traceback', '')}")
        return res

    def fill(self, src: str | os.PathLike, dst: str | os.PathLike, *,
             values: dict[str, Any] | None = None,
             insert_rows: list[dict] | None = None,
             delete_rows: list[dict] | None = None,
             sort: dict | None = None,
             cells: list[dict] | None = None,
             protect_off: list[str] | None = None) -> dict:
        job = {"op": "fill", "src": src, "dst": dst, "values": values or {},
               "insert_rows": insert_rows or [], "delete_rows": delete_rows or [],
               "cells": cells or [], "protect_off": protect_off or []}
        if sort:
            job["sort"] = sort
        return self._one(job)

    def resave(self, src: str | os.PathLike, dst: str | os.PathLike) -> dict:
        """``src`` opened in Calc and saved as ``dst``: .xlsx, .ods, or .pdf (printed as Calc
        draws it, conditional formats applied)."""
        return self._one({"op": "resave", "src": src, "dst": dst})

    def copy_sheets(self, src: str | os.PathLike, dst: str | os.PathLike, *,
                    sheets: list[str] | None = None, format: str = "xlsx") -> dict:
        """The visible sheets of ``src`` (or ``sheets``) copied into a new document, saved
        as ``dst`` in ``format`` ("xlsx" or "ods"); returns its sheets and defined names."""
        return self._one({"op": "copy_sheets", "src": src, "dst": dst, "sheets": sheets,
                          "format": format})

    def read(self, src: str | os.PathLike, names: list[str]) -> dict:
        """{"values": {name: {sheet, cell, type, value, format, content, scope}},
        "sheets": [{name, visible, protected}], "names": [...]}"""
        return self._one({"op": "read", "src": src, "names": list(names)})


def _normalise(job: dict) -> dict:
    job = dict(job)
    for k in ("src", "dst"):
        if k in job and job[k] is not None:
            job[k] = str(Path(job[k]).resolve())
    return job


def convert_to_xlsx(src: str | os.PathLike, outdir: str | os.PathLike,
                    timeout: float = 180.0) -> Path:
    """``soffice --headless --convert-to xlsx`` with its own throw-away profile.

    Independent of any CalcSession (a separate soffice instance thanks to the
    separate profile). Returns the path of the written .xlsx.
    """
    ok, why = calc_available()
    if not ok:
        raise CalcError(why)
    src = Path(src).resolve()
    outdir = Path(outdir).resolve()
    outdir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="consolidator-convert-"))
    cmd = [_soffice(), "--headless", "--invisible", "--nologo", "--norestore",
           "--nolockcheck", f"-env:UserInstallation={(tmp / 'profile').as_uri()}",
           "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(outdir), str(src)]
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, env=_soffice_env(),
                            start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired as e:
        _kill_group(proc, grace=5)
        raise CalcError(f"soffice --convert-to timed out after {timeout}s") from e
    finally:
        if proc.poll() is None or group_alive(proc.pid):
            _kill_group(proc, grace=5)
        shutil.rmtree(tmp, ignore_errors=True)
    dst = outdir / (src.stem + ".xlsx")
    if proc.returncode != 0 or not dst.exists():
        raise CalcError(f"convert-to failed (rc={proc.returncode}): "
                        f"{out.decode('utf-8', 'replace')[-800:]}")
    return dst
