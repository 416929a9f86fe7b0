"""Reading pages: the list (with filters), a postmortem, its revisions, service and tag pages."""

from __future__ import annotations

import dataclasses
import hashlib
from typing import Any

from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST, require_safe

from postmortems.document.model import Severity, Status
from postmortems.render.body import mark_items
from postmortems.server.accounts.access import Access, signed_in
from postmortems.server.accounts.roles import Action
from postmortems.server.config import absolute_url
from postmortems.server.library import feed as atom_feed
from postmortems.server.library import fulltext, panels, queries, state, store
from postmortems.server.library.forms import ListForm, page_number
from postmortems.server.library.guards import access, postmortem_for, postmortem_or_404, requires
from postmortems.server.library.models import Postmortem, Revision
from postmortems.server.library.page_cache import page_html
from postmortems.server.library.revisions import status_only, text_revisions

PAGE_SIZE = 25
LIST_COLUMNS: tuple[str, ...] = (
    "key",
    "title",
    "severity",
    "status",
    "incident_date",
    "restricted",
)
LIST_COLUMNS += ("label_values", "started", "resolved", "duration_minutes", "users_affected_pct")


def _table(me: Access, filters: queries.Filters, number: str | None, query: str) -> str:
    """The rows, count and pager: cached per visibility, query, page and library state.

    The key holds the library token (:mod:`state`), so a save or delete anywhere shows at once;
    a hit costs one query for the token instead of the count and the rows.
    """
    seen = "*" if me.superuser else ",".join(sorted(me.teams))
    may_write = me.may(Action.WRITE)
    raw = f"{seen}|{may_write}|{query}|{number}|{filters}|{state.token()}|{get_script_prefix()}"
    key = "pm-list:" + hashlib.sha256(raw.encode()).hexdigest()
    html: str | None = cache.get(key)
    if html is None:
        qs = queries.list_postmortems(me, filters).only(*LIST_COLUMNS)
        page = Paginator(qs, PAGE_SIZE).get_page(number)
        filtered = dataclasses.replace(filters, sort=queries.Filters.sort) != queries.Filters()
        context = {"page": page, "query": query, "filtered": filtered, "may_write": may_write}
        html = render_to_string("library/_table.html", context)
        cache.set(key, html, timeout=600)
    return mark_safe(html)  # rendered by our template, escaped there


def _list(
    request: HttpRequest, heading: str, panels: list[SafeString] | None = None, **fixed: str
) -> HttpResponse:
    form = ListForm(request.GET)
    filters = form.filters(**fixed)
    me = access(request)
    params = request.GET.copy()
    params.pop("page", None)
    refused = bool(form.errors)
    number = request.GET.get("page")
    context = {
        "heading": heading,
        "form": form,
        "table": "" if refused else _table(me, filters, number, params.urlencode()),
        "filters": filters,
        **_choices(),
        "sorts": list(queries.SORTS),
        "scoped": bool(fixed),  # a service's or a tag's page: the feed is not of it alone
        **_filter_box(filters, fixed, refused=refused or filters.sort != queries.Filters.sort),
        "panels": panels or [],
    }
    return render(request, "library/list.html", context, status=400 if refused else 200)


# The list's filters a reader sets (not the words, nor the order).
FILTER_FIELDS = ("status", "severity", "service", "tag", "team", "since", "until")


def _filter_box(
    filters: queries.Filters, fixed: dict[str, str], *, refused: bool
) -> dict[str, Any]:
    """The "Filters" disclosure of the list and the search page: how many filters the reader
    set (a service's or a tag's own page sets none by itself), and whether it opens (a filter
    set, or something beside it to show: a refused value, a chosen order)."""
    chosen = sum(1 for name in FILTER_FIELDS if name not in fixed and getattr(filters, name))
    return {"filters_set": chosen, "filters_open": bool(chosen or refused)}


@requires(Action.READ)
def postmortem_list(request: HttpRequest) -> HttpResponse:
    return _list(request, "Postmortems")


SEARCH_PAGE = 20
SEARCH_NAMED = 10  # postmortems named by key, service or tag, above the results


@requires(Action.READ)
def search(request: HttpRequest) -> HttpResponse:
    """Full-text search over whole postmortems, with the list's filters and highlighted snippets."""
    form = ListForm(request.GET)
    filters = form.filters()
    number = page_number(request.GET)
    if form.errors:  # named on the page; a search that ignored them would mislead
        context = {
            "form": form,
            "filters": filters,
            **_choices(),
            **_filter_box(filters, {}, refused=True),
        }
        return render(request, "library/search.html", context, status=400)
    results = fulltext.search(
        access(request), filters, filters.q, limit=SEARCH_PAGE, offset=(number - 1) * SEARCH_PAGE
    )
    params = request.GET.copy()
    params.pop("page", None)
    # What other apps find with the same words (the incidents), above the first page's results.
    groups = panels.fragments("PM_SEARCH_GROUPS", request, filters) if number == 1 else []
    named = queries.named(access(request), filters, SEARCH_NAMED) if number == 1 else []
    # a mistyped word finds nothing: offer the words the reader may see nearest to it
    nothing = number == 1 and not results.count and not named
    suggestion = fulltext.did_you_mean(access(request), filters, filters.q) if nothing else None
    context = {
        "form": form,
        "filters": filters,
        "groups": groups,
        "named": named[:SEARCH_NAMED],
        "named_more": len(named) > SEARCH_NAMED,
        "suggestion": suggestion,
        "operators": fulltext.operators(filters.q),
        "suggestion_query": _with_words(params, suggestion),
        "results": results,
        "number": number,
        "start": (number - 1) * SEARCH_PAGE + 1,
        "previous": number - 1 if number > 1 else None,
        "next": number + 1 if number * SEARCH_PAGE < results.count else None,
        "query": params.urlencode(),
        **_choices(),
        **_filter_box(filters, {}, refused=False),
    }
    return render(request, "library/search.html", context)


