"""The pages that reach people where they already are: an incident's page shows who its pages
have reached and lets the person paged acknowledge there (``PM_INCIDENT_PANELS``), and pages
someone for it by hand (:mod:`.handpaging`); the inbox lists the open pages that reached its
reader (``PM_INBOX_SECTIONS``). Each row only when the reader may see the page, and the button
only when they may acknowledge it. A page of an incident the reader may not see is
``Restricted incident INC-12`` to them, with what to do; the incident's readers are told who was
paged and cannot see it (:mod:`.unseen`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from postmortems.errors import PostmortemsError
from postmortems.server.accounts.access import signed_in
from postmortems.server.accounts.roles import Action
from postmortems.server.incidents import rights
from postmortems.server.incidents import views as incident_views
from postmortems.server.library import kept
from postmortems.server.library.guards import access, requires
from postmortems.server.oncall import handpaging, paging, unseen
from postmortems.server.oncall.forms import PageSomeoneForm
from postmortems.server.oncall.models import Page
from postmortems.server.oncall.visibility import may_acknowledge, names_for, visible_pages

SHOWN = 5


@dataclass(frozen=True, slots=True)
class PageRow:
    page: Page
    reached: list[str]  # who the page's last step reached, in the order paged (as named)
    next_due: dt.datetime | None  # when it escalates next, None when it will not
    may_ack: bool
    acknowledged: str  # who acknowledged it, as named to the reader (:class:`Names`)
    summary: str  # what it is about, as the reader may see it (:class:`unseen.Shown`)
    unseen: bool  # the reader may not see its incident


def _rows(request: HttpRequest, pages: QuerySet[Page]) -> list[PageRow]:
    me, name = access(request), signed_in(request).get_username()
    shown = list(pages.select_related("policy", "acknowledged_by", "opened_by")[:SHOWN])
    names, seen = names_for(me, shown), unseen.shown_for(me, shown)
    rows = []
    for page in shown:
        last = page.notifications.filter(step=page.step, round=page.round)
        reached = [names.of(page, u) for u in last.values_list("user", flat=True)]
        may_ack = page.is_open and may_acknowledge(me, name, page)
        due = paging.next_due(page)
        row = PageRow(
            page,
            list(dict.fromkeys(reached)),
            due,
            may_ack,
            names.acknowledged(page),
            seen.summary(page),
            seen.hides(page),
        )
        rows.append(row)
    return rows


def paged_unseeing(request: HttpRequest, incident: Any) -> list[str]:
    """Who the incident's pages reached and cannot see it, as named to the reader (each once, in
    the order paged): its readers are told, so that someone grants access or pages a reader."""
    me = access(request)
    pages = list(visible_pages(me).filter(incident_key=incident.key).order_by("opened", "pk"))
    names = names_for(me, pages)
    found = unseen.paged_unseeing(incident, pages)
    by_page = {page.pk: page for page in pages}
    named = (names.of(by_page[pk], user) for pk, users in found.items() for user in users)
    return list(dict.fromkeys(named))


def _unseeing(request: HttpRequest, incident: Any) -> str:
    names = paged_unseeing(request, incident)
    return unseen.unseeing_text(incident, names) if names else ""


def incident_panel(request: HttpRequest, incident: Any) -> str:
    """The incident's pages, newest first: state, who was reached, the next escalation; and,
    for whoever may change the incident while it goes on, the form to page someone for it."""
    me = access(request)
    rows = _rows(request, visible_pages(me).filter(incident_key=incident.key))
    unseeing = _unseeing(request, incident) if rows else ""
    offer = handpaging.may_page(me, incident)
    action, refused = reverse("oncall:page_incident", args=[incident.key]), kept.take(request)
    # A refusal once the form is no longer offered (the incident ended meanwhile): said under
    # the heading, where the page opens.
    mine = refused.get("action") == action and not offer
    stray = refused.get("errors", {}).get("__all__", "") if mine else ""
    if not rows and not offer and not stray:
        return ""
    context = {
        "incident": incident,
        "zone": incident.timezone,  # the incident's page says its times in its zone
        "rows": rows,
        "unseeing": unseeing,
        "back": reverse("incidents:detail", args=[incident.key]),
        "choices": handpaging.choices(me, incident, timezone.now()) if offer else None,
        "action": action,
        "kept": refused,
        "stray": stray,
        "wait": f"{paging.DIRECT_WAIT.seconds // 60} minutes",
    }
    return render_to_string("oncall/_incident_pages.html", context, request)


KEPT = ("target", "message")  # what a refused page keeps for the form


@require_POST
@requires(Action.WRITE)
def page_incident(request: HttpRequest, key: str) -> HttpResponse:
    """Page a person, a schedule or a policy for incident ``key`` (the panel's form); a refusal
    comes back as the incident's page (400), the choice kept and the reason beside the form."""
    incident = rights.get(access(request), key, change=True)
    form = PageSomeoneForm(request.POST)
    if form.is_valid():
        kind, name = form.cleaned_data["target"]
        message = " ".join(form.cleaned_data["message"].split())  # one line, as it is told
        try:
            page = handpaging.page_someone(
                access(request), signed_in(request), incident, kind, name, timezone.now(), message
            )
        except PostmortemsError as exc:
            errors = {"__all__": str(exc)}
        else:
            messages.info(request, f"Paged {kind} {name} for {incident.key} (Page #{page.pk}).")
            return redirect(reverse("incidents:detail", args=[incident.key]) + "#incident-pages")
    else:
        errors = kept.errors_by_field(form)
    messages.error(request, " ".join(errors.values()))
    kept.keep(request, KEPT, errors, at="page-someone")
    answer = incident_views.detail(request, incident.key)
    answer.status_code = 400
    return answer


def inbox_section(request: HttpRequest) -> str:
    """The open pages that reached the reader and wait for an acknowledgement."""
    mine = visible_pages(access(request)).filter(
        state__in=(Page.State.OPEN, Page.State.EXHAUSTED),
        notifications__user=signed_in(request).get_username(),
    )
    rows = _rows(request, mine.distinct())
    context = {"rows": rows, "back": reverse("workflow:inbox"), "ask": unseen.ASK}
    return render_to_string("oncall/_inbox_pages.html", context, request) if rows else ""
