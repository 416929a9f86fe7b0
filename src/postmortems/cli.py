"""The `pm` command: a thin shell over the library.

The group is a click object defined at module level; its commands are too, one module per
command under :mod:`postmortems.commands`, imported when the command runs. A command parses
options, calls the library, and returns an exit code; :func:`main` turns a
:class:`PostmortemsError` into a message on stderr and its exit code. The commands import the
library when they run, so that `pm --help` stays fast.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from postmortems import __version__
from postmortems.errors import ExitCode, PostmortemsError

# Each command's module, imported when the command runs (or is listed by `pm --help`): `pm lint`
# does not pay for the server's, the on-call's or the exporter's imports.
COMMANDS = {
    "new": "postmortems.commands.new:new",
    "parse": "postmortems.commands.parse:parse",
    "lint": "postmortems.commands.lint:lint",
    "render": "postmortems.commands.render:render",
    "build": "postmortems.commands.build:build",
    "serve": "postmortems.commands.serve:serve",
    "worker": "postmortems.commands.worker:worker",
    "admin": "postmortems.commands.admin:admin",
    "remind": "postmortems.commands.remind:remind",
    "import": "postmortems.commands.import_:import_",
    "export": "postmortems.commands.export:export",
    "push": "postmortems.commands.push:push",
    "oncall": "postmortems.commands.oncall:oncall",
    "search": "postmortems.commands.search:search",
    "similar": "postmortems.commands.search:similar",
    "page": "postmortems.commands.page:page",
    "incident": "postmortems.commands.incident:incident",
    "review": "postmortems.commands.review:review",
}


class LazyGroup(click.Group):
    """A group whose commands are imported on first use (click's "lazily loading subcommands")."""

    def __init__(self, *args: Any, lazy_subcommands: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_subcommands = lazy_subcommands

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy_subcommands])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.lazy_subcommands:
            return super().get_command(ctx, cmd_name)
        module_name, attribute = self.lazy_subcommands[cmd_name].split(":")
        command = getattr(importlib.import_module(module_name), attribute)
        assert isinstance(command, click.Command)
        return command


@click.group(
    cls=LazyGroup,
    lazy_subcommands=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, "-V", "--version", prog_name="pm")
def cli() -> None:
    """Write, check, review, publish and learn from incident postmortems."""


def report(error: PostmortemsError) -> None:
    sys.stderr.write(f"pm: {error}\n")
    sys.stderr.flush()


def main(argv: list[str] | None = None) -> None:
    """The `pm` entry point: run the command line, exit with its status."""
    try:
        cli.main(args=argv, prog_name="pm", standalone_mode=True)
    except PostmortemsError as exc:
        report(exc)
        sys.exit(exc.exit_code)
    except OSError as exc:  # a read or write no command turned into its own message
        where = f"{exc.filename}: " if exc.filename else ""
        sys.stderr.write(f"pm: {where}{exc.strerror or exc}\n")
        sys.exit(ExitCode.ERROR)


__all__ = ["ExitCode", "cli", "main"]
