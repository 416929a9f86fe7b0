"""Demo data for ``pm serve --demo``: example postmortems, teams and accounts to log in with."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from postmortems.server.library.transfer import ImportReport, import_dir

REPO = Path(__file__).resolve().parents[4]


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    team: str
    role: str
    superuser: bool = False


DEMO_USERS = (
    DemoUser("demo", "demo-postmortems", "sre", "author"),
    DemoUser("viewer", "viewer-postmortems", "support", "viewer"),
    DemoUser("security", "security-postmortems", "security", "reviewer"),
    DemoUser("admin", "admin-postmortems", "sre", "admin", superuser=True),
)

RESTRICTED_EXAMPLE = """\
---
title: Leaked staging credentials in a public gist
id: PM-DEMO-SEC-1
status: in-review
severity: SEV2
services: [auth]
tags: [security]
teams: [security]
restricted: true
timezone: UTC
started: 2024-05-02T09:10Z
resolved: 2024-05-02T11:40Z
---
## Issue Summary

From 09:10 to 11:40 UTC staging credentials were readable in a public gist. Only members of the
security team can see this postmortem.

## Timeline

- 09:10 UTC - A developer pasted a config file into a public gist.
- 10:55 UTC - Secret scanning alerted the security team.
- 11:40 UTC - Credentials rotated and the gist deleted.

## Root Cause and Resolution

Copying a local config file that held credentials. Rotated all staging credentials.

## Corrective and Preventative Measures

- [ ] Add a pre-commit secret scanner to every repository (owner: @security, due: 2024-06-01)
"""


def default_sources() -> list[Path]:
    return [
        p for p in (REPO / "examples", REPO.parent / "shared" / "corpus" / "docs") if p.is_dir()
    ]


def load_users() -> list[DemoUser]:
    from django.contrib.auth import get_user_model

    from postmortems.server.accounts.models import Membership, Team

    user_model = get_user_model()
    for spec in DEMO_USERS:
        user, created = user_model.objects.get_or_create(username=spec.username)
        if created:
            user.set_password(spec.password)
            user.is_superuser = user.is_staff = spec.superuser
            user.save()
        team, _ = Team.objects.get_or_create(slug=spec.team, defaults={"name": spec.team.title()})
        Membership.objects.get_or_create(user=user, team=team, defaults={"role": spec.role})
    return list(DEMO_USERS)


def load(sources: list[Path] | None = None) -> list[ImportReport]:
    """Idempotent: running it again changes nothing."""
    from postmortems.server.library import store
    from postmortems.server.library.models import Postmortem

    load_users()
    reports = [import_dir(src) for src in (sources if sources is not None else default_sources())]
    if not Postmortem.objects.filter(key="PM-DEMO-SEC-1").exists():
        store.create(RESTRICTED_EXAMPLE, None, source_name="PM-DEMO-SEC-1.md")
    return reports
