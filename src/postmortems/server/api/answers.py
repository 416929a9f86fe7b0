"""Every answer under /api/ is JSON: the 404 of a path no endpoint has (a trailing slash, a typo)
and django-ninja's 405 would otherwise be HTML pages a client has to parse. A HEAD is answered
as the GET of the same path is, without its body (django-ninja routes GET only)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

PREFIX = "/api/"


def _said(request: HttpRequest, response: HttpResponse) -> tuple[str, str]:
    path = request.path_info
    if response.status_code == 404:
        hint = "the endpoints are listed at /api/docs"
        if path.endswith("/") and path != PREFIX:
            hint = f"the API's paths end without a slash: {path.rstrip('/')}"
        return f"no API endpoint at {path}", hint
    if response.status_code == 405:
        allowed = response.get("Allow", "")
        return f"{request.method} is not accepted at {path}", f"use {allowed}"
    return response.reason_phrase.lower(), ""


class JsonAnswers:
    """Turns an error answer under /api/ that is not JSON into ``{"detail", "hint"}``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        head = request.method == "HEAD" and request.path_info.startswith(PREFIX)
        if head:
            request.method = "GET"
        response = self._answer(request)
        if head and not response.streaming:
            length = len(response.content)
            response.content = b""
            response["Content-Length"] = str(length)
        return response

    def _answer(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code < 400 or not request.path_info.startswith(PREFIX):
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        detail, hint = _said(request, response)
        answer = JsonResponse({"detail": detail, "hint": hint}, status=response.status_code)
        if response.has_header("Allow"):
            answer["Allow"] = response["Allow"]
        return answer
