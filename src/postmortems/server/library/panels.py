"""Panels other apps add to a postmortem page, named in ``settings.PM_POSTMORTEM_PANELS``.

Like Django's context processors: each entry is the dotted path of a function
``(request, postmortem) -> str`` that returns an HTML fragment for the postmortem the page
loaded (its row carries the derived columns, labels and section titles: nothing to re-parse).
The library's templates know nothing of the apps that add panels.

``settings.PM_ITEM_STATES`` names one more such function, ``(request, postmortem) -> {position:
state}``: the state another app holds for each task of the document's task list, which the page
shows in the body's table of action items instead of the checkbox's open or done.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache

from django.conf import settings
from django.http import HttpRequest
from django.utils.module_loading import import_string
from django.utils.safestring import SafeString, mark_safe

from postmortems.server.library.models import Postmortem

Panel = Callable[[HttpRequest, Postmortem], str]


@cache
def _panels(paths: tuple[str, ...]) -> tuple[Panel, ...]:
    return tuple(import_string(path) for path in paths)


def render(request: HttpRequest, pm: Postmortem) -> list[SafeString]:
    """Each panel's HTML for ``pm``, in the order of the setting."""
    found = _panels(tuple(getattr(settings, "PM_POSTMORTEM_PANELS", ())))
    # The panels render with autoescaping in their own templates.
    return [mark_safe(panel(request, pm)) for panel in found]


def render_editor(request: HttpRequest, pm: Postmortem | None) -> list[SafeString]:
    """Each editor panel's HTML (``settings.PM_EDITOR_PANELS``; ``pm`` None: a new one)."""
    found = _editor_panels(tuple(getattr(settings, "PM_EDITOR_PANELS", ())))
    return [mark_safe(panel(request, pm)) for panel in found]


EditorPanel = Callable[[HttpRequest, Postmortem | None], str]


@cache
def _editor_panels(paths: tuple[str, ...]) -> tuple[EditorPanel, ...]:
    return tuple(import_string(path) for path in paths)


ItemStates = Callable[[HttpRequest, Postmortem], Mapping[int, str]]


@cache
def _item_states(path: str) -> ItemStates | None:
    return import_string(path) if path else None


def item_states(request: HttpRequest, pm: Postmortem) -> Mapping[int, str]:
    """The state of each task of ``pm``'s task list by its position (``PM_ITEM_STATES``; none
    when no app keeps them)."""
    found = _item_states(str(getattr(settings, "PM_ITEM_STATES", "") or ""))
    return found(request, pm) if found is not None else {}
