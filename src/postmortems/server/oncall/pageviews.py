"""Pages (the paging kind): the list, one page with its notifications, acknowledging it, the
signed link from a notification, and the policies with a form to page one by hand. A page of an
incident the reader may not see says only the incident's key and that it is restricted
(:mod:`.unseen`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from postmortems.errors import PostmortemsError
from postmortems.server.accounts.access import Access, access_of, signed_in
from postmortems.server.accounts.roles import Action
from postmortems.server.library.forms import NextForm, bad_request
from postmortems.server.library.guards import access, requires
from postmortems.server.oncall import acklinks, paging, queries, unseen
from postmortems.server.oncall.forms import PageForm
from postmortems.server.oncall.models import Page, Policy
from postmortems.server.oncall.visibility import (
    may_acknowledge,
    may_edit,
    names_for,
    page_or_404,
    paged_incident,
    visible_pages,
    visible_policies,
    visible_schedules,
)

_NOT_YOURS = (
    "only someone this page reached, or an author of its policy's team, may acknowledge it "
    "(acknowledging stops the escalation)"
)


def _policies(request: HttpRequest) -> list[Policy]:
    return list(visible_policies(access(request)).prefetch_related("steps"))


@requires(Action.READ)
def page_list(request: HttpRequest) -> HttpResponse:
    return _pages(request)


def _pages(request: HttpRequest, kept: dict[str, str] | None = None) -> HttpResponse:
    """The pages and the policies; ``kept``: a refused page's form, filled in again (400)."""
    me = access(request)
    rows = list(visible_pages(me).select_related("acknowledged_by", "opened_by")[:200])
    policies = _policies(request)
    names, seen = names_for(me, rows), unseen.shown_for(me, rows)
    context = {
        "pages": [(page, names.acknowledged(page), seen.summary(page)) for page in rows],
        "policies": policies,
        "may_page": {p.name for p in policies if may_edit(me, p.team)},  # the form, else none
        "kept": kept or {},
        "example": _example(me),
        "server": request.build_absolute_uri("/").rstrip("/"),
    }
    return render(request, "oncall/pages.html", context, status=400 if kept else 200)


def _example(me: Access) -> dict[str, str]:
    """The names of the page's policy example: a schedule made here that the reader may see
    (of a team whose schedules they may change, first), else placeholders."""
    made_here = list(visible_schedules(me).filter(managed_by="").order_by("name")[:100])
    row = next((s for s in made_here if may_edit(me, s.team)), None)
    row = row or (made_here[0] if made_here else None)
    if row is None:
        return {"schedule": "my-schedule", "team": "my-team", "policy": "my-team-default"}
    team = row.team or "my-team"
    return {"schedule": row.name, "team": team, "policy": f"{team}-default"}


@requires(Action.READ)
def page_detail(request: HttpRequest, page_id: int) -> HttpResponse:
    page = page_or_404(access(request), page_id)
    may_ack = may_acknowledge(access(request), signed_in(request).get_username(), page)
    names, seen = names_for(access(request), [page]), unseen.shown_for(access(request), [page])
    zone = queries.page_zone(page, seen.hides(page))
    me = signed_in(request).get_username()
    context = {
        "page": page,
        "summary": seen.summary(page),
        "unseen": seen.hides(page),
        "paged_me": seen.hides(page) and page.notifications.filter(user=me).exists(),
        "ask": unseen.ASK,
        "acknowledged": names.acknowledged(page),
        "notifications": [(n, names.row(n)) for n in page.notifications.all()],
        "may_ack": may_ack,
        "zone": zone.key,
    }
    with timezone.override(zone):  # its times in the zone of the people it pages, named
        return render(request, "oncall/page.html", context)


@require_POST
@requires(Action.READ)
def acknowledge(request: HttpRequest, page_id: int) -> HttpResponse:
    page = page_or_404(access(request), page_id)
    form = NextForm(request.POST)  # the incident's page or the inbox sends people back there
    back = form.back_to(reverse("oncall:page", args=[page.pk])) if form.is_valid() else ""
    if not may_acknowledge(access(request), signed_in(request).get_username(), page):
        messages.error(request, _NOT_YOURS)
    elif paging.acknowledge(page, signed_in(request), timezone.now()):
        messages.info(request, f"Acknowledged page #{page.pk}: the escalation stopped.")
    else:
        messages.error(request, f"Page #{page.pk} was already {page.state}.")
    return redirect(back or reverse("oncall:page", args=[page.pk]))


@require_POST
@requires(Action.READ)
def trigger(request: HttpRequest, policy: str) -> HttpResponse:
    """Page ``policy`` by hand (an incident's responders, a test page)."""
    row = next((p for p in _policies(request) if p.name == policy), None)
    if row is None:
        raise Http404("no such policy")
    if not may_edit(access(request), row.team):
        messages.error(request, f"your role cannot page team {row.team or '(none)'}")
        return redirect("oncall:pages")
    form = PageForm(request.POST)
    if not form.is_valid():
        return bad_request(form, request)
    data = form.cleaned_data
    now = timezone.now()
    try:
        incident_key = paged_incident(access(request), data["incident"], row, now=now)
    except PostmortemsError as exc:
        messages.error(request, str(exc))
        return _pages(request, kept={"policy": row.name, **data})  # what was typed stays
    page = paging.open_page(
        row, summary=data["summary"], incident_key=incident_key, now=now, by=signed_in(request)
    )
    return redirect("oncall:page", page.pk)


@require_http_methods(["GET", "POST"])
def ack_link(request: HttpRequest, token: str) -> HttpResponse:
    """The link a notification carries: GET only shows what it would do (mail scanners follow
    links); the POST of its confirmation form acknowledges, as the person it was sent to."""
    claim = acklinks.read(token)
    page = Page.objects.filter(pk=claim.page_id).first() if claim else None
    user = User.objects.filter(username=claim.user, is_active=True).first() if claim else None
    if claim is None or page is None or user is None:
        return render(request, "oncall/ack_link.html", {"invalid": True}, status=404)
    done = False
    if request.method == "POST":
        done = paging.acknowledge(page, user, timezone.now())
        page.refresh_from_db()
    acknowledged = names_for(access_of(user), [page]).acknowledged(page)
    # Whoever opens the link (a chat's link preview too, signed out) sees of its incident what
    # they may see, not what its person may.
    viewer = access(request) if request.user.is_authenticated else None
    seen = unseen.shown_for(viewer, [page])
    zone = queries.page_zone(page, seen.hides(page))
    context = {"page": page, "person": user.get_username(), "done": done, "zone": zone.key}
    context["acknowledged"] = acknowledged
    context["summary"] = seen.summary(page)
    context["reader"] = access_of(user)  # the link's person, signed in here or not
    with timezone.override(zone):  # as on the page's own page
        return render(request, "oncall/ack_link.html", context)
