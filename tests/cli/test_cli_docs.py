"""Every `pm` command is documented in docs/cli.md (a command without docs fails here)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from postmortems.cli import cli

DOC = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def commands(group: click.Group = cli, prefix: str = "pm") -> Iterator[tuple[str, click.Command]]:
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command is None or command.hidden:
            continue
        yield f"{prefix} {name}", command
        if isinstance(command, click.Group):
            yield from commands(command, f"{prefix} {name}")


def headings() -> set[str]:
    text = DOC.read_text(encoding="utf-8")
    return set(re.findall(r"^#{2,3} `(pm [^`]+)`", text, re.MULTILINE))


@pytest.mark.parametrize("name", [name for name, _ in commands()])
def test_command_has_a_section_in_cli_md(name: str) -> None:
    assert name in headings(), f"docs/cli.md has no `## \\`{name}\\`` section"


@pytest.mark.parametrize(
    ("name", "command"), [(n, c) for n, c in commands() if n in {"pm new", "pm parse"}]
)
def test_every_option_of_new_and_parse_is_documented(name: str, command: click.Command) -> None:
    text = DOC.read_text(encoding="utf-8")
    section = text.split(f"## `{name}`", 1)[1].split("\n## ", 1)[0]
    for param in command.params:
        if isinstance(param, click.Option):
            assert any(opt in section for opt in param.opts), f"{name}: {param.opts}"
        else:
            assert (param.name or "").upper() in section, f"{name}: {param.name}"


def test_no_section_for_a_command_that_does_not_exist() -> None:
    known = {name for name, _ in commands()}
    assert headings() <= known
