"""The library's filters on a phone: folded into a "Filters" disclosure saying how many are
set, so the first screen shows postmortems; open when a filter is set and on a wide screen.

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


@pytest.mark.django_db(transaction=True)
@needs_chromium
def test_a_phone_sees_postmortems_on_its_first_screen(
    live_server: Any, browser: Any, make_user: Any, make_pm: Any
) -> None:
    for n in range(3):
        make_pm(f"PM-F-{n}")
    make_user("ann", "viewer")
    connections.close_all()
    page = browser_login(browser, live_server.url, "ann", password="pw-ann")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/")
    summary = page.locator("details.filter-box > summary")
    assert summary.is_visible()
    assert not page.locator("select[name=status]").is_visible()
    first = page.locator("#content table.data tbody tr").first.bounding_box()
    assert first["y"] < PHONE["height"] * 0.6  # a postmortem on the first screen
    summary.click()
    page.select_option("select[name=severity]", "SEV2")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**severity=SEV2**")
    assert page.locator("select[name=severity]").is_visible()  # open: a filter is set
    assert "(1 set)" in summary.inner_text()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/")
    assert page.locator("select[name=status]").is_visible()  # a wide screen: open
    assert not summary.is_visible()
    shoot_desktop_and_phone(page, "library-filters", "PM_SHOTS_DIR")
