"""A layer of a rotation made here, changed in place on the schedule's page: its people, hand-over,
shift, first day or window (someone joins or leaves the team, the hand-over moves to 10:00), or
moved up or down the list of layers. It keeps its place (or takes the one asked for): removed
and added again, it would go to the top, where it wins over every other layer.

A layer's rotation is counted from its first day (``Layer.start`` at the hand-over time, with
the first person listed): a change of its people or times puts the rotation as it now is on
every day from the first, so it may put someone else on call right now. Such a change is shown
first (who is on call now, before and after, and the next hand-overs) and saved once confirmed:
the pager does not move without the team lead seeing it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction

from postmortems.oncall import evaluate, model
from postmortems.server.accounts.access import Access
from postmortems.server.oncall import convert, queries, services
from postmortems.server.oncall.models import Layer, Schedule
from postmortems.server.oncall.services import OncallError

PREVIEW_SHIFTS = 6  # the next shifts shown before a change that moves the pager is saved
PREVIEW_WITHIN = dt.timedelta(days=35)  # as far as the page's "next hand-over" looks


@dataclass(frozen=True)
class LayerChange:
    """What a change of a layer does from ``now``: who is on call on the schedule before and
    after it, the next shifts after it, and whether it was saved; ``keep``: whose turn it is on
    the layer now and the people of the change started so that it stays theirs
    (:func:`evaluate.keeping_turn`), when those differ from the people of the change."""

    before: tuple[str, ...]
    after: tuple[str, ...]
    ahead: tuple[model.Shift, ...]
    saved: bool
    keep: tuple[str, tuple[str, ...]] | None = None

    @property
    def moves_now(self) -> bool:
        return set(self.before) != set(self.after)


def form_values(layer: Layer) -> dict[str, Any]:
    """``layer`` as :class:`LayerForm` shows it. One the form cannot hold is refused: a row the
    evaluator cannot read, or several windows of the week (made in the admin): saved from the
    form, which has one window, the others would be lost."""
    read = queries.readable(layer.schedule.name, layer.name, lambda: convert.layer_of(layer))
    if read is None:
        raise OncallError(
            f"layer {layer.name} cannot be read", hint="fix it in the admin (its Layers)"
        )
    if len(read.restrictions) > 1:
        raise OncallError(
            f"layer {layer.name} has {len(read.restrictions)} windows of the week "
            f"({'; '.join(layer.windows)}) and this form holds one: the others would be lost",
            hint="change it in the admin (the schedule's Layers), or remove it and add it again",
        )
    window = read.restrictions[0] if read.restrictions else None
    every_day = window is None or len(window.weekdays) == 7
    start = read.start.date() if isinstance(read.start, dt.datetime) else read.start
    return {
        "layer": read.name,
        "users": ", ".join(read.users),
        "shift_count": read.shift.count,
        "shift_unit": read.shift.unit,
        "handoff": read.handoff,
        "start": start,
        "weekdays": [] if every_day else [str(d) for d in window.weekdays],  # type: ignore[union-attr]
        "from_time": window.start if window else None,
        "to_time": window.end if window else None,
    }


def change_layer(
    access: Access, layer: Layer, data: dict[str, Any], *, now: dt.datetime, confirmed: bool
) -> LayerChange:
    """``layer`` changed in place to :class:`LayerForm`'s ``data``, with the checks of a layer
    added. A change that puts someone else on call at ``now`` is rolled back unless
    ``confirmed``: the page shows it first (:class:`LayerChange`)."""
    schedule = layer.schedule
    fields = services.checked_layer(access, schedule, data, layer)
    form_values(layer)  # the form holds all of it: nothing is lost by saving from it
    keep = _keeping(layer, fields, now)
    with transaction.atomic():
        Schedule.objects.select_for_update().filter(pk=schedule.pk).first()  # one at a time
        before = queries.on_call(schedule, now)
        if not Layer.objects.filter(pk=layer.pk, schedule=schedule).update(**fields):
            raise OncallError(
                f"layer {layer.name} was removed from schedule {schedule.name} meanwhile",
                hint="add it again with the form on the schedule's page",
            )
        after = queries.on_call(schedule, now)
        ahead = tuple(queries.shifts(schedule, now, now + PREVIEW_WITHIN)[:PREVIEW_SHIFTS])
        saved = confirmed or set(before) == set(after)
        if not saved:
            transaction.set_rollback(True)  # shown first, saved once confirmed
    return LayerChange(before, after, ahead, saved, keep)


def _keeping(
    layer: Layer, fields: dict[str, Any], now: dt.datetime
) -> tuple[str, tuple[str, ...]] | None:
    """Whose turn it is on ``layer`` at ``now`` and the people of ``fields`` started so that it
    stays theirs; None when the people as given keep it already (or cannot)."""
    zone = ZoneInfo(layer.schedule.timezone)
    old = convert.layer_of(layer)
    new = convert.layer_from(
        fields["name"],
        fields["users"],
        fields["shift_unit"],
        fields["shift_count"],
        fields["handoff"],
        fields["start"],
        fields["restrictions"],
    )
    kept = evaluate.keeping_turn(old, new, zone, now)
    if kept == new.users:
        return None
    return old.users[evaluate.rotation_index(old, zone, now) % len(old.users)], kept


def move_layer(access: Access, layer: Layer, direction: str) -> Layer:
    """``layer`` one place ``up`` the list (it wins over one layer fewer) or ``down`` (it wins
    over the one it passes); the layer it changed places with. The positions are numbered
    anew in the order the pages show (rows of equal position are in the order made)."""
    schedule = layer.schedule
    services.check_editable(access, schedule)
    with transaction.atomic():
        Schedule.objects.select_for_update().filter(pk=schedule.pk).first()  # one at a time
        order = list(schedule.layers.order_by("position", "id"))
        at = next((i for i, row in enumerate(order) if row.pk == layer.pk), None)
        if at is None:
            raise OncallError(
                f"layer {layer.name} was removed from schedule {schedule.name} meanwhile",
                hint="reload the schedule's page",
            )
        to = at - 1 if direction == "up" else at + 1
        if not 0 <= to < len(order):
            end = "first" if direction == "up" else "last"
            raise OncallError(
                f"layer {layer.name} is already the {end} of schedule {schedule.name}",
                hint="move the other layers instead (the last listed wins where it covers)",
            )
        order[at], order[to] = order[to], order[at]
        for position, row in enumerate(order):
            if row.position != position:
                Layer.objects.filter(pk=row.pk).update(position=position)
    return order[at]
