"""Input checks every request passes before a view: bad input is a 400, never a 500.

NUL characters cannot be stored in PostgreSQL text (and are never meaningful in a postmortem, a
search or a name), so a request holding one in its query, its form fields or its JSON body is
refused here, with the same answer on SQLite and PostgreSQL. JSON bodies are the API schemas'
business: their string fields refuse NUL (422), and unknown keys are never read. Sizes and shapes
are checked by each view's form or schema, with the model's limits.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse, QueryDict
from django.http.multipartparser import MultiPartParserError

MESSAGE = "the request holds a NUL character (\\0), which no field accepts"


def _in(values: QueryDict) -> bool:
    return any("\x00" in k or any("\x00" in v for v in values.getlist(k)) for k in values)


def _has_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path or _in(request.GET):
        return True
    if request.method != "POST":
        return False
    try:
        return _in(request.POST)
    except MultiPartParserError:
        return False  # the view's own reading of the body answers that (400)


class RefuseNul:
    """Middleware: answer 400 (JSON under /api/) to a request carrying a NUL character."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request):
            if request.path_info.startswith("/api/") or request.content_type == "application/json":
                return JsonResponse({"detail": MESSAGE}, status=400)
            return HttpResponseBadRequest(MESSAGE + "\n", content_type="text/plain; charset=utf-8")
        return self.get_response(request)
