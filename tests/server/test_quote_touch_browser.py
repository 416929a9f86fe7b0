"""In Chromium as a phone (touch, 390 px): a passage selected by touch fires neither mouseup nor
a shifted keyup, only selectionchange; "Comment on this" is offered all the same."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connections
from playwright.sync_api import expect
from tests.server.conftest import browser_login, needs_chromium
from workflow_fixtures import clean_text

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]


def test_a_passage_selected_by_touch_is_offered_for_a_comment(
    live_server: Any, browser: Any, make_user: Any
) -> None:
    from postmortems.server.library import store

    store.create(clean_text(), make_user("alice", "author"))
    connections.close_all()
    phone = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
    page = browser_login(browser, live_server.url, "alice", password="pw-alice", **phone)
    page.goto(f"{live_server.url}/p/PM-W-1/")
    button = page.locator(".quote-comment")
    expect(button).to_be_hidden()
    page.locator("article.doc li", has_text="Bob joins the bridge").select_text()
    expect(button).to_be_visible()
    button.tap()
    expect(page.locator(".new-comment .quoted")).to_contain_text("Bob joins the bridge")
