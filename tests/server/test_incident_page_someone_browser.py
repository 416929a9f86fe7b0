"""In Chromium: the incident's Paging panel pages a person with its form, the choice survives the
live timeline's refresh, and a refusal is said beside the form.

Screenshots (1280 px and a 390 px phone) go to ``PM_SHOTS_DIR`` when it is set.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect
from tests.server.conftest import browser_login, needs_chromium, shoot_desktop_and_phone

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]


def _setup(make_user: Any) -> tuple[str, Any]:
    from django.db import connections
    from django.utils import timezone
    from oncall_fixtures import apply, policy, rotation

    from postmortems.server.incidents import services

    ivy = make_user("ivy", "author")
    for name in ("alice", "bob", "carol"):
        make_user(name, "author")
    apply(rotation("primary"), source="")
    apply(policies=(policy(),), source="")
    incident = services.declare(
        "Checkout returns 502s", ivy, severity="SEV1", team="sre", now=timezone.now()
    )
    connections.close_all()
    return incident.key, ivy


def test_paging_someone_from_the_incident_page(
    live_server: Any, browser: Any, make_user: Any
) -> None:
    from django.db import connections
    from django.utils import timezone

    from postmortems.server.incidents import services
    from postmortems.server.incidents.models import Incident

    key, ivy = _setup(make_user)
    base = live_server.url
    page = browser_login(browser, base, "ivy", password="pw-ivy")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/incidents/{key}/")
    panel = page.locator("#incident-pages")
    expect(panel.get_by_role("heading", name="Paging")).to_be_visible()
    expect(panel).to_contain_text("Nobody is paged for this incident.")
    choice = panel.get_by_label("Page someone")
    choice.select_option("user:carol")
    panel.get_by_role("button", name="Page now").click()
    expect(page).to_have_url(re.compile(r"#incident-pages$"))
    expect(panel.locator(".page-row")).to_contain_text("by hand by ivy: user carol")
    expect(panel.locator(".page-row")).to_contain_text("reached carol")
    paged = page.locator("table.timeline tr.event.page")
    expect(paged).to_contain_text("ivy paged carol")  # who paged first, as a name is written
    expect(paged.locator("td.who")).to_have_text("On-call paging by hand")

    # A choice made survives the live refresh of the page (a note arrives meanwhile).
    choice.select_option("schedule:primary")
    services.note(Incident.objects.get(key=key), "Rolled back the deploy", ivy, timezone.now())
    connections.close_all()
    expect(page.locator("table.timeline")).to_contain_text("Rolled back the deploy")
    expect(panel.get_by_label("Page someone")).to_have_value("schedule:primary")

    # Paging carol again while her page goes on: refused beside the form, the choice kept.
    panel.get_by_label("Page someone").select_option("user:carol")
    panel.get_by_role("button", name="Page now").click()
    error = page.locator("#page-someone-error")
    expect(error).to_contain_text(f"user carol is already paged for {key}")
    expect(page.locator("#incident-pages").get_by_label("Page someone")).to_have_value("user:carol")
    page.locator("#incident-pages").scroll_into_view_if_needed()
    shoot_desktop_and_phone(page, "incident-paging-panel", "PM_SHOTS_DIR")
    # On a phone the form fits: nothing wider than the screen.
    page.set_viewport_size({"width": 390, "height": 844})
    width = page.locator("#page-someone").bounding_box()
    assert width is not None
    assert width["x"] + width["width"] <= 390
