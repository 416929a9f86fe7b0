"""An alert's times as its page shows them, corrected as its timeline entries are
(``ingest.fired``, ``ingest.ended``): it fired at the sender's ``startsAt``, never after it
reached us (``received``), and ended at its ``endsAt``, never before it fired nor after the
update that said so. A correction beyond the clock skew allowed is said beside the times, with
what the sender wrote."""

from __future__ import annotations

import datetime as dt

from postmortems.incident.model import wall_clock
from postmortems.server.incidents.models import Alert
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
