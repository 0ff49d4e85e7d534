"""The Japanese fonts of the published report's PDF: the ones the operating system already
has, found by file name in its font folders, in the order the PDF asks for them (the first
that has a character draws it; the later ones draw what it lacks, e.g. 𠮷, which IPAexGothic
lacks and Noto Sans CJK JP has).

The search takes the platform, the environment and the home folder as arguments, so that
every platform's folders and file names can be tried anywhere (a test points it at a fake
``C:\\Windows\\Fonts``). The candidate file names are in
:data:`~consolidator.messages.publish.PDF_FONT_CANDIDATES` (macOS names Hiragino's files in
Japanese).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from consolidator.messages.publish import PDF_FONT_CANDIDATES


@dataclass(frozen=True)
class FontChoice:
    """A font family the PDF may use, and the file it was found in."""

    family: str
    path: Path


def platform_key(platform: str) -> str:
    """``windows``, ``darwin`` or ``linux`` (every other POSIX system) for ``sys.platform``."""
    if platform.startswith(("win", "cygwin", "msys")):
        return "windows"
    return "darwin" if platform == "darwin" else "linux"


def font_dirs(platform: str, env: Mapping[str, str], home: Path) -> list[Path]:
    """The folders where ``platform`` keeps its fonts (system-wide, then the user's)."""
    key = platform_key(platform)
    if key == "windows":
        windir = env.get("WINDIR") or env.get("SystemRoot") or r"C:\Windows"
        dirs = [Path(windir) / "Fonts"]
        if env.get("LOCALAPPDATA"):
            dirs.append(Path(env["LOCALAPPDATA"]) / "Microsoft" / "Windows" / "Fonts")
        return dirs
    if key == "darwin":
        return [Path("/System/Library/Fonts"), Path("/System/Library/Fonts/Supplemental"),
                Path("/Library/Fonts"), home / "Library" / "Fonts"]
    data_home = Path(env["XDG_DATA_HOME"]) if env.get("XDG_DATA_HOME") else (
        home / ".local" / "share")
    return [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), home / ".fonts",
            data_home / "fonts"]


def find_fonts(dirs: Iterable[Path], candidates: Iterable[tuple[str, tuple[str, ...]]]
               ) -> list[FontChoice]:
    """The candidate families found in ``dirs`` (searched with their subfolders; file names
    compared without case), in the candidates' order, each once."""
    files: dict[str, Path] = {}
    for folder in dirs:
        if not folder.is_dir():
            continue
        for root, _subdirs, in_root in os.walk(folder):
            for name in in_root:
                files.setdefault(name.casefold(), Path(root) / name)
    found: list[FontChoice] = []
    for family, names in candidates:
        path = next((files[n.casefold()] for n in names if n.casefold() in files), None)
        if path is not None and family not in [f.family for f in found]:
            found.append(FontChoice(family, path))
    return found


def japanese_fonts(platform: str | None = None, env: Mapping[str, str] | None = None,
                   home: Path | None = None) -> tuple[list[FontChoice], list[Path]]:
    """The Japanese fonts this machine has for the PDF (empty: none), and the folders
    searched (to say where none was found)."""
    platform = sys.platform if platform is None else platform
    dirs = font_dirs(platform, os.environ if env is None else env,
                     Path.home() if home is None else home)
    return find_fonts(dirs, PDF_FONT_CANDIDATES[platform_key(platform)]), dirs
