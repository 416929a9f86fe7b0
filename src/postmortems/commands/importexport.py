"""`pm import DIR` and `pm export DIR`: files ↔ the server's database."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from postmortems.errors import ExitCode, PostmortemsError
from postmortems.server.config import load


def _boot(flags: dict[str, Any]) -> None:
    from postmortems.server.bootstrap import boot

    boot(load(flags, os.environ))


def run_import(directory: str, flags: dict[str, Any]) -> int:
    _boot(flags)
    from postmortems.server.library.transfer import import_dir

    report = import_dir(Path(directory))
    for line in report.lines():
        click.echo(line)
    return ExitCode.FINDINGS if report.failed else ExitCode.OK


def run_export(
    directory: str, flags: dict[str, Any], *, as_user: str | None, canonical: bool
) -> int:
    _boot(flags)
    from django.contrib.auth import get_user_model

    from postmortems.server.accounts.access import access_of
    from postmortems.server.library.transfer import export_dir

    access = None
    if as_user:
        user = get_user_model().objects.filter(username=as_user).first()
        if user is None:
            raise PostmortemsError(f"no user {as_user!r}", hint="check the name with the admin")
        access = access_of(user)
    written = export_dir(Path(directory), access, canonical=canonical)
    click.echo(
        f"exported {len(written)} postmortem{'s' if len(written) != 1 else ''} to {directory}"
    )
    return ExitCode.OK
