"""What a page's notification says: the email's subject and body, and the webhook's text.

A page for an incident is told from the incident: ``[SEV1] INC-2026-0003 Checkout 502s`` as the
subject, and in the body its severity, status, services and link, the alert that paged (its
description, runbook and source links) and the acknowledgement link. The incident is told only
to a person who may see it. Anyone else paged for it (a routing rule or an escalation policy
pages whoever is on call, reader or not: the outage needs them) gets its key, that it is
restricted, and what to do — ``Restricted incident INC-12 needs you``, ask its commander for
access, whose incident page says who was paged and cannot see it (:mod:`.unseen`) — and the
links to their page and to the incident. A webhook post, which lands in shared channels, names a
restricted incident by its key only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.urls import reverse

from postmortems.server.config import absolute_url
from postmortems.server.oncall.models import Notification, Page, Schedule
from postmortems.server.oncall.unseen import restricted_summary
from postmortems.server.oncall.visibility import through_schedule
from postmortems.server.weburl import is_web_url

LONGEST_DESCRIPTION = 2000  # characters of an alert's description in the body


@dataclass(frozen=True, slots=True)
class Told:
    """A notification's words: the email's subject (before the server's prefix) and body, and
    the one line a webhook post carries."""

    subject: str
    body: str
    line: str
    named: bool = True  # the line may name who was paged (not a restricted schedule's on-call)


def incident_of(page: Page) -> Any:
    """The incident ``page`` is for (None: none, or the incidents app is not installed)."""
    if not page.incident_key or not apps.is_installed("postmortems.server.incidents"):
        return None
    from postmortems.server.incidents.models import Incident

    return Incident.objects.filter(key=page.incident_key).first()


def may_read(username: str, incident: Any) -> bool:
    """Whether the active account ``username`` may see ``incident``."""
    from django.contrib.auth.models import User

    from postmortems.server.accounts.access import access_of
    from postmortems.server.incidents import rights

    account = User.objects.filter(username=username, is_active=True).first()
    return account is not None and rights.sees(access_of(account), incident)


def told(row: Notification, ack: str) -> Told:
    """What notification ``row`` says, with the acknowledgement link ``ack``."""
    page = row.page
    incident = incident_of(page)
    why = f"You are paged: {row.reason}." if row.reason else "You are paged."
    closing = ["", "Acknowledge (opens a confirmation page):", ack, ""]
    whom, named = _whom(row)
    said = _message(page)
    if incident is None:
        line = f"Page #{page.pk}: {page.summary} — {whom}" + (f" — {said}" if said else "")
        key = [f"Incident: {page.incident_key}"] if page.incident_key else []
        body = [why, *_lines(said), "", page.summary, *key, *closing]
        return Told(f"PAGE: {page.summary}", "\n".join(body), line, named)
    link = absolute_url(reverse("incidents:detail", args=[incident.key]))
    if incident.restricted:  # a shared channel hears its key only, not the pager's words
        line = f"Page #{page.pk}: {incident.key} (restricted) — {whom}"
    else:
        line = f"Page #{page.pk}: [{incident.severity}] {_title(incident)} — {whom}"
        line += f" — {said}" if said else ""
    if not may_read(row.user, incident):  # nothing of it, the pager's words neither
        return _unseeing(row, incident, link, line, named, [why, ""], closing)
    facts = [*_facts(incident, link), *_alert_lines(page, incident)]
    body = [why, *_lines(said), "", *facts, *closing]
    return Told(f"[{incident.severity}] {_title(incident)}", "\n".join(body), line, named)


def _unseeing(
    row: Notification,
    incident: Any,
    link: str,
    line: str,
    named: bool,
    opening: list[str],
    closing: list[str],
) -> Told:
    """What a person who may not see ``incident`` is told: nothing of it beyond its key and
    that it is restricted, and what to do."""
    called = restricted_summary(incident.key) if incident.restricted else f"Incident {incident.key}"
    said = (
        f"{called} needs you, and you cannot see it: sign in and ask its commander for access "
        "(the incident's page tells its readers that you were paged and cannot see it)."
    )
    page = absolute_url(reverse("oncall:page", args=[row.page.pk]))
    body = [*opening, said, f"Your page: {page}", f"Incident: {link}", *closing]
    return Told(f"{called} needs you", "\n".join(body), line, named)


def _message(page: Page) -> str:
    """Why whoever paged pages, in their words: ``Message from ivy: “need DB help”``."""
    if not page.message:
        return ""
    by = page.opened_by.get_username() if page.opened_by else ""
    return f"Message{f' from {by}' if by else ''}: “{page.message}”"


def _lines(said: str) -> list[str]:
    return [said] if said else []


def _whom(row: Notification) -> tuple[str, bool]:
    """Who was paged and why, for a shared channel, and whether it names them: a restricted
    schedule's on-call is not named, nor the schedule (as on the incident's timeline)."""
    where, name, _ = through_schedule(row.reason)
    if name and _restricted(row):
        return f"the on-call of a restricted schedule, {where}", False
    return f"{row.user}, {row.reason}", True


def _restricted(row: Notification) -> bool:
    """Whether the schedule ``row`` was paged through is restricted, or was then. A row kept
    before notifications held their schedule is read by the name its reason ends with, and
    fails closed: no schedule of that name now (renamed or deleted: it may have been
    restricted), or a restricted one (for a name cut short: one that begins so)."""
    if row.schedule_restricted is not None:
        now = row.schedule is not None and row.schedule.restricted
        return row.schedule_restricted or now
    _, name, whole = through_schedule(row.reason)
    named = (
        Schedule.objects.filter(name=name)
        if whole
        else Schedule.objects.filter(name__startswith=name)
    )
    return not named.exists() or named.filter(restricted=True).exists()


def _title(incident: Any) -> str:
    return f"{incident.key} {incident.title}"


def _facts(incident: Any, link: str) -> list[str]:
    lines = [
        _title(incident),
        f"Severity: {incident.severity}",
        f"Status: {incident.status}",
    ]
    if incident.services:
        lines.append(f"Services: {', '.join(incident.services)}")
    return [*lines, f"Incident: {link}"]


def _alert_lines(page: Page, incident: Any) -> list[str]:
    """The alert that opened the page: its summary, description, runbook and source links; a
    page by hand with a summary of its own: that summary."""
    if not page.alert:
        derived = page.summary == incident.key or page.summary.startswith(f"{incident.key}: ")
        return [] if derived else ["", f"Message: {page.summary}"]
    alert = incident.alerts.filter(fingerprint=page.alert).order_by("-starts_at").first()
    if alert is None:
        return []
    notes = alert.annotations or {}
    lines = ["", f"Alert: {alert.summary}"]
    description = str(notes.get("description", "")).strip()
    if description and description != alert.summary:
        lines.append(description[:LONGEST_DESCRIPTION])
    runbook = str(notes.get("runbook_url") or notes.get("runbook") or "")
    if is_web_url(runbook, longest=2000):
        lines.append(f"Runbook: {runbook}")
    if alert.web_link:
        lines.append(f"Source: {alert.web_link}")
    return lines
