"""Alert ingestion: one payload, validated before, stored in one short transaction.

Alerts are keyed by (integration, fingerprint, startsAt) and their timeline events by an external
id, so a payload sent again (Alertmanager's repeats and retries) changes nothing. An alert that
resolved and comes back firing with the same start (Alertmanager after ``resolve_timeout``) fires
again: in the inbox or in an incident still open, its row is firing once more and its incident is
told; when its incident has ended, it is a new row of that firing (one firing more), routed as a
new alert — to the inbox, an open incident, or a new one that pages — naming the incident it
fired again after, whose timeline says where it went (:func:`refired_note`). Routing
(:mod:`postmortems.incident.routing`) decides per alert: open an incident (or join the open one of
its group), join the open incident of its group or service, or stay in the inbox.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import logging
import threading
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.urls import reverse

from postmortems.incident import lifecycle, routing
from postmortems.incident import model as m
from postmortems.incident.payloads import AlertIn, Notification
from postmortems.server.config import absolute_url
from postmortems.server.incidents import listeners, rights, services
from postmortems.server.incidents.models import Alert, Incident, Integration, RoutingRule
from postmortems.server.weburl import is_web_url

log = logging.getLogger(__name__)

# The columns of a joined incident that ingestion and its listeners read (the answer's key, the
# alerts' restriction, the milestones a late alert may move, the revision it bumps).
JOINED = ("key", "restricted", "started", "detected", "revision")


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
    """The integration's own rules, then the global ones (those with no integration). A stored
    rule routing cannot use (saved before the admin checked it, or by hand) is skipped and
    logged: the sender's alerts are not refused for the server's configuration."""
    mine = Q(integration=integration) | Q(integration__isnull=True)
    rows = RoutingRule.objects.filter(mine).order_by()  # ordered here, not by the database
    ordered = sorted(rows, key=lambda r: (r.integration_id is None, r.position, r.pk))
    usable = []
    for row in ordered:
        try:
            usable.append(row.as_rule())
        except routing.RoutingError as exc:
            log.error("routing rule %s skipped: %s (%s)", row.pk, exc.message, exc.hint)
    return usable


def source(integration: Integration) -> str:
    return f"{integration.kind}/{integration.name}"


def event_id(integration: Integration, alert: AlertIn, state: str, firing: int = 1) -> str:
    """The external id of an alert's ``state`` on the timeline; ``firing``: which time it
    fired with this start (the first keeps the id it always had, a later one ends ``:<n>``)."""
    again = f":{firing}" if firing > 1 else ""
    return f"{integration.kind}:{integration.name}:{alert.external_id}:{state}{again}"


def web_link(alert: AlertIn) -> str:
    """The alert's link when it is an http(s) address (what pages show and the events API
    takes); anything else (``javascript:``, a bare path) is not kept."""
    return alert.link if is_web_url(alert.link, longest=2000) else ""


FIRED = "Alert fired: "  # what an alert's firing says before its summary
FIRED_AGAIN = "Alert fired again: "  # the same firing back after it resolved


def fired(integration: Integration, alert: AlertIn, now: dt.datetime) -> m.Event:
    """The alert's firing on the timeline, at its ``startsAt`` (never after it was received: a
    sender's clock ahead would put the detection in the future)."""
    return m.Event(
        min(alert.starts_at, now),
        "alert-fired",
        f"{FIRED}{alert.summary}"[:2000],
        author=source(integration),
        link=web_link(alert),
        external_id=event_id(integration, alert, "firing"),
    )


def fired_again(integration: Integration, alert: AlertIn, now: dt.datetime, firing: int) -> m.Event:
    """The alert firing again after it resolved, with the start it had (so the same row): at
    the time it was received, since its ``startsAt`` is the first firing's."""
    return m.Event(
        now,
        "alert-fired",
        f"{FIRED_AGAIN}{alert.summary}"[:2000],
        author=source(integration),
        link=web_link(alert),
        external_id=event_id(integration, alert, "firing", firing),
    )


def after_ended(status: str) -> str:
    """How an incident ended, as ``fired again after INC-12 …`` says it."""
    return "was marked a duplicate" if status == lifecycle.DUPLICATE else f"was {status}"


