"""Input checks every request passes before a view: bad input is a 400, never a 500.

NUL characters cannot be stored in PostgreSQL text (and are never meaningful in a postmortem, a
search or a name), so a request holding one in its query, its form fields or its JSON body is
refused here, with the same answer on SQLite and PostgreSQL. JSON bodies are the API schemas'
business: their string fields refuse NUL (422), and unknown keys are never read. Sizes and shapes
are checked by each view's form or schema, with the model's limits.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.http.multipartparser import MultiPartParserError

MESSAGE = "the request holds a NUL character (\\0), which no field accepts"
# The methods some view answers; another (TRACE) gets its 405 whatever it carries.
ANSWERED = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def _in(values: QueryDict) -> bool:
    return any("\x00" in k or any("\x00" in v for v in values.getlist(k)) for k in values)


def _has_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path or _in(request.GET):
        return True
    if request.method != "POST" or request.path_info.startswith(("/hooks/", "/api/")):
        # The hooks and the API read their body themselves, as JSON, never as a form: reading a
        # multipart body as a form here would leave the API nothing to read (a 500).
        return False
    try:
        return _in(request.POST)
    except MultiPartParserError:
        return False  # the view's own reading of the body answers that (400)


# A Slack export is the one upload larger than a request body may be (incidents.forms).
LARGE_UPLOADS = re.compile(r"^/incidents/[^/]+/slack/$")
LARGE_UPLOAD_BYTES = 51 * 1024 * 1024  # the export's limit, and room for the form around it


def _too_large(request: HttpRequest) -> int:
    """The limit a request's declared body exceeds (0: none): refused before anything reads it,
    as a form's files would otherwise be streamed to a temporary file first."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0  # Django's own reading answers that
    if request.path_info.startswith("/hooks/"):
        return 0  # the alert hooks take 1 MB, checked (and answered in their JSON) before reading
    large = LARGE_UPLOADS.match(request.path_info) and _signed_in(request)
    limit = LARGE_UPLOAD_BYTES if large else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return limit if length > limit else 0


def _signed_in(request: HttpRequest) -> bool:
    """Whether the request's session cookie names a signed-in session: only then is a Slack
    export's size let through (this runs before the session and CSRF middleware, and CSRF's
    check would read the whole upload to find its token)."""
    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not key:
        return False
    store = import_module(settings.SESSION_ENGINE).SessionStore(key)
    return bool(store.get(SESSION_KEY))


class RefuseBadInput:
    """Middleware: answer 400 (JSON under /api/) to a request carrying a NUL character, 413 to
    one whose body is larger than any form or schema takes, and 411 to a chunked body (without
    a length Django reads none: it would look empty), before any is read."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refused = _refusal(request)
        if refused is None:
            return self.get_response(request)
        status, text = refused
        if request.path_info.startswith("/api/") or request.content_type == "application/json":
            return JsonResponse({"detail": text}, status=status)
        return HttpResponse(text + "\n", status=status, content_type="text/plain; charset=utf-8")


def _refusal(request: HttpRequest) -> tuple[int, str] | None:
    """The status and the reason a request is refused before its body is read; None: it is not."""
    if "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
        return 411, (
            "a chunked body is not read: send the body with a Content-Length header (as curl "
            "--data does)"
        )
    limit = _too_large(request)
    if limit:
        return 413, f"the request body is larger than {limit} bytes, the most this address takes"
    if request.method in ANSWERED and _has_nul(request):  # else: 405, reading nothing
        return 400, MESSAGE
    return None
