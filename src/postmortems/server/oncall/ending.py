"""What an incident's end does to its pages nobody acknowledged yet (called by the incidents app
through ``listeners.ended``, inside the transaction that moves the incident).

- Resolved or closed: each page becomes ``resolved``; cancelled: ``cancelled``.
- Marked a duplicate of another incident: each page becomes ``cancelled`` (``duplicate of
  INC-…``) when the other incident is looked after — a page of it still escalating or
  acknowledged, or it ended. When nobody is paged there, the pages move to it instead and go on
  escalating for it: the duplicate's page may be the only one the incident has.

The page keeps why it stopped (``Page.stopped``), and both timelines say what happened.
"""

from __future__ import annotations

import datetime as dt

from postmortems.incident import lifecycle
from postmortems.server.incidents.models import Incident
from postmortems.server.incidents.rights import readers_see
from postmortems.server.oncall import timeline
from postmortems.server.oncall.models import Page


def stop_paging(incident: Incident, now: dt.datetime) -> int:
    """Stop (or, for a duplicate of an incident nobody is paged for, move) the pages of
    ``incident`` nobody acknowledged; how many."""
    pages = list(
        Page.objects.select_for_update()
        .filter(incident_key=incident.key, state__in=(Page.State.OPEN, Page.State.EXHAUSTED))
        .order_by("pk")
    )  # locked in one order, so two stops never wait on each other
    if not pages:
        return 0
    original = incident.duplicate_of if incident.status == lifecycle.DUPLICATE else None
    if original is not None and not looked_after(original):
        for page in pages:
            _move(page, incident, original, now)
        return len(pages)
    state, why = _why(incident, original)
    for page in pages:
        page.state, page.stopped = state, why
        page.save(update_fields=["state", "stopped"])
        text = f"page {page.pk} ({page.policy_name}) stopped: {_told(incident, why)}"
        timeline.record(page, str(state), text, now)
    return len(pages)


def looked_after(incident: Incident) -> bool:
    """Whether someone answers for ``incident``: it ended, or a page of it is acknowledged or
    still escalating (an exhausted page reached nobody who answered)."""
    if incident.status in lifecycle.ENDED:
        return True
    answering = (Page.State.OPEN, Page.State.ACKNOWLEDGED)
    return Page.objects.filter(incident_key=incident.key, state__in=answering).exists()


def _why(incident: Incident, original: Incident | None) -> tuple[Page.State, str]:
    """The page's new state and why, as the page shows it (``duplicate of INC-…``)."""
    if original is not None:
        shown = original.key if readers_see(incident, original) else "another incident"
        return Page.State.CANCELLED, f"duplicate of {shown}"
    if incident.status == lifecycle.CANCELLED:
        return Page.State.CANCELLED, "the incident was cancelled"
    return Page.State.RESOLVED, f"the incident is {incident.status}"


def _told(incident: Incident, why: str) -> str:
    """``why`` as the incident's own timeline says it."""
    if why.startswith("duplicate of "):
        return f"this incident is a {why}"
    return why


def _move(page: Page, incident: Incident, original: Incident, now: dt.datetime) -> None:
    """Move ``page`` to ``original``, saying so on both timelines (naming each incident only
    where its readers may see it)."""
    there = original.key if readers_see(incident, original) else "the incident it duplicates"
    here = incident.key if readers_see(original, incident) else "a restricted incident"
    name = f"page {page.pk} ({page.policy_name})"
    timeline.record(
        page, "moved", f"{name} moved to {there}: this incident is a duplicate of it", now
    )
    page.incident_key = original.key
    title = original.key if original.restricted else f"{original.key}: {original.title}"
    page.summary = title[:300]
    page.save(update_fields=["incident_key", "summary"])
    timeline.record(
        page,
        "moved",
        f"{name} moved here from {here}, marked a duplicate of this incident: nobody was paged "
        "for this one, so it goes on escalating until someone acknowledges",
        now,
    )
