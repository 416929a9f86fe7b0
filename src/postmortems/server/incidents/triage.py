"""Alerts out of the inbox, by a person: into a new incident or an open one, or dismissed.

An alert attached by hand joins its incident as a routed alert does: the row takes the
incident, its team and its restriction, and its firing goes on the timeline where routing puts
it (its ``startsAt``, never after it was received), with routing's author, link and external id
(a payload sent again adds nothing). The entry says ``Alert attached: …`` and who attached it (the
event's ``user``); an alert that has resolved brings its ``Alert resolved: …`` too. Opening an
incident from an alert is the declaration (:func:`services.declare`) and this attachment, in one
transaction. A dismissed alert leaves the inbox with who, when and why; Undo puts it back. An
alert that fired again after its incident ended says so, and which (:func:`fired_after`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from postmortems.incident import lifecycle
from postmortems.incident import model as m
from postmortems.incident.payloads import AlertIn
from postmortems.incident.timeline import ALERT_LEADS
from postmortems.server.accounts.access import Access
from postmortems.server.incidents import ingest, rights, services
from postmortems.server.incidents.models import Alert, Dismissal, Event, Incident

ATTACHED = ALERT_LEADS[1]  # "Alert attached"


def as_received(alert: Alert) -> AlertIn:
    """The alert as its sender's payload said it (what routing read)."""
    return AlertIn(
        fingerprint=alert.fingerprint,
        status=alert.status,
        starts_at=alert.starts_at,
        ends_at=alert.ends_at,
        labels=tuple((str(k), str(v)) for k, v in (alert.labels or {}).items()),
        annotations=tuple((str(k), str(v)) for k, v in (alert.annotations or {}).items()),
        link=alert.link,
    )


def alert_events(alert: Alert) -> list[m.Event]:
    """The entries an attached alert brings: its firing (as routing would have written it, at
    the time it was received, so its ``startsAt`` at the latest) and its end when it resolved."""
    sent = as_received(alert)
    fired = ingest.fired(alert.integration, sent, alert.received)
    events = [dataclasses.replace(fired, text=f"{ATTACHED}: {sent.summary}"[:2000])]
    if alert.status == "resolved":
        events.append(ingest.ended(alert.integration, sent, alert.updated, alert.firings))
    return events


def attach_problem(alert: Alert, incident: Incident) -> str:
    """Why ``alert`` cannot join ``incident`` ('' when it can).

    An incident that ended takes no alert. A restricted alert joins only an incident restricted
    to its own team: everyone who reads the incident reads the alert's text, so the incident's
    readers must all be readers of the alert (the rule ingestion's routing keeps too)."""
    if incident.status not in lifecycle.OPEN:
        return (
            f"{incident.key} is {incident.status}: alerts join an open incident"
            " (reopen it first, or open a new incident from the alert)"
        )
    if alert.restricted and not (incident.restricted and incident.team == alert.team):
        return (
            f"this alert is restricted to team {alert.team}: it joins only an incident"
            f" restricted to team {alert.team}, whose readers may all read it"
        )
    return ""


def open_problem(alert: Alert, team: str, restricted: bool) -> str:
    """Why an incident of ``team`` (``restricted`` or not) cannot be opened from ``alert``."""
    if alert.restricted and not (restricted and team == alert.team):
        return (
            f"this alert is restricted to team {alert.team}: the incident opened from it is"
            f" restricted to team {alert.team} too (tick restricted, team {alert.team})"
        )
    return ""


def attach(alert: Alert, incident: Incident, user: Any, now: dt.datetime) -> list[Event]:
    """``alert`` joins the open ``incident``; its timeline entries, written now."""
    with transaction.atomic():
        row = _take(alert)
        problem = attach_problem(row, incident)
        if problem:
            raise m.IncidentError(problem, hint="pick another incident, or open one")
        return _join(row, incident, user, now)


def open_incident(alert: Alert, user: Any, now: dt.datetime, **declared: Any) -> Incident:
    """Declare an incident (``declared``: :func:`services.declare`'s arguments) with ``alert``
    attached to it, in one transaction: both, or neither. The incident records the alert it was
    declared from (``declared_from``); an alert attached later does not change it."""
    problem = open_problem(alert, declared.get("team", ""), bool(declared.get("restricted")))
    if problem:
        raise m.IncidentError(problem, hint="an alert's readers are its team only")
    with transaction.atomic():
        row = _take(alert)
        title = declared.pop("title")
        incident = services.declare(
            title, user, now=now, via="inbox", declared_from=row, **declared
        )
        _join(row, incident, user, now)
    return incident


def _join(alert: Alert, incident: Incident, user: Any, now: dt.datetime) -> list[Event]:
    events = alert_events(alert)
    alert.incident, alert.team, alert.restricted = incident, incident.team, incident.restricted
    alert.updated = now
    alert.save(update_fields=["incident", "team", "restricted", "updated"])
    rows = services.record(incident, events, user, now)
    Event.objects.filter(pk__in=[row.pk for row in rows]).update(alert=alert)
    for row in rows:
        row.alert = alert
    return rows


