"""In Chromium: from the alert inbox, open an incident from one alert (the declare form filled in
from it, changed, then the incident with the alert on its timeline), dismiss another with a
reason, find it in the Dismissed list and undo that; on a 390 px phone the row's actions fit.

Screenshots (1280 px and a 390 px phone; the incident's "Declared from" at 1366 and 390 px) go
to ``PM_SHOTS_DIR`` when it is set.
"""

from __future__ import annotations

import os
import re
from typing import Any

import pytest
from django.test import Client
from tests.server.conftest import browser_login, needs_chromium, shoot_desktop_and_phone
from tests.server.incident_fixtures import am_alert, am_payload, integration, post

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]


def _setup() -> None:
    """alice (an author of team sre), an open incident of the team, and two warnings of the
    team's Alertmanager in the inbox."""
    from django.contrib.auth import get_user_model
    from django.db import connections
    from django.utils import timezone

    from postmortems.server.accounts.models import set_role
    from postmortems.server.incidents import services

    alice = get_user_model().objects.create_user("alice", password="pw-alice-123")
    set_role(alice, "sre", "author")
    integ, secret = integration("prod", team="sre", timezone="Europe/Berlin")
    disk = am_alert("disk", severity="warning", service="postgres", starts="2026-03-01T09:58:00Z")
    disk["annotations"]["summary"] = "Disk above 85% on db-2"
    lag = am_alert("lag", severity="warning", service="search", starts="2026-03-01T10:05:00Z")
    lag["annotations"]["summary"] = "Search indexer 6 minutes behind"
    for group, alert in (("d", disk), ("l", lag)):
        assert post(Client(), integ, secret, am_payload(group, alert)).status_code == 200
    services.declare("Checkout errors", alice, team="sre", now=timezone.now())  # to attach to
    connections.close_all()


def test_open_an_incident_from_an_alert_and_dismiss_then_undo_another(
    live_server: Any, browser: Any
) -> None:
    from playwright.sync_api import expect

    _setup()
    base = live_server.url
    page = browser_login(browser, base, "alice")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/incidents/")
    page.get_by_role("link", name="Alert inbox").click()
    disk = page.locator("table.inbox tbody tr", has_text="Disk above 85% on db-2")
    lag = page.locator("table.inbox tbody tr", has_text="Search indexer 6 minutes behind")
    expect(disk).to_be_visible()
    expect(lag).to_be_visible()
    shoot_desktop_and_phone(page, "alert-inbox", "PM_SHOTS_DIR")
    # On a desktop and a phone each row's actions are on the screen, none cut off or scrolled
    # to (at 1280 px the Attach button stood past the table's edge).
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 844})
        actions = (("link", "Open incident…"), ("button", "Attach"), ("button", "Dismiss"))
        for role, name in actions:
            box = lag.get_by_role(role, name=re.compile("^" + name)).first
            expect(box).to_be_in_viewport()
            edge = box.bounding_box() or {"x": -1, "width": 0}
            assert edge["x"] >= 0, name
            assert edge["x"] + edge["width"] <= width - 12, (name, width)  # inside the margin
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        wrap = "document.querySelector('table.inbox').parentElement"
        assert page.evaluate(f"{wrap}.scrollWidth <= {wrap}.clientWidth"), width
    page.set_viewport_size({"width": 1280, "height": 900})

    # Open an incident from the disk alert: the form comes filled in from it.
    disk.get_by_role("link", name=re.compile("^Open incident")).click()
    title = page.get_by_label("Title")
    expect(title).to_have_value("Disk above 85% on db-2")
    expect(page.get_by_label("Team")).to_have_value("sre")
    expect(page.get_by_label("Services")).to_have_value("postgres")
    expect(page.get_by_label("Timezone")).to_have_value("Europe/Berlin")
    expect(page.get_by_label("Severity")).to_have_value("SEV4")
    shoot_desktop_and_phone(page, "alert-page", "PM_SHOTS_DIR")
    title.fill("db-2 disk filling up")
    page.get_by_label("Severity").select_option("SEV3")
    page.get_by_label("page on-call").uncheck()
    page.get_by_role("button", name="Open the incident").click()
    expect(page.locator(".pm-head h1")).to_have_text("db-2 disk filling up")
    entry = page.locator("tr.alert-fired")
    expect(entry).to_contain_text("Alert attached: Disk above 85% on db-2")
    expect(entry).to_contain_text("via alice")
    expect(entry.locator("td").first).to_have_text(re.compile("2026-03-01 10:58:00 CET"))
    _declared_from_is_shown(page, "Disk above 85% on db-2")

    # Dismiss the other one with a reason; Undo is offered at once.
    page.get_by_role("link", name="Alert inbox").click()
    expect(disk).to_have_count(0)
    lag.get_by_label(re.compile("^Why")).fill("reindex running, expected")
    lag.get_by_role("button", name="Dismiss").click()
    expect(page.locator("form.notice.undo")).to_contain_text("Dismissed “Search indexer")
    expect(lag).to_have_count(0)
    expect(page.get_by_text("The inbox is empty.")).to_be_visible()
    page.locator("nav.tabs").get_by_role("link", name="Dismissed").click()
    expect(lag).to_contain_text("by alice")
    expect(lag).to_contain_text("reindex running, expected")
    shoot_desktop_and_phone(page, "alert-dismissed", "PM_SHOTS_DIR")
    lag.get_by_role("button", name=re.compile("^Undo")).click()
    expect(page.get_by_text("No alert was dismissed.")).to_be_visible()
    page.locator("nav.tabs").get_by_role("link", name="Waiting").click()
    expect(lag).to_be_visible()
    expect(lag.get_by_role("button", name="Dismiss")).to_be_visible()

    # Attach it from its row: the inbox says so, and the incident is one click away, at the
    # entry the alert made there.
    target = lag.locator("option", has_text="Checkout errors").get_attribute("value")
    lag.get_by_label(re.compile("^Attach")).select_option(target)
    lag.get_by_role("button", name="Attach").click()
    said = page.locator("ul.messages li", has_text="attached to")
    expect(said).to_contain_text("“Search indexer 6 minutes behind” attached to INC-")
    shoot_desktop_and_phone(page, "alert-attached", "PM_SHOTS_DIR")
    said.get_by_role("link").click()
    expect(page.locator(".pm-head h1")).to_have_text("Checkout errors")
    assert re.search(r"#event-\d+$", page.url)
    expect(page.locator("tr.alert-fired:target")).to_contain_text("Alert attached: Search indexer")


def _declared_from_is_shown(page: Any, summary: str) -> None:
    """The incident's page names the alert it was declared from, a link to the alert's page, on
    the screen of a desktop and of a phone."""
    from playwright.sync_api import expect

    declared = page.locator("p.declared-from")
    expect(declared).to_have_text(f"Declared from the alert {summary}")
    link = declared.get_by_role("link", name=summary)
    folder = os.environ.get("PM_SHOTS_DIR")
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        box = link.bounding_box() or {"x": -1, "width": 0}
        assert box["x"] >= 0, width
        assert box["x"] + box["width"] <= width, width
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        if folder:
            page.screenshot(path=f"{folder}/incident-declared-from-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    link.click()
    expect(page.locator("h1")).to_contain_text(summary)
    page.go_back()
