"""Issue 23: the offline bundle (scripts/build_bundle.py) for the city's PCs with no internet.

The fast tests need no download: licences read from a wheel's METADATA built here, the .bat
encoding, SHA256SUMS.txt, the requirement walk with the target's markers. The slow ones build
real bundles from PyPI (once per session, pip's downloads kept in the pytest cache between
runs): every requirement of win_amd64 for Python 3.11 and 3.13 resolves from the bundle alone,
and the Linux bundle installs into a fresh virtual environment with no index and no network and
runs ``consolidator demo``.
"""

from __future__ import annotations

import importlib.util
import os
import platform
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest

from helpers.paths import ROOT, SCRIPTS


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


bb = _load("build_bundle")
texts = bb.texts

BATS = {"install.bat": texts.BAT_INSTALL, "uninstall.bat": texts.BAT_UNINSTALL,
        "start_desk.bat": texts.BAT_START_DESK, "command_prompt.bat": texts.BAT_COMMAND_PROMPT}
VALUES = {"VERSION": "0.1.0", "PY": "3.11", "EXTRAS": "desk,report"}


def _wheel(folder: Path, name: str, version: str, *headers: str) -> Path:
    """A minimal wheel whose METADATA holds ``headers``."""
    path = folder / f"{name}-{version}-py3-none-any.whl"
    meta = "\n".join(["Metadata-Version: 2.4", f"Name: {name}", f"Version: {version}",
                      *headers]) + "\n"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(f"{name}-{version}.dist-info/METADATA", meta)
        zf.writestr(f"{name}/__init__.py", "")
    return path


# ---- fast: no download --------------------------------------------------------------------------

def test_licences_come_from_the_metadata(tmp_path: Path) -> None:
    expression = _wheel(tmp_path, "a", "1.0", "License-Expression: BSD-3-Clause",
                        "Classifier: License :: OSI Approved :: MIT License")
    classifiers = _wheel(tmp_path, "b", "1.0", "License: ZPL 2.1",
                         "Classifier: License :: OSI Approved :: Zope Public License")
    long_text = _wheel(tmp_path, "c", "1.0",
                       "License: Copyright (c) 2024 Someone\n        Permission is hereby granted")
    nothing = _wheel(tmp_path, "d", "1.0", "License: UNKNOWN")
    assert bb.Wheel.read(expression).licence() == "BSD-3-Clause"
    assert bb.Wheel.read(classifiers).licence() == "Zope Public License; ZPL 2.1"
    assert bb.Wheel.read(long_text).licence() == "Copyright (c) 2024 Someone …"
    assert bb.Wheel.read(nothing).licence() == texts.LICENCE_UNKNOWN
    table = bb.licence_table(bb.read_wheels(tmp_path).values())
    assert "a 1.0" in table and "(a-1.0-py3-none-any.whl)" in table


@pytest.mark.slow  # the bundle's texts made: in the full suite
def test_the_it_read_me_says_what_the_desk_guards_on_a_shared_pc(tmp_path: Path) -> None:
    """README_IT.txt sums up README's 「デスクの安全」 for the IT department of a city whose
    staff share a terminal server or a virtual desktop: what protects, what does not."""
    _wheel(tmp_path, "a", "1.0", "License-Expression: MIT")
    for target in ("win_amd64", "manylinux2014_x86_64"):
        text = bb.readme_it(bb.read_wheels(tmp_path), bb.TARGETS[target], "3.11", "0.1.0",
                            ["desk"])
        section = text.split("デスクの安全(共用の仮想デスクトップ・ターミナルサーバーで使うとき)",
                             1)[1].split("\n中身\n", 1)[0]
        for said in ("ほかの利用者のプログラム", "乱数のパス", "フォームの鍵", "守れません",
                     "使い終えたらデスクを終了", "「デスクの安全(脅威モデル)」"):
            assert said in section, said
    readme = (ROOT / "README.md").read_text("utf-8")
    assert "#### デスクの安全(脅威モデル)" in readme  # the section it points to


