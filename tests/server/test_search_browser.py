"""In Debian's Chromium: the header search box, the search page, the similar-incidents panels.

Screenshots (desktop 1280 px and a 390 px phone) go to PM_SHOTS_DIR when it is set.
"""

from __future__ import annotations

from typing import Any

import pytest
from tests.server.conftest import (
    browser_login,
    doc_text,
    needs_chromium,
    settled,
    shoot_desktop_and_phone,
)

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]

POOL = "The database connection pool was exhausted by a retry storm; ECONNRESET everywhere."
CERT = "The TLS certificate expired. We renewed it."


def _setup() -> None:
    from django.contrib.auth import get_user_model
    from django.db import connections

    from postmortems.server.accounts.models import Membership, Team
    from postmortems.server.library import store

    user = get_user_model().objects.create_user("alice", password="pw-alice-123")
    team, _ = Team.objects.get_or_create(slug="sre", defaults={"name": "SRE"})
    Membership.objects.create(user=user, team=team, role="author")
    old = doc_text("PM-POOL", title="Checkout pool exhausted").replace(CERT, POOL)
    store.create(old.replace("2024-02-12", "2023-05-01"), None)
    store.create(doc_text("PM-CERT"), None)
    secret = doc_text("PM-SECRET", restricted=True, teams="red").replace(CERT, POOL)
    store.create(secret.replace("title: Checkout API returned 502s", "title: Secret pool"), None)
    connections.close_all()


def _shot(page: Any, name: str) -> None:
    shoot_desktop_and_phone(page, name, "PM_SHOTS_DIR")


def test_header_search_finds_the_words_in_the_text(live_server: Any, browser: Any) -> None:
    base = live_server.url
    _setup()
    page = browser_login(browser, base, "alice")
    page.fill("header form.search input[name=q]", "connection pool")
    page.press("header form.search input[name=q]", "Enter")
    page.wait_for_url(f"{base}/search/?q=connection+pool")
    hits = page.locator(".found-postmortems .search-results > li h3 a")
    assert hits.all_inner_texts() == ["Checkout pool exhausted"]  # not the restricted one
    assert page.locator(".search-results .snippet mark").first.inner_text().lower() in {
        "connection",
        "pool",
    }
    _shot(page, "search")
    page.select_option("select[name=severity]", "SEV1")
    page.click("form.search-page button[type=submit]")
    page.locator(".search-results li.none").wait_for()


def test_the_editor_suggests_similar_incidents_as_one_types(live_server: Any, browser: Any) -> None:
    base = live_server.url
    _setup()
    page = browser_login(browser, base, "alice")
    page.goto(f"{base}/new/?fresh=1")
    draft = (
        doc_text("PM-DRAFT", title="Payments stalled")
        .replace(CERT, "Our connection pool ran dry in a retry storm.")
        .replace("checkout returned 502s to 75% of users; the certificate expired", "payments hung")
    )
    page.fill("#text", draft)
    from playwright.sync_api import expect

    # The slot answers once on load (the skeleton) and again after the typing pauses.
    first = page.locator("#similar-slot section.similar ol > li > a").first
    expect(first).to_have_text("Checkout pool exhausted", timeout=15_000)
    reasons = page.locator("#similar-slot .reasons").first.inner_text()
    assert "root cause:" in reasons
    assert "Secret pool" not in page.locator("#similar-slot").inner_text()
    assert "1 open" in page.locator("#similar-slot .items").first.inner_text()
    _shot(page, "editor-similar")
    page.goto(f"{base}/p/PM-CERT/")
    page.locator("#similar-incidents section.similar").wait_for()
    # The factors panel: the text suggests an expired certificate; confirming it sticks.
    suggested = settled(page, "#factors li[data-factor=expired-certificate]")
    expect(suggested.locator(".badge")).to_have_text("suggested")
    suggested.locator("button[value=confirmed]").click()
    confirmed = page.locator("#factors li[data-factor=expired-certificate] .badge")
    expect(confirmed).to_have_text("confirmed")
    page.reload()
    expect(confirmed).to_have_text("confirmed")
    _shot(page, "postmortem-similar")
