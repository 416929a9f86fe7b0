"""Edit details: an incident's title, services and team changed on its page (the rules are
:mod:`.details`'); a refusal comes back as the page, what was typed kept and why said beside
its field."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from postmortems.server.accounts.roles import Action
from postmortems.server.incidents import context as ongoing
from postmortems.server.incidents import details, forms, rights
from postmortems.server.incidents.models import Incident
from postmortems.server.incidents.views import _page_context, said_renamed
from postmortems.server.library import kept
from postmortems.server.library.forms import errors_of
from postmortems.server.library.guards import access, requires

EDITED = ("title", "services", "team")


@require_POST
@requires(Action.WRITE)
def edit_details(request: HttpRequest, key: str) -> HttpResponse:
    """Change the title, services and team; back at the page's timeline entry that says so."""
    me = access(request)
    incident = rights.get(me, key, change=True)
    form = forms.DetailsForm(request.POST)
    if not form.is_valid():
        return _refused(request, incident, errors_of(form), kept.errors_by_field(form))
    data = form.cleaned_data
    unknown = details.unknown_team(me, incident, data["team"])
    if unknown:
        return _refused(request, incident, str(unknown), {"team": str(unknown)})
    said = details.team_refusal(me, incident, data["team"])
    if said:
        return _refused(request, incident, said, {"team": said}, status=403)
    try:
        rows = details.change_details(
            incident,
            request.user,
            timezone.now(),
            title=data["title"],
            services_named=form.service_list(),
            team=data["team"],
        )
    except details.DetailsError as exc:
        return _refused(request, incident, str(exc), {exc.field: str(exc)})
    page = reverse("incidents:detail", args=[incident.key])
    if not rows:
        messages.info(request, "Nothing changed: the details are as they were.")
        return redirect(page)
    ongoing.forget()  # the open incidents' strip names it by its title
    said_renamed(request, form)
    return redirect(f"{page}#event-{rows[-1].pk}")


def _refused(
    request: HttpRequest, incident: Incident, said: str, errors: dict[str, str], status: int = 400
) -> HttpResponse:
    messages.error(request, said)
    kept.keep(request, EDITED, errors)
    incident.refresh_from_db()  # the page shows the incident as it is, the form as it was sent
    context = _page_context(request, incident)
    context["my_teams"] = rights.declaring_teams(access(request))
    context["responders"] = rights.responders(incident) if context["can_change"] else []
    return render(request, "incidents/detail.html", context, status=status)
