"""Invitations: an account a team's admin makes for someone, with a link to set its password.

The account has no usable password until its person opens the link and chooses one. The link is
Django's password-reset token (``default_token_generator``): it works for ``invite_days``
(``PASSWORD_RESET_TIMEOUT``) and once, since setting the password (and signing in) changes what it
was made from. A new link sets a new unusable password first, which ends the older ones.

Each invitation (and new link) is an ``Invitation`` row: one person makes at most
``invites_per_hour`` of them an hour. Its email is a background task (``accounts/tasks.py``)
queued in the request's transaction: the worker makes the link again (the same account, so it
works as the one shown does, and ends with it) and sends it; a newer link, or a password set
meanwhile, stops it. The task is given the row's id and the address the inviter used, never
the token, which is thus in no task row either.

The link is a credential: it is shown once to the inviter and mailed to the person when the
server sends mail (``email_backend`` other than the console's, which would print it), never
logged (``logfilters.SECRET_PATH`` takes it out of a logged path).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.http import HttpRequest
from django.urls import get_script_prefix, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from postmortems.server import outbox
from postmortems.server.accounts.access import Access
from postmortems.server.accounts.models import Invitation, Membership
from postmortems.server.accounts.tasks import mail_invitation
from postmortems.server.config import absolute_url, current
from postmortems.server.mailsubject import subject

# Backends that send nothing: the console's prints the message (the link) to the server's log.
NOT_SENDING = frozenset(
    {
        "django.core.mail.backends.console.EmailBackend",
        "django.core.mail.backends.dummy.EmailBackend",
    }
)
QUEUED, SENT = "queued", "sent"
HOUR = dt.timedelta(hours=1)


@dataclass(frozen=True)
class Invited:
    """What the inviter is shown once: whom, where, the link, and whether it is being mailed."""

    username: str
    email: str
    team: str
    role: str
    link: str
    days: int
    queued: bool
    why: str = ""  # why it is not mailed


def site_of(request: HttpRequest) -> str:
    """Where links point: '' for ``public_url``, else the address the inviter used (with the
    sub-path the server is under), which a worker cannot know by itself."""
    if current().public_url:
        return ""
    return request.build_absolute_uri(get_script_prefix()).removesuffix("/")


def link_for(site: str, user: User) -> str:
    """A new link to set ``user``'s password, on ``site`` (:func:`site_of`)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse("accept_invite", args=[uid, default_token_generator.make_token(user)])
    return site + path.removeprefix(get_script_prefix()[:-1]) if site else absolute_url(path)


def refusal(inviter: int | None, now: dt.datetime) -> str:
    """Why account ``inviter`` may not invite anyone now ('' when they may): they made
    ``invites_per_hour`` invitations in the hour before ``now``. Called in a transaction, whose
    end it waits for when the same inviter invites at once elsewhere (their row is locked), so
    two cannot both take the last."""
    list(User.objects.select_for_update().filter(id=inviter or 0).values_list("pk"))
    limit = current().invites_per_hour
    made = Invitation.objects.filter(inviter_id=inviter, created__gt=now - HOUR)
    times = list(made.order_by("-created").values_list("created", flat=True)[:limit])
    if len(times) < limit:
        return ""
    again = times[-1] + HOUR
    minutes = -(-(again - now) // dt.timedelta(minutes=1))
    return (
        f"you made {_counted(limit, 'invitation')} in the last hour, the most this server "
        f"allows (setting invites_per_hour): you may invite again at {again:%H:%M} UTC, "
        f"in {_counted(minutes, 'minute')}"
    )


def _counted(n: int, what: str) -> str:
    return f"{n} {what}{'s' if n != 1 else ''}"


def issue(request: HttpRequest, user: User, team: str, role: str, now: dt.datetime) -> Invited:
    """A new link for ``user`` (older ones stop working), mailed by a worker when the server
    sends mail."""
    site = site_of(request)
    why = _unmailable(user)
    with transaction.atomic():
        user.set_unusable_password()
        user.save(update_fields=["password"])
        row = Invitation.objects.create(
            inviter=request.user if isinstance(request.user, User) else None,
            user=user,
            team=team,
            role=role,
            created=now,
            mail=f"not sent: {why}" if why else QUEUED,
        )
        if not why:
            mail_invitation.enqueue(row.pk, site)
    link, days = link_for(site, user), current().invite_days
    return Invited(user.username, user.email, team, role, link, days, not why, why)


def _unmailable(user: User) -> str:
    """Why ``user``'s link cannot be mailed ('' when it can)."""
    if current().email_backend in NOT_SENDING:
        return "this server sends no email (setting email_backend)"
    return "" if user.email else "they have no email address"


def mail(invitation_id: int, site: str) -> str:
    """The worker's part: email invitation ``invitation_id``'s link, unless a newer link or a
    password set meanwhile ended it; '' when sent or not needed, else why it failed (never the
    link). The row says what became of it."""
    row = Invitation.objects.filter(pk=invitation_id).select_related("user", "inviter").first()
    if row is None:  # the account was deleted
        return ""
    user = row.user
    if Invitation.objects.filter(user=user, pk__gt=row.pk).exists():
        return _record(row, "not sent: a newer link replaced it")
    if not user.is_active:
        return _record(row, "not sent: the account is inactive")
    if not awaits_password(user):
        return _record(row, "not sent: they have chosen a password already")
    conf = current()
    said = f"{row.inviter.get_username() if row.inviter else 'An admin'} invited you to postmortems"
    said += f" ({row.role} in {row.team})"
    body = (
        f"{said}.\n\nYour user name: {user.username}\n"
        f"Choose your password here (the link works once, for {conf.invite_days} days):\n\n"
        f"{link_for(site, user)}\n\nIf it has expired, ask the team's admin for a new one.\n"
    )
    problem = outbox.send(
        [(subject(said), body, conf.email_from, [user.email])], conf.email_backend
    )
    why = f"sending failed: {problem.removeprefix('email: ')}" if problem else ""
    _record(row, f"not sent: {why}" if why else SENT)
    return why


def _record(row: Invitation, mail: str) -> str:
    """Write what became of ``row``'s email (cut to its column: PostgreSQL refuses more)."""
    Invitation.objects.filter(pk=row.pk).update(mail=mail[: Invitation.mail.field.max_length])
    return ""


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


def last_mails(users: list[User]) -> dict[int, str]:
    """What became of the email of each of ``users``' last invitation (user id: queued, sent, or
    why not), in one query."""
    rows = Invitation.objects.filter(user__in=users).order_by("user_id", "-pk")
    found: dict[int, str] = {}
    for user_id, mail in rows.values_list("user_id", "mail"):
        found.setdefault(user_id, mail)
    return found


def welcome(user: User) -> str:
    """What the invited person reads once in: their teams and roles."""
    rows = Membership.objects.filter(user=user).select_related("team").order_by("team__slug")
    where = ", ".join(f"{m.role} in {m.team.slug}" for m in rows)
    return f"Welcome, {user.username}: your password is set" + (
        f"; you are {where}." if where else "."
    )