def refired_note(
    integration: Integration,
    alert: AlertIn,
    now: dt.datetime,
    before: Incident,
    firing: int,
    where: tuple[str, str],
) -> m.Event:
    """What the timeline of ``before``, the incident an alert fired again after, says: that it
    did after the incident ended, and where it went with a link there (``where``: ``it opened
    INC-13``, ``it is in the alert inbox``). ``firing``: the firing's number (the new row's)."""
    said, link = where
    return m.Event(
        now,
        "note",
        f"Alert fired again after this incident {after_ended(before.status)}: "
        f"{alert.summary} — {said}."[:2000],
        author=source(integration),
        link=link,
        external_id=event_id(integration, alert, "after-ended", firing),
    )


def earlier_note(
    integration: Integration, alert: AlertIn, now: dt.datetime, firing: int, said: str, link: str
) -> m.Event:
    """What the incident a re-fired alert went into says of the incident it was in before
    (``said``: ``INC-12 was resolved``, or a restricted one unnamed), with a ``link`` to it."""
    return m.Event(
        now,
        "note",
        f"This alert fired again after {said}: it was in that incident before."[:2000],
        author=source(integration),
        link=link,
        external_id=event_id(integration, alert, "earlier", firing),
    )


def ended(integration: Integration, alert: AlertIn, now: dt.datetime, firing: int = 1) -> m.Event:
    """The alert's end on the timeline, at its ``endsAt``: never before it fired (an ``endsAt``
    before ``startsAt`` read as resolved before fired), never after it was received.
    ``firing``: which time it fired with this start (:func:`event_id`)."""
    began = min(alert.starts_at, now)
    return m.Event(
        min(max(alert.ends_at or began, began), now),
        "alert-resolved",
        f"Alert resolved: {alert.summary}"[:2000],
        author=source(integration),
        link=web_link(alert),
        external_id=event_id(integration, alert, "resolved", firing),
    )


def ingest(integration: Integration, note: Notification, now: dt.datetime) -> Result:
    """Store ``note``; done again once when a concurrent payload inserted the same rows first."""
    try:
        return _ingest(integration, note, now)
    except IntegrityError:
        return _ingest(integration, note, now)


def _ingest(integration: Integration, note: Notification, now: dt.datetime) -> Result:
    """Read what is known outside any transaction; write only what is new, in one short one.

    A payload whose alerts are all known in the same state (a repeat) reads nothing more (not
    even the routing rules) and writes nothing, so on SQLite it never waits for the write lock.
    """
    from postmortems.server.incidents.tasks import announce

    batch = _Batch(integration, note, now)
    batch.read()
    if not batch.new and not batch.resolving and not batch.refiring:
        return batch.result
    batch.say_if_teamless()
    with _one_writer(), transaction.atomic():
        batch.write()
        listeners.routed(batch.routed)  # on-call pages (docs/oncall.md)
        for pk in batch.result.opened:
            announce.enqueue(pk)
    return batch.result


class _Known(NamedTuple):
    """The latest stored firing of an alert's start."""

    pk: int
    status: str
    incident: int | None
    incident_status: str | None
    firings: int


class _Earlier(NamedTuple):
    """The incident a firing was in when it came back after that incident ended."""

    incident: int
    firings: int  # the firings of the row it was


def _incident_url(key: str) -> str:
    return absolute_url(reverse("incidents:detail", args=[key]))


# SQLite has one writer at a time. Without this lock, a worker's threads poll SQLite's write lock
# and one that keeps losing sleeps up to 100 ms between tries; with it they queue in the process,
# each woken as the one before commits, and only the two workers' current writers meet at SQLite.
_WRITER = threading.Lock()


def _one_writer() -> contextlib.AbstractContextManager[object]:
    return _WRITER if connection.vendor == "sqlite" else contextlib.nullcontext()


