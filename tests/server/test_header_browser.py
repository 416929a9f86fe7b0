"""In Chromium, the page frame's header on a 390 px phone: a strip, not a fifth of the screen
(the brand, the Menu button and who you are on one line, the search box the whole width under
them), whose Menu opens every link of the menu on the screen, none a sideways swipe away, on
every main page; the keyboard opens and closes it; a desktop keeps its menu in one row.

Screenshots (1280 px and a 390 px phone) go to ``PM_SHOTS_DIR`` when it is set."""

from __future__ import annotations

import os
from pathlib import Path
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
MENU = (
    "Library",
    "Inbox",
    "Incidents",
    "Services",
    "Tags",
    "New",
    "Action items",
    "Insights",
    "On-call",
    "API tokens",
    "Teams",
    "API",
    "Admin",
)

# Each menu link as it is, unscrolled: inside the screen's width and the element a tap at its
# middle hits.
IN_SIGHT_JS = """() => Array.from(document.querySelectorAll('header nav a')).map(a => {
  const r = a.getBoundingClientRect();
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  const inside = r.width > 0 && r.left >= 0 && r.right <= innerWidth;
  return [a.textContent.trim(), inside && (a === hit || a.contains(hit))];
})"""
WIDTHS_JS = "[document.documentElement.scrollWidth, innerWidth]"


def _header_height(page: Any) -> float:
    return float(page.locator("header.top").bounding_box()["height"])


def _open_menu(page: Any) -> None:
    page.locator("header .menu-toggle summary").click()
    expect(page.locator("header .menu-toggle")).to_have_attribute("open", "")


def test_on_a_phone_every_menu_link_is_on_the_screen_without_a_sideways_scroll(
    live_server: Any, browser: Any, make_user: Any, make_pm: Any
) -> None:
    make_user("ann", "author", team="sre", superuser=True)
    make_pm("PM-T-1", teams="sre")
    connections.close_all()
    base = live_server.url
    page = browser_login(browser, base, "ann", password="pw-ann")
    for path in PAGES:
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(base + path)
        height = _header_height(page)
        assert height < 100, (path, height)  # it took 188 px: three lines of links and a search
        assert page.locator("header nav").is_hidden(), path  # folded under its button
        width = page.evaluate(WIDTHS_JS)
        assert width[0] <= width[1], (path, width)
        _open_menu(page)
        links = page.evaluate(IN_SIGHT_JS)
        assert [name for name, _ in links] == list(MENU), path
        assert [name for name, seen in links if not seen] == [], path
        width = page.evaluate(WIDTHS_JS)
        assert width[0] <= width[1], (path, width)  # the open menu does not widen the page
        assert _header_height(page) < 400, path  # two columns of links, not a column of 13
        # A desktop: no button, the menu in one row under the search box, all of it in sight.
        page.set_viewport_size({"width": 1366, "height": 900})
        assert page.locator("header .menu-toggle").is_hidden(), path
        assert _header_height(page) < 100, path  # no taller on a desktop than it was
        tops = {
            round(box["y"])
            for box in page.locator("header nav a").evaluate_all(
                "links => links.map(a => a.getBoundingClientRect().toJSON())"
            )
        }
        assert len(tops) == 1, (path, tops)
        assert [name for name, seen in page.evaluate(IN_SIGHT_JS) if not seen] == [], path
    shoot_desktop_and_phone(page, "header-insights", "PM_SHOTS_DIR")


def test_on_a_phone_the_menu_opens_from_the_keyboard_and_shows_the_page_you_are_on(
    live_server: Any, browser: Any, make_user: Any
) -> None:
    """Tab reaches the Menu button after the brand; Enter opens it, Tab goes on to its links,
    each with the focus ring in sight; Escape closes it and the focus is back on the button.
    The page you are on is marked in it (aria-current), also for the links at its end."""
    make_user("ann", "author", team="sre")
    connections.close_all()
    base = live_server.url
    page = browser_login(
        browser, base, "ann", password="pw-ann", viewport={"width": 390, "height": 844}
    )
    page.goto(f"{base}/teams/")
    summary = page.locator("header .menu-toggle summary")
    for _ in range(3):  # the skip link, the brand, the Menu button
        page.keyboard.press("Tab")
    expect(summary).to_be_focused()
    expect(summary).to_have_accessible_name("Menu")
    assert summary.evaluate("s => getComputedStyle(s).outlineStyle") != "none"
    page.keyboard.press("Enter")
    expect(page.locator("header nav")).to_be_visible()
    page.keyboard.press("Tab")
    first = page.locator("header nav a").first
    expect(first).to_be_focused()
    expect(first).to_have_text("Library")
    assert first.evaluate("a => getComputedStyle(a).outlineStyle") == "solid"  # focus visible
    current = page.locator("header nav a[aria-current=page]")
    expect(current).to_have_text("Teams")
    expect(current).to_be_in_viewport(ratio=1)
    page.keyboard.press("Escape")
    expect(page.locator("header nav")).to_be_hidden()
    expect(summary).to_be_focused()
    # A tap on a link opens its page, with the menu folded again.
    _open_menu(page)
    page.locator("header nav a", has_text="On-call").click()
    page.wait_for_url(f"{base}/oncall/")
    expect(page.locator("header nav")).to_be_hidden()
    _open_menu(page)
    expect(page.locator("header nav a[aria-current=page]")).to_have_text("On-call")


# Where each part of the header is: the brand, each menu link, the search box, who you are.
PARTS_JS = """() => Array.from(document.querySelectorAll(
  'header.top > .brand, header nav a, header.top > .search, header.top > .who'
)).map(e => { const r = e.getBoundingClientRect();
  return [e.className || e.textContent.trim(), r.top + r.height / 2, r.right]; })"""


@pytest.mark.parametrize("name", ["ann", "alexandra.konstantinou"])
def test_a_staff_users_header_is_one_line_on_a_wide_desktop(
    live_server: Any, browser: Any, make_user: Any, name: str
) -> None:
    """13 links, the search box and who you are on one line from 1425 px (it pushed who you are
    onto a line of its own up to 1480 px); a long user name is cut there, whole in its tooltip;
    narrower, the menu folds onto a row of its own, who you are still on the first."""
    make_user(name, "author", team="sre", superuser=True)
    connections.close_all()
    page = browser_login(browser, live_server.url, name, password=f"pw-{name}")
    page.goto(f"{live_server.url}/insights/")
    for width in (1425, 1440, 1480, 1920):
        page.set_viewport_size({"width": width, "height": 900})
        parts = page.evaluate(PARTS_JS)
        assert len(parts) == 16, parts  # the brand, 13 links, the search box, who you are
        middles = {round(middle) for _, middle, _ in parts}
        assert max(middles) - min(middles) <= 4, (width, parts)  # one line
        assert max(right for _, _, right in parts) <= width, (width, parts)  # none cut off
        assert _header_height(page) < 60, width
        expect(page.locator("header .who .name")).to_have_attribute("title", name)
    page.set_viewport_size({"width": 1366, "height": 900})
    brand, *_, who = page.evaluate(PARTS_JS)
    assert abs(brand[1] - who[1]) <= 4  # folded: who you are beside the brand, the menu under
    expect(page.locator("header .who .name")).to_have_text(name)  # whole: there is room
    folder = os.environ.get("PM_SHOTS_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        for width in (1366, 1440, 1480, 1920, 390):
            page.set_viewport_size({"width": width, "height": 900})
            box = {"x": 0, "y": 0, "width": width, "height": 140}
            page.screenshot(path=f"{folder}/header-staff-{len(name)}-{width}.png", clip=box)
