"""The library's filters on a phone (the list and the search page): folded into a "Filters"
disclosure saying how many are set, so the first screen shows postmortems; open when a filter
is set and on a wide screen.

Screenshots (1280 px and a 390 px phone) go to ``PM_SHOTS_DIR`` when it is set.
"""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.db import connections
from django.test import Client
from tests.server.conftest import browser_login, needs_chromium, shoot_desktop_and_phone

PHONE = {"width": 390, "height": 844}


def _box(client: Client, query: str = "", path: str = "/") -> Any:
    page = BeautifulSoup(client.get(path + query).content, "html.parser")
    return page.select_one("form.filters details.filter-box")


@pytest.mark.django_db
def test_the_filters_open_when_one_is_set_and_say_how_many(make_user: Any, make_pm: Any) -> None:
    """Without a script too: the page itself says open or folded, and the count."""
    make_pm("PM-F-1")  # of services checkout-api and nginx
    me = Client()
    me.force_login(make_user("carol", "viewer"))
    folded = _box(me)
    assert folded is not None
    assert not folded.has_attr("open")
    assert folded.summary.get_text(" ", strip=True) == "Filters"
    assert folded.select_one("select[name=status]") is not None  # the fields are in it
    set_two = _box(me, "?severity=SEV2&since=2024-01-01")
    assert set_two.has_attr("open")
    assert set_two.summary.get_text(" ", strip=True) == "Filters (2 set)"
    assert _box(me, "?sort=oldest").has_attr("open")  # no filter, but a chosen order
    assert _box(me, "?since=not-a-date").has_attr("open")  # a refusal is shown beside it
    service = _box(me, path="/services/checkout-api/")
    assert not service.has_attr("open")  # the page's own service is no filter set
    assert service.summary.get_text(" ", strip=True) == "Filters"


def folded_on_a_phone(
    live_server: Any, browser: Any, make_user: Any, make_pm: Any, path: str
) -> Any:
    """A viewer's phone on ``path`` of a library of three postmortems: the filters folded."""
    for n in range(3):
        make_pm(f"PM-F-{n}")
    make_user("ann", "viewer")
    connections.close_all()
    page = browser_login(browser, live_server.url, "ann", password="pw-ann")
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + path)
    assert page.locator("details.filter-box > summary").is_visible()
    assert not page.locator("select[name=status]").is_visible()
    return page


def set_one_then_widen(page: Any, button: str, url: str) -> None:
    """On the phone: open the filters, set the severity with ``button``: they stay open saying
    so; then on a wide screen at ``url``, open without their summary."""
    summary = page.locator("details.filter-box > summary")
    summary.click()
    page.select_option("select[name=severity]", "SEV2")
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_url("**severity=SEV2**")
    assert page.locator("select[name=severity]").is_visible()  # open: a filter is set
    assert "(1 set)" in summary.inner_text()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(url)
    assert page.locator("select[name=status]").is_visible()  # a wide screen: open
    assert not summary.is_visible()


# The library's list, and the search page (the words and Search stay outside the fold).
PAGES = [
    ("/", "#content table.data tbody tr", "Apply", "library-filters"),
    (
        "/search/?q=certificate",
        ".found-postmortems .search-results > li",
        "Search",
        "search-filters",
    ),
]


@pytest.mark.django_db(transaction=True)
@needs_chromium
@pytest.mark.parametrize(("path", "row", "button", "shot"), PAGES)
def test_a_phone_sees_postmortems_on_its_first_screen(
    live_server: Any,
    browser: Any,
    make_user: Any,
    make_pm: Any,
    path: str,
    row: str,
    button: str,
    shot: str,
) -> None:
    page = folded_on_a_phone(live_server, browser, make_user, make_pm, path)
    # the list's Apply is in the fold; the search page's Search stays beside the words
    assert page.get_by_role("button", name=button, exact=True).is_visible() == (button == "Search")
    first = page.locator(row).first.bounding_box()
    assert first["y"] < PHONE["height"] * 0.6  # a postmortem on the first screen
    set_one_then_widen(page, button, live_server.url + path)
    shoot_desktop_and_phone(page, shot, "PM_SHOTS_DIR")
    page.goto(f"{live_server.url}{path}{'&' if '?' in path else '?'}severity=SEV2")
    assert page.locator(row).count() == 3  # the filter applies: all three are SEV2
