"""End to end in Debian's Chromium (never a downloaded browser): write, lint, save, conflict.

login → new postmortem → live lint shows a finding → jump to it → fix it → save → the revision
appears → a second browser session's stale save is refused and its text is kept.
"""

from __future__ import annotations

from typing import Any

import pytest
from tests.server.conftest import browser_login, doc_text, needs_chromium

pytestmark = [
    pytest.mark.django_db(transaction=True),
    needs_chromium,
]


def _user(name: str) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connections

    from postmortems.server.accounts.models import Membership, Team

    user = get_user_model().objects.create_user(name, password=f"pw-{name}-123")
    team, _ = Team.objects.get_or_create(slug="sre", defaults={"name": "SRE"})
    Membership.objects.create(user=user, team=team, role="author")
    connections.close_all()


def _stored_text(key: str) -> str:
    """Read through the ORM, then close: Playwright's greenlet would otherwise keep a connection
    that the test database teardown cannot drop (seen on PostgreSQL)."""
    from django.db import connections

    from postmortems.server.library.models import Postmortem

    try:
        return Postmortem.objects.get(key=key).text
    finally:
        connections.close_all()


def test_write_lint_save_and_conflict(live_server: Any, browser: Any) -> None:
    base = live_server.url
    _user("alice")
    _user("bob")
    alice = browser_login(browser, base, "alice")

    alice.goto(f"{base}/new/?fresh=1")
    assert "## Issue Summary" in alice.input_value("#text")
    good = doc_text("PM-E2E")
    alice.fill("#text", good.replace("## Timeline", "## Chronology"))
    finding = alice.locator("#findings a", has_text="PM112")
    finding.wait_for()
    finding.click()
    assert alice.eval_on_selector("#text", "el => el.dataset.jumpedTo") == str(
        good.splitlines().index("## Timeline") + 1
    )
    alice.fill("#text", good)
    alice.locator("#findings a", has_text="PM112").wait_for(state="detached")
    alice.click("#save")
    alice.wait_for_url(f"{base}/p/PM-E2E/")
    assert _stored_text("PM-E2E") == good  # browsers post CRLF; the file's LF are kept
    alice.click("text=Revisions")
    assert alice.locator("a", has_text="r1").count() == 1

    bob = browser_login(browser, base, "bob")
    bob.goto(f"{base}/p/PM-E2E/edit/")
    alice.goto(f"{base}/p/PM-E2E/edit/")
    alice.fill("#text", good.replace("We renewed it.", "We renewed it. ALICE"))
    alice.click("#save")
    alice.wait_for_url(f"{base}/p/PM-E2E/")
    bob_text = good.replace("We renewed it.", "We renewed it. BOB")
    bob.fill("#text", bob_text)
    bob.click("#save")
    bob.locator("#conflict").wait_for()
    assert bob.input_value("#text") == bob_text
    assert "ALICE" in bob.input_value("#current-text")
    assert "ALICE" in _stored_text("PM-E2E")

    alice.goto(f"{base}/p/PM-E2E/revisions/")
    assert alice.locator("a", has_text="r2").count() == 1
