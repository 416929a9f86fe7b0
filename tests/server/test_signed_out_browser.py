"""In Chromium: a page whose session is deleted goes to the login page at its next background
(htmx) request, and back to itself after signing in; a page holding a note typed and not sent
stays, says so, and keeps the note. A background request the role no longer allows says why on
the page (htmx shows no 403 by itself), and the page stays signed in.

Screenshots (1280 px and a 390 px phone) go to ``PM_SHOTS_DIR`` when it is set.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connections
from playwright.sync_api import expect
from tests.server.conftest import (
    browser_login,
    needs_chromium,
    settled,
    shoot_desktop_and_phone,
)

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]


def _on_incident(browser: Any, base: str, make_user: Any) -> tuple[Any, str]:
    """alice (an author in team sre) signed in, on the page of an incident of sre she declared;
    and the page's address."""
    from django.utils import timezone

    from postmortems.server.incidents import services

    alice = make_user("alice", "author", team="sre")
    now = timezone.now()
    incident = services.declare("Checkout 502s", alice, team="sre", now=now - dt.timedelta(hours=1))
    connections.close_all()
    page = browser_login(browser, base, "alice", password="pw-alice")
    page.goto(f"{base}/incidents/{incident.key}/")
    return page, f"/incidents/{incident.key}/"


def _sign_in(page: Any) -> None:
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", "pw-alice")
    page.click("button[type=submit]")


def _end_session(page: Any) -> None:
    """The server forgets the browser's session (as an expiry or a log-out elsewhere does); the
    browser still sends its cookie."""
    from django.contrib.sessions.backends.cached_db import SessionStore

    cookie = next(c for c in page.context.cookies() if c["name"] == "sessionid")
    SessionStore(session_key=cookie["value"]).delete()
    connections.close_all()


def test_a_page_whose_session_is_deleted_goes_to_the_login_page_and_back(
    live_server: Any, browser: Any, make_user: Any
) -> None:
    base = live_server.url
    page, shown = _on_incident(browser, base, make_user)
    _end_session(page)
    page.wait_for_url(f"{base}/login/?next={shown}")  # at the live timeline's poll
    _sign_in(page)
    page.wait_for_url(f"{base}{shown}")


def test_a_page_holding_a_note_typed_stays_and_says_so(
    live_server: Any, browser: Any, make_user: Any
) -> None:
    base = live_server.url
    page, shown = _on_incident(browser, base, make_user)
    page.fill("#note-text", "Rolled back web-1; errors down to 1%")
    token_before = page.input_value("#record input[name=csrfmiddlewaretoken] >> nth=0")
    _end_session(page)
    with page.expect_response(lambda answer: answer.headers.get("hx-redirect") is not None):
        pass  # the live timeline's next poll
    alert = page.locator("#page-alert")
    expect(alert).to_contain_text("You are signed out")
    expect(alert).to_contain_text("sign in in another tab")
    assert page.url == f"{base}{shown}"
    assert page.input_value("#note-text") == "Rolled back web-1; errors down to 1%"
    shoot_desktop_and_phone(page, "incident-signed-out", "PM_SHOTS_DIR")

    other = page.context.new_page()  # signed in again in another tab: the note goes
    other.goto(f"{base}/login/")
    _sign_in(other)
    other.wait_for_url(f"{base}/")
    expect(alert).to_be_hidden(timeout=10_000)
    assert page.input_value("#note-text") == "Rolled back web-1; errors down to 1%"
    # The page took the new session's token: the note is sent, not refused as older than the
    # sign-in.
    page.wait_for_function(
        "t => document.querySelector('#record input[name=csrfmiddlewaretoken]').value !== t",
        arg=token_before,
    )
    page.click("#record button:has-text('Add note')")
    expect(page.locator("body")).to_contain_text("Rolled back web-1; errors down to 1%")
    assert "older than your sign-in" not in page.content()


def test_a_panel_s_request_the_role_refuses_says_why(
    live_server: Any, browser: Any, make_user: Any, make_pm: Any
) -> None:
    from postmortems.server.accounts.models import Membership

    alice = make_user("alice", "author", team="sre")
    make_pm("PM-T-1")
    connections.close_all()
    base = live_server.url
    page = browser_login(browser, base, "alice", password="pw-alice")
    page.goto(f"{base}/p/PM-T-1/")
    add = settled(page, "#factors form.factor-add button")  # the panel, loaded after the page
    Membership.objects.filter(user=alice).update(role="viewer")  # an admin lowers her role
    connections.close_all()
    add.click()
    alert = page.locator("#page-alert")
    expect(alert).to_have_text(
        "Not allowed: your role in this postmortem's teams cannot change it."
    )
    assert page.url == f"{base}/p/PM-T-1/"
    shoot_desktop_and_phone(page, "factor-refused", "PM_SHOTS_DIR")
