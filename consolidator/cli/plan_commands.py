"""``consolidator plan …``: show, validate, diff, import and export the plan catalog."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:  # for annotations only: nothing heavy is imported at start-up
    from consolidator.cli.working_folder import Where

from consolidator.cli.app import (
    FOLDER_OPTION,
    load_catalog,
    main,
    plan_options,
    print_findings,
)
from consolidator.cli.working_folder import in_folder
from consolidator.messages import cli_text, fill


@main.group()
def plan() -> None:
    """計画カタログ(計画の構成・指標・担当)を扱います。

    \b
    Example:
        consolidator plan show
    """


@plan.command("show")
@plan_options
@click.option("--json", "as_json", is_flag=True, help="カタログ全体をJSONで出力します。")
def plan_show(plan_path: str | None, folder: str | None, as_json: bool) -> None:
    """計画の概要(目標・取組み・報告単位ごとの担当指標)を表示します。

    \b
    Example:
        consolidator plan show
        consolidator plan show --json > plan.json
    """
    from consolidator.plan.catalog import dump_json
    from consolidator.plan.summary import summary_lines

    catalog = in_folder(folder).catalog(plan_path)
    if as_json:
        click.echo(dump_json(catalog.doc), nl=False)
        return
    for line in summary_lines(catalog):
        click.echo(line)


@plan.command("validate")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def plan_validate(file: str) -> None:
    """計画カタログの形式と整合性をすべて検査します(問題があれば終了コード1)。

    \b
    Example:
        consolidator plan validate my_plan.json
    """
    from consolidator.plan.plan_file import read_plan_file

    _catalog, found = read_plan_file(file)
    for f in found:
        click.echo(f"[{f.severity_label}] {f.code} {f.message} → {f.action}")
    if found.valid:
        click.echo(cli_text("plan-valid", file=file))
        return
    click.echo(cli_text("plan-invalid", file=file, count=len(found.errors)))
    sys.exit(1)


@plan.command("diff")
@click.argument("old", type=click.Path(exists=True, dir_okay=False))
@click.argument("new", type=click.Path(exists=True, dir_okay=False), required=False)
def plan_diff(old: str, new: str | None) -> None:
    """2つの計画カタログの違い(担当・取組み・指標・目標・増減確認の倍率)を表示します。

    NEW を省略すると同梱の既定計画と比べます。様式が「以前の計画カタログから作成」と
    検証されたとき、何が変わったかを確認するのに使います。

    \b
    Example:
        consolidator plan diff plans/plan_2023_old.json output/plan_2023.json
    """
    from consolidator.messages import DIFF_TEXT
    from consolidator.plan.diff import diff_plans

    changes = diff_plans(load_catalog(old), load_catalog(new))
    for change in changes:
        click.echo(change.text)
    if not changes:
        click.echo(DIFF_TEXT["none"])


@plan.command("import")
@click.argument("report", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False),
              help="書き出す計画カタログ(JSON)。作業フォルダでは省略でき、"
                   "plan.json に書き出します。")
@click.option("--overrides", type=click.Path(exists=True, dir_okay=False),
              help="手作業の補正ファイル(JSON、報告書のテキストのとき)。")
@FOLDER_OPTION
def plan_import(report: str, out: str | None, overrides: str | None, folder: str | None
                ) -> None:
    """計画カタログ(JSON)を作ります:計画のブック(.xlsx)から、または報告書のテキストから。

    計画のブック(plan export で書き出して編集したもの)は、問題をシートとセルで示し、
    問題があればカタログを書き出しません(終了コード1)。報告書のテキスト(前年度の
    実施状況報告)は、配置できなかった行を行番号つきで一覧にします(推測で埋めません)。
    作業フォルダ(--folder、または consolidator.toml のある今のフォルダ)では、書き出した
    カタログをその設定ファイルに記録し、以後のコマンドとデスクは --plan なしで使います。

    \b
    Example:
        consolidator plan import 計画.xlsx -o plans/plan_2024.json
        consolidator plan import 計画.xlsx --folder 福祉計画
        consolidator plan import report.txt -o plan.json \\
            --overrides consolidator/data/plan_overrides.json
    """
    from consolidator.output_names import PLAN_FILE

    where = in_folder(folder, strict=False)  # importing a plan is how a bad one is put right
    if out is None and where.folder is None:
        raise click.UsageError(cli_text("plan-import-no-output"))
    target = where.path(out, PLAN_FILE)
    if _is_workbook(Path(report)):
        _import_workbook(Path(report), target)
        _remember(where, target)
        return
    from consolidator.atomic import write_text_atomic
    from consolidator.plan.catalog import dump_json
    from consolidator.plan.conformance import plan_findings
    from consolidator.plan.report_import.importer import import_report

    text = Path(report).read_text("utf-8")
    fixes = json.loads(Path(overrides).read_text("utf-8")) if overrides else None
    doc, found = import_report(text, fixes)
    for f in found:
        click.echo(f"[{f.severity_label}] {f.code} {f.message}")
    unsafe = [f for f in plan_findings(doc) if f.code == "plan-unsafe-name"]
    if unsafe:  # a catalog naming files outside their folder is never written
        print_findings(unsafe)
        click.echo(cli_text("plan-invalid", file=report, count=len(unsafe)))
        sys.exit(1)
    write_text_atomic(target, dump_json(doc))
    click.echo(cli_text("import-findings", count=len(found)))
    _print_imported(str(target), doc)
    _remember(where, target)


def _remember(where: Where, plan_file: Path) -> None:
    """The plan just imported becomes the working folder's (when there is one)."""
    from consolidator.folder_settings import update_settings
    from consolidator.messages.folder import FOLDER_TEXT

    if where.folder is None:
        return
    kept = _relative(plan_file, where.folder.root)
    written = update_settings(where.folder.root, plan=kept)
    click.echo(fill(FOLDER_TEXT["settings-written"], file=written, plan=kept))


