"""In Debian's Chromium: the header search finds an incident above the postmortems, and the
service's page shows the incident open on it and who is on call, at 1280 px and on a 390 px
phone (screenshots go to PM_SHOTS_DIR when it is set)."""

from __future__ import annotations

from typing import Any

import pytest
from oncall_fixtures import apply, policy, rotation
from tests.server.conftest import browser_login, doc_text, needs_chromium, shoot_desktop_and_phone

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]


def _setup() -> str:
    from django.contrib.auth import get_user_model
    from django.db import connections
    from django.utils import timezone

    from postmortems.oncall import model
    from postmortems.server.accounts.models import Membership, Team
    from postmortems.server.incidents import services
    from postmortems.server.library import store
    from postmortems.server.oncall import store as oncall

    alice = get_user_model().objects.create_user("alice", password="pw-alice-123")
    team, _ = Team.objects.get_or_create(slug="sre", defaults={"name": "SRE"})
    Membership.objects.create(user=alice, team=team, role="author")
    text = doc_text("PM-HOOKS", title="Webhook backlog after a redis failover")
    store.create(text.replace("[checkout-api, nginx]", "[hooks-api]"), None)
    now = timezone.now()
    incident = services.declare(
        "Webhook deliveries delayed", alice, severity="SEV1", services=["hooks-api"], now=now
    )
    services.note(incident, "The webhook backlog is at 40k and growing.", alice, now)
    apply(
        rotation("hooks-primary", ("alice",)),
        policies=(policy("hooks-page", (((("schedule", "hooks-primary"),), 10),)),),
    )
    services_ = (model.Service("hooks-api", "hooks-page", "sre"),)
    oncall.apply_config(model.Config(services=services_), dry_run=False)
    connections.close_all()
    return str(incident.key)


def test_a_responder_finds_the_incident_then_the_services_page(
    live_server: Any, browser: Any
) -> None:
    from playwright.sync_api import expect

    key = _setup()
    base = live_server.url
    page = browser_login(browser, base, "alice")
    box = page.locator("header form.search input[name=q]")
    box.fill("webhook backlog")
    box.press("Enter")
    page.wait_for_url(f"{base}/search/?q=webhook+backlog")
    incidents = page.get_by_role("region", name="Incidents (1)")
    expect(incidents.get_by_role("heading", level=3)).to_have_text(
        f"{key} Webhook deliveries delayed"
    )
    expect(incidents.locator(".badge.st-triage")).to_have_text("triage")
    expect(incidents.locator(".snippet mark")).to_have_text(["webhook", "backlog"])
    postmortems = page.get_by_role("region", name="Postmortems (1)")
    expect(
        postmortems.get_by_role("link", name="Webhook backlog after a redis failover")
    ).to_be_visible()
    _no_sideways_scroll(page)
    shoot_desktop_and_phone(page, "search-incidents", "PM_SHOTS_DIR")
    incidents.get_by_role("link", name="hooks-api").click()
    page.wait_for_url(f"{base}/services/hooks-api/")
    open_ = page.get_by_role("region", name="Open incident (1)")
    expect(open_.get_by_role("link")).to_have_text(f"{key} Webhook deliveries delayed")
    on_call = page.get_by_role("region", name="On call now")
    expect(on_call.locator("ol.oncall-steps > li")).to_have_text(
        ["At once: alice (schedule hooks-primary)"], use_inner_text=True
    )
    expect(page.get_by_role("heading", name="Postmortems", exact=True)).to_be_visible()
    _no_sideways_scroll(page)
    shoot_desktop_and_phone(page, "service-during-incident", "PM_SHOTS_DIR")


def _no_sideways_scroll(page: Any) -> None:
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.set_viewport_size({"width": 1280, "height": 900})
