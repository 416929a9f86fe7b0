"""The incidents still open, on every page's frame: a live SEV1 is seen from the library, the
service pages and the postmortems, not only from the incidents list."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince

from postmortems.incident.lifecycle import ENDED
from postmortems.server.accounts.access import Access, access_of
from postmortems.server.accounts.roles import Action
from postmortems.server.incidents import rights
from postmortems.server.incidents.models import Incident

SHOWN = 3
FRESH_SECONDS = 5  # a banner may be this late: one query per viewer's teams this often at most
GENERATION = "pm-ongoing-generation"  # part of every banner's key: a new one forgets them all


def forget() -> None:
    """The banners drawn before are stale: someone changed an incident through its page, and
    the next page this process draws (theirs, after the redirect) shows the change, not the
    banner of five seconds ago that contradicts it. Other processes' banners keep their delay."""
    try:
        cache.incr(GENERATION)
    except ValueError:  # not there yet, or culled from the cache since
        cache.set(GENERATION, 1, timeout=None)


def ongoing(request: HttpRequest) -> dict[str, Any]:
    """``frame_notices``: the open incidents the user may see, worst first (none signed out),
    but not the incident whose own page this is (its page says all of it)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    me = access_of(user)
    rows, total = _open_ones(me)
    here = _page_of(request)
    shown = [r for r in rows if r.key != here][:SHOWN]
    if not shown:
        return {}
    here_open = any(r.key == here for r in rows) or _is_open(me, here)
    more = max(total - len(shown) - here_open, 0)
    context = {
        "incidents": [(r, _age(r, timezone.now())) for r in shown],
        # Neither named nor this page's; the count may be seconds older than this page's
        # incident (just opened by an alert or another process): never below none.
        "more": more,
        "listed": len(shown) + more,  # what the heading counts: this page's incident is not
        "also": here_open,
        "total": total,  # as the list of them counts
        "open_url": reverse("incidents:list") + "?status=open",
    }
    return {"frame_notices": [render_to_string("incidents/_ongoing.html", context)]}


def _open_ones(me: Access) -> tuple[list[Incident], int]:
    """The worst open incidents ``me`` may see (one more than shown, for the page's own) and
    how many there are, kept :data:`FRESH_SECONDS` per what :func:`rights.visible` reads."""
    # The cache key holds all of it, so a banner never names what its viewer may not see.
    seen = "*" if me.superuser else ",".join(sorted(me.teams))
    said = f"{me.may(Action.READ)}:{seen}:{cache.get(GENERATION, 0)}"
    key = "pm-ongoing:" + hashlib.sha256(said.encode()).hexdigest()
    found: tuple[list[Incident], int] | None = cache.get(key)
    if found is None:
        open_ones = rights.visible(me).exclude(status__in=ENDED)
        rows = list(
            open_ones.only("key", "title", "severity", "status", "started", "created").order_by(
                "severity", "-created"
            )[: SHOWN + 1]
        )
        found = (rows, open_ones.count() if rows else 0)
        cache.set(key, found, timeout=FRESH_SECONDS)
    return found


def _is_open(me: Access, key: str) -> bool:
    """Whether the incident of this page (``key``; '' on any other page) is open, and ``me``'s
    to see: the banner counts it among the open ones without naming it."""
    return bool(key) and rights.visible(me).filter(key=key).exclude(status__in=ENDED).exists()


def _page_of(request: HttpRequest) -> str:
    """The key of the incident whose page this is ('' on any other page): its page, and the
    page its forms answer with when they refuse a change (``/incidents/KEY/note/``, 400)."""
    match = getattr(request, "resolver_match", None)
    if match is None or match.namespace != "incidents":
        return ""
    return str(match.kwargs.get("key", "")).upper()


def _age(incident: Incident, now: dt.datetime) -> str:
    """``opened just now`` (under a minute), else ``open 2 hours, 5 minutes``."""
    since = incident.started or incident.created
    if now - since < dt.timedelta(minutes=1):
        return "opened just now"
    return f"open {timesince(since, now)}"
