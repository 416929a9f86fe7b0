"""Options that several commands share, declared once: the output file, the output format, and
the server's data dir and config file (with the boot that uses them)."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from postmortems.server.config import ServerSettings

F = TypeVar("F", bound=Callable[..., Any])


def counted(count: int, one: str, many: str | None = None) -> str:
    """``1 file``, ``3 files``: a count with its noun."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


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


def boot_server(
    flags: dict[str, Any], config_file: str | None = None, *, create: bool = False
) -> ServerSettings:
    """Settings from the flags, the environment and the config file; then Django set up on
    the database, which must exist unless ``create`` (`pm import`; `pm serve` boots itself)."""
    from postmortems.server.bootstrap import boot
    from postmortems.server.config import load

    settings = load(flags, os.environ, config_file)
    boot(settings, create=create)
    return settings


def warn_of_local_links(settings: ServerSettings) -> None:
    """One line when notification links would point at this machine: `pm worker` and
    `pm remind` build them but do not know where `pm serve` listens or is reached."""
    from postmortems.server.config import base_url

    if not settings.public_url and not settings.demo:
        click.echo(
            f"warning: notification links start with {base_url(settings)}/ as public_url is "
            "not set: set PM_PUBLIC_URL to the address people open (https://pm.example.com)",
            err=True,
        )


def warn_of_misspelled_variables() -> None:
    """A line on stderr for each ``PM_`` variable that is no setting but close to one."""
    from postmortems.server.config import misspelled_variables

    for variable, meant in misspelled_variables(os.environ).items():
        click.echo(
            f"warning: {variable} is not a setting and is ignored: did you mean {meant}?", err=True
        )


def warn_of_exposed_secrets(flags: dict[str, Any], config_file: str | None) -> None:
    """One line when the settings file (the one :func:`load` read with these ``flags``) holds a
    secret and every account on the machine may read it."""
    from postmortems.server.config import exposed_secrets, settings_file

    path = settings_file({k: v for k, v in flags.items() if v is not None}, os.environ, config_file)
    if names := exposed_secrets(path):
        click.echo(
            f"warning: {path} holds {', '.join(names)} and every account on this machine may "
            "read it: make it readable by the service's account only (chmod 600, or 640 with "
            "the service's group)",
            err=True,
        )
