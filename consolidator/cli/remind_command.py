"""``remind``: drafts for the departments still to be heard from."""

from __future__ import annotations

import sys
from functools import partial

import click

from consolidator.cli.app import (
    folder_run,
    main,
    print_findings,
    request_options,
)
from consolidator.cli.working_folder import in_folder
from consolidator.cli.yearly import _run
from consolidator.messages import fill


@main.command()
@folder_run
@request_options
@click.option("--format", "fmt", type=click.Choice(["xlsx", "ods"]), default="xlsx",
              show_default=True, help="添付する様式の形式。")
@click.option("--past-deadline", is_flag=True,
              help="--deadline の日付が過ぎていても、その期限のまま督促します"
                   "(メールには期限を過ぎていることを書きます)。")
def remind(submissions: str | None, plan_path: str | None, year: str | None,
           out_dir: str | None, ledger: str | None, no_cache: bool, folder: str | None,
           deadline: str | None, contact: str | None, fmt: str, past_deadline: bool) -> None:
    """まだ提出のない担当への督促メールの下書きを作ります。

    --deadline・--contact の省略時は作業フォルダの設定、それもなければ配布した様式の
    期限・問い合わせ先を使います。

    提出フォルダにファイルのない担当(以前にも届いたことのない担当)ごとに、その担当の
    様式を添付した下書き <担当>_督促.eml を出力先の「督促」フォルダに作り、督促一覧.xlsx
    (宛先、前回の督促、期限までの日数)を書きます。提出済みの担当には作りません。
    ファイルにエラーのある担当には修正依頼の下書き(<担当>_依頼.eml)を作ります。
    督促した日は提出台帳に記録されます。

    --deadline の日付がすでに過ぎていれば、端末では新しい期限を尋ね、それ以外(バッチなど)では
    何も作らずに終了します(終了コード1)。過ぎた期限のまま督促するには --past-deadline を
    付けます。期限が過ぎていれば、メールには至急の提出をお願いする文を書きます。

    \b
    Example:
        consolidator remind submissions/ --deadline 2023年5月31日 --contact "地域福祉課 内線1234"
    """
    from consolidator.jobs.reminders import FIX, MISSING, DeadlinePassed, remind_departments
    from consolidator.messages.correction import REMIND_TEXT

    where = in_folder(folder)
    deadline = where.setting("deadline", deadline) or ""
    contact = where.setting("contact", contact) or ""
    while True:
        try:
            done = _run(partial(remind_departments, deadline=deadline, contact=contact, fmt=fmt,
                                past_deadline=past_deadline),
                        submissions, plan_path, year, out_dir, ledger, no_cache, where=where)
            break
        except DeadlinePassed as passed:
            if not on_terminal():
                raise click.ClickException(
                    f"{passed.message}{REMIND_TEXT['deadline-passed-cli']}") from None
            click.echo(passed.message)
            answer = click.prompt(REMIND_TEXT["deadline-prompt"], default=deadline).strip()
            past_deadline = answer == deadline  # Enter: the same deadline, knowingly
            deadline = answer
    print_findings(done.findings)
    for r in done.reminded:
        click.echo(str(r.draft))
    if not done.reminded:
        click.echo(REMIND_TEXT["none"])
    else:
        click.echo(fill(REMIND_TEXT["written"], missing=len(done.of_kind(MISSING)),
                        fix=len(done.of_kind(FIX)), folder=done.folder))
    click.echo(fill(REMIND_TEXT["list-written"], path=done.table))
    if done.days_left is None:
        click.echo(REMIND_TEXT["no-deadline"])


def on_terminal() -> bool:
    """Whether a person at a terminal can be asked (not a batch, a pipe or the desk)."""
    return sys.stdin.isatty() and sys.stdout.isatty()
