"""The approve form's repeat in Debian's Chromium: Enter in the note still approves (asking for the
acknowledgement), never marks "not a repeat"; the Not a repeat button marks it, It is a repeat
after all takes that back, and the approval then asks for the acknowledgement again."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect
from tests.server.conftest import browser_login, needs_chromium, shoot_desktop_and_phone
from workflow_fixtures import clean_text, with_settings

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]


def _setup() -> None:
    from django.contrib.auth import get_user_model
    from django.db import connections

    from postmortems.server.accounts.models import Membership, Team
    from postmortems.server.library import store
    from postmortems.server.workflow.models import ReviewRequest

    team, _ = Team.objects.get_or_create(slug="sre", defaults={"name": "SRE"})
    bob = get_user_model().objects.create_user("bob", password="pw-bob-123")
    Membership.objects.create(user=bob, team=team, role="reviewer")
    old = clean_text("PM-OLD", status="published").replace("2024-02-12", "2023-02-12")
    store.create(old, None)
    pm = store.create(clean_text("PM-NEW", status="in-review"), None).postmortem
    ReviewRequest.objects.create(postmortem=pm, reviewer=bob, created=pm.updated)
    connections.close_all()


def _events() -> list[tuple[str, str]]:
    from django.db import connections

    from postmortems.server.workflow.models import Event

    try:
        rows = Event.objects.filter(postmortem__key="PM-NEW").select_related("actor")
        return [(e.transition, e.actor.username if e.actor else "") for e in rows]
    finally:
        connections.close_all()


def test_not_a_repeat_in_the_browser(live_server: Any, browser: Any, settings: Any) -> None:
    with_settings(settings, review_approvals=("*:1",))
    _setup()
    page = browser_login(browser, live_server.url, "bob")
    page.goto(f"{live_server.url}/p/PM-NEW/")
    box = page.locator("fieldset.repeat")
    expect(box.get_by_role("link", name="PM-OLD")).to_have_attribute("href", "/p/PM-OLD/")
    shoot_desktop_and_phone(page, "repeat-approve", "PM_SCREENSHOTS")
    note = page.get_by_label("Note (optional)")
    note.fill("looks fine")
    note.press("Enter")  # the approve form's own button: the browser asks for the tick first
    expect(box).to_be_visible()
    assert _events() == []
    page.get_by_role("button", name="Not a repeat of PM-OLD").click()
    expect(page.locator("fieldset.repeat")).to_have_count(0)
    expect(page.locator("ol.history")).to_contain_text("not a repeat of PM-OLD")
    marked = page.locator("fieldset.marked-not-repeat")
    expect(marked).to_contain_text("marked by bob")
    shoot_desktop_and_phone(page, "repeat-marked", "PM_SCREENSHOTS")
    page.get_by_role("button", name="It is a repeat after all (PM-OLD)").click()  # taken back
    expect(page.locator("fieldset.repeat")).to_be_visible()
    expect(marked).to_have_count(0)
    expect(page.locator("ol.history")).to_contain_text("flagged again as a repeat of PM-OLD")
    page.get_by_label("I acknowledge the repeat").check()
    page.get_by_role("button", name="Approve").click()
    expect(page.locator("#workflow [data-state]")).to_have_attribute("data-state", "approved")
    assert _events() == [
        ("not-a-repeat", "bob"),
        ("repeat-after-all", "bob"),
        ("acknowledge-repeat", "bob"),
        ("approve", "bob"),
    ]
