"""The correction loop: ``diff``, ``accept``, ``status``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

if TYPE_CHECKING:  # for annotations only: nothing heavy is imported at start-up
    from collections.abc import Callable

from consolidator.cli.app import (
    FOLDER_OPTION,
    LEDGER_OPTION,
    OUT_OPTION,
    YEAR_OPTION,
    main,
    plan_options,
)
from consolidator.cli.working_folder import in_folder
from consolidator.messages import cli_text, fill

T = TypeVar("T")


@main.command()
@click.argument("old", type=click.Path(exists=True, dir_okay=False))
@click.argument("new", type=click.Path(exists=True, dir_okay=False))
@plan_options
@YEAR_OPTION
@click.option("--xlsx", "xlsx_path", type=click.Path(dir_okay=False),
              help="変更箇所の一覧をExcelブックにも書き出します。")
def diff(old: str, new: str, plan_path: str | None, folder: str | None, year: str | None,
         xlsx_path: str | None) -> None:
    """同じ担当のブックの2つの版を比べ、変わった項目(実績値・実施状況・予定)を一覧にします。

    \b
    Example:
        consolidator diff submissions/高齢福祉課_提出.xlsx submissions/高齢福祉課_修正.xlsx
    """
    from consolidator.atomic import write_with
    from consolidator.checks.changes import diff_lines, diff_workbooks, write_changes_xlsx
    from consolidator.messages.correction import VERSION_DIFF_TEXT

    where = in_folder(folder)
    catalog = where.catalog(plan_path)
    fiscal_year = where.year(year, catalog)
    changes, problems = diff_workbooks(Path(old), Path(new), catalog, fiscal_year)
    if problems:
        raise click.ClickException("\n".join(problems))
    for line in diff_lines(changes):
        click.echo(line)
    if xlsx_path:
        write_with(Path(xlsx_path), lambda tmp: write_changes_xlsx(tmp, changes))
        click.echo(fill(VERSION_DIFF_TEXT["xlsx-written"], path=xlsx_path))


@main.command()
@click.argument("log", type=click.Path(exists=True, dir_okay=False))
@click.option("--by", help="承認した人の名前(省略時はログインユーザー名)。")
@click.option("--replace", is_flag=True,
              help="すでに承認されている警告の承認をやり直します(承認者・日時・理由を書き換え、前の承認は台帳の履歴に残します)。")
@LEDGER_OPTION
@FOLDER_OPTION
def accept(log: str, by: str | None, replace: bool, ledger: str | None,
           folder: str | None) -> None:
    """検証ログで「承認する」を選んだ警告を、承認として提出台帳に記録します。

    値が変わらず同じ年度である限り、その警告は「承認済み」と表示され、未対応の件数に数えません。
    エラーは承認できません(行ごとに理由を表示し、終了コード1)。
    すでに承認されている警告は、最初の承認(誰が・いつ・理由)をそのまま残し、その旨を表示します。
    やり直すときは --replace を付けます。

    \b
    Example:
        consolidator accept output/validation_log.xlsx --by 山田
        consolidator accept output/validation_log.xlsx --by 佐藤 --replace
    """
    from consolidator.ledger.acceptance import accept_log
    from consolidator.messages.correction import ACCEPT_TEXT

    book = _ledger(log, ledger, folder)
    result = _ledger_call(lambda: accept_log(Path(log), book, by, replace=replace))
    if result.problem:
        raise click.ClickException(result.problem)
    for line in result.refused + result.kept:
        click.echo(line)
    if result.kept:
        click.echo(ACCEPT_TEXT["kept-how-to"])
    click.echo(fill(ACCEPT_TEXT["done"], accepted=len(result.accepted),
                    already=len(result.already), refused=len(result.refused)))
    if result.replaced:
        click.echo(fill(ACCEPT_TEXT["done-replaced"], replaced=len(result.replaced)))
    sys.exit(1 if result.refused else 0)


@main.command()
@plan_options
@YEAR_OPTION
@OUT_OPTION
@LEDGER_OPTION
@click.option("--json", "as_json", is_flag=True, help="担当ごとに1行のJSONで出力します。")
def status(plan_path: str | None, folder: str | None, year: str | None, out_dir: str | None,
           ledger: str | None, as_json: bool) -> None:
    """提出台帳から、担当ごとの提出・エラー・警告・承認の状況と未入力の実績値の数を表示します。

    すべての担当が提出済みで、エラーも未承認の警告もなければ終了コード0。

    \b
    Example:
        consolidator status
        consolidator status --json
    """
    from consolidator.japanese_values import wareki
    from consolidator.jobs.correction import ledger_path
    from consolidator.ledger.status import ledger_status, status_lines
    from consolidator.messages.correction import STATUS_TEXT
    from consolidator.output_names import OUTPUT_DIR

    where = in_folder(folder)
    catalog = where.catalog(plan_path)
    fiscal_year = where.year(year, catalog)
    where.adopt_state()
    path = ledger_path(where.state or where.path(out_dir, OUTPUT_DIR),
                       Path(ledger) if ledger else None)
    found = _ledger_call(lambda: ledger_status(path, catalog.department_names, fiscal_year))
    if found is None:
        raise click.ClickException(fill(STATUS_TEXT["no-runs"], ledger=path))
    for line in found.json_lines() if as_json else status_lines(found, wareki(fiscal_year)):
        click.echo(line)
    sys.exit(0 if found.clean else 1)


def _ledger(log: str, ledger: str | None, folder: str | None) -> Path:
    """``--ledger``, else the working folder's ledger, else the ledger beside the log (in
    the output folder, outside a working folder)."""
    from consolidator.jobs.correction import ledger_path

    where = in_folder(folder)
    where.adopt_state()
    return ledger_path(where.state or Path(log).parent, Path(ledger) if ledger else None)


def _ledger_call(call: Callable[[], T]) -> T:
    import sqlite3

    try:
        return call()
    except sqlite3.Error as exc:
        raise click.ClickException(cli_text("ledger-broken", detail=str(exc))) from None
