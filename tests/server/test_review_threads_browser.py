"""In Chromium: after posting a comment or a reply the page opens at the thread, beside its
section, saying it was posted; the open threads' list leads to each. Screenshots (1280 px and a
390 px phone) go to ``PM_SHOTS_DIR`` when set."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connections
from tests.server.conftest import browser_login, needs_chromium, shoot_desktop_and_phone
from workflow_fixtures import clean_text

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]


@pytest.fixture
def opened(live_server: Any, browser: Any, make_user: Any) -> Any:
    """Alice's postmortem in review, open in Chromium as bob, its reviewer."""
    import datetime as dt

    from postmortems.server.library import store
    from postmortems.server.workflow import services

    alice, bob = make_user("alice", "author"), make_user("bob", "reviewer")
    pm = store.create(clean_text(severity="SEV3"), alice).postmortem
    services.request_review(pm, alice, [bob], now=dt.datetime.now(dt.UTC))
    connections.close_all()
    page = browser_login(browser, live_server.url, "bob", password="pw-bob")
    page.goto(f"{live_server.url}/p/PM-W-1/")
    return page


def test_a_posted_comment_and_reply_open_the_page_at_their_thread(opened: Any) -> None:
    from playwright.sync_api import expect

    page = opened
    page.locator("article.doc li", has_text="Bob joins the bridge").click(click_count=3)
    page.locator(".quote-comment").click()
    page.keyboard.type("Who paged the platform team, and how?")
    page.click(".new-comment button[type=submit]")

    thread = page.locator("aside.notes .thread", has_text="Who paged the platform team")
    expect(thread).to_be_in_viewport()  # beside the Timeline, where the page opened
    expect(thread.locator(".said-here")).to_have_text("Your comment is posted.")
    expect(page).to_have_url(re.compile(f"#{thread.get_attribute('id')}$"))
    shoot_desktop_and_phone(page, "comment-posted", "PM_SHOTS_DIR")

    thread.locator("input[name=text]").fill("Also: who answered?")
    thread.locator("button", has_text="Reply").click()
    thread = page.locator("aside.notes .thread", has_text="Also: who answered?")
    expect(thread).to_be_in_viewport()
    expect(thread.locator(".said-here")).to_have_text("Your reply is posted.")


def test_the_open_threads_list_leads_to_each_thread(opened: Any) -> None:
    from playwright.sync_api import expect

    page = opened
    section = page.locator(".new-comment select[name=section]")
    section.select_option("Root Cause and Resolution")
    page.locator(".new-comment textarea[name=text]").fill("Why did the renewal job fail?")
    page.click(".new-comment button[type=submit]")
    expect(page.locator("[data-said-here]")).to_have_text("Your comment is posted.")
    page.goto(page.url.split("#")[0])  # the page again, at its top
    listed = page.locator("nav.open-list a", has_text="Root Cause and Resolution")
    expect(listed).to_have_count(1)
    page.set_viewport_size({"width": 390, "height": 844})
    listed.click()
    thread = page.locator(".thread", has_text="Why did the renewal job fail?")
    expect(thread).to_be_in_viewport()
