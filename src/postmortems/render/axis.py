"""Placing timeline entries on one time axis (minutes of local wall-clock time).

Entries with a date are placed on it; entries with a time only follow the previous entry's date,
rolling over to the next day when the clock goes back by more than three hours (``23:50`` then
``00:10``). The outage window comes from the summary (or the front matter) in the same frame.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from postmortems.document.model import Document, TimelineEntry, WallTime
from postmortems.document.zones import Zone
from postmortems.render.memo import per_document

DAY = 1440
ROLLOVER = 180  # minutes the clock may go back before we call it the next day


@dataclass(frozen=True)
class Placed:
    index: int  # position in doc.timeline
    entry: TimelineEntry
    at: int | None  # minutes on the axis, None when the entry has no time
    until: int | None = None


@dataclass(frozen=True)
class Axis:
    placed: tuple[Placed, ...]
    window: tuple[int, int] | None  # the outage, when start and end are known
    zone: Zone | None

    @property
    def span(self) -> tuple[int, int] | None:
        points = [p.at for p in self.placed if p.at is not None]
        points += [p.until for p in self.placed if p.until is not None]
        if self.window:
            points += list(self.window)
        return (min(points), max(points)) if points else None


def _minutes(day: dt.date | None, time: dt.time) -> int:
    base = day.toordinal() * DAY if day else 0
    return base + time.hour * 60 + time.minute


def _follow(
    time: dt.time, previous: int | None, day: dt.date | None, base: dt.date | None = None
) -> int:
    """Minutes for a time with no stated date, after the previous placed point (or on ``base``,
    the incident's first day, for the first one)."""
    if day is not None:
        return _minutes(day, time)
    if previous is None:
        return _minutes(base, time)
    start_of_day = previous - previous % DAY
    value = start_of_day + time.hour * 60 + time.minute
    return value + DAY if value < previous - ROLLOVER else value


def _wall(when: WallTime, previous: int | None) -> int:
    return _follow(when.time, previous, when.date)


def _local(moment: dt.datetime, zone: Zone | None) -> WallTime:
    if moment.tzinfo is not None and zone is not None:
        moment = moment.astimezone(zone.tzinfo(moment.date()))
    return WallTime(moment.time().replace(second=0, microsecond=0), moment.date(), zone)


def local_minutes(moment: dt.datetime, zone: Zone | None) -> int:
    """The axis position of an instant the front matter states, in the document's zone."""
    return _wall(_local(moment, zone), None)


def _start(doc: Document) -> WallTime | None:
    """Front matter first (it wins over the text), then what the summary states."""
    return (_local(doc.meta.started, doc.zone) if doc.meta.started else None) or doc.facts.start


def _window(doc: Document, first: int | None) -> tuple[int, int] | None:
    start = _start(doc)
    end = (_local(doc.meta.resolved, doc.zone) if doc.meta.resolved else None) or doc.facts.end
    if start is None or end is None:
        return None
    a = _wall(start, None) if start.date else _follow(start.time, first, None)
    if start.date is None and first is not None and a > first:
        a -= DAY if a - first > DAY - ROLLOVER else 0
    b = _wall(end, a)
    while b < a:
        b += DAY
    return (a, b)


@per_document
def place(doc: Document) -> Axis:
    """Every entry of the timeline with its position on the axis."""
    placed: list[Placed] = []
    previous: int | None = None
    start = _start(doc)
    base = start.date if start else None
    for i, entry in enumerate(doc.timeline):
        if entry.when is None:
            placed.append(Placed(i, entry, None))
            continue
        # A date the parser only inferred must not send the clock backwards.
        day = None if entry.when.date_inferred and previous is not None else entry.when.date
        at = _follow(entry.when.time, previous, day, base)
        until = _wall(entry.until, at) if entry.until else None
        placed.append(Placed(i, entry, at, until))
        previous = at
    first = next((p.at for p in placed if p.at is not None), None)
    return Axis(tuple(placed), _window(doc, first), doc.zone)


def label(minutes: int) -> str:
    """``HH:MM`` of an axis position."""
    h, m = divmod(minutes % DAY, 60)
    return f"{h:02d}:{m:02d}"


def day_of(minutes: int) -> dt.date | None:
    """The calendar day of an axis position (None when the axis has no dates)."""
    ordinal = minutes // DAY
    return dt.date.fromordinal(ordinal) if ordinal > 0 else None
