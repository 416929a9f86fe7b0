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
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import psycopg

from postmortems.server.config import DEMO_SECRET, ServerSettings
from postmortems.server.djangoconf import DJANGO_ONLY_OPTIONS, SQLITE_NAME, database

if TYPE_CHECKING:  # the package is imported before Django starts (its guard, `strangers`)
    from postmortems.server.library.transfer import ImportReport

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


def strangers(settings: ServerSettings, most: int = 3) -> list[str]:
    """Up to ``most`` accounts the demo did not make: a database that holds any is a team's,
    and the demo must not add accounts with public passwords to it.

    Read before anything is written (no key file, no migration), with the database's own
    driver, so that a refused ``--demo`` leaves a team's folder and database as they were. A
    folder the demo made (its key file, SQLite in it) is the demo's, whoever its admin added.
    """
    names = [u.username for u in DEMO_USERS]
    if not settings.database_url:
        path = settings.data_path / SQLITE_NAME
        if (settings.data_path / DEMO_SECRET).is_file() or not path.is_file():
            return []
        with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as db:
            if not db.execute(_SQLITE_HAS_USERS).fetchone():
                return []
            marks = ",".join("?" * len(names))
            query = f"SELECT username FROM auth_user WHERE username NOT IN ({marks}) ORDER BY id"
            return [row[0] for row in db.execute(f"{query} LIMIT ?", (*names, most))]
    conf = database(settings)
    params = {k: v for k, v in conf["OPTIONS"].items() if k not in DJANGO_ONLY_OPTIONS}
    try:
        with psycopg.connect(
            dbname=conf["NAME"],
            user=conf["USER"] or None,
            password=conf["PASSWORD"] or None,
            host=conf["HOST"] or None,
            port=conf["PORT"] or None,
            **params,
        ) as db:
            row = db.execute("SELECT to_regclass('auth_user')").fetchone()
            if row is None or row[0] is None:
                return []
            query = "SELECT username FROM auth_user WHERE NOT (username = ANY(%s)) ORDER BY id"
            return [r[0] for r in db.execute(f"{query} LIMIT %s", (names, most))]
    except psycopg.Error:
        return []  # unreachable: the start that follows says so, before writing anything


_SQLITE_HAS_USERS = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'auth_user'"


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
    from postmortems.server.library.transfer import import_dir

    load_users()
    now = timezone.now()
    story.play(WRITTEN, today or now.date(), now)
    live.play(now)
    return [import_dir(src) for src in sources or []]
