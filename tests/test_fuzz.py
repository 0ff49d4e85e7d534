"""Issue 7: mutated workbooks always end as findings — never an exception, never a hang.

The mutations live in ``scripts/fuzz_workbooks.py`` (run it for longer, with other seeds, to
look further). Here: every mutation kind once on a fixed batch, in this process; then a
bounded, seeded fuzz run of the script in a subprocess with a hard timeout.
"""

from __future__ import annotations

import importlib.util
import json
import random
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from consolidator.checks.validation import validate_folder
from consolidator.plan.catalog import Catalog

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "fuzz_workbooks.py"
SEED = 20240401
FUZZ_SECONDS = 18
HARD_TIMEOUT_S = FUZZ_SECONDS + 60  # start-up, the last batch, and a generous margin


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fuzz_workbooks", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("fuzz_workbooks", module)
    spec.loader.exec_module(module)
    return module


fw = _load()


@pytest.fixture(scope="module")
def bases(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return fw.make_bases(tmp_path_factory.mktemp("fuzz_bases"))


def test_mutants_are_reproducible_from_their_seed(bases: list[Path], tmp_path: Path) -> None:
    again = fw.make_bases(tmp_path / "again")
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in bases]
    for n in range(20):
        assert fw.make_mutant(bases, f"{SEED}-{n}") == fw.make_mutant(again, f"{SEED}-{n}")


def test_every_mutation_kind_ends_as_findings(bases: list[Path], tmp_path: Path,
                                              default_catalog: Catalog) -> None:
    folder = tmp_path / "mutants"
    folder.mkdir()
    rng = random.Random(SEED)
    made = {}
    for kind in fw.BYTE_MUTATIONS + fw.XML_MUTATIONS:
        for i in range(2):
            base = bases[rng.randrange(len(bases))].read_bytes()
            if kind in fw.BYTE_MUTATIONS:
                data, op = kind(base, rng)
            else:
                part = "xl/workbook.xml" if i == 0 else "xl/worksheets/sheet2.xml"
                data, op = _mutate_part(base, part, kind, rng)
            name = f"{kind.__name__}_{i}.xlsx"
            (folder / name).write_bytes(data)
            made[name] = op
    result = validate_folder(folder, default_catalog, default_catalog.report_year)
    assert sorted(s.file for s in result.submissions) == sorted(made)
    for sub in result.submissions:
        unusable = not sub.usable
        assert sub.findings or not unusable, (sub.file, made[sub.file])
        assert all(f.message and f.file == sub.file for f in sub.findings), sub.file
    print("\n" + "\n".join(f"{s.file}: {made[s.file]} -> {sorted({f.code for f in s.findings})}"
                           for s in result.submissions))


def _mutate_part(base: bytes, part: str, kind, rng: random.Random  # type: ignore[no-untyped-def]
                 ) -> tuple[bytes, str]:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(base)) as zf:
        entries = [(i.filename, zf.read(i)) for i in zf.infolist()]
    out = []
    op = ""
    for name, data in entries:
        if name == part:
            data, op = kind(data, rng)
        out.append((name, data))
    return fw._zip(out), f"{part}: {op}"


def test_bounded_fuzz_run(tmp_path: Path) -> None:
    try:
        done = subprocess.run(
            [sys.executable, str(SCRIPT), "--seconds", str(FUZZ_SECONDS), "--seed", str(SEED),
             "--json", "--save", str(tmp_path / "kept")],
            capture_output=True, timeout=HARD_TIMEOUT_S, cwd=tmp_path)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the fuzz run did not return within {HARD_TIMEOUT_S} s: a hang "
                    f"(reproduce: python3 {SCRIPT} --seconds {FUZZ_SECONDS} --seed {SEED})")
    report = json.loads(done.stdout.decode("utf-8").splitlines()[-1])
    print(f"\nfuzz seed {SEED}: {report['mutants']} mutants in {report['seconds']} s; "
          f"codes {report['codes']}; reader raised inside the child: "
          f"{len(report['reader_raised'])}")
    assert report["escaped"] == [], report["escaped"]
    assert report["hangs"] == []
    assert report["unaccounted"] == []
    assert report["mutants"] >= 100
    assert report["files_with_findings"] + report["files_without_findings"] == report["mutants"]
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")[-2000:]
