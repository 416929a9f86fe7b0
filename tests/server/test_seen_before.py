"""*Seen before?* on an incident's page: the earlier postmortems, and the earlier incidents with
no postmortem yet, most like the incident from what its record says so far."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from tests.server.conftest import browser_login, needs_chromium, shoot_desktop_and_phone
from tests.server.parses import count_parses

from postmortems.incident import model as m
from postmortems.server.incidents import services
from postmortems.server.incidents.models import Incident
from postmortems.server.library import store
from postmortems.server.workflow.models import ActionItem

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)

POOL = (
    "The orders database connection pool was exhausted: a retry storm from checkout-api held "
    "every connection, and new requests failed with ECONNRESET."
)
POOL_TASKS = (
    "- [ ] Raise the connection pool size of checkout-api to 200 (owner: @bob, due: 2026-06-01)\n"
    "- [ ] Cap the client's retries at one with jittered backoff (owner: @bob, due: 2026-06-01)\n"
    "- [ ] Add an alert on connection pool saturation (owner: @ann, due: 2026-06-01)\n"
    "- [x] Restart the stuck workers (owner: @ann, due: 2024-05-02)\n"
)
CERT = "The TLS certificate of the storefront expired overnight; browsers refused the site."
DISK = "The log volume of the billing batch host filled up and the nightly invoice run stopped."


def pm_text(
    key: str,
    title: str,
    cause: str,
    day: str,
    services_: str,
    tasks: str = "",
    extra: str = "",
) -> str:
    return f"""---
title: {title}
id: {key}
status: published
severity: SEV2
services: [{services_}]
timezone: UTC
{extra}started: {day}T04:00Z
resolved: {day}T05:30Z
---
## Issue Summary

From 04:00 to 05:30 UTC, {title.lower()}.

## Timeline

- 04:07 UTC - Pager alert fired.
- 05:30 UTC - Resolved.

## Root Cause and Resolution

{cause}

## Corrective and Preventative Measures

{tasks or "- [ ] Write a runbook for this (owner: @bob, due: 2026-06-01)"}
"""


def incident(
    title: str,
    by: Any,
    notes: list[str],
    *,
    when: dt.datetime = NOW,
    names: tuple[str, ...] = ("checkout-api",),
    team: str = "sre",
    restricted: bool = False,
    status: str = "",
) -> Incident:
    """An incident declared at ``when`` whose record holds an alert and ``notes``."""
    opened = services.declare(title, by, team=team, services=names, restricted=restricted, now=when)
    events = [m.Event(when, "note", text, author=by.username) for text in notes]
    services.record(opened, events, by, when)
    if status:
        services.change_status(opened, "investigating", by, when)
        services.change_status(opened, status, by, when + dt.timedelta(minutes=30))
    return Incident.objects.get(pk=opened.pk)


@pytest.fixture
def library(make_user: Any) -> dict[str, Any]:
    """Three earlier postmortems (a pool exhaustion with open corrective items, a certificate
    expiry, a full disk), one restricted to team red like the first, one later than the live
    incident, and the live incident of team sre."""
    store.create(
        pm_text(
            "PM-POOL",
            "Orders failed as the DB pool ran dry",
            POOL,
            "2025-11-03",
            "checkout-api, orders-db",
            POOL_TASKS,
        ),
        None,
    )
    store.create(
        pm_text(
            "PM-CERT",
            "Storefront down on an expired certificate",
            CERT,
            "2025-12-01",
            "storefront, checkout-api",
        ),
        None,
    )
    store.create(
        pm_text("PM-DISK", "Invoices late after a full disk", DISK, "2025-10-01", "billing"), None
    )
    store.create(
        pm_text(
            "PM-SECRET",
            "Orders failed as the DB pool ran dry again",
            POOL,
            "2026-01-10",
            "checkout-api, orders-db",
            extra="restricted: true\nteams: [red]\n",
        ),
        None,
    )
    store.create(
        pm_text(
            "PM-LATER", "Pool ran dry once more", POOL, "2026-05-01", "checkout-api, orders-db"
        ),
        None,
    )
    ann = make_user("ann", "author", team="sre")
    live = incident(
        "Checkout failing: orders DB connections exhausted",
        ann,
        [
            "Alert: connection pool saturation on orders-db",
            "checkout-api logs ECONNRESET; retries pile up on the orders database pool.",
        ],
    )
    return {
        "ann": ann,
        "olga": make_user("olga", "viewer", team="sre"),  # an outsider to team red
        "ivan": make_user("ivan", "viewer", team="red"),
        "live": live,
    }


def panel(user: Any, key: str) -> BeautifulSoup:
    """The panel as the page loads it: the slot the incident's page holds, then its fragment."""
    client = Client()
    client.force_login(user)
    page = BeautifulSoup(client.get(f"/incidents/{key}/").content, "html.parser")
    slot = page.select_one("#seen-before")
    assert slot is not None
    assert slot["hx-get"] == f"/insights/seen-before/{key}/"
    answer = client.get(slot["hx-get"])
    assert answer.status_code == 200
    section = BeautifulSoup(answer.content, "html.parser").select_one("section.seen-before")
    assert section is not None
    assert section.select_one("h2").get_text() == "Seen before?"
    return section


