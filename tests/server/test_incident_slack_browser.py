"""In Chromium: a Slack export imported from the incident page (the channels listed, one picked),
a bad file's message, and the team's format on the Teams page; desktop and phone, light and dark,
never wider than the screen. Screenshots go to ``PM_SHOTS_DIR`` when it is set."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from tests.incident.test_slack import good
from tests.server.conftest import needs_chromium
from tests.server.incident_fixtures import example, integration

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]

SHOTS = os.environ.get("PM_SHOTS_DIR", "")
LOOKS = {
    "1280-light": ({"width": 1280, "height": 900}, "light"),
    "1280-dark": ({"width": 1280, "height": 900}, "dark"),
    "390-light": ({"width": 390, "height": 844}, "light"),
    "390-dark": ({"width": 390, "height": 844}, "dark"),
}


def _setup() -> str:
    """Alice, admin of sre; an incident opened by the Alertmanager example. Its key."""
    from django.contrib.auth import get_user_model
    from django.db import connections

    from postmortems.server.accounts.models import Membership, Team
    from postmortems.server.incidents.ingest import ingest
    from postmortems.server.incidents.models import Incident

    user = get_user_model().objects.create_user("alice", password="pw-alice-123")
    team, _ = Team.objects.get_or_create(slug="sre", defaults={"name": "SRE"})
    Membership.objects.create(user=user, team=team, role="admin")
    integ, _secret = integration("am", "alertmanager", team="sre")
    from django.utils import timezone

    from postmortems.incident.payloads import parse

    ingest(
        integ, parse("alertmanager", json.dumps(example("alertmanager")).encode()), timezone.now()
    )
    key = Incident.objects.get().key
    connections.close_all()
    return key


def _page(browser: Any, base: str, look: str) -> Any:
    size, scheme = LOOKS[look]
    page = browser.new_context(viewport=size, color_scheme=scheme).new_page()
    page.set_default_timeout(45_000)  # the machine may be loaded
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", "pw-alice-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    return page


def _look(page: Any, name: str) -> None:
    wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert wide <= 0, f"{name}: {wide} px of sideways scrolling"
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_slack_import_and_team_format(live_server: Any, browser: Any, tmp_path: Path) -> None:
    base = live_server.url
    key = _setup()
    export = good(tmp_path)
    bad = tmp_path / "notes.zip"
    bad.write_bytes(b"this is not a zip")
    for look in LOOKS:
        page = _page(browser, base, look)
        page.goto(f"{base}/incidents/{key}/")
        _look(page, f"incident-{look}")
        page.set_input_files("form.slack-import input[name=export]", str(export))
        page.click("form.slack-import button[type=submit]")
        page.locator("#channels").wait_for()
        _look(page, f"slack-channels-{look}")
        page.set_input_files("input[name=export]", str(bad))
        page.click("button:has-text('Import the chat')")
        page.locator(".error", has_text="not a zip file").wait_for()
        _look(page, f"slack-error-{look}")
        page.goto(f"{base}/teams/")
        _look(page, f"teams-{look}")
        page.close()
    page = _page(browser, base, "1280-light")
    page.goto(f"{base}/incidents/{key}/")
    page.set_input_files("form.slack-import input[name=export]", str(export))
    page.click("form.slack-import button[type=submit]")
    page.select_option("select[name=channel]", "inc-checkout")
    page.set_input_files("input[name=export]", str(export))
    page.click("button:has-text('Import the chat')")
    page.wait_for_url(f"{base}/incidents/{key}/")
    page.locator("tr.chat-message", has_text="Checkout is throwing 502s").wait_for()
    assert "6 messages added" in page.locator(".messages").inner_text()
    _look(page, "incident-imported-1280-light")
    page.goto(f"{base}/teams/")
    page.select_option("select[name=sre-draft_profile]", "google-sre")
    page.click("#team-sre button[type=submit]")
    page.locator(".messages", has_text="google-sre").wait_for()
    page.goto(f"{base}/incidents/{key}/postmortem/")
    page.locator("pre.draft", has_text="## Lessons Learned").wait_for()