class _Batch:
    """One payload's work: which alerts are new, newly resolved or firing again, their incidents
    and events."""

    def __init__(self, integration: Integration, note: Notification, now: dt.datetime) -> None:
        self.integration, self.note, self.now = integration, note, now
        self.group = note.group_key[:500]
        self.result = Result(alerts=len(note.alerts))
        self.new: dict[tuple[str, dt.datetime], tuple[AlertIn, routing.Route]] = {}
        self.resolving: dict[int, tuple[AlertIn, int | None]] = {}  # alert id → (alert, incident)
        self.refiring: dict[int, tuple[AlertIn, int | None]] = {}  # resolved, now firing again
        # Firing again after their incident ended: new rows (in ``new``) of the latest firing.
        self.after: dict[tuple[str, dt.datetime], _Earlier] = {}
        self.found: dict[tuple[str, str, str], Incident | None] = {}  # route → joinable incident
        # incident id → (incident, its new events, the alert row each is about)
        self.pending: dict[int, tuple[Incident, list[m.Event], list[Alert | None]]] = {}
        self.looked: dict[tuple[str, str, str], int] = {}  # route → incidents opened when read
        self.routed: list[listeners.Routed] = []  # new firing alerts in incidents
        self.opening: list[Incident] = []  # opened by this payload, numbered last
        self.locked = False

    def say_if_teamless(self) -> None:
        """A restricted integration saved without a team, before one was required: its alerts
        are not refused for the server's configuration (as a rule it cannot use is skipped),
        but what they open is seen by superusers alone until the integration names a team."""
        if self.integration.restricted and any(not way.team for _a, way in self.new.values()):
            log.error(
                "integration %s is restricted but names no team: superusers alone see what its"
                " alerts open; set its team",
                source(self.integration),
            )

    @cached_property
    def rules(self) -> list[routing.Rule]:
        """Read when a new alert needs routing: a repeated payload does not read them."""
        return rules_of(self.integration)

    def read(self) -> None:
        """Sort the payload's alerts against the stored ones (one query): new, newly resolved,
        firing again, or known as they are. Reads the open incidents new alerts may join."""
        prints = sorted({a.fingerprint for a in self.note.alerts})
        rows = Alert.objects.filter(integration=self.integration, fingerprint__in=prints)
        columns = ("fingerprint", "starts_at", "pk", "status", "incident_id", "incident__status")
        known = {  # the latest firing of each start
            (fingerprint, start): _Known(*rest)
            for fingerprint, start, *rest in rows.order_by("firings").values_list(
                *columns, "firings"
            )
        }
        for alert in self.note.alerts:
            key = (alert.fingerprint, alert.starts_at)
            if key in known:
                self.sort_known(key, alert, known[key])
            elif key not in self.new or alert.status == "resolved":
                self.new[key] = (alert, self.route(alert))

    def sort_known(self, key: tuple[str, dt.datetime], alert: AlertIn, row: _Known) -> None:
        """A known firing: resolving, firing again (a new firing when its incident ended), or
        as it is."""
        if alert.status == "resolved" and row.status != "resolved":
            self.resolving[row.pk] = (alert, row.incident)
        elif alert.status == "firing" and row.status == "resolved":
            if row.incident is None or row.incident_status not in lifecycle.ENDED:
                self.refiring[row.pk] = (alert, row.incident)
            elif key not in self.new:
                self.after[key] = _Earlier(row.incident, row.firings)
                self.new[key] = (alert, self.route(alert))

    def route(self, alert: AlertIn) -> routing.Route:
        """Where a new alert goes; the open incident it may join is read once per route."""
        way = routing.route(alert.label_map, alert.status, self.rules, team=self.integration.team)
        place = (way.action, way.team, way.service)
        if way.action != "inbox" and place not in self.found:
            self.found[place] = self.joinable(way)
        return way

    def write(self) -> None:
        """The new alerts (one bulk insert), the resolutions and firings again, the events of
        each incident."""
        fresh = [self.new_alert(alert, way) for alert, way in self.new.values()]
        Alert.objects.bulk_create(fresh)
        again = self.fired_after(fresh)
        for row, (alert, _way) in zip(fresh, self.new.values(), strict=True):
            if row.incident is not None:
                self.add_fired(row.incident, row, alert, again.get(row.pk))
        if self.resolving:
            self.change(self.resolving, "firing", "resolved")
        if self.refiring:
            self.change(self.refiring, "resolved", "firing")
        for incident, events, alerts in self.pending.values():
            opened = incident in self.opening
            written = services.record_new(incident, events, self.now, opened=opened, alerts=alerts)
            self.result.events += len(written)
        # Last: it locks the year's counter. It also saves the openings' milestones.
        services.number(self.opening, self.now, also=services.OPENING_FIELDS)
        self.result.incidents.extend(incident.key for incident, _, _ in self.pending.values())
        if again:  # keyed now: the incidents they fired again after say where each went
            self.tell_earlier(fresh, again)

    def fired_after(self, fresh: list[Alert]) -> dict[int, Incident]:
        """The rows of ``fresh`` that fire again after their incident ended (by id), each with
        that incident (one query, none when there is none)."""
        earlier = Incident.objects.in_bulk({e.incident for e in self.after.values()})
        found = {
            row.pk: earlier.get(self.after[key].incident)
            for row, key in zip(fresh, self.new, strict=True)
            if key in self.after
        }
        return {pk: incident for pk, incident in found.items() if incident is not None}

    def tell_earlier(self, fresh: list[Alert], again: dict[int, Incident]) -> None:
        """On each incident an alert of ``fresh`` fired again after, a note of where it went
        (written once per incident)."""
        notes: dict[int, tuple[Incident, list[m.Event]]] = {}
        for row, (alert, _way) in zip(fresh, self.new.values(), strict=True):
            before = again.get(row.pk)
            if before is not None:
                where = self.went(row, before)
                note = refired_note(self.integration, alert, self.now, before, row.firings, where)
                notes.setdefault(before.pk, (before, []))[1].append(note)
        for before, events in notes.values():
            services.record_new(before, events, self.now, alerts=[None] * len(events))

    def add_fired(
        self, incident: Incident, row: Alert, alert: AlertIn, before: Incident | None
    ) -> None:
        """A new alert row's firing (and end) on the timeline of ``incident``, its incident. One
        firing again after ``before`` ended fires in it at the time it came back (its start is
        the earlier firing's: the incident's detection is now), and a note says what it was in
        before."""
        if before is None:
            self.add(incident, fired(self.integration, alert, self.now), row)
        else:
            back = fired_again(self.integration, alert, self.now, row.firings)
            said = f"{FIRED}{alert.summary}"[:2000]
            self.add(incident, dataclasses.replace(back, text=said), row)
            self.add(incident, self.earlier_said(alert, row, incident, before), None)
        if alert.status == "resolved":
            self.add(incident, ended(self.integration, alert, self.now, row.firings), row)

    def earlier_said(
        self, alert: AlertIn, row: Alert, incident: Incident, before: Incident
    ) -> m.Event:
        """The note of ``incident``, which ``row`` went into, on ``before``, the one it was in
        before: named (and linked) where its readers may see it."""
        ended_as = after_ended(before.status)
        if rights.readers_see(incident, before):
            said, link = f"{before.key} {ended_as}", _incident_url(before.key)
        else:
            said, link = f"a restricted incident {ended_as}", ""
        return earlier_note(self.integration, alert, self.now, row.firings, said, link)

    def went(self, row: Alert, before: Incident) -> tuple[str, str]:
        """Where ``row`` went, as the timeline of ``before`` (the incident it fired again after)
        says it, and the link there: another incident named where its readers may see it."""
        if row.incident is None:
            return "it is in the alert inbox", absolute_url(
                reverse("incidents:alert", args=[row.pk])
            )
        verb = "opened" if row.incident in self.opening else "joined"
        if rights.readers_see(before, row.incident):
            return f"it {verb} {row.incident.key}", _incident_url(row.incident.key)
        return f"it {verb} a restricted incident", ""

    def change(self, alerts: dict[int, tuple[AlertIn, int | None]], was: str, to: str) -> None:
        """Move ``alerts`` (those still ``was`` once locked) to ``to`` in one update: resolved
        (with their ``endsAt``), or firing again (no end, one firing more); each incident's
        timeline says it."""
        found = Alert.objects.select_for_update().filter(pk__in=alerts, status=was)
        rows = list(found.only("pk", "incident_id", "firings"))
        for row in rows:
            row.status, row.ends_at, row.updated = to, alerts[row.pk][0].ends_at, self.now
            if to == "firing":
                row.firings += 1
        Alert.objects.bulk_update(rows, ["status", "ends_at", "updated", "firings"])
        self.result.changed += len(rows)
        ids = {row.incident_id for row in rows if row.incident_id is not None}
        incidents = Incident.objects.in_bulk(ids)
        told = fired_again if to == "firing" else ended
        for row in rows:
            if row.incident_id is not None:
                event = told(self.integration, alerts[row.pk][0], self.now, row.firings)
                self.add(incidents[row.incident_id], event, row)

    def add(self, incident: Incident, event: m.Event, alert: Alert | None) -> None:
        """``event`` (about the ``alert`` row, if any) goes on ``incident``'s timeline."""
        _, events, alerts = self.pending.setdefault(incident.pk, (incident, [], []))
        events.append(event)
        alerts.append(alert)

    def new_alert(self, alert: AlertIn, way: routing.Route) -> Alert:
        """The row of an alert not seen before (saved by the caller in one bulk insert)."""
        labels = alert.label_map
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
        before = self.after.get((alert.fingerprint, alert.starts_at))
        return Alert(
            integration=self.integration,
            fingerprint=alert.fingerprint,
            starts_at=alert.starts_at,
            firings=before.firings + 1 if before else 1,
            ends_at=alert.ends_at,
            group_key=self.group,
            status=alert.status,
            summary=alert.summary[:500],
            labels=labels,
            annotations=dict(alert.annotations),
            link=web_link(alert),
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
        if key not in self.found or (self.found[key] is None and self.opened_since(key)):
            self.found[key] = self.joinable(way)  # an incident this payload opened may be it
        found = self.found[key]
        if found is not None or way.action == "join":
            return found
        self.lock_routes()  # queue here, so two payloads cannot both open one
        found = self.found[key] = self.joinable(way)
        if found is None:
            found = self.found[key] = self.open(alert, way)
        return found

    def opened_since(self, key: tuple[str, str, str]) -> bool:
        """Whether this payload opened an incident after ``key``'s joinable one was read."""
        seen = self.looked.get(key, 0)
        self.looked[key] = len(self.result.opened)
        return len(self.result.opened) > seen

    def open(self, alert: AlertIn, way: routing.Route) -> Incident:
        """A new incident; its opening status change is written with the alerts' events."""
        incident, opened = services.new_incident(
            alert.summary,
            None,
            severity=way.severity,
            team=way.team,
            services=[way.service] if way.service else [],
            restricted=self.integration.restricted,
            timezone=self.integration.timezone,
            now=self.now,
            via="alert",
            integration=self.integration,
            group_key=self.group,
        )
        self.add(incident, opened, None)
        self.opening.append(incident)
        self.result.opened.append(incident.pk)
        return incident

    def lock_routes(self) -> None:
        """Before this payload opens its first incident: lock its group and the services its new
        alerts may open incidents for, all at once, so a concurrent payload that could open the
        same incident waits for this one's commit and then joins it."""
        if not self.locked:
            self.locked = True
            names = {f"group:{self.integration.pk}:{self.group}"}
            for _alert, way in self.new.values():
                if way.action == "open" and way.service:
                    names.add(f"service:{way.team}:{way.service}")
            services.lock_names(names)

    def joinable(self, way: routing.Route) -> Incident | None:
        """The open incident of this group (from this integration), else of the service.

        Only the columns ingestion reads are loaded (:data:`JOINED`); another one is read when
        first used (``manual``, when a late alert moves the milestones). A restricted
        integration's alerts join restricted incidents only: on an open one, what they say would
        be read by every reader of the incident. Another integration's incident of the service
        is joined only when it is as restricted as this integration: an open outage must not
        vanish into a restricted incident its readers cannot see."""
        open_ = Incident.objects.filter(status__in=lifecycle.OPEN, team=way.team)
        if self.integration.restricted:
            open_ = open_.filter(restricted=True)
        oldest = ("created", "id")
        same = Q(integration=self.integration, group_key=self.group)
        if way.service and connection.vendor == "postgresql":  # one query: jsonb's @>
            service = Q(services__contains=[way.service], restricted=self.integration.restricted)
            either = open_.filter(same | service).order_by(*oldest)
            rows = list(either.only(*JOINED, "integration_id", "group_key"))
            mine = (
                r
                for r in rows
                if (r.integration_id, r.group_key) == (self.integration.pk, self.group)
            )
            return next(mine, rows[0] if rows else None)
        found = open_.filter(same).order_by(*oldest).only(*JOINED).first()
        if found is not None or not way.service:
            return found
        # SQLite has no "contains" for a list in a JSON column: read the few open ones.
        alike = open_.filter(restricted=self.integration.restricted).order_by(*oldest)
        for pk, names in alike.values_list("pk", "services"):
            if way.service in names:
                return Incident.objects.only(*JOINED).get(pk=pk)
        return None
