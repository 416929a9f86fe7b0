"""The page a browser gets for the address of a form's POST asked with GET: reloading a page
drawn after a refused form (its address is the form's), opening it in a new tab, a link shared
from the address bar. Django answers 405 with no body, which a browser shows as a bare error;
this answers 405 with a page that says why, and the way to the page the form is on (the nearest
address above it that exists). The API answers JSON (:mod:`api.answers`)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.encoding import escape_uri_path

from postmortems.server.api.answers import PREFIX


def nearest_page(path: str) -> str:
    """The nearest address above ``path`` (a path within the site) that the site has."""
    parts = [p for p in path.split("/") if p]
    while parts:
        parts.pop()
        candidate = "/" + "".join(f"{p}/" for p in parts)
        try:
            resolve(candidate)
        except Resolver404:
            continue
        return candidate
    return "/"


class FormOnlyPages:
    """Middleware: a GET (or HEAD) of a POST-only page answers 405 with a page, not nothing.
    Inside the messages, CSRF and frame middleware, which then treat the page drawn here as
    any other (a message is shown once, the CSRF cookie set, framing refused)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code != 405
            or request.method not in ("GET", "HEAD")
            or "POST" not in response.get("Allow", "")
            or request.path_info.startswith(PREFIX)
            or response.content
        ):
            return response
        prefix = request.path.removesuffix(request.path_info)  # the sub-path the site is under
        back = escape_uri_path(prefix + nearest_page(request.path_info))
        answer = render(request, "405.html", {"back": back}, status=405)
        if response.has_header("Allow"):
            answer["Allow"] = response["Allow"]
        return answer
