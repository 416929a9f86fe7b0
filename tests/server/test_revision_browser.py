"""In Debian's Chromium: a revision's changes read on a phone.

Screenshots (desktop 1280 px and a 390 px phone) go to PM_SHOTS_DIR when it is set.
"""

from __future__ import annotations

from typing import Any

import pytest
from tests.server.conftest import browser_login, doc_text, needs_chromium, shoot_desktop_and_phone

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]

ADDED = (
    "The renewal reminder went to a shared mailbox that was deleted in the reorg, so nobody"
    " saw the three warnings sent in the month before the expiry."
)


def test_a_revisions_changes_wrap_on_a_phone_rather_than_run_off_it(
    live_server: Any, browser: Any
) -> None:
    """An exec reads what changed on a phone: a changed sentence is whole on the screen, not cut
    at its edge behind a sideways scroll."""
    from django.contrib.auth import get_user_model
    from django.db import connections

    from postmortems.server.accounts.models import Membership, Team
    from postmortems.server.library import store

    user = get_user_model().objects.create_user("alice", password="pw-alice-123")
    team, _ = Team.objects.get_or_create(slug="sre", defaults={"name": "SRE"})
    Membership.objects.create(user=user, team=team, role="author")
    text = doc_text("PM-DIFF")
    store.create(text, user)
    store.update("PM-DIFF", text.replace("We renewed it.", f"We renewed it. {ADDED}"), user, 1)
    connections.close_all()
    page = browser_login(browser, live_server.url, "alice")
    page.goto(f"{live_server.url}/p/PM-DIFF/revisions/2/")
    shoot_desktop_and_phone(page, "revision-diff", "PM_SHOTS_DIR")
    page.set_viewport_size({"width": 390, "height": 900})
    diff = page.locator("pre.diff")
    assert diff.evaluate("e => e.scrollWidth <= e.clientWidth")  # nothing runs off the side
    added = page.locator("pre.diff .add", has_text="three warnings")
    assert added.count() == 1
    assert added.evaluate("e => e.getBoundingClientRect().right") <= 390
