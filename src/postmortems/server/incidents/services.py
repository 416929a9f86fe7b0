"""Changing incidents: every change is an event row with who and why, in one transaction.

Views, the API and alert ingestion call these functions; they take plain values and the domain
rules come from :mod:`postmortems.incident` (the status table, milestones from events, roles).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Collection, Iterable, Sequence
from dataclasses import replace
from hashlib import blake2b
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import F
from django.urls import reverse

from postmortems.incident import lifecycle
from postmortems.incident import model as m
from postmortems.server.accounts.access import access_of
from postmortems.server.config import absolute_url
from postmortems.server.incidents import listeners, rights, rolenews
from postmortems.server.incidents.models import (
    Counter,
    Event,
    Incident,
    RoleAssignment,
    missing_team,
    team_problem,
)


def who(user: Any) -> str:
    return str(user.get_username()) if user is not None else ""


def number(incidents: Sequence[Incident], now: dt.datetime, also: Sequence[str] = ()) -> None:
    """Give ``incidents``, opened in this transaction with a provisional key, the year's next
    numbers and their keys (``INC-2026-0042``), saved with the fields named in ``also``. The
    year's counter stays locked until the commit, so a caller numbers last: openings then queue
    only for the end of each other's transaction."""
    if not incidents:
        return
    last = _take_numbers(now.year, len(incidents))
    for n, incident in enumerate(incidents, start=last - len(incidents) + 1):
        incident.year, incident.number, incident.key = now.year, n, f"INC-{now.year}-{n:04d}"
        fields = {name: getattr(incident, name) for name in ("year", "number", "key", *also)}
        Incident.objects.filter(pk=incident.pk).update(**fields)


def _take_numbers(year: int, count: int) -> int:
    """Add ``count`` to the year's counter (locking its row) and return its new last number."""
    sql = f"UPDATE {Counter._meta.db_table} SET last = last + %s WHERE year = %s RETURNING last"
    with connection.cursor() as cursor:
        cursor.execute(sql, [count, year])
        row = cursor.fetchone()
        if row is None:  # the year's first incident
            Counter.objects.get_or_create(year=year)
            cursor.execute(sql, [count, year])
            row = cursor.fetchone()
    return int(row[0])


def lock_names(names: Iterable[str]) -> None:
    """Hold a lock on each of ``names`` until the transaction ends (PostgreSQL advisory locks,
    taken in one order so two holders cannot deadlock). SQLite needs none: a write transaction
    there already keeps every other writer out."""
    if connection.vendor != "postgresql":
        return
    keys = sorted(
        {
            int.from_bytes(blake2b(n.encode(), digest_size=8).digest(), "big", signed=True)
            for n in names
        }
    )
    # One statement; the locks are taken in the sorted order (volatile functions in the select
    # list are evaluated after the ORDER BY's sort).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(k) FROM unnest(%s::bigint[]) AS k ORDER BY k", [keys]
        )


# The fields an event row and a domain event share by name (``detail`` changes type between them).
EVENT_FIELDS = ("at", "kind", "text", "author", "link", "external_id", "key_moment", "misleading")


def to_row(incident: Incident, event: m.Event, user: Any, now: dt.datetime) -> Event:
    return Event(
        incident=incident,
        user=user,
        created=now,
        detail=[list(pair) for pair in event.detail],
        **{name: getattr(event, name) for name in EVENT_FIELDS},
    )


def to_event(row: Event) -> m.Event:
    return m.Event(
        **{name: getattr(row, name) for name in EVENT_FIELDS},
        detail=tuple((str(k), str(v)) for k, v in row.detail),
    )


def manual(incident: Incident) -> m.Milestones:
    return m.Milestones.from_json(incident.manual or {})


# The event kinds the milestones depend on beyond the first alert (lifecycle.automatic_milestones
# and the hand edits): reading only these keeps a refresh cheap on a timeline of thousands.
MILESTONE_KINDS = ("status-change", "page", "acknowledgement", "escalation", "milestone-edit")


def milestone_events(incident: Incident) -> list[m.Event]:
    """The events :func:`lifecycle.milestones_from_events` needs: the first alert that fired
    and every event of :data:`MILESTONE_KINDS` (the same result as all of them)."""
    rows = list(incident.events.filter(kind__in=MILESTONE_KINDS))
    first = incident.events.filter(kind="alert-fired").order_by("at", "id").first()
    return [to_event(e) for e in [*rows, *([first] if first else [])]]


