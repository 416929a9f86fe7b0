"""Alert ingestion: one payload, validated before, stored in one short transaction.

Alerts are keyed by (integration, fingerprint, startsAt) and their timeline events by an external
id, so a payload sent again (Alertmanager's repeats and retries) changes nothing. Routing
(:mod:`postmortems.incident.routing`) decides per alert: open an incident (or join the open one of
its group), join the open incident of its group or service, or stay in the inbox.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction

from postmortems.incident import lifecycle, routing
from postmortems.incident import model as m
from postmortems.incident.payloads import AlertIn, Notification
from postmortems.server.incidents import services
from postmortems.server.incidents.models import Alert, Incident, Integration, RoutingRule


@dataclass
class Result:
    """What one payload did (the JSON answer of the hook)."""

    alerts: int = 0
    new: int = 0
    changed: int = 0
    events: int = 0
    incidents: list[str] = field(default_factory=list)
    opened: list[int] = field(default_factory=list)  # ids of incidents opened by this payload

    def answer(self) -> dict[str, object]:
        return {
            "alerts": self.alerts,
            "new": self.new,
            "changed": self.changed,
            "events": self.events,
            "incidents": sorted(set(self.incidents)),
        }


def rules_of(integration: Integration) -> list[routing.Rule]:
    """The integration's own rules, then the global ones (those with no integration)."""
    rows = RoutingRule.objects.filter(integration=integration).order_by("position", "id")
    shared = RoutingRule.objects.filter(integration__isnull=True).order_by("position", "id")
    return [
        routing.rule(
            [line for line in r.matchers.splitlines() if line.strip()],
            r.action,
            team=r.team,
            service=r.service,
            severity=r.severity,
        )
        for r in [*rows, *shared]
    ]


def source(integration: Integration) -> str:
    return f"{integration.kind}/{integration.name}"


def event_id(integration: Integration, alert: AlertIn, state: str) -> str:
    return f"{integration.kind}:{integration.name}:{alert.external_id}:{state}"


def fired(integration: Integration, alert: AlertIn) -> m.Event:
    return m.Event(
        alert.starts_at,
        "alert-fired",
        f"Alert fired: {alert.summary}"[:2000],
        author=source(integration),
        link=alert.link,
        external_id=event_id(integration, alert, "firing"),
    )


def ended(integration: Integration, alert: AlertIn) -> m.Event:
    return m.Event(
        alert.ends_at or alert.starts_at,
        "alert-resolved",
        f"Alert resolved: {alert.summary}"[:2000],
        author=source(integration),
        link=alert.link,
        external_id=event_id(integration, alert, "resolved"),
    )


def ingest(integration: Integration, note: Notification, now: dt.datetime) -> Result:
    """Store ``note``; retried once when a concurrent payload inserted the same rows first."""
    rules = rules_of(integration)
    try:
        return _ingest_and_announce(integration, note, rules, now)
    except IntegrityError:
        return _ingest_and_announce(integration, note, rules, now)


def _ingest_and_announce(
    integration: Integration, note: Notification, rules: list[routing.Rule], now: dt.datetime
) -> Result:
    """One transaction: the alerts, their events, and the announcement tasks of new incidents."""
    from postmortems.server.incidents.tasks import announce

    with transaction.atomic():
        result = _ingest(integration, note, rules, now)
        for pk in result.opened:
            announce.enqueue(pk)
    return result


def _ingest(
    integration: Integration, note: Notification, rules: list[routing.Rule], now: dt.datetime
) -> Result:
    result = Result(alerts=len(note.alerts))
    prints = [a.fingerprint for a in note.alerts]
    known = {
        (a.fingerprint, a.starts_at): a
        for a in Alert.objects.select_for_update().filter(
            integration=integration, fingerprint__in=prints
        )
    }
    pending: dict[int, tuple[Incident, list[m.Event]]] = {}
    for alert in note.alerts:
        row = known.get((alert.fingerprint, alert.starts_at))
        if row is None:
            row = _new_alert(integration, note, alert, rules, now, pending, result)
            known[(alert.fingerprint, alert.starts_at)] = row
        elif alert.status == "resolved" and row.status != "resolved":
            row.status, row.ends_at, row.updated = "resolved", alert.ends_at, now
            row.save(update_fields=["status", "ends_at", "updated"])
            result.changed += 1
        if row.incident is not None:
            events = pending.setdefault(row.incident.pk, (row.incident, []))[1]
            events.append(fired(integration, alert))
            if alert.status == "resolved":
                events.append(ended(integration, alert))
    for incident, events in pending.values():
        result.events += len(services.record(incident, events, None, now))
        result.incidents.append(incident.key)
    return result


def _new_alert(
    integration: Integration,
    note: Notification,
    alert: AlertIn,
    rules: list[routing.Rule],
    now: dt.datetime,
    pending: dict[int, tuple[Incident, list[m.Event]]],
    result: Result,
) -> Alert:
    labels = alert.label_map
    way = routing.route(labels, alert.status, rules, team=integration.team)
    incident = _incident_for(integration, note, alert, way, now, pending, result)
    result.new += 1
    return Alert.objects.create(
        integration=integration,
        fingerprint=alert.fingerprint,
        starts_at=alert.starts_at,
        ends_at=alert.ends_at,
        group_key=note.group_key[:500],
        status=alert.status,
        summary=alert.summary[:500],
        labels=labels,
        annotations=dict(alert.annotations),
        link=alert.link[:2000],
        action=way.action,
        team=way.team,
        service=way.service[:200],
        severity=way.severity,
        restricted=incident.restricted if incident else integration.restricted,
        incident=incident,
        received=now,
        updated=now,
    )


def _open_incidents(integration: Integration, way: routing.Route) -> list[Incident]:
    return list(
        Incident.objects.filter(status__in=lifecycle.OPEN, team=way.team).order_by("created", "id")
    )


def _incident_for(
    integration: Integration,
    note: Notification,
    alert: AlertIn,
    way: routing.Route,
    now: dt.datetime,
    pending: dict[int, tuple[Incident, list[m.Event]]],
    result: Result,
) -> Incident | None:
    """The incident a new alert goes into, opening one when its route says so."""
    if way.action == "inbox":
        return None
    group = note.group_key[:500]
    for incident, _ in pending.values():
        if incident.group_key == group and incident.integration_id == integration.pk:
            return incident
    found = _joinable(integration, group, way)
    if found is not None or way.action == "join":
        return found
    services.lock_numbers(
        now.year
    )  # take the year's lock first, so two payloads cannot both open one
    found = _joinable(integration, group, way)
    if found is not None:
        return found
    incident = services.declare(
        alert.summary,
        None,
        severity=way.severity,
        team=way.team,
        services=[way.service] if way.service else [],
        restricted=integration.restricted,
        now=now,
        integration=integration,
        group_key=group,
    )
    result.opened.append(incident.pk)
    return incident


def _joinable(integration: Integration, group: str, way: routing.Route) -> Incident | None:
    candidates = _open_incidents(integration, way)
    for incident in candidates:
        if incident.group_key == group and incident.integration_id == integration.pk:
            return incident
    if way.service:
        for incident in candidates:
            if way.service in incident.services:
                return incident
    return None
