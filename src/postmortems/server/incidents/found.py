"""The incidents the header search finds: a group on the search page, above the postmortems
(``PM_SEARCH_GROUPS``, :mod:`library.panels`), and a page of them all (``/incidents/search/``).
The search is :mod:`textsearch`; this module only shows it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.http import urlencode

from postmortems.incident.model import IncidentError, zone_info
from postmortems.server.accounts.roles import Action
from postmortems.server.incidents import rights, textsearch
from postmortems.server.library.forms import ListForm, page_number
from postmortems.server.library.guards import access, requires
from postmortems.server.library.queries import Filters

SHOWN = 5  # on the search page, above the postmortems
PAGE = 20  # on the page of them all


@dataclass(frozen=True)
class Row:
    """A hit as the page shows it: its times in the incident's own zone."""

    hit: textsearch.Hit
    started: str
    entry_at: str

    @property
    def entry_kind(self) -> str:
        """The kind of entry the snippet is from, as words ("alert fired")."""
        return self.hit.kind.replace("-", " ")


def applies(filters: Filters) -> bool:
    """Whether the incidents are searched: words, and no filter only a postmortem has (its
    review status or a tag)."""
    return bool(filters.q) and not (filters.status or filters.tag)


def search_group(request: HttpRequest, filters: Filters) -> str:
    """The incidents matching the search page's words and filters, the best :data:`SHOWN`
    (``PM_SEARCH_GROUPS``); nothing when none matches."""
    if not applies(filters) or _refusal(filters.q):
        return ""
    found = textsearch.search(access(request), filters.q, filters, limit=SHOWN)
    if not found.count:
        return ""
    context = {
        "rows": rows_of(found.hits),
        "count": found.count,
        "more": found.count > len(found.hits),
        "all_url": "?" + urlencode(_params(filters)),
        "q": filters.q,
    }
    return render_to_string("incidents/_found.html", context, request)


def _params(filters: Filters) -> dict[str, str]:
    """The filters the page of them all takes again (those an incident has)."""
    given = {
        "q": filters.q,
        "severity": filters.severity,
        "team": filters.team,
        "service": filters.service,
        "since": filters.since.isoformat() if filters.since else "",
        "until": filters.until.isoformat() if filters.until else "",
    }
    return {k: v for k, v in given.items() if v}


@requires(Action.READ)
def search_page(request: HttpRequest) -> HttpResponse:
    """Every incident the words find, :data:`PAGE` at a time (the group's "all" link)."""
    form = ListForm(request.GET)
    filters = form.filters()
    number = page_number(request.GET)
    said = _refusal(filters.q)
    if said and "q" not in form.errors:
        form.add_error("q", said)  # as the list says it (400)
    refused = bool(form.errors)
    found = textsearch.Results([], 0)
    if not refused and filters.q:
        offset = (number - 1) * PAGE
        found = textsearch.search(access(request), filters.q, filters, limit=PAGE, offset=offset)
    context = {
        "form": form,
        "filters": filters,
        "rows": rows_of(found.hits),
        "count": found.count,
        "start": (number - 1) * PAGE + 1,
        "number": number,
        "previous": number - 1 if number > 1 else None,
        "next": number + 1 if number * PAGE < found.count else None,
        "query": urlencode(_params(filters)),
    }
    return render(request, "incidents/search.html", context, status=400 if refused else 200)


def _refusal(q: str) -> str:
    """Why the incidents are not searched for ``q`` (:func:`rights.search_words`: too many
    words, or none), as the list says it; '' when they are."""
    try:
        rights.search_words(q)
    except ValueError as exc:
        return str(exc)
    return ""


def rows_of(hits: list[textsearch.Hit]) -> list[Row]:
    return [
        Row(
            hit,
            local(hit.incident.started or hit.incident.created, hit.incident.timezone),
            local(hit.at, hit.incident.timezone) if hit.at else "",
        )
        for hit in hits
    ]


def local(value: dt.datetime, zone: str) -> str:
    """``2026-03-01 14:05 CET``: the time in the incident's zone (UTC when it has no valid one
    or the instant has no local date)."""
    try:
        where: dt.tzinfo = zone_info(zone)
        return value.astimezone(where).strftime("%Y-%m-%d %H:%M %Z")
    except (IncidentError, OverflowError):
        return value.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%d %H:%M UTC")