def refresh(
    incident: Incident, events: Sequence[m.Event] | None = None, *, save: bool = True
) -> None:
    """Recompute the milestones from the events and bump the revision, in one UPDATE of those
    columns only (other fields of ``incident`` are the caller's to save). ``events``: all the
    incident's events when the caller has them (it opened the incident), else they are read.
    Without ``save`` only the instance changes (:data:`OPENING_FIELDS`)."""
    found = lifecycle.milestones_from_events(
        milestone_events(incident) if events is None else events, manual(incident)
    )
    values = dict(found.items())
    if save:
        Incident.objects.filter(pk=incident.pk).update(revision=F("revision") + 1, **values)
    for name, value in values.items():
        setattr(incident, name, value)
    incident.revision += 1


# What :func:`record_new` changes on an incident opened in the transaction, saved with its number.
OPENING_FIELDS = (*m.MILESTONES, "revision")


def known_ids(incident: Incident, external_ids: Iterable[str]) -> set[str]:
    """Which of ``external_ids`` are on the incident's timeline already."""
    ids = [i for i in external_ids if i]
    return set(incident.events.filter(external_id__in=ids).values_list("external_id", flat=True))


def record(
    incident: Incident,
    events: Iterable[m.Event],
    user: Any,
    now: dt.datetime,
    *,
    known: set[str] | None = None,
) -> list[Event]:
    """Add ``events`` (those whose external id is already there are skipped: ``known``, when the
    caller has read them; so is a second event of the batch with the same id), then refresh the
    milestones (when the new events can move them) and the revision. Other changes to
    ``incident`` are the caller's to save."""
    rows = [to_row(incident, e, user, now) for e in events]
    if known is None:
        known = known_ids(incident, (r.external_id for r in rows))
    fresh: list[Event] = []
    seen = set(known)
    for row in rows:
        if row.external_id and row.external_id in seen:
            continue
        seen.add(row.external_id)
        fresh.append(row)
    _write(incident, fresh)
    return fresh


def record_new(
    incident: Incident,
    events: Sequence[m.Event],
    now: dt.datetime,
    *,
    opened: bool = False,
    alerts: Sequence[Any] = (),
) -> list[Event]:
    """:func:`record` for events the caller knows are not there yet (an alert's events, written
    in the transaction that stores or resolves the alert row): no read of the known ids. With
    ``opened`` the incident was opened in this transaction and ``events`` are all it has; its
    milestones are then computed from them and saved by the caller with its number
    (``number(…, also=OPENING_FIELDS)``). ``alerts``: the alert row each event is about (None
    for one about no alert), in the same order."""
    rows = [to_row(incident, e, None, now) for e in events]
    for row, alert in zip(rows, alerts, strict=False):
        row.alert = alert
    if opened:
        Event.objects.bulk_create(rows)
        refresh(incident, events, save=False)
    else:
        _write(incident, rows)
    return rows


def _write(incident: Incident, fresh: list[Event]) -> None:
    if not fresh:
        return
    Event.objects.bulk_create(fresh)
    if moves_milestones(incident, fresh):
        refresh(incident)
    else:
        Incident.objects.filter(pk=incident.pk).update(revision=F("revision") + 1)
        incident.revision += 1


def moves_milestones(incident: Incident, events: Sequence[Event]) -> bool:
    """Whether ``events`` can change the milestones: one of :data:`MILESTONE_KINDS`, or an alert
    that fired before the incident's detection or start (alerts only ever move those earlier)."""
    for event in events:
        if event.kind in MILESTONE_KINDS:
            return True
        if event.kind == "alert-fired":
            marks = [incident.detected, incident.started]
            if None in marks or any(event.at < mark for mark in marks if mark is not None):
                return True
    return False


def declare(
    title: str,
    user: Any,
    *,
    severity: str = "SEV3",
    team: str = "",
    services: Sequence[str] = (),
    restricted: bool = False,
    timezone: str = "UTC",
    now: dt.datetime,
    page: bool = False,
    via: str = "",
    declared_from: Any = None,
) -> Incident:
    """A person opens an incident in triage; ``via``: where (:data:`m.DECLARED_VIA`: the
    incidents page, the alert inbox, the API), which its postmortem's timeline says;
    ``declared_from``: the inbox's alert it is declared from (its Time in inbox counts from it).

    With ``page``, the escalation policies of its services are paged (the on-call app listens).
    Its team, if any, exists (:func:`.models.missing_team`); a restricted one names one
    (:func:`.models.team_problem`).
    """
    problem = team_problem(restricted, team)
    if problem:
        raise m.IncidentError(problem, hint="a restricted incident is seen by its team only")
    said = missing_team(team)
    if said:
        raise m.IncidentError(said, hint="leave the team empty or name an existing one")
    with transaction.atomic():
        incident, opened = new_incident(
            title,
            user,
            severity=severity,
            team=team,
            services=services,
            restricted=restricted,
            timezone=timezone,
            now=now,
            via=via,
            **({"declared_from": declared_from} if declared_from is not None else {}),
        )
        number([incident], now)
        record(incident, [opened], user, now)
        if page:
            listeners.declared(incident, now)
    return incident


