"""Teams, memberships (with a role) and personal API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import models

from postmortems.document.skeleton import PROFILES
from postmortems.server.accounts.roles import ROLE_CHOICES, Role


class Team(models.Model):
    slug = models.SlugField(max_length=64, unique=True, help_text="Name used in front matter.")
    name = models.CharField(max_length=200)
    draft_profile = models.CharField(
        max_length=16,
        choices=[(p, p) for p in PROFILES],
        default="classic",
        help_text=(
            "The format of the team's postmortems: drafts from its incidents start from it, and "
            "the server's lint holds its postmortems to it."
        ),
    )
    publish_resolved_only = models.BooleanField(
        default=False,
        help_text="Its postmortems are published only when every review thread is resolved.",
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["slug"]

    def __str__(self) -> str:
        return self.slug


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=ROLE_CHOICES, default="viewer")

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["user", "team"], name="one_membership_per_team")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.team} as {self.role}"

    @property
    def role_value(self) -> Role:
        return Role.from_label(self.role)


TEAM_SLUG_RULE = "a team is a slug: letters, digits, '-' and '_' (sre, platform-db)"


def team_slug_refusal(slug: str) -> str:
    """Why ``slug`` cannot name a team ('' when it can): the ``Team.slug`` column's rules, as
    every URL names a team by it (``/teams/sre/``). `pm admin` and the new-team form ask here."""
    try:
        Team._meta.get_field("slug").run_validators(slug)
    except ValidationError as exc:
        return TEAM_SLUG_RULE if exc.error_list[0].code == "invalid" else " ".join(exc.messages)
    return "" if slug else TEAM_SLUG_RULE


def username_refusal(name: str) -> str:
    """Why ``name`` cannot be a new account's user name ('' when it can): the user model's rules
    (at most 150 letters, digits and @ . + - _). `pm admin create-user` and the invitation ask
    here; whether the name is taken is the caller's question."""
    try:
        User._meta.get_field("username").run_validators(name)
    except ValidationError as exc:
        return " ".join(exc.messages)
    return "" if name else "a user name is needed"


def account_named(name: str) -> User | None:
    """The account named ``name``, in any case: Bob is not made beside bob (the invitation and
    `pm admin create-user` ask here)."""
    return User.objects.filter(username__iexact=name).order_by("pk").first()


def account_with_email(email: str) -> User | None:
    """The account with the email ``email``, in any case: one person, one account."""
    return User.objects.filter(email__iexact=email).order_by("pk").first()


def create_account(
    username: str, password: str, *, email: str = "", superuser: bool = False
) -> User:
    """A new user; a ``superuser`` has full access, the Django admin included."""
    make = User.objects.create_superuser if superuser else User.objects.create_user
    return make(username, email=email, password=password)


def set_role(user: User, team: str, role: str) -> Membership:
    """``user`` has ``role`` in ``team`` from now on: joined, or their role changed (the team is
    created when missing, named by its slug)."""
    t, _ = Team.objects.get_or_create(slug=team, defaults={"name": team})
    membership, _ = Membership.objects.update_or_create(user=user, team=t, defaults={"role": role})
    return membership


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class ApiToken(models.Model):
    """A personal token; only its hash is stored, the raw value is shown once.

    A token reads only, or reads and writes (``scope``); it may expire; it dies when its user's
    password changes (``password_stamp`` no longer matches); it cannot create tokens.
    """

    PREFIX = "pmt_"

    class Scope(models.TextChoices):
        READ = "read"
        WRITE = "write"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12, help_text="First characters, to tell tokens apart.")
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)
    scope = models.CharField(max_length=8, choices=Scope.choices, default=Scope.WRITE)
    expires = models.DateTimeField(null=True, blank=True, help_text="Empty: never.")
    password_stamp = models.CharField(
        max_length=128, blank=True, help_text="The user's password hash, as a session keeps it."
    )

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def issue(
        cls, user: User, name: str, *, scope: str = "write", expires: dt.datetime | None = None
    ) -> tuple[ApiToken, str]:
        raw = cls.PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            name=name,
            digest=hash_token(raw),
            hint=raw[:8],
            scope=scope,
            expires=expires,
            password_stamp=user.get_session_auth_hash(),
        )
        return token, raw

    def alive(self, now: dt.datetime) -> bool:
        """Not expired, and the user's password is the one it was issued under."""
        if self.expires is not None and self.expires <= now:
            return False
        return self.password_stamp == self.user.get_session_auth_hash()


class Invitation(models.Model):
    """One invitation, or new link, made on /teams/: who made it for whom, when, and what became
    of its email. The limit of invitations an hour (``invites_per_hour``) counts these rows."""

    inviter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="invitations_made",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations"
    )
    team = models.CharField(max_length=64)
    role = models.CharField(max_length=16)
    created = models.DateTimeField()
    mail = models.CharField(
        max_length=300, help_text="queued, sent, or why the email was not sent (never the link)."
    )

    class Meta:
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["inviter", "created"], name="invitations_by_inviter")
        ]

    def __str__(self) -> str:
        return f"{self.user} to {self.team} as {self.role}"
