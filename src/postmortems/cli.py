"""The `pm` command: a thin shell over the library.

It parses options, calls library functions, and turns :class:`PostmortemsError` into a message on
stderr and an exit code. Heavy imports happen inside the commands so that start-up stays fast.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import click

from postmortems import __version__
from postmortems.errors import ExitCode, PostmortemsError

F = TypeVar("F", bound=Callable[..., Any])


def report(error: PostmortemsError) -> None:
    click.echo(f"pm: {error}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="pm")
def cli() -> None:
    """Write, check, review, publish and learn from incident postmortems."""


@cli.command()
@click.argument("title", required=False)
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(dir_okay=False),
    help="File to write (default: print to stdout).",
)
@click.option(
    "--profile",
    type=click.Choice(["classic", "google-sre", "minimal"]),
    default="classic",
    show_default=True,
    help="Which postmortem format to follow.",
)
@click.option("-i", "--interactive", is_flag=True, help="Ask for title, times, zone, severity.")
def new(title: str | None, output: str | None, profile: str, interactive: bool) -> None:
    """Start a new postmortem from a skeleton with guidance comments."""
    from postmortems.commands.new import run_new

    sys.exit(run_new(title, output, profile, interactive))


@cli.command()
@click.argument("files", nargs=-1, required=True)
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["json", "extract", "markdown"]),
    default="json",
    show_default=True,
    help="json: the full model; extract: the extraction contract (JSON Lines); "
    "markdown: the canonical rewrite.",
)
def parse(files: tuple[str, ...], fmt: str) -> None:
    """Read postmortems and print what they state."""
    from postmortems.commands.parse import run_parse

    sys.exit(run_parse(files, fmt))


def main(argv: list[str] | None = None) -> None:
    try:
        cli.main(args=argv, prog_name="pm", standalone_mode=True)
    except PostmortemsError as exc:
        report(exc)
        sys.exit(exc.exit_code)


def iter_json_lines(rows: Iterator[dict[str, Any]]) -> Iterator[str]:
    for row in rows:
        yield json.dumps(row, ensure_ascii=False, default=str)


__all__ = ["ExitCode", "cli", "main"]