@pytest.mark.parametrize("name", sorted(BATS))
def test_bat_files_are_cp932_with_crlf(name: str) -> None:
    data = bb.bat_bytes(bb.fill(BATS[name], VALUES))
    assert data.count(b"\r\n") == data.count(b"\n") and b"\r\r" not in data
    lines = data.split(b"\r\n")
    assert lines[0] == b"@echo off" and all(line.isascii() for line in lines[:5])
    declared = re.search(rb"encoding: (\w+)", lines[1])
    assert declared and declared.group(1) == b"cp932" and b"chcp 932 >nul" in lines[:5]
    text = data.decode(declared.group(1).decode())
    assert re.search("[\u3040-\u30ff]", text)  # the messages are Japanese
    for line in text.splitlines():  # a message never breaks cmd.exe's parsing
        if line.startswith("echo "):  # a variable is fine, a bare % & < > | ^ is not
            assert not set(re.sub(r"%\w+%", "", line[5:])) & set("&<>|^%"), line
        assert not line.rstrip().endswith("("), line  # no blocks: every branch is a goto
    second_byte_special = sorted({c for c in text if len(c.encode("cp932")) == 2
                                  and c.encode("cp932")[1] in b"\\^|"})
    assert second_byte_special == []  # ソ 表 タ 構 … (dame-moji)
    labels = set(re.findall(r"^:(\w+)", text, re.M))
    assert set(re.findall(r"goto (\w+)", text)) <= labels


def test_a_character_cp932_lacks_fails_the_build() -> None:
    with pytest.raises(UnicodeEncodeError):
        bb.bat_bytes("echo 𠮷田\n")


def test_sums_match_every_file_and_catch_a_change(tmp_path: Path) -> None:
    (tmp_path / "wheels").mkdir()
    (tmp_path / "wheels" / "a.whl").write_bytes(b"a")
    (tmp_path / "install.bat").write_bytes(b"@echo off\r\n")
    (tmp_path / "verify_sums.py").write_text(bb.fill(texts.VERIFY_SUMS, VALUES), "ascii")
    bb.write_sums(tmp_path)
    listed = (tmp_path / "SHA256SUMS.txt").read_text("ascii").splitlines()
    assert [line.split("  ")[1] for line in listed] == ["install.bat", "verify_sums.py",
                                                        "wheels/a.whl"]
    assert bb.check_sums(tmp_path) == []
    verify = [sys.executable, str(tmp_path / "verify_sums.py")]
    assert subprocess.run(verify, capture_output=True).returncode == 0
    (tmp_path / "wheels" / "a.whl").write_bytes(b"b")
    (tmp_path / "extra.txt").write_text("x")
    assert bb.check_sums(tmp_path) == ["extra.txt", "wheels/a.whl"]
    done = subprocess.run(verify, capture_output=True, text=True)
    assert done.returncode == 1 and "CHANGED wheels/a.whl" in done.stdout


def test_requirements_are_read_with_the_targets_markers(tmp_path: Path) -> None:
    """pip judges markers on the machine it runs on; the builder on the target's."""
    _wheel(tmp_path, "consolidator", "0.1.0", "Requires-Dist: click>=8",
           'Requires-Dist: colorama; platform_system == "Windows"',
           'Requires-Dist: tomli; python_version < "3.12"',
           'Requires-Dist: flask>=3; extra == "desk"', 'Requires-Dist: pandas; extra == "x"')
    _wheel(tmp_path, "click", "7.0")  # too old
    wheels = bb.read_wheels(tmp_path)
    root = bb.Requirement("consolidator[desk]")

    def missing(target: str, python: str) -> list[str]:
        env = bb.marker_environment(bb.TARGETS[target], python)
        return sorted(str(req) for req, _parent in bb.unmet(wheels, root, env))

    assert missing("win_amd64", "3.11") == [
        "click>=8", 'colorama; platform_system == "Windows"', 'flask>=3; extra == "desk"',
        'tomli; python_version < "3.12"']
    assert missing("manylinux2014_x86_64", "3.13") == ["click>=8", 'flask>=3; extra == "desk"']


def test_the_extras_come_from_pyproject(tmp_path: Path) -> None:
    assert bb.project_extras() [:1] == ["desk"]
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\nname = "x"\n[project.optional-dependencies]\n'
                         'report = ["typst"]\ndesk = ["flask"]\nanalysis = ["pandas"]\n')
    assert bb.project_extras(pyproject) == ["desk", "report"]


