"""The package's shape: one-way imports, messages in one place, small modules, true docs.

The import rules themselves are the import-linter contracts in pyproject.toml; these tests
run them on the package as it is, and show that they catch a stage importing the CLI and a
writer importing a reader.
"""

from __future__ import annotations

import ast
import functools
import importlib
import inspect
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "consolidator"
MODULES = sorted(p for p in PACKAGE.rglob("*.py"))

JAPANESE = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]")
# Where Japanese string literals may stand: the message tables, and the modules whose job is
# the Japanese vocabulary itself (parsing values and the report's text, the plan's words).
# The CLI's help texts and the demo's simulated department input are Japanese by nature.
JAPANESE_ALLOWED = ("messages/", "japanese_values.py", "plan/report_import/", "plan/catalog.py",
                    "text_layout.py", "cli/", "jobs/demo.py")


def _lint_imports(cwd: Path, pythonpath: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    exe = shutil.which("lint-imports")
    assert exe, "lint-imports is not installed (pip install -e '.[dev]')"
    return subprocess.run([exe, "--no-cache"], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)


def test_import_contracts_hold() -> None:
    done = _lint_imports(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"][
        "importlinter"]["contracts"]
    assert f"{len(contracts)} kept, 0 broken" in done.stdout


@pytest.mark.slow  # lint-imports on a copy of the tree, once a case: in the full suite
@pytest.mark.parametrize(("module", "bad_import", "contract"), [
    ("validation_log.py", "import consolidator.cli", "cli → jobs"),
    ("templates/writer.py", "import consolidator.reading.workbook", "Writers never import"),
    ("report/master_writer.py", "from consolidator.safety import file_check", "Writers never"),
    ("plan/catalog.py", "import consolidator.templates.model", "cli → jobs"),
    ("reading/intake.py", "import click", "Only the CLI imports click"),
    ("checks/validation.py", "import pandas", "pandas is optional"),
    ("cli/app.py", "import flask", "only the desk imports it"),
    ("jobs/runs.py", "import consolidator.desk.app", "cli → jobs"),
    ("publish/model.py", "import consolidator.jobs.runs", "cli → jobs"),
    ("publish/html.py", "import consolidator.reading.workbook", "Writers never"),
    ("publish/open_data.py", "import click", "Only the CLI imports click"),
    ("publish/html.py", "import flask", "never the web framework"),
], ids=["stage-imports-cli", "writer-imports-reader", "writer-imports-safety",
        "plan-imports-templates", "stage-imports-click", "stage-imports-pandas",
        "cli-imports-flask", "stage-imports-desk", "publish-imports-jobs",
        "publish-imports-reader", "publish-imports-click", "publish-imports-flask"])
def test_contracts_catch_a_wrong_import(tmp_path: Path, module: str, bad_import: str,
                                        contract: str) -> None:
    copy = tmp_path / "consolidator"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    with (copy / module).open("a", encoding="utf-8") as fh:
        fh.write(f"\n{bad_import}  # noqa\n")
    done = _lint_imports(tmp_path, pythonpath=tmp_path)
    assert done.returncode == 1, done.stdout
    broken = done.stdout.split("Broken contracts", 1)[1]
    assert contract in broken


@functools.cache  # two tests read every module's literals: walked once
def _literals(path: Path) -> tuple[tuple[int, str], ...]:
    tree = ast.parse(path.read_text("utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    return tuple((node.lineno, node.value) for node in ast.walk(tree)
                 if isinstance(node, ast.Constant) and isinstance(node.value, str)
                 and id(node) not in docstrings)


def test_japanese_texts_are_in_the_messages_package() -> None:
    found = []
    for path in MODULES:
        rel = path.relative_to(PACKAGE).as_posix()
        if rel.startswith(JAPANESE_ALLOWED):
            continue
        found += [f"{rel}:{line}: {text[:40]!r}" for line, text in _literals(path)
                  if JAPANESE.search(text)]
    assert found == []


def test_the_japanese_check_sees_a_literal(tmp_path: Path) -> None:
    sample = tmp_path / "m.py"
    sample.write_text('"""説明は対象外。"""\nX = "未報告"\n', "utf-8")
    assert [(line, text) for line, text in _literals(sample) if JAPANESE.search(text)] == [
        (2, "未報告")]


def test_no_bare_severity_outside_findings() -> None:
    found = [f"{p.relative_to(PACKAGE)}:{line}" for p in MODULES if p.name != "severity.py"
             for line, text in _literals(p) if text in ("error", "warning", "info")]
    assert found == []


def _imports(path: Path) -> set[str]:
    """The toolkit's modules ``path`` imports when it runs, inside functions too (where
    imports are put to keep the start-up light); not those under ``if TYPE_CHECKING:``."""
    tree = ast.parse(path.read_text("utf-8"))
    typing_only = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
                   and "TYPE_CHECKING" in ast.unparse(node.test) for n in ast.walk(node)}
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)  # from a package, a submodule is an import of its own:
            found.update(f"{node.module}.{a.name}" for a in node.names)
    return {name for name in found if name in MODULE_NAMES}


