"""Template context shared by every page: the links of the page frame, resolved once."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse

NAMES = {
    "list": "library:list",
    "search": "library:search",
    "render_css": "library:render_css",
    "services": "library:services",
    "tags": "library:tags",
    "new": "library:new",
    "mine": "workflow:mine",
    "metrics": "workflow:metrics",
    "tokens": "tokens",
    "password_change": "password_change",
    "logout": "logout",
    "admin": "admin:index",
    "api_docs": "api:openapi-view",
}
STATIC = {
    "site_css": "library/site.css",
    "site_js": "library/site.js",
    "htmx": "django_htmx/htmx-2.min.js",
}


@cache
def _links(prefix: str) -> dict[str, str]:
    # ``prefix``: reverse() and static() depend on the script prefix (a sub-path deployment).
    out = {name: reverse(target) for name, target in NAMES.items()}
    out.update({name: static(path) for name, path in STATIC.items()})
    return out


def nav(request: HttpRequest) -> dict[str, Any]:
    """``nav.<name>``: the frame's URLs, the same on every page, so not reversed per request."""
    return {"nav": _links(get_script_prefix())}
