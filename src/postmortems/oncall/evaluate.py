"""Who is on call: at an instant, over a range (the final timeline), and the gaps.

A layer hands over at wall-clock times: for ``days`` and ``weeks`` shifts, at the hand-over time
on every Nth day in the schedule's zone (so a one-day shift across a DST change lasts 23 or 25
hours); for ``hours`` shifts, every N hours of absolute time from the first hand-over (so a
12-hour rotation drifts by an hour against the wall clock at a DST change). See docs/oncall.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo

from postmortems.oncall.model import Layer, Override, Schedule, Shift, local, resolve

_DAY = timedelta(days=1)
_SURE = timedelta(hours=3)


def on_call(schedule: Schedule, at: datetime) -> tuple[str, ...]:
    """Who is on call at instant ``at`` (aware): the highest covering layer, then overrides."""
    return _evaluate(schedule, schedule.zone, _utc(at))[0]


def shifts(schedule: Schedule, start: datetime, end: datetime) -> list[Shift]:
    """The final timeline from ``start`` to ``end``: stretches with someone on call, in order.

    Consecutive stretches with the same people from the same layer are one shift; the first and
    the last are cut at ``start`` and ``end``.
    """
    start, end = _utc(start), _utc(end)
    zone = schedule.zone
    points = sorted(p for p in _change_points(schedule, zone, start, end) if start < p < end)
    out: list[Shift] = []
    for left, right in zip([start, *points], [*points, end], strict=True):
        if left == right:
            continue
        users, layer = _evaluate(schedule, zone, left)
        if not users:
            continue
        if out and out[-1].end == left and (out[-1].users, out[-1].layer) == (users, layer):
            out[-1] = Shift(out[-1].start, right, users, layer)
        else:
            out.append(Shift(left, right, users, layer))
    return out


def layer_shifts(schedule: Schedule, start: datetime, end: datetime) -> dict[str, list[Shift]]:
    """Each layer's own timeline, by name: as if it were alone, without overrides (the rows of a
    calendar drawn layer by layer above the final timeline)."""
    return {
        layer.name: shifts(replace(schedule, layers=(layer,), overrides=()), start, end)
        for layer in schedule.layers
    }


def begins(schedule: Schedule) -> datetime | None:
    """When the schedule's rotation begins: the first hand-over of its earliest layer (UTC);
    None for a schedule without layers."""
    zone = schedule.zone
    return min((first_handover(layer.anchor, zone) for layer in schedule.layers), default=None)


def gaps(schedule: Schedule, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """The stretches from ``start`` to ``end`` when no one is on call, within the schedule's
    life: from its rotation's first hand-over (:func:`begins`) on. Before it, nobody is on call
    and nobody is missing: the schedule had not begun. A schedule without layers has no
    rotation to wait for: every stretch without an override is a gap."""
    start, end = _utc(start), _utc(end)
    return uncovered(shifts(schedule, start, end), start, end, begins=begins(schedule))


def uncovered(
    found_shifts: Iterable[Shift],
    start: datetime,
    end: datetime,
    *,
    begins: datetime | None = None,
) -> list[tuple[datetime, datetime]]:
    """The stretches from ``start`` to ``end`` that none of ``found_shifts`` (in order, inside
    that range, as :func:`shifts` gives them) covers; none before ``begins`` (the rotation's
    first hand-over: before it the schedule had not begun)."""
    if begins is not None and begins > start:
        start = begins
        found_shifts = [x for x in found_shifts if x.end > start]
    if start >= end:
        return []
    found: list[tuple[datetime, datetime]] = []
    cursor = start
    for shift in found_shifts:
        if shift.start > cursor:
            found.append((cursor, shift.start))
        cursor = shift.end
    if cursor < end:
        found.append((cursor, end))
    return found


def on_call_many(schedules: Iterable[Schedule], at: datetime) -> dict[str, tuple[str, ...]]:
    """Who is on call at ``at`` on each schedule, by name (one call for a whole server)."""
    return on_call_each(((s.name, s.timezone, s.layers, s.overrides) for s in schedules), at)


Entry = tuple[str, str, tuple[Layer, ...], tuple[Override, ...]]


def on_call_each(entries: Iterable[Entry], at: datetime) -> dict[str, tuple[str, ...]]:
    """Who is on call at ``at`` for each (name, timezone, layers, overrides), by name: a whole
    server's schedules without building a Schedule for each; the zone and the instant's wall
    time are worked out once per timezone."""
    at = _utc(at)
    places: dict[str, tuple[tzinfo, datetime]] = {}
    found: dict[str, tuple[str, ...]] = {}
    for name, timezone, layers, overrides in entries:
        place = places.get(timezone)
        if place is None:
            zone = ZoneInfo(timezone)
            place = places[timezone] = (zone, local(at, zone))
        found[name] = _who(layers, overrides, place[0], at, place[1])[0]
    return found


def handover(layer: Layer, zone: tzinfo, index: int) -> datetime:
    """The instant of the layer's ``index``-th hand-over (0 is the start of the rotation)."""
    if layer.shift.unit == "hours":
        return first_handover(layer.anchor, zone) + layer.shift.span * index
    return resolve(layer.anchor + layer.shift.span * index, zone)


@lru_cache(maxsize=4096)
def first_handover(anchor: datetime, zone: tzinfo) -> datetime:
    """The instant a rotation starting at wall time ``anchor`` in ``zone`` begins (the same on
    every evaluation, so it is resolved once)."""
    return resolve(anchor, zone)


