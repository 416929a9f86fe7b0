"""Permission checks shared by the page views: one place turns access into HTTP answers."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from postmortems.server.accounts.access import Access, access_of
from postmortems.server.accounts.roles import Action
from postmortems.server.library.forms import bad_request
from postmortems.server.library.models import Postmortem
from postmortems.server.library.queries import get_visible
from postmortems.server.library.sessionend import signed_out

View = Callable[..., HttpResponse]


def requires(action: Action) -> Callable[[View], View]:
    """Anonymous users go to the login page (htmx's by ``HX-Redirect``; a post of their writing
    gets a page, or words, saying they are signed out: :func:`signed_out`); users without the
    role get 403."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            access = access_of(request.user)
            if not access.authenticated:
                return signed_out(request)
            if not access.may(action):
                raise PermissionDenied(f"your role cannot {action.name.lower()}")
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def posted(form_class: type[forms.Form], action: Action = Action.READ) -> Callable[[View], View]:
    """A post by a signed-in user whose role allows ``action``, its body read by ``form_class``.

    The view gets the valid form after the request; an invalid body answers 400 saying what is
    wrong (the pages' own forms cannot send one).
    """

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            form = form_class(request.POST)
            if not form.is_valid():
                return bad_request(form, request)
            return view(request, form, *args, **kwargs)

        return require_POST(requires(action)(wrapper))

    return decorate


def access(request: HttpRequest) -> Access:
    return access_of(request.user)


def postmortem_or_404(request: HttpRequest, key: str, columns: tuple[str, ...] = ()) -> Postmortem:
    """A postmortem the user may see; a hidden one answers 404 like a missing one.

    ``columns``: load only these (see :func:`get_visible`)."""
    pm = get_visible(access(request), key, columns)
    if pm is None:
        raise Http404("no such postmortem")
    return pm


def postmortem_for(request: HttpRequest, key: str, action: Action) -> Postmortem:
    """A visible postmortem on which the user's role in its teams allows ``action`` (else 403)."""
    pm = postmortem_or_404(request, key)
    if not access(request).can(action, pm):
        raise PermissionDenied(f"your role in this postmortem's teams cannot {action.name.lower()}")
    return pm
