"""The server mounted under a sub-path (``script_name = "/pm"``), as behind a proxy, in Chromium.

Every link, form, stylesheet and script of the pages stays under /pm/; logging in, browsing to a
postmortem, a service, the live preview (htmx), a save, a workflow post and logging out all work.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest
from playwright.sync_api import expect
from tests.server.conftest import browser_login, doc_text, needs_chromium

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]

PREFIX = "/pm"


def _mounted(app: Callable[..., Iterable[bytes]]) -> Callable[..., Iterable[bytes]]:
    """What a proxy forwarding /pm/ does: SCRIPT_NAME=/pm, the rest of the path to the app."""

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if not path.startswith(PREFIX + "/"):
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"outside the mount point\n"]
        environ["SCRIPT_NAME"], environ["PATH_INFO"] = PREFIX, path[len(PREFIX) :]
        return app(environ, start_response)

    return wsgi


@pytest.fixture
def mounted_server(settings: Any) -> Iterator[str]:
    from django.core.handlers.wsgi import WSGIHandler

    from postmortems.server.config import ServerSettings
    from postmortems.server.djangoconf import django_settings

    derived = django_settings(ServerSettings(script_name=PREFIX, secret_key="x"))
    settings.FORCE_SCRIPT_NAME = derived["FORCE_SCRIPT_NAME"]
    settings.STATIC_URL = derived["STATIC_URL"]
    settings.SESSION_COOKIE_PATH = derived["SESSION_COOKIE_PATH"]
    settings.CSRF_COOKIE_PATH = derived["CSRF_COOKIE_PATH"]
    settings.SESSION_COOKIE_NAME = derived["SESSION_COOKIE_NAME"]
    settings.CSRF_COOKIE_NAME = derived["CSRF_COOKIE_NAME"]
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.db import connections

    class Quiet(WSGIRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), Quiet, allow_reuse_address=False)
    server.set_app(_mounted(WSGIHandler()))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"
    finally:
        server.shutdown()
        server.server_close()
        connections.close_all()


def _setup() -> None:
    from django.contrib.auth import get_user_model
    from django.db import connections

    from postmortems.server.accounts.models import Membership, Team
    from postmortems.server.library import store

    user = get_user_model().objects.create_user("alice", password="pw-alice-123")
    team, _ = Team.objects.get_or_create(slug="sre", defaults={"name": "SRE"})
    Membership.objects.create(user=user, team=team, role="author")
    store.save(doc_text("PM-SUB"), user)
    connections.close_all()


LINKS = """() => [
  ...[...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href')),
  ...[...document.querySelectorAll('form[action]')].map(f => f.getAttribute('action')),
  ...[...document.querySelectorAll('link[href], script[src]')].map(
      e => e.getAttribute('href') || e.getAttribute('src')),
  ...[...document.querySelectorAll('[hx-post], [hx-get]')].map(
      e => e.getAttribute('hx-post') || e.getAttribute('hx-get')),
]"""


def _outside(page: Any) -> list[str]:
    """Links of the page that leave the mount point (site paths not under /pm/)."""
    return [u for u in page.evaluate(LINKS) if u.startswith("/") and not u.startswith("/pm/")]


def test_every_page_works_under_a_sub_path(mounted_server: str, browser: Any) -> None:
    base = mounted_server
    _setup()
    page = browser_login(browser, base, "alice")  # the login form posts under /pm/ too
    assert _outside(page) == []
    # The cookies are the sub-path's: the host's other applications never receive the session.
    # (under names of their own: a `sessionid` of another app, or of this one before it moved
    # under /pm/, at path /, is never read for ours)
    paths = {c["name"]: c["path"] for c in page.context.cookies()}
    assert paths == {"pm_session": "/pm/", "pm_csrftoken": "/pm/"}
    assert page.evaluate("() => typeof window.htmx") == "object"  # the script loaded
    assert page.evaluate("() => document.styleSheets.length") >= 2

    page.click("a:has-text('Checkout API returned 502s')")
    page.wait_for_url(f"{base}/p/PM-SUB/")
    assert _outside(page) == []
    page.click("a.badge:has-text('checkout-api')")
    page.wait_for_url(f"{base}/services/checkout-api/")
    assert _outside(page) == []

    pages = ("/services/", "/tags/", "/actions/", "/insights/", "/tokens/", "/p/PM-SUB/revisions/")
    for path in pages:
        page.goto(base + path)
        assert _outside(page) == [], path

    page.goto(f"{base}/p/PM-SUB/")
    page.click("a:has-text('Edit')")
    page.wait_for_url(f"{base}/p/PM-SUB/edit/")
    assert _outside(page) == []
    page.locator("#side #findings, #side .preview, #side article").first.wait_for()
    page.fill("#text", page.input_value("#text").replace("We renewed it.", "We renewed it today."))
    page.click("#save")
    page.wait_for_url(f"{base}/p/PM-SUB/")
    assert "revision 2" in page.content()

    page.fill("textarea[name=text]", "Is the renewal monitored?")
    page.click("button:has-text('Comment')")
    thread = page.locator(".thread", has_text="Is the renewal monitored?")
    thread.wait_for()  # the page opens at the thread, under /pm/ too
    expect(page).to_have_url(f"{base}/p/PM-SUB/#{thread.get_attribute('id')}")
    assert thread.count() == 1

    page.click("button:has-text('log out')")
    page.wait_for_url(f"{base}/login/")