def rotation_index(layer: Layer, zone: tzinfo, at: datetime, wall: datetime | None = None) -> int:
    """How many hand-overs of the layer happened at or before ``at`` minus one (-1: not begun);
    ``wall``: ``at``'s wall time in ``zone``, when the caller has it."""
    span = layer.shift.span
    if layer.shift.unit == "hours":
        return max((at - first_handover(layer.anchor, zone)) // span, -1)
    if wall is None:
        wall = local(at, zone)
    index, into = divmod(wall - layer.anchor, span)
    if _SURE <= into < span - _SURE:
        # Hours away from a hand-over's wall time: no DST change (at most 2 hours) can move the
        # instant across one, so the wall-clock count is the count.
        return max(index, -1)
    while handover(layer, zone, index + 1) <= at:
        index += 1
    while index >= 0 and handover(layer, zone, index) > at:
        index -= 1
    return max(index, -1)


def keeping_turn(old: Layer, new: Layer, zone: tzinfo, at: datetime) -> tuple[str, ...]:
    """``new``'s people in the same turn order, started at another of them so that whoever's
    turn it is on ``old`` at ``at`` keeps it on ``new``, and the rotation goes on from them in
    the new order (someone joins or leaves: the person on call stays on call). ``new.users``
    as they are when that person is not among them or a rotation has not begun."""
    was, turn = rotation_index(old, zone, at), rotation_index(new, zone, at)
    if was < 0 or turn < 0 or not old.users or not new.users:
        return new.users
    person = old.users[was % len(old.users)]
    if person not in new.users:
        return new.users
    first = (new.users.index(person) - turn) % len(new.users)
    return new.users[first:] + new.users[:first]


def layer_user(
    layer: Layer, zone: tzinfo, at: datetime, wall: datetime | None = None
) -> str | None:
    """Whom the layer puts on call at ``at`` (wall time ``wall``), None where it does not cover."""
    if wall is None:
        wall = local(at, zone)
    if not layer.users or (layer.restrictions and not layer.covers(wall)):
        return None
    index = rotation_index(layer, zone, at, wall)
    return layer.users[index % len(layer.users)] if index >= 0 else None


def apply_overrides(
    overrides: tuple[Override, ...], users: tuple[str, ...], at: datetime
) -> tuple[str, ...]:
    """``users`` changed by the overrides active at ``at``, in their order."""
    result = list(users)
    for override in overrides:
        if not override.active(at):
            continue
        if override.kind == "add":
            result = result if override.user in result else [*result, override.user]
        elif override.kind == "remove":
            result = [u for u in result if u != override.user]
        elif override.replaces is None:
            result = [override.user]
        else:
            swapped = [override.user if u == override.replaces else u for u in result]
            result = list(dict.fromkeys(swapped))
    return tuple(result)


def transitions(zone: tzinfo, start: datetime, end: datetime) -> list[datetime]:
    """The instants from ``start`` to ``end`` when the zone's UTC offset changes."""
    found: list[datetime] = []
    day = start
    while day < end:
        after = min(day + _DAY, end)
        if day.astimezone(zone).utcoffset() != after.astimezone(zone).utcoffset():
            found.append(_first_change(zone, day, after))
        day = after
    return found


def _first_change(zone: tzinfo, low: datetime, high: datetime) -> datetime:
    """Bisect to the second: the first instant in (low, high] with high's offset."""
    target = high.astimezone(zone).utcoffset()
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        middle = middle.replace(microsecond=0)
        if middle.astimezone(zone).utcoffset() == target:
            high = middle
        else:
            low = middle
    return high


def _evaluate(schedule: Schedule, zone: tzinfo, at: datetime) -> tuple[tuple[str, ...], str | None]:
    return _who(schedule.layers, schedule.overrides, zone, at, local(at, zone))


def _who(
    layers: tuple[Layer, ...],
    overrides: tuple[Override, ...],
    zone: tzinfo,
    at: datetime,
    wall: datetime,
) -> tuple[tuple[str, ...], str | None]:
    """Who is on call at ``at`` (wall time ``wall`` in ``zone``) and the layer that put them
    there (None when an override changed it)."""
    base: tuple[str, ...] = ()
    layer_name: str | None = None
    for layer in reversed(layers):
        user = layer_user(layer, zone, at, wall)
        if user is not None:
            base, layer_name = (user,), layer.name
            break
    if not overrides:
        return base, layer_name
    users = apply_overrides(overrides, base, at)
    return users, (layer_name if users == base else None)


def _change_points(
    schedule: Schedule, zone: tzinfo, start: datetime, end: datetime
) -> Iterator[datetime]:
    """Every instant where who is on call may change: hand-overs, restriction edges (both
    occurrences of an ambiguous wall time), DST transitions and override edges."""
    for layer in schedule.layers:
        index = max(rotation_index(layer, zone, start), -1)
        while (moment := handover(layer, zone, index + 1)) < end:
            yield moment
            index += 1
        if layer.restrictions:
            yield from _restriction_edges(layer, zone, start, end)
    yield from transitions(zone, start, end)
    for override in schedule.overrides:
        yield override.start
        yield override.end


def _restriction_edges(
    layer: Layer, zone: tzinfo, start: datetime, end: datetime
) -> Iterator[datetime]:
    times = {t for r in layer.restrictions for t in (r.start, r.end)}
    day: date = local(start, zone).date() - _DAY
    last = local(end, zone).date() + _DAY
    while day <= last:
        for moment in times:
            wall = datetime.combine(day, moment)
            yield resolve(wall, zone)
            yield resolve(wall, zone, fold=1)
        day += _DAY


def _utc(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValueError("on-call times must be aware datetimes (with a zone or an offset)")
    return at.astimezone(UTC)
