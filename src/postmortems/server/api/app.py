"""The NinjaAPI object and how errors become JSON (never an HTML page)."""

from __future__ import annotations

import json
import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from postmortems.errors import PostmortemsError
from postmortems.server.api import (
    endpoints,
    incidents,
    insights,
    items,
    oncall,
    oncallexport,
    oncalloverrides,
    reviews,
    search,
    tools,
)
from postmortems.server.api import schemas as s
from postmortems.server.api.auth import AUTH
from postmortems.server.errors import RETRY_AFTER
from postmortems.server.library import sandbox, store
from postmortems.server.library.boundaries import NotAllowed
from postmortems.server.outage import reason

log = logging.getLogger(__name__)

api = NinjaAPI(
    title="postmortems",
    version="1",
    description="The postmortem library: read, write (with version checks) and lint postmortems.",
    urls_namespace="api",
    auth=AUTH,
    docs_url="/docs",
    openapi_url="/openapi.json",
)
api.add_router("/postmortems", endpoints.router)
api.add_router("/postmortems", items.router)
api.add_router("/postmortems", reviews.router)
api.add_router("/incidents", incidents.router)
api.add_router("/oncall", oncall.router)
api.add_router("/oncall", oncallexport.router)
api.add_router("/oncall", oncalloverrides.router)
api.add_router("/search", search.router)
api.add_router("/insights", insights.router)
api.add_router("/", tools.router)


def _json(request: HttpRequest, status: int, detail: str, **extra: object) -> HttpResponse:
    return api.create_response(request, {"detail": detail, **extra}, status=status)


@api.exception_handler(NotAllowed)
def not_allowed(request: HttpRequest, exc: NotAllowed) -> HttpResponse:
    return _json(request, 403, str(exc))


@api.exception_handler(items.Refused)
def refused(request: HttpRequest, exc: items.Refused) -> HttpResponse:
    """What is wrong (``detail``), how to fix it (``hint``), and the body's field it is about."""
    errors = [{"field": exc.field, "msg": exc.message}] if exc.field else []
    return _json(request, exc.status, exc.message, hint=exc.hint or "", errors=errors)


@api.exception_handler(store.NotAPostmortem)
def not_a_postmortem(request: HttpRequest, exc: store.NotAPostmortem) -> HttpResponse:
    """What the text is instead of a postmortem (PM101), where, and what to write."""
    where = {"line": exc.line, "column": exc.column}
    errors = [{"field": "text", "msg": exc.message, **where}]
    return _json(request, 422, str(exc), hint=exc.hint or "", errors=errors)


@api.exception_handler(PostmortemsError)
def bad_input(request: HttpRequest, exc: PostmortemsError) -> HttpResponse:
    # A check that failed for the server's own reason is not the client's to fix.
    return _json(request, 503 if isinstance(exc, sandbox.CheckFailed) else 422, str(exc))


# What the schemas' patterns mean, said instead of the pattern itself.
_PATTERNS = {
    s.NO_NUL: "must not hold a NUL character (\\0)",
    s.SOME_TEXT: "must not be empty or only spaces",
    s.WEB_LINK: "must be an http:// or https:// address",
}
_PLUS = "; a + in a query string reads as a space: write it %2B, or give the time in UTC with Z"


def schema_error(error: dict[str, Any], nul: bool = False) -> dict[str, Any]:
    """One of pydantic's errors as JSON: ``loc`` a list, ``field`` the dotted name in the body
    or query (``('body', 'body', 'text')`` is ``text``), ``ctx`` an object of strings. ``nul``:
    the body holds a NUL, the reason a text pattern failed (the error no longer holds its
    input)."""
    loc = [part if isinstance(part, int) else str(part) for part in error.get("loc", ())]
    inside = loc[2:] if loc[:1] == ["body"] else loc[1:]
    ctx = {k: str(v) for k, v in (error.get("ctx") or {}).items()}
    said = str(error.get("msg", ""))
    if ctx.get("pattern") in _PATTERNS:
        said = f"the value {_PATTERNS[s.NO_NUL if nul else ctx['pattern']]}"
    elif error.get("type") == "string_too_short" and ctx.get("min_length") == "1":
        said = "the value must not be empty"
    if loc[:1] == ["query"] and "date" in str(error.get("type")) and " " in str(error.get("input")):
        said += _PLUS
    out = {"loc": loc, "field": ".".join(map(str, inside)), "msg": said, "type": error.get("type")}
    return {**out, "ctx": ctx} if ctx else out


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    nul = request.method in ("POST", "PUT", "PATCH") and b"\\u0000" in request.body
    errors = [schema_error(e, nul) for e in exc.errors]
    return _json(request, 422, "the request does not match the schema", errors=errors)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    sent = request.headers.get("Authorization", "")
    if sent and not sent.lower().startswith("bearer "):  # Basic, Token, a bare token
        return _json(
            request,
            401,
            "the Authorization header holds no Bearer token: send `Authorization: Bearer <token>`",
        )
    if sent:  # sent, so "send a token" would mislead
        return _json(
            request,
            401,
            "the token was refused: unknown, revoked, expired, or older than its owner's password",
            hint="make a new one under API tokens (/tokens/) or with `pm admin create-token USER`",
        )
    return _json(request, 401, "authentication required: send `Authorization: Bearer <token>`")


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if str(exc) == "CSRF check Failed":  # django-ninja's words for a session's write
        return _json(
            request,
            403,
            "the CSRF check failed: a write with the browser's session needs its CSRF token",
            hint=f"send the {settings.CSRF_COOKIE_NAME} cookie's value in an X-CSRFToken "
            "header, or use a token (Authorization: Bearer …)",
        )
    if str(exc).startswith("Cannot parse request body"):  # django-ninja's, saying no more
        return _json(
            request,
            400,
            f"the body is not JSON: {_why_not_json(request)}",
            hint="send a JSON object with Content-Type: application/json",
        )
    return _json(request, exc.status_code, str(exc))


def _why_not_json(request: HttpRequest) -> str:
    """Why the body is no JSON: a form (``curl -F``), or where it stops being JSON (``line 1
    column 12: Expecting value``)."""
    if request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        return f"it is a form ({request.content_type})"
    try:
        json.loads(request.body.decode("utf-8"))
    except UnicodeDecodeError as exc:
        return f"byte {exc.start + 1} is not UTF-8"
    except json.JSONDecodeError as exc:
        return f"line {exc.lineno} column {exc.colno}: {exc.msg}"
    return "it could not be read"


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    # A message written for people ("no incident INC-… that you may see") is said; a bare key or
    # id raised by a lookup is not a sentence.
    said = str(exc)
    return _json(request, 404, said if said.startswith("no ") else "not found")


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _json(request, 403, str(exc) or "forbidden")


@api.exception_handler(RequestDataTooBig)
def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return _json(request, 413, "request body too large (the limit is 8 MB)")


@api.exception_handler(SuspiciousOperation)
def suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    return _json(request, 400, "bad request")


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def unavailable(request: HttpRequest, exc: Exception) -> HttpResponse:
    log.warning("%s %s: the database is unavailable: %s", request.method, request.path, reason(exc))
    response = _json(request, 503, "the database is unavailable", hint="try again shortly")
    response["Retry-After"] = RETRY_AFTER
    return response


@api.exception_handler(Exception)
def crashed(request: HttpRequest, exc: Exception) -> HttpResponse:
    log.error("API error on %s %s", request.method, request.path, exc_info=exc)
    return _json(request, 500, "internal error; the server log has the details")
