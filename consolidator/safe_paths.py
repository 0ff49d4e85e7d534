"""Names that become file names, and the one way an output path is built.

A department's name (and a former name) becomes part of the names of its template, its
e-mail drafts, its 確認事項 and its reminder. :func:`name_problem` says why a name cannot be
one: a catalog with such a name is refused when it is loaded or imported
(:mod:`consolidator.plan.conformance`). :func:`output_path` is how every output path is built from a
folder and a file name; it refuses, with :class:`UnsafePath`, a name that is not one plain
file name or whose path does not stay inside the folder, so a name that slipped past the
catalog check still cannot write elsewhere.

The rules are those of the strictest system the files travel to (Windows, whatever the
machine running the toolkit): they are checked the same way on every platform.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path, PurePosixPath, PureWindowsPath

from consolidator.findings import Finding, make
from consolidator.messages import fill
from consolidator.messages.outputs import NAME_PROBLEMS

# Why a name cannot be a file name (the keys of the texts in messages.outputs.NAME_PROBLEMS).
EMPTY, SEPARATOR, PARENT, CONTROL, WINDOWS_CHARACTER, RESERVED, TRAILING, TOO_LONG, OUTSIDE = (
    "empty", "separator", "parent", "control", "windows-character", "reserved", "trailing",
    "too-long", "outside")

# Path separators, and characters shown like one (a name read by a person, or converted to
# the ANSI code page by a program's "best fit": ¥ is 0x5C, the separator, in CP932).
# / \\ and FULLWIDTH SOLIDUS, DIVISION SLASH, FRACTION SLASH, BIG SOLIDUS, FULLWIDTH REVERSE
# SOLIDUS, REVERSE SOLIDUS OPERATOR, SMALL REVERSE SOLIDUS, YEN SIGN, WON SIGN.
SEPARATORS = frozenset(map(chr, (0x2F, 0x5C, 0xFF0F, 0x2215, 0x2044, 0x29F8, 0xFF3C, 0x29F5,
                                 0xFE68, 0xA5, 0x20A9)))
WINDOWS_FORBIDDEN = frozenset('<>:"|?*')
# Control and format characters (a right-to-left override disguises a name's extension),
# surrogates, private use, line and paragraph separators.
CONTROL_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Zl", "Zp"})
_DIGITS = "0123456789¹²³"
RESERVED_NAMES = frozenset({"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
                           | {f"{p}{d}" for p in ("COM", "LPT") for d in _DIGITS})
# A department's name is a few words; a longer one would make file names beyond what Excel
# opens (218 characters for the whole path).
MAX_NAME_CHARS = 64
MAX_FILE_NAME_CHARS = 200


class UnsafePath(ValueError):
    """``name`` cannot be written in ``folder``: ``reason`` is one of the constants above."""

    def __init__(self, folder: Path, name: str, reason: str) -> None:
        super().__init__(f"{name!r} in {folder}: {reason}")
        self.folder = folder
        self.name = name
        self.reason = reason


def name_problem(name: object, max_chars: int = MAX_NAME_CHARS, *,
                 whole_name: bool = False) -> str | None:
    """Why ``name`` cannot be (part of) a file name, or None when it can. A name that will be
    part of file names may hold no ``..`` at all; with ``whole_name`` (the file name itself,
    one path component) only ``.`` and ``..`` are refused (``報告..xlsx`` is a file)."""
    if not isinstance(name, str) or not name.strip():
        return EMPTY
    # Compatibility forms too: a separator's full-width form is one once normalised (NFKC).
    if any(ch in SEPARATORS for form in (name, unicodedata.normalize("NFKC", name))
           for ch in form):
        return SEPARATOR
    if name in (".", "..") or (".." in name and not whole_name):
        return PARENT
    if any(unicodedata.category(ch) in CONTROL_CATEGORIES for ch in name):
        return CONTROL
    if any(ch in WINDOWS_FORBIDDEN for ch in name):
        return WINDOWS_CHARACTER
    if name[-1] in ". " or name[0] == " ":
        return TRAILING
    if _reserved(name):
        return RESERVED
    if len(name) > max_chars:
        return TOO_LONG
    return None


def _reserved(name: str) -> bool:
    """A Windows device name (CON, COM1, LPT¹ …), alone or before an extension: Windows reads
    ``CON.txt`` and ``CON .xlsx`` as the device too."""
    stem = name.split(".", 1)[0].rstrip(" ").upper()
    return stem in RESERVED_NAMES


def output_path(folder: Path, name: str) -> Path:
    """``folder / name``, proved to be a file directly inside ``folder``: ``name`` is one plain
    file name (:func:`name_problem`, on every platform's reading of it) and the path, resolved
    (links followed), is in the resolved folder. Raises :class:`UnsafePath` otherwise."""
    problem = name_problem(name, MAX_FILE_NAME_CHARS, whole_name=True)
    if problem is not None:
        raise UnsafePath(folder, name, problem)
    if PurePosixPath(name).parts != (name,) or PureWindowsPath(name).parts != (name,):
        raise UnsafePath(folder, name, SEPARATOR)
    base = folder.resolve()
    if (base / name).resolve().parent != base:
        raise UnsafePath(folder, name, OUTSIDE)
    return folder / name


def reason_text(reason: str, name: str = "", max_chars: int = MAX_NAME_CHARS) -> str:
    """Why ``name`` was refused, in Japanese, naming what in it breaks the rule."""
    return fill(NAME_PROBLEMS[reason], max=max_chars, found=_found(name, reason))


def _found(name: str, reason: str) -> str:
    """What in ``name`` breaks the rule ``reason``: the character, the device name, the
    length (empty where the reason says it all)."""
    if reason == SEPARATOR:
        return next((ch for ch in name
                     if set(unicodedata.normalize("NFKC", ch)) & SEPARATORS), "")
    if reason == CONTROL:
        return next((f"U+{ord(ch):04X}" for ch in name
                     if unicodedata.category(ch) in CONTROL_CATEGORIES), "")
    if reason == WINDOWS_CHARACTER:
        return next((ch for ch in name if ch in WINDOWS_FORBIDDEN), "")
    if reason == RESERVED:
        return name.split(".", 1)[0].rstrip(" ")
    if reason == TOO_LONG:
        return str(len(name))
    return ""


def shown(name: object) -> str:
    """A name as a message may show it: control and format characters as ``\\uXXXX``."""
    text = name if isinstance(name, str) else repr(name)
    return "".join(f"\\u{ord(ch):04X}" if unicodedata.category(ch) in CONTROL_CATEGORIES
                   else ch for ch in text)


def not_written(exc: UnsafePath | OSError, target: str, file: str, code: str) -> Finding:
    """The finding of ``file``, ``target``'s (a department's), not written: its name is no file
    of its folder (``exc`` an :class:`UnsafePath`: ``output-name-refused``), or the file system
    refused it (an ``OSError``: ``code``, e.g. held open in Excel, no room)."""
    if isinstance(exc, UnsafePath):
        return refused(exc, target)
    return make(code, target=target, file=file, detail=exc.strerror or str(exc))


def refused(exc: UnsafePath, target: str) -> Finding:
    """The finding of a file not written for ``target`` (a department) because of ``exc``."""
    return make("output-name-refused", value=shown(exc.name), target=target,
                folder=str(exc.folder),
                reason=reason_text(exc.reason, exc.name, MAX_FILE_NAME_CHARS))


class WrittenFiles(list[Path]):
    """The files a batch over departments wrote, in its order; :attr:`owners`: whose each
    file is (the same order); :attr:`failed`: one finding for each department whose file
    could not be written (the batch went on with the others)."""

    def __init__(self) -> None:
        super().__init__()
        self.owners: list[str] = []
        self.failed: list[Finding] = []

    def add(self, owner: str, path: Path) -> None:
        self.append(path)
        self.owners.append(owner)

    def of(self, owner: str) -> Path | None:
        """The file written for ``owner``, if one was."""
        return next((p for o, p in zip(self.owners, self, strict=True) if o == owner), None)