def _take(alert: Alert) -> Alert:
    """The alert's row, locked, while it is still in the inbox (else what happened to it)."""
    row = Alert.objects.select_for_update(of=("self",)).select_related("integration")
    found = row.filter(pk=alert.pk).first()
    if found is None or found.incident_id is not None:
        raise m.IncidentError(
            "this alert is in an incident already", hint="the alert's page says which"
        )
    current = in_force(found)
    if current is not None:
        raise m.IncidentError(
            f"this alert was dismissed by {services.who(current.by) or 'someone'}",
            hint="undo the dismissal first (the inbox's Dismissed list)",
        )
    return found


def in_force(alert: Alert) -> Dismissal | None:
    """The alert's dismissal that holds now (not undone), if any."""
    return alert.dismissals.filter(undone__isnull=True).select_related("by").first()


def dismiss(alert: Alert, user: Any, why: str, now: dt.datetime) -> Dismissal:
    """Take ``alert`` out of the inbox, saying who, when and why (``why`` may be empty)."""
    try:
        with transaction.atomic():
            row = _take(alert)
            return Dismissal.objects.create(alert=row, at=now, by=user, why=why.strip()[:200])
    except IntegrityError:  # dismissed at the same moment by someone else (SQLite locks no row)
        raise m.IncidentError(
            "this alert was dismissed by someone else just now", hint="reload the inbox"
        ) from None


def undo(alert: Alert, user: Any, now: dt.datetime) -> Dismissal:
    """Put a dismissed ``alert`` back in the inbox; the dismissal is kept, marked undone."""
    with transaction.atomic():
        row = Alert.objects.select_for_update().filter(pk=alert.pk).first()
        if row is None or row.incident_id is not None:
            raise m.IncidentError(
                "this alert is in an incident already", hint="the alert's page says which"
            )
        current = in_force(row)
        if current is None:
            raise m.IncidentError("this alert is in the inbox already", hint="nothing to undo")
        current.undone, current.undone_by = now, user
        current.save(update_fields=["undone", "undone_by"])
    return current


def dismissed_before(alerts: Sequence[Alert], among: QuerySet[Alert]) -> dict[int, Dismissal]:
    """For each of ``alerts``, the dismissal in force of an earlier firing of the same alert
    (its integration and fingerprint, an earlier start) among those the reader may see
    (``among``), when there is one: a new firing says it was dismissed before, by whom and why
    (one query)."""
    earlier = list(
        Dismissal.objects.filter(
            undone__isnull=True,
            alert__in=among.filter(incident__isnull=True).values("pk"),
            alert__fingerprint__in={a.fingerprint for a in alerts},
            alert__integration_id__in={a.integration_id for a in alerts},
        ).select_related("alert", "by")
    )
    found: dict[int, Dismissal] = {}
    for alert in alerts:
        same = [
            d
            for d in earlier
            if (d.alert.integration_id, d.alert.fingerprint)
            == (alert.integration_id, alert.fingerprint)
            and d.alert.starts_at < alert.starts_at
        ]
        if same:
            found[alert.pk] = max(same, key=lambda d: (d.at, d.pk))
    return found


def fired_after(alerts: Sequence[Alert], access: Access) -> dict[int, tuple[str, str]]:
    """For each of ``alerts`` that fired again after the incident it was in had ended (a later
    row of its start, whose latest earlier row is in an incident): that incident's key, '' when
    ``access`` may not see it, and how it ended (``was resolved``; ``ended`` for one reopened
    since or not seen), as ``Fired again after INC-12 was resolved`` says it (two queries, none
    without such an alert)."""
    again = [a for a in alerts if a.firings > 1]
    if not again:
        return {}
    by_start: dict[tuple[int, str, dt.datetime], list[Alert]] = {}
    for alert in again:
        start = (alert.integration_id, alert.fingerprint, alert.starts_at)
        by_start.setdefault(start, []).append(alert)
    rows = Alert.objects.filter(
        incident__isnull=False,
        integration_id__in={a.integration_id for a in again},
        fingerprint__in={a.fingerprint for a in again},
        starts_at__in={a.starts_at for a in again},
    ).order_by("firings")
    columns = ("integration_id", "fingerprint", "starts_at", "firings", "incident_id")
    earlier: dict[int, int] = {}
    for integration, fingerprint, start, firings, incident in rows.values_list(*columns):
        for alert in by_start.get((integration, fingerprint, start), []):
            if firings < alert.firings:  # the latest earlier row of its start names it
                earlier[alert.pk] = incident
    seen = {
        pk: (key, ingest.after_ended(status) if status in lifecycle.ENDED else "ended")
        for pk, key, status in rights.visible(access)
        .filter(pk__in=set(earlier.values()))
        .values_list("pk", "key", "status")
    }
    return {pk: seen.get(incident, ("", "ended")) for pk, incident in earlier.items()}
