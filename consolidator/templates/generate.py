"""``generate``: one pre-filled template workbook per reporting department."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from consolidator import __version__
from consolidator.atomic import write_with
from consolidator.japanese_values import parse_fiscal_year, wareki
from consolidator.messages import TEMPLATE_TEXT, fill
from consolidator.plan.catalog import Catalog
from consolidator.safe_paths import UnsafePath, WrittenFiles, not_written, output_path
from consolidator.templates.model import build

FORMATS = ("xlsx", "ods")


def template_filename(department: str, year: int, fmt: str = "xlsx") -> str:
    name = fill(TEMPLATE_TEXT["file-name"], year=wareki(year), department=department)
    return name.removesuffix(".xlsx") + f".{fmt}"


def parse_year(text: str | int | None, catalog: Catalog) -> int:
    """``--year``: 2022, 令和4, 令和4年度, R4 …; default: the catalog's report year."""
    if text is None or text == "":
        return catalog.report_year
    year = parse_fiscal_year(str(text))
    if year is None:
        raise ValueError(text)
    return year


def generate_templates(catalog: Catalog, year: int, out_dir: Path, *, deadline: str = "",
                       contact: str = "", only: list[str] | None = None,
                       now: datetime | None = None, fmt: str = "xlsx",
                       progress: Callable[[int, int], None] | None = None) -> WrittenFiles:
    """Write one template per department (or only those of ``only``, each named by its name
    or a former name) into ``out_dir``, each atomically, as .xlsx (``fmt="xlsx"``, openpyxl)
    or OpenDocument .ods (``fmt="ods"``, odfpy); returns their paths in the catalog's
    department order. ``progress(done, total)`` is called before the first template
    (``done`` 0) and after each.

    A department whose template cannot be written (a name that is no file name, which a
    checked catalog never has, or a file system error) is skipped, the others written: the
    result's ``failed`` says which and why.

    Raises ``KeyError`` naming a department of ``only`` that the catalog does not have (under
    either name), and ``ValueError`` for another ``fmt``.
    """
    if fmt not in FORMATS:
        raise ValueError(fmt)
    if fmt == "ods":
        from consolidator.templates.ods_writer import write_ods_template as writer
    else:
        from consolidator.templates.writer import write_template as writer
    wanted: set[str] = set()
    for name in only or []:
        department = catalog.department_for(name)
        if department is None:
            raise KeyError(name)
        wanted.add(department)
    stamp = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    chosen = [d for d in catalog.department_names if not only or d in wanted]
    written = WrittenFiles()
    for done, department in enumerate(chosen):
        if progress is not None:
            progress(done, len(chosen))
        try:
            target = output_path(out_dir, template_filename(department, year, fmt))
            model = build(catalog, department, year)
            written.add(department, write_with(target, partial(
                writer, model, deadline=deadline, contact=contact, generated_at=stamp,
                tool_version=__version__)))
        except (UnsafePath, OSError) as exc:  # this department's: the others are written
            written.failed.append(not_written(exc, department,
                                              template_filename(department, year, fmt),
                                              "template-not-written"))
    if progress is not None:
        progress(len(chosen), len(chosen))
    return written