def test_only_pure_python_wheels_are_built_from_source() -> None:
    assert bb.is_pure("odfpy-1.4.1-py2.py3-none-any.whl")
    assert not bb.is_pure("psutil-7.2.2-cp311-cp311-linux_x86_64.whl")
    assert not bb.is_pure("x-1.0-cp311-abi3-any.whl")


def _fake_pip(compiled: set[str], no_source: set[str]) -> Callable[..., object]:
    """pip as the builder calls it, offline: binary wheels exist for nothing but ``click``;
    a source archive for every name but ``no_source``; building one gives a platform wheel
    for the names in ``compiled``, a pure one otherwise."""

    def pip(*args: str) -> subprocess.CompletedProcess[str]:
        def done(code: int) -> subprocess.CompletedProcess[str]:
            return subprocess.CompletedProcess(list(args), code, "", "")

        dest = Path(args[args.index("-d") + 1]) if "-d" in args else None
        wanted = [bb.Requirement(a) for a in args[1:] if a[:1].isalpha() and "=" not in a[:2]
                  and not a.startswith(("cp", "win", "none", "abi", "manylinux", "macosx"))]
        if args[0] == "download" and "--only-binary=:all:" in args:
            if any(r.name != "click" for r in wanted):
                return done(1)
            assert dest is not None
            _wheel(dest, "click", "8.1")
            return done(0)
        if args[0] == "download":  # --no-binary: the source archive
            [req] = wanted
            if req.name in no_source:
                return done(1)
            assert dest is not None
            (dest / f"{req.name}-1.0.tar.gz").write_bytes(b"")
            return done(0)
        if args[0] == "wheel":
            out = Path(args[args.index("-w") + 1])
            out.mkdir(parents=True, exist_ok=True)
            name = Path(args[-1]).name.split("-")[0]
            tag = "cp311-cp311-linux_x86_64" if name in compiled else "py3-none-any"
            (out / "src").mkdir()
            _wheel(out / "src", name, "1.0").rename(out / f"{name}-1.0-{tag}.whl")
            return done(0)
        return done(0)

    return pip


@pytest.mark.parametrize(("compiled", "no_source", "message"), [
    (set(), set(), None),
    ({"fastthing"}, set(), "fastthing 1.0 has no binary wheel for win_amd64/py3.11"),
    (set(), {"fastthing"}, "fastthing>=1 (needed by consolidator 0.1.0) has no wheel"),
], ids=["pure-built", "needs-compiling", "nothing-at-all"])
def test_a_dependency_without_a_wheel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      compiled: set[str], no_source: set[str],
                                      message: str | None) -> None:
    """Built from source only when pure Python; one that needs compiling fails the build."""
    own = _wheel(tmp_path, "consolidator", "0.1.0", "Requires-Dist: click>=8",
                 "Requires-Dist: fastthing>=1")
    monkeypatch.setattr(bb, "_pip", _fake_pip(compiled, no_source))
    dest = tmp_path / "wheels"
    dest.mkdir()
    if message is None:
        wheels = bb.collect_wheels(dest, bb.TARGETS["win_amd64"], "3.11", [], own,
                                   cache=tmp_path / "cache")
        assert sorted(wheels) == ["click", "consolidator", "fastthing"]
        assert (tmp_path / "cache" / "fastthing-1.0-py3-none-any.whl").is_file()
        return
    with pytest.raises(bb.BuildError, match=re.escape(message)) as refused:
        bb.collect_wheels(dest, bb.TARGETS["win_amd64"], "3.11", [], own)
    assert "compiling" in str(refused.value) or "no source archive" in str(refused.value)


