"""The alert inbox: the alerts routing sent to no incident, and what a person does with each —
open an incident from it, attach it to an open incident, dismiss it (and undo that). The rules
are :mod:`.triage`'s and :mod:`.rights`'; a refused post comes back as the alert's page, what
was typed kept and why said beside the field."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from postmortems.errors import PostmortemsError
from postmortems.incident import lifecycle
from postmortems.incident.model import SEVERITIES
from postmortems.server.accounts.access import Access
from postmortems.server.accounts.roles import Action
from postmortems.server.incidents import alertdetails, alerttimes, forms, rights, triage
from postmortems.server.incidents import context as ongoing
from postmortems.server.incidents.models import Alert, Dismissal, Incident
from postmortems.server.incidents.views import DECLARED, _local, said_renamed
from postmortems.server.library import kept
from postmortems.server.library.forms import ZONES, errors_of
from postmortems.server.library.guards import access, requires

# The open incidents offered to attach an alert to, newest first (a response has a few).
TARGETS_SHOWN = 100


def _targets(me: Access) -> list[Incident]:
    """The open incidents ``me`` may change: those an alert may be attached to."""
    found = rights.changeable(me).filter(status__in=lifecycle.OPEN)
    columns = ("key", "title", "team", "restricted", "status", "created")
    return list(found.only(*columns).order_by("-created", "-id")[:TARGETS_SHOWN])


def _rows(
    me: Access, alerts: list[Alert], dismissals: list[Dismissal] | None = None
) -> list[dict[str, Any]]:
    """Each alert with what ``me`` may do with it: the incidents it may join, dismissing; and
    its dismissal (the Dismissed list), or an earlier firing's (the inbox); the incident it
    fired again after, when it had ended."""
    targets = _targets(me) if me.may(Action.WRITE) else []
    before = {} if dismissals else triage.dismissed_before(alerts, rights.alerts(me))
    after = triage.fired_after(alerts, me)
    return [
        {
            "alert": alert,
            "targets": [i for i in targets if not triage.attach_problem(alert, i)],
            "handles": rights.handles(me, alert),
            "before": before.get(alert.pk),
            "after": after.get(alert.pk),
            "dismissal": dismissals[n] if dismissals else None,
        }
        for n, alert in enumerate(alerts)
    ]


@requires(Action.READ)
def inbox(request: HttpRequest) -> HttpResponse:
    """The alerts waiting for someone, newest first, 50 a page."""
    me = access(request)
    alerts = rights.inbox(me).select_related("integration")
    page = Paginator(alerts, 50).get_page(request.GET.get("page"))
    return _list(request, page, _rows(me, list(page)), dismissed=False)


@requires(Action.READ)
def dismissed(request: HttpRequest) -> HttpResponse:
    """The alerts people dismissed, last dismissed first, each with Undo."""
    me = access(request)
    found = rights.dismissed(me).select_related("alert__integration", "by")
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    return _list(request, page, _rows(me, [d.alert for d in page], list(page)), dismissed=True)


def _list(
    request: HttpRequest, page: Page[Any], rows: list[dict[str, Any]], *, dismissed: bool
) -> HttpResponse:
    me = access(request)
    form = forms.InboxForm(request.GET)
    valid = form.is_valid()
    just = form.cleaned_data.get("dismissed") if valid else None
    context = {
        "page": page,
        "rows": rows,
        "form": form,
        "dismissed": dismissed,
        "can_write": me.may(Action.WRITE),
        "just_dismissed": _just_dismissed(me, just),
    }
    return render(request, "incidents/inbox.html", context, status=200 if valid else 400)


def _just_dismissed(me: Access, pk: int | None) -> Alert | None:
    """The alert just dismissed, offered back (Undo) while it is still dismissed."""
    if pk is None:
        return None
    found = rights.dismissed(me).filter(alert_id=pk).select_related("alert").first()
    return found.alert if found is not None and rights.handles(me, found.alert) else None


def _alert_or_404(request: HttpRequest, pk: int) -> Alert:
    """An alert the user may see (a hidden one answers like a missing one)."""
    found = rights.alerts(access(request)).select_related("integration")
    alert = found.filter(pk=pk).first()
    if alert is None:
        raise Http404(f"no alert {pk} that you may see")
    return alert


@requires(Action.READ)
def alert_page(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = _alert_or_404(request, alert_id)
    return render(request, "incidents/alert.html", _alert_context(request, alert))


def _alert_context(request: HttpRequest, alert: Alert) -> dict[str, Any]:
    me = access(request)
    zone = alert.integration.timezone
    incident = None
    if alert.incident_id is not None:
        incident = rights.visible(me).filter(pk=alert.incident_id).only("key", "title").first()
    history = list(alert.dismissals.select_related("by", "undone_by"))
    return {
        "alert": alert,
        "row": _rows(me, [alert])[0],
        "incident": incident,
        "dismissal": next((d for d in history if d.undone is None), None),
        "history": [d for d in history if d.undone is not None],
        "zone": zone,
        "times": [
            ("Fired", _local(alerttimes.fired_at(alert), zone)),
            ("Ended", _local(alerttimes.ended_at(alert), zone)),
            ("Received", _local(alert.received, zone)),
        ],
        "corrected": alerttimes.corrections(alert, zone),
        "labels": sorted((alert.labels or {}).items()),
        "details": alertdetails.details(alert),  # description, runbook, links, the rest
        "can_declare": me.may(Action.WRITE),
        "my_teams": rights.declaring_teams(me),
        "severities": SEVERITIES,
        "zones": ZONES,
        "severity": alert.severity if alert.severity in SEVERITIES else "SEV3",
    }


def _refused(
    request: HttpRequest,
    alert: Alert,
    said: str,
    errors: dict[str, str],
    names: tuple[str, ...],
    status: int = 400,
) -> HttpResponse:
    """The alert's page again, the refusal at its top and beside its field, the form as sent."""
    messages.error(request, said)
    kept.keep(request, names, errors)
    alert.refresh_from_db()
    return render(request, "incidents/alert.html", _alert_context(request, alert), status=status)