def listed(section: Any) -> list[str]:
    return [a["href"].rstrip("/").rsplit("/", 1)[-1] for a in section.select("ol > li > a")]


def test_the_earlier_postmortem_of_the_same_cause_comes_first_with_why_and_open_items(
    library: dict[str, Any],
) -> None:
    section = panel(library["ann"], library["live"].key)
    keys = listed(section)
    assert keys[0] == "PM-POOL"
    assert "PM-DISK" not in keys  # another cause, another service: not listed at all
    assert "PM-LATER" not in keys  # after the incident began: not an earlier one
    first = section.select_one("ol > li")
    reasons = [li.get_text() for li in first.select(".reasons li")]
    assert "shared service: checkout-api" in reasons
    assert "error: ECONNRESET" in reasons
    assert any(r.startswith("cause words: ") and "pool" in r for r in reasons), reasons
    assert "2025-11-03" in first.get_text()
    open_corrective = ActionItem.objects.filter(
        postmortem__key="PM-POOL", kind="corrective", status__in=["open", "in-progress"]
    ).count()
    assert open_corrective == 2  # the pool size and the retries; the alert is detective
    assert "2 corrective items still open" in first.select_one(".items").get_text()
    assert "1 done" in first.select_one(".items").get_text()


def test_nothing_is_listed_when_nothing_reads_like_the_incident(library: dict[str, Any]) -> None:
    other = incident(
        "Marketing site slow to load images",
        library["ann"],
        ["The image CDN answers slowly from Sydney; a vendor ticket is open."],
        when=NOW + dt.timedelta(hours=1),
        names=("marketing-site",),
    )
    section = panel(library["ann"], other.key)
    assert section.select("ol") == []
    said = " ".join(section.get_text(" ").split())
    assert "No earlier postmortem reads like this incident, nor any earlier incident" in said
    assert section.select("ul.open-on") == []  # marketing-site: no postmortem names it


def test_with_no_match_the_postmortems_on_its_services_are_said_not_to_be_matches(
    library: dict[str, Any],
) -> None:
    """An incident on checkout-api that reads like nothing earlier: the panel says no postmortem
    reads like it, and lists the ones on checkout-api with items open under a heading and a lead
    that say what they are (a service in common), so the two never read as a contradiction."""
    other = incident(
        "Marketing banner shows the wrong colour",
        library["ann"],
        ["The banner of the spring campaign is purple instead of green on the landing page."],
        when=NOW + dt.timedelta(hours=1),
    )
    section = panel(library["olga"], other.key)
    assert listed(section) == []
    said = " ".join(section.get_text(" ").split())
    assert "No earlier postmortem reads like this incident" in said
    open_on = [li["data-open-on"] for li in section.select("ul.open-on > li")]
    assert {"PM-POOL", "PM-CERT"} <= set(open_on)
    assert "PM-SECRET" not in open_on  # team red's, and olga is not of it
    heading = section.select_one("#open-on-h").get_text()
    assert heading == "Action items still open on its services"
    lead = section.select_one(".open-on-lead").get_text()
    assert lead.startswith("Not matches: ")
    assert "name a service of this incident" in lead


