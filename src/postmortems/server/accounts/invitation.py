"""Invitations: an account a team's admin makes for someone, with a link to set its password.

The account has no usable password until its person opens the link and chooses one. The link is
Django's password-reset token (``default_token_generator``): it works for ``invite_days``
(``PASSWORD_RESET_TIMEOUT``) and once, since setting the password (and signing in) changes what it
was made from. A new link sets a new unusable password first, which ends the older ones.

The link is a credential: it is shown once to the inviter and mailed to the person when the
server sends mail (``email_backend`` other than the console's, which would print it), never
logged (``logfilters.SECRET_PATH`` takes it out of a logged path).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.http import HttpRequest
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from postmortems.server import outbox
from postmortems.server.accounts.access import Access
from postmortems.server.accounts.models import Membership
from postmortems.server.config import absolute_url, current
from postmortems.server.mailsubject import subject

# Backends that send nothing: the console's prints the message (the link) to the server's log.
NOT_SENDING = frozenset(
    {
        "django.core.mail.backends.console.EmailBackend",
        "django.core.mail.backends.dummy.EmailBackend",
    }
)


@dataclass(frozen=True)
class Invited:
    """What the inviter is shown once: whom, where, the link, and whether it was mailed."""

    username: str
    email: str
    team: str
    role: str
    link: str
    days: int
    mailed: bool
    why: str = ""  # why it was not mailed


def link_for(request: HttpRequest, user: User) -> str:
    """A new link to set ``user``'s password, on ``public_url`` when set, else on the address
    the inviter used (with the sub-path the server is under)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse("accept_invite", args=[uid, default_token_generator.make_token(user)])
    return absolute_url(path) if current().public_url else request.build_absolute_uri(path)


def issue(request: HttpRequest, user: User, team: str, role: str) -> Invited:
    """A new link for ``user`` (older ones stop working), mailed when the server sends mail."""
    user.set_unusable_password()
    user.save(update_fields=["password"])
    link = link_for(request, user)
    days = current().invite_days
    inviter = request.user.get_username()
    why = _mail(user, f"{inviter} invited you to postmortems ({role} in {team})", link, days)
    return Invited(user.username, user.email, team, role, link, days, not why, why)


def _mail(user: User, said: str, link: str, days: int) -> str:
    """Email the link to ``user``; '' when sent, else why not (never the link or the text)."""
    conf = current()
    if conf.email_backend in NOT_SENDING:
        return "this server sends no email (setting email_backend)"
    if not user.email:
        return "they have no email address"
    body = (
        f"{said}.\n\nYour user name: {user.username}\n"
        f"Choose your password here (the link works once, for {days} days):\n\n{link}\n\n"
        "If it has expired, ask the team's admin for a new one.\n"
    )
    problem = outbox.send(
        [(subject(said), body, conf.email_from, [user.email])], conf.email_backend
    )
    return f"sending failed: {problem.removeprefix('email: ')}" if problem else ""


def awaits_password(user: User) -> bool:
    """Invited and not in yet: active, never signed in, no usable password."""
    return user.is_active and user.last_login is None and not user.has_usable_password()


def may_relink(access: Access, user: User, teams: list[str]) -> bool:
    """Whether ``access`` may make a new link for ``user``, a member of ``teams``: a superuser
    may for anyone awaiting a password; a team's admin only for someone of the teams they run
    (no link to an account with rights elsewhere), who is no staff."""
    if not awaits_password(user):
        return False
    if access.superuser:
        return True
    return not user.is_staff and all(access.runs(t) for t in teams)


def teams_of(users: list[User]) -> dict[int, list[str]]:
    """Every team of each of ``users`` (user id: slugs), in one query."""
    found: dict[int, list[str]] = {u.pk: [] for u in users}
    rows = Membership.objects.filter(user__in=users).values_list("user_id", "team__slug")
    for user_id, slug in rows:
        found[user_id].append(slug)
    return found


def welcome(user: User) -> str:
    """What the invited person reads once in: their teams and roles."""
    rows = Membership.objects.filter(user=user).select_related("team").order_by("team__slug")
    where = ", ".join(f"{m.role} in {m.team.slug}" for m in rows)
    return f"Welcome, {user.username}: your password is set" + (
        f"; you are {where}." if where else "."
    )
