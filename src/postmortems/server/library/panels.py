"""Fragments other apps add to a page of an app below them, each list named in a setting.

Like Django's context processors: each entry of ``settings.PM_POSTMORTEM_PANELS`` (a postmortem
page), ``PM_EDITOR_PANELS`` (the editor), ``PM_INCIDENT_PANELS`` (an incident's page),
``PM_INBOX_SECTIONS`` (the inbox), ``PM_SEARCH_GROUPS`` (the search page: given the
:class:`queries.Filters`, a group of results above the postmortems, as the incidents found) or
``PM_SERVICE_PANELS`` (a service's page: given its name, what is going on with it now) is the
dotted path of a function that returns an HTML fragment, rendered with autoescaping in its own
template; an empty one is left out. A postmortem panel is given the row
the page loaded (its derived columns, labels and section titles: nothing to re-parse). The
templates of the app that shows them know nothing of the apps that add them.

``settings.PM_INCIDENT_HREF`` names a function ``(request, key) -> address``: the page of the
incident the card names (front matter ``incident:``), '' when there is none the reader may see.

``settings.PM_ITEM_STATES`` names one more such function, ``(request, postmortem) -> {position:
state}``: the state another app holds for each task of the document's task list, which the page
shows in the body's table of action items instead of the checkbox's open or done.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.module_loading import import_string
from django.utils.safestring import SafeString, mark_safe

from postmortems.render import incidentkey
from postmortems.server.library.models import Postmortem


@cache
def _functions(paths: tuple[str, ...]) -> tuple[Callable[..., str], ...]:
    return tuple(import_string(path) for path in paths)


def fragments(setting: str, request: HttpRequest, *args: Any) -> list[SafeString]:
    """Each function's HTML in the order of ``settings.<setting>``, empty ones left out."""
    found = _functions(tuple(getattr(settings, setting, ())))
    # The functions render with autoescaping in their own templates.
    return [mark_safe(html) for f in found if (html := f(request, *args))]


def render(request: HttpRequest, pm: Postmortem) -> list[SafeString]:
    """Each panel's HTML for ``pm`` (``settings.PM_POSTMORTEM_PANELS``)."""
    return fragments("PM_POSTMORTEM_PANELS", request, pm)


def render_editor(request: HttpRequest, pm: Postmortem | None) -> list[SafeString]:
    """Each editor panel's HTML (``settings.PM_EDITOR_PANELS``; ``pm`` None: a new one)."""
    return fragments("PM_EDITOR_PANELS", request, pm)


ItemStates = Callable[[HttpRequest, Postmortem], Mapping[int, str]]


@cache
def _item_states(path: str) -> ItemStates | None:
    return import_string(path) if path else None


def item_states(request: HttpRequest, pm: Postmortem) -> Mapping[int, str]:
    """The state of each task of ``pm``'s task list by its position (``PM_ITEM_STATES``; none
    when no app keeps them)."""
    found = _item_states(str(getattr(settings, "PM_ITEM_STATES", "") or ""))
    return found(request, pm) if found is not None else {}


@cache
def _incident_href(path: str) -> Callable[[HttpRequest, str], str] | None:
    return import_string(path) if path else None


def link_card_incident(request: HttpRequest, html: str) -> str:
    """``html`` (a postmortem's stored page) with its card's incident key a link to the
    incident's page, when ``PM_INCIDENT_HREF`` finds one the reader may see; else as it is,
    whether no such incident exists or the reader may not see it."""
    key = incidentkey.marked_key(html)
    found = _incident_href(str(getattr(settings, "PM_INCIDENT_HREF", "") or ""))
    if key is None or found is None:
        return html
    return incidentkey.link_incident(html, key, found(request, key))
