"""The yearly cycle: ``generate``, ``fields``, ``validate``, ``consolidate``, ``demo``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

if TYPE_CHECKING:  # for annotations only: nothing heavy is imported at start-up
    from collections.abc import Callable

    from consolidator.jobs.runs import JobResult

from consolidator.cli.app import (
    YEAR_OPTION,
    folder_run,
    main,
    plan_options,
    print_findings,
    progress_bar,
    request_options,
)
from consolidator.cli.working_folder import Where, in_folder
from consolidator.messages import cli_text, fill, render
from consolidator.messages.correction import MAIL_TEXT


@main.command()
@plan_options
@YEAR_OPTION
@request_options
@click.option("--out", "out_dir", type=click.Path(file_okay=False),
              help="様式の出力先フォルダ。省略時は作業フォルダの workbook_templates。")
@click.option("--only", multiple=True,
              help="この担当の様式だけを作ります(複数指定可。旧名称でも指定できます)。")
@click.option("--format", "fmt", type=click.Choice(["xlsx", "ods"]), default="xlsx",
              show_default=True, help="様式の形式(ods: LibreOffice の OpenDocument 形式)。")
@click.option("--mail", is_flag=True, help="様式を添付したメールの下書き(.eml)も作ります。")
def generate(plan_path: str | None, folder: str | None, year: str | None,
             deadline: str | None, contact: str | None, out_dir: str | None,
             only: tuple[str, ...], fmt: str, mail: bool) -> None:
    """担当(報告単位)ごとの記入用様式(.xlsx または .ods)を作ります。

    --mail を付けると、様式を添付したメールの下書き(<担当>_依頼.eml)も作ります。
    ダブルクリックで開き、宛先を確かめて送信してください(カタログにメールアドレスが
    あれば宛先も入っています)。

    \b
    Example:
        consolidator generate --deadline 2023年5月31日 --contact "地域福祉課 内線1234" --mail
        consolidator generate --year 令和4 --only 高齢福祉課
        consolidator generate --format ods
    """
    from consolidator.output_names import TEMPLATES_DIR
    from consolidator.templates.generate import generate_templates

    where = in_folder(folder)
    catalog = where.catalog(plan_path)
    fiscal_year = where.year(year, catalog)
    deadline = where.setting("deadline", deadline) or ""
    contact = where.setting("contact", contact) or ""
    templates = where.path(out_dir, TEMPLATES_DIR)
    try:
        with progress_bar(cli_text("progress-generating")) as progress:
            paths = generate_templates(catalog, fiscal_year, templates, deadline=deadline,
                                       contact=contact, only=list(only), fmt=fmt,
                                       progress=progress)
    except KeyError as exc:
        raise click.BadParameter(cli_text("unknown-department", department=exc.args[0]),
                                 param_hint="--only") from None
    for name in dict.fromkeys(only):
        if (department := catalog.department_for(name)) != name:
            click.echo(cli_text("only-former-name", name=name, department=department))
    for p in paths:
        click.echo(str(p))
    click.echo(cli_text("generated", count=len(paths), folder=templates))
    failed = list(paths.failed)
    if mail:
        from consolidator.feedback.drafts import write_send_out_drafts

        drafts = write_send_out_drafts(catalog, fiscal_year, paths, deadline, contact)
        click.echo(fill(MAIL_TEXT["drafts-written"], count=len(drafts), folder=templates))
        failed += drafts.failed
    if failed:  # every other department's files are written; these are not
        print_findings(failed)
        sys.exit(1)


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
    from consolidator.safety.verdict import verdict_of

    safety = verdict_of(Path(workbook))
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


@main.command()
@folder_run
def validate(submissions: str | None, plan_path: str | None, year: str | None,
             out_dir: str | None, ledger: str | None, no_cache: bool, folder: str | None
             ) -> None:
    """提出フォルダのブックをすべて検証し、検証ログを書きます(エラーがあれば終了コード1)。

    前回から中身の変わっていないファイルは、前回の検証結果を使います
    (作業フォルダの .consolidator-cache.sqlite3。--no-cache ですべて検証し直し)。

    \b
    Example:
        consolidator validate submissions/
        consolidator validate --folder 福祉計画
    """
    where = in_folder(folder)
    _start_children(where, submissions, out_dir, no_cache)
    from consolidator.jobs.runs import run_validate

    job = _run(run_validate, submissions, plan_path, year, out_dir, ledger, no_cache, folder,
               where)
    _print_departments(job)
    click.echo(cli_text("log-written", path=job.logs["xlsx"]))
    click.echo(cli_text("department-logs-written", path=job.logs["departments"]))
    _print_held(job)
    sys.exit(0 if job.validation.valid else 1)


@main.command()
@folder_run
def consolidate(submissions: str | None, plan_path: str | None, year: str | None,
                out_dir: str | None, ledger: str | None, no_cache: bool, folder: str | None
                ) -> None:
    """検証したうえで全担当の入力を集約し、報告書(マスター)を作ります。

    以前のマスターは「以前のマスター」フォルダに残ります。エラーがあっても
    マスターは作られ、該当箇所に色が付きます(終了コード1)。前回から中身の
    変わっていないファイルは、前回の検証結果を使います(--no-cache ですべて検証し直し)。

    \b
    Example:
        consolidator consolidate submissions/ --out output/
    """
    where = in_folder(folder)
    _start_children(where, submissions, out_dir, no_cache)
    from consolidator.jobs.runs import run_consolidate

    job = _run(run_consolidate, submissions, plan_path, year, out_dir, ledger, no_cache,
               folder, where)
    _print_departments(job)
    click.echo(cli_text("log-written", path=job.logs["xlsx"]))
    click.echo(cli_text("department-logs-written", path=job.logs["departments"]))
    click.echo(cli_text("master-written" if job.master_changed else "master-unchanged",
                        path=job.master))
    click.echo(cli_text("next-plan-written", path=job.next_plan))
    _print_held(job)
    sys.exit(0 if job.validation.valid else 1)


def _start_children(where: Where, submissions: str | None, out_dir: str | None,
                    no_cache: bool) -> None:
    """The reading children's fork server starts while this process imports the library;
    not when the folder is listed as when the result cache kept its whole result (the run
    will most likely check no file: it starts them itself if it has to)."""
    from consolidator.cache.listing import folder_unchanged
    from consolidator.cache.store import cache_path
    from consolidator.output_names import OUTPUT_DIR, SUBMISSIONS_DIR

    state = where.state or where.path(out_dir, OUTPUT_DIR)
    if not no_cache and folder_unchanged(cache_path(state),
                                         where.path(submissions, SUBMISSIONS_DIR)):
        return
    from consolidator.checks import CHILD_TASKS
    from consolidator.checks.checked_files import give_back_children
    from consolidator.safety.isolation import start_early

    start_early(CHILD_TASKS)
    give_back_children()


T = TypeVar("T")


def _run(job: Callable[..., T], submissions: str | None, plan_path: str | None,
         year: str | None, out_dir: str | None, ledger: str | None = None,
         no_cache: bool = False, folder: str | None = None, where: Where | None = None) -> T:
    """A run over the submissions folder in the working folder (``--folder``, or the current
    folder: its settings, its ledger and result cache); the options given win."""
    from consolidator.jobs.output_folder import OutputBusy
    from consolidator.output_names import OUTPUT_DIR, SUBMISSIONS_DIR

    where = where or in_folder(folder)
    received = where.path(submissions, SUBMISSIONS_DIR)
    out = where.path(out_dir, OUTPUT_DIR)
    if not received.is_dir():
        raise click.UsageError(cli_text("no-submissions", folder=received))
    catalog = where.catalog(plan_path)
    fiscal_year = where.year(year, catalog)
    try:
        where.adopt_state()
        with progress_bar(cli_text("progress-checking")) as progress:
            return job(received, catalog, fiscal_year, out,
                       ledger=Path(ledger) if ledger else None, reuse=not no_cache,
                       progress=progress, state=where.state)
    except OutputBusy:
        raise click.ClickException(cli_text("output-busy", folder=out)) from None
    except OSError as exc:  # disk full, no permission: the previous outputs are intact
        raise click.ClickException(cli_text("output-error", folder=out,
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


def _print_held(job: JobResult) -> None:
    for old, new in job.held:  # an output open in Excel: the new file is beside it
        click.echo(cli_text("output-held-open", old=old, new=new))


def _print_departments(job: JobResult) -> None:
    from consolidator.validation_log import console_lines

    for line in console_lines(list(job.validation.findings), job.validation.department_rows()):
        click.echo(line)
    for f in job.validation.findings:  # the ledger or the cache set aside: say it here too
        if f.code.startswith(("ledger-", "cache-")):
            click.echo(f"[{f.severity_label}] {f.message} → {f.action}")
    if job.validation.reused:
        click.echo(cli_text("results-reused", count=job.validation.reused,
                            total=len(job.validation.submissions)))
