"""The Content Security Policy every response carries.

No inline script anywhere: pages load htmx, ``site.js`` and ``editor.js`` from the server, and
htmx is configured (``htmx-config`` in ``base.html``) not to evaluate code or inject styles. Style
attributes stay allowed (table alignment, the SVG timeline); ``<style>`` elements do not. Images
come from the server or are inline ``data:`` (what the render layer allows too).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "style-src-attr 'unsafe-inline'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)


class ContentSecurityPolicy:
    """Middleware: set the policy on every response that does not set its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", POLICY)
        return response
