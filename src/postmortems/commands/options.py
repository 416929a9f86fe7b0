"""Options that several commands share, declared once: the output file, the output format, and
the server's data dir and config file (with the boot that uses them)."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def output_option(help: str, **kwargs: Any) -> Callable[[F], F]:
    """-o/--output FILE."""
    return click.option(
        "-o", "--output", "output", type=click.Path(dir_okay=False), help=help, **kwargs
    )


def format_option(choices: tuple[str, ...], help: str) -> Callable[[F], F]:
    """-f/--format, the first choice by default."""
    return click.option(
        "-f",
        "--format",
        "fmt",
        type=click.Choice(choices),
        default=choices[0],
        show_default=True,
        help=help,
    )


def server_options(func: F) -> F:
    """--data-dir and --config."""
    func = click.option(
        "--config",
        "config_file",
        type=click.Path(dir_okay=False),
        help="TOML settings file (default: <data-dir>/server.toml).",
    )(func)
    return click.option(
        "--data-dir", help="Folder of the SQLite database [env PM_DATA_DIR; default pm-data]."
    )(func)


def boot_server(flags: dict[str, Any], config_file: str | None = None) -> None:
    """Settings from the flags, the environment and the config file; then Django set up."""
    from postmortems.server.bootstrap import boot
    from postmortems.server.config import load

    boot(load(flags, os.environ, config_file))


def warn_of_misspelled_variables() -> None:
    """A line on stderr for each ``PM_`` variable that is no setting but close to one."""
    from postmortems.server.config import misspelled_variables

    for variable, meant in misspelled_variables(os.environ).items():
        click.echo(
            f"warning: {variable} is not a setting and is ignored: did you mean {meant}?", err=True
        )
