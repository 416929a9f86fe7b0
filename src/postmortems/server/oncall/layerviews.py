"""A layer changed on the schedule's page: its form (filled in with it), and a move up or down
the list. Each view only translates HTTP to :mod:`layerchange`."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from postmortems.server.accounts.roles import Action
from postmortems.server.library.guards import access, posted, requires
from postmortems.server.oncall import layerchange, services
from postmortems.server.oncall.forms import LayerEditForm, MoveForm
from postmortems.server.oncall.models import Layer
from postmortems.server.oncall.views import (
    _back_to_schedule,
    _in_a_visible_schedule,
    _schedule_url,
)


@requires(Action.READ)
def edit_layer(request: HttpRequest, layer_id: int) -> HttpResponse:
    """The layer's form, filled in with it; posted, the layer changed in place. A refusal comes
    back beside its field with what was typed; a change that puts someone else on call now is
    shown first, and saved when posted again as shown."""
    found = _in_a_visible_schedule(request, Layer, layer_id)
    schedule = found.schedule
    if request.method != "POST":
        try:
            services.check_editable(access(request), schedule)
            initial = layerchange.form_values(found)
        except services.OncallError as exc:  # as a Remove refused: said on the schedule's page
            messages.error(request, str(exc))
            return redirect(_schedule_url(request, schedule.name, "layers"))
        return _edit_page(request, found, LayerEditForm(initial=initial))
    with timezone.override(ZoneInfo(schedule.timezone)):
        form = LayerEditForm(request.POST)
        valid = form.is_valid()
    if not valid:
        return _edit_page(request, found, form, status=400)
    try:
        change = layerchange.change_layer(
            access(request),
            found,
            form.cleaned_data,
            now=timezone.now(),
            confirmed=form.confirmed(),
        )
    except services.OncallError as exc:  # beside the field it is about, what was typed kept
        form.add_error(exc.field or None, exc.said)
        return _edit_page(request, found, form, status=400)
    if not change.saved:
        keep = None
        if change.keep:  # the same change, its people started at whose turn it is now
            kept = {**form.cleaned_data, "users": ", ".join(change.keep[1]), "seen": ""}
            keep = LayerEditForm(initial=kept, auto_id=False)
        return _edit_page(request, found, form, change=change, seen=form.fingerprint(), keep=keep)
    messages.success(request, f"Layer {form.cleaned_data['layer']} of {schedule.name} changed.")
    return redirect(_schedule_url(request, schedule.name, "layers"))


def _edit_page(
    request: HttpRequest,
    layer: Layer,
    form: LayerEditForm,
    status: int = 200,
    change: layerchange.LayerChange | None = None,
    seen: str = "",
    keep: LayerEditForm | None = None,
) -> HttpResponse:
    schedule = layer.schedule
    order = list(schedule.layers.order_by("position", "id").values_list("pk", flat=True))
    context: dict[str, Any] = {
        "schedule": schedule,
        "layer": layer,
        "place": order.index(layer.pk) + 1 if layer.pk in order else None,
        "count": len(order),
        "form": form,
        "change": change,
        "seen": seen,
        "keep": keep,
        "first": request.GET.get("from", ""),
        "back": _schedule_url(request, schedule.name, "layers"),
    }
    with timezone.override(ZoneInfo(schedule.timezone)):
        return render(request, "oncall/layer_edit.html", context, status=status)


@posted(MoveForm)
def move_layer(request: HttpRequest, form: MoveForm, layer_id: int) -> HttpResponse:
    found = _in_a_visible_schedule(request, Layer, layer_id)
    direction = form.cleaned_data["direction"]
    passed: list[Layer] = []

    def said() -> str:
        other = passed[0].name
        if direction == "up":
            return (
                f"Layer {found.name} moved up: layer {other}, now below it, wins where both cover."
            )
        return f"Layer {found.name} moved down: it now wins over layer {other} where both cover."

    return _back_to_schedule(
        request,
        found.schedule.name,
        lambda: passed.append(layerchange.move_layer(access(request), found, direction)),
        said,
        anchor="layers",
    )
