"""In Chromium, the page frame's header on a 390 px phone: a strip, not a fifth of the screen
(brand, search and who you are on one line, the menu on the next as one row that scrolls
sideways), with every link of the menu still within reach, on every main page.

Screenshots (1280 px and a 390 px phone) go to ``PM_SHOTS_DIR`` when it is set."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connections
from playwright.sync_api import expect
from tests.server.conftest import browser_login, needs_chromium, shoot_desktop_and_phone

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]

PAGES = (
    "/",
    "/p/PM-T-1/",
    "/p/PM-T-1/edit/",
    "/inbox/",
    "/incidents/",
    "/services/",
    "/actions/",
    "/insights/",
    "/oncall/",
    "/tokens/",
    "/teams/",
    "/search/?q=certificate",
)

# Each menu link, brought into the row as a swipe would, is the element a tap at its middle hits.
REACHABLE_JS = """() => Array.from(document.querySelectorAll('header nav a')).map(a => {
  a.scrollIntoView({inline: 'nearest', block: 'nearest'});
  const r = a.getBoundingClientRect();
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return [a.textContent.trim(), a === hit || a.contains(hit)];
})"""


def _header_height(page: Any) -> float:
    return float(page.locator("header.top").bounding_box()["height"])


def test_on_a_phone_the_header_is_a_strip_and_every_menu_link_is_in_reach(
    live_server: Any, browser: Any, make_user: Any, make_pm: Any
) -> None:
    make_user("ann", "author", team="sre")
    make_pm("PM-T-1", teams="sre")
    connections.close_all()
    base = live_server.url
    page = browser_login(browser, base, "ann", password="pw-ann")
    for path in PAGES:
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(base + path)
        height = _header_height(page)
        assert height < 100, (path, height)  # it took 188 px: three lines of links and a search
        width = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
        assert width[0] <= width[1], (path, width)  # the row scrolls, never the page
        links = page.evaluate(REACHABLE_JS)
        assert len(links) >= 11, path
        assert [name for name, hit in links if not hit] == [], path
        page.set_viewport_size({"width": 1280, "height": 900})
        assert _header_height(page) < 100, path  # no taller on a desktop than it was
    shoot_desktop_and_phone(page, "header-insights", "PM_SHOTS_DIR")


def test_on_a_phone_the_menu_shows_the_page_you_are_on(
    live_server: Any, browser: Any, make_user: Any
) -> None:
    """The menu row is wider than a phone: a tap on a link at its far end opens that page, and
    the row there starts scrolled to it, so you see where you are."""
    make_user("ann", "author", team="sre")
    connections.close_all()
    base = live_server.url
    page = browser_login(
        browser, base, "ann", password="pw-ann", viewport={"width": 390, "height": 844}
    )
    nav = page.locator("header nav")
    assert nav.evaluate("n => n.scrollWidth > n.clientWidth")  # more than one screen's width
    page.locator("header nav a", has_text="Teams").click()
    page.wait_for_url(f"{base}/teams/")
    current = page.locator("header nav a[aria-current=page]")
    expect(current).to_have_text("Teams")
    expect(current).to_be_in_viewport(ratio=1)
