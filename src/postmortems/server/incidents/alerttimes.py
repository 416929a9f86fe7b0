"""An alert's times as its page shows them, corrected as its timeline entries are
(``ingest.fired``, ``ingest.ended``): it fired at the sender's ``startsAt``, never after it
reached us (``received``), and ended at its ``endsAt``, never before it fired nor after the
update that said so. A correction beyond the clock skew allowed is said beside the times, with
what the sender wrote. How long the alert an incident was declared from waited in the inbox
(:func:`in_inbox`)."""

from __future__ import annotations

import datetime as dt

from postmortems.incident.model import wall_clock
from postmortems.server.incidents.models import Alert, Incident
from postmortems.server.incidents.services import CLOCK_SKEW


def fired_at(alert: Alert) -> dt.datetime:
    return min(alert.starts_at, alert.received)


def ended_at(alert: Alert) -> dt.datetime | None:
    if alert.ends_at is None:
        return None
    return min(max(alert.ends_at, fired_at(alert)), max(alert.updated, fired_at(alert)))


def corrections(alert: Alert, zone: str) -> list[str]:
    """What the page says about the sender's times it did not take as sent ([] for none)."""
    said = []
    if alert.starts_at > alert.received + CLOCK_SKEW:
        said.append(
            f"The sender's start ({wall_clock(alert.starts_at, zone)}) is after the alert "
            "reached us: it is shown, and on the timeline, as fired when it was received "
            "(the sender's clock is likely wrong)."
        )
    if alert.ends_at is not None and alert.ends_at < alert.starts_at:
        said.append(
            f"The sender's end ({wall_clock(alert.ends_at, zone)}) is before its start: it is "
            "shown, and on the timeline, as ended when it fired."
        )
    return said


def in_inbox(incident: Incident) -> dt.timedelta | None:
    """How long the alert the incident was declared from (``declared_from``) waited in the
    alert inbox: from when it reached us (``received``: the sender's ``startsAt`` says when the
    problem began, not when anyone could see it) to the declaration (``created``). An alert
    attached later does not count. None: not declared from the inbox (by hand, through the API,
    opened by routing), or its alert deleted since."""
    if incident.declared_from_id is None:
        return None
    found = Alert.objects.filter(pk=incident.declared_from_id)
    received = found.values_list("received", flat=True).first()
    if received is None:
        return None
    return max(incident.created - received, dt.timedelta(0))
