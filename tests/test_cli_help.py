"""Issue 24: the ``--help`` of every command reads as Japanese — no stray space where a sentence
was wrapped across lines of its docstring (「メールアドレスが あれば」)."""

from __future__ import annotations

import re

import click
from click.testing import CliRunner

from consolidator.cli import main
from consolidator.cli.app import joined_help

JAPANESE = "[\u3000-\u303f\u3040-\u30ff\u4e00-\u9fff\uff00-\uffef]"
STRAY_SPACE = re.compile(f"{JAPANESE}[ \t]+{JAPANESE}")
QUOTED = re.compile(r'"[^"\n]*"')  # an example's argument: "地域福祉課 内線1234" is typed so
WIDE = 100_000  # no wrapping by click: a space it would turn into a line break stays visible


def _commands(cmd: click.Command, path: list[str]) -> list[list[str]]:
    out = [path]
    for name, sub in getattr(cmd, "commands", {}).items():
        out += _commands(sub, [*path, name])
    return out


def _stray_spaces(text: str) -> list[str]:
    return [m.group(0) for line in QUOTED.sub("", text).splitlines()
            for m in STRAY_SPACE.finditer(line)]


def test_no_command_help_has_a_space_inside_a_japanese_sentence() -> None:
    commands = _commands(main, [])
    assert len(commands) > 15  # the group, plan and its subcommands, every yearly command
    found = {}
    for args in commands:
        result = CliRunner().invoke(main, [*args, "--help"], terminal_width=WIDE,
                                    max_content_width=WIDE)
        assert result.exit_code == 0, (args, result.output)
        if spaces := _stray_spaces(result.output):
            found[" ".join(args) or "consolidator"] = spaces
    assert found == {}


def test_a_wrapped_sentence_is_joined_and_an_example_kept() -> None:
    """The check sees a wrapped sentence as click shows it, and the join removes the break
    between two Japanese characters only (not in an example, nor next to ASCII)."""
    doc = """下書きを作ります(カタログにメールアドレスが
    あれば宛先も入っています)。下書きは
    <担当>_依頼.eml です。

    \b
    Example:
        consolidator remind
        --contact 地域福祉課
        内線1234
    """

    @click.command(help=doc)
    def plain() -> None:
        """Help as click shows it without the join."""

    shown = CliRunner().invoke(plain, ["--help"], terminal_width=WIDE).output
    assert _stray_spaces(shown) == ["が あ"]
    assert joined_help(doc) == (
        "下書きを作ります(カタログにメールアドレスがあれば宛先も入っています)。下書きは\n"
        "<担当>_依頼.eml です。\n\n\b\nExample:\n    consolidator remind\n"
        "    --contact 地域福祉課\n    内線1234")
