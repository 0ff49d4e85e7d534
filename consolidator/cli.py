"""Command line: parses options, calls the library, prints Japanese results.

Start-up stays light: the library (and with it openpyxl, xlsxwriter, python-calamine,
jsonschema) is imported inside the commands that need it, never at module level; a test checks
that ``import consolidator.cli`` loads none of them. Only this module imports click.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:  # for annotations only: nothing heavy is imported at start-up
    from collections.abc import Callable

    from consolidator.findings import Findings
    from consolidator.jobs.runs import JobResult
    from consolidator.plan.catalog import Catalog

from consolidator.messages import cli_text, render

PLAN_OPTION = click.option("--plan", "plan_path", type=click.Path(exists=True, dir_okay=False),
                           help="計画カタログ(JSON)。省略時は同梱の既定計画。")


@click.group()
@click.version_option(package_name="consolidator")
def main() -> None:
    """地域福祉計画 実施状況報告の様式作成・検証・集約ツール。

    \b
    Example:
        consolidator demo
    """


@main.group()
def plan() -> None:
    """計画カタログ(計画の構成・指標・担当)を扱います。

    \b
    Example:
        consolidator plan show
    """


@plan.command("show")
@PLAN_OPTION
@click.option("--json", "as_json", is_flag=True, help="カタログ全体をJSONで出力します。")
def plan_show(plan_path: str | None, as_json: bool) -> None:
    """計画の概要(目標・取組み・報告単位ごとの担当指標)を表示します。

    \b
    Example:
        consolidator plan show
        consolidator plan show --json > plan.json
    """
    from consolidator.plan.catalog import dump_json
    from consolidator.plan.summary import summary_lines

    catalog = _catalog(plan_path)
    if as_json:
        click.echo(dump_json(catalog.doc), nl=False)
        return
    for line in summary_lines(catalog):
        click.echo(line)


def _catalog(plan_path: str | None) -> Catalog:
    """The catalog to work with; a --plan file is checked first and refused when invalid."""
    from consolidator.plan.catalog import Catalog

    if plan_path is None:
        return Catalog.default()
    found = _checked_plan(plan_path)
    if not found.valid:
        _print_findings(found)
        raise click.ClickException(cli_text("plan-invalid", file=plan_path,
                                            count=len(found.errors)))
    return Catalog.from_path(plan_path)


def _checked_plan(file: str) -> Findings:
    from consolidator.findings import Findings
    from consolidator.plan.check import check_plan

    found = Findings()
    try:
        doc = json.loads(Path(file).read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        found.add("plan-json", file=file, detail=str(exc))
        return found
    return check_plan(doc)


def _print_findings(found: Findings) -> None:
    for f in found:
        click.echo(f"[{f.severity_label}] {f.code} {f.message} → {f.action}")


@plan.command("validate")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def plan_validate(file: str) -> None:
    """計画カタログの形式と整合性をすべて検査します(問題があれば終了コード1)。

    \b
    Example:
        consolidator plan validate my_plan.json
    """
    from consolidator.findings import Findings
    from consolidator.plan.check import check_plan

    found = Findings()
    try:
        doc = json.loads(Path(file).read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        found.add("plan-json", file=file, detail=str(exc))
    else:
        found = check_plan(doc)
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
    """2つの計画カタログの違い(担当・取組み・指標・目標)を表示します。

    NEW を省略すると同梱の既定計画と比べます。様式が「以前の計画カタログから作成」と
    検証されたとき、何が変わったかを確認するのに使います。

    \b
    Example:
        consolidator plan diff plans/plan_2023_old.json output/plan_2023.json
    """
    from consolidator.messages import DIFF_TEXT
    from consolidator.plan.diff import diff_plans

    changes = diff_plans(_catalog(old), _catalog(new))
    for change in changes:
        click.echo(change.text)
    if not changes:
        click.echo(DIFF_TEXT["none"])


@plan.command("import")
@click.argument("report", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", "out", required=True, type=click.Path(dir_okay=False),
              help="書き出す計画カタログ(JSON)。")
@click.option("--overrides", type=click.Path(exists=True, dir_okay=False),
              help="手作業の補正ファイル(JSON)。")
def plan_import(report: str, out: str, overrides: str | None) -> None:
    """報告書のテキスト(前年度の実施状況報告)から計画カタログを作ります。

    配置できなかった行は行番号つきで一覧にします(推測で埋めません)。

    \b
    Example:
        consolidator plan import report.txt -o plan.json \\
            --overrides consolidator/data/plan_overrides.json
    """
    from consolidator.atomic import write_text_atomic
    from consolidator.plan.catalog import dump_json
    from consolidator.plan.report_import.importer import import_report

    text = Path(report).read_text("utf-8")
    fixes = json.loads(Path(overrides).read_text("utf-8")) if overrides else None
    doc, found = import_report(text, fixes)
    for f in found:
        click.echo(f"[{f.severity_label}] {f.code} {f.message}")
    write_text_atomic(Path(out), dump_json(doc))
    n_ind = sum(len(i["indicators"]) for g in doc["goals"] for a in g["activities"]
                for i in a["initiatives"])
    n_ini = sum(len(a["initiatives"]) for g in doc["goals"] for a in g["activities"])
    click.echo(cli_text("import-findings", count=len(found)))
    click.echo(cli_text("plan-imported", file=out, initiatives=n_ini, indicators=n_ind))


@main.command()
@PLAN_OPTION
@click.option("--year", help="対象年度(例: 令和4 / 2022)。省略時は計画カタログの報告年度。")
@click.option("--deadline", default="", help="提出期限(記入要領に表示)。")
@click.option("--contact", default="", help="問い合わせ先(記入要領に表示)。")
@click.option("--out", "out_dir", default="workbook_templates", show_default=True,
              type=click.Path(file_okay=False), help="様式の出力先フォルダ。")
@click.option("--only", multiple=True, help="この担当の様式だけを作ります(複数指定可)。")
def generate(plan_path: str | None, year: str | None, deadline: str, contact: str,
             out_dir: str, only: tuple[str, ...]) -> None:
    """担当(報告単位)ごとの記入用様式(.xlsx)を作ります。

    \b
    Example:
        consolidator generate --deadline 2023年5月31日 --contact "地域福祉課 内線1234"
        consolidator generate --year 令和4 --only 高齢福祉課
    """
    from consolidator.templates.generate import generate_templates

    catalog = _catalog(plan_path)
    fiscal_year = _year(year, catalog)
    try:
        paths = generate_templates(catalog, fiscal_year, Path(out_dir), deadline=deadline,
                                   contact=contact, only=list(only))
    except KeyError as exc:
        raise click.BadParameter(cli_text("unknown-department", department=exc.args[0]),
                                 param_hint="--only") from None
    for p in paths:
        click.echo(str(p))
    click.echo(cli_text("generated", count=len(paths), folder=out_dir))


def _year(text: str | None, catalog: Catalog) -> int:
    from consolidator.templates.generate import parse_year

    try:
        return parse_year(text, catalog)
    except ValueError:
        raise click.BadParameter(cli_text("bad-year", value=text), param_hint="--year") from None


@main.command()
@click.argument("workbook", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="1行に1項目のJSONで出力します。")
def fields(workbook: str, as_json: bool) -> None:
    """様式(または返送されたブック)の入力項目を一覧にします。

    \b
    Example:
        consolidator fields workbook_templates/令和4年度_高齢福祉課_実施状況報告.xlsx --json
    """
    from consolidator.reading.field_map import NotATemplate, field_map
    from consolidator.reading.malformed import MalformedWorkbook
    from consolidator.safety.verdict import check_workbook

    safety = check_workbook(Path(workbook))
    if not safety.ok:
        raise click.ClickException("\n".join(f"{f.message} → {f.action}"
                                             for f in safety.findings))
    try:
        rows = field_map(Path(workbook))
    except NotATemplate:
        raise click.ClickException(cli_text("not-a-template-file", file=workbook)) from None
    except MalformedWorkbook:
        raise click.ClickException(render("file-corrupt", file=workbook)[1]) from None
    if as_json:
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False, default=str))
        return
    for row in rows:
        click.echo(f"{row['field_id']:<28} {row['sheet']}!{row['cell']:<6} {row['kind']:<7} "
                   f"{row['label']} = {'' if row['value'] is None else row['value']}")


SUBMISSIONS_ARG = click.argument("submissions", default="submissions",
                                 type=click.Path(file_okay=False))
OUT_OPTION = click.option("--out", "out_dir", default="output", show_default=True,
                          type=click.Path(file_okay=False), help="ログ・マスターの出力先フォルダ。")
YEAR_OPTION = click.option("--year",
                           help="対象年度(例: 令和4 / 2022)。省略時は計画カタログの報告年度。")


@main.command()
@SUBMISSIONS_ARG
@PLAN_OPTION
@YEAR_OPTION
@OUT_OPTION
def validate(submissions: str, plan_path: str | None, year: str | None, out_dir: str) -> None:
    """提出フォルダのブックをすべて検証し、検証ログを書きます(エラーがあれば終了コード1)。

    \b
    Example:
        consolidator validate submissions/
    """
    from consolidator.jobs.runs import run_validate

    job = _run(run_validate, submissions, plan_path, year, out_dir)
    _print_departments(job)
    click.echo(cli_text("log-written", path=job.logs["xlsx"]))
    click.echo(cli_text("department-logs-written", path=job.logs["departments"]))
    sys.exit(0 if job.validation.valid else 1)


@main.command()
@SUBMISSIONS_ARG
@PLAN_OPTION
@YEAR_OPTION
@OUT_OPTION
def consolidate(submissions: str, plan_path: str | None, year: str | None, out_dir: str) -> None:
    """検証したうえで全担当の入力を集約し、報告書(マスター)を作ります。

    以前のマスターは「以前のマスター」フォルダに残ります。エラーがあっても
    マスターは作られ、該当箇所に色が付きます(終了コード1)。

    \b
    Example:
        consolidator consolidate submissions/ --out output/
    """
    from consolidator.jobs.runs import run_consolidate

    job = _run(run_consolidate, submissions, plan_path, year, out_dir)
    _print_departments(job)
    click.echo(cli_text("log-written", path=job.logs["xlsx"]))
    click.echo(cli_text("department-logs-written", path=job.logs["departments"]))
    click.echo(cli_text("master-written", path=job.master))
    click.echo(cli_text("next-plan-written", path=job.next_plan))
    sys.exit(0 if job.validation.valid else 1)


def _run(job: Callable[[Path, Catalog, int, Path], JobResult], submissions: str,
         plan_path: str | None, year: str | None,
         out_dir: str):
    from consolidator.jobs.output_folder import OutputBusy

    if not Path(submissions).is_dir():
        raise click.UsageError(cli_text("no-submissions", folder=submissions))
    catalog = _catalog(plan_path)
    try:
        return job(Path(submissions), catalog, _year(year, catalog), Path(out_dir))
    except OutputBusy:
        raise click.ClickException(cli_text("output-busy", folder=out_dir)) from None
    except OSError as exc:  # disk full, no permission: the previous outputs are intact
        raise click.ClickException(cli_text("output-error", folder=out_dir,
                                            detail=f"{exc.strerror or exc}")) from None


@main.command()
@click.option("--out", "out_dir", default="demo", show_default=True,
              type=click.Path(file_okay=False), help="デモの作業フォルダ。")
def demo(out_dir: str) -> None:
    """既定の計画で一年分の流れを試します(様式作成→記入→検証→集約)。

    様式を作り、各担当が記入したように(いくつかの間違いと未提出を含めて)記入し、
    集約して、見る場所を表示します。

    \b
    Example:
        consolidator demo --out demo/
    """
    from consolidator.jobs.demo import run_demo

    result = run_demo(Path(out_dir))
    for line in result.lines:
        click.echo(line)


@main.command()
@PLAN_OPTION
@click.option("--port", default=0, show_default=True, type=click.IntRange(0, 65535),
              help="待ち受けるポート番号(0 は空いている番号)。")
@click.option("--no-browser", is_flag=True, help="ブラウザを開きません(アドレスを表示するだけ)。")
@click.option("--folder", default=".", show_default=True, type=click.Path(file_okay=False),
              help="作業フォルダ(workbook_templates/・submissions/・output/ を置く場所)。")
def desk(plan_path: str | None, port: int, no_browser: bool, folder: str) -> None:
    """計画・様式・提出・状況・集約をブラウザで扱うデスクを起動します(このパソコンの中だけ)。

    127.0.0.1 だけで待ち受け、起動のたびに変わる鍵つきのアドレスをブラウザで開きます。
    追加のパッケージが必要です:pip install 'consolidator[desk]'

    \b
    Example:
        consolidator desk
        consolidator desk --folder 令和4年度 --port 8765 --no-browser
    """
    from consolidator.messages import fill
    from consolidator.messages.desk import DESK_TEXT

    if not Path(folder).is_dir():
        raise click.UsageError(fill(DESK_TEXT["no-folder"], folder=folder))
    catalog = _catalog(plan_path)
    try:
        from consolidator.desk.server import PortInUse, serve
    except ImportError as exc:
        if exc.name not in WEB_PACKAGES:
            raise
        raise click.ClickException(fill(DESK_TEXT["missing-extra"], detail=exc.name)) from None
    try:
        serve(Path(folder), catalog, port=port, open_browser=not no_browser,
              started=lambda d: click.echo(fill(DESK_TEXT["started"], url=d.url,
                                                folder=Path(folder).resolve())))
    except PortInUse:
        raise click.ClickException(fill(DESK_TEXT["port-in-use"], port=port)) from None
    click.echo(DESK_TEXT["stopped"])


WEB_PACKAGES = ("flask", "waitress", "werkzeug", "jinja2", "markupsafe")  # the extra "desk"


def _print_departments(job: JobResult) -> None:
    from consolidator.checks.log import console_lines

    for line in console_lines(list(job.validation.findings), job.validation.department_rows()):
        click.echo(line)
