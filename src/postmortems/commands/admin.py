"""`pm admin create-user`: accounts for operators without the web admin."""

from __future__ import annotations

from typing import Any

import click

from postmortems.errors import ExitCode, PostmortemsError
from postmortems.server.config import load


def run_create_user(
    username: str,
    password: str,
    *,
    email: str = "",
    team: str | None = None,
    role: str = "viewer",
    superuser: bool = False,
    flags: dict[str, Any] | None = None,
) -> int:
    import os

    from postmortems.server.accounts.roles import Role
    from postmortems.server.bootstrap import boot

    try:
        Role.from_label(role)
    except ValueError as exc:
        raise PostmortemsError(str(exc)) from None
    boot(load(flags or {}, os.environ))
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
