"""Notifications: one email per recipient and one webhook post per URL, recorded as a Delivery.

A ``key`` makes a notification idempotent: ``pm remind`` run twice sends each reminder once.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
import uuid
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.urls import reverse

from postmortems.server import outbox
from postmortems.server.config import absolute_url
from postmortems.server.config import current as server_settings
from postmortems.server.library.models import Postmortem
from postmortems.server.mailsubject import subject
from postmortems.server.workflow import redact, webhooks
from postmortems.server.workflow.models import Delivery

log = logging.getLogger(__name__)


class Kind(enum.StrEnum):
    REVIEW_REQUESTED = "review-requested"
    CHANGES_REQUESTED = "changes-requested"
    APPROVED = "approved"
    PUBLISHED = "published"
    ASSIGNED = "action-item-assigned"
    DUE = "action-item-due"
    OVERDUE = "action-item-overdue"
    STAFF_ASSIGNED = "staff-review-assigned"
    REVIEW_REMINDER = "review-reminder"  # a round's reviewer who gave no verdict yet
    APPROVAL = "approval"  # an approval that does not finish the review (more are needed)
    COMMENTED = "comment"  # a new review thread
    REPLIED = "reply"  # a reply in a thread
    RESOLVED = "thread-resolved"  # a review thread resolved (to the webhooks only)


def page_url(pm: Postmortem | None) -> str:
    """The absolute URL of ``pm``'s page (or the library's): ``public_url`` + its path."""
    path = reverse("library:detail", args=[pm.key]) if pm is not None else reverse("library:list")
    return absolute_url(path)


def notify(
    kind: Kind,
    pm: Postmortem | None,
    users: Iterable[Any],
    text: str,
    *,
    now: dt.datetime,
    key: str = "",
    actor: Any = None,
) -> Delivery | None:
    """Record a delivery of ``text`` to ``users`` and a background task that sends it.

    Returns None when ``key`` was already delivered. Nothing is sent for a change that is rolled
    back (its delivery row and its task go with it). ``actor``, who made the change, is not told
    of it, whatever part they play; the delivery keeps who it was, for the inbox to name.
    """
    if key and Delivery.objects.filter(key=key).exists():
        return None
    mine = getattr(actor, "pk", None)
    users = [u for u in users if mine is None or getattr(u, "pk", None) != mine]
    emails = sorted({u.email for u in redact.may_see(pm, users) if getattr(u, "email", "")})
    delivery = Delivery.objects.create(
        key=key or f"{kind.value}:{pm.key if pm else ''}:{uuid.uuid4().hex}",
        kind=kind.value,
        postmortem=pm,
        recipients=",".join(emails),
        created=now,
        ok=False,
        detail="pending",
        actor=actor if getattr(actor, "is_authenticated", False) else None,  # the inbox names
    )
    from postmortems.server.workflow.tasks import deliver

    deliver.enqueue(delivery.pk, kind.value, pm.pk if pm is not None else None, emails, text)
    return delivery


def _still_readers(pm: Postmortem | None, emails: list[str]) -> list[str]:
    """The ``emails`` whose accounts may still read ``pm`` when the worker sends: it may have
    been restricted to other teams since the notification was queued."""
    if pm is None or not emails:
        return emails
    accounts = User.objects.filter(email__in=emails, is_active=True)
    allowed = {u.email for u in redact.may_see(pm, accounts)}
    return [e for e in emails if e in allowed]


def send(
    delivery: Delivery, kind: Kind, pm: Postmortem | None, emails: list[str], text: str
) -> list[str]:
    """Email ``emails`` and post to every webhook; the outcome is written to ``delivery``.

    Returns what could not be delivered (empty when everything was).
    """
    conf = server_settings()
    url = page_url(pm)
    problems = []
    emails = _still_readers(pm, emails)
    if emails:  # one email each: recipients do not see each other's addresses
        message = (subject(text), f"{text}\n\n{url}\n", conf.email_from)
        problem = outbox.send([(*message, [e]) for e in emails], conf.email_backend)
        problems += [problem] if problem else []  # the task raises once the webhooks are tried
    body = redact.channel_body(pm, text, url, kind.value, page_url(None))
    problems += webhooks.post_all(conf.webhook_urls, body, conf.webhook_secret)
    for problem in problems:  # each names its channel (email, webhook N) and why, never the text
        log.warning(
            "notification %s of %s not delivered: %s", kind.value, pm.key if pm else "-", problem
        )
    delivery.ok, delivery.detail = not problems, "\n".join(problems)
    Delivery.objects.filter(pk=delivery.pk).update(ok=delivery.ok, detail=delivery.detail)
    return problems