def _relative(path: Path, root: Path) -> str:
    """``path`` as the settings file keeps it: from the folder when inside it."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path.resolve())


def _is_workbook(path: Path) -> bool:
    """A workbook by its name or its first bytes (a zip), else the report's text."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return True
    with path.open("rb") as fh:
        return fh.read(4) == b"PK\x03\x04"


def _print_imported(out: str, doc: dict[str, object]) -> None:
    from consolidator.plan.catalog import Catalog

    catalog = Catalog(doc)
    click.echo(cli_text("plan-imported", file=out, initiatives=len(catalog.initiatives),
                        indicators=sum(1 for _ in catalog.indicators())))


def _import_workbook(path: Path, out: Path) -> None:
    from consolidator.atomic import write_text_atomic
    from consolidator.plan.catalog import dump_json
    from consolidator.plan.workbook_import import import_workbook
    from consolidator.safety.verdict import verdict_of

    safety = verdict_of(path)
    if not safety.ok:
        print_findings(safety.findings)
        raise click.ClickException(cli_text("plan-book-not-written", file=path,
                                            count=sum(1 for f in safety.findings
                                                      if f.is_error)))
    doc, found = import_workbook(path)
    print_findings(found)
    if doc is None:
        click.echo(cli_text("plan-book-not-written", file=path, count=len(found.errors)))
        sys.exit(1)
    write_text_atomic(out, dump_json(doc))
    _print_imported(str(out), doc)


@plan.command("export")
@click.argument("file", type=click.Path(dir_okay=False))
@plan_options
@click.option("--blank", is_flag=True,
              help="空のブック(新しい計画期間の計画を作るため)。前計画の指標と実績を含めます。")
def plan_export(file: str, plan_path: str | None, folder: str | None, blank: bool) -> None:
    """計画カタログを編集用のExcelブックに書き出します(plan import で戻せます)。

    シートごとに1行1件(基本目標・活動目標、取組み、取組み内容、指標、報告担当、担当一覧、
    用語、前回報告、過去の実績)。--blank は同じ形の空のブックで、--plan の計画(省略時は
    既定の計画)の指標と実績を「前計画の指標」「前計画の実績」として含めます。

    \b
    Example:
        consolidator plan export 計画.xlsx --plan plans/plan_2023.json
        consolidator plan export --blank 新しい計画.xlsx --plan plans/plan_2023.json
    """
    from consolidator.atomic import write_with
    from consolidator.plan.workbook_export import export_workbook

    catalog = in_folder(folder).catalog(plan_path)
    write_with(Path(file), lambda tmp: export_workbook(catalog, tmp, blank=blank))
    click.echo(cli_text("plan-exported", file=file, initiatives=len(catalog.initiatives),
                        indicators=sum(1 for _ in catalog.indicators()))
               if not blank else cli_text("plan-exported-blank", file=file,
                                          measures=len(catalog.measures)))
