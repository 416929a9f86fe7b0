"""`pm import DIR`: a folder of Markdown postmortems into the server's database."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from postmortems.commands.options import boot_server, server_options
from postmortems.errors import ExitCode


@click.command("import")
@click.argument("directory", type=click.Path(file_okay=False))
@click.option(
    "--no-notify",
    is_flag=True,
    help="Tell nobody: no 'assigned to you' notices to the action items' owners (an archive).",
)
@server_options
def import_(directory: str, no_notify: bool, config_file: str | None, data_dir: str | None) -> None:
    """Load a folder of Markdown postmortems into the server (idempotent by id)."""
    sys.exit(run_import(directory, {"data_dir": data_dir}, config_file, quiet=no_notify))


def run_import(
    directory: str, flags: dict[str, Any], config_file: str | None = None, *, quiet: bool = False
) -> int:
    boot_server(flags, config_file, create=True)  # a first import makes the database
    from postmortems.server.library.transfer import import_dir

    report = import_dir(Path(directory), quiet=quiet)
    for line in report.lines():
        click.echo(line)
    return ExitCode.FINDINGS if report.failed else ExitCode.OK
