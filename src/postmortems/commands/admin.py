"""`pm admin create-user`: accounts for operators without the web admin."""

from __future__ import annotations

import sys
from typing import Any

import click

from postmortems.commands.options import boot_server, server_options
from postmortems.errors import ExitCode, PostmortemsError


@click.group()
def admin() -> None:
    """Operator tasks for the team server."""


@admin.command("create-user")
@click.argument("username")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--email", default="")
@click.option("--team", help="Team to add the user to (created if missing).")
@click.option(
    "--role",
    type=click.Choice(["viewer", "author", "reviewer", "admin"]),
    default="viewer",
    show_default=True,
)
@click.option("--superuser", is_flag=True, help="Full access, including the Django admin.")
@server_options
def create_user(
    username: str,
    password: str,
    email: str,
    team: str | None,
    role: str,
    superuser: bool,
    config_file: str | None,
    data_dir: str | None,
) -> None:
    """Create an account (and its team membership)."""
    flags = {"data_dir": data_dir}
    sys.exit(
        run_create_user(
            username,
            password,
            email=email,
            team=team,
            role=role,
            superuser=superuser,
            flags=flags,
            config_file=config_file,
        )
    )


def run_create_user(
    username: str,
    password: str,
    *,
    email: str = "",
    team: str | None = None,
    role: str = "viewer",
    superuser: bool = False,
    flags: dict[str, Any] | None = None,
    config_file: str | None = None,
) -> int:
    from postmortems.server.accounts.roles import Role

    try:
        Role.from_label(role)
    except ValueError as exc:
        raise PostmortemsError(str(exc)) from None
    boot_server(flags or {}, config_file)
    from django.contrib.auth import get_user_model

    from postmortems.server.accounts.models import Membership, Team

    users = get_user_model()
    if users.objects.filter(username=username).exists():
        raise PostmortemsError(
            f"user {username!r} already exists", hint="pick another name or use the admin pages"
        )
    user = users.objects.create_user(username=username, email=email, password=password)
    if superuser:
        user.is_superuser = user.is_staff = True
        user.save()
    if team:
        t, _ = Team.objects.get_or_create(slug=team, defaults={"name": team})
        Membership.objects.create(user=user, team=t, role=role)
    click.echo(f"created user {username}" + (f" ({role} in {team})" if team else ""))
    return ExitCode.OK


@admin.command("reindex")
@server_options
def reindex(config_file: str | None, data_dir: str | None) -> None:
    """Rebuild the full-text search index from every postmortem and its review comments."""
    sys.exit(run_reindex(flags={"data_dir": data_dir}, config_file=config_file))


def run_reindex(*, flags: dict[str, Any] | None = None, config_file: str | None = None) -> int:
    boot_server(flags or {}, config_file)
    from django.db import transaction

    from postmortems.server.library import fulltext
    from postmortems.server.workflow import comments

    with transaction.atomic():  # searches see the old index until the new one is complete
        count = fulltext.reindex()
        commented = comments.index_notes()
    click.echo(f"indexed {count} postmortem{'s' * (count != 1)} ({commented} with comments)")
    return ExitCode.OK
