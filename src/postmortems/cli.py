"""The `pm` command: a thin shell over the library.

The group and its commands are click objects defined at module level, one module per command
under :mod:`postmortems.commands`. A command parses options, calls the library, and returns an
exit code; :func:`main` turns a :class:`PostmortemsError` into a message on stderr and its exit
code. The commands import the library when they run, so that `pm --help` stays fast.
"""

from __future__ import annotations

import sys

import click

from postmortems import __version__
from postmortems.commands.admin import admin
from postmortems.commands.build import build
from postmortems.commands.export import export
from postmortems.commands.import_ import import_
from postmortems.commands.incident import incident
from postmortems.commands.lint import lint
from postmortems.commands.new import new
from postmortems.commands.oncall import oncall
from postmortems.commands.page import page
from postmortems.commands.parse import parse
from postmortems.commands.remind import remind
from postmortems.commands.render import render
from postmortems.commands.search import search, similar
from postmortems.commands.serve import serve
from postmortems.commands.worker import worker
from postmortems.errors import ExitCode, PostmortemsError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="pm")
def cli() -> None:
    """Write, check, review, publish and learn from incident postmortems."""


for _command in (
    new,
    parse,
    lint,
    render,
    build,
    serve,
    worker,
    admin,
    remind,
    import_,
    export,
    oncall,
    search,
    similar,
    page,
    incident,
):
    cli.add_command(_command)


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


__all__ = ["ExitCode", "cli", "main"]
