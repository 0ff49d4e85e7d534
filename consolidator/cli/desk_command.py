"""``consolidator desk``: the yearly cycle in a local web page (extra ``desk``)."""

from __future__ import annotations

from pathlib import Path

import click

from consolidator.cli.app import PLAN_OPTION, main
from consolidator.cli.working_folder import in_folder

WEB_PACKAGES = ("flask", "waitress", "werkzeug", "jinja2", "markupsafe")  # the extra "desk"


@main.command()
@PLAN_OPTION
@click.option("--port", default=0, show_default=True, type=click.IntRange(0, 65535),
              help="待ち受けるポート番号(0 は空いている番号)。")
@click.option("--no-browser", is_flag=True, help="ブラウザを開きません(アドレスを表示するだけ)。")
@click.option("--folder", default=".", show_default=True, type=click.Path(file_okay=False),
              help="作業フォルダ(workbook_templates/・submissions/・output/ を置く場所)。"
                   "計画は、--plan がなければ作業フォルダの設定(consolidator.toml)の計画。")
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
    where = in_folder(folder)
    catalog = where.catalog(plan_path)
    year = where.year(None, catalog)  # the folder's year, else the plan's; unreadable: stop
    try:
        from consolidator.desk.server import PortInUse, serve
    except ImportError as exc:
        if exc.name not in WEB_PACKAGES:
            raise
        raise click.ClickException(fill(DESK_TEXT["missing-extra"], detail=exc.name)) from None
    try:
        serve(Path(folder), catalog, port=port, year=year, open_browser=not no_browser,
              started=lambda d: click.echo(fill(DESK_TEXT["started"], url=d.url,
                                                folder=Path(folder).resolve())))
    except PortInUse:
        raise click.ClickException(fill(DESK_TEXT["port-in-use"], port=port)) from None
    click.echo(DESK_TEXT["stopped"])
