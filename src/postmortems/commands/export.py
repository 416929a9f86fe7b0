"""`pm export DIR`: every postmortem on the server as a Markdown file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from postmortems.commands.options import boot_server, server_options
from postmortems.errors import ExitCode, PostmortemsError


@click.command()
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--as-user", help="Export only what this user may see.")
@click.option("--canonical", is_flag=True, help="Rewrite through the canonical writer.")
@server_options
def export(
    directory: str,
    as_user: str | None,
    canonical: bool,
    config_file: str | None,
    data_dir: str | None,
) -> None:
    """Write every postmortem on the server as a Markdown file under DIRECTORY."""
    flags = {"data_dir": data_dir}
    sys.exit(run_export(directory, flags, as_user=as_user, canonical=canonical, config=config_file))


def run_export(
    directory: str,
    flags: dict[str, Any],
    *,
    as_user: str | None,
    canonical: bool,
    config: str | None = None,
) -> int:
    boot_server(flags, config)
    from django.contrib.auth import get_user_model

    from postmortems.server.accounts.access import access_of
    from postmortems.server.library.transfer import export_dir

    access = None
    if as_user:
        user = get_user_model().objects.filter(username=as_user).first()
        if user is None:
            raise PostmortemsError(f"no user {as_user!r}", hint="check the name with the admin")
        access = access_of(user)
    report = export_dir(Path(directory), access, canonical=canonical)
    for path in report.kept:
        click.echo(
            f"kept {path}: it changed since the last export (or no export wrote it) — import it, "
            "or move it away, then export again",
            err=True,
        )
    for path in report.outside:
        click.echo(
            f"not written {path}: its folder is a link out of {directory} — remove the link, "
            "then export again",
            err=True,
        )
    count = len(report.written)
    click.echo(f"exported {count} postmortem{'s' if count != 1 else ''} to {directory}")
    return ExitCode.FINDINGS if report.kept or report.outside else ExitCode.OK
