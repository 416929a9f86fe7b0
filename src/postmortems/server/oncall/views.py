"""On-call pages: schedules, a schedule's calendar, who is on call for a team, and the forms that
make rotations, overrides and swap requests. Each view only translates HTTP to the app's functions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from postmortems.oncall import model, walltime
from postmortems.server.accounts.access import Access, signed_in, teams_with
from postmortems.server.accounts.models import Team
from postmortems.server.accounts.roles import Action, Role
from postmortems.server.library.forms import bad_request
from postmortems.server.library.guards import access, posted, requires
from postmortems.server.library.wallfield import FIRST_DAY, LAST_DAY
from postmortems.server.oncall import (
    agenda,
    handovers,
    notify,
    queries,
    removal,
    services,
    store,
    workload,
)
from postmortems.server.oncall.forms import (
    AnswerForm,
    HandoverForm,
    LayerForm,
    OverrideForm,
    ScheduleForm,
    ShiftForm,
    SwapForm,
    WorkloadForm,
)
from postmortems.server.oncall.models import Handover, Layer, Override, Schedule, SwapRequest
from postmortems.server.oncall.notify import swap_periods
from postmortems.server.oncall.visibility import (
    may_edit,
    schedule_or_404,
    visible_schedules,
    visible_services,
)

WEEKS = 4
Row = TypeVar("Row", Layer, Override, SwapRequest, Handover)


def _with_accounts(names: Sequence[str]) -> list[tuple[str, bool]]:
    """Each name, and whether it is an active account (only those can be paged)."""
    missing = store.without_account(names)
    return [(name, name not in missing) for name in names]


@requires(Action.READ)
def schedule_list(request: HttpRequest) -> HttpResponse:
    rows = visible_schedules(access(request))
    now = timezone.now()
    who = queries.on_call_all(rows, now)
    teams = sorted({r.team for r in rows if r.team})
    asked = SwapRequest.waiting(now).filter(
        responder=signed_in(request).get_username(), schedule__in=rows
    )
    asked = asked.order_by("give_start")
    missing = store.without_account(name for names in who.values() for name in names)
    gaps = queries.gap_labels(rows, who, now)
    context = {
        "rows": [
            (r, [(n, n not in missing) for n in who.get(r.name, ())], gaps.get(r.name, ""))
            for r in rows
        ],
        "asked_of_me": [
            (swap, swap_periods(swap, now)) for swap in asked.select_related("schedule")
        ],
        "teams": teams,
        "now": now,
        "services": visible_services(access(request)),
        # The button to make one only for who may (the author role in a team, or a superuser).
        "may_make": access(request).superuser or bool(teams_with(access(request), Role.AUTHOR)),
    }
    return render(request, "oncall/list.html", context)


@requires(Action.READ)
def team(request: HttpRequest, team: str) -> HttpResponse:
    rows = visible_schedules(access(request)).filter(team=team)
    if not rows.exists() and not Team.objects.filter(slug=team).exists():
        raise Http404(f"no team {team!r}")  # a mistyped team is not a team with no schedule
    now = timezone.now()
    who = queries.on_call_all(rows, now)
    people = sorted({p for names in who.values() for p in names})
    gaps = queries.gap_labels(rows, who, now)
    context = {
        "team": team,
        "rows": [(r, who.get(r.name, ()), gaps.get(r.name, ""), _next(r, now)) for r in rows],
        "people": people,
    }
    return render(request, "oncall/team.html", context)


def _next(row: Schedule, now: dt.datetime) -> tuple[str, dt.datetime, str] | None:
    """The schedule's next hand-over as a team's page lists it: the wall time in its zone
    (``Mon 30 Mar 09:00``), the instant (the reader's own time, by the browser), to whom."""
    change = queries.next_change(row, now)
    if change is None:
        return None
    at, people = change
    wall = walltime.dated(at, ZoneInfo(row.timezone), now)  # as the schedule's page
    return wall, at, ", ".join(people) or "nobody (a gap)"


def _first_day(request: HttpRequest, zone: ZoneInfo) -> tuple[dt.date, str]:
    """The calendar's first day: ``?from=`` (YYYY-MM-DD), else today in ``zone``; and what is
    wrong with a ``from`` that is no such day ("" when nothing is)."""
    given, today = request.GET.get("from", ""), timezone.now().astimezone(zone).date()
    try:
        day = dt.date.fromisoformat(given) if given else today
    except ValueError:
        day = None
    if day is None or not FIRST_DAY <= day <= LAST_DAY:
        shown = given if len(given) <= 40 else given[:40] + "…"
        return today, (
            f"“{shown}” is not a day from {FIRST_DAY} to {LAST_DAY} (write it as YYYY-MM-DD): "
            "the calendar shows the weeks from today."
        )
    return day, ""


@requires(Action.READ)
def detail(request: HttpRequest, name: str, status: int = 200, **forms_: Any) -> HttpResponse:
    row = schedule_or_404(access(request), name)
    zone = ZoneInfo(row.timezone)
    first, from_error = _first_day(request, zone)
    user = signed_in(request).get_username()
    # Overrides are everyday, temporary changes: made here on a schedule kept in a file too
    # (beside the file's own). Its layers, the rotation, change only in the file.
    may_override = may_edit(access(request), row.team)
    editable = not row.managed_by and may_override
    layers = list(row.layers.all())
    # A swap trades shifts of a rotation: asked by its people, whatever their role.
    may_swap = any(user in layer.users for layer in layers)
    with timezone.override(zone):
        swap = _swap_form(request, may_swap, forms_.get("swap_form"))
    link = _swap_link(row, first, user) if may_swap else None
    now = timezone.now()
    calendar = queries.calendar(row, first, WEEKS, now, link)
    on_call = queries.on_call(row, now)
    context = {
        "schedule": row,
        "now_on_call": _with_accounts(on_call),
        "now_gap": queries.gap_labels([row], {row.name: on_call}, now).get(row.name, ""),
        "next_change": queries.next_change(row, now),
        "calendar": calendar,
        "agenda": agenda.days(calendar.shifts, zone, start=calendar.start, now=now, asked=first),
        # The forms' times are the calendar's: the hour a fall-back repeats there, said.
        "fall_back": walltime.fall_back_note(zone, calendar.start, calendar.end),
        "zone_names": walltime.abbreviations(zone, calendar.start),
        "first": first.isoformat(),  # a refused form comes back at the same weeks
        "from_error": from_error,
        # The links stay within the days a calendar may show (past them: the refusal above).
        "previous": max(first - dt.timedelta(weeks=WEEKS), FIRST_DAY).isoformat(),
        "next": min(first + dt.timedelta(weeks=WEEKS), LAST_DAY).isoformat(),
        "layers": layers,
        "overrides": _override_rows(row, now, access(request), user),
        "now": now,
        "swaps": SwapRequest.waiting(now).filter(schedule=row),
        "me": user,
        "editable": editable,
        "may_override": may_override,
        "may_swap": may_swap,
        "override_form": forms_.get("override_form") or OverrideForm(),
        "layer_form": forms_.get("layer_form") or LayerForm(),
        **swap,
        "handovers": row.handovers.all()[:5],
        # A refused form is far below the calendar: said at the top, with a link down to it.
        "refused": [
            (anchor, title)
            for key, anchor, title in REFUSED
            if key in forms_ and forms_[key].errors
        ],
    }
    if swap["swap_link_form"] is not None or from_error:
        status = 400
    with timezone.override(zone):
        return render(request, "oncall/schedule.html", context, status=status)


def _override_rows(
    row: Schedule, now: dt.datetime, reader: Access, user: str
) -> list[tuple[Override, str, str, bool]]:
    """The overrides not yet over, in the order they apply, each with what its Remove button
    says to a screen reader (who and when), for a half of a swap the question asked before
    the button cancels the swap, naming every half (all go together), and whether ``user``
    may remove it (an author of the team; for a half of a swap, its two people too)."""
    rows = list(
        row.overrides.filter(end__gt=now)
        .select_related("schedule", "swap")
        .order_by(*Override.ORDER)
    )
    swaps = {o.swap_id for o in rows if o.swap_id is not None}
    halves: dict[int, list[Override]] = {}
    for half in Override.objects.filter(swap__in=swaps, end__gt=now).select_related(
        "schedule", "swap"
    ):
        halves.setdefault(half.swap_id or 0, []).append(half)
    return [
        (
            o,
            *_remove_labels(o, halves.get(o.swap_id or 0, []), now),
            not o.from_file and removal.may_remove(reader, o, user),
        )
        for o in rows
    ]


def _remove_labels(override: Override, halves: list[Override], now: dt.datetime) -> tuple[str, str]:
    """(aria-label, confirmation) of an override's Remove button (for one under way, End now:
    it ends now, the time before kept); no confirmation for one made on its own."""
    said = services.describe(override, where=False)
    swap = halves[0].swap if halves else None
    if swap is None and override.start < now:
        return f"End override now (the time before is kept): {said}", ""
    if swap is None:
        return f"Remove override: {said}", ""
    each = "; ".join(services.describe(h, where=False) for h in halves)
    question = (
        f"Cancel {swap.label()}? Its overrides go together: {each}. {swap.requester} and "
        f"{swap.responder} have the shifts of the rotation again."
    )
    return f"Cancel {swap.label()}, of which this is the override: {said}", question


def _swap_form(request: HttpRequest, may_swap: bool, posted: SwapForm | None) -> dict[str, Any]:
    """The swap form: as posted (refused), or filled in with the shift of a calendar's "Swap
    this shift" link (``?give_start=…&give_end=…``, wall times in the schedule's zone, read by
    :class:`ShiftForm` in the current zone); ``swap_link_form``, that link's refused form."""
    if posted is not None or not may_swap or not {"give_start", "give_end"} & request.GET.keys():
        return {"swap_form": posted or SwapForm(), "swap_link_form": None}
    shift = ShiftForm(request.GET)
    if not shift.is_valid():
        return {"swap_form": SwapForm(), "swap_link_form": shift}
    return {"swap_form": SwapForm(initial=shift.cleaned_data), "swap_link_form": None}


def _swap_link(row: Schedule, first: dt.date, user: str) -> Callable[[model.Shift], str]:
    """What a shift of the calendar links to: for one of ``user``'s not yet over, this page
    (at the same weeks) with the swap form filled in with it (``2026-10-25T01:30+00:00``)."""
    zone, now = ZoneInfo(row.timezone), timezone.now()
    page = reverse("oncall:detail", args=[row.name])

    def link(shift: model.Shift) -> str:
        if user not in shift.users or shift.end <= now:
            return ""
        query = {  # instants (wall time and offset): 01:30 BST and 01:30 GMT are two shifts
            "from": first.isoformat(),
            "give_start": shift.start.astimezone(zone).isoformat(timespec="minutes"),
            "give_end": shift.end.astimezone(zone).isoformat(timespec="minutes"),
        }
        return f"{page}?{urlencode(query)}#swap-form"

    return link


REFUSED = (
    ("override_form", "override-form", "the override"),
    ("swap_form", "swap-form", "the swap"),
    ("layer_form", "layer-form", "the layer"),
)


@requires(Action.READ)
def new_schedule(request: HttpRequest) -> HttpResponse:
    teams = teams_with(access(request), Role.AUTHOR)  # where the user may make schedules
    form = ScheduleForm(request.POST if request.method == "POST" else None, teams=teams)
    if request.method == "POST" and form.is_valid():
        try:
            row = services.create_schedule(access(request), form.cleaned_data)
        except services.OncallError as exc:  # beside the field it is about, if one
            form.add_error(exc.field or None, str(exc))
        else:
            messages.info(request, f"Schedule {row.name} created.")
            return redirect("oncall:detail", row.name)
    status = 400 if form.errors else 200
    context = {"form": form, "may_make": access(request).superuser or bool(teams)}
    return render(request, "oncall/new.html", context, status=status)


def _in_a_visible_schedule(request: HttpRequest, model: type[Row], pk: int) -> Row:
    """The row ``pk`` of a layer, override, swap or hand-over in a schedule the user sees; else
    404."""
    rows = model._default_manager.select_related("schedule")
    return get_object_or_404(rows, pk=pk, schedule__in=visible_schedules(access(request)))


def _back_to_schedule(
    request: HttpRequest,
    name: str,
    action: Callable[[], object],
    said: Callable[[], str] = str,
    anchor: str = "",
    back: str = "",
    day: Callable[[], str] = str,
) -> HttpResponse:
    """Do ``action``; the schedule's page again (or ``back``, the page the form was on), with
    the refusal as a message at its top when it refuses; done, with what ``said`` says (if
    anything), at the weeks ``day`` says (else those the form was on) and at ``anchor``."""
    try:
        action()
    except services.OncallError as exc:
        messages.error(request, str(exc))
        return redirect(back or _schedule_url(request, name))
    if done := said():
        messages.success(request, done)
    return redirect(back or _schedule_url(request, name, anchor, day()))


def _schedule_url(request: HttpRequest, name: str, anchor: str = "", day: str = "") -> str:
    """The schedule's page at the weeks from ``day``, else from the ``?from=`` the form was
    posted with (its calendar's weeks: a change made there is seen there), at ``anchor``."""
    url = reverse("oncall:detail", args=[name])
    first = _posted_from(request) if not day else dt.date.fromisoformat(day)
    if first is not None:
        url += "?" + urlencode({"from": first.isoformat()})
    return f"{url}#{anchor}" if anchor else url


def _posted_from(request: HttpRequest) -> dt.date | None:
    """The first day of the calendar a form was posted from (its ``?from=``), if one."""
    try:
        first = dt.date.fromisoformat(request.GET.get("from", ""))
    except ValueError:
        return None
    return first if FIRST_DAY <= first <= LAST_DAY else None


def _schedule_post(
    form_class: type[forms.Form],
    form_name: str,
    action: Callable[..., Any],
    anchor: str | Callable[[Any], str] = "",
    said: Callable[[Any], str] | None = None,
    day: Callable[[HttpRequest, Any], str] | None = None,
) -> Callable[[HttpRequest, str], HttpResponse]:
    """A form post on a schedule: read in the schedule's zone; the form again (400), with what
    was typed, when it is invalid or the action refuses it; done, the page at ``anchor`` (or
    the one it gives for what the action made), with what ``said`` says of it, if anything,
    at the weeks ``day`` gives for it ("": those the form was posted from)."""

    @require_POST
    @requires(Action.READ)
    def view(request: HttpRequest, name: str) -> HttpResponse:
        row = schedule_or_404(access(request), name)
        with timezone.override(ZoneInfo(row.timezone)):
            form = form_class(request.POST)
            valid = form.is_valid()
        if valid:
            try:
                made = action(request, row, form.cleaned_data)
            except services.OncallError as exc:  # the form again, what was typed kept
                if exc.field:  # beside the field it is about
                    form.add_error(exc.field, exc.said)
                else:
                    messages.error(request, str(exc))
            else:
                if said is not None:
                    messages.success(request, said(made))
                at = anchor(made) if callable(anchor) else anchor
                weeks = day(request, made) if day is not None else ""
                return redirect(_schedule_url(request, row.name, at, weeks))
        return detail(request, name, status=400, **{form_name: form})

    return view


add_override = _schedule_post(
    OverrideForm,
    "override_form",
    lambda request, row, data: services.add_override(
        access(request), row, data, made_by=signed_in(request).get_username()
    ),
    anchor=lambda made: f"override-{made.pk}",  # the new row, in the list of overrides
    said=lambda made: f"Override added: {services.describe(made, where=False)}.",
    day=lambda request, made: _weeks_of(request, made.start, made.schedule),  # drawn there
)
add_layer = _schedule_post(
    LayerForm,
    "layer_form",
    lambda request, row, data: services.add_layer(access(request), row, data),
)
ask_swap = _schedule_post(
    SwapForm,
    "swap_form",
    lambda request, row, data: services.ask_swap(
        access(request), row, signed_in(request).get_username(), data, now=timezone.now()
    ),
    anchor="swaps",  # the request, listed with its Cancel button
    said=lambda made: notify.swap_asked(made, timezone.now()),
)


@require_POST
@requires(Action.READ)
def delete_override(request: HttpRequest, override_id: int) -> HttpResponse:
    """Remove an override (to come), end it now (under way), or cancel the swap it is a half
    of; a user who may not (neither an author of its team nor a person of its swap): 403."""
    found = _in_a_visible_schedule(request, Override, override_id)
    done: list[removal.Removal] = []
    user = signed_in(request).get_username()

    def remove() -> None:
        try:
            done.append(
                removal.remove_override(access(request), found, by=user, now=timezone.now())
            )
        except removal.NotAllowed as exc:
            raise PermissionDenied(exc.said) from None

    return _back_to_schedule(
        request,
        found.schedule.name,
        remove,
        lambda: removal.said(found, done[0]),
        anchor="overrides",
    )


@require_POST
@requires(Action.READ)
def remove_layer(request: HttpRequest, layer_id: int) -> HttpResponse:
    found = _in_a_visible_schedule(request, Layer, layer_id)
    return _back_to_schedule(
        request,
        found.schedule.name,
        lambda: services.remove_layer(access(request), found),
        lambda: f"Layer {found.name} removed from {found.schedule.name}.",
        anchor="layers",
    )


@posted(AnswerForm)
def answer_swap(request: HttpRequest, form: AnswerForm, swap_id: int) -> HttpResponse:
    swap = _in_a_visible_schedule(request, SwapRequest, swap_id)
    user, accept = signed_in(request).get_username(), form.cleaned_data["accept"]
    return _back_to_schedule(
        request,
        swap.schedule.name,
        lambda: services.answer_swap(swap, user, accept=accept, now=timezone.now()),
        lambda: SWAP_ANSWERED[SwapRequest.objects.get(pk=swap.pk).state].format(
            schedule=swap.schedule.name
        ),
        back=form.back_to(""),  # the inbox's buttons bring the reader back there
        # Accepted, at the weeks of the shift given: where the calendar shows the trade.
        day=lambda: _weeks_of(request, swap.give_start, swap.schedule) if accept else "",
    )


def _weeks_of(request: HttpRequest, moment: dt.datetime, schedule: Schedule) -> str:
    """The first day of the weeks to show ``moment`` in: "" (the weeks the form was posted
    from) when they show it, else its day in the schedule's zone."""
    zone = ZoneInfo(schedule.timezone)
    day = moment.astimezone(zone).date()
    shown = _posted_from(request) or timezone.now().astimezone(zone).date()
    return "" if shown <= day < shown + dt.timedelta(weeks=WEEKS) else day.isoformat()


# What the page (the schedule's, or the inbox) says once a swap is answered: the request itself
# leaves the page.
SWAP_ANSWERED: dict[str, str] = {
    SwapRequest.State.ACCEPTED: (
        "Swap accepted: the calendar of {schedule} shows the traded shifts."
    ),
    SwapRequest.State.DECLINED: "Swap on {schedule} declined.",
    SwapRequest.State.CANCELLED: "Swap request on {schedule} cancelled.",
}


@requires(Action.READ)
def workload_view(request: HttpRequest) -> HttpResponse:
    """Hours on call (up to now) and pages per person over a period (default: the last 30
    days), or CSV."""
    form = WorkloadForm(request.GET or None)
    if form.errors and request.GET.get("format") == "csv":  # said, not replaced by the default
        return bad_request(form)
    period = form if form.is_valid() else WorkloadForm({})  # refused or none: the default
    period.is_valid()
    data = period.cleaned_data
    zone = ZoneInfo(data["zone"])
    start = dt.datetime.combine(data["since"], dt.time(), zone)
    end = dt.datetime.combine(data["to"], dt.time(), zone)
    mine, now = access(request), timezone.now()
    rows = workload.workload(mine, start, end, zone, now=now)
    if request.GET.get("format") == "csv":
        response = HttpResponse(workload.as_csv(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="oncall-workload.csv"'
        return response
    # The days as asked, in the zone (a datetime would be drawn in UTC: the day before, east).
    context = {
        "rows": rows,
        "form": form,
        "since": data["since"],
        "to": data["to"],
        # A period that ends later than now stops at now (hours to come are no work done).
        "to_now": f"{now.astimezone(zone):%Y-%m-%d %H:%M}" if start <= now < end else "",
        "to_come": start > now,  # not begun: no hours yet, rather than "to now" before it
        "zone": zone.key,
    }
    return render(request, "oncall/workload.html", context, status=400 if form.errors else 200)


@posted(HandoverForm)
def handover_note(request: HttpRequest, form: HandoverForm, handover_id: int) -> HttpResponse:
    """The outgoing person's note for the incoming one."""
    found = _in_a_visible_schedule(request, Handover, handover_id)
    user, note = signed_in(request).get_username(), form.cleaned_data["note"]
    return _back_to_schedule(
        request,
        found.schedule.name,
        lambda: handovers.leave_note(found, user, note),
        anchor=f"handover-{found.pk}",  # the note, saved, is the confirmation
    )