def test_every_range_asked_for_a_name_is_met_at_once(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """b needs a<2 while the bundle asked a>=1: a 2.0 comes first, then makes way for a 1.5."""
    index = {"a": {"1.5": [], "2.0": []}, "b": {"1.0": ["Requires-Dist: a<2"]}}
    calls: list[list[str]] = []

    def pip(*args: str) -> subprocess.CompletedProcess[str]:
        dest = Path(args[args.index("-d") + 1])
        reqs = [bb.Requirement(a) for a in args if a[:1] in "ab" and a != "abi3"]
        calls.append([str(r) for r in reqs])
        for req in reqs:
            version = max((v for v in index[req.name] if req.specifier.contains(v)),
                          key=bb.Version)
            _wheel(dest, req.name, version, *index[req.name][version])
        return subprocess.CompletedProcess(list(args), 0, "", "")

    monkeypatch.setattr(bb, "_pip", pip)
    own = _wheel(tmp_path, "consolidator", "0.1.0", "Requires-Dist: a>=1", "Requires-Dist: b")
    dest = tmp_path / "wheels"
    dest.mkdir()
    wheels = bb.collect_wheels(dest, bb.TARGETS["win_amd64"], "3.11", [], own)
    assert {name: str(w.version) for name, w in wheels.items()} == {
        "consolidator": "0.1.0", "a": "1.5", "b": "1.0"}
    assert sorted(p.name for p in dest.iterdir()) == [
        "a-1.5-py3-none-any.whl", "b-1.0-py3-none-any.whl", "consolidator-0.1.0-py3-none-any.whl"]
    assert calls[-1] == ["a<2,>=1"]


def test_glibc_needed_is_the_newest_of_each_wheels_oldest_tag(tmp_path: Path) -> None:
    def wheel(tags: str) -> object:
        path = tmp_path / f"x-1.0-cp311-cp311-{tags}.whl"
        return bb.Wheel(path, "x", bb.Version("1.0"), None)

    assert wheel("manylinux2010_x86_64.manylinux_2_28_x86_64").platforms == {
        "manylinux2010_x86_64", "manylinux_2_28_x86_64"}

    assert bb.glibc_needed([wheel("manylinux2010_x86_64.manylinux_2_28_x86_64")]) == "2.17"
    assert bb.glibc_needed([wheel("manylinux_2_28_x86_64"),
                            wheel("manylinux2014_x86_64")]) == "2.28"


# ---- slow: real bundles from PyPI ---------------------------------------------------------------

@pytest.fixture(scope="session")
def bundle(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[Callable[[str, str], Path]]:
    """(target, python) → the extracted bundle folder; each built once per session."""
    kept = getattr(request.config, "cache", None)  # None with -p no:cacheprovider
    cache = Path(kept.mkdir("bundle")) if kept else tmp_path_factory.mktemp("bundle-cache")
    old = os.environ.get("PIP_CACHE_DIR")
    os.environ["PIP_CACHE_DIR"] = str(cache / "pip")
    work = tmp_path_factory.mktemp("bundles")
    own: list[Path] = []
    built: dict[tuple[str, str], Path] = {}

    def get(target: str, python: str) -> Path:
        if (target, python) not in built:
            if not own:
                own.append(bb.build_own_wheel(work / "own"))
            archive = bb.build(target, python, work / "dist", own_wheel=own[0],
                               cache=cache / "built")
            with zipfile.ZipFile(archive) as zf:
                names = zf.namelist()
                assert all(name.isascii() for name in names), names
                assert all(info.flag_bits & 0x800 == 0 for info in zf.infolist())
                zf.extractall(work / "x")
            [top] = {name.split("/")[0] for name in names}
            assert archive.name == f"{top}.zip"
            built[target, python] = work / "x" / top
        return built[target, python]

    yield get
    if old is None:
        os.environ.pop("PIP_CACHE_DIR", None)
    else:
        os.environ["PIP_CACHE_DIR"] = old


def _python(version: str) -> str | None:
    """An interpreter of ``version`` that runs (a pyenv shim may name one that does not)."""
    if f"{sys.version_info.major}.{sys.version_info.minor}" == version:
        return sys.executable
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    for candidate in [shutil.which(f"python{version}"),
                      *map(str, sorted(pyenv.glob(f"{version}*/bin/python{version}")))]:
        if candidate and subprocess.run(
                [candidate, "-c", f"import sys, pip; assert sys.version.startswith('{version}')"],
                capture_output=True).returncode == 0:
            return candidate
    return None


@pytest.mark.slow
@pytest.mark.parametrize("python", ["3.11", "3.13"])
def test_the_windows_bundle_resolves_alone(bundle: Callable[[str, str], Path],
                                           tmp_path: Path, python: str) -> None:
    folder = bundle("win_amd64", python)
    wheels = bb.read_wheels(folder / "wheels")
    extras = bb.project_extras()
    root = bb.Requirement(f"consolidator[{','.join(extras)}]")
    env = bb.marker_environment(bb.TARGETS["win_amd64"], python)
    assert bb.unmet(wheels, root, env) == []  # with Windows' markers, read by the builder
    assert {"flask", "waitress", "odfpy", "python-calamine"} <= set(wheels)
    assert all(p.suffix == ".whl" for p in (folder / "wheels").iterdir())  # no source archive
    nodot = python.replace(".", "")
    assert all(bb.is_pure(w.path.name) or w.path.name.endswith(
        (f"-cp{nodot}-win_amd64.whl", "-abi3-win_amd64.whl")) for w in wheels.values())
    # the scripts, the sums, the read-me
    assert bb.check_sums(folder) == []
    for name in BATS:
        data = (folder / name).read_bytes()
        assert data.count(b"\r\n") == data.count(b"\n")
        assert f'set "PYVER={python}"' in data.decode("cp932")
    install = (folder / "install.bat").read_text("cp932")
    assert f"consolidator[{','.join(extras)}]" in install and "py -%PYVER% -m venv" in install
    readme = (folder / "README_IT.txt").read_bytes()
    assert readme.startswith(b"\xef\xbb\xbf") and b"\r\n" in readme
    assert "odfpy 1.4" in readme.decode("utf-8-sig") and "certutil -hashfile" in readme.decode(
        "utf-8-sig")
    # what pip itself says, from the bundle alone (pip judges markers on the Python it runs on:
    # run by that version's interpreter)
    interpreter = _python(python)
    if interpreter is None:
        pytest.skip(f"no python{python} here to run pip's own check with")
    done = subprocess.run(
        [interpreter, "-m", "pip", "install", "--dry-run", "--disable-pip-version-check",
         "--no-index", "--find-links", str(folder / "wheels"), "--platform", "win_amd64",
         "--python-version", python, "--only-binary=:all:", "--target", str(tmp_path / "T"),
         f"consolidator[{','.join(extras)}]"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Would install" in done.stdout and "consolidator-" in done.stdout


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux" or platform.machine() != "x86_64",
                    reason="the Linux bundle is for x86_64 Linux")
def test_the_linux_bundle_installs_offline_and_runs_the_demo(
        bundle: Callable[[str, str], Path], tmp_path: Path) -> None:
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    folder = bundle("manylinux2014_x86_64", python)
    assert bb.check_sums(folder) == []
    dead = "http://127.0.0.1:9"  # no network: any attempt to reach an index fails
    env = dict(os.environ, PYTHON=sys.executable, PIP_NO_INDEX="1", HTTP_PROXY=dead,
               HTTPS_PROXY=dead, http_proxy=dead, https_proxy=dead, PIP_CONFIG_FILE=os.devnull)
    for _run in range(2):  # installs, then upgrades in place
        done = subprocess.run(["sh", str(folder / "install.sh")], env=env, capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
    assert (folder / "venv" / "consolidator-bundle.txt").is_file()
    demo = subprocess.run([str(folder / "venv" / "bin" / "consolidator"), "demo", "--out", "d"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300,
                          env=dict(env, PYTHONPATH=""))
    assert demo.returncode in (0, 1), demo.stdout + demo.stderr  # 1: the demo's planted errors
    assert (tmp_path / "d" / "output").is_dir() and list((tmp_path / "d" / "output").glob(
        "master_*.xlsx"))
    venv_python = str(folder / "venv" / "bin" / "python")
    check = subprocess.run([venv_python, "-m", "pip", "check"], capture_output=True, text=True,
                           env=env)
    assert check.returncode == 0, check.stdout + check.stderr
    if "report" in bb.project_extras():  # the published report's engines came with it
        imported = subprocess.run([venv_python, "-c", "import typst, docx, flask, waitress"],
                                  capture_output=True, text=True, env=env, cwd=tmp_path)
        assert imported.returncode == 0, imported.stderr
    # it ran the bundle's copy, not the source tree's
    where = subprocess.run([str(folder / "venv" / "bin" / "python"), "-c",
                            "import consolidator; print(consolidator.__file__)"],
                           capture_output=True, text=True, env=dict(env, PYTHONPATH=""),
                           cwd=tmp_path)
    assert str(folder / "venv") in where.stdout and str(ROOT) not in where.stdout
    done = subprocess.run(["sh", str(folder / "uninstall.sh")], capture_output=True, text=True)
    assert done.returncode == 0 and not (folder / "venv").exists()
    assert (folder / "install.sh").exists() and (tmp_path / "d" / "output").is_dir()
