"""In Chromium, an SRE lead's walk of an incident: a note pasted on several lines keeps them and
its Grafana address is a link; an alert's details open under its entry (description, runbook,
labels); Edit details renames the incident and refuses a team beside its field; the list links
the title and names each start's zone; the inbox's Postmortems due lists what they resolved.

Screenshots (1280 px and a 390 px phone) go to ``PM_SHOTS_DIR`` when it is set.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from playwright.sync_api import expect
from tests.server.conftest import browser_login, needs_chromium, shoot_desktop_and_phone

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]

GRAFANA = "https://grafana.example.com/d/checkout?orgId=1&var-region=eu-west"
NOTE = (
    f"p99 back under 300 ms on the dashboard:\n{GRAFANA}\n"
    "  $ kubectl -n checkout get pods\n  checkout-7d9   1/1   Running"
)
RUNBOOK = "https://runbooks.example/checkout/error-rate"
DESCRIPTION = (
    "5.8% of checkout requests answered 5xx over 2 minutes.\n"
    "Most are 502s from the payments client."
)


def _alert(name: str, at: dt.datetime, **annotations: str) -> bytes:
    alert = {
        "status": "firing",
        "labels": {"alertname": name, "severity": "critical", "service": name.lower(),
                   "instance": "checkout-eu-1", "region": "eu-west"},
        "annotations": {"summary": f"{name}: 5xx above 5%", **annotations},
        "startsAt": at.isoformat(),
        "endsAt": "0001-01-01T00:00:00Z",
        "generatorURL": f"https://prometheus.example/graph?g0.expr={name}",
        "fingerprint": f"fp-{name.lower()}",
    }  # fmt: skip
    body = {"version": "4", "groupKey": name, "status": "firing", "alerts": [alert]}
    return json.dumps(body).encode()


def _setup() -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from django.db import connections
    from django.utils import timezone

    from postmortems.incident.payloads import parse
    from postmortems.server.accounts.models import Membership, Team
    from postmortems.server.incidents import ingest, integrations, services
    from postmortems.server.incidents.models import Incident

    sre, _ = Team.objects.get_or_create(slug="sre", defaults={"name": "SRE"})
    Team.objects.create(slug="payments", name="Payments")
    alice = get_user_model().objects.create_user("alice", password="pw-alice-123")
    Membership.objects.create(user=alice, team=sre, role="author")
    prod, _secret = integrations.create(
        "prod", "alertmanager", team="sre", timezone="Europe/Berlin"
    )
    now = timezone.now()
    early = now - dt.timedelta(minutes=50)
    sent = _alert("Checkout", early, description=DESCRIPTION, runbook_url=RUNBOOK)
    ingest.ingest(prod, parse("alertmanager", sent), early)
    live = Incident.objects.get()
    services.note(live, NOTE, alice, now - dt.timedelta(minutes=20))
    ingest.ingest(prod, parse("alertmanager", _alert("Search", now - dt.timedelta(hours=3))), now)
    done = Incident.objects.exclude(pk=live.pk).get()
    services.change_status(done, "resolved", alice, now - dt.timedelta(minutes=5))
    connections.close_all()
    return {"live": live.key, "done": done.key}


def test_an_sre_lead_walks_an_incident(live_server: Any, browser: Any) -> None:
    base = live_server.url
    made = _setup()
    page = browser_login(browser, base, "alice")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/incidents/{made['live']}/")
    note = page.locator(".entry-text", has_text="p99 back under 300 ms")
    expect(note.get_by_role("link", name=GRAFANA)).to_have_attribute("href", GRAFANA)
    line = page.locator(".entry-text", has_text="Checkout: 5xx above 5%").bounding_box()
    box = note.bounding_box()
    assert line is not None
    assert box is not None
    assert box["height"] > 3 * line["height"]  # four lines, not one
    entry = page.locator("tr.alert-fired")
    entry.get_by_text("Alert details").click()
    expect(entry.locator(".alert-description")).to_contain_text("Most are 502s")
    expect(entry.get_by_role("link", name="Runbook")).to_have_attribute("href", RUNBOOK)
    expect(entry.locator("dl.alert-labels")).to_contain_text("checkout-eu-1")
    shoot_desktop_and_phone(page, "incident-note-and-alert-details", "PM_SHOTS_DIR")

    form = page.locator("form.edit-details")
    form.get_by_label("Title").fill("Payments client retries double-charged checkouts")
    form.get_by_label("Services").fill("checkout, payments")
    form.get_by_role("combobox", name="Team").fill("payments")
    form.get_by_role("button", name="Save details").click()
    refused = page.locator("form.edit-details")
    expect(refused.locator("#details-team-error")).to_contain_text("author role in team payments")
    expect(refused.get_by_label("Title")).to_have_value(
        "Payments client retries double-charged checkouts"
    )
    refused.scroll_into_view_if_needed()
    shoot_desktop_and_phone(page, "incident-edit-details-refused", "PM_SHOTS_DIR")
    refused.get_by_role("combobox", name="Team").fill("sre")
    refused.get_by_role("button", name="Save details").click()
    expect(page.locator("h1")).to_have_text("Payments client retries double-charged checkouts")
    expect(page.locator("table.timeline")).to_contain_text(
        "Services changed from checkout to checkout, payments."
    )

    page.goto(f"{base}/incidents/")
    row = page.locator("table.incidents tbody tr", has_text=made["live"])
    expect(row.locator("time.date")).to_contain_text(" CET")
    shoot_desktop_and_phone(page, "incident-list", "PM_SHOTS_DIR")
    row.get_by_role("link", name="Payments client retries double-charged checkouts").click()
    expect(page).to_have_url(f"{base}/incidents/{made['live']}/")

    page.goto(f"{base}/inbox/")
    due = page.locator("#inbox-due")
    expect(due.locator(f"li[data-due='{made['done']}']")).to_contain_text("Search: 5xx above 5%")
    due.scroll_into_view_if_needed()
    shoot_desktop_and_phone(page, "inbox-postmortems-due", "PM_SHOTS_DIR")
