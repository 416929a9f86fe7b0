"""In Chromium: a note corrected in place on the incident's page (its text and its time: the
timeline re-orders), its earlier version under the entry, the live timeline waiting while the
form is open; then a team admin redacts another note.

Screenshots (1280 px and a 390 px phone) go to ``PM_SHOTS_DIR`` when it is set.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from tests.server.conftest import browser_login, needs_chromium, shoot_desktop_and_phone

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]

ZONE = "Europe/Berlin"


def _setup() -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from django.db import connections
    from django.utils import timezone

    from postmortems.server.accounts.models import Membership, Team
    from postmortems.server.incidents import services

    team, _ = Team.objects.get_or_create(slug="sre", defaults={"name": "SRE"})
    users = {}
    for name, role in (("alice", "author"), ("sam", "admin")):
        users[name] = get_user_model().objects.create_user(name, password=f"pw-{name}-123")
        Membership.objects.create(user=users[name], team=team, role=role)
    now = timezone.now()
    incident = services.declare(
        "Checkout 502s", users["alice"], team="sre", timezone=ZONE, now=now - dt.timedelta(hours=1)
    )
    first = services.note(
        incident, "Restarted nginx on web-1", users["alice"], now - dt.timedelta(minutes=30)
    )
    second = services.note(
        incident, "Error rate still 4%", users["alice"], now - dt.timedelta(minutes=20)
    )
    pasted = services.note(
        incident,
        "DB password is hunter2-Zq7 (sorry)",
        users["alice"],
        now - dt.timedelta(minutes=15),
    )
    found = {"incident": incident, "first": first.pk, "second": second.pk, "pasted": pasted.pk}
    connections.close_all()
    return found


def _ids(page: Any) -> list[str]:
    rows = page.locator("table.timeline tbody tr")
    return [rows.nth(i).get_attribute("id") or "" for i in range(rows.count())]


def test_a_note_is_corrected_in_place_and_another_redacted(live_server: Any, browser: Any) -> None:
    from django.db import connections

    from postmortems.server.incidents import services
    from postmortems.server.incidents.models import Event

    base = live_server.url
    made = _setup()
    key = made["incident"].key
    page = browser_login(browser, base, "alice")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/incidents/{key}/")
    row = page.locator(f"#event-{made['first']}")
    row.locator("summary", has_text="Edit").click()
    text = row.get_by_role("textbox", name="Text")
    expect(text).to_have_value("Restarted nginx on web-1")
    text.fill("Restarted nginx on web-1 and web-2")
    shoot_desktop_and_phone(page, "incident-entry-edit-form", "PM_SHOTS_DIR")
    # Someone else writes meanwhile: the page does not redraw under the open form.
    services.note(made["incident"], "Paged the network team", None, dt.datetime.now(dt.UTC))
    connections.close_all()
    page.wait_for_timeout(5_000)  # longer than the live page's poll
    expect(text).to_have_value("Restarted nginx on web-1 and web-2")
    expect(page.get_by_text("Paged the network team")).to_have_count(0)
    later = dt.datetime.now(ZoneInfo(ZONE)) - dt.timedelta(minutes=10)
    row.get_by_label(f"Time ({ZONE})").fill(later.strftime("%Y-%m-%dT%H:%M"))
    row.get_by_role("button", name="Save the correction").click()
    page.wait_for_url(re.compile(rf"#event-{made['first']}$"))
    row = page.locator(f"#event-{made['first']}")
    expect(row.locator("td.main")).to_contain_text("Restarted nginx on web-1 and web-2")
    expect(row).to_contain_text("Edited by alice")
    row.get_by_text("Earlier versions (1)").click()
    expect(row.locator("details.versions li")).to_contain_text(
        re.compile(r"^Restarted nginx on web-1 — alice, .*; its time was ")
    )
    expect(page.get_by_text("Paged the network team")).to_have_count(1)  # drawn again now
    ids = _ids(page)
    assert ids.index(f"event-{made['second']}") < ids.index(f"event-{made['first']}")
    expect(
        page.locator(f"#event-{made['pasted']}").locator("summary", has_text="Redact")
    ).to_have_count(0)

    admin = browser_login(browser, base, "sam")
    admin.set_viewport_size({"width": 1280, "height": 900})
    admin.goto(f"{base}/incidents/{key}/")
    pasted = admin.locator(f"#event-{made['pasted']}")
    pasted.locator("summary", has_text="Redact").click()
    pasted.get_by_label("Why (not the secret itself)").fill("a password pasted by mistake")
    pasted.get_by_role("button", name="Redact for good").click()
    admin.wait_for_url(re.compile(rf"#event-{made['pasted']}$"))
    pasted = admin.locator(f"#event-{made['pasted']}")
    expect(pasted.locator("td.main")).to_contain_text(
        re.compile(
            r"^Redacted by sam at \d{4}-\d\d-\d\d \d\d:\d\d CES?T: a password pasted by mistake"
        )
    )
    expect(admin.get_by_text("hunter2-Zq7")).to_have_count(0)
    expect(admin.locator("main")).to_contain_text("Redacted: the note's text")
    admin.locator(f"#event-{made['first']}").get_by_text("Earlier versions (1)").click()
    admin.locator(f"#event-{made['first']}").scroll_into_view_if_needed()
    shoot_desktop_and_phone(admin, "incident-entries-edited-and-redacted", "PM_SHOTS_DIR")
    assert "hunter2" not in Event.objects.get(pk=made["pasted"]).text
    connections.close_all()
