"""Correcting and redacting what people typed on an incident's timeline (notes, chat messages).

An **edit** changes an entry's text or time and keeps the version before it (an
:class:`EventVersion`: its text, its time, who wrote it and when): nothing a person wrote is
lost, and the page shows who edited it when, and the earlier versions. A **redaction** is for
what must not be kept (a secret, personal data pasted by mistake): the text becomes a marker
("Redacted by sam at 2026-03-01 14:05 CET: a password pasted by mistake"), the earlier versions
are deleted, and the words are taken out of the postmortem drafted from the incident (its text,
revisions, page and search index: :func:`store.redact`). The redaction is recorded on the row
(who, when, why), never the text. Who may do which is :func:`rights.edits` and
:func:`rights.redacts`; the entries they apply to, :data:`rights.TYPED_KINDS`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404

from postmortems.incident import model as m
from postmortems.incident.timeline import minute, redaction_pairs, stamp
from postmortems.server.accounts.access import access_of
from postmortems.server.erasure import erasing
from postmortems.server.incidents import rights
from postmortems.server.incidents.models import Event, EventVersion, Incident, RoleAssignment
from postmortems.server.incidents.services import CLOCK_SKEW, refresh, to_event, who
from postmortems.server.library import store

MAX_TEXT = 20_000


def commander(incident: Incident) -> str:
    """Who holds the commander role of ``incident`` now ('' when nobody does)."""
    held = RoleAssignment.objects.filter(incident=incident, role="commander", until__isnull=True)
    return held.values_list("person", flat=True).first() or ""


def _entry(incident: Incident, event_id: int) -> Event:
    """The entry ``event_id`` of ``incident``, locked; 404 when it has none."""
    row = incident.events.select_for_update().filter(pk=event_id).first()
    if row is None:
        raise Http404(f"no entry {event_id} on the timeline of {incident.key}")
    return row


def _check_typed(row: Event, verb: str) -> None:
    if row.redacted_at is not None:
        raise m.IncidentError(
            f"this {row.kind} was redacted: it cannot be {verb} any more",
            hint="add a new note with what the record should say",
        )
    if not rights.typed(row):
        raise m.IncidentError(
            f"the {row.kind} entry is the record of what happened: it cannot be {verb}",
            hint=f"only notes and chat messages people posted are {verb}; add a note instead",
        )


class TimeRefused(m.IncidentError):
    """A corrected time outside the incident: before it began, or in the future (the API
    answers 422: the time given is wrong, not the entry's state)."""


def _new_time(
    incident: Incident, row: Event, at: dt.datetime | None, now: dt.datetime
) -> dt.datetime:
    """The entry's time after an edit: ``at`` unless it is its time as the form showed it
    (to the second, or to the minute when no seconds were given); from the minute the
    incident began (started, else opened) to now."""
    if at is None or at == row.at.replace(microsecond=0):
        return row.at
    if at.second == 0 and at == row.at.replace(second=0, microsecond=0):
        return row.at
    zone = m.zone_info(incident.timezone)
    began = minute(incident.started or incident.created, zone)
    if at > now + CLOCK_SKEW or at < began:
        what = "in the future" if at > began else "before the incident began"
        raise TimeRefused(
            f"the note's time is {what}",
            hint=f"give a time from {stamp(began, with_date=True)} to now",
        )
    return at


def edit(
    incident: Incident,
    event_id: int,
    user: Any,
    now: dt.datetime,
    *,
    text: str | None = None,
    at: dt.datetime | None = None,
) -> Event:
    """Correct the text and/or the time of a typed entry, keeping the version before it.
    Nothing changed: nothing is written. Raises :class:`IncidentError` (an entry that cannot be
    edited, an empty text, a time in the future) or :class:`PermissionDenied`."""
    name = who(user)
    with transaction.atomic():
        row = _entry(incident, event_id)
        _check_typed(row, "edited")
        if not rights.edits(access_of(user), incident, row, name, commander(incident)):
            raise PermissionDenied(
                f"only who wrote this {row.kind}, the incident's commander or an admin of its "
                "team may edit it"
            )
        new_text = row.text if text is None else text.strip()[:MAX_TEXT]
        if not new_text:
            raise m.IncidentError(
                "the note is empty",
                hint="write the corrected text; to take it off the record, ask the incident's "
                "commander or a team admin to redact it",
            )
        new_at = _new_time(incident, row, at, now)
        if (new_text, new_at) == (row.text, row.at):
            return row
        EventVersion.objects.create(
            event=row,
            text=row.text,
            at=row.at,
            by=row.edited_by or row.author,
            written=row.edited_at or row.created,
        )
        row.text, row.at, row.edited_at, row.edited_by = new_text, new_at, now, name
        row.save(update_fields=["text", "at", "edited_at", "edited_by"])
        refresh(incident)  # the live page redraws, in the new order
    return row


def marker(name: str, now: dt.datetime, zone: dt.tzinfo, reason: str) -> str:
    """``Redacted by sam at 2026-03-01 14:05 CET: a password pasted by mistake``."""
    return f"Redacted by {name} at {stamp(minute(now, zone), with_date=True)}: {reason}"


def redact(
    incident: Incident, event_id: int, reason: str, user: Any, now: dt.datetime
) -> tuple[Event, int]:
    """Replace a typed entry's text with the redaction's marker, delete its earlier versions and
    take its words out of the incident's postmortem; the entry and how many of the
    postmortem's rows held them (0: none, or no postmortem). Raises :class:`IncidentError` or
    :class:`PermissionDenied`."""
    reason = " ".join(reason.split())
    if not reason:
        raise m.IncidentError(
            "say why it is redacted",
            hint="e.g. 'a password pasted by mistake' (not the secret itself: it is kept)",
        )
    name = who(user)
    with erasing(), transaction.atomic():
        row = _entry(incident, event_id)
        _check_typed(row, "redacted")
        if not rights.redacts(access_of(user), incident, row, name, commander(incident)):
            raise PermissionDenied(
                "only the incident's commander or an admin of its team may redact an entry"
            )
        versions = [(row.text, row.at), *row.versions.values_list("text", "at")]
        said = marker(name, now, m.zone_info(incident.timezone), reason)
        pairs = redaction_pairs(to_event(row), versions, said, m.zone_info(incident.timezone))
        row.versions.all().delete()
        row.text, row.link = said, ""
        row.redacted_at, row.redacted_by, row.redaction_reason = now, name, reason[:500]
        row.save(update_fields=["text", "link", "redacted_at", "redacted_by", "redaction_reason"])
        refresh(incident)
        held, pm = 0, incident.postmortem
        if pm is not None:
            message = f"redacted a {row.kind} of {incident.key} ({name}: {reason})"[:200]
            held = store.redact(pm.key, pairs, user, message, now)
    return row, held
