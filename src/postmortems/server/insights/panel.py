"""The similar-incidents panels: on a postmortem page, beside the editor, and *Seen before?* on
an incident's page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from postmortems.server.accounts.access import access_of
from postmortems.server.insights import seenbefore, similar
from postmortems.server.library.models import Postmortem


def render(request: HttpRequest, pm: Postmortem) -> str:
    """A slot for earlier postmortems like ``pm`` (``PM_POSTMORTEM_PANELS``), filled by htmx
    once the page is shown, so the page itself costs no query more."""
    url = reverse("insights:similar_to", args=[pm.key])
    return render_to_string("insights/_similar_later.html", {"url": url})


def fragment(request: HttpRequest, pm: Postmortem) -> str:
    """Earlier postmortems like ``pm``, with why and the state of their action items."""
    found = similar.similar(
        access_of(request.user), similar.target_of(pm), today=timezone.localdate()
    )
    return render_to_string("insights/_similar.html", similar.shown(found))


def render_editor(request: HttpRequest, pm: Postmortem | None) -> str:
    """A slot beside the editor that asks for similar incidents as the text changes
    (``PM_EDITOR_PANELS``)."""
    context = {"url": reverse("insights:similar_draft"), "pm": pm}
    return render_to_string("insights/_similar_slot.html", context)


def render_factors(request: HttpRequest, pm: Postmortem) -> str:
    """A slot for the contributing factors (``PM_POSTMORTEM_PANELS``), filled by htmx."""
    url = reverse("insights:factors", args=[pm.key])
    return render_to_string("insights/_factors_later.html", {"url": url})


def render_incident(request: HttpRequest, incident: Any) -> str:
    """A slot for *Seen before?* on an incident's page (``PM_INCIDENT_PANELS``), filled by htmx
    once the page is shown, so the page costs no query more. The live timeline's refresh
    keeps what the slot shows (``hx-preserve``): it is read again when the page is."""
    url = reverse("insights:seen_before", args=[incident.key])
    return render_to_string("insights/_seen_before_later.html", {"url": url})


def seen_before(request: HttpRequest, incident: Any) -> str:
    """The earlier postmortems and incidents without one most like ``incident``, with why, and
    the postmortems' open action items; then the others on its services with items still open."""
    me, today = access_of(request.user), timezone.localdate()
    found = seenbefore.for_incident(me, incident, today=today)
    open_on = seenbefore.still_open(me, incident, found, today=today)
    return render_to_string("insights/_seen_before.html", {"seen": found, "open_on": open_on})
