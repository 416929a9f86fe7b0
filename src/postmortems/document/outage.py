"""The outage window, read once: start, end and duration as the card, the extraction, the
library's columns and the lint rules all state them (front matter first, then what the text
states; docs/format.md, "The outage window").

An end whose date is not known is read on the start's day, or on the next day when its time is
earlier (the midnight roll-over); an end dated before the start is a contradiction (PM115): it
has no duration, and is shown as one, never read as the next day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from postmortems.document.model import Document, WallTime
from postmortems.document.summarytimes import minutes_between

_DAY = dt.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Window:
    start: WallTime | None
    end: WallTime | None
    duration_minutes: int | None
    # Of "start", "end", "duration_minutes", "timezone": what the text does not state plainly.
    inferred: frozenset[str]
    end_next_day: bool = False  # the end, without a date of its own, is the next day's
    end_before_start: bool = False  # both dated and the end earlier: a contradiction
    zone_unknown: str | None = None  # the front matter's zone nobody knows, as written


def local(moment: dt.datetime | None, doc: Document) -> WallTime | None:
    """A front-matter time as a wall time in the document's zone."""
    if moment is None:
        return None
    zone = doc.zone
    if zone is not None and moment.tzinfo is not None:
        moment = moment.astimezone(zone.tzinfo(moment.date()))
    return WallTime(moment.time().replace(second=0, microsecond=0), moment.date(), zone)


def inferred_facts(doc: Document) -> frozenset[str]:
    """The facts of ``doc`` the text does not state plainly, unless the front matter states
    them (it wins, and says them plainly)."""
    meta = doc.meta
    stated = {
        "start": meta.started is not None,
        "end": meta.resolved is not None,
        "duration_minutes": meta.started is not None and meta.resolved is not None,
        "timezone": meta.timezone is not None,
    }
    return frozenset(n for n in doc.facts.inferred if not stated.get(n, False))


def outage_window(doc: Document) -> Window:
    """The one reading of when the outage began and ended and how long it lasted."""
    meta, facts = doc.meta, doc.facts
    start = local(meta.started, doc) or facts.start
    end = _dated_end(start, local(meta.resolved, doc) or facts.end)
    inferred = inferred_facts(doc)
    before = bool(start and end and _before(end, start))
    duration = facts.duration_minutes
    if (meta.started and meta.resolved) or duration is None or before:
        worked_out = minutes_between(start, end) if start and end else None
        if worked_out is not None and worked_out != duration and {"start", "end"} & inferred:
            inferred |= {"duration_minutes"}
        duration = worked_out if worked_out is not None or before else duration
    return Window(
        start,
        end,
        duration,
        inferred,
        end_next_day=not before and _next_day(start, end),
        end_before_start=before,
        zone_unknown=doc.unknown_zone,
    )


def _dated_end(start: WallTime | None, end: WallTime | None) -> WallTime | None:
    """The end, dated from a dated start when its own date is unknown: the same day, or the
    next when its time is earlier."""
    if start is None or end is None or start.date is None or end.date is not None:
        return end
    day = start.date + _DAY if end.time < start.time else start.date
    return WallTime(end.time, day, end.zone, date_inferred=True)


def _next_day(start: WallTime | None, end: WallTime | None) -> bool:
    if start is None or end is None:
        return False
    if start.date is None or end.date is None:
        return end.time < start.time  # no dates: an earlier time is the next day's
    # a date written with the end is shown as written; one read across midnight is "next day"
    return end.date == start.date + _DAY and end.date_inferred


def _before(end: WallTime, start: WallTime) -> bool:
    if start.date is None or end.date is None:
        return False
    a, b = start.aware, end.aware
    if a is not None and b is not None:
        return b < a
    return (end.date, end.time) < (start.date, start.time)
