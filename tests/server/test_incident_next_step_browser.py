"""In Chromium, the end of a response as a new user walks it: the incident resolved from its
page says at its top that the postmortem is still to write and leads there; on a 390 px phone
the notes offered for the draft read as one block beside their box, a long address wrapped
inside the screen; once created, the incident's head no longer asks for it.

Screenshots (1280 px and a 390 px phone) go to ``PM_SHOTS_DIR`` when it is set.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import expect
from tests.server.conftest import browser_login, needs_chromium, shoot_desktop_and_phone

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]

DASHBOARD = "https://grafana.example.com/d/searchindexerlagoverviewforeverysearchclustereu1"
NOTE = f"Restarted the indexer consumer; lag falling on {DASHBOARD}"


def _setup() -> str:
    from django.contrib.auth import get_user_model
    from django.db import connections
    from django.utils import timezone

    from postmortems.server.accounts.models import Membership, Team
    from postmortems.server.incidents import services

    sre, _ = Team.objects.get_or_create(slug="sre", defaults={"name": "SRE"})
    alice = get_user_model().objects.create_user("alice", password="pw-alice-123")
    Membership.objects.create(user=alice, team=sre, role="author")
    now = timezone.now()
    incident = services.declare(
        "Search indexer behind on eu-1", alice, team="sre", services=["search"],
        now=now - dt.timedelta(minutes=30),
    )  # fmt: skip
    services.note(incident, NOTE, alice, now - dt.timedelta(minutes=10))
    connections.close_all()
    return str(incident.key)


def test_resolving_leads_to_the_postmortem(live_server: Any, browser: Any) -> None:
    key, base = _setup(), live_server.url
    page = browser_login(browser, base, "alice", viewport={"width": 1280, "height": 900})
    page.goto(f"{base}/incidents/{key}/")
    expect(page.locator(".pm-head .next-step")).to_have_count(0)  # still going on
    page.select_option("select[name=status]", "resolved")
    page.click("text=Change status")
    page.locator("strong.status", has_text="resolved").wait_for()
    step = page.locator(".pm-head .next-step")
    expect(step).to_contain_text("Resolved, with no postmortem yet")
    assert step.is_visible()  # in the head, not below the forms
    shoot_desktop_and_phone(page, "incident-resolved-next-step", "PM_SHOTS_DIR")
    step.get_by_role("link", name="Write the postmortem").click()
    page.wait_for_url(f"{base}/incidents/{key}/postmortem/")

    page.set_viewport_size({"width": 390, "height": 844})
    offered = page.locator("fieldset.draft-notes label.check", has_text="Restarted the indexer")
    box = page.locator("fieldset.draft-notes").bounding_box()
    tick = offered.locator("input").bounding_box()
    words = offered.locator(".note-line").bounding_box()
    assert box is not None
    assert tick is not None
    assert words is not None
    assert box["x"] + box["width"] <= 390  # the long address does not widen it past the screen
    # nor past the column the form is in (a fieldset is as wide as its longest word by default)
    assert page.locator("fieldset.draft-notes").evaluate(
        "f => f.getBoundingClientRect().right <= f.parentElement.getBoundingClientRect().right"
    )
    assert words["x"] + words["width"] <= box["x"] + box["width"]
    # the time, who and what are one block beside the box, starting on the box's line
    assert words["y"] <= tick["y"] + tick["height"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 900})
    shoot_desktop_and_phone(page, "incident-draft-notes", "PM_SHOTS_DIR")

    page.get_by_role("button", name="Create the postmortem").click()
    page.wait_for_url(f"{base}/p/**")
    page.goto(f"{base}/incidents/{key}/")
    expect(page.locator(".pm-head a", has_text="PM-")).to_have_count(1)
    expect(page.locator(".pm-head .next-step")).to_have_count(0)
