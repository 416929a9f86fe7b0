"""Pages on the incident's timeline: every page, escalation, acknowledgement and hand-over becomes
an event of the incident the page is for (its ``incident_key``), when the incidents app is
installed, so the postmortem draft can say "14:05 paged alice (primary); 14:15 escalated to bob".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.apps import apps
from django.utils.crypto import salted_hmac

from postmortems.server.oncall.models import Page, Schedule

# Our kinds → the incident event kinds (postmortems.incident.model.EVENT_KINDS).
KINDS = {
    "page": "page",
    "again": "page",  # the same person paged again: no escalation
    "escalation": "escalation",
    "acknowledged": "acknowledgement",
    "handover": "handover",
    "resolved": "note",
    "cancelled": "note",
    "moved": "note",
    "nobody": "note",
    "exhausted": "note",
}


def record(
    page: Page,
    kind: str,
    text: str,
    now: dt.datetime,
    *,
    key: str = "",
    schedules: Sequence[str] = (),
    redacted: str = "",
    again: bool = False,
    by: str = "",
) -> bool:
    """Add ``text`` to the timeline of ``page``'s incident; False when there is none.

    ``key`` makes the event idempotent (the same key is recorded once). When ``text`` names who
    is on call on one of ``schedules`` and that schedule is restricted to a team, ``redacted``
    is written instead unless only that team reads the incident, and the key (which may hold a
    name) is kept as a keyed digest. ``again``: a person the page reached paged once more
    (``repeat`` in the event's detail: the draft says "Paged again"); ``by``: the person who
    opened the page, on its first page (``by`` in the detail: the draft's line names them).
    """
    if not page.incident_key or not apps.is_installed("postmortems.server.incidents"):
        return False
    from postmortems.incident import model as m
    from postmortems.server.incidents import services
    from postmortems.server.incidents.models import Incident

    incident = Incident.objects.filter(key=page.incident_key).first()
    if incident is None:
        return False
    if not all(_readers_may_see(incident, name) for name in schedules):
        text, key = redacted, salted_hmac("oncall.timeline", key or kind).hexdigest()[:20]
    event = m.Event(
        at=now,
        kind=KINDS[kind],
        text=text,
        author="on-call",
        external_id=f"oncall:page:{page.pk}:{key or kind}",
        detail=(
            ("page", str(page.pk)),
            ("policy", page.policy_name),
            *((("repeat", "yes"),) if again else ()),
            *((("by", by),) if by else ()),
        ),
    )
    services.record(incident, [event], None, now)
    return True


def _readers_may_see(incident: Any, schedule: str) -> bool:
    """Whether everyone who reads ``incident`` may see who is on call on ``schedule``: it is not
    restricted, or the incident is restricted to the schedule's team."""
    row = Schedule.objects.filter(name=schedule).values_list("restricted", "team").first()
    if row is None or not row[0]:
        return True
    return bool(incident.restricted and row[1] and incident.team == row[1])


def schedules_paged(page: Page) -> list[str]:
    """The schedules the page's policy (or a page by hand) pages: whose on-call may
    acknowledge it."""
    steps = page.policy.steps.all() if page.policy else []
    targets = [*page.targets, *(t for s in steps for t in s.targets)]
    return [t["name"] for t in targets if t.get("kind") == "schedule"]
