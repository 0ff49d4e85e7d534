"""A working folder's settings: ``consolidator.toml``, read by the command line and the desk.

The settings are few and flat, each a string: ``plan`` (the catalog in use, relative to the
folder), ``year`` (the report year as ``--year`` takes it, e.g. ``令和4``), ``deadline`` and
``contact`` (the 提出期限 and the 問い合わせ先 / signature the templates and the drafts show).
An explicit command-line option still wins over them.

The file is TOML, read with the standard library's ``tomllib``; it is written by
:func:`write_settings` (a tiny writer: one ``key = "value"`` line per setting, the string
escaped as TOML's basic strings are, under a Japanese header saying what each one is),
atomically. Writing it keeps only the settings it knows (the header comes back; a comment
added by hand does not). A file that cannot be used is never ignored and never a traceback:
:func:`read_settings` returns findings naming the file and its line.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from consolidator.atomic import set_aside, write_text_atomic
from consolidator.findings import Findings
from consolidator.messages.folder import FOLDER_TEXT
from consolidator.output_names import SETTINGS_FILE


@dataclass(frozen=True)
class FolderSettings:
    """What a working folder remembers; None: not set."""

    plan: str | None = None
    year: str | None = None
    deadline: str | None = None
    contact: str | None = None

    def changed(self, **values: str | None) -> FolderSettings:
        return dataclasses.replace(self, **values)

    def plan_path(self, root: Path) -> Path | None:
        """The plan's file, the folder's ``plan`` setting taken from ``root``."""
        return None if self.plan is None else root / self.plan


KEYS = tuple(f.name for f in dataclasses.fields(FolderSettings))


def settings_path(root: Path) -> Path:
    return root / SETTINGS_FILE


def read_settings(root: Path) -> tuple[FolderSettings, Findings]:
    """The settings of the folder ``root`` (none set when it has no settings file), and the
    findings about the file: an error when it cannot be read or a value is not a string
    (then no setting is used), a warning for a name that is no setting."""
    path = settings_path(root)
    found = Findings()
    if not path.is_file():
        return FolderSettings(), found
    try:
        text = path.read_text("utf-8-sig")  # Notepad may have put a BOM in front
        doc = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        line = _error_line(str(exc))
        found.add("settings-unreadable", file=str(path), line=line,
                  detail=_without_position(exc))
        return FolderSettings(), found
    values: dict[str, str] = {}
    for key, value in doc.items():
        if key not in KEYS:
            found.add("settings-unknown-key", file=str(path), key=key,
                      line=_key_line(text, key))
        elif key == "year" and isinstance(value, int) and not isinstance(value, bool):
            values[key] = str(value)  # year = 2022 is meant as "2022"
        elif not isinstance(value, str):
            found.add("settings-bad-value", file=str(path), key=key, value=repr(value),
                      line=_key_line(text, key))
        else:
            values[key] = value
    if found.errors:
        return FolderSettings(), found
    return FolderSettings(**values), found


def write_settings(root: Path, settings: FolderSettings) -> Path:
    """Write ``root/consolidator.toml`` atomically; returns its path."""
    lines = [FOLDER_TEXT["settings-header"]]
    for key in KEYS:
        value = getattr(settings, key)
        if value is not None:
            lines.append(f"{key} = {toml_string(value)}\n")
    return write_text_atomic(settings_path(root), "".join(lines))


def update_settings(root: Path, **values: str | None) -> Path:
    """Change some settings of ``root``'s file (created when missing), keeping the others.
    A file that cannot be read is set aside first (never lost), as a damaged ledger is."""
    current, found = read_settings(root)
    if found.errors:
        set_aside(settings_path(root))
    return write_settings(root, current.changed(**values))


_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f",
            "\r": "\\r"}


def toml_string(text: str) -> str:
    """``text`` as a TOML basic string: quotes, backslashes and control characters escaped."""
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


_POSITION = re.compile(r"\s*\(at line (\d+), column \d+\)|\s*\(at end of document\)")


def _error_line(message: str) -> int | str:
    found = _POSITION.search(message)
    if found and found.group(1):
        return int(found.group(1))
    return "-"


def _without_position(exc: Exception) -> str:
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return _POSITION.sub("", str(exc))


def _key_line(text: str, key: str) -> int | str:
    pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.match(line):
            return number
    return "-"