def test_a_shared_service_alone_lists_nothing(library: dict[str, Any]) -> None:
    """PM-CERT shares checkout-api with the live incident, not its cause: never listed."""
    assert "PM-CERT" not in listed(panel(library["ann"], library["live"].key))


def test_the_postmortems_on_its_services_with_items_still_open_are_listed_apart(
    library: dict[str, Any],
) -> None:
    """What does not read like the incident but was meant to keep its services safe: PM-CERT
    shares checkout-api and its runbook task is open. Not the one listed above (PM-POOL), nor
    one whose items are all done, a later one, another service's, or a restricted one."""
    ActionItem.objects.filter(postmortem__key="PM-CERT").update(due=dt.date(2020, 1, 1))
    section = panel(library["olga"], library["live"].key)
    rows = section.select("ul.open-on > li")
    assert [li["data-open-on"] for li in rows] == ["PM-CERT"]
    said = " ".join(rows[0].get_text(" ").split())
    assert said.endswith("PM-CERT · checkout-api · 1 open, 1 overdue")
    assert [
        li["data-open-on"]
        for li in panel(library["ivan"], library["live"].key).select("ul.open-on > li")
    ] == ["PM-CERT"]  # PM-SECRET is ranked above, as a match, for team red
    ActionItem.objects.filter(postmortem__key="PM-CERT").update(status="done")
    assert panel(library["olga"], library["live"].key).select("ul.open-on") == []


def test_restricted_postmortems_are_only_seen_by_their_team(library: dict[str, Any]) -> None:
    key = library["live"].key
    assert "PM-SECRET" not in listed(panel(library["olga"], key))
    assert "PM-SECRET" in listed(panel(library["ivan"], key))


def test_an_earlier_incident_without_a_postmortem_is_listed_as_such(
    library: dict[str, Any],
) -> None:
    ann = library["ann"]
    week_ago = NOW - dt.timedelta(days=7)
    earlier = incident(
        "Orders DB connection pool saturated",
        ann,
        ["checkout-api saw ECONNRESET from the orders database pool; retries made it worse."],
        when=week_ago,
        status="resolved",
    )
    unrelated = incident(
        "Billing invoices stuck",
        ann,
        ["The invoice queue stalled."],
        when=week_ago,
        names=("billing",),
        status="resolved",
    )
    section = panel(library["olga"], library["live"].key)
    keys = listed(section)
    assert earlier.key in keys
    assert unrelated.key not in keys
    row = section.select_one(f'li.seen-incident a[href="/incidents/{earlier.key}/"]').parent
    assert "no postmortem yet" in row.select_one(".badge").get_text()
    assert "resolved" in row.get_text()
    assert week_ago.date().isoformat() in row.get_text()
    assert row.select_one(".items") is None  # no action items to tell of
    assert library["live"].key not in keys  # never itself


def test_an_incident_with_a_postmortem_or_a_later_one_is_not_listed_as_an_incident(
    library: dict[str, Any],
) -> None:
    ann = library["ann"]
    notes = ["checkout-api saw ECONNRESET from the orders database pool; retries made it worse."]
    written = incident("Orders DB pool saturated", ann, notes, when=NOW - dt.timedelta(days=3))
    Incident.objects.filter(pk=written.pk).update(
        postmortem=store.create(
            pm_text("PM-WRITTEN", "Orders DB pool saturated", POOL, "2026-02-27", "orders-db"),
            None,
        ).postmortem
    )
    later = incident("Orders DB pool saturated", ann, notes, when=NOW + dt.timedelta(days=1))
    duplicate = incident("Orders DB pool saturated", ann, notes, when=NOW - dt.timedelta(days=1))
    services.change_status(duplicate, "duplicate", ann, NOW, duplicate_of=library["live"])
    keys = listed(panel(ann, library["live"].key))
    assert written.key not in keys
    assert "PM-WRITTEN" in keys  # its postmortem stands for it
    assert later.key not in keys
    assert duplicate.key not in keys


