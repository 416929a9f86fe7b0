"""Template context shared by every page: the links of the page frame, resolved once."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils.safestring import mark_safe

from postmortems.server.accounts.access import access_of
from postmortems.server.accounts.roles import Action

NAMES = {
    "list": "library:list",
    "search": "library:search",
    "render_css": "library:render_css",
    "services": "library:services",
    "tags": "library:tags",
    "new": "library:new",
    "mine": "workflow:mine",
    "inbox": "workflow:inbox",
    "insights": "insights:page",
    "incidents": "incidents:list",
    "oncall": "oncall:list",
    "tokens": "tokens",
    "teams": "teams",
    "password_change": "password_change",
    "login": "login",
    "logout": "logout",
    "admin": "admin:index",
    "api_docs": "api:openapi-view",
}
STATIC = {
    "site_css": "library/site.css",
    "site_js": "library/site.js",
    "localtime_js": "library/localtime.js",
    "favicon": "library/favicon.svg",
    "htmx": "django_htmx/htmx-2.min.js",
}


# Parts of the page frame made of those links alone, rendered with them: a page shows them as
# they are instead of resolving and escaping a dozen variables on every request.
FRAGMENTS = {
    "head": "library/_head_links.html",
    "menu": "library/_menu.html",
    "menu_more": "library/_menu_more.html",  # after "New", which only writers are shown
}


@cache
def _links(prefix: str, static_url: str) -> dict[str, str]:
    # reverse() depends on the script prefix (a sub-path deployment), static() on STATIC_URL.
    out = {name: reverse(target) for name, target in NAMES.items()}
    out.update({name: static(path) for name, path in STATIC.items()})
    for name, template in FRAGMENTS.items():
        # Rendered by our template from our URLs, escaped there.
        out[name] = mark_safe(render_to_string(template, {"nav": out}).rstrip("\n"))
    return out


def nav(request: HttpRequest) -> dict[str, Any]:
    """``nav.<name>``: the frame's URLs, the same on every page, so not reversed per request;
    ``may_write``: whether the menu offers "New"; ``demo_accounts``: the accounts to try, shown
    on the login page of a demo server."""
    links = _links(get_script_prefix(), settings.STATIC_URL)
    may_write = access_of(getattr(request, "user", None)).may(Action.WRITE)
    return {"nav": links, "may_write": may_write, "demo_accounts": _demo_accounts()}


def _demo_accounts() -> list[tuple[str, str, str]]:
    conf = getattr(settings, "PM_SETTINGS", None)
    if conf is None or not getattr(conf, "demo", False):
        return []
    from postmortems.server.demo import DEMO_USERS

    return [(u.username, u.password, u.role) for u in DEMO_USERS if u.username in TRY]


TRY = ("demo", "priya")  # an author and a reviewer: enough to walk the review
