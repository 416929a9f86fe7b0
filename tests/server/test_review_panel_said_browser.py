"""In Chromium: a move made on the review panel is said where the page opens after it.

The panel is far below the page's top and the page opens at it (``#workflow``): the sentence
saying what the move did ("PM-W-1 is approved: its authors may publish it") is at the panel's
top, in sight on a desktop and on a phone, and not at the page's top, out of sight; a refused
move is said beside its button, as an alert.

Screenshots (1366 px and a 390 px phone, what the reader sees) go to ``PM_SHOTS_DIR`` when set."""

from __future__ import annotations

import os
from typing import Any

import pytest
from playwright.sync_api import expect
from tests.server.conftest import browser_login, needs_chromium
from workflow_fixtures import NOW, clean_text, with_settings

KEY = "PM-W-1"

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]


def _in_review() -> None:
    """alice's postmortem in review, bob asked and accepted (two approvals needed: SEV2)."""
    from django.db import connections

    from postmortems.server.accounts.models import create_account, set_role
    from postmortems.server.library import store
    from postmortems.server.workflow import services

    people = {}
    for name, role in (("alice", "author"), ("bob", "reviewer"), ("dan", "reviewer")):
        people[name] = create_account(name, f"pw-{name}-123")
        set_role(people[name], "sre", role)
    pm = store.create(clean_text(KEY), people["alice"]).postmortem
    services.request_review(pm, people["alice"], [people["bob"], people["dan"]], now=NOW)
    for name in ("bob", "dan"):
        services.answer(pm, people[name], True, now=NOW)
    connections.close_all()


def _shoot(page: Any, name: str) -> None:
    folder = os.environ.get("PM_SHOTS_DIR")
    if folder:
        os.makedirs(folder, exist_ok=True)
        page.screenshot(path=f"{folder}/{name}.png")  # the viewport: what the reader sees


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (390, 844)])
def test_an_approval_is_said_in_sight_where_the_page_opens(
    live_server: Any, browser: Any, settings: Any, width: int, height: int
) -> None:
    with_settings(settings, review_approvals=("*:1",))
    _in_review()
    base, url = live_server.url, f"{live_server.url}/p/{KEY}/"
    viewport = {"width": width, "height": height}
    bob = browser_login(browser, base, "bob", viewport=viewport)
    bob.goto(url)
    bob.click("#workflow button[data-move=approve]")
    bob.wait_for_url(f"{url}#workflow")
    said = bob.locator("#workflow #workflow-said li[role=status]")
    expect(said).to_have_text(f"{KEY} is approved: its authors may publish it.")
    expect(said).to_be_in_viewport(ratio=1)
    expect(bob.locator("#messages")).to_have_count(0)  # not again at the top, out of sight
    assert bob.evaluate("scrollY") > 150  # the page opened at the panel: its top is out of sight
    _shoot(bob, f"review-panel-approved-{width}")
    # The author publishes it: said at the panel's top too.
    alice = browser_login(browser, base, "alice", viewport=viewport)
    alice.goto(url)
    alice.click("#workflow button[data-move=publish]")
    alice.wait_for_url(f"{url}#workflow")
    expect(alice.locator("#workflow-said")).to_have_text(f"{KEY} is published.")
    expect(alice.locator("#workflow-said")).to_be_in_viewport(ratio=1)


def test_a_refused_move_is_said_in_sight_beside_its_button(
    live_server: Any, browser: Any, settings: Any
) -> None:
    """Requesting changes without a note or a comment is refused: said beside the button, an
    alert, in sight; not at the page's top."""
    _in_review()
    base, url = live_server.url, f"{live_server.url}/p/{KEY}/"
    bob = browser_login(browser, base, "bob", viewport={"width": 1366, "height": 768})
    bob.goto(url)
    form = bob.locator("#workflow form.move:has(button[data-move=request-changes])")
    form.locator("input[name=note]").evaluate("i => i.removeAttribute('required')")  # an old page
    form.locator("button[data-move=request-changes]").click()
    bob.wait_for_url(f"{url}#move-request-changes-error")
    refused = bob.locator("#move-request-changes-error")
    expect(refused).to_have_attribute("role", "alert")
    expect(refused).to_be_in_viewport(ratio=1)
    expect(bob.locator("#messages")).to_have_count(0)
    _shoot(bob, "review-panel-refused-1366")
