"""In Chromium: an incident declared on the form with services typed as a person types them
(``Checkout API``) shows them as service names, and a long one wraps inside its badge on a
390 px phone instead of widening the incident's page and the postmortem's.

Screenshots (1280 px and a 390 px phone) go to ``PM_SHOTS_DIR`` when it is set.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect
from tests.server.conftest import browser_login, needs_chromium, shoot_desktop_and_phone

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]

LONG = "payments/ledger-reconciliation-nightly-batch-exporter-eu-west-1"  # 63 characters
WIDE = "document.documentElement.scrollWidth"


def test_services_typed_on_the_form_are_names_and_long_ones_wrap_on_a_phone(
    live_server: Any, browser: Any, make_user: Any
) -> None:
    from django.db import connections

    make_user("alice", "author", team="sre")
    connections.close_all()  # the test's own connection, so PostgreSQL's test database can go
    base = live_server.url
    page = browser_login(browser, base, "alice", "pw-alice")
    page.goto(f"{base}/incidents/")
    page.fill("#declare-title", "Checkout 502s after the ledger export")
    page.fill("#declare-services", f"Checkout API, nginx, Orders DB, {LONG}")
    page.fill("#declare-team", "sre")
    page.uncheck("input[name=page]")
    page.click("form[action='/incidents/declare/'] button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("“Checkout API” as checkout-api")
    badges = page.locator(".labels .badge")
    expect(badges).to_have_text(["checkout-api", "nginx", "orders-db", LONG])
    page.set_viewport_size({"width": 390, "height": 900})
    assert page.evaluate(WIDE) <= 390
    shoot_desktop_and_phone(page, "incident-services", "PM_SHOTS_DIR")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(page.url.rstrip("/") + "/postmortem/")  # the postmortem drafted from its record
    page.locator("main form[method=post] button[type=submit]").last.click()
    page.wait_for_url(f"{base}/p/**")
    page.set_viewport_size({"width": 390, "height": 900})
    expect(page.locator(".labels .badge", has_text=LONG)).to_be_visible()
    assert page.evaluate(WIDE) <= 390
    shoot_desktop_and_phone(page, "postmortem-services", "PM_SHOTS_DIR")