def new_incident(
    title: str,
    user: Any,
    *,
    severity: str,
    team: str,
    services: Sequence[str],
    restricted: bool,
    now: dt.datetime,
    timezone: str = "UTC",
    via: str = "",
    **origin: Any,
) -> tuple[Incident, m.Event]:
    """The row of a new incident in triage and the status change that opens it, which the
    caller records (with the alerts' events when an alert opened it: one write, one refresh).
    Its key is provisional until the caller gives it a number (:func:`number`). Inside the
    caller's transaction (``origin``: integration and group_key when an alert did;
    declared_from when a person declared it from an alert of the inbox)."""
    title = title.strip()
    if not title:
        raise m.IncidentError("an incident needs a title", hint="say what is wrong in a line")
    checked = m.Incident("INC-0-0", title, severity, lifecycle.TRIAGE, timezone)
    provisional = secrets.randbits(31)  # unique among the openings not yet committed
    incident = Incident.objects.create(
        key=f"new-{provisional}",
        year=0,
        number=provisional,
        title=title[:300],
        severity=checked.severity,
        status=lifecycle.TRIAGE,
        team=team,
        services=m.service_names(services),
        restricted=restricted,
        timezone=timezone,
        opened_by=user,
        created=now,
        **origin,
    )
    author = who(user) or origin_name(origin)
    opened = m.status_change(now, "", lifecycle.TRIAGE, author=author, via=via)
    return incident, opened


def origin_name(origin: dict[str, Any]) -> str:
    integration = origin.get("integration")
    return f"{integration.kind}/{integration.name}" if integration is not None else ""


def note(
    incident: Incident, text: str, user: Any, now: dt.datetime, *, kind: str = "note"
) -> Event:
    text = text.strip()
    if not text:
        raise m.IncidentError("the note is empty", hint="write what happened or what you saw")
    with transaction.atomic():
        (row,) = record(incident, [m.Event(now, kind, text[:20_000], author=who(user))], user, now)
    return row


def change_status(
    incident: Incident,
    new: str,
    user: Any,
    now: dt.datetime,
    *,
    why: str = "",
    duplicate_of: Incident | None = None,
) -> Event:
    """Move along the status table (:func:`lifecycle.check_transition`), recorded as an event."""
    other = duplicate_of.key if duplicate_of is not None else ""
    lifecycle.check_transition(incident.status, new, duplicate_of=other, key=incident.key)
    if new == lifecycle.DUPLICATE and duplicate_of is not None:
        _check_original(duplicate_of, user)
    text = f"Status changed from {incident.status} to {new}."
    if duplicate_of is not None and other:
        # The timeline is read by all who see this incident: a hidden incident is not named.
        shown = other if rights.readers_see(incident, duplicate_of) else "a restricted incident"
        text = f"Marked as a duplicate of {shown}."
    if why.strip():  # a sentence of its own after the status's: "… to monitoring. Rolled back"
        text += f" {m.reason(why, typed_names(why))}"
    event = m.status_change(now, incident.status, new, author=who(user), text=text)
    stops = new in STOPS_PAGING and incident.status != new
    # Reopened: a resolution set by hand ended with the resolution it corrected.
    reopened = incident.status in lifecycle.ENDED and new not in lifecycle.ENDED
    with transaction.atomic():
        incident.status = new
        incident.duplicate_of = duplicate_of if new == lifecycle.DUPLICATE else None
        if reopened:
            incident.manual = {k: v for k, v in (incident.manual or {}).items() if k != "resolved"}
        if new == lifecycle.DUPLICATE and duplicate_of is not None:  # said before its pages move
            record(duplicate_of, [_duplicated(incident, duplicate_of, user, now)], user, now)
        if stops:  # before its own row: its pages' rows are locked first, as a tick or an ack does
            listeners.ended(incident, now)
        incident.save(update_fields=["status", "duplicate_of", "manual"])
        (row,) = record(incident, [event], user, now)
    return row


