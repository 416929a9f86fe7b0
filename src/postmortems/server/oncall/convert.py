"""Rows ↔ the pure package's frozen dataclasses (``postmortems.oncall.model``).

The database keeps what the YAML says, field by field; these functions are the only place that
knows both shapes, so ``load_config(apply_config(c)) == c`` holds by construction and is tested.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from postmortems.oncall import model
from postmortems.server.oncall.models import Layer, Override, Policy, Schedule, Step


def _restriction(data: Mapping[str, Any]) -> model.Restriction:
    return model.Restriction(
        weekdays=tuple(int(d) for d in data["weekdays"]),
        start=dt.time.fromisoformat(data["start"]),
        end=dt.time.fromisoformat(data["end"]),
    )


def restriction_data(r: model.Restriction) -> dict[str, Any]:
    return {"weekdays": list(r.weekdays), "start": r.start.isoformat(), "end": r.end.isoformat()}


def start_of(text: str) -> dt.date | dt.datetime:
    """A layer's start as stored (ISO): a date, or a datetime when the file gave one."""
    return dt.date.fromisoformat(text) if len(text) == 10 else dt.datetime.fromisoformat(text)


def layer_from(
    name: str,
    users: list[str],
    unit: str,
    count: int,
    handoff: dt.time,
    start: str,
    restrictions: list[dict[str, Any]],
) -> model.Layer:
    """A pure layer from a Layer row's columns (in ``queries.LAYER_COLUMNS`` order)."""
    return model.Layer(
        name=name,
        users=tuple(users),
        shift=model.ShiftLength(count=count, unit=unit),
        handoff=handoff,
        start=start_of(start),
        restrictions=tuple(_restriction(r) for r in restrictions),
    )


@functools.lru_cache(maxsize=20_000)
def layer_from_text(
    name: str,
    users: str,
    unit: str,
    count: int,
    handoff: str,
    start: str,
    restrictions: str,
) -> model.Layer:
    """A pure layer from a row read as text (JSON columns and the time as text): the arguments
    are hashable, so each distinct row is converted once per process (layers are immutable
    values: a changed row is a new key)."""
    return layer_from(
        name,
        json.loads(users),
        unit,
        count,
        dt.time.fromisoformat(handoff),
        start,
        json.loads(restrictions),
    )


def layer_of(row: Layer) -> model.Layer:
    return layer_from(
        row.name,
        row.users,
        row.shift_unit,
        row.shift_count,
        row.handoff,
        row.start,
        row.restrictions,
    )


def override_from(
    start: dt.datetime, end: dt.datetime, user: str, replaces: str, kind: str
) -> model.Override:
    return model.Override(start=start, end=end, user=user, replaces=replaces or None, kind=kind)


def instant(text: str) -> dt.datetime:
    """A date-time column read as text: ISO with an offset (PostgreSQL) or without (SQLite, UTC)."""
    found = dt.datetime.fromisoformat(text)
    return found if found.tzinfo is not None else found.replace(tzinfo=dt.UTC)


@functools.lru_cache(maxsize=20_000)
def override_from_text(start: str, end: str, user: str, replaces: str, kind: str) -> model.Override:
    """A pure override from a row read as text (converted once per distinct row)."""
    return override_from(instant(start), instant(end), user, replaces, kind)


def override_of(row: Override) -> model.Override:
    return override_from(row.start, row.end, row.user, row.replaces, row.kind)


def schedule_of(
    row: Schedule, layers: Iterable[model.Layer], overrides: Iterable[Override] = ()
) -> model.Schedule:
    """The pure schedule of ``row`` with these layers (read from its rows: ``layer_of``) and
    override rows (in their order)."""
    return model.Schedule(
        name=row.name,
        timezone=row.timezone,
        layers=tuple(layers),
        overrides=tuple(override_of(o) for o in overrides),
        team=row.team,
        restricted=row.restricted or None,  # as a file that does not say it
    )


def target_of(data: Mapping[str, Any]) -> model.Target:
    return model.Target(kind=str(data["kind"]), name=str(data["name"]))


def policy_of(row: Policy, steps: Sequence[Step]) -> model.EscalationPolicy:
    return model.EscalationPolicy(
        name=row.name,
        steps=tuple(
            model.Step(targets=tuple(target_of(t) for t in s.targets), delay=s.delay) for s in steps
        ),
        repeat=row.repeat,
        team=row.team,
    )


def layer_fields(layer: model.Layer) -> dict[str, Any]:
    """The columns of a Layer row for ``layer``."""
    return {
        "name": layer.name,
        "users": list(layer.users),
        "shift_unit": layer.shift.unit,
        "shift_count": layer.shift.count,
        "handoff": layer.handoff,
        "start": layer.start.isoformat(),
        "restrictions": [restriction_data(r) for r in layer.restrictions],
    }


def override_fields(o: model.Override) -> dict[str, Any]:
    return {
        "start": o.start,
        "end": o.end,
        "user": o.user,
        "replaces": o.replaces or "",
        "kind": o.kind,
    }


def step_fields(step: model.Step) -> dict[str, Any]:
    return {
        "targets": [{"kind": t.kind, "name": t.name} for t in step.targets],
        "delay": step.delay,
    }
