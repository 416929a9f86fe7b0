"""Demo data for ``pm serve --demo``: a small team's library, its accounts and its review work.

The postmortems are written by hand (``postmortems/*.md``, dated as if today were
:data:`ANCHOR`); :mod:`.story` moves their dates to the weeks before today and plays the review
work around them (requests, verdicts, comments, item progress), so the first screen looks like a
team's library: some drafts, reviews in progress, published postmortems, a few overdue items.
:mod:`.live` adds the team's on-call schedules (as if applied from git) and two incidents, one
resolved and one in progress. The research corpus is not loaded: ``pm import`` takes it (files
that are not postmortems are skipped there).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from postmortems.server.library.transfer import ImportReport, import_dir

HERE = Path(__file__).resolve().parent
WRITTEN = HERE / "postmortems"


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    team: str
    role: str
    superuser: bool = False

    @property
    def email(self) -> str:
        return f"{self.username}@example.com"


DEMO_USERS = (
    DemoUser("demo", "demo-postmortems", "sre", "author"),
    DemoUser("priya", "priya-postmortems", "sre", "reviewer"),
    DemoUser("sam", "sam-postmortems", "sre", "reviewer"),
    DemoUser("marcus", "marcus-postmortems", "payments", "author"),
    DemoUser("lena", "lena-postmortems", "payments", "reviewer"),
    DemoUser("viewer", "viewer-postmortems", "support", "viewer"),
    DemoUser("security", "security-postmortems", "security", "reviewer"),
    DemoUser("noor", "noor-postmortems", "security", "reviewer"),
    DemoUser("admin", "admin-postmortems", "sre", "admin", superuser=True),
)


def load_users() -> list[DemoUser]:
    from django.contrib.auth import get_user_model

    from postmortems.server.accounts.models import Membership, Team

    user_model = get_user_model()
    for spec in DEMO_USERS:
        user, created = user_model.objects.get_or_create(username=spec.username)
        if created:
            user.set_password(spec.password)
            user.email = spec.email
            user.is_superuser = user.is_staff = spec.superuser
            user.save()
        name = spec.team.upper() if len(spec.team) <= 3 else spec.team.title()  # SRE, Payments
        team, _ = Team.objects.get_or_create(slug=spec.team, defaults={"name": name})
        Membership.objects.get_or_create(user=user, team=team, defaults={"role": spec.role})
    return list(DEMO_USERS)


def strangers(most: int = 3) -> list[str]:
    """Up to ``most`` accounts the demo did not make: a database that holds any is a team's,
    and the demo must not add accounts with public passwords to it."""
    from django.contrib.auth import get_user_model

    names = [u.username for u in DEMO_USERS]
    found = get_user_model().objects.exclude(username__in=names).order_by("pk")
    return list(found.values_list("username", flat=True)[:most])


def public_password() -> str | None:
    """An active account that still has the demo's password (which the README prints), or None.
    Only accounts named as the demo's are checked: one password hash each at the most."""
    from django.contrib.auth import get_user_model

    model = get_user_model()
    for spec in DEMO_USERS:
        user = model.objects.filter(username=spec.username, is_active=True).first()
        if user is not None and user.check_password(spec.password):
            return spec.username
    return None


def load(sources: list[Path] | None = None, *, today: dt.date | None = None) -> list[ImportReport]:
    """The accounts and the written library (once); then ``sources`` (idempotent imports)."""
    from django.utils import timezone

    from postmortems.server.demo import live, story

    load_users()
    now = timezone.now()
    story.play(WRITTEN, today or now.date(), now)
    live.play(now)
    return [import_dir(src) for src in sources or []]
