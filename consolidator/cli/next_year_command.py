"""``next-year``: close the year in the working folder and make it ready for the next."""

from __future__ import annotations

from typing import TYPE_CHECKING, NoReturn

import click

if TYPE_CHECKING:  # for annotations only: nothing heavy is imported at start-up
    from consolidator.findings import Finding

from consolidator.cli.app import (
    FOLDER_OPTION,
    PLAN_OPTION,
    YEAR_OPTION,
    main,
    print_findings,
)
from consolidator.cli.working_folder import in_folder
from consolidator.messages import fill
from consolidator.messages.folder import FOLDER_TEXT


@main.command("next-year")
@FOLDER_OPTION
@PLAN_OPTION
@YEAR_OPTION
@click.option("--force", is_flag=True,
              help="未提出の担当や未解決のエラーが残っていても次の年度へ進みます。")
@click.option("--undo", is_flag=True,
              help="直前の next-year を元に戻します(新しい年度の提出がまだないときだけ)。")
def next_year(folder: str | None, plan_path: str | None, year: str | None, force: bool,
              undo: bool) -> None:
    """作業フォルダを次の年度へ進めます(集約でできた来年度の計画を作業フォルダの計画にします)。

    今年度の workbook_templates・submissions・output を年度の名前のフォルダ(例:令和4年度)へ
    移し、集約でできた plan_<来年度>.json を作業フォルダの計画として consolidator.toml に
    記録します。提出台帳と検証結果の保存ファイルは作業フォルダに残ります(status は
    前の年度のファイルも表示できます)。ファイルは削除も上書きもしません。

    未提出の担当やエラーが残っているとき(--force で進めます)、移すファイルが Excel などで
    開かれているとき、保管先のフォルダがすでにあるときは、何も移さずに理由を表示します。
    新しい年度の提出が届くまでは --undo で元に戻せます。

    \b
    Example:
        consolidator next-year
        consolidator next-year --folder 福祉計画 --force
        consolidator next-year --undo
    """
    from consolidator.jobs.next_year import next_year as step
    from consolidator.jobs.next_year import undo_next_year

    where = in_folder(folder or ".")
    assert where.folder is not None  # a folder was named: it is the working folder
    if undo:
        done = undo_next_year(where.folder)
        if not done.done:
            _refused(done.findings, "undo-refused")
        click.echo(fill(FOLDER_TEXT["undo-done"], count=len(done.moved), plan=done.plan))
        return
    from consolidator.japanese_values import wareki

    catalog = where.catalog(plan_path)
    fiscal_year = where.year(year, catalog)
    done = step(where.folder, catalog, fiscal_year, force=force)
    if not done.done:
        _refused(done.findings, "next-year-refused")
    for old, new in done.moved:
        click.echo(fill(FOLDER_TEXT["next-year-moved"], old=old, new=new))
    click.echo(fill(FOLDER_TEXT["next-year-done"], year=wareki(fiscal_year),
                    next=wareki(fiscal_year + 1), folder=done.archive, plan=done.plan))


def _refused(findings: list[Finding], key: str) -> NoReturn:
    print_findings(findings)
    raise click.ClickException(FOLDER_TEXT[key])
