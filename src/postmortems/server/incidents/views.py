"""Incident pages: the list, an incident with its live timeline, ingest errors (the alert inbox:
``inboxviews``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from postmortems.errors import PostmortemsError
from postmortems.incident import lifecycle, metrics
from postmortems.incident.model import MILESTONES, ROLES, SEVERITIES, wall_clock
from postmortems.oncall import walltime
from postmortems.server.accounts.access import Access, access_of
from postmortems.server.accounts.roles import Action
from postmortems.server.incidents import (
    alertdetails,
    alerttimes,
    entries,
    forms,
    pagingwords,
    rights,
    services,
    textsearch,
)
from postmortems.server.incidents import context as ongoing
from postmortems.server.incidents.alertdetails import AlertDetails
from postmortems.server.incidents.due import ENDED_WITH_IMPACT
from postmortems.server.incidents.models import (
    Event,
    EventVersion,
    Incident,
    RoleAssignment,
)
from postmortems.server.library import kept, panels
from postmortems.server.library.forms import ZONES, errors_of
from postmortems.server.library.guards import access, requires

POLL_SECONDS = 4


def _local(value: dt.datetime | None, zone: str) -> str:
    return wall_clock(value, zone) if value is not None else ""


@requires(Action.READ)
def incident_list(request: HttpRequest) -> HttpResponse:
    return _list_page(request)


def _list_page(request: HttpRequest, refused: bool = False) -> HttpResponse:
    """The list; ``refused``: a declaration was, and its form comes back filled in (400)."""
    me = access(request)
    form = forms.ListForm(request.GET)
    # A filter the form refuses is said on the page (400), never dropped: a list that looks
    # filtered but is not would mislead.
    qs = (
        textsearch.listed(me, **form.cleaned_data) if form.is_valid() else rights.visible(me).none()
    )
    page = Paginator(qs.only(*LIST_COLUMNS), 50).get_page(request.GET.get("page"))
    kept_query = request.GET.copy()  # the filters, for the links to the other pages
    kept_query.pop("page", None)
    teams = rights.declaring_teams(me)
    context = {
        "page": page,
        "query": kept_query.urlencode(),
        "form": form,
        "statuses": lifecycle.STATUSES,
        "severities": SEVERITIES,
        "can_declare": me.may(Action.WRITE),
        "my_teams": teams,  # suggested, the only one filled in
        "declare_zone": forms.starting_zone(teams) if me.may(Action.WRITE) else "",
        "zones": ZONES,
        "searched": _searched(form),
        "narrowed": form.is_valid() and any(form.cleaned_data[n] for n in NARROWING),
        "days": (form["since"], form["to"]),  # the period's fields, drawn alike
        "order": dict(textsearch.SORTS).get(str(form.data.get("sort", "")), ""),
    }
    ok = form.is_valid() and not refused
    return render(request, "incidents/list.html", context, status=200 if ok else 400)


def _searched(form: forms.ListForm) -> str:
    """The list's words with the filters the search page takes too (severity, team, the
    period), as its query string; '' without words. The search page has no incident status: it
    ranks every status."""
    if not form.is_valid() or not form.cleaned_data["q"].strip():
        return ""
    given = {name: form.cleaned_data[name] for name in ("q", "severity", "team", "since")}
    given["until"] = form.cleaned_data["to"]  # the search page's name for the last day
    return urlencode({name: value for name, value in given.items() if value})


# The list's filters besides its words: with one, an empty list says "these filters".
NARROWING = ("status", "team", "severity", "since", "to")


LIST_COLUMNS = (
    *("key", "title", "severity", "status", "team", "restricted", "created", "services"),
    *("started", "timezone"),
)


@require_POST
@requires(Action.WRITE)
def declare(request: HttpRequest) -> HttpResponse:
    """Open an incident; a refusal comes back as the list, the form filled in, each field's
    error beside it (400)."""
    form = forms.DeclareForm(request.POST)
    if not form.is_valid():
        return _not_declared(request, errors_of(form), kept.errors_by_field(form))
    said = rights.declare_refusal(access(request), form.cleaned_data["team"])
    if said:
        return _not_declared(request, said, {"team": said})
    try:
        declared = form.declared()
        incident = services.declare(user=request.user, now=timezone.now(), via="web", **declared)
    except PostmortemsError as exc:
        return _not_declared(request, str(exc), {"__all__": str(exc)})
    ongoing.forget()
    said_renamed(request, form)
    return redirect("incidents:detail", incident.key)


def said_renamed(request: HttpRequest, form: forms.ServicesField) -> None:
    """Tell the user the services kept otherwise than typed (``Checkout API`` as checkout-api)."""
    renamed = form.renamed()
    if renamed:
        messages.info(request, renamed)


def _not_declared(request: HttpRequest, said: str, errors: dict[str, str]) -> HttpResponse:
    messages.error(request, said)
    kept.keep(request, DECLARED, errors)
    return _list_page(request, refused=True)


# What a refused declaration keeps: the choices too, so fixing a typo never pages by surprise.
DECLARED = ("title", "severity", "team", "services", "timezone", "restricted", "page")


def _timeline(request: HttpRequest, incident: Incident, held: list[Any]) -> list[dict[str, Any]]:
    """Each entry with its times, its earlier versions (one query for the timeline), the
    details of the alert that fired (those the viewer may see: one query) and whether the
    viewer may edit or redact it (``held``: the incident's roles)."""
    me, name = access(request), services.who(request.user)
    commander = next((r.person for r in held if r.role == "commander" and not r.until), "")
    earlier: dict[int, list[Any]] = {}
    for version in EventVersion.objects.filter(event__incident=incident):
        earlier.setdefault(version.event_id, []).append(version)
    events = list(incident.events.select_related("user"))
    alerts = _alert_details(me, [e.alert_id for e in events if e.kind == "alert-fired"])
    return [
        {
            "row": e,
            "local": _local(e.at, incident.timezone),
            "iso": e.at.isoformat(),
            "field": _field_time(e.at, incident.timezone),
            "edited": _local(e.edited_at, incident.timezone),
            "redacted": _local(e.redacted_at, incident.timezone),
            "versions": [
                (v, _local(v.at, incident.timezone), _local(v.written, incident.timezone))
                for v in reversed(earlier.get(e.pk, []))
            ],
            "can_edit": rights.edits(me, incident, e, name, commander),
            "can_redact": rights.redacts(me, incident, e, name, commander),
            "alert": alerts.get(e.alert_id or 0) if e.kind == "alert-fired" else None,
            "text": pagingwords.text(e.author, e.text, e.user_id),
            "who": pagingwords.who(e.author, e.detail, e.user_id),
            "drafted": _drafted(e),
        }
        for e in events
    ]


def _drafted(event: Event) -> str:
    """The key of the postmortem a ``postmortem-drafted`` entry says was written ('' for other
    entries): the page links it when it is the incident's and the reader may see it."""
    if event.kind != "postmortem-drafted":
        return ""
    return next((str(v) for k, v in event.detail if k == "postmortem"), "")


def _alert_details(me: Access, ids: list[int | None]) -> dict[int, AlertDetails]:
    """The details of the alerts ``ids`` that ``me`` may see, by id (no query for none)."""
    wanted = {pk for pk in ids if pk is not None}
    if not wanted:
        return {}
    return {a.pk: alertdetails.details(a) for a in rights.alerts(me).filter(pk__in=wanted)}


def _field_time(value: dt.datetime, zone: str) -> str:
    """A time as the edit form's field takes it back, in the incident's zone, to the second and
    with the zone's abbreviation (``2026-11-01 01:30:15 EDT``: the hour a fall-back repeats
    happens twice, and the field reads it as written)."""
    try:
        info = ZoneInfo(zone)
        return f"{value.astimezone(info):%Y-%m-%d %H:%M:%S} {walltime.teller(value, info)}"
    except OverflowError:
        return ""


# The moves an incident commander makes from the head of an open incident's page, by name.
HEAD_MOVES = {lifecycle.MONITORING: "Mitigated", lifecycle.RESOLVED: "Resolve"}


def _page_context(request: HttpRequest, incident: Incident) -> dict[str, Any]:
    me = access(request)
    targets = lifecycle.allowed_targets(incident.status)
    held = list(RoleAssignment.objects.filter(incident=incident))
    milestones = [
        (name, _local(getattr(incident, name), incident.timezone), name in incident.manual)
        for name in MILESTONES
    ]
    return {
        "incident": incident,
        "timeline": _timeline(request, incident, held),
        "milestones": milestones,
        "roles": held,
        "role_names": ROLES,
        # Who holds each role as the page is drawn: the role form says it back (held_<role>).
        "holders": [
            (name, next((r.person for r in held if r.role == name and not r.until), ""))
            for name in ROLES
        ],
        "severities": SEVERITIES,
        # The status form's moves; a duplicate is marked with the form that names the other.
        "targets": [t for t in targets if t != lifecycle.DUPLICATE],
        "may_duplicate": lifecycle.DUPLICATE in targets,
        # The head's buttons: Mitigated (to monitoring) and Resolve, when the table allows.
        "head_moves": [(t, HEAD_MOVES[t]) for t in targets if t in HEAD_MOVES],
        "ended": incident.status in lifecycle.ENDED,
        # Over and no postmortem yet: the page's next step, said at its top (due.py's rule).
        "postmortem_due": incident.status in ENDED_WITH_IMPACT and incident.postmortem_id is None,
        "can_change": rights.changes(me, incident),
        "poll": POLL_SECONDS,
        "metrics": _metrics(incident),
        "postmortem": _visible_postmortem(request, incident),
        "duplicate_of": rights.shown_links(me, [incident])[incident.pk]["duplicate_of"],
        "declared_from": rights.declared_from(me, incident),
        "panels": panels.fragments("PM_INCIDENT_PANELS", request, incident),
    }


# Beside a time to detect not known because the impact is known to start only when detected.
STARTED_AT_DETECTION = "impact known only from its detection: set Started if it began earlier"


def _metrics(incident: Incident) -> list[tuple[str, str, str]]:
    """Each response time (label, time, why it is not known where that needs saying)."""
    milestones = incident.milestones()
    found = metrics.response_times(milestones)
    waited = alerttimes.in_inbox(incident)
    out = []
    for metric in metrics.METRICS:
        value = found.get(metric.name)
        start = milestones.get(metric.start_milestone)
        same = start is not None and start == milestones.get(metric.end_milestone)
        why = STARTED_AT_DETECTION if value is None and same else ""
        out.append((metric.label, _duration(value), why))
        if metric.name == "time_to_acknowledge" and waited is not None:
            out.append(
                (
                    "Time in inbox",
                    _duration(waited),
                    "from the alert reaching us to the declaration",
                )
            )
    return out


def _duration(value: dt.timedelta | None) -> str:
    if value is None:
        return "–"
    minutes = int(value.total_seconds() // 60)
    return f"{minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"{minutes} min"


def _visible_postmortem(request: HttpRequest, incident: Incident) -> Any:
    if incident.postmortem_id is None:
        return None
    from postmortems.server.library.queries import get_visible

    return get_visible(access(request), incident.postmortem.key) if incident.postmortem else None


@requires(Action.READ)
def detail(request: HttpRequest, key: str) -> HttpResponse:
    incident = rights.get(access(request), key)
    context = _page_context(request, incident)
    if context["can_change"]:  # the forms' suggestions (not polled with the timeline)
        context["responders"] = rights.responders(incident)
        context["my_teams"] = rights.declaring_teams(access(request))
    return render(request, "incidents/detail.html", context)


@requires(Action.READ)
def timeline(request: HttpRequest, key: str) -> HttpResponse:
    """The live part of the page; 204 (htmx keeps what it shows) when nothing changed."""
    incident = rights.get(access(request), key)
    if request.GET.get("rev") == str(incident.revision):
        return HttpResponse(status=204)
    return render(request, "incidents/_live.html", _page_context(request, incident))


# What a refused change of the incident's page keeps for the form it came from.
KEPT = (
    *("text", "why", "duplicate_of", "value", "milestone", "status", "severity", "role", "person"),
    *("at", "reason"),
)


def _change(
    form_class: type[Any], act: Callable[[Incident, dict[str, Any], Any, dt.datetime], Any]
) -> Callable[..., HttpResponse]:
    """A POST view that changes an incident through ``act`` and goes back to its page. The
    address's other parts (``event``: the entry an edit is about) join the form's data; ``act``
    returns the row the change made or marked, or that row and what to say about it."""

    @require_POST
    @requires(Action.WRITE)
    def view(request: HttpRequest, key: str, **parts: Any) -> HttpResponse:
        incident = rights.get(access(request), key, change=True)
        form = form_class(request.POST)
        with timezone.override(ZoneInfo(incident.timezone)):  # times typed are the incident's
            valid = form.is_valid()
        errors = kept.errors_by_field(form)
        if valid:
            try:
                row = act(incident, {**form.cleaned_data, **parts}, request.user, timezone.now())
            except PostmortemsError as exc:
                messages.error(request, str(exc))
                errors = {"__all__": str(exc)}  # said beside the form's button too
            else:
                if isinstance(row, tuple):
                    row, said = row
                    messages.success(request, said)
                ongoing.forget()  # the banner above the page agrees with it
                # Back at the row the change made or marked, not the top of a long page (on a
                # phone the forms are thousands of pixels below it).
                page = reverse("incidents:detail", args=[incident.key])
                return redirect(f"{page}#event-{row.pk}")
        else:
            messages.error(request, errors_of(form))
        # The page again (400), the refusal on it and the form filled in with what was typed,
        # each field's error beside the field.
        kept.keep(request, KEPT, errors)
        context = _page_context(request, incident)
        return render(request, "incidents/detail.html", context, status=400)

    return view


def _note(incident: Incident, data: dict[str, Any], user: Any, now: dt.datetime) -> Event:
    return services.note(incident, data["text"], user, now)


def _status(incident: Incident, data: dict[str, Any], user: Any, now: dt.datetime) -> Event:
    other = None
    if data.get("duplicate_of"):
        # Among the incidents the user may see: a hidden one answers like a missing one.
        other = (
            rights.visible(access_of(user)).filter(key=data["duplicate_of"].strip().upper()).first()
        )
        if other is None:
            raise PostmortemsError(f"no incident {data['duplicate_of']}", hint="give its key")
    return services.change_status(
        incident, data["status"], user, now, why=data["why"], duplicate_of=other
    )


def _duplicate(incident: Incident, data: dict[str, Any], user: Any, now: dt.datetime) -> Event:
    return _status(incident, {**data, "status": lifecycle.DUPLICATE}, user, now)


def _severity(incident: Incident, data: dict[str, Any], user: Any, now: dt.datetime) -> Event:
    return services.change_severity(incident, data["severity"], user, now, why=data["why"])


def _milestone(incident: Incident, data: dict[str, Any], user: Any, now: dt.datetime) -> Event:
    return services.set_milestone(
        incident, data["milestone"], data["value"], user, data["why"], now
    )


def _role(incident: Incident, data: dict[str, Any], user: Any, now: dt.datetime) -> Event:
    return services.take_role(
        incident, data["role"], user, now, person=data["person"], held=data["held"]
    )


def _flag(incident: Incident, data: dict[str, Any], user: Any, now: dt.datetime) -> Event:
    return services.flag(incident, data["event"], data["mark"], data["on"], user)


def _edit(incident: Incident, data: dict[str, Any], user: Any, now: dt.datetime) -> Event:
    return entries.edit(incident, data["event"], user, now, text=data["text"], at=data["at"])


def _redact(
    incident: Incident, data: dict[str, Any], user: Any, now: dt.datetime
) -> tuple[Event, str]:
    row, held = entries.redact(incident, data["event"], data["reason"], user, now)
    said = f"Redacted: the {row.kind.replace('-', ' ')}'s text and its earlier versions are gone."
    pm = incident.postmortem
    if pm is None or not access_of(user).sees(pm):  # a postmortem hidden from them is not named
        return row, said
    if held:
        return (
            row,
            f"{said} Its words were taken out of {pm.key} too ({held} places, revisions included).",
        )
    return row, (
        f"{said} {pm.key} did not hold its words as the draft wrote them: if someone copied "
        "them in other words, edit them out there."
    )


note = _change(forms.NoteForm, _note)
edit_entry = _change(forms.EditEntryForm, _edit)
redact_entry = _change(forms.RedactForm, _redact)
status = _change(forms.StatusForm, _status)
# The head's Resolve and Mitigated: the status form's checks, at an address of their own so that
# a refusal is said beside the buttons pressed, not beside the status form far below.
head_status = _change(forms.HeadStatusForm, _status)
duplicate = _change(forms.DuplicateForm, _duplicate)
severity = _change(forms.SeverityForm, _severity)
milestone = _change(forms.MilestoneForm, _milestone)
role = _change(forms.RoleForm, _role)
flag = _change(forms.FlagForm, _flag)


@requires(Action.READ)
def ingest_errors(request: HttpRequest) -> HttpResponse:
    me = access(request)
    errors = rights.ingest_errors(me).select_related("integration")[:200]
    integrations = rights.integrations(me)
    context = {"errors": errors, "integrations": integrations}
    return render(request, "incidents/errors.html", context)
