"""Telling a person they were given a role on an incident: the channels a review request uses
(an email to them, a post to every configured webhook), recorded as a workflow ``Delivery`` and
sent by the worker.

Nobody is told of a role they took themselves. The email goes only to a person who may still
see the incident when the worker sends it; the webhook post, which lands in shared channels,
names a restricted incident by its key only.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from typing import Any

from django.contrib.auth.models import User
from django.urls import reverse

from postmortems.server import outbox
from postmortems.server.accounts.access import Access, access_of
from postmortems.server.config import absolute_url
from postmortems.server.config import current as server_settings
from postmortems.server.incidents import rights
from postmortems.server.incidents.models import Incident
from postmortems.server.mailsubject import subject
from postmortems.server.workflow import webhooks
from postmortems.server.workflow.models import Delivery

log = logging.getLogger(__name__)

KIND = "incident-role"


def tell(incident: Incident, role: str, person: str, by: str, now: dt.datetime) -> None:
    """Queue the news that ``by`` gave ``person`` the ``role`` (in the caller's transaction: a
    change rolled back tells no one); nothing when ``person`` took it themselves."""
    if not person or person == by:
        return
    from postmortems.server.incidents.tasks import tell_role

    address = User.objects.filter(username=person).values_list("email", flat=True).first()
    delivery = Delivery.objects.create(
        key=f"{KIND}:{incident.key}:{uuid.uuid4().hex}",
        kind=KIND,
        recipients=address or "",
        created=now,
        ok=False,
        detail="pending",
    )
    tell_role.enqueue(delivery.pk, incident.pk, role, person, by)


def described(access: Access, deliveries: list[Delivery]) -> dict[int, tuple[str, str]]:
    """The inbox's line of each role news (``workflow.inbox.DESCRIBED``): the incident, named and
    linked, when the reader may still see it (its key is the delivery key's second part)."""
    keys = {d.pk: d.key.split(":")[1] for d in deliveries if d.key.count(":") >= 2}
    seen = rights.visible(access).filter(key__in=set(keys.values()))
    titles = dict(seen.values_list("key", "title"))
    return {
        pk: (f"{key} {titles[key]}", reverse("incidents:detail", args=[key]))
        for pk, key in keys.items()
        if key in titles
    }


def message(incident: Incident, role: str, by: str) -> tuple[str, str]:
    """The email's subject and body: the role, who gave it, the incident and its link."""
    url = absolute_url(reverse("incidents:detail", args=[incident.key]))
    title = f"{incident.key} {incident.title}"
    lines = [
        f"{by} made you {role} of {title}.",
        "",
        f"Severity: {incident.severity}",
        f"Status: {incident.status}",
    ]
    if incident.services:
        lines.append(f"Services: {', '.join(incident.services)}")
    lines += ["", f"The incident: {url}", ""]
    return subject(f"[{incident.severity}] {title}: you are {role}"), "\n".join(lines)


def channel_body(incident: Incident, role: str, person: str, by: str) -> dict[str, Any]:
    """The webhook post: who has which role; a restricted incident by its key only."""
    url = absolute_url(reverse("incidents:detail", args=[incident.key]))
    if incident.restricted:
        text = f"A role changed on {incident.key} (restricted)"
    else:
        text = f"{by} made {person} {role} of {incident.key}: {incident.title}"
    return webhooks.slack_body(text, url, KIND, incident.key, "incident")


def send(delivery_id: int, incident_id: int, role: str, person: str, by: str) -> list[str]:
    """Email ``person`` (if they may still see the incident and have an address) and post to
    every webhook; the outcome is written to the delivery. What could not be delivered."""
    incident = Incident.objects.filter(pk=incident_id).first()
    if incident is None:  # deleted before the worker ran: nothing left to tell
        Delivery.objects.filter(pk=delivery_id).update(ok=True, detail="the incident is gone")
        return []
    conf = server_settings()
    problems = []
    account = User.objects.filter(username=person, is_active=True).first()
    if account is not None and account.email and rights.sees(access_of(account), incident):
        title, body = message(incident, role, by)
        problem = outbox.send([(title, body, conf.email_from, [account.email])], conf.email_backend)
        problems += [problem] if problem else []
    body_json = channel_body(incident, role, person, by)
    problems += webhooks.post_all(conf.webhook_urls, body_json, conf.webhook_secret)
    for problem in problems:  # each names its channel and why, never the text
        log.warning("role news of %s not delivered: %s", incident.key, problem)
    Delivery.objects.filter(pk=delivery_id).update(
        ok=not problems, detail="\n".join(problems) or "sent"
    )
    return problems
