"""Feeds parse back with icalendar and expand with recurring-ical-events to the same shifts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import recurring_ical_events
from hypothesis import given, settings
from icalendar import Calendar

from postmortems.oncall.evaluate import shifts
from postmortems.oncall.ical import feed, stretches
from postmortems.oncall.model import Schedule, Shift
from postmortems.oncall.spec import load_files

from .strategies import YEAR_END, YEAR_START, schedules

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "oncall" / "platform.yaml"


def expanded(data: bytes) -> list[tuple[datetime, datetime, str]]:
    calendar = Calendar.from_ical(data)
    events = recurring_ical_events.of(calendar).between(YEAR_START, YEAR_END)
    found = [
        (e["DTSTART"].dt.astimezone(UTC), e["DTEND"].dt.astimezone(UTC), str(e["SUMMARY"]))
        for e in events
    ]
    return sorted(found)


def planned(schedule: Schedule, who: str | None = None) -> list[tuple[datetime, datetime, str]]:
    found = shifts(schedule, YEAR_START, YEAR_END)
    if who is not None:  # a person's feed: each run of back-to-back shifts is one
        return sorted(
            (s.start, s.end, f"{who} on call ({schedule.name})") for s in stretches(found, who)
        )
    return sorted(
        (s.start, s.end, f"{', '.join(s.users)} on call ({schedule.name})") for s in found
    )


@settings(max_examples=5)
@given(schedule=schedules())
def test_a_year_of_feed_expands_to_the_evaluators_shifts(schedule: Schedule) -> None:
    data = feed(shifts(schedule, YEAR_START, YEAR_END), name=schedule.name)
    assert expanded(data) == planned(schedule)


def test_the_example_feed_per_person_with_reminders() -> None:
    schedule = load_files([EXAMPLE]).schedules[0]
    year = shifts(schedule, YEAR_START, YEAR_END)
    data = feed(year, name=schedule.name, who="ben", alarm=timedelta(minutes=30))
    assert expanded(data) == planned(schedule, "ben")
    calendar = Calendar.from_ical(data)
    events = list(calendar.walk("VEVENT"))
    assert events
    assert {str(e["TRANSP"]) for e in events} == {"TRANSPARENT"}
    alarms = [e.walk("VALARM")[0] for e in events]
    assert {a["TRIGGER"].dt for a in alarms} == {-timedelta(minutes=30)}
    assert str(calendar["X-WR-CALNAME"]) == "On call: platform-primary (ben)"
    # The same shifts give the same UIDs; a changed shift gets a new one.
    again = Calendar.from_ical(feed(year, name=schedule.name, who="ben"))
    assert [e["UID"] for e in again.walk("VEVENT")] == [e["UID"] for e in events]
    assert len({e["UID"] for e in events}) == len(events)


def test_each_event_is_stamped_when_the_feed_was_written() -> None:
    """DTSTAMP is when this copy was made (RFC 5545), not the shift's start."""
    schedule = load_files([EXAMPLE]).schedules[0]
    year = shifts(schedule, YEAR_START, YEAR_END)
    made = datetime(2026, 3, 1, 12, 30, 15, 999, tzinfo=UTC)
    events = Calendar.from_ical(feed(year, name=schedule.name, made=made)).walk("VEVENT")
    assert {e["DTSTAMP"].dt for e in events} == {made.replace(microsecond=0)}
    assert any(e["DTSTART"].dt != e["DTSTAMP"].dt for e in events)


def test_a_persons_back_to_back_shifts_are_one_event_with_one_reminder() -> None:
    """An override adding someone splits the timeline in three; for the person on call all
    along it is one stretch of duty: one event, one reminder before it, none in the middle."""
    day = datetime(2027, 3, 14, tzinfo=UTC)
    hour = timedelta(hours=1)
    split = [
        Shift(day + hour, day + 3 * hour, ("priya",), "weekly"),
        Shift(day + 3 * hour, day + 8 * hour, ("priya", "sam"), None),
        Shift(day + 8 * hour, day + 9 * hour, ("priya",), "weekly"),
        Shift(day + 9 * hour, day + 12 * hour, ("sam",), "weekly"),
        Shift(day + 12 * hour, day + 13 * hour, ("priya",), "weekly"),
    ]
    events = list(
        Calendar.from_ical(feed(split, name="sre", who="priya", alarm=hour)).walk("VEVENT")
    )
    spans = [(e["DTSTART"].dt - day, e["DTEND"].dt - day) for e in events]
    assert spans == [(hour, 9 * hour), (12 * hour, 13 * hour)]
    assert str(events[0]["SUMMARY"]) == "priya on call (sre)"
    assert (
        str(events[0]["DESCRIPTION"])
        == "On call for sre: priya, with sam (changed by an override)."
    )
    assert all(len(e.walk("VALARM")) == 1 for e in events)
    team = Calendar.from_ical(feed(split, name="sre")).walk("VEVENT")
    assert len(team) == 5  # the schedule's own feed keeps every change of who is on call


def test_a_stretch_over_two_layers_says_so_not_that_an_override_changed_it() -> None:
    day = datetime(2027, 3, 14, tzinfo=UTC)
    hour = timedelta(hours=1)
    two = [
        Shift(day, day + 8 * hour, ("priya",), "weekdays"),
        Shift(day + 8 * hour, day + 9 * hour, ("priya",), "nights"),
    ]
    (event,) = Calendar.from_ical(feed(two, name="sre", who="priya")).walk("VEVENT")
    assert str(event["DESCRIPTION"]) == "On call for sre: priya (from more than one layer)."
