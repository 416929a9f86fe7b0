"""Named questions about the stored schedules: who is on call (now, at an instant, for a team),
the shifts over a range, and the calendar of a schedule. Each starts from what the user sees."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter
from typing import Any
from zoneinfo import ZoneInfo

from django.apps import apps
from django.db.models import CharField, QuerySet, TextField
from django.db.models.functions import Cast

from postmortems.oncall import evaluate, model, walltime
from postmortems.server.oncall import convert
from postmortems.server.oncall.drawing import Row, Segment, palette, week_starts, week_svg
from postmortems.server.oncall.models import Layer, Override, Page, Policy, Schedule, Step

logger = logging.getLogger(__name__)

# A layer's columns as text (JSON and the time cast in the query): the tuple is hashable, so
# the pure layer is built once per distinct row (convert.layer_from_text), not on every read.
LAYER_TEXT = {
    "t_users": Cast("users", TextField()),
    "t_handoff": Cast("handoff", CharField()),
    "t_restrictions": Cast("restrictions", TextField()),
}
LAYER_COLUMNS = (
    "name",
    "t_users",
    "shift_unit",
    "shift_count",
    "t_handoff",
    "start",
    "t_restrictions",
)
OVERRIDE_TEXT = {"t_start": Cast("start", CharField()), "t_end": Cast("end", CharField())}
OVERRIDE_COLUMNS = ("t_start", "t_end", "user", "replaces", "kind")


def pure_schedules(
    rows: Iterable[Schedule], *, start: dt.datetime | None = None, end: dt.datetime | None = None
) -> dict[int, model.Schedule]:
    """The pure schedules of ``rows`` (by row id) in three queries; with ``start``/``end``,
    only the overrides that touch that window are read (all the evaluation needs there)."""
    heads, ids = _heads(rows, "pk", "name", "timezone", "team")
    layers = _layers(ids)
    overrides = _overrides(ids, start, end)
    return {
        pk: model.Schedule(name, zone, layers.get(pk, ()), overrides.get(pk, ()), team)
        for pk, name, zone, team in heads
    }


def on_call_all(rows: QuerySet[Schedule], at: dt.datetime) -> dict[str, tuple[str, ...]]:
    """Who is on call at ``at`` on each schedule of ``rows``, by schedule name: the schedules,
    their layers and the overrides covering ``at`` (three queries), evaluated at that instant
    without building a pure Schedule for each (docs/benchmarks.md, "On-call")."""
    heads, ids = _heads(rows, "pk", "name", "timezone")
    layers = _layers(ids)
    overrides = _overrides(ids, at, at + dt.timedelta(microseconds=1))
    entries = ((name, zone, layers.get(pk, ()), overrides.get(pk, ())) for pk, name, zone in heads)
    return evaluate.on_call_each(entries, at)


def gap_labels(
    rows: Iterable[Schedule], who: dict[str, tuple[str, ...]], at: dt.datetime
) -> dict[str, str]:
    """What to say of each schedule of ``rows`` with nobody on call at ``at``: a gap, or, when
    its rotation begins later, when it begins (in its zone: nobody is missing before that)."""
    idle = [r for r in rows if not who.get(r.name)]
    if not idle:
        return {}
    heads, ids = _heads(idle, "pk", "name", "timezone")
    layers, said = _layers(ids), {}
    for pk, name, zone in heads:
        first = evaluate.begins(model.Schedule(name, zone, layers.get(pk, ())))
        if first is not None and first > at:
            said[name] = f"nobody yet: begins {walltime.written(first, ZoneInfo(zone))}"
        else:
            said[name] = "nobody (gap)"
    return said


def _heads(rows: Iterable[Schedule], *columns: str) -> tuple[list[tuple[Any, ...]], Any]:
    """``columns`` of each schedule (in the rows' order) and what selects their ids: a
    subquery for a queryset (1,000 bound ids cost more than the query), else the ids."""
    if isinstance(rows, QuerySet):
        return list(rows.values_list(*columns)), rows.values("pk")
    heads = [tuple(getattr(r, c) for c in columns) for r in rows]
    return heads, [h[0] for h in heads]


def _layers(ids: Any) -> dict[int, tuple[model.Layer, ...]]:
    """The pure layers of the schedules ``ids``, by schedule id, in their order.

    Rows are read as tuples of text, not model instances, and a layer row already seen is not
    converted again: for a whole server's schedules (the "who is on call now" of 1,000) building
    instances and decoding JSON was 85% of the time (docs/benchmarks.md).
    """
    found = (
        Layer.objects.filter(schedule_id__in=ids)
        .order_by("schedule_id", "position", "id")
        .annotate(**LAYER_TEXT)
        .values_list("schedule_id", *LAYER_COLUMNS)
    )
    out: dict[int, tuple[model.Layer, ...]] = {}
    for pk, group in groupby(found, itemgetter(0)):
        read = (_readable(pk, row[1:]) for row in group)
        out[pk] = tuple(layer for layer in read if layer is not None)
    return out


def _readable(schedule_id: int, row: tuple[Any, ...]) -> model.Layer | None:
    """The pure layer of a row read as text, or None (logged): see :func:`readable`."""
    return readable(schedule_id, row[0], lambda: convert.layer_from_text(*row))


def readable(
    schedule: int | str,
    layer: str,
    read: Callable[[], model.Layer],
    left_out: list[str] | None = None,
) -> model.Layer | None:
    """The pure layer ``read`` builds, or None (logged, and said in ``left_out`` if given) for
    a row it cannot read: a row stored by an admin form before it checked what it stores (a day
    ``"mon"``, a time ``25:00``). It is left out, so that every other layer still pages and
    shows (and exports), instead of a 500 on every on-call page; the log names it, to be fixed
    in the admin."""
    try:
        return read()
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        said = (
            f"on-call schedule {schedule}: layer {layer!r} cannot be read and is left out "
            f"({exc}): fix it in the admin"
        )
        logger.error("%s", said)
        if left_out is not None:
            left_out.append(said)
        return None


def _overrides(
    ids: Any, start: dt.datetime | None, end: dt.datetime | None
) -> dict[int, tuple[model.Override, ...]]:
    """The pure overrides of the schedules ``ids`` that touch ``start``-``end`` (either open),
    by schedule id, each schedule's in order of start."""
    wanted = Override.objects.filter(schedule_id__in=ids)
    if start is not None:
        wanted = wanted.filter(end__gt=start)
    if end is not None:
        wanted = wanted.filter(start__lt=end)
    found = (
        wanted.order_by("schedule_id", *Override.ORDER)
        .annotate(**OVERRIDE_TEXT)
        .values_list("schedule_id", *OVERRIDE_COLUMNS)
    )
    return {
        pk: tuple(convert.override_from_text(*row[1:]) for row in group)
        for pk, group in groupby(found, itemgetter(0))
    }


def on_call(row: Schedule, at: dt.datetime) -> tuple[str, ...]:
    return on_call_all(Schedule.objects.filter(pk=row.pk), at).get(row.name, ())


def policy_zone(policy: Policy | None) -> ZoneInfo:
    """The zone a policy's pages are shown in: that of the first schedule its steps page (the
    clock of the people it pages, as on that schedule's page); UTC when it pages none."""
    steps = Step.objects.filter(policy=policy).order_by("position", "id") if policy else []
    names = [
        t.get("name")
        for s in steps
        for t in s.targets
        if isinstance(t, dict) and t.get("kind") == "schedule"
    ]
    zones = dict(Schedule.objects.filter(name__in=names).values_list("name", "timezone"))
    return ZoneInfo(next((zones[n] for n in names if n in zones), "UTC"))


def team_zones(teams: Iterable[str]) -> dict[str, str]:
    """The zone of each of ``teams`` that has on-call schedules: the one most of its schedules
    use (the first by name of those on a tie), its on-call's clock. One query."""
    rows = Schedule.objects.filter(team__in=sorted(set(teams)) or [""]).exclude(team="")
    counts: dict[str, dict[str, int]] = {}
    for team, zone in rows.order_by("name").values_list("team", "timezone"):
        counts.setdefault(team, {})
        counts[team][zone] = counts[team].get(zone, 0) + 1
    # max keeps the first of equals: the zone of the first schedule by name
    return {team: max(zones, key=zones.__getitem__) for team, zones in counts.items()}


def page_zone(page: Page, hidden: bool) -> ZoneInfo:
    """The zone a page's times are shown in: its incident's when it pages for one the reader may
    see (``hidden``: may not), as the incident's page and timeline show them; else its
    policy's (:func:`policy_zone`)."""
    if page.incident_key and not hidden and apps.is_installed("postmortems.server.incidents"):
        from postmortems.server.incidents.models import Incident

        found = Incident.objects.filter(key=page.incident_key).values_list("timezone", flat=True)
        zone = found.first()
        if zone:
            try:
                return ZoneInfo(zone)
            except (ValueError, KeyError):  # a zone the system lost since: the policy's
                pass
    return policy_zone(page.policy)


def team_on_call(
    rows: QuerySet[Schedule], team: str, at: dt.datetime
) -> dict[str, tuple[str, ...]]:
    """Who is on call at ``at`` on each of ``team``'s schedules (those among ``rows``)."""
    return on_call_all(rows.filter(team=team), at)


def shifts(row: Schedule, start: dt.datetime, end: dt.datetime) -> list[model.Shift]:
    pure = pure_schedules([row], start=start, end=end)[row.pk]
    return evaluate.shifts(pure, start, end)


# How far ahead the schedule's page looks for the next change of who is on call.
NEXT_CHANGE_WITHIN = dt.timedelta(days=35)


def next_change(row: Schedule, now: dt.datetime) -> tuple[dt.datetime, tuple[str, ...]] | None:
    """When those on call at ``now`` hand over, and to whom (``()``: a gap), within
    :data:`NEXT_CHANGE_WITHIN`; None when nothing changes that soon. A stretch that only moves
    the same people to another layer is no hand-over."""
    end = now + NEXT_CHANGE_WITHIN
    ahead = shifts(row, now, end)  # stretches with someone on call: a gap is between two
    current = ahead[0].users if ahead and ahead[0].start == now else ()
    edge = now
    for shift in ahead:
        if current and shift.start > edge:  # nobody from the end of the last stretch
            return edge, ()
        if set(shift.users) != set(current):
            return shift.start, shift.users
        edge = shift.end
    return (edge, ()) if current and edge < end else None


def begins(row: Schedule, start: dt.datetime, end: dt.datetime) -> dt.datetime | None:
    """When the schedule's rotation begins (:func:`evaluate.begins`): no gap before it (the
    window bounds the overrides read, as for :func:`shifts`)."""
    return evaluate.begins(pure_schedules([row], start=start, end=end)[row.pk])


Span = tuple[dt.datetime, dt.datetime]


@dataclass(frozen=True)
class Calendar:
    weeks: list[str]  # SVG, one per week
    gaps: list[Span]  # from now on: the alarms
    past_gaps: list[Span]  # before now: history
    shifts: list[Segment]  # the final rotation and its gaps ("") in order: a phone's view
    start: dt.datetime
    end: dt.datetime


def split_at(spans: Sequence[Span], now: dt.datetime) -> tuple[list[Span], list[Span]]:
    """``spans`` cut at ``now``: those before it, and those from it on."""
    before = [(a, min(b, now)) for a, b in spans if a < now]
    after = [(max(a, now), b) for a, b in spans if b > now]
    return before, after


def _segments(
    found: Sequence[model.Shift], link: Callable[[model.Shift], str] | None = None
) -> tuple[Segment, ...]:
    return tuple(
        Segment(s.start, s.end, ", ".join(s.users), link(s) if link else "")
        for s in found
        if s.users
    )


def _covers(o: model.Override) -> str:
    return "" if o.kind == "remove" else o.user


def _override_label(o: model.Override) -> str:
    if o.kind == "add":
        return f"+ {o.user}"
    if o.kind == "remove":
        return f"− {o.user}"
    return f"{o.user} for {o.replaces}" if o.replaces else o.user


# How far beyond the calendar's weeks a shift of the final rotation is followed: one that
# crosses an edge is shown (and offered for a swap) whole, from its hand-over to the next.
AROUND = dt.timedelta(days=14)


def calendar(
    row: Schedule,
    first: dt.date,
    weeks: int,
    now: dt.datetime,
    link: Callable[[model.Shift], str] | None = None,
) -> Calendar:
    """The schedule drawn week by week: each layer alone, then the final rotation with gaps
    (within the schedule's life; those before ``now`` are history, drawn muted), today
    marked; ``link`` gives a final shift the address it opens ('' for none)."""
    zone = ZoneInfo(row.timezone)
    starts = week_starts(first, weeks, zone)
    start = starts[0]
    end = dt.datetime.combine(starts[-1].date() + dt.timedelta(days=7), dt.time(), zone)
    pure = pure_schedules([row], start=start - AROUND, end=end + AROUND)[row.pk]
    rows = []
    for layer in pure.layers:
        alone = model.Schedule(row.name, row.timezone, (layer,))
        rows.append(Row(layer.name, _segments(evaluate.shifts(alone, start, end))))
    shown = [o for o in pure.overrides if start < o.end and o.start < end]
    if shown:
        # The colour of who covers ("carol for bob" is carol's); a removal has its own.
        over = [Segment(o.start, o.end, _override_label(o), who=_covers(o)) for o in shown]
        rows.append(Row("overrides", tuple(over)))
    final = [
        s
        for s in evaluate.shifts(pure, start - AROUND, end + AROUND)
        if start < s.end and s.start < end
    ]
    past, ahead = split_at(evaluate.gaps(pure, start, end), now)
    holes = tuple(Segment(a, b, "", past=True) for a, b in past)
    on_call = _segments(final, link) + holes + tuple(Segment(a, b, "") for a, b in ahead)
    rows.append(Row("on call", on_call, True))
    in_turn = sorted(on_call, key=lambda s: s.start)
    fills = palette(rows, [user for layer in pure.layers for user in layer.users])
    drawn = [week_svg(rows, s, zone, now, fills) for s in starts]
    return Calendar(drawn, ahead, past, in_turn, start, end)
