"""End to end in Debian's Chromium (never a downloaded browser): a review round and a task done.

author requests review → reviewer comments on a line (approval is blocked by a lint error) →
author fixes it in the editor → reviewer approves → author publishes → an action item marked done
ticks the document's checkbox.
"""

from __future__ import annotations

from typing import Any

import pytest
from tests.server.conftest import browser_login, needs_chromium
from workflow_fixtures import clean_text, with_settings

KEY = "PM-W-1"

pytestmark = [
    pytest.mark.django_db(transaction=True),
    needs_chromium,
]


def _setup(text: str) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connections

    from postmortems.server.accounts.models import Membership, Team
    from postmortems.server.library import store

    team, _ = Team.objects.get_or_create(slug="sre", defaults={"name": "SRE"})
    users = {}
    for name, role in (("alice", "author"), ("bob", "reviewer")):
        users[name] = get_user_model().objects.create_user(name, password=f"pw-{name}-123")
        Membership.objects.create(user=users[name], team=team, role=role)
    store.create(text, users["alice"])
    connections.close_all()


def _stored_text() -> str:
    from django.db import connections

    from postmortems.server.library.models import Postmortem

    try:
        return Postmortem.objects.get(key=KEY).text
    finally:
        connections.close_all()


def _state(page: Any) -> str:
    return str(page.get_attribute("#workflow [data-state]", "data-state"))


def test_review_round_and_a_task_done(live_server: Any, browser: Any, settings: Any) -> None:
    with_settings(settings, review_approvals=("*:1",))
    good = clean_text(KEY)
    broken = good.replace("## Timeline", "## Notes")  # lint error PM103: no Timeline section
    _setup(broken)
    base, url = live_server.url, f"{live_server.url}/p/{KEY}/"

    alice = browser_login(browser, base, "alice")
    alice.goto(url)
    assert _state(alice) == "draft"
    alice.check("#workflow input[name=reviewer][value=bob]")
    alice.click("#workflow button[data-move=request-review]")
    alice.wait_for_load_state()
    assert _state(alice) == "in-review"
    # The author is told what blocks every approval, with the way to the editor.
    blocked = alice.locator("#review-blocked").inner_text()
    assert "1 lint error blocks every approval until fixed" in blocked
    assert "PM103" in blocked

    bob = browser_login(browser, base, "bob")
    bob.goto(url)
    assert "lint error(s) must be fixed first" in bob.locator("#why-approve").inner_text()
    assert bob.locator("#review-blocked").count() == 0  # the author's to fix
    bob.click("text=Accept review")
    line = broken.split("\n").index("## Notes") + 1
    bob.fill(".new-comment input[name=line]", str(line))
    bob.fill(".new-comment textarea[name=text]", "Call this section Timeline.")
    bob.click(".new-comment button[type=submit]")
    thread = bob.locator(".thread").first
    assert "## Notes" in thread.inner_text()
    bob.click("#workflow button[data-move=approve]")
    bob.locator("#workflow [role=alert]", has_text="block approval").wait_for()
    assert _state(bob) == "in-review"

    alice.goto(f"{url}edit/")
    fixed = alice.input_value("#text").replace("## Notes", "## Timeline")
    alice.fill("#text", fixed)
    alice.click("#save")
    alice.wait_for_url(url)
    alice.click(".thread button:has-text('Resolve')")
    alice.locator(".thread.resolved").wait_for()
    assert alice.locator("#review-blocked").count() == 0

    bob.goto(url)
    bob.click("#workflow button[data-move=approve]")
    bob.wait_for_load_state()
    assert _state(bob) == "approved"

    alice.goto(url)
    alice.click("#workflow button[data-move=publish]")
    alice.wait_for_load_state()
    assert _state(alice) == "published"
    assert "status: published" in _stored_text()
    history = alice.locator("#workflow .history li").all_inner_texts()
    assert [h.split(" · ")[2] for h in history] == [
        "draft → in-review",
        "in-review → approved",
        "approved → published",
    ]

    task = "Automate certificate renewal with cert-manager (owner: @bob, due: 2024-03-01)"
    assert f"- [ ] {task}" in _stored_text()
    item = alice.locator("#workflow .item", has_text="cert-manager")
    item.locator("summary", has_text="Edit item").click()  # the compact control opens
    item.locator("select[name=status]").select_option("done")
    item.locator("button:has-text('Save item')").click()
    item.locator("[data-said-here]", has_text="Item saved.").wait_for()  # beside the item
    assert f"- [x] {task}" in _stored_text()
