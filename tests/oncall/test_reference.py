"""The evaluator agrees with a plain reference, written here, at every change point of a year.

The reference answers for one instant the obvious way: take the layers from the highest down;
skip a layer whose restrictions do not hold at the local wall time; list the layer's hand-overs
by stepping the wall clock (days, weeks) or the real clock (hours) from its start, count those at
or before the instant, and pick that person; then apply the overrides in order. The instants
checked (with ``on_call``, the final timeline and ``on_call_many``, the one-instant path the
server uses for all its schedules) are every hand-over, restriction edge, override edge and DST
change of 2026 (each one minute before, at, and one minute after) and random instants.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import UTC, datetime, timedelta
from functools import cache
from itertools import pairwise
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from postmortems.oncall.evaluate import gaps, on_call, on_call_many, shifts
from postmortems.oncall.model import Layer, Restriction, Schedule, Shift

from .strategies import MINUTES_IN_YEAR, YEAR_END, YEAR_START, schedules

MINUTE = timedelta(minutes=1)


def instant(wall: datetime, zone: ZoneInfo, fold: int = 0) -> datetime:
    """The rule the docs state: PEP 495, the first occurrence; a skipped time moves forward."""
    return wall.replace(tzinfo=zone, fold=fold).astimezone(UTC)


@cache
def handovers(layer: Layer, zone_name: str) -> list[datetime]:
    zone = ZoneInfo(zone_name)
    wall = datetime.combine(layer.start, layer.handoff)  # type: ignore[arg-type]
    moment = instant(wall, zone)
    found = []
    while moment < YEAR_END + timedelta(days=30):
        found.append(moment)
        if layer.shift.unit == "hours":
            moment += timedelta(hours=layer.shift.count)
        else:
            days = layer.shift.count * (7 if layer.shift.unit == "weeks" else 1)
            wall += timedelta(days=days)
            moment = instant(wall, zone)
    return found


def in_window(restriction: Restriction, wall: datetime) -> bool:
    """Is the wall time inside a window opened today or yesterday on one of its weekdays?"""
    for days_ago in (0, 1):
        day = wall.date() - timedelta(days=days_ago)
        if day.weekday() not in restriction.weekdays:
            continue
        opens = datetime.combine(day, restriction.start)
        closes = datetime.combine(day, restriction.end)
        if restriction.end <= restriction.start:
            closes += timedelta(days=1)
        if opens <= wall < closes:
            return True
    return False


def reference(schedule: Schedule, at: datetime) -> tuple[str, ...]:
    zone = ZoneInfo(schedule.timezone)
    wall = at.astimezone(zone).replace(tzinfo=None)
    people: list[str] = []
    for layer in reversed(schedule.layers):  # the last layer listed is the highest
        if layer.restrictions and not any(in_window(r, wall) for r in layer.restrictions):
            continue
        done = bisect_right(handovers(layer, schedule.timezone), at)
        if done == 0:
            continue  # the rotation has not begun
        people = [layer.users[(done - 1) % len(layer.users)]]
        break
    for o in schedule.overrides:
        if not o.start <= at < o.end:
            continue
        if o.kind == "add" and o.user not in people:
            people.append(o.user)
        elif o.kind == "remove":
            people = [p for p in people if p != o.user]
        elif o.kind == "replace" and o.replaces is None:
            people = [o.user]
        elif o.kind == "replace" and o.replaces in people:
            people = [o.user if p == o.replaces else p for p in people]
            people = [p for i, p in enumerate(people) if p not in people[:i]]
    return tuple(people)


@cache
def dst_changes(zone_name: str) -> tuple[datetime, ...]:
    """Found by looking at the offset every hour, then every minute of an hour that changed."""
    zone = ZoneInfo(zone_name)
    found = []
    hour = YEAR_START
    while hour < YEAR_END:
        nxt = hour + timedelta(hours=1)
        if hour.astimezone(zone).utcoffset() != nxt.astimezone(zone).utcoffset():
            minute = hour
            while minute.astimezone(zone).utcoffset() == hour.astimezone(zone).utcoffset():
                minute += MINUTE
            found.append(minute)
        hour = nxt
    return tuple(found)


def change_points(schedule: Schedule) -> set[datetime]:
    zone = ZoneInfo(schedule.timezone)
    points: set[datetime] = set(dst_changes(schedule.timezone))
    for layer in schedule.layers:
        points.update(handovers(layer, schedule.timezone))
        edges = {t for r in layer.restrictions for t in (r.start, r.end)}
        day = YEAR_START.date() - timedelta(days=1)
        while edges and day <= YEAR_END.date():
            for edge in edges:
                points.add(instant(datetime.combine(day, edge), zone))
                points.add(instant(datetime.combine(day, edge), zone, fold=1))
            day += timedelta(days=1)
    for o in schedule.overrides:
        points.update((o.start, o.end))
    return {p + d for p in points for d in (-MINUTE, timedelta(0), MINUTE)}


def timeline_at(timeline: list[Shift], starts: list[datetime], at: datetime) -> tuple[str, ...]:
    index = bisect_right(starts, at) - 1
    return timeline[index].users if index >= 0 and at < timeline[index].end else ()


@settings(max_examples=30)
@given(
    schedule=schedules(),
    samples=st.lists(st.integers(0, MINUTES_IN_YEAR * 60 - 1), min_size=20, max_size=20),
)
def test_evaluator_agrees_with_the_reference(schedule: Schedule, samples: list[int]) -> None:
    timeline = shifts(schedule, YEAR_START, YEAR_END)
    starts = [s.start for s in timeline]
    points = {p for p in change_points(schedule) if YEAR_START <= p < YEAR_END}
    points.update(YEAR_START + timedelta(seconds=s) for s in samples)
    for at in sorted(points):
        expected = reference(schedule, at)
        assert on_call(schedule, at) == expected, at
        assert timeline_at(timeline, starts, at) == expected, at
        # The one-instant path the server uses for all its schedules at once.
        assert on_call_many([schedule], at) == {schedule.name: expected}, at


@settings(max_examples=10)
@given(schedule=schedules())
def test_shifts_and_gaps_cover_the_year_once_from_the_rotations_start(schedule: Schedule) -> None:
    # The schedule's life starts at its earliest layer's first hand-over (the reference's own);
    # before it no stretch is a gap, from it on every instant is a shift or a gap, once.
    first = min(handovers(layer, schedule.timezone)[0] for layer in schedule.layers)
    begun = max(YEAR_START, first)
    holes = gaps(schedule, YEAR_START, YEAR_END)
    assert all(start >= begun for start, _ in holes)
    stretches = sorted([(s.start, s.end) for s in shifts(schedule, YEAR_START, YEAR_END)] + holes)
    for (start, end), (next_start, _) in pairwise(stretches):
        assert start < end <= next_start
    alive = [s for s in stretches if s[1] > begun]
    assert alive[0][0] <= begun
    assert alive[-1][1] == YEAR_END
    for (_, end), (next_start, _) in pairwise(alive):
        assert end == next_start
