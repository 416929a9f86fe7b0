"""Named questions about the stored schedules: who is on call (now, at an instant, for a team),
the shifts over a range, and the calendar of a schedule. Each starts from what the user sees."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import CharField, QuerySet, TextField
from django.db.models.functions import Cast

from postmortems.oncall import evaluate, model
from postmortems.server.oncall import convert
from postmortems.server.oncall.drawing import Row, Segment, week_starts, week_svg
from postmortems.server.oncall.models import Layer, Override, Schedule

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
    only the overrides that touch that window are read (all the evaluation needs there).

    Rows are read as tuples of text, not model instances, and a layer row already seen is not
    converted again: for a whole server's schedules (the "who is on call now" of 1,000) building
    instances and decoding JSON was 85% of the time (docs/benchmarks.md).
    """
    ids: Any
    if isinstance(rows, QuerySet):
        heads = list(rows.values_list("pk", "name", "timezone", "team"))
        ids = rows.values("pk")  # a subquery: 1,000 bound ids cost more than the query
    else:
        heads = [(r.pk, r.name, r.timezone, r.team) for r in rows]
        ids = [h[0] for h in heads]
    layers: dict[int, list[model.Layer]] = defaultdict(list)
    found = Layer.objects.filter(schedule_id__in=ids).order_by("schedule_id", "position", "id")
    for schedule_id, *values in found.annotate(**LAYER_TEXT).values_list(
        "schedule_id", *LAYER_COLUMNS
    ):
        layers[schedule_id].append(convert.layer_from_text(*values))
    wanted = Override.objects.filter(schedule_id__in=ids)
    if start is not None:
        wanted = wanted.filter(end__gt=start)
    if end is not None:
        wanted = wanted.filter(start__lt=end)
    overrides: dict[int, list[model.Override]] = defaultdict(list)
    for schedule_id, *values in (
        wanted.order_by("start", "id")
        .annotate(**OVERRIDE_TEXT)
        .values_list("schedule_id", *OVERRIDE_COLUMNS)
    ):
        overrides[schedule_id].append(convert.override_from_text(*values))
    return {
        pk: model.Schedule(name, zone, tuple(layers[pk]), tuple(overrides[pk]), team)
        for pk, name, zone, team in heads
    }


def on_call_all(rows: QuerySet[Schedule], at: dt.datetime) -> dict[str, tuple[str, ...]]:
    """Who is on call at ``at`` on each schedule of ``rows``, by schedule name."""
    pure = pure_schedules(rows, start=at, end=at + dt.timedelta(microseconds=1))
    return evaluate.on_call_many(pure.values(), at)


def on_call(row: Schedule, at: dt.datetime) -> tuple[str, ...]:
    return on_call_all(Schedule.objects.filter(pk=row.pk), at).get(row.name, ())


def team_on_call(
    rows: QuerySet[Schedule], team: str, at: dt.datetime
) -> dict[str, tuple[str, ...]]:
    """Who is on call at ``at`` on each of ``team``'s schedules (those among ``rows``)."""
    return on_call_all(rows.filter(team=team), at)


def shifts(row: Schedule, start: dt.datetime, end: dt.datetime) -> list[model.Shift]:
    pure = pure_schedules([row], start=start, end=end)[row.pk]
    return evaluate.shifts(pure, start, end)


@dataclass(frozen=True)
class Calendar:
    weeks: list[str]  # SVG, one per week
    gaps: list[tuple[dt.datetime, dt.datetime]]
    start: dt.datetime
    end: dt.datetime


def _segments(found: Sequence[model.Shift]) -> tuple[Segment, ...]:
    return tuple(Segment(s.start, s.end, ", ".join(s.users)) for s in found if s.users)


def _override_label(o: model.Override) -> str:
    if o.kind == "add":
        return f"+ {o.user}"
    if o.kind == "remove":
        return f"− {o.user}"
    return f"{o.user} for {o.replaces}" if o.replaces else o.user


def calendar(row: Schedule, first: dt.date, weeks: int) -> Calendar:
    """The schedule drawn week by week: each layer alone, then the final rotation with gaps."""
    zone = ZoneInfo(row.timezone)
    starts = week_starts(first, weeks, zone)
    start = starts[0]
    end = dt.datetime.combine(starts[-1].date() + dt.timedelta(days=7), dt.time(), zone)
    pure = pure_schedules([row], start=start, end=end)[row.pk]
    rows = []
    for layer in pure.layers:
        alone = model.Schedule(row.name, row.timezone, (layer,))
        rows.append(Row(layer.name, _segments(evaluate.shifts(alone, start, end))))
    if pure.overrides:
        over = [Segment(o.start, o.end, _override_label(o)) for o in pure.overrides]
        rows.append(Row("overrides", tuple(over)))
    final = evaluate.shifts(pure, start, end)
    holes = evaluate.gaps(pure, start, end)
    rows.append(Row("on call", _segments(final) + tuple(Segment(a, b, "") for a, b in holes), True))
    return Calendar([week_svg(rows, s, zone) for s in starts], holes, start, end)
