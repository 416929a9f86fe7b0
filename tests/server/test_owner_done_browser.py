"""In Chromium: a viewer who owns an action item marks it done from the postmortem page and
from "My action items"; the tokens page creates a read-only token that expires (issue 13).

Screenshots go to ``$PM_SHOTS_DIR`` when it is set (desktop 1280 px and phone 390 px).
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect
from tests.server.conftest import browser_login, doc_text, needs_chromium, shoot_desktop_and_phone

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]


def _setup() -> None:
    from django.contrib.auth import get_user_model
    from django.db import connections

    from postmortems.server.accounts.models import Membership, Team
    from postmortems.server.library import store

    team, _ = Team.objects.get_or_create(slug="sre", defaults={"name": "SRE"})
    users = {}
    for name, role in (("alice", "author"), ("vera", "viewer"), ("walt", "viewer")):
        users[name] = get_user_model().objects.create_user(name, password=f"pw-{name}-123")
        Membership.objects.create(user=users[name], team=team, role=role)
    text = doc_text("PM-V", teams="sre").replace("@bob", "@vera")
    line = "- [ ] Automate certificate renewal (owner: @vera, due: 2024-03-01)"
    text = text.replace(line, line + "\n- [ ] Page the on-call (owner: @walt)")
    store.create(text, users["alice"])
    connections.close_all()


def _item() -> tuple[str, str]:
    from django.db import connections

    from postmortems.server.workflow.models import ActionItem

    try:
        item = ActionItem.objects.get(owner="vera")
        return item.status, item.postmortem.text
    finally:
        connections.close_all()


def _shot(page: Any, name: str) -> None:
    shoot_desktop_and_phone(page, name, "PM_SHOTS_DIR")


def test_an_owner_who_is_a_viewer_marks_the_item_done(live_server: Any, browser: Any) -> None:
    _setup()
    base = live_server.url
    walt = browser_login(browser, base, "walt")
    walt.goto(f"{base}/p/PM-V/")
    # walt owns the other item: one button, on his item only
    assert walt.locator("#workflow form.item-done").count() == 1
    assert "Page the on-call" in walt.locator("#workflow form.item-done").locator("..").inner_text()
    assert walt.locator("#workflow form.item-edit").count() == 0

    vera = browser_login(browser, base, "vera")
    vera.goto(f"{base}/p/PM-V/")
    _shot(vera.locator("#workflow").page, "owner-done-panel")
    mine = vera.locator("#workflow .item", has_text="Automate certificate renewal")
    mine.locator("button", has_text="Mark done").click()
    expect(mine.locator("[data-said-here]")).to_have_text("Marked done.")  # said beside it
    assert _item()[0] == "done"
    assert "- [x] Automate certificate renewal" in _item()[1]
    done = vera.locator("#workflow .item", has_text="Automate certificate renewal")
    assert done.locator("button", has_text="Mark done").count() == 0

    walt.goto(f"{base}/actions/")
    _shot(walt, "owner-done-mine")
    walt.locator("tr", has_text="Page the on-call").locator("button", has_text="Mark done").click()
    walt.wait_for_url(f"{base}/actions/")
    row = walt.locator("tr", has_text="Page the on-call")
    assert "Done" in row.inner_text().title()
    assert row.locator("button", has_text="Mark done").count() == 0
    row.locator("button", has_text="Reopen").click()  # one tap done, one tap undone
    walt.wait_for_url(f"{base}/actions/")
    expect(row.locator("button", has_text="Mark done")).to_have_count(1)
    assert "Open" in row.inner_text().title()


def test_the_tokens_page_makes_a_read_only_expiring_token(live_server: Any, browser: Any) -> None:
    _setup()
    base = live_server.url
    vera = browser_login(browser, base, "vera")
    vera.goto(f"{base}/tokens/")
    vera.fill("input[name=name]", "dashboards")
    vera.select_option("select[name=scope]", "read")
    vera.fill("input[name=expires_in_days]", "30")
    vera.click("button:has-text('Create token')")
    vera.locator("#new-token").wait_for()
    row = vera.locator("tr", has_text="dashboards").inner_text()
    assert "read only" in row
    assert "never" in row
    _shot(vera, "tokens")
