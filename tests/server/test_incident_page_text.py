"""An incident's page as a responder reads it: notes keep their lines and their addresses are
links (nothing typed is HTML); every time in the incident's zone (milestones, roles, the Paging
panel) and the list's starts in each incident's own zone; the title is the list's link; and
"Postmortems due" reaches whoever resolved the incident, or its team when nobody was
accountable."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from bs4 import BeautifulSoup
from tests.server.incident_fixtures import logged_in
from tests.server.oncall_fixtures import NOW, apply, people, policy

pytestmark = pytest.mark.django_db

GRAFANA = "https://grafana.example.com/d/abc?orgId=1&var-host=web-1"
NOTE = f"Error rate climbing on web-1\n{GRAFANA}\n  $ kubectl get pods\n  web-1   0/1   CrashLoop"
ZONE = "Europe/Berlin"


def _soup(client: Any, url: str) -> BeautifulSoup:
    answer = client.get(url)
    assert answer.status_code == 200
    return BeautifulSoup(answer.content, "html.parser")


def _declared(user: Any, **kw: Any) -> Any:
    from postmortems.server.incidents import services

    return services.declare("Checkout 502s", user, team="sre", now=NOW, **kw)


def test_a_note_keeps_its_lines_and_its_addresses_are_links(make_user: Any) -> None:
    from postmortems.server.incidents import services

    ann = make_user("ann", "author")
    incident = _declared(ann)
    note = services.note(incident, NOTE, ann, NOW + dt.timedelta(minutes=1))
    typed = services.note(
        incident,
        "typed <b>bold</b> <script>x()</script> www.example.com ops@example.com "
        "javascript:alert(1) (see https://status.example.com/incidents/42).",
        ann,
        NOW + dt.timedelta(minutes=2),
    )
    page = _soup(logged_in(ann), f"/incidents/{incident.key}/")
    text = page.select_one(f"#event-{note.pk} .entry-text")
    assert text.get_text() == NOTE.strip()  # every line, the indentation of the output too
    (link,) = text.select("a")
    assert link["href"] == GRAFANA
    assert link.get_text() == GRAFANA
    assert link["rel"] == ["noopener", "noreferrer", "nofollow"]
    other = page.select_one(f"#event-{typed.pk} .entry-text")
    assert other.select("b, script") == []  # what was typed is text, never markup
    assert "typed <b>bold</b> <script>x()</script>" in other.get_text()
    links = [a["href"] for a in other.select("a")]
    assert links == ["https://status.example.com/incidents/42"]  # not "…/42)." nor the others


def test_the_stylesheet_keeps_the_lines_of_an_entry() -> None:
    from pathlib import Path

    import postmortems.server.incidents as app

    css = (Path(app.__file__).parent / "static/incidents/incidents.css").read_text()
    assert ".entry-text { white-space: pre-wrap;" in css


def test_an_earlier_version_keeps_its_lines_too(make_user: Any) -> None:
    from postmortems.server.incidents import entries, services

    ann = make_user("ann", "author")
    incident = _declared(ann)
    note = services.note(incident, NOTE, ann, NOW + dt.timedelta(minutes=1))
    entries.edit(incident, note.pk, ann, NOW + dt.timedelta(minutes=2), text="Rolled back.")
    page = _soup(logged_in(ann), f"/incidents/{incident.key}/")
    earlier = page.select_one(f"#event-{note.pk} details.versions .entry-text")
    assert earlier.get_text() == NOTE.strip()
    assert earlier.select_one("a")["href"] == GRAFANA


def test_every_time_of_the_page_is_in_the_incidents_zone(make_user: Any) -> None:
    from postmortems.server.incidents import services
    from postmortems.server.oncall import paging
    from postmortems.server.oncall.models import Policy

    alice, _ = people(make_user, "alice", "bob")
    apply(policies=(policy(),))  # alice, then bob 10 minutes later
    incident = _declared(alice, timezone=ZONE)
    paging.open_page(
        Policy.objects.get(name="sre-page"), summary="db down", now=NOW, incident_key=incident.key
    )
    services.take_role(incident, "commander", alice, NOW)
    services.take_role(incident, "commander", alice, NOW + dt.timedelta(minutes=3), person="bob")
    page = _soup(logged_in(alice), f"/incidents/{incident.key}/")
    panel = page.select_one(".incident-pages")
    # 12:10 UTC is 13:10 in Berlin in March (CET); the reader's own time beside it (the page's
    # script writes it in the reader's zone).
    assert "escalates at 13:10 CET" in panel.get_text(" ", strip=True)
    zoned = [t.get_text() for t in panel.select("time") if "local" not in t["class"]]
    assert zoned == ["13:10 CET"]
    (yours,) = panel.select("small > time.local")
    assert yours["datetime"] == "2026-03-04T12:10:00+00:00"
    roles = page.select_one("table.roles").get_text(" ", strip=True)
    assert "until 2026-03-04 13:03 CET" in roles  # alice handed it over at 12:03 UTC
    milestones = page.select_one("table.milestones").get_text(" ", strip=True)
    assert "2026-03-04 13:00:00 CET" in milestones


def test_the_list_links_each_title_and_says_each_start_in_its_zone(make_user: Any) -> None:
    ann = make_user("ann", "author")
    berlin = _declared(ann, timezone=ZONE)
    tokyo = _declared(ann, timezone="Asia/Tokyo")
    page = _soup(logged_in(ann), "/incidents/")
    rows = {tr.select_one("code").get_text(): tr for tr in page.select("table.incidents tbody tr")}
    for incident, local in ((berlin, "2026-03-04 13:00 CET"), (tokyo, "2026-03-04 21:00 JST")):
        row = rows[incident.key]
        (link,) = row.select("a")  # one link a row: the whole title
        assert link.get_text() == "Checkout 502s"
        assert link["href"] == f"/incidents/{incident.key}/"
        started = row.select_one("td[data-label=Started]")
        assert started.select_one("time.date").get_text() == local
        assert started.select_one("time.local")["datetime"] == "2026-03-04T12:00:00+00:00"


def _due(client: Any, user: Any) -> list[str]:
    client.force_login(user)
    soup = BeautifulSoup(client.get("/inbox/").content, "html.parser")
    return [li["data-due"] for li in soup.select("#inbox-due li")]


def _opened_by_an_alert(title: str, team: str = "sre") -> Any:
    """An incident an alert opened (no person declared it), as ingestion opens one."""
    from django.db import transaction

    from postmortems.server.incidents import services

    with transaction.atomic():
        incident, opened = services.new_incident(
            title, None, severity="SEV2", team=team, services=["checkout"], restricted=False,
            now=NOW,
        )  # fmt: skip
        services.number([incident], NOW)
        services.record(incident, [opened], None, NOW)
    return incident


def test_postmortems_due_reach_who_resolved_it_and_the_team_when_nobody_was_accountable(
    client: Any, make_user: Any
) -> None:
    from postmortems.server.incidents import services

    sam, tess = people(make_user, "sam", "tess")
    vic = make_user("vic", "viewer")
    web = make_user("wes", "author", team="web")
    nobody = _opened_by_an_alert("disk full on db-2")
    services.change_status(nobody, "resolved", sam, NOW + dt.timedelta(hours=1))
    assert _due(client, sam) == [nobody.key]  # resolved it
    assert _due(client, tess) == [nobody.key]  # of its team, and nobody was accountable
    assert _due(client, vic) == []  # reads, does not write
    assert _due(client, web) == []  # another team
    # Someone took a role: now they are accountable, and the team is not asked any more.
    held = _opened_by_an_alert("queue backlog")
    services.take_role(held, "commander", tess, NOW)
    services.change_status(held, "resolved", tess, NOW + dt.timedelta(hours=1))
    assert set(_due(client, tess)) == {nobody.key, held.key}
    assert _due(client, sam) == [nobody.key]
    # Closed by sam, opened by an alert of another team that tess is not in: sam only.
    closed = _opened_by_an_alert("cache misses", team="web")
    services.change_status(closed, "resolved", web, NOW + dt.timedelta(hours=1))
    services.change_status(closed, "closed", sam, NOW + dt.timedelta(hours=2))
    assert closed.key in _due(client, sam)
    assert closed.key not in _due(client, tess)


def test_a_status_change_by_someone_is_not_a_resolution_by_them(
    client: Any, make_user: Any
) -> None:
    from postmortems.server.incidents import services

    alice, sam = people(make_user, "alice", "sam")
    declared = _declared(alice)
    services.change_status(declared, "investigating", sam, NOW)  # sam looked; alice resolved
    services.change_status(declared, "resolved", alice, NOW + dt.timedelta(hours=1))
    assert _due(client, alice) == [declared.key]
    assert _due(client, sam) == []  # alice declared it: someone is accountable