@require_POST
@requires(Action.WRITE)
def open_incident(request: HttpRequest, alert_id: int) -> HttpResponse:
    """Declare an incident from the alert (the declare form's fields, filled in from it) with
    the alert attached; then its page."""
    alert = _alert_or_404(request, alert_id)
    form = forms.DeclareForm(request.POST)
    if not form.is_valid():
        return _refused(request, alert, errors_of(form), kept.errors_by_field(form), DECLARED)
    data = form.cleaned_data
    said = rights.declare_refusal(access(request), data["team"])
    if said:
        return _refused(request, alert, said, {"team": said}, DECLARED, status=403)
    said = triage.open_problem(alert, data["team"], data["restricted"])
    if said:
        return _refused(request, alert, said, {"restricted": said}, DECLARED, status=403)
    try:
        incident = triage.open_incident(alert, request.user, timezone.now(), **form.declared())
    except PostmortemsError as exc:
        return _refused(request, alert, str(exc), {"__all__": str(exc)}, DECLARED, status=409)
    ongoing.forget()
    said_renamed(request, form)
    return redirect("incidents:detail", incident.key)


ATTACHED = ("incident", "then")


@require_POST
@requires(Action.WRITE)
def attach(request: HttpRequest, alert_id: int) -> HttpResponse:
    """Attach the alert to an open incident the user may change."""
    me = access(request)
    alert = _alert_or_404(request, alert_id)
    form = forms.AttachForm(request.POST)
    if not form.is_valid():
        return _refused(request, alert, errors_of(form), kept.errors_by_field(form), ATTACHED)
    key = form.cleaned_data["incident"].strip()
    # A hidden incident answers as a missing one: the refusal confirms nothing.
    incident = rights.visible(me).filter(key=key).first()
    if incident is None:
        said = f"no incident {key} that you may see"
        return _refused(request, alert, said, {"incident": said}, ATTACHED)
    if not rights.changes(me, incident):
        said = f"your role in team {incident.team or '(none)'} cannot change {incident.key}"
        return _refused(request, alert, said, {"incident": said}, ATTACHED, status=403)
    try:
        rows = triage.attach(alert, incident, request.user, timezone.now())
    except PostmortemsError as exc:
        return _refused(request, alert, str(exc), {"incident": str(exc)}, ATTACHED, status=409)
    ongoing.forget()
    page = reverse("incidents:detail", args=[incident.key])
    entry = f"{page}#event-{rows[0].pk}" if rows else page
    if form.cleaned_data["then"] == "inbox":  # the incident a link away, at the new entry
        said = format_html(
            '“{}” attached to <a href="{}">{}</a>.', alert.summary, entry, incident.key
        )
        messages.success(request, said)
        return redirect("incidents:inbox")
    return redirect(entry)


@require_POST
@requires(Action.WRITE)
def dismiss(request: HttpRequest, alert_id: int) -> HttpResponse:
    """Take the alert out of the inbox; the inbox then offers it back (Undo)."""
    alert = _alert_or_404(request, alert_id)
    if not rights.handles(access(request), alert):
        said = f"you need the author role in team {alert.team or '(any)'} to dismiss its alerts"
        return _refused(request, alert, said, {"why": said}, ("why",), status=403)
    form = forms.DismissForm(request.POST)
    if not form.is_valid():
        return _refused(request, alert, errors_of(form), kept.errors_by_field(form), ("why",))
    try:
        triage.dismiss(alert, request.user, form.cleaned_data["why"], timezone.now())
    except PostmortemsError as exc:
        return _refused(request, alert, str(exc), {"why": str(exc)}, ("why",), status=409)
    return redirect(f"{reverse('incidents:inbox')}?dismissed={alert.pk}")


@require_POST
@requires(Action.WRITE)
def undismiss(request: HttpRequest, alert_id: int) -> HttpResponse:
    """Undo a dismissal: the alert is back in the inbox."""
    alert = _alert_or_404(request, alert_id)
    if not rights.handles(access(request), alert):
        said = f"you need the author role in team {alert.team or '(any)'} to undo its dismissal"
        return _refused(request, alert, said, {"undo": said}, (), status=403)
    form = forms.UndoForm(request.POST)
    if not form.is_valid():
        return _refused(request, alert, errors_of(form), {"undo": errors_of(form)}, ())
    try:
        triage.undo(alert, request.user, timezone.now())
    except PostmortemsError as exc:
        return _refused(request, alert, str(exc), {"undo": str(exc)}, (), status=409)
    messages.success(request, f"“{alert.summary}” is back in the inbox.")
    back = "incidents:inbox_dismissed" if form.cleaned_data["then"] else "incidents:inbox"
    return redirect(back)
