"""The server's answer when a request fails: a 503 when the database cannot be reached (an
outage, a restart, SQLite's lock held too long), a 500 otherwise; one log line for the first,
never a page that needs the database to be drawn. And a 403's: why the role does not allow it."""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views import defaults

# The errors of a database that is not there (a refused connection, a closed one, a lock).
UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER = "30"


class NotDelivered(Exception):
    """A notification (an email, a page, a webhook post) the worker could not deliver: the task
    fails with this reason, logged in one line without a traceback (not a fault of the code)."""


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: drawn without the request's context (no user, no menu), which would ask
    the database again."""
    unavailable = isinstance(sys.exc_info()[1], UNAVAILABLE)
    status = 503 if unavailable else 500
    html = render_to_string("server_error.html", {"unavailable": unavailable, "status": status})
    response = HttpResponse(html, status=status)
    if unavailable:
        response["Retry-After"] = RETRY_AFTER
    return response


def forbidden(request: HttpRequest, exception: Exception) -> HttpResponse:
    """``handler403``: the page saying why (``403.html``); htmx, which shows no 403 it is
    answered, gets the reason as plain text, which ``site.js`` shows on the page."""
    if not request.headers.get("HX-Request"):
        return defaults.permission_denied(request, exception)
    said = str(exception) or "your role does not allow this"
    return HttpResponse(
        f"Not allowed: {said}.\n", status=403, content_type="text/plain; charset=utf-8"
    )
