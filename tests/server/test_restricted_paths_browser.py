"""In Chromium: an incident whose postmortem another team restricted says so instead of showing a
diff of it, and paging with a hidden incident's key is refused with a message on the pages page.

Screenshots (1280 px and a 390 px phone) go to ``PM_SHOTS_DIR`` when it is set.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connections
from django.utils import timezone
from tests.server.conftest import browser_login, needs_chromium, shoot_desktop_and_phone
from tests.server.incident_fixtures import restrict_to_other_team

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]


def test_hidden_postmortem_and_hidden_incident_in_the_browser(
    live_server: Any, browser: Any, make_user: Any
) -> None:
    from oncall_fixtures import apply, policy

    from postmortems.server.incidents import drafting, services

    ann = make_user("ann", "author", team="sre")
    make_user("alice", "viewer", team="sre")
    make_user("bob", "viewer", team="sre")
    sam = make_user("sam", "author", team="security")
    root = make_user("root", superuser=True)
    apply(policies=(policy(),))
    now = timezone.now()
    incident = services.declare("Checkout down", ann, team="sre", severity="SEV2", now=now)
    pm = drafting.write_postmortem(incident, ann, now)
    restrict_to_other_team(pm, root, "Vault")
    hidden = services.declare("Vault breach", sam, team="security", restricted=True, now=now)
    connections.close_all()

    base = live_server.url
    page = browser_login(browser, base, "ann", password="pw-ann")
    page.goto(f"{base}/incidents/{incident.key}/postmortem/")
    notice = page.locator(".notice")
    assert "restricted to teams you are not in" in notice.inner_text()
    assert "Vault" not in page.content()
    shoot_desktop_and_phone(page, "incident-postmortem-hidden", "PM_SHOTS_DIR")

    page.goto(f"{base}/oncall/pages/")
    form = page.locator("form", has=page.locator("input[name=incident]")).first
    form.locator("input[name=summary]").fill("db down")
    form.locator("input[name=incident]").fill(hidden.key)
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"{base}/oncall/policies/sre-page/page/")
    assert f"no incident {hidden.key} that you may change" in page.content()
    kept = page.locator("form", has=page.locator("input[name=incident]")).first
    assert kept.locator("input[name=summary]").input_value() == "db down"  # nothing typed is lost
    assert kept.locator("input[name=incident]").input_value() == hidden.key
    shoot_desktop_and_phone(page, "oncall-page-refused", "PM_SHOTS_DIR")
