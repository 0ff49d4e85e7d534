"""The command group and what every command shares: options, the catalog, the year.

Start-up stays light: nothing here imports the library's heavy parts (openpyxl, xlsxwriter,
python-calamine, jsonschema); each command imports what it needs when it runs.
"""

from __future__ import annotations

import inspect
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:  # for annotations only: nothing heavy is imported at start-up
    from collections.abc import Iterable

    from consolidator.findings import Finding
    from consolidator.plan.catalog import Catalog

from consolidator.messages import cli_text

PLAN_OPTION = click.option("--plan", "plan_path", type=click.Path(exists=True, dir_okay=False),
                           help="計画カタログ(JSON)。省略時は作業フォルダの設定"
                                "(consolidator.toml)の計画、なければ同梱の既定計画。")
FOLDER_OPTION = click.option(
    "--folder", type=click.Path(file_okay=False),
    help="作業フォルダ(consolidator.toml・workbook_templates/・submissions/・output/ のある"
         "場所)。省略時は、consolidator.toml があれば今のフォルダ。")


def _safe_console() -> None:
    """Never crash on a console that cannot show a character (a cp932 console or a redirect on
    Windows): such a character is printed as ``?``. Files are UTF-8 whatever the console."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="replace")
            except (ValueError, OSError):  # a closed or detached stream
                pass


# A line break inside a Japanese sentence of a docstring: click joins the lines of a paragraph
# with a space, as English wants, which a Japanese reader sees as a stray space
# (「メールアドレスが あれば」).
_WRAPPED = re.compile(r"(?<=[^\x00-\x7f])\n(?=[^\x00-\x7f])")


def joined_help(text: str | None) -> str | None:
    """A command's help (its docstring) with the line breaks between two non-ASCII characters
    removed, so that a sentence wrapped in the source reads as one; a paragraph marked
    ``\\b`` (an example) keeps its lines as written."""
    if not text:
        return text
    paragraphs = inspect.cleandoc(text).split("\n\n")
    return "\n\n".join(p if p.startswith("\b") else _WRAPPED.sub("", p) for p in paragraphs)


class _Group(click.Group):
    """The command group, with a console that never fails on a character (help included), and
    help texts that read as Japanese (:func:`joined_help`), its own and its commands'."""

    group_class = type  # ``plan``: a group of this kind too

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.help = joined_help(self.help)

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        cmd.help = joined_help(cmd.help)
        super().add_command(cmd, name)

    def main(self, *args: Any, **kwargs: Any) -> Any:
        _safe_console()
        return super().main(*args, **kwargs)


@click.group(cls=_Group)
@click.version_option(package_name="consolidator")
def main() -> None:
    """地域福祉計画「実施状況報告」の様式作成・検証・集約ツール。

    \b
    Example:
        consolidator demo
    """


def load_catalog(plan_path: str | None) -> Catalog:
    """The catalog to work with; a --plan file is checked first and refused when invalid."""
    from consolidator.plan.catalog import Catalog

    if plan_path is None:
        return Catalog.default()
    from consolidator.plan.plan_file import read_plan_file  # (jsonschema: only for a file)

    catalog, found = read_plan_file(plan_path)
    if catalog is None:
        print_findings(found)
        raise click.ClickException(cli_text("plan-invalid", file=plan_path,
                                            count=len(found.errors)))
    return catalog


def print_findings(found: Iterable[Finding]) -> None:
    for f in found:
        click.echo(f"[{f.severity_label}] {f.code} {f.message} → {f.action}")


def fiscal_year_option(text: str | None, catalog: Catalog) -> int:
    from consolidator.templates.generate import parse_year

    try:
        return parse_year(text, catalog)
    except ValueError:
        raise click.BadParameter(cli_text("bad-year", value=text), param_hint="--year") from None


SUBMISSIONS_ARG = click.argument("submissions", required=False,
                                 type=click.Path(file_okay=False))
OUT_OPTION = click.option("--out", "out_dir", type=click.Path(file_okay=False),
                          help="ログ・マスターの出力先フォルダ。省略時は作業フォルダの output。")
YEAR_OPTION = click.option("--year",
                           help="対象年度(例: 令和4 / 2022)。省略時は作業フォルダの設定の年度、"
                                "なければ計画カタログの報告年度。")
LEDGER_OPTION = click.option("--ledger", type=click.Path(dir_okay=False),
                             help="提出台帳(SQLite)。省略時は作業フォルダの ledger.sqlite3"
                                  "(作業フォルダでなければ出力先フォルダの ledger.sqlite3)。")
DEADLINE_OPTION = click.option("--deadline",
                               help="提出期限(様式とメールに表示)。省略時は作業フォルダの設定。")
CONTACT_OPTION = click.option("--contact",
                              help="問い合わせ先(様式とメールの署名に表示)。"
                                   "省略時は作業フォルダの設定。")


def request_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """What every command writing a request to the departments takes (``generate``,
    ``remind``): ``--deadline`` and ``--contact``, as ``deadline, contact`` (None: the
    working folder's settings, see
    :meth:`consolidator.cli.working_folder.Where.setting`)."""
    return DEADLINE_OPTION(CONTACT_OPTION(command))


def plan_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--plan`` and ``--folder``, as ``plan_path, folder``: the plan is the working
    folder's unless ``--plan`` says otherwise."""
    return PLAN_OPTION(FOLDER_OPTION(command))


NO_CACHE_OPTION = click.option("--no-cache", is_flag=True,
                               help="前回までの検証結果を使わず、すべてのファイルを検証し直します"
                                    "(結果は保存し直します)。")


def folder_run(command: Callable[..., Any]) -> Callable[..., Any]:
    """What every run over a submissions folder takes (``validate``, ``consolidate``,
    ``remind``, ``report``): the submissions folder, ``--plan``, ``--year``, ``--out``,
    ``--ledger``, ``--no-cache``, ``--folder``, as the parameters ``submissions, plan_path,
    year, out_dir, ledger, no_cache, folder`` (None where not given: the working folder's)."""
    for option in (FOLDER_OPTION, NO_CACHE_OPTION, LEDGER_OPTION, OUT_OPTION, YEAR_OPTION,
                   PLAN_OPTION, SUBMISSIONS_ARG):
        command = option(command)
    return command


PROGRESS_MIN = 50  # items; fewer go by too fast to need a bar


@contextmanager
def progress_bar(label: str) -> Iterator[Callable[[int, int], None]]:
    """A ``progress(done, total)`` for the library: a bar on stderr when stderr is a terminal
    and there are more than :data:`PROGRESS_MIN` items; otherwise it shows nothing (piped or
    redirected output stays exactly as it was)."""
    shown: list[Any] = []

    def update(done: int, total: int) -> None:
        if not shown:
            if total <= PROGRESS_MIN or not sys.stderr.isatty():
                return
            shown.append(click.progressbar(length=total, label=label, file=sys.stderr,
                                           show_pos=True).__enter__())
        bar = shown[0]
        bar.update(done - bar.pos)

    try:
        yield update
    finally:
        if shown:
            shown[0].__exit__(None, None, None)