def test_restricted_earlier_incidents_are_only_seen_by_their_team(
    library: dict[str, Any], make_user: Any
) -> None:
    from postmortems.server.accounts.models import Team

    Team.objects.get_or_create(slug="red", defaults={"name": "Red"})
    hidden = incident(
        "Orders DB connection pool saturated",
        make_user("rita", "author", team="red"),
        ["checkout-api saw ECONNRESET from the orders database pool; retries made it worse."],
        when=NOW - dt.timedelta(days=2),
        team="red",
        restricted=True,
    )
    key = library["live"].key
    assert hidden.key not in listed(panel(library["olga"], key))
    assert hidden.key in listed(panel(library["ivan"], key))


def test_the_fragment_of_an_incident_one_may_not_see_is_a_404(
    library: dict[str, Any], make_user: Any
) -> None:
    from postmortems.server.accounts.models import Team

    Team.objects.get_or_create(slug="red", defaults={"name": "Red"})
    hidden = incident(
        "Red team only",
        make_user("rita", "author", team="red"),
        ["secret"],
        team="red",
        restricted=True,
    )
    outsider = Client()
    outsider.force_login(library["olga"])
    assert outsider.get(f"/insights/seen-before/{hidden.key}/").status_code == 404
    assert outsider.get("/insights/seen-before/INC-1999-0001/").status_code == 404
    assert Client().get(f"/insights/seen-before/{library['live'].key}/").status_code == 302


def test_a_misleading_path_does_not_count(library: dict[str, Any]) -> None:
    """What the cause was not is left out of what the incident is compared by."""
    ann = library["ann"]
    other = incident(
        "Errors for some shoppers", ann, [], when=NOW + dt.timedelta(hours=2), names=("web",)
    )
    services.record(
        other,
        [
            m.Event(
                NOW,
                "note",
                "Maybe the TLS certificate expired? Browsers refused the site.",
                author="ann",
                misleading=True,
            )
        ],
        ann,
        NOW,
    )
    assert "PM-CERT" not in listed(panel(ann, other.key))
    services.record(
        other,
        [
            m.Event(
                NOW,
                "note",
                "The TLS certificate expired overnight; browsers refused the site.",
                author="ann",
            )
        ],
        ann,
        NOW,
    )
    assert "PM-CERT" in listed(panel(ann, other.key))