def _with_words(params: QueryDict, words: str | None) -> str:
    """The search's query string (its filters kept) with other ``words``."""
    if words is None:
        return ""
    other = params.copy()
    other["q"] = words
    return other.urlencode()


def _choices() -> dict[str, list[str]]:
    return {"statuses": [s.value for s in Status], "severities": [s.value for s in Severity]}


@requires(Action.READ)
def service_page(request: HttpRequest, name: str) -> HttpResponse:
    """The service's postmortems, under what other apps know of it now (``PM_SERVICE_PANELS``:
    its open incidents, who is on call for it). A service with no postmortem yet has a page
    while one of those has something to show the reader."""
    now = panels.fragments("PM_SERVICE_PANELS", request, name)
    if not now:
        _label_or_404(request, "services", name)
    return _list(request, f"Service: {name}", service=name, panels=now)


@requires(Action.READ)
def tag_page(request: HttpRequest, name: str) -> HttpResponse:
    _label_or_404(request, "tags", name)
    return _list(request, f"Tag: {name}", tag=name)


def _label_or_404(request: HttpRequest, kind: str, name: str) -> None:
    """A service or tag page exists while a postmortem the reader may see has the label (a
    mistyped link is a 404, and so is a label only restricted postmortems have)."""
    if not queries.label_in_use(access(request), kind, name):
        raise Http404(f"no {kind} {name!r}")


@requires(Action.READ)
def label_index(request: HttpRequest, kind: str) -> HttpResponse:
    values = queries.label_values(access(request), kind)
    return render(request, "library/labels.html", {"kind": kind, "values": values})


# What a reader's page shows and checks, and the panels read for someone who cannot write: the
# text and the other derived columns stay in the database (a third of the query's CPU).
READER_COLUMNS: tuple[str, ...] = ("key", "title", "version", "status", "restricted", "updated")
READER_COLUMNS += ("label_values", "rendered_html", "rendered_version")


@requires(Action.READ)
def detail(request: HttpRequest, key: str) -> HttpResponse:
    me = access(request)
    columns = () if me.may(Action.WRITE) else READER_COLUMNS  # writers' panels read more
    pm = postmortem_or_404(request, key, columns)  # the access check, on every request
    page_html(pm)  # stored by the save; rendered here only for rows saved before that
    states = panels.item_states(request, pm)  # the action items' states the server holds
    context = {
        "pm": pm,
        "body": mark_items(
            panels.link_card_incident(request, pm.rendered_html), timezone.localdate(), states
        ),
        "can_write": me.can(Action.WRITE, pm),
        "can_delete": me.can(Action.DELETE, pm),
        "panels": panels.render(request, pm),
    }
    return render(request, "library/detail.html", context)


@requires(Action.READ)
def raw(request: HttpRequest, key: str) -> HttpResponse:
    pm = postmortem_or_404(request, key)
    return HttpResponse(pm.text, content_type="text/markdown; charset=utf-8")


@requires(Action.READ)
def revisions(request: HttpRequest, key: str) -> HttpResponse:
    pm = postmortem_or_404(request, key)
    revs = pm.revisions.select_related("author").defer("text")
    rows = [{"rev": r, "status_only": status_only(r.diff)} for r in revs]
    return render(request, "library/revisions.html", {"pm": pm, "rows": rows})


@requires(Action.READ)
def revision(request: HttpRequest, key: str, number: int) -> HttpResponse:
    pm = postmortem_or_404(request, key)
    rev = get_object_or_404(Revision.objects.select_related("author"), postmortem=pm, number=number)
    text_of = text_revisions(pm, [number]).get(number, number)  # a status move: before
    return render(request, "library/revision.html", {"pm": pm, "rev": rev, "text_of": text_of})


@require_POST
@requires(Action.DELETE)
def delete(request: HttpRequest, key: str) -> HttpResponse:
    pm: Postmortem = postmortem_for(request, key, Action.DELETE)
    store.delete(pm)
    return redirect("library:list")


@cache_control(max_age=3600, public=True)
def render_css(request: HttpRequest) -> HttpResponse:
    """The render layer's stylesheet, so server pages look like the static site."""
    from postmortems.render import CSS

    return HttpResponse(CSS, content_type="text/css; charset=utf-8")


@requires(Action.READ)
def feed_page(request: HttpRequest) -> HttpResponse:
    """Your secret link to the Atom feed of published postmortems."""
    token = atom_feed.token_for(signed_in(request))
    url = absolute_url(reverse("library:feed", args=[token]))
    return render(request, "library/feed.html", {"feed_url": url})


@require_safe
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The Atom feed behind a secret link (no session: feed readers fetch it)."""
    user = atom_feed.user_for(token) if len(token) <= 200 else None
    if user is None:
        raise Http404("no such feed")
    body = atom_feed.atom(user, absolute_url(request.path))
    response = HttpResponse(body, content_type="application/atom+xml")
    response["Cache-Control"] = "private, max-age=300"
    return response
