"""Everything a run wrote into its output folder, as a person would compare it: every cell of
every workbook (the master, the logs, the department files), the parts of every .ods (a
department's own file marked), the text of the CSV and JSON files (the log, next year's
catalog), and the e-mail drafts as their headers, texts and
attachments. What legitimately differs between two runs of the same folder is left out: the
state files (ledger, result cache, the lock), the copies of earlier masters (named by the
time they were kept) and a draft's MIME boundary.
"""

from __future__ import annotations

import email
import io
import tempfile
import zipfile
from email import policy
from pathlib import Path
from typing import Any

from helpers.master import cell_values

STATE = (".sqlite3", ".lock")
HISTORY = "以前のマスター"


def outputs_of(folder: Path) -> dict[str, Any]:
    """relative path → what the file says (see the module)."""
    out: dict[str, Any] = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if not path.is_file() or path.name.endswith(STATE) or HISTORY in rel.parts:
            continue
        out[rel.as_posix()] = _content(path.name, path.read_bytes())
    return out


def _content(name: str, data: bytes) -> Any:
    if name.endswith(".xlsx"):
        return _cells(data)
    if name.endswith(".ods"):
        return _parts(data)
    if name.endswith(".eml"):
        return _draft(data)
    return data.decode("utf-8")


def _cells(data: bytes) -> dict[str, list[list[Any]]]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "book.xlsx"
        path.write_bytes(data)
        return cell_values(path)


def _parts(data: bytes) -> dict[str, bytes]:
    """An OpenDocument file: each part's bytes (the zip's own times of writing left out)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _draft(data: bytes) -> dict[str, Any]:
    msg = email.message_from_binary_file(io.BytesIO(data), policy=policy.default)
    headers = {k: str(v) for k, v in msg.items() if k.lower() != "content-type"}
    parts = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True) or b""
        name = part.get_filename()
        parts.append((part.get_content_type(), name,
                      _cells(payload) if name and name.endswith(".xlsx")
                      else _parts(payload) if name and name.endswith(".ods")
                      else payload.decode("utf-8", "replace")))
    return {"headers": headers, "parts": parts}
