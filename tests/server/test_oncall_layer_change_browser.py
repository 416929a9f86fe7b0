"""A team lead changes a layer on the schedule's page in Debian's Chromium: the Edit link opens
the form filled in with the layer, the hand-over moves to 10:00 and the layer keeps its place;
with the keyboard alone, a layer moves up the list. Screenshots (desktop 1280 px and a 390 px
phone) go to ``PM_SHOTS_DIR`` when it is set."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect
from tests.server.conftest import browser_login, needs_chromium, shoot_desktop_and_phone

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]


def _rotation_made_here() -> None:
    """alice (an author of sre), bob and carol; primary: main (a day each) and office on top."""
    from django.contrib.auth import get_user_model
    from django.db import connections
    from oncall_fixtures import apply, rotation

    from postmortems.server.accounts.models import Membership, Team

    team, _ = Team.objects.get_or_create(slug="sre", defaults={"name": "SRE"})
    for name in ("alice", "bob", "carol"):
        user = get_user_model().objects.create_user(name, password=f"pw-{name}-123")
        Membership.objects.create(user=user, team=team, role="author")
    apply(rotation("primary", business_hours=("bob",)), source="")
    connections.close_all()


def _layers() -> list[tuple[str, str]]:
    from django.db import connections

    from postmortems.server.oncall.models import Layer

    try:
        rows = Layer.objects.order_by("position", "id")
        return [(row.name, row.handoff.strftime("%H:%M")) for row in rows]
    finally:
        connections.close_all()


def _schedule_page(browser: Any, base: str) -> Any:
    """primary's page, signed in as alice."""
    page = browser_login(browser, base, "alice")
    page.goto(f"{base}/oncall/s/primary/")
    return page


def test_a_layer_is_edited_in_place_and_moved_with_the_keyboard(
    live_server: Any, browser: Any
) -> None:
    _rotation_made_here()
    base = live_server.url
    page = _schedule_page(browser, base)
    shoot_desktop_and_phone(page, "layers", "PM_SHOTS_DIR")
    page.get_by_role("link", name="Edit layer office").click()
    page.wait_for_url("**/oncall/layers/*/edit/*")
    form = page.locator("#layer-form")
    expect(form.locator("input[name=users]")).to_have_value("bob")
    expect(form.locator("input[name=handoff]")).to_have_value("09:00")
    expect(form.get_by_label("Fri")).to_be_checked()
    expect(form.get_by_label("Sat")).not_to_be_checked()
    shoot_desktop_and_phone(page, "layer-edit", "PM_SHOTS_DIR")
    form.locator("input[name=handoff]").fill("10:00")
    form.get_by_role("button", name="Save layer").click()
    page.wait_for_url("**/oncall/s/primary/*#layers")
    expect(page.get_by_text("Layer office of primary changed.")).to_be_visible()
    office = page.locator("#layer-table tbody tr").nth(1)
    expect(office.locator('[data-label="Hand-over"]')).to_have_text("10:00")
    assert _layers() == [("main", "09:00"), ("office", "10:00")]  # in place, on top

    # The keyboard alone: Tab to the button, Enter posts its form.
    page.get_by_role("button", name="Remove layer main").focus()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Edit layer office")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Move layer office up")).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url("**/oncall/s/primary/*#layers")
    said = "Layer office moved up: layer main, now below it, wins where both cover."
    expect(page.get_by_text(said)).to_be_visible()
    assert _layers() == [("office", "10:00"), ("main", "09:00")]
