"""The incidents still open, on every page's frame: a live SEV1 is seen from the library, the
service pages and the postmortems, not only from the incidents list."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from postmortems.incident.lifecycle import ENDED
from postmortems.server.accounts.access import access_of
from postmortems.server.accounts.roles import Action
from postmortems.server.incidents import rights

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
    """``frame_notices``: the open incidents the user may see, worst first (none signed out)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    me = access_of(user)
    # What rights.visible reads of the user: the cache key holds all of it, so a banner is never
    # shown to someone who may not see what it names.
    seen = "*" if me.superuser else ",".join(sorted(me.teams))
    generation = cache.get(GENERATION, 0)
    said = f"{me.may(Action.READ)}:{seen}:{generation}"
    key = "pm-ongoing:" + hashlib.sha256(said.encode()).hexdigest()
    html: SafeString | None = cache.get(key)
    if html is None:
        open_ones = rights.visible(me).exclude(status__in=ENDED)
        rows = list(
            open_ones.only("key", "title", "severity", "status", "started", "created").order_by(
                "severity", "-created"
            )[: SHOWN + 1]
        )
        html = mark_safe(  # the template escapes every value
            render_to_string(
                "incidents/_ongoing.html", {"incidents": rows[:SHOWN], "more": len(rows) > SHOWN}
            )
            if rows
            else ""
        )
        cache.set(key, html, timeout=FRESH_SECONDS)
    return {"frame_notices": [html]} if html else {}