def _duplicated(incident: Incident, original: Incident, user: Any, now: dt.datetime) -> m.Event:
    """The line on ``original``'s timeline that ``incident`` was marked a duplicate of it, with
    a link to it (neither where ``original``'s readers may not see it)."""
    by = who(user) or "someone"
    if not rights.readers_see(original, incident):
        text = f"A restricted incident was marked as a duplicate of this incident by {by}."
        return m.Event(now, "note", text, author=who(user))
    link = absolute_url(reverse("incidents:detail", args=[incident.key]))
    text = f"{incident.key} marked as a duplicate of this incident by {by}: {incident.title}"
    return m.Event(now, "note", text[:2000], author=who(user), link=link)


def _check_original(other: Incident, user: Any) -> None:
    """What a duplicate points at is an incident that goes on: not another duplicate (a chain,
    or a loop that would hide both), not a cancelled one. The incident ``other`` duplicates is
    named only to who may see it."""
    if other.status == lifecycle.DUPLICATE:
        first = other.duplicate_of
        shown = first is not None and rights.sees(access_of(user), first)
        original = first.key if shown and first is not None else "the incident it duplicates"
        raise m.IncidentError(
            f"{other.key} is itself a duplicate of {original}",
            hint=f"mark this one a duplicate of {original}",
        )
    if other.status == lifecycle.CANCELLED:
        raise m.IncidentError(
            f"{other.key} was cancelled: it is no incident to duplicate",
            hint="restore it first, or leave this incident open",
        )


# An incident moved to one of these stops its pages (a duplicate's move to the incident it
# duplicates when nobody is paged there: listeners.ended).
STOPS_PAGING = (lifecycle.RESOLVED, lifecycle.CLOSED, lifecycle.CANCELLED, lifecycle.DUPLICATE)


def change_severity(
    incident: Incident, new: str, user: Any, now: dt.datetime, *, why: str = ""
) -> Event:
    """Raise or lower the severity, recorded as an event (who, from, to, why)."""
    if new == incident.severity:
        raise m.IncidentError(f"{incident.key} is already {new}", hint="pick another severity")
    event = m.severity_change(
        now, incident.severity, new, author=who(user), why=why, names=typed_names(why)
    )
    with transaction.atomic():
        incident.severity = new
        incident.save(update_fields=["severity"])
        (row,) = record(incident, [event], user, now)
    return row


def set_milestone(
    incident: Incident, name: str, value: dt.datetime | None, user: Any, why: str, now: dt.datetime
) -> Event:
    """Set ``name`` by hand (None: back to automatic); who and why are on the record.

    Refused: a time in the future, one that puts the milestones out of order (resolved before
    it started, detected before impact began…), and a resolution of an incident still open (it
    would be resolved on the record and open in every list)."""
    event = m.milestone_edit(now, name, value, author=who(user), why=why)
    if value is not None and value > now + CLOCK_SKEW:
        raise m.IncidentError(
            f"{name} cannot be in the future", hint="give the time it happened, or leave it empty"
        )
    if name == "resolved" and value is not None and incident.status not in lifecycle.ENDED:
        raise m.IncidentError(
            f"{incident.key} is still {incident.status}: it has no resolution to correct",
            hint="move it to resolved first; then correct the time here if it is wrong",
        )
    with transaction.atomic():
        hand = dict(incident.manual or {})
        if value is None:
            hand.pop(name, None)
        else:
            hand[name] = value.isoformat()
            after = lifecycle.milestones_from_events(
                milestone_events(incident), m.Milestones.from_json(hand)
            )
            problem = after.conflict_of(name)
            if problem:
                raise _out_of_order(incident, after, name, *problem)
        incident.manual = hand
        incident.save(update_fields=["manual"])
        (row,) = record(incident, [event], user, now)
    return row


# A milestone a few minutes ahead of the server's clock is the typist's clock, not the future.
CLOCK_SKEW = dt.timedelta(minutes=5)


def _out_of_order(
    incident: Incident, values: m.Milestones, name: str, relation: str, other: str
) -> m.IncidentError:
    zone = ZoneInfo(incident.timezone)

    def shown(n: str) -> str:
        value = values.get(n)
        return f"{n} ({value.astimezone(zone):%Y-%m-%d %H:%M})" if value else n

    return m.IncidentError(
        f"{shown(name)} would come {relation} {shown(other)}, in {incident.timezone}",
        hint=f"give {name} a time in order, or set {other} first",
    )


