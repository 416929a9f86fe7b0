"""`pm admin`: accounts, API tokens and alert integrations for operators without the web admin."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from postmortems.commands.options import boot_server, format_option, server_options
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
    boot_server({"data_dir": data_dir}, config_file)
    from django.contrib.auth.models import User
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from postmortems.server.accounts.models import (
        account_named,
        account_with_email,
        create_account,
        username_refusal,
    )
    from postmortems.server.accounts.models import set_role as set_team_role

    if team:
        _check_team(team, "'--team'")
    refusal = username_refusal(username)
    if refusal:
        raise click.BadParameter(refusal, param_hint="'USERNAME'")
    taken = account_named(username)
    if taken is not None:
        raise PostmortemsError(
            f"user {taken.username!r} already exists",
            hint="pick another name, or give that account a role: pm admin set-role",
        )
    holder = account_with_email(email) if email else None
    if holder is not None:
        raise PostmortemsError(
            f"{email} is the email of the account {holder.username!r} already",
            hint=f"give that account a role (pm admin set-role {holder.username} TEAM ROLE) "
            "or use another email",
        )
    try:  # the validators of the password-change page (docs/deploying.md)
        validate_password(password, User(username=username, email=email))
    except ValidationError as exc:
        raise click.BadParameter(" ".join(exc.messages), param_hint="'--password'") from None
    user = create_account(username, password, email=email, superuser=superuser)
    if team:
        set_team_role(user, team, role)
    click.echo(f"created user {username}" + (f" ({role} in {team})" if team else ""))
    sys.exit(ExitCode.OK)


def _check_team(team: str, hint: str) -> None:
    """A team is named by its slug in every URL (``/teams/sre/``): anything else is refused."""
    from postmortems.server.accounts.models import team_slug_refusal

    refusal = team_slug_refusal(team)
    if refusal:
        raise click.BadParameter(refusal, param_hint=hint)


@admin.command("set-role")
@click.argument("username")
@click.argument("team")
@click.argument("role", type=click.Choice(["viewer", "author", "reviewer", "admin", "none"]))
@server_options
def set_role(
    username: str, team: str, role: str, config_file: str | None, data_dir: str | None
) -> None:
    """Give USERNAME the ROLE in TEAM (the team is created if missing); `none` takes the
    membership away."""
    boot_server({"data_dir": data_dir}, config_file)
    from django.contrib.auth.models import User

    from postmortems.server.accounts.models import Membership, Team
    from postmortems.server.accounts.models import set_role as set_team_role

    _check_team(team, "'TEAM'")

    user = User.objects.filter(username=username).first()
    if user is None:
        raise PostmortemsError(
            f"no user {username!r}", hint="create it first: pm admin create-user"
        )
    if role == "none":
        gone, _ = Membership.objects.filter(user=user, team__slug=team).delete()
        click.echo(
            f"{username} is no longer in {team}" if gone else f"{username} was not in {team}"
        )
    else:
        new_team = not Team.objects.filter(slug=team).exists()
        set_team_role(user, team, role)
        click.echo(f"{username} is {role} in {team}" + (" (a new team)" if new_team else ""))
    sys.exit(ExitCode.OK)


@admin.command("reindex")
@server_options
def reindex(config_file: str | None, data_dir: str | None) -> None:
    """Read every postmortem again: the search index (comments too) and the derived columns."""
    sys.exit(run_reindex(flags={"data_dir": data_dir}, config_file=config_file))


def run_reindex(*, flags: dict[str, Any] | None = None, config_file: str | None = None) -> int:
    boot_server(flags or {}, config_file)
    from django.db import transaction

    from postmortems.server.library import fulltextindex
    from postmortems.server.workflow import comments

    unreadable: list[str] = []
    with transaction.atomic():  # searches see the old index until the new one is complete
        count = fulltextindex.reindex(unreadable=unreadable)
        commented = comments.index_notes()
    click.echo(f"indexed {count} postmortem{'s' * (count != 1)} ({commented} with comments)")
    for line in unreadable:  # its columns are as it was saved: a newer reader refuses its text
        click.echo(f"not read again: {line} — open it in the editor and fix it", err=True)
    return ExitCode.FINDINGS if unreadable else ExitCode.OK


@admin.command("create-integration")
@click.argument("name")
@click.option("--kind", type=click.Choice(["alertmanager", "grafana", "generic"]), required=True)
@click.option("--team", default="", help="Team of the incidents and alerts it brings.")
@click.option(
    "--auth",
    type=click.Choice(["bearer", "hmac"]),
    default="bearer",
    show_default=True,
    help="How senders prove themselves: Authorization: Bearer, or an X-PM-Signature HMAC.",
)
@click.option(
    "--restricted", is_flag=True, help="Incidents it opens are seen by --team only (give it)."
)
@click.option(
    "--timezone",
    default="UTC",
    show_default=True,
    help="IANA zone of the incidents it opens (their timeline and postmortem read in it).",
)
@format_option(("text", "json"), "Output format.")
@server_options
def create_integration(
    name: str,
    kind: str,
    team: str,
    auth: str,
    restricted: bool,
    timezone: str,
    fmt: str,
    config_file: str | None,
    data_dir: str | None,
) -> None:
    """Create an alert integration; print its endpoint path and its secret (shown once)."""
    boot_server({"data_dir": data_dir}, config_file)
    from postmortems.server.incidents import integrations

    integration, secret = integrations.create(
        name, kind, team=team, auth=auth, restricted=restricted, timezone=timezone
    )
    if fmt == "json":
        click.echo(json.dumps({"path": integration.path, "secret": secret}))
    else:
        click.echo(f"endpoint: {integration.path}")
        click.echo(f"secret:   {secret}")
    sys.exit(ExitCode.OK)


@admin.command("create-token")
@click.argument("username")
@click.option("--name", default="cli", show_default=True, help="Tells tokens apart.")
@click.option(
    "--scope",
    type=click.Choice(["write", "read"]),
    help="write: read and write (not for a viewer); read: GET only. Default: write for a user "
    "whose role writes, read for a viewer.",
)
@server_options
def create_token(
    username: str, name: str, scope: str | None, config_file: str | None, data_dir: str | None
) -> None:
    """Create an API token for USERNAME; the token is the last word printed."""
    boot_server({"data_dir": data_dir}, config_file)
    from django.contrib.auth import get_user_model

    from postmortems.server.accounts.models import ApiToken

    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise PostmortemsError(
            f"no active user {username!r}", hint="create it first: pm admin create-user"
        )
    scope = token_scope(user, scope)
    _, raw = ApiToken.issue(user, name[:100], scope=scope)
    click.echo(f"{scope} token for {username}: {raw}")
    sys.exit(ExitCode.OK)


def token_scope(user: Any, asked: str | None) -> str:
    """The scope of a new token: what was asked, within what the user's role may do (a token
    never does more than its owner's role: a viewer's is read-only, as on the tokens page)."""
    from postmortems.server.accounts.access import access_of
    from postmortems.server.accounts.roles import Action

    access = access_of(user)
    if access.may(Action.WRITE):
        return asked or "write"
    if asked == "write":
        what = f"a {access.role.label}" if access.role else "in no team"
        raise PostmortemsError(
            f"{user.username} is {what} and may not write: a write token would do more than "
            "their role",
            hint=f"give --scope read, or first give them a role that writes "
            f"(pm admin set-role {user.username} TEAM author)",
        )
    return "read"


@admin.command("check")
@server_options
def check(config_file: str | None, data_dir: str | None) -> None:
    """Django's deployment checks (`check --deploy`) on the settings `pm serve` would use with
    the same --data-dir, --config and environment; exit 1 when one has something to say."""
    sys.exit(run_check({"data_dir": data_dir}, config_file))


def run_check(flags: dict[str, Any], config_file: str | None) -> int:
    import os

    from postmortems.server.bootstrap import boot
    from postmortems.server.config import load

    boot(load(flags, os.environ, config_file), migrate=False)  # settings only: no database
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    try:
        call_command("check", deploy=True, fail_level="WARNING")
    except SystemCheckError as exc:
        click.echo(str(exc).removeprefix("SystemCheckError: ").strip(), err=True)
        return ExitCode.FINDINGS
    return ExitCode.OK
