"""In Chromium: the editor loses nothing when its session ends or its CSRF token goes stale.

1. The session expires while editing (the ``sessionid`` cookie goes): the next background check
   says "You are signed out" at once, Save sends nothing, and the text typed after the expiry
   is offered back by the editor opened again after signing in.
2. Log out and in again in another tab: the editor says so while signed out, then takes the
   new token and its Save goes through with everything typed.
3. A post with the stale token that skips the editor's own check gets the site's page, which
   shows the text back to copy (not Django's bare 403).

Screenshots (1280 px and a 390 px phone) go to ``PM_SHOTS_DIR`` when it is set.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connections
from playwright.sync_api import expect
from tests.server.conftest import browser_login, needs_chromium, shoot_desktop_and_phone

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]


def _stored_text(key: str) -> str:
    from postmortems.server.library.models import Postmortem

    try:
        return Postmortem.objects.get(key=key).text
    finally:
        connections.close_all()


def _typed(page: Any, text: str) -> None:
    """Type ``text`` into the editor and wait for its check (and draft) to be answered."""
    with page.expect_response(lambda answer: "/preview/" in answer.url):
        page.fill("#text", text)


def _sign_in(page: Any, base: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", "ann")
    page.fill("input[name=password]", "pw-ann")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


_KEPT = "Object.keys(localStorage).filter(k => k.startsWith('pm-editor:'))"


def _editing(browser: Any, base: str, make_user: Any, make_pm: Any) -> tuple[Any, str]:
    """ann in the editor of PM-T-1, a first edit typed and kept as a draft."""
    make_user("ann", "author", team="sre")
    make_pm("PM-T-1")
    connections.close_all()
    page = browser_login(browser, base, "ann", password="pw-ann")
    with page.expect_response(lambda answer: "/preview/" in answer.url):
        page.goto(f"{base}/p/PM-T-1/edit/")
    first = page.input_value("#text").replace("We renewed it.", "We renewed it. FIRST")
    _typed(page, first)
    return page, first


def _logged_out_in_another_tab(page: Any, base: str) -> Any:
    """A second tab of the same browser, in which ann logs out."""
    other = page.context.new_page()
    other.goto(f"{base}/")
    assert other.evaluate(_KEPT)  # the first edit, kept in this browser
    other.click("header .who button")  # log out
    other.wait_for_url(f"{base}/login/")
    assert other.evaluate(_KEPT) == []  # a log-out forgets them (a shared computer)
    return other


def test_an_expired_session_keeps_the_text_typed_after_it(
    live_server: Any, browser: Any, make_user: Any, make_pm: Any
) -> None:
    base = live_server.url
    page, first = _editing(browser, base, make_user, make_pm)
    kept = [c for c in page.context.cookies() if c["name"] != "sessionid"]
    page.context.clear_cookies()
    page.context.add_cookies(kept)  # what an expiry looks like to the browser

    second = first.replace("FIRST", "FIRST SECOND")
    _typed(page, second)
    alert = page.locator("#session-alert")
    expect(alert).to_contain_text("You are signed out: sign in in another tab, then press Save")
    expect(page.locator("#draft-note")).to_have_text("Not saved on the server.")
    page.click("#save")  # asks first: nothing is sent, the page and its text stay
    expect(alert).to_contain_text("your text is kept in this browser")
    assert page.url == f"{base}/p/PM-T-1/edit/"
    assert page.input_value("#text") == second
    shoot_desktop_and_phone(page, "editor-signed-out", "PM_SHOTS_DIR")

    # Signed in again, the editor opened anew restores the server's draft (the first edit)
    # and offers the browser's copy, which holds the second.
    other = page.context.new_page()
    _sign_in(other, base)
    other.goto(f"{base}/p/PM-T-1/edit/")
    offer = other.locator("#kept-offer")
    expect(offer).to_be_visible()
    assert "FIRST" in other.input_value("#text")
    assert "SECOND" not in other.input_value("#text")
    assert "FIRST SECOND" in other.input_value("#kept-text")
    shoot_desktop_and_phone(other, "editor-kept-offer", "PM_SHOTS_DIR")
    other.click("#kept-restore")
    expect(offer).to_be_hidden()
    assert "FIRST SECOND" in other.input_value("#text")
    other.click("#save")
    other.wait_for_url(f"{base}/p/PM-T-1/")
    assert "We renewed it. FIRST SECOND" in _stored_text("PM-T-1")

    # Saved: the browser forgot its copies, and the editor offers nothing more.
    other.goto(f"{base}/p/PM-T-1/edit/")
    expect(other.locator("#kept-offer")).to_be_hidden()
    assert other.evaluate(_KEPT) == []


def test_signing_out_and_in_again_in_another_tab_loses_nothing(
    live_server: Any, browser: Any, make_user: Any, make_pm: Any
) -> None:
    base = live_server.url
    page, first = _editing(browser, base, make_user, make_pm)
    other = _logged_out_in_another_tab(page, base)

    second = first.replace("FIRST", "FIRST SECOND")
    _typed(page, second)
    expect(page.locator("#session-alert")).to_contain_text("You are signed out")

    _sign_in(other, base)  # a new CSRF token for the browser: the editor page's is refused
    third = second.replace("SECOND", "SECOND THIRD")
    page.fill("#text", third)
    page.click("#save")  # the editor takes the new token (the same person signed in) and saves
    page.wait_for_url(f"{base}/p/PM-T-1/")
    assert "We renewed it. FIRST SECOND THIRD" in _stored_text("PM-T-1")


def test_a_refused_csrf_token_shows_the_text_back(
    live_server: Any, browser: Any, make_user: Any, make_pm: Any
) -> None:
    base = live_server.url
    page, first = _editing(browser, base, make_user, make_pm)
    other = _logged_out_in_another_tab(page, base)
    _sign_in(other, base)

    second = first.replace("FIRST", "FIRST SECOND")
    page.fill("#text", second)
    # A post that skips the editor's check (form.submit() fires no submit event).
    with page.expect_navigation():
        page.evaluate("document.getElementById('editor-form').submit()")
    assert page.locator("h1").inner_text() == "Not saved: the page is older than your sign-in"
    assert "Open the page again" in page.inner_text("#refusal")
    shown = page.locator("label.kept textarea").first
    assert "FIRST SECOND" in shown.input_value()
    assert shown.get_attribute("readonly") is not None
    assert "CSRF verification failed" not in page.content()
    shoot_desktop_and_phone(page, "csrf-refused", "PM_SHOTS_DIR")

    # Back in the editor (signed in), the copy this browser kept is offered.
    page.click("text=Back to the page")
    expect(page.locator("#kept-offer")).to_be_visible()
    assert "FIRST SECOND" in page.input_value("#kept-text")


def test_an_editor_sent_to_the_login_page_stays_with_its_text(
    live_server: Any, browser: Any, make_user: Any, make_pm: Any
) -> None:
    """A check carrying no writing (the text emptied) is answered like any htmx request of
    someone signed out, with HX-Redirect: the editor does not follow it."""
    base = live_server.url
    page, _ = _editing(browser, base, make_user, make_pm)
    page.context.clear_cookies()
    with page.expect_response(lambda answer: answer.headers.get("hx-redirect") is not None):
        page.fill("#text", "")
    expect(page.locator("#session-alert")).to_contain_text("You are signed out")
    page.fill("#text", "Nothing lost")
    page.wait_for_timeout(1000)  # the next check: refused in words (it carries writing)
    assert page.url == f"{base}/p/PM-T-1/edit/"
    assert page.input_value("#text") == "Nothing lost"


_DAY = 864e5


def _keep(page: Any, name: str, text: str, days_ago: float) -> None:
    """A copy the editor kept as ``name``, last typed into ``days_ago`` days ago."""
    page.evaluate(
        "([name, text, ago]) => localStorage.setItem(name, JSON.stringify("
        "{text: text, base: '1', at: Date.now() - ago}))",
        [name, text, days_ago * _DAY],
    )


def test_the_kept_copies_are_the_signed_in_person_s_and_expire(
    live_server: Any, browser: Any, make_user: Any, make_pm: Any
) -> None:
    base = live_server.url
    page, _ = _editing(browser, base, make_user, make_pm)  # ann's copy of her first edit
    make_user("bob", "author", team="sre")
    connections.close_all()
    _keep(page, "pm-editor:ann:PM-T-1:0ld", "We renewed it. FIFTEEN DAYS OLD", 15)
    _keep(page, "pm-editor:ann:PM-T-1:12ce", "We renewed it. THIRTEEN DAYS OLD", 13)
    _keep(page, "pm-editor:bob:PM-T-1:b0b", "We renewed it. BOB'S", 0)

    with page.expect_response(lambda answer: "/preview/" in answer.url):
        page.goto(f"{base}/p/PM-T-1/edit/")
    kept = page.evaluate(_KEPT)
    assert "pm-editor:ann:PM-T-1:12ce" in kept
    assert "pm-editor:ann:PM-T-1:0ld" not in kept  # typed into over 14 days ago
    assert not [name for name in kept if name.startswith("pm-editor:bob:")]  # not ann's
    # (her first edit, the server's draft the editor opens with, is no copy to offer)
    expect(page.locator("#kept-offer")).to_be_visible()
    assert "THIRTEEN DAYS OLD" in page.input_value("#kept-text")

    # ann's session ends without a log-out; bob signs in at the same computer.
    page.fill("#text", page.input_value("#text") + " ANN'S UNSAVED")
    assert [name for name in page.evaluate(_KEPT) if name.startswith("pm-editor:ann:")]
    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", "bob")
    page.fill("input[name=password]", "pw-bob")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    assert page.evaluate(_KEPT) == []  # ann's copies are gone: bob cannot find them
    with page.expect_response(lambda answer: "/preview/" in answer.url):
        page.goto(f"{base}/p/PM-T-1/edit/")
    expect(page.locator("#kept-offer")).to_be_hidden()
    assert "ANN'S UNSAVED" not in page.content()
