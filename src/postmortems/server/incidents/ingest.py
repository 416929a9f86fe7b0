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
from django.db.models import Q

from postmortems.incident import lifecycle, routing
from postmortems.incident import model as m
from postmortems.incident.payloads import AlertIn, Notification
from postmortems.server.incidents import listeners, services
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
    rows = RoutingRule.objects.filter(Q(integration=integration) | Q(integration__isnull=True))
    ordered = sorted(rows, key=lambda r: (r.integration_id is None, r.position, r.pk))
    return [
        routing.rule(
            [line for line in r.matchers.splitlines() if line.strip()],
            r.action,
            team=r.team,
            service=r.service,
            severity=r.severity,
            policy=r.policy,
            page=r.page,
        )
        for r in ordered
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
    batch = _Batch(integration, note, rules, now)
    prints = [a.fingerprint for a in note.alerts]
    found = Alert.objects.select_for_update(of=("self",)).select_related("incident")
    known = {
        (a.fingerprint, a.starts_at): a
        for a in found.filter(integration=integration, fingerprint__in=prints)
    }
    fresh: list[Alert] = []
    for alert in note.alerts:
        row = known.get((alert.fingerprint, alert.starts_at))
        if row is None:
            row = known[(alert.fingerprint, alert.starts_at)] = batch.new_alert(alert)
            fresh.append(row)
        elif alert.status == "resolved" and row.status != "resolved":
            row.status, row.ends_at, row.updated = "resolved", alert.ends_at, now
            row.save(update_fields=["status", "ends_at", "updated"])
            batch.result.changed += 1
        if row.incident is not None:
            batch.add(row.incident, fired(integration, alert))
            if alert.status == "resolved":
                batch.add(row.incident, ended(integration, alert))
    Alert.objects.bulk_create(fresh)
    for incident, events in batch.pending.values():
        batch.result.events += len(services.record(incident, events, None, now))
        batch.result.incidents.append(incident.key)
    listeners.routed(batch.routed)  # the on-call app pages (docs/oncall.md, "Paging from alerts")
    return batch.result


class _Batch:
    """One payload's work: routes alerts, finds or opens their incidents, collects events."""

    def __init__(
        self,
        integration: Integration,
        note: Notification,
        rules: list[routing.Rule],
        now: dt.datetime,
    ) -> None:
        self.integration, self.note, self.rules, self.now = integration, note, rules, now
        self.group = note.group_key[:500]
        self.result = Result(alerts=len(note.alerts))
        self.pending: dict[int, tuple[Incident, list[m.Event]]] = {}
        self.found: dict[tuple[str, str, str], Incident | None] = {}  # route → joinable incident
        self.routed: list[listeners.Routed] = []  # new firing alerts in incidents

    def add(self, incident: Incident, event: m.Event) -> None:
        self.pending.setdefault(incident.pk, (incident, []))[1].append(event)

    def new_alert(self, alert: AlertIn) -> Alert:
        """The row of an alert not seen before (saved by the caller in one bulk insert)."""
        labels = alert.label_map
        way = routing.route(labels, alert.status, self.rules, team=self.integration.team)
        opened = len(self.result.opened)
        incident = self.incident_for(alert, way)
        if incident is not None and alert.status == "firing":
            self.routed.append(
                listeners.Routed(
                    incident,
                    alert.summary,
                    alert.fingerprint,
                    way.service,
                    way.policy,
                    way.page,
                    opened=len(self.result.opened) > opened,
                    now=self.now,
                )
            )
        self.result.new += 1
        return Alert(
            integration=self.integration,
            fingerprint=alert.fingerprint,
            starts_at=alert.starts_at,
            ends_at=alert.ends_at,
            group_key=self.group,
            status=alert.status,
            summary=alert.summary[:500],
            labels=labels,
            annotations=dict(alert.annotations),
            link=alert.link[:2000],
            action=way.action,
            team=way.team,
            service=way.service[:200],
            severity=way.severity,
            restricted=incident.restricted if incident else self.integration.restricted,
            incident=incident,
            received=self.now,
            updated=self.now,
        )

    def incident_for(self, alert: AlertIn, way: routing.Route) -> Incident | None:
        """The incident a new alert goes into, opening one when its route says so."""
        if way.action == "inbox":
            return None
        key = (way.action, way.team, way.service)
        if key not in self.found:
            self.found[key] = self.joinable(way)
        found = self.found[key]
        if found is not None or way.action == "join":
            return found
        services.lock_numbers(self.now.year)  # queue here, so two payloads cannot both open one
        found = self.found[key] = self.joinable(way)
        if found is None:
            found = self.found[key] = self.open(alert, way)
        return found

    def open(self, alert: AlertIn, way: routing.Route) -> Incident:
        incident = services.declare(
            alert.summary,
            None,
            severity=way.severity,
            team=way.team,
            services=[way.service] if way.service else [],
            restricted=self.integration.restricted,
            now=self.now,
            integration=self.integration,
            group_key=self.group,
        )
        self.result.opened.append(incident.pk)
        return incident

    def joinable(self, way: routing.Route) -> Incident | None:
        """The open incident of this group (from this integration), else of the service."""
        open_ = Incident.objects.filter(status__in=lifecycle.OPEN, team=way.team)
        oldest = ("created", "id")
        same = open_.filter(integration=self.integration, group_key=self.group).order_by(*oldest)
        found = same.first()
        if found is not None or not way.service:
            return found
        # A list in a JSON column has no portable "contains" lookup: read the few open ones.
        for pk, names in open_.order_by(*oldest).values_list("pk", "services"):
            if way.service in names:
                return Incident.objects.get(pk=pk)
        return None
