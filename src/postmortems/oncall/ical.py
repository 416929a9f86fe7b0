"""On-call shifts as an iCalendar (RFC 5545) feed a calendar app can subscribe to.

One VEVENT per shift, in UTC, ``TRANSP:TRANSPARENT`` so that being on call does not show a person
as busy; the UID is derived from the feed, the shift's times and its people, so that fetching the
feed again gives the same events (a calendar updates them instead of duplicating them).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from icalendar import Alarm, Calendar, Event, vDDDTypes, vText

from postmortems.oncall.model import Shift

PRODID = "-//postmortems//on-call//EN"


def feed(
    shifts: Sequence[Shift],
    *,
    name: str,
    who: str | None = None,
    alarm: timedelta | None = None,
    made: datetime | None = None,
) -> bytes:
    """The feed of ``shifts`` of schedule ``name``; only ``who``'s shifts when given, each run of
    back-to-back ones as one event (one reminder before it, none while already on call).

    ``alarm`` adds a reminder that long before each shift starts; ``made`` (default: now) is
    each event's DTSTAMP, when this copy of it was written (RFC 5545, 3.8.7.2).
    """
    stamp = (made or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    title = f"On call: {name}" + (f" ({who})" if who else "")
    calendar.add("x-wr-calname", title)
    for shift in shifts if who is None else stretches(shifts, who):
        calendar.add_component(_event(shift, name, alarm, who, stamp))
    return bytes(calendar.to_ical())


def stretches(shifts: Sequence[Shift], who: str) -> list[Shift]:
    """``who``'s shifts, each run of back-to-back ones joined (the others on call with them may
    change within it: they are all named, ``who`` first)."""
    out: list[Shift] = []
    for shift in shifts:
        if who not in shift.users:
            continue
        if out and out[-1].end == shift.start:
            last = out[-1]
            people = tuple(dict.fromkeys((*last.users, *shift.users)))
            # one layer; None: an override changed some of it; "": several layers, no override
            layer = last.layer if last.layer == shift.layer else None
            if layer is None and last.layer is not None and shift.layer is not None:
                layer = ""
            out[-1] = Shift(last.start, shift.end, people, layer)
        else:
            out.append(
                Shift(
                    shift.start,
                    shift.end,
                    (who, *(u for u in shift.users if u != who)),
                    shift.layer,
                )
            )
    return out


def uid(shift: Shift, name: str) -> str:
    """Stable for the same schedule, times and people."""
    key = "\x1f".join([name, shift.start.isoformat(), shift.end.isoformat(), *shift.users])
    return hashlib.sha256(key.encode()).hexdigest()[:32] + "@postmortems-oncall"


def _event(
    shift: Shift, name: str, alarm: timedelta | None, who: str | None, stamp: datetime
) -> Event:
    event = Event()
    start, end = shift.start.astimezone(UTC), shift.end.astimezone(UTC)
    detail = {None: "changed by an override", "": "from more than one layer"}.get(
        shift.layer, f"layer {shift.layer}"
    )
    people = ", ".join(shift.users)
    summary = f"{who or people} on call ({name})"
    said = f"On call for {name}: {people} ({detail})."
    if who is not None and len(shift.users) > 1:
        said = f"On call for {name}: {who}, with {', '.join(shift.users[1:])} ({detail})."
    # Values built as icalendar types directly (encode=False): the type guessing of add() was
    # most of the cost of a year's feed.
    for key, value in (
        ("uid", vText(uid(shift, name))),
        ("dtstamp", vDDDTypes(stamp)),
        ("dtstart", vDDDTypes(start)),
        ("dtend", vDDDTypes(end)),
        ("summary", vText(summary)),
        ("description", vText(said)),
        ("transp", vText("TRANSPARENT")),
    ):
        event.add(key, value, encode=False)
    if alarm is not None:
        reminder = Alarm()
        reminder.add("action", "DISPLAY")
        reminder.add("trigger", -alarm)
        reminder.add("description", f"On call for {name} in {_human(alarm)}")
        event.add_component(reminder)
    return event


def _human(delay: timedelta) -> str:
    minutes = int(delay.total_seconds() // 60)
    return f"{minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"{minutes} min"
