"""In Chromium on a 390 px phone, an incident commander resolves an open incident from the head
of its page: the note and the Resolve button are in the first screen, and Enter in the note
presses Resolve, with no script needed; the page comes back at the status change's
row, resolved, and offers Resolve no more.

Screenshots (1280 px and a 390 px phone) go to ``PM_SHOTS_DIR`` when it is set.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect
from tests.server.conftest import browser_login, needs_chromium, shoot_desktop_and_phone
from tests.server.test_incident_next_step_browser import _setup  # alice's open incident

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]

PHONE = {"width": 390, "height": 844}


def test_resolve_from_the_head_on_a_phone(live_server: Any, browser: Any) -> None:
    key, base = _setup(), live_server.url
    page = browser_login(browser, base, "alice", viewport=PHONE, java_script_enabled=False)
    page.goto(f"{base}/incidents/{key}/")
    resolve = page.get_by_role("button", name="Resolve", exact=True)
    box = resolve.bounding_box()
    assert box is not None
    assert box["y"] + box["height"] <= PHONE["height"]  # in the first screen, no scrolling
    assert box["height"] >= 36  # a finger's target
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    mitigated = page.get_by_role("button", name="Mitigated").bounding_box()
    assert mitigated is not None
    assert mitigated["y"] == box["y"]  # side by side under the note, each half the width
    assert mitigated["width"] > 150
    shoot_desktop_and_phone(page, "incident-head-open", "PM_SHOTS_DIR")
    page.set_viewport_size(PHONE)

    page.get_by_label("Note").first.fill("Certificate renewed; 502s gone")
    page.keyboard.press("Enter")  # Resolve is the form's first button: Enter presses it
    page.wait_for_url(f"{base}/incidents/{key}/#event-*")
    expect(page.locator(".pm-head strong.status")).to_have_text("resolved")
    row = page.locator("tr.status-change").last
    expect(row).to_contain_text("to resolved. Certificate renewed; 502s gone")
    expect(page.get_by_role("button", name="Resolve", exact=True)).to_have_count(0)
    expect(page.locator(".pm-head .next-step")).to_contain_text("Resolved, with no postmortem")
    shoot_desktop_and_phone(page, "incident-head-resolved", "PM_SHOTS_DIR")
