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

from django.conf import settings
from django.core.mail import get_connection, send_mail

from postmortems.server.config import ServerSettings
from postmortems.server.library.models import Postmortem
from postmortems.server.workflow import webhooks
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


def server_settings() -> ServerSettings:
    found = getattr(settings, "PM_SETTINGS", None)
    return found if isinstance(found, ServerSettings) else ServerSettings()


def page_url(pm: Postmortem | None) -> str:
    base = server_settings().public_url.rstrip("/")
    return f"{base}/p/{pm.key}/" if pm is not None else base + "/"


def notify(
    kind: Kind,
    pm: Postmortem | None,
    users: Iterable[Any],
    text: str,
    *,
    now: dt.datetime,
    key: str = "",
) -> Delivery | None:
    """Send ``text`` to ``users`` by email and to every webhook; None when ``key`` was sent."""
    if key and Delivery.objects.filter(key=key).exists():
        return None
    conf = server_settings()
    emails = sorted({u.email for u in users if getattr(u, "email", "")})
    url = page_url(pm)
    problems = []
    if emails:
        try:
            connection = get_connection(backend=conf.email_backend)
            send_mail(
                f"[postmortems] {text}",
                f"{text}\n\n{url}\n",
                conf.email_from,
                emails,
                connection=connection,
            )
        except Exception as exc:  # any backend failure is recorded, not raised
            problems.append(f"email: {exc}")
    pm_key = pm.key if pm is not None else ""
    for hook in conf.webhook_urls:
        outcome = webhooks.post(
            hook, webhooks.slack_body(text, url, kind.value, pm_key), conf.webhook_secret
        )
        if not outcome.ok:
            problems.append(f"{hook}: {outcome.error} after {outcome.attempts} attempts")
    for problem in problems:
        log.warning("notification %s not delivered: %s", kind.value, problem)
    return Delivery.objects.create(
        key=key or f"{kind.value}:{pm_key}:{uuid.uuid4().hex}",
        kind=kind.value,
        postmortem=pm,
        recipients=",".join(emails),
        created=now,
        ok=not problems,
        detail="\n".join(problems),
    )
