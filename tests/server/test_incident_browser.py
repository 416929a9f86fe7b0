"""In Chromium: the first alert → the incident page → a note marked as a key moment → the alert's
resolution arriving live → resolved → Write the postmortem → the postmortem links back.

Screenshots (1280 px and a 390 px phone) go to ``PM_SHOTS_DIR`` when it is set.
"""

from __future__ import annotations

import json
import os
import re
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from tests.server.conftest import browser_login, needs_chromium
from tests.server.incident_fixtures import am_alert, am_payload, integration

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]

SHOTS = os.environ.get("PM_SHOTS_DIR", "")


def _setup() -> tuple[str, str]:
    from django.contrib.auth import get_user_model
    from django.db import connections

    from postmortems.server.accounts.models import Membership, Team

    user = get_user_model().objects.create_user("alice", password="pw-alice-123")
    team, _ = Team.objects.get_or_create(slug="sre", defaults={"name": "SRE"})
    Membership.objects.create(user=user, team=team, role="author")
    integ, secret = integration("am", "alertmanager", team="sre")
    connections.close_all()
    return integ.path, secret


def _send(url: str, secret: str, data: Any) -> int:
    request = urllib.request.Request(
        url,
        data=json.dumps(data).encode(),
        headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return int(answer.status)


def _shot(page: Any, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def _phone_shots(browser: Any, base: str, paths: dict[str, str]) -> None:
    if not SHOTS:
        return
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", "pw-alice-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    for name, path in paths.items():
        page.goto(base + path)
        _shot(page, f"{name}-390")
    context.close()


def test_first_alert_to_postmortem(live_server: Any, browser: Any) -> None:
    base = live_server.url
    hook, secret = _setup()
    alert = am_alert("disk", starts="2026-03-01T09:58:00Z")
    assert _send(base + hook, secret, am_payload("g", alert)) == 200
    page = browser_login(browser, base, "alice")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.click("header nav >> text=Incidents")
    page.click("table.incidents a")
    page.locator("tr.alert-fired", has_text="alert disk").wait_for()
    key = page.locator(".pm-head code").inner_text()
    page.fill("textarea[name=text]", "Rolled back deploy 42; errors dropping")
    page.click("text=Add note")
    note = page.locator("tr.note", has_text="Rolled back deploy 42")
    note.wait_for()
    note.locator("button", has_text="key moment").click()
    page.locator("tr.note.key", has_text="Rolled back deploy 42").wait_for()
    # The resolution arrives while the page is open: the live timeline shows it without a reload.
    done = am_alert(
        "disk", status="resolved", starts="2026-03-01T09:58:00Z", ends="2026-03-01T10:20:00Z"
    )
    assert _send(base + hook, secret, am_payload("g", done, status="resolved")) == 200
    page.locator("tr.alert-resolved", has_text="alert disk").wait_for(timeout=15_000)
    # the viewer's time is written in the shape of the incident's column, whatever the locale
    assert re.fullmatch(
        r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \S+", page.locator("time.local").first.inner_text()
    )
    _shot(page, "incident-1280")
    page.select_option("select[name=status]", "resolved")
    page.click("text=Change status")
    page.locator("strong.status", has_text="resolved").wait_for()
    page.click("text=Write the postmortem")
    page.locator("pre.draft", has_text="## Timeline").wait_for()
    _shot(page, "draft-1280")
    page.click("text=Create the postmortem")
    page.wait_for_url(f"{base}/p/**")
    link = page.locator(".incident-link a", has_text=key)
    assert link.count() == 1
    _shot(page, "postmortem-1280")
    for name, path in {
        "list": "/incidents/",
        "inbox": "/incidents/inbox/",
        "errors": "/incidents/ingest-errors/",
    }.items():
        page.goto(base + path)
        _shot(page, f"{name}-1280")
    link_back = page.goto(f"{base}/incidents/{key}/")
    assert link_back is not None
    assert page.locator(".pm-head a", has_text="PM-").count() == 1
    # On a phone the timeline's rows stack: no header row, nothing scrolls inside its box.
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.locator("table.timeline thead").is_hidden()
    inner = page.locator("table.timeline").evaluate(
        "t => t.parentElement.scrollWidth - t.parentElement.clientWidth"
    )
    assert inner <= 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    _phone_shots(
        browser,
        base,
        {
            "incident": f"/incidents/{key}/",
            "list": "/incidents/",
            "draft": f"/incidents/{key}/postmortem/",
        },
    )
