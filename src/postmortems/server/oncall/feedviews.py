"""Calendar feeds: the page that makes and revokes your secret feed URLs, and the feed itself."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from postmortems.server.accounts.access import signed_in
from postmortems.server.accounts.roles import Action
from postmortems.server.config import absolute_url
from postmortems.server.library.guards import access, posted, requires
from postmortems.server.oncall import feeds
from postmortems.server.oncall.forms import FeedForm
from postmortems.server.oncall.models import FeedToken
from postmortems.server.oncall.visibility import schedule_or_404


@requires(Action.READ)
def feed_list(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    rows = FeedToken.objects.filter(owner=user).select_related("schedule")
    new_url = request.session.pop("pm_new_feed", "")
    return render(request, "oncall/feeds.html", {"tokens": rows, "new_url": new_url})


@posted(FeedForm)
def new_feed(request: HttpRequest, form: FeedForm) -> HttpResponse:
    name = form.cleaned_data["schedule"]
    schedule = schedule_or_404(access(request), name) if name else None
    _, raw = feeds.issue(signed_in(request), schedule, now=timezone.now())
    # Shown once, on the next page (kept in the session, not in a URL or a log).
    request.session["pm_new_feed"] = absolute_url(reverse("oncall:feed", args=[raw]))
    messages.info(request, "Feed created: copy its URL now, it is shown only once.")
    return redirect("oncall:feeds")


@require_POST
@requires(Action.READ)
def revoke_feed(request: HttpRequest, token_id: int) -> HttpResponse:
    if feeds.revoke(signed_in(request), token_id, now=timezone.now()):
        messages.info(request, "Feed revoked: its URL no longer answers.")
    return redirect("oncall:feeds")


@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The iCalendar feed behind a secret URL (no session: calendar apps fetch it)."""
    if not token.startswith(FeedToken.PREFIX) or len(token) > 100:
        raise Http404("no such feed")
    found = feeds.find(token)
    body = feeds.body(found, now=timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    response["Content-Disposition"] = 'inline; filename="oncall.ics"'
    return response