def typed_names(why: str) -> frozenset[str]:
    """The first word of a typed reason when it is an account's user name (``sam is on it``):
    the reason keeps it as typed (:func:`postmortems.incident.model.reason`)."""
    from django.contrib.auth.models import User

    first = m.first_word(why)
    found = first and User.objects.filter(username=first).exists()
    return frozenset({first}) if found else frozenset()


def take_role(
    incident: Incident,
    role: str,
    user: Any,
    now: dt.datetime,
    *,
    person: str = "",
    held: str | None = None,
) -> Event:
    """``user`` takes ``role``, or gives it to ``person`` (an account that may see the incident):
    a handover from whoever held it, or a role change; ``user`` is the event's author. A
    person given the role by someone else is told (:mod:`.rolenews`). ``held``: who held the
    role as the page showed it ('' for nobody; None: not said, not checked): when it changed
    hands meanwhile, nothing is taken."""
    person = person or who(user)
    if person != who(user):
        _check_responder(incident, person)
    with transaction.atomic():
        found = RoleAssignment.objects.select_for_update().filter(
            incident=incident, role=role, until__isnull=True
        )
        current = found.first()
        _check_still_held(incident, role, current, held)
        if current is not None and current.person == person:
            name = "you are" if person == who(user) else f"{person} is"
            raise m.IncidentError(f"{name} already {role}", hint="pick another role")
        if current is not None:
            event = m.handover(now, role, current.person, person, author=who(user))
            found.update(until=now)
        else:
            event = m.role_change(now, role, person, author=who(user))
        RoleAssignment.objects.create(incident=incident, role=role, person=person, since=now)
        (row,) = record(incident, [event], user, now)
        rolenews.tell(incident, role, person, who(user), now)
    return row


def _check_still_held(
    incident: Incident, role: str, current: RoleAssignment | None, held: str | None
) -> None:
    """Refuse a role change made from a page that showed another holder than there is now (two
    people with the page open): the later one would take the role back unseen."""
    now_held = current.person if current is not None else ""
    if held is None or held == now_held:
        return
    reload = "reload to see who holds it now"
    if current is None:
        raise m.IncidentError(f"{held} is no longer {role}", hint=reload)
    since = current.since.astimezone(ZoneInfo(incident.timezone))
    raise m.IncidentError(f"{current.person} took {role} at {since:%H:%M %Z}", hint=reload)


def _check_responder(incident: Incident, person: str) -> None:
    """A role goes to an active account that may see the incident (a restricted incident's
    team): the same words for an unknown name and one kept out, so neither is confirmed."""
    from django.contrib.auth.models import User

    from postmortems.server.accounts.access import access_of
    from postmortems.server.incidents import rights

    account = User.objects.filter(username=person, is_active=True).first()
    if account is None or not rights.visible(access_of(account)).filter(pk=incident.pk).exists():
        raise m.IncidentError(
            f"{person!r} cannot take a role in {incident.key}",
            hint="name an active account that may see the incident (its team's, if restricted)",
        )


def flag(incident: Incident, event_id: int, what: str, on: bool, user: Any) -> Event:
    """Mark an event as a key moment or a misleading path (or take the mark off)."""
    if what not in ("key_moment", "misleading"):
        raise m.IncidentError(f"unknown mark {what!r}", hint="use key_moment or misleading")
    with transaction.atomic():
        row = incident.events.select_for_update().filter(pk=event_id).first()
        if row is None:
            raise m.IncidentError(f"no event {event_id} on {incident.key}", hint="reload the page")
        setattr(row, what, on)
        row.save(update_fields=[what])
        refresh(incident)
    return row


def domain(incident: Incident, marked: Collection[int] = ()) -> m.Incident:
    """The incident as the pure package sees it (for the draft and the metrics); ``marked``:
    the ids of events read as key moments (a draft's preview of the notes ticked)."""
    events = tuple(
        replace(to_event(e), key_moment=True) if e.pk in marked else to_event(e)
        for e in incident.events.all()
    )
    held = RoleAssignment.objects.filter(incident=incident, until__isnull=True)
    return m.Incident(
        key=incident.key,
        title=incident.title,
        severity=incident.severity,
        status=incident.status,
        timezone=incident.timezone,
        milestones=incident.milestones(),
        events=events,
        team=incident.team,
        services=tuple(incident.services),
        restricted=incident.restricted,
        roles=tuple((r.role, r.person) for r in held),
    )
