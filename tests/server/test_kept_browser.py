"""In Chromium: a refused declaration and a refused status change come back with what was typed;
a viewer sees the policies without the page-by-hand form.

Screenshots (1280 px and a 390 px phone) go to ``PM_SHOTS_DIR`` when it is set.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connections
from tests.server.conftest import browser_login, needs_chromium, shoot_desktop_and_phone

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]


def test_refusals_keep_what_was_typed(live_server: Any, browser: Any, make_user: Any) -> None:
    from oncall_fixtures import apply, policy

    make_user("alice", "viewer", team="sre")
    make_user("bob", "viewer", team="sre")
    make_user("ann", "author", team="sre")
    make_user("vic", "viewer", team="sre")
    apply(policies=(policy(),))
    connections.close_all()
    base = live_server.url

    page = browser_login(browser, base, "ann", password="pw-ann")
    page.goto(f"{base}/incidents/")
    declare = "form[action$='/incidents/declare/']"
    page.fill(f"{declare} input[name=title]", "Checkout writes fail")
    page.fill(f"{declare} input[name=team]", "sre")
    page.fill(f"{declare} input[name=timezone]", "Europe/Berln")
    page.click(f"{declare} button[type=submit]")
    page.locator("#declare-timezone-error").wait_for()  # the list again, the error beside the zone
    assert "Europe/Berln" in page.locator(".messages, .message, [role=alert]").first.inner_text()
    assert page.input_value(f"{declare} input[name=title]") == "Checkout writes fail"
    assert page.input_value(f"{declare} input[name=team]") == "sre"
    shoot_desktop_and_phone(page, "declare-refused", "PM_SHOTS_DIR")

    page.fill(f"{declare} input[name=timezone]", "Europe/Berlin")
    page.click(f"{declare} button[type=submit]")
    page.wait_for_url(f"{base}/incidents/INC-*/")
    page.click("details.mark-duplicate summary")
    duplicate = "form[action$='/duplicate/']"
    page.fill(f"{duplicate} input[name=why]", "same as yesterday's")
    page.fill(f"{duplicate} input[name=duplicate_of]", "INC-1999-0009")
    page.click(f"{duplicate} button[type=submit]")
    page.wait_for_load_state()
    assert page.input_value(f"{duplicate} input[name=why]") == "same as yesterday's"
    assert page.locator(f"{duplicate} #duplicate-error").is_visible()  # its details opened
    shoot_desktop_and_phone(page, "status-refused", "PM_SHOTS_DIR")

    viewer = browser_login(browser, base, "vic", password="pw-vic")
    viewer.goto(f"{base}/oncall/pages/")
    assert viewer.locator("input[name=summary]").count() == 0
    assert "needs the author role in team sre" in viewer.content()
    shoot_desktop_and_phone(viewer, "pages-viewer", "PM_SHOTS_DIR")
