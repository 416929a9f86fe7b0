"""Dating the entries of a timeline: the running date, midnight roll-over across zones, a
twelve-hour clock without am/pm, and the finished entries."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from postmortems.document.model import TimelineEntry, WallTime
from postmortems.document.timelinedraft import Context, _Draft
from postmortems.document.timelinetext import _balanced
from postmortems.document.timeparse import Found
from postmortems.document.zones import Zone


def _finish(drafts: list[_Draft], ctx: Context) -> list[TimelineEntry]:
    _afternoon(drafts)
    clock = _Clock(ctx.date, own_dates=ctx.own_dates)
    entries: list[TimelineEntry] = []
    for d in drafts:
        text = _balanced(" ".join(p for p in d.parts if p))
        if d.found is None:
            entries.append(TimelineEntry(text, raw=d.raw, line=d.line))
        else:
            entries.append(
                _timed_entry(d, d.found, text, clock.date_of(d, d.found, d.found.zone), ctx)
            )
    return entries


_DAY = dt.timedelta(days=1)
_HALF_DAY = dt.timedelta(hours=12)
# The first clock time an entry writes, and whether am/pm follows it.
_CLOCK = re.compile(r"(?<![\d:])(\d{1,2}):\d{2}(?::\d{2})?(?P<meridiem>\s*[ap]\.?\s?m\b)?", re.I)


def _afternoon(drafts: Sequence[_Draft]) -> None:
    """Times written on a twelve-hour clock without am/pm: on one day, "12:39" then "1:50" is ten
    to two in the afternoon, not the night before. A time goes on past noon when it is written
    with a one-digit hour and no am/pm, after a time at or past noon on the same day, and reads
    later than it once twelve hours are added (a 24-hour clock writes "01:50")."""
    previous: dt.time | None = None
    day: dt.date | None = None
    for d in drafts:
        f = d.found
        if f is None:
            continue
        if d.day_stated and d.day != day:
            previous, day = None, d.day
        if previous is not None and previous.hour >= 12 and _twelve_hour(d.raw, f.time):
            later = f.time.replace(hour=f.time.hour + 12)
            if f.time < previous <= later:
                d.found = replace(f, time=later)
        previous = d.found.time if d.found is not None else previous


def _twelve_hour(raw: str, time: dt.time) -> bool:
    """The entry writes ``time`` with a one-digit hour and no am/pm ("1:50")."""
    m = _CLOCK.search(raw[:60])
    return (
        m is not None
        and len(m[1]) == 1
        and int(m[1]) == time.hour
        and 1 <= time.hour <= 11
        and not m["meridiem"]
    )


@dataclass
class _Clock:
    """The date the timeline has reached, and the last moment it wrote."""

    day: dt.date | None
    previous: dt.datetime | None = None
    zone: Zone | None = None  # the zone of the previous moment
    own_dates: bool = False  # an entry's own date does not move the running one

    def date_of(self, d: _Draft, found: Found, zone: Zone | None) -> dt.date | None:
        """An entry's date: its own, else the running one, a day later past midnight.
        ``zone`` is the zone the entry states (None when it states none)."""
        if d.day is not None and d.day_stated and self.own_dates:
            self.previous, self.zone = dt.datetime.combine(d.day, found.time), zone
            return d.day
        if d.day is not None:
            self.day = d.day
        day = self.day
        if day is not None and self.previous is not None and not d.day_stated:
            day = self.day = next_date(day, found.time, zone, self.previous, self.zone)
        if day is not None:
            self.previous, self.zone = dt.datetime.combine(day, found.time), zone
        return day


def next_date(
    day: dt.date,
    time: dt.time,
    zone: Zone | None,
    previous: dt.datetime,
    previous_zone: Zone | None,
) -> dt.date:
    """The date of an entry at ``time`` that states no date, after the entry at ``previous``
    (wall time): ``day``, or the day after when the clock went back by twelve hours or more
    (midnight roll-over). When both entries state zones, they are compared as moments: "23:50
    PST" then "08:55 CET" is the next day, "01:10 CEST" then "16:20 PDT" the day before. The
    writer predicts dates with the same function."""
    shift = dt.timedelta(0)
    offsets = (zone.offset, previous_zone.offset) if zone and previous_zone else (None, None)
    if zone != previous_zone and offsets[0] is not None and offsets[1] is not None:
        shift = dt.timedelta(minutes=offsets[1] - offsets[0])
    moment = dt.datetime.combine(day, time) + shift  # on the previous entry's clock
    if moment < previous and moment + _DAY - previous <= _HALF_DAY:
        return day + _DAY
    if shift and moment - _DAY >= previous:
        return day - _DAY  # a change of zone put a whole day between the two
    return day


def _timed_entry(
    d: _Draft, found: Found, text: str, day: dt.date | None, ctx: Context
) -> TimelineEntry:
    zone = found.zone or ctx.zone
    when = WallTime(found.time, day, zone, not d.day_stated and day is not None)
    until = None
    if found.until is not None:
        u = found.until
        until = WallTime(u.time, u.date or day, u.zone or zone, u.date is None)
    return TimelineEntry(
        text, when, until, zone_stated=found.zone is not None, raw=d.raw, line=d.line
    )
