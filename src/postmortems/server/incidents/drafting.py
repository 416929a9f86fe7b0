""" "Write the postmortem": a library postmortem drafted from the incident, linked both ways.

The draft (:func:`postmortems.incident.draft.draft_postmortem`) goes through the library's save
path (:mod:`postmortems.server.library.store`), so it is parsed, checked against the team rules
and enters the review workflow like any other postmortem. Once written, later changes to the
incident are offered as a diff (:func:`~postmortems.incident.update.offer`), never applied: a
line people edited stays theirs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from postmortems.errors import PostmortemsError
from postmortems.incident import model as m
from postmortems.incident.draft import PROFILES, draft_postmortem
from postmortems.incident.frontfields import FOLLOWED
from postmortems.incident.update import Offer, offer
from postmortems.server.accounts.models import Team
from postmortems.server.accounts.roles import Action
from postmortems.server.incidents import rights, services
from postmortems.server.incidents.forms import DraftForm
from postmortems.server.incidents.models import Event, Incident
from postmortems.server.library import store
from postmortems.server.library.guards import access, requires
from postmortems.server.library.models import Postmortem


def team_profile(incident: Incident) -> str:
    """The format the incident's team chose for its postmortems (classic when it chose none)."""
    chosen = Team.objects.filter(slug=incident.team).values_list("draft_profile", flat=True)
    found = chosen.first() if incident.team else None
    return found if found in PROFILES else "classic"


def profile_for(incident: Incident, asked: str | None) -> str:
    """An explicit choice of format when it is one we know, else the team's."""
    return asked if asked in PROFILES else team_profile(incident)


def draft_text(
    incident: Incident, user: Any, profile: str = "classic", marked: Collection[int] = ()
) -> str:
    """The draft in ``profile`` (classic, google-sre or minimal: the team's choice of format);
    ``marked``: the ids of notes read as key moments (ticked on the page, not marked yet)."""
    found = services.domain(incident, marked)
    return draft_postmortem(found, author=services.who(user), profile=profile)


def offered(incident: Incident) -> Offer:
    """What the incident would change in its postmortem now (an empty diff: nothing), and the
    paragraphs people edited that it leaves as they wrote them."""
    pm = incident.postmortem
    return offer(pm.text, services.domain(incident)) if pm is not None else Offer("")


def write_postmortem(
    incident: Incident,
    user: Any,
    now: dt.datetime,
    profile: str | None = None,
    marked: Collection[int] = (),
) -> Postmortem:
    """Create the postmortem (once) in ``profile`` (None: the team's) and link it, the notes
    ``marked`` (ids of :func:`unmarked_notes`) marked key moments first, all in one transaction
    that holds the incident (two clicks make one postmortem); raises :class:`PostmortemsError`
    and then changes nothing."""
    with transaction.atomic():
        held = Incident.objects.select_for_update().get(pk=incident.pk)
        if held.postmortem is not None:
            raise m.IncidentError(
                f"{held.key} already has its postmortem {held.postmortem.key}",
                hint="edit that one; the incident page offers later changes as a diff",
            )
        if marked:
            notes = _unmarked(held).select_for_update().filter(pk__in=set(marked))
            if notes.count() != len(set(marked)):
                raise m.IncidentError(
                    "the notes changed since the page was shown (one was redacted or marked)",
                    hint="look at them again and tick the ones to keep",
                )
            notes.update(key_moment=True)
            services.refresh(held)
        text = draft_text(held, user, profile_for(held, profile))
        saved = store.create(text, user, key=held.key.replace("INC", "PM"))
        held.postmortem = saved.postmortem
        held.save(update_fields=["postmortem"])
        drafted = m.postmortem_drafted(now, saved.postmortem.key, author=services.who(user))
        services.record(held, [drafted], user, now)
    return saved.postmortem


def _unmarked(incident: Incident) -> QuerySet[Event]:
    rows = incident.events.filter(kind__in=rights.TYPED_KINDS, user__isnull=False)
    return rows.filter(key_moment=False, misleading=False, redacted_at__isnull=True)


def unmarked_notes(incident: Incident) -> list[Event]:
    """What people typed on the timeline (notes, chat messages; not the server's own notes)
    that the draft leaves out: not marked a key moment or a misleading path, not redacted."""
    return list(_unmarked(incident).select_related("user").order_by("at", "id"))


def ticked(notes: Iterable[Event]) -> list[int]:
    """Of ``notes`` (:func:`unmarked_notes`), the ones a draft takes unless told otherwise:
    notes written on the incident, not chat messages brought in from a channel."""
    return [n.pk for n in notes if n.kind == "note"]


@requires(Action.WRITE)
def write(request: HttpRequest, key: str) -> HttpResponse:
    """GET: the draft (or, once written, the diff on offer); POST: create the postmortem, the
    notes ticked on the page marked key moments with it, so that its timeline has them."""
    incident = rights.get(access(request), key, change=True)
    notes = unmarked_notes(incident) if incident.postmortem is None else []
    data = request.POST if request.method == "POST" else request.GET
    form = DraftForm(data, notes=[n.pk for n in notes])
    form.is_valid()
    profile = profile_for(incident, form.cleaned_data.get("profile"))  # unknown: the team's
    if request.method != "POST":
        return _show(request, incident, profile, notes)
    marks = form.cleaned_data.get("key_moment")
    if incident.postmortem is None and marks is None:  # an id not offered: changed since
        messages.error(request, "The notes changed since the page was shown: tick them again.")
        return redirect("incidents:postmortem", incident.key)
    try:
        pm = write_postmortem(incident, request.user, timezone.now(), profile, marks or ())
    except PostmortemsError as exc:
        messages.error(request, str(exc))
        return redirect("incidents:detail", incident.key)
    return redirect("library:detail", pm.key)


def _show(
    request: HttpRequest, incident: Incident, profile: str, notes: list[Event]
) -> HttpResponse:
    """The draft, as creating it would write it with the notes ticked as the page opens (the
    notes, not the chat messages); or, once written, the diff on offer."""
    context: dict[str, Any] = {
        "incident": incident,
        "profile": profile,
        "profiles": PROFILES,
        "front_matter_fields": FOLLOWED,
    }
    if incident.postmortem is not None:
        # Restricted later to teams the viewer is not in: neither its text nor a diff of it.
        context["hidden"] = not access(request).sees(incident.postmortem)
        context["offer"] = Offer("") if context["hidden"] else offered(incident)
    else:
        marks = ticked(notes)
        context["draft"] = draft_text(incident, request.user, profile, marked=marks)
        context["notes"] = notes
        context["ticked"] = marks
    return render(request, "incidents/postmortem.html", context)


# The incidents drafting a postmortem, by a query written out (see workflow.panel.ITEMS_SQL).
LINKED_SQL = (
    "SELECT id, key, title, restricted, team, created"
    f" FROM {Incident._meta.db_table} WHERE postmortem_id = %s"
)


def panel(request: HttpRequest, pm: Postmortem) -> str:
    """On a postmortem page: the incident it was drafted from, when the viewer may see it."""
    # The incidents drafting it are a handful at most: read them by the indexed link alone and
    # apply the visibility rule here (rights.sees), a third of the CPU of the filtered query.
    linked = Incident.objects.raw(LINKED_SQL, [pm.pk])
    me = access(request)
    shown = [i for i in linked if rights.sees(me, i)]
    incident = max(shown, key=lambda i: (i.created, i.pk), default=None)  # the newest
    if incident is None:
        return ""
    from django.template.loader import render_to_string

    return render_to_string("incidents/_panel.html", {"incident": incident})