def test_the_page_costs_no_query_more_and_the_panel_a_few_and_no_parse(
    library: dict[str, Any], settings: Any, django_assert_max_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(library["olga"])
    url = f"/incidents/{library['live'].key}/"
    client.get(url)
    with CaptureQueriesContext(connection) as with_panel:
        page = client.get(url)
    assert 'id="seen-before"' in page.content.decode()
    settings.PM_INCIDENT_PANELS = ["postmortems.server.oncall.incidentpages.incident_panel"]
    with CaptureQueriesContext(connection) as without_panel:
        page = client.get(url)
    assert 'id="seen-before"' not in page.content.decode()
    assert len(with_panel.captured_queries) == len(without_panel.captured_queries)
    # The fragment: the user, the incident, the earlier incidents, the records of both (one
    # query), the cause words' counts, the candidates, their rows, their text, their items;
    # then the postmortems on its services, their items and their rows.
    with count_parses() as parses, django_assert_max_num_queries(12):
        answer = client.get(f"/insights/seen-before/{library['live'].key}/")
    assert "PM-POOL" in answer.content.decode()
    assert parses == []


def test_the_live_timeline_keeps_what_the_panel_shows(library: dict[str, Any]) -> None:
    """The timeline's refresh (htmx, every few seconds) brings the slot again, marked to be
    kept as it is, so the panel neither flickers nor asks again on every poll."""
    client = Client()
    client.force_login(library["ann"])
    live = library["live"]
    answer = client.get(f"/incidents/{live.key}/timeline/", {"rev": "0"})
    slot = BeautifulSoup(answer.content, "html.parser").select_one("#seen-before")
    assert slot is not None
    assert slot.has_attr("hx-preserve")


def test_an_incident_record_is_read_as_a_postmortem_is() -> None:
    from postmortems.server.insights.seenbefore import record_parts

    parts = record_parts(
        "Checkout **down**",
        [
            ("alert-fired", "Alert fired: CheckoutErrorRate above 5%"),
            ("alert-fired", "Alert fired: CheckoutErrorRate above 5%"),  # fired again
            ("note", "The payments **gateway** is slow"),
            ("chat-message", "anyone looking at payments?"),
            ("deploy", "checkout-api v2.3 deployed"),
        ],
    )
    assert parts.title == "Checkout down"
    assert parts.head == "CheckoutErrorRate above 5%\nThe payments gateway is slow"
    assert parts.body == "anyone looking at payments?\ncheckout-api v2.3 deployed"


@pytest.mark.django_db(transaction=True)
def test_the_demos_live_incident_has_been_seen_before() -> None:
    """The demo's live incident (the payments provider slow, the client retrying) finds the
    double charge a slow gateway caused before, its corrective item still open, and last
    week's slowness of the provider, which has no postmortem; the search timeouts, nothing."""
    from django.contrib.auth import get_user_model

    from postmortems.server import demo

    demo.load()
    sam = get_user_model().objects.get(username="sam")
    live = Incident.objects.get(status="investigating")
    section = panel(sam, live.key)
    keys = listed(section)
    slow = Incident.objects.get(title="Payments provider slow in eu-west")
    # First, the two; a weaker match may follow (the DNS timeouts share "provider, retries" at
    # the edge of the floor, 0.12, on some days of the demo's moving record and not others).
    assert set(keys[:2]) == {"PM-DEMO-002", slow.key}, keys
    double = section.select_one('a[href="/p/PM-DEMO-002/"]').parent
    assert "corrective item still open" in double.select_one(".items").get_text()
    # Both alerts say "PaymentsUpstreamLatency: p95 above 1 s": the alert's name is an error
    # string they share; the latency percentile is what every latency alert says, no reason.
    before = section.select_one(f'a[href="/incidents/{slow.key}/"]').parent
    reasons = [li.get_text() for li in before.select(".reasons li")]
    assert "error: PaymentsUpstreamLatency" in reasons, reasons
    assert not [r for r in reasons if "p95" in r], reasons
    search = Incident.objects.get(title__startswith="Search API timeouts")
    assert listed(panel(sam, search.key)) == []


@pytest.mark.django_db(transaction=True)
def test_a_redacted_note_is_not_part_of_the_record() -> None:
    """A redacted note's text is its marker (who, when, why): words of the day it was redacted,
    not of what happened, so the record read for the panel leaves it out."""
    from postmortems.server import demo
    from postmortems.server.insights.seenbefore import records

    demo.load()
    live = Incident.objects.get(status="investigating")
    assert live.events.filter(redacted_at__isnull=False).exists()
    said = [text for _, text in records([live.pk])[live.pk]]
    assert "Opened ticket 55120 with the provider." in said
    assert not [text for text in said if text.startswith("Redacted by")]


@needs_chromium
@pytest.mark.django_db(transaction=True)
def test_the_page_loads_the_panel_after_itself_and_keeps_it_while_the_timeline_moves(
    library: dict[str, Any], live_server: Any, browser: Any
) -> None:
    # The library is made before the browser starts: Playwright's loop would give this
    # thread another connection, left open after the test.
    from playwright.sync_api import expect

    asked: list[str] = []
    page = browser_login(browser, live_server.url, "ann", password="pw-ann")
    page.on("request", lambda r: asked.append(r.url) if "/seen-before/" in r.url else None)
    live = library["live"]
    page.goto(f"{live_server.url}/incidents/{live.key}/")
    panel = page.locator("#seen-before section.seen-before")
    expect(panel.locator("li").first).to_contain_text("Orders failed as the DB pool ran dry")
    expect(panel.locator("li").first).to_contain_text("2 corrective items still open")
    shoot_desktop_and_phone(page, "incident-seen-before", "PM_SHOTS_DIR")
    note = m.Event(NOW, "note", "Failing over the orders database.", author="ann")
    elsewhere(lambda: services.record(live, [note], library["ann"], NOW))  # another responder
    expect(page.locator("tr.note", has_text="Failing over the orders database")).to_be_visible()
    expect(panel.locator("li").first).to_contain_text("Orders failed as the DB pool ran dry")
    assert len(asked) == 1  # asked once, when the page opened; the poll kept it


def elsewhere(change: Any) -> None:
    """``change`` made in a thread of its own, its connection closed: while Playwright's loop
    runs, this thread's would be another one, left open after the test."""
    from django.db import connection

    def run() -> None:
        try:
            change()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()


def test_a_dns_incident_and_the_demos_dns_postmortem(
    make_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The demo's DNS postmortem (PM-DEMO-008: "0.2% of DNS lookups in eu-west timed out while
    the cloud provider replaced a resolver host") for two DNS incidents. One whose record tells
    resolver timeouts finds it. One told in other words ("the resolvers return SERVFAIL since
    the zone change") shares "resolvers, lookups" with it, and the model ranks it, but under
    the panel's least score: the record's other words (the incident's own service, "SERVFAIL",
    "zone", a clock time) are most of what it says and the postmortem says none of them. The
    panel's 0.12 is deliberate (two matches in three under it share no failure mechanism on the
    judged corpus); "dns" is no cause word the two share, as the postmortem's service."""
    from pathlib import Path

    import postmortems.server.demo as demo
    from postmortems.server.accounts.access import access_of
    from postmortems.server.insights import seenbefore

    for path in sorted(Path(demo.__file__).with_name("postmortems").glob("0*.md")):
        store.create(path.read_text(encoding="utf-8"), None)
    sam = make_user("sam", "author", team="sre")
    told = incident(
        "DNS resolver timeouts in eu-west",
        sam,
        ["DNS lookups time out in eu-west; the provider is replacing a resolver host"],
        names=("dns",),
    )
    assert "PM-DEMO-008" in listed(panel(sam, told.key))
    other = incident(
        "DNS lookups failing for search-api",
        sam,
        [
            "search-api returns errors: lookups of internal names fail",
            "The resolvers return SERVFAIL for the internal zone since the zone change at 10:02",
        ],
        names=("search-api",),
    )
    target = seenbefore.target_of(other, seenbefore.record_parts(other.title, _record(other)))
    listed_now = seenbefore.seen_before(access_of(sam), target, [], today=NOW.date())
    assert "PM-DEMO-008" not in [s.postmortem.key for s in listed_now if s.postmortem]
    monkeypatch.setattr(seenbefore, "MIN_SCORE", 0.0)
    everything = seenbefore.seen_before(access_of(sam), target, [], today=NOW.date())
    dns = next(s for s in everything if s.postmortem and s.postmortem.key == "PM-DEMO-008")
    assert "cause words: resolvers, lookups" in dns.reasons
    assert 0.05 < dns.cause_score < 0.12  # the panel's least score


def _record(incident: Incident) -> list[tuple[str, str]]:
    from postmortems.server.insights import seenbefore

    return seenbefore.records([incident.pk]).get(incident.pk, [])
