"""Build the offline bundle: one zip per target that installs consolidator with no internet.

    python3 scripts/build_bundle.py --platform win_amd64 --python 3.11 -o dist/
    python3 scripts/build_bundle.py --platform manylinux2014_x86_64 --python 3.11 -o dist/
    python3 scripts/build_bundle.py --platform macosx_11_0_arm64 --python 3.13 -o dist/

writes ``dist/consolidator-<version>-<platform>-py311.zip`` (and ``<zip>.sha256`` beside it).
The zip holds one folder: ``wheels/`` (the project's own wheel, built with ``pip wheel
--no-deps``, and a wheel of every dependency for that platform and Python, the extras ``desk``
and — once pyproject.toml defines it — ``report`` included), the install / uninstall /
start-the-desk scripts (``.bat`` in CP932 with CRLF for Windows, ``.sh`` elsewhere),
``verify_sums.py``, ``SHA256SUMS.txt`` and ``README_IT.txt`` (the licences of the bundled
packages, from their metadata). Entry names are ASCII.

Only binary wheels go in. A dependency without a wheel for the target whose source builds a
pure-Python wheel (``py3-none-any``, odfpy today) is built here on Linux; one that needs
compiling fails the build with a message naming it.

pip evaluates environment markers (``colorama; platform_system == "Windows"``) against the
machine it runs on, not against ``--platform``: so the builder resolves the requirements
itself, reading each wheel's ``Requires-Dist`` with the target's marker environment, and asks
pip only for single distributions (``--no-deps``). Downloads go through pip's cache
(``PIP_CACHE_DIR`` chooses it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import email.parser
import hashlib
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

try:
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name, parse_wheel_filename
    from packaging.version import Version
except ImportError:  # pip always has it
    from pip._vendor.packaging.requirements import Requirement  # type: ignore[no-redef]
    from pip._vendor.packaging.utils import (  # type: ignore[no-redef]
        canonicalize_name,
        parse_wheel_filename,
    )
    from pip._vendor.packaging.version import Version  # type: ignore[no-redef]

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bundle_texts as texts  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
WANTED_EXTRAS = ("desk", "report")  # what a secretariat uses, when pyproject.toml defines it
VERBOSE = False
MANYLINUX_NEWEST = 28  # manylinux_2_17 … 2_28 wheels are accepted for the Linux target


@dataclass(frozen=True)
class Target:
    name: str
    pip_platforms: tuple[str, ...]
    markers: dict[str, str]

    @property
    def windows(self) -> bool:
        return self.markers["sys_platform"] == "win32"


def _manylinux(arch: str) -> tuple[str, ...]:
    glibc = [f"manylinux_2_{minor}_{arch}" for minor in range(MANYLINUX_NEWEST, 16, -1)]
    return (*glibc, f"manylinux2014_{arch}")  # pip adds manylinux2010 and manylinux1 itself


TARGETS = {
    "win_amd64": Target("win_amd64", ("win_amd64",), {
        "os_name": "nt", "sys_platform": "win32", "platform_system": "Windows",
        "platform_machine": "AMD64"}),
    "macosx_11_0_arm64": Target("macosx_11_0_arm64", ("macosx_11_0_arm64",), {
        "os_name": "posix", "sys_platform": "darwin", "platform_system": "Darwin",
        "platform_machine": "arm64"}),
    "manylinux2014_x86_64": Target("manylinux2014_x86_64", _manylinux("x86_64"), {
        "os_name": "posix", "sys_platform": "linux", "platform_system": "Linux",
        "platform_machine": "x86_64"}),
}


class BuildError(RuntimeError):
    """The bundle cannot be built (the message says which dependency and why)."""


def marker_environment(target: Target, python: str) -> dict[str, str]:
    return {**target.markers, "python_version": python, "python_full_version": f"{python}.0",
            "implementation_name": "cpython", "platform_python_implementation": "CPython",
            "implementation_version": f"{python}.0", "platform_release": "",
            "platform_version": "", "extra": ""}


def project_extras(pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    """The extras of WANTED_EXTRAS that pyproject.toml defines (read, never hard-coded)."""
    defined = tomllib.loads(pyproject.read_text("utf-8"))["project"].get(
        "optional-dependencies", {})
    return [extra for extra in WANTED_EXTRAS if extra in defined]


# ---- wheels and their metadata ------------------------------------------------------------------

@dataclass
class Wheel:
    path: Path
    name: str  # canonical
    version: Version
    metadata: email.message.Message = field(repr=False)

    @classmethod
    def read(cls, path: Path) -> Wheel:
        name, version, _build, _tags = parse_wheel_filename(path.name)
        with zipfile.ZipFile(path) as zf:
            meta = next(n for n in zf.namelist()
                        if n.count("/") == 1 and n.endswith(".dist-info/METADATA"))
            text = zf.read(meta).decode("utf-8")
        return cls(path, canonicalize_name(name), version,
                   email.parser.HeaderParser().parsestr(text))

    @property
    def requires(self) -> list[Requirement]:
        return [Requirement(line) for line in self.metadata.get_all("Requires-Dist") or []]

    @property
    def platforms(self) -> set[str]:
        return {tag.platform for tag in parse_wheel_filename(self.path.name)[3]}

    def licence(self) -> str:
        """License-Expression, else the License classifiers and a one-line License field."""
        expression = (self.metadata.get("License-Expression") or "").strip()
        if expression:
            return expression
        found = [c.split("::")[-1].strip() for c in self.metadata.get_all("Classifier") or []
                 if c.startswith("License ::")]
        field_text = (self.metadata.get("License") or "").strip()
        first = field_text.splitlines()[0].strip() if field_text else ""
        if first and len(first) <= 60 and first.upper() != "UNKNOWN" and first not in found:
            found.append(first if len(field_text.splitlines()) == 1 else first + " …")
        return "; ".join(found) or texts.LICENCE_UNKNOWN


def read_wheels(folder: Path) -> dict[str, Wheel]:
    found: dict[str, Wheel] = {}
    for path in sorted(folder.glob("*.whl")):
        wheel = Wheel.read(path)
        found[wheel.name] = wheel
    return found


def _dependencies(wheel: Wheel, extra: str, env: dict[str, str]) -> list[Requirement]:
    """What ``wheel`` requires on the target: its base requirements (extra ""), or what one of
    its extras adds."""
    found = []
    for dep in wheel.requires:
        for_extra = dep.marker is not None and "extra" in str(dep.marker)
        if extra and not for_extra:
            continue
        if dep.marker is None or dep.marker.evaluate({**env, "extra": extra}):
            found.append(dep)
    return found


def _walk(wheels: dict[str, Wheel], root: Requirement, env: dict[str, str]
          ) -> tuple[dict[str, Requirement], list[tuple[Requirement, str]]]:
    """Every name reachable from ``root`` with markers read for the target, with all the
    version ranges asked for it (one requirement), and the requirements with no fitting wheel
    here (requirement, who needs it)."""
    asked: dict[str, Requirement] = {}
    missing: list[tuple[Requirement, str]] = []
    queue: list[tuple[Requirement, str]] = [(root, "the bundle")]
    seen: set[tuple[str, str]] = set()
    while queue:
        req, parent = queue.pop(0)
        name = canonicalize_name(req.name)
        before = asked[name].specifier if name in asked else req.specifier
        asked[name] = Requirement(f"{req.name}{before & req.specifier}")
        wheel = wheels.get(name)
        if wheel is None or not req.specifier.contains(wheel.version, prereleases=True):
            missing.append((req, parent))
            continue
        for extra in ("", *sorted(req.extras)):
            if (name, extra) not in seen:
                seen.add((name, extra))
                queue += [(dep, f"{wheel.name} {wheel.version}")
                          for dep in _dependencies(wheel, extra, env)]
    return asked, missing


def unmet(wheels: dict[str, Wheel], root: Requirement, env: dict[str, str]
          ) -> list[tuple[Requirement, str]]:
    """Requirements reachable from ``root`` (markers read for the target) with no wheel here,
    or whose wheel here is a version that does not satisfy them."""
    return _walk(wheels, root, env)[1]


# ---- pip ----------------------------------------------------------------------------------------

def _pip(*args: str) -> subprocess.CompletedProcess[str]:
    if VERBOSE:
        print("pip", *args[:4], "...", file=sys.stderr)
    return subprocess.run([sys.executable, "-m", "pip", "--disable-pip-version-check", *args],
                          capture_output=True, text=True)


def _binary_args(target: Target, python: str) -> list[str]:
    nodot = python.replace(".", "")
    args = ["--only-binary=:all:", "--implementation", "cp", "--python-version", python,
            "--abi", f"cp{nodot}", "--abi", "abi3", "--abi", "none"]
    for platform in target.pip_platforms:
        args += ["--platform", platform]
    return args


def build_own_wheel(out: Path, source: Path = ROOT) -> Path:
    """``pip wheel --no-deps`` on a copy of the sources (the tree itself stays as it is)."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "src"
        copy.mkdir()
        for name in ("pyproject.toml", "README.md"):
            shutil.copy2(source / name, copy / name)
        shutil.copytree(source / "consolidator", copy / "consolidator",
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        done = _pip("wheel", "--no-deps", "--no-build-isolation", "-w", str(out), str(copy))
        if done.returncode != 0:
            done = _pip("wheel", "--no-deps", "-w", str(out), str(copy))
        if done.returncode != 0:
            raise BuildError("pip wheel of the project failed:\n" + done.stdout + done.stderr)
    [wheel] = out.glob("consolidator-*.whl")
    return wheel


def _download_binary(reqs: list[Requirement], dest: Path, target: Target, python: str) -> bool:
    done = _pip("download", "--no-deps", "-d", str(dest), *_binary_args(target, python),
                *[str(_plain(req)) for req in reqs])
    return done.returncode == 0


def _plain(req: Requirement) -> Requirement:
    """The requirement without its marker and extras (pip would judge the marker on Linux)."""
    return Requirement(f"{req.name}{req.specifier}")


def is_pure(wheel_name: str) -> bool:
    """A wheel any Python 3 on any platform installs (``py3-none-any``)."""
    tags = parse_wheel_filename(wheel_name)[3]
    return all(tag.abi == "none" and tag.platform == "any" and tag.interpreter.startswith("py")
               for tag in tags)


def _build_pure_wheel(req: Requirement, dest: Path, target: Target, python: str,
                      parent: str, cache: Path | None) -> None:
    """No binary wheel: build one from the source archive, accepted only if pure Python.

    ``cache``: a folder keeping the wheels built so (a test session builds each once).
    """
    if cache is not None:
        for path in sorted(cache.glob("*.whl"), reverse=True):
            name, version, _b, _tags = parse_wheel_filename(path.name)
            if name == canonicalize_name(req.name) and req.specifier.contains(version):
                shutil.copy2(path, dest / path.name)
                return
    with tempfile.TemporaryDirectory() as tmp:
        done = _pip("download", "--no-deps", "--no-binary=:all:", "-d", tmp, str(_plain(req)))
        sdists = [p for p in Path(tmp).iterdir() if p.is_file()]
        if done.returncode != 0 or not sdists:
            raise BuildError(texts.BUILD_REFUSED_UNRESOLVED.format(
                requirement=req, parent=parent, target=f"{target.name}/py{python}"))
        built = Path(tmp) / "built"
        done = _pip("wheel", "--no-deps", "--use-pep517", "-w", str(built), str(sdists[0]))
        if done.returncode != 0:
            raise BuildError(f"building a wheel of {sdists[0].name} failed:\n"
                             + done.stdout[-2000:] + done.stderr[-2000:])
        [wheel] = built.glob("*.whl")
        name, version, _b, _tags = parse_wheel_filename(wheel.name)
        if not is_pure(wheel.name):
            raise BuildError(texts.BUILD_REFUSED_COMPILE.format(
                name=name, version=version, target=f"{target.name}/py{python}",
                wheel=wheel.name))
        if cache is not None:
            cache.mkdir(parents=True, exist_ok=True)
            shutil.copy2(wheel, cache / wheel.name)
        shutil.move(str(wheel), dest / wheel.name)


def collect_wheels(dest: Path, target: Target, python: str, extras: list[str],
                   own_wheel: Path, cache: Path | None = None) -> dict[str, Wheel]:
    """Every wheel the target installs, into ``dest`` (the project's own wheel included)."""
    env = marker_environment(target, python)
    shutil.copy2(own_wheel, dest / own_wheel.name)
    root = Requirement(f"consolidator[{','.join(extras)}]" if extras else "consolidator")
    for _round in range(50):
        wheels = read_wheels(dest)
        asked, missing = _walk(wheels, root, env)
        if not missing:
            break
        wanted: dict[str, tuple[Requirement, str]] = {}
        for req, parent in missing:  # one requirement per name: every range asked for it
            name = canonicalize_name(req.name)
            wanted[name] = (asked[name], parent)
            old = wheels.pop(name, None)
            if old is not None:
                old.path.unlink()  # a version that does not fit every requirement
        reqs = [req for req, _parent in wanted.values()]
        if _download_binary(reqs, dest, target, python):
            continue
        for req, parent in wanted.values():
            if not _download_binary([req], dest, target, python):
                _build_pure_wheel(req, dest, target, python, parent, cache)
    else:
        raise BuildError(f"the requirements did not settle: {missing}")
    for name, wheel in list(wheels.items()):  # the last walk's names: what the target installs
        if name not in asked:
            wheel.path.unlink()
            del wheels[name]
    return wheels


# ---- the bundle's files -------------------------------------------------------------------------

def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_sums(folder: Path) -> Path:
    """``SHA256SUMS.txt`` (``sha256sum -c`` format) of every other file under ``folder``."""
    out = folder / "SHA256SUMS.txt"
    lines = [f"{sha256(p)}  {p.relative_to(folder).as_posix()}"
             for p in sorted(folder.rglob("*")) if p.is_file() and p != out]
    out.write_bytes(("\n".join(lines) + "\n").encode("ascii"))
    return out


def check_sums(folder: Path) -> list[str]:
    """The files that are missing, changed or not listed (empty: everything matches)."""
    listed = {}
    for line in (folder / "SHA256SUMS.txt").read_text("ascii").splitlines():
        digest, name = line.split("  ", 1)
        listed[name] = digest
    present = {p.relative_to(folder).as_posix() for p in folder.rglob("*")
               if p.is_file() and p.name != "SHA256SUMS.txt"}
    wrong = [name for name, digest in listed.items()
             if name not in present or sha256(folder / name) != digest]
    return sorted(wrong + [name for name in present if name not in listed])


def bat_bytes(text: str) -> bytes:
    """A .bat as cmd.exe on a Japanese Windows reads it: CP932, CRLF (fails on a character
    CP932 lacks rather than writing a '?')."""
    return "\r\n".join(text.splitlines()).encode("cp932") + b"\r\n"


def fill(template: str, values: dict[str, str]) -> str:
    """``@KEY@`` replaced by each value in turn (a value may hold a later key)."""
    for key, value in values.items():
        template = template.replace(f"@{key}@", value)
    leftover = re.findall(r"@[A-Z_]+@", template)
    if leftover:
        raise BuildError(f"unfilled placeholders {leftover}")
    return template


def glibc_needed(wheels: Iterable[Wheel]) -> str:
    """The glibc the Linux bundle needs: a wheel runs from the oldest of its manylinux tags on,
    the bundle from the newest of those."""
    needed = 17
    legacy = {"manylinux1": 5, "manylinux2010": 12, "manylinux2014": 17}
    for wheel in wheels:
        minors = [int(m.group(1)) for tag in wheel.platforms
                  if (m := re.match(r"manylinux_2_(\d+)_", tag))]
        minors += [legacy[m.group(1)] for tag in wheel.platforms
                   if (m := re.match(r"(manylinux1|manylinux2010|manylinux2014)_", tag))]
        if minors:
            needed = max(needed, min(minors))
    return f"2.{needed}"


def licence_table(wheels: Iterable[Wheel]) -> str:
    rows = [(w.metadata.get("Name") or w.name, str(w.version), w.licence(), w.path.name)
            for w in sorted(wheels, key=lambda w: w.name)]
    width = max(len(f"{name} {version}") for name, version, _l, _f in rows)
    return "\n".join(f"{f'{name} {version}':<{width}}  {licence}\n{'':<{width}}  ({file})"
                     for name, version, licence, file in rows) + "\n"


def readme_it(wheels: dict[str, Wheel], target: Target, python: str, version: str,
              extras: list[str]) -> str:
    size = sum(w.path.stat().st_size for w in wheels.values())
    platform = texts.PLATFORM_LABELS[target.name].replace("@GLIBC@", glibc_needed(wheels.values()))
    values = {  # the texts first: fill() replaces in this order, and they hold @PY@
        "SCRIPTS": texts.SCRIPT_LINES_WINDOWS if target.windows else texts.SCRIPT_LINES_POSIX,
        "PYTHON_NEEDED": (texts.README_IT_PYTHON_WINDOWS if target.windows
                          else texts.README_IT_PYTHON_POSIX),
        "STEPS": texts.README_IT_STEPS_WINDOWS if target.windows else texts.README_IT_STEPS_POSIX,
        "VERSION": version, "PY": python, "TARGET": f"{target.name}-py{python.replace('.', '')}",
        "PLATFORM": platform, "BUILT": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "PIP": _pip("--version").stdout.split()[1], "COUNT": str(len(wheels)),
        "SIZE": f"{size / 1e6:.1f} MB", "EXTRAS": " " + ", ".join(extras) if extras else " なし",
    }
    return fill(texts.README_IT_HEAD, values) + licence_table(wheels.values())


def bundle_name(version: str, target: Target, python: str) -> str:
    return f"consolidator-{version}-{target.name}-py{python.replace('.', '')}"


def build(target_name: str, python: str, out_dir: Path, source: Path = ROOT,
          own_wheel: Path | None = None, cache: Path | None = None) -> Path:
    """Build one bundle; returns the zip's path.

    ``own_wheel``: the project's wheel if already built from ``source``; ``cache``: where the
    wheels built from source archives are kept between builds.
    """
    target = TARGETS[target_name]
    extras = project_extras(source / "pyproject.toml")
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        own = own_wheel or build_own_wheel(Path(tmp) / "own", source)
        version = str(Wheel.read(own).version)
        name = bundle_name(version, target, python)
        folder = Path(tmp) / name
        (folder / "wheels").mkdir(parents=True)
        wheels = collect_wheels(folder / "wheels", target, python, extras, own, cache)
        values = {"VERSION": version, "PY": python, "EXTRAS": ",".join(extras)}
        (folder / "verify_sums.py").write_text(fill(texts.VERIFY_SUMS, values), "ascii")
        if target.windows:
            for file, template in (("install.bat", texts.BAT_INSTALL),
                                   ("uninstall.bat", texts.BAT_UNINSTALL),
                                   ("start_desk.bat", texts.BAT_START_DESK),
                                   ("command_prompt.bat", texts.BAT_COMMAND_PROMPT)):
                (folder / file).write_bytes(bat_bytes(fill(template, values)))
        else:
            for file, template in (("install.sh", texts.SH_INSTALL),
                                   ("uninstall.sh", texts.SH_UNINSTALL),
                                   ("start_desk.sh", texts.SH_START_DESK)):
                (folder / file).write_text(fill(template, values), "utf-8", newline="\n")
                (folder / file).chmod(0o755)
        readme = readme_it(wheels, target, python, version, extras)
        (folder / "README_IT.txt").write_bytes(
            b"\xef\xbb\xbf" + "\r\n".join(readme.splitlines()).encode("utf-8") + b"\r\n")
        write_sums(folder)
        archive = out_dir / f"{name}.zip"
        with zipfile.ZipFile(archive, "w") as zf:
            for path in sorted(folder.rglob("*")):
                if not path.is_file():
                    continue
                entry = f"{name}/{path.relative_to(folder).as_posix()}"
                if not entry.isascii():
                    raise BuildError(f"zip entry name {entry!r} is not ASCII")
                compress = zipfile.ZIP_STORED if path.suffix == ".whl" else zipfile.ZIP_DEFLATED
                zf.write(path, entry, compress_type=compress)
    (out_dir / f"{archive.name}.sha256").write_text(
        f"{sha256(archive)}  {archive.name}\n", "ascii")
    return archive


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--platform", choices=sorted(TARGETS), default="win_amd64")
    parser.add_argument("--python", default="3.11", help="3.11, 3.12 or 3.13")
    parser.add_argument("-o", "--out", type=Path, default=Path("dist"))
    parser.add_argument("--cache", type=Path, default=None,
                        help="a folder keeping the wheels built from source archives")
    parser.add_argument("-v", "--verbose", action="store_true", help="print each pip call")
    args = parser.parse_args(argv)
    global VERBOSE
    VERBOSE = args.verbose
    if not re.fullmatch(r"3\.\d+", args.python):
        parser.error("--python takes a version such as 3.11")
    try:
        archive = build(args.platform, args.python, args.out, cache=args.cache)
    except BuildError as exc:
        print(f"build_bundle: {exc}", file=sys.stderr)
        return 1
    print(f"{archive} ({archive.stat().st_size / 1e6:.1f} MB)")
    print(f"sha256 {sha256(archive)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