MODULE_NAMES = {".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
                for p in MODULES}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), or of one module
    importing itself."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1 or v in graph.get(v, ()):
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_import_cycle_even_inside_functions() -> None:
    graph = {".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"):
             _imports(p) for p in MODULES}
    # A package's __init__ importing its own submodules (``from consolidator.cli import
    # app``) names itself: not a cycle, Python has the package before it runs those imports.
    graph = {m: ws - {m} for m, ws in graph.items()}
    assert _cycles(graph) == []


def test_the_cycle_check_sees_a_cycle_through_a_function() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_over_500_lines() -> None:
    sizes = {p.relative_to(PACKAGE).as_posix(): len(p.read_text("utf-8").splitlines())
             for p in MODULES}
    assert {m: n for m, n in sizes.items() if n > 500} == {}


def test_readme_developer_map_names_every_module() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme.split("## Developers", 1)[1]
    missing = [p.relative_to(PACKAGE).as_posix() for p in MODULES
               if p.name not in ("__init__.py", "__main__.py")
               and p.relative_to(PACKAGE).as_posix() not in section]
    assert missing == []


STAGE_ENTRY_POINTS = [
    ("consolidator.templates.model", "build"),
    ("consolidator.templates.writer", "write_template"),
    ("consolidator.templates.generate", "generate_templates"),
    ("consolidator.safety.verdict", "verdict_of"),
    ("consolidator.reading.workbook", "read_workbook"),
    ("consolidator.reading.intake", "identify"),
    ("consolidator.reading.fields", "read_fields"),
    ("consolidator.checks.one_file", "process_file"),
    ("consolidator.checks.validation", "validate_folder"),
    ("consolidator.checks.value_rules", "check_values"),
    ("consolidator.validation_log", "write_logs"),
    ("consolidator.report.merge", "consolidate"),
    ("consolidator.report.master_writer", "write_master"),
    ("consolidator.report.next_plan", "next_catalog"),
    ("consolidator.jobs.runs", "run_validate"),
    ("consolidator.jobs.runs", "run_consolidate"),
    ("consolidator.plan.conformance", "plan_findings"),
    ("consolidator.checks.changes", "diff_workbooks"),
    ("consolidator.feedback.annotate", "annotate_workbook"),
    ("consolidator.feedback.department_files", "write_department_files"),
    ("consolidator.ledger.schema", "open_ledger"),
    ("consolidator.ledger.records", "record_run"),
    ("consolidator.ledger.acceptance", "accept_log"),
    ("consolidator.ledger.status", "ledger_status"),
    ("consolidator.jobs.correction", "recorded_in_ledger"),
    ("consolidator.jobs.reminders", "remind_departments"),
    ("consolidator.plan.change_rule", "change_rule"),
]


@pytest.mark.parametrize(("module", "name"), STAGE_ENTRY_POINTS,
                         ids=[f"{m.rsplit('.', 1)[1]}.{n}" for m, n in STAGE_ENTRY_POINTS])
def test_stage_entry_points_say_what_goes_in_and_out(module: str, name: str) -> None:
    doc = inspect.getdoc(getattr(importlib.import_module(module), name))
    assert doc and len(doc) > 60, f"{module}.{name} needs a docstring"


def test_every_package_says_what_it_holds() -> None:
    for init in PACKAGE.rglob("__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text("utf-8")))
        assert doc, init
        for module in init.parent.glob("*.py"):
            if module.name != "__init__.py" and init.parent != PACKAGE:
                assert f"``{module.stem}``" in doc or f":mod:`.{module.stem}`" in doc, \
                    f"{init.relative_to(ROOT)} does not name {module.name}"
    # The root names the subpackages (the README's map names the modules), and nothing gone.
    root_doc = ast.get_docstring(ast.parse((PACKAGE / "__init__.py").read_text("utf-8"))) or ""
    named = set(re.findall(r":mod:`\.(\w+)`", root_doc))
    subpackages = {p.parent.name for p in PACKAGE.glob("*/__init__.py")} - {"data"}
    assert subpackages <= named, subpackages - named
    assert all((PACKAGE / n).is_dir() or (PACKAGE / f"{n}.py").is_file() for n in named), named


def test_cli_start_up_imports_no_heavy_library() -> None:
    code = ("import sys, consolidator.cli; "
            "print(sorted(m for m in ('openpyxl', 'xlsxwriter', 'python_calamine', 'pandas', "
            "'jsonschema', 'consolidator.checks', 'consolidator.report', 'docx') "
            "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"
