"""``report``: the published report (公表) of a submissions folder."""

from __future__ import annotations

import sys

import click

from consolidator.cli.app import folder_run, main, print_findings
from consolidator.messages import cli_text, fill


@main.command()
@folder_run
def report(submissions: str | None, plan_path: str | None, year: str | None,
           out_dir: str | None, ledger: str | None, no_cache: bool, folder: str | None
           ) -> None:
    """公表資料(実施状況報告の HTML・PDF・Word と、指標一覧のオープンデータ CSV・Excel)を作ります。

    consolidate と同じように検証・集約し(マスターやログは書きません)、出力先フォルダの
    「公表」フォルダに書き出します。未提出の担当や未解決のエラーがあるときは「案」として
    作り、理由を表示します。はしがき・発行者・発行日・委員会の意見と市の考え方は
    「公表/公表ページ.txt」に書いてください(実行し直しても上書きされません)。
    エラー(未提出を含む)があれば、公表資料は作られたうえで終了コード1になります。

    \b
    Example:
        consolidator report submissions/ --out output/
    """
    from consolidator.cli.working_folder import in_folder
    from consolidator.cli.yearly import _run, _start_children

    where = in_folder(folder)
    _start_children(where, submissions, out_dir, no_cache)
    from consolidator.jobs.publishing import run_report
    from consolidator.messages.publish import PUBLISH_CLI

    job = _run(run_report, submissions, plan_path, year, out_dir, ledger, no_cache, folder,
               where)
    published = job.published
    doc = published.document
    pages = doc.pages
    print_findings(f for f in job.consolidated.validation.findings
                   if f.code.startswith(("ledger-", "cache-")))
    for old, new in job.held:  # a file open in another program: the new one is beside it
        click.echo(cli_text("output-held-open", old=old, new=new))
    click.echo(fill(PUBLISH_CLI["written"], folder=published.folder))
    for path in published.files:
        click.echo(fill(PUBLISH_CLI["file"], path=path))
    print_findings(published.skipped)  # a form not drawn here, and what to install
    key = "pages-created" if pages.created else "pages-used"
    click.echo(fill(PUBLISH_CLI[key], path=pages.path))
    if pages.not_utf8:
        click.echo(fill(PUBLISH_CLI["pages-not-utf8"], path=pages.path))
    if doc.draft:
        click.echo(fill(PUBLISH_CLI["draft"], reasons=doc.draft_reasons_text))
    else:
        click.echo(PUBLISH_CLI["final"])
    sys.exit(0 if job.consolidated.validation.valid else 1)  # as consolidate: 1 = errors
