"""In Chromium, forms laid out as a user reads them: the incident declaration's title field wide
enough for a sentence (not a filter's 9.5rem), and the "Page now" button level with the fields
of the policy's paging form (not with their labels), the pages list stacked on a phone.

Screenshots (1280 px and a 390 px phone) go to ``PM_SHOTS_DIR`` when it is set.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connections
from tests.server.conftest import browser_login, needs_chromium, shoot_desktop_and_phone

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]

REM = 16  # px: the pages' root font size


@pytest.mark.parametrize("width", [1280, 390])
def test_the_declared_title_has_room_for_a_sentence(
    live_server: Any, browser: Any, make_user: Any, width: int
) -> None:
    make_user("ann", "author", team="sre")
    connections.close_all()
    page = browser_login(browser, live_server.url, "ann", password="pw-ann")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/incidents/")
    title = page.locator("#declare-title").bounding_box()
    team = page.locator("#declare-team").bounding_box()
    assert title["width"] >= min(16 * REM, width - 2 * REM), title
    assert title["width"] > team["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    if width == 1280:
        shoot_desktop_and_phone(page, "incidents-declare", "PM_SHOTS_DIR")


def test_the_page_now_button_is_level_with_its_fields(
    live_server: Any, browser: Any, make_user: Any
) -> None:
    """And on a phone the pages list stacks each page, as the incidents list does, instead of
    squeezing six columns into a box that scrolls sideways."""
    from django.utils import timezone

    from postmortems.server.oncall import paging
    from postmortems.server.oncall.models import Policy, Step

    make_user("ann", "author", team="sre")
    policy = Policy.objects.create(name="web-page", team="sre")
    Step.objects.create(
        policy=policy,
        targets=[{"kind": "user", "name": "ann"}],
        delay=dt.timedelta(minutes=5),
    )
    summary = "Checkout 502s on every request from eu-west"
    paging.open_page(policy, summary=summary, incident_key="INC-2026-0042", now=timezone.now())
    connections.close_all()
    page = browser_login(browser, live_server.url, "ann", password="pw-ann")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/oncall/pages/")
    wrap = page.locator(".table-wrap:has(table.pages)")
    assert wrap.evaluate("w => w.scrollWidth - w.clientWidth") <= 0
    assert page.get_by_role("link", name=summary).bounding_box()["height"] < 3 * REM
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/oncall/pages/")
    form = page.locator("#policy-web-page form")
    field = form.locator("input[name=summary]").bounding_box()
    button = form.get_by_role("button", name="Page now").bounding_box()
    assert abs((field["y"] + field["height"]) - (button["y"] + button["height"])) <= 2
    shoot_desktop_and_phone(page, "oncall-page-now", "PM_SHOTS_DIR")


def test_the_workload_button_is_level_with_its_fields(
    live_server: Any, browser: Any, make_user: Any
) -> None:
    make_user("ann", "viewer", team="sre")
    connections.close_all()
    page = browser_login(browser, live_server.url, "ann", password="pw-ann")
    page.goto(f"{live_server.url}/oncall/workload/")
    form = page.locator("form.filters")
    zone = form.locator("input[name=zone]").bounding_box()
    button = form.get_by_role("button", name="Show").bounding_box()
    assert abs((zone["y"] + zone["height"]) - (button["y"] + button["height"])) <= 2
