"""An alert's details — its description, runbook and dashboard links, labels — under its entry
on the incident's timeline and on the alert's page: links only http(s), and only to who may see
the alert. Ingestion and the inbox's attach link each alert entry to its alert; the migration
links those stored before."""

from __future__ import annotations

import json
from typing import Any

import pytest
from bs4 import BeautifulSoup
from tests.server.incident_fixtures import (
    am_alert,
    am_payload,
    example,
    integration,
    logged_in,
    post,
)

pytestmark = pytest.mark.django_db

RUNBOOK = "https://wiki.example/runbooks/disk-full"
DASHBOARD = "https://grafana.example/d/disks?var-host=db-2"
DESCRIPTION = "Disk /var/lib/postgresql on db-2 is 97% full.\nWAL archiving is failing."


def _alert(**annotations: str) -> dict[str, Any]:
    alert = am_alert("d1", service="db")
    alert["labels"]["instance"] = "db-2:9100"
    alert["annotations"] = {"summary": "Disk almost full on db-2", **annotations}
    return alert


def _opened(client: Any, alert: dict[str, Any], **kw: Any) -> Any:
    from postmortems.server.incidents.models import Incident

    integ, secret = integration(team="sre", **kw)
    assert post(client, integ, secret, am_payload("g-disk", alert)).status_code == 200
    return Incident.objects.get()


def _entry(client: Any, incident: Any) -> Any:
    from postmortems.server.incidents.models import Event

    fired = Event.objects.get(incident=incident, kind="alert-fired")
    page = BeautifulSoup(client.get(f"/incidents/{incident.key}/").content, "html.parser")
    return page.select_one(f"#event-{fired.pk}")


def test_the_timeline_entry_of_an_alert_says_what_the_alert_says(
    client: Any, make_user: Any
) -> None:
    from postmortems.server.incidents.models import Alert, Event

    incident = _opened(
        client, _alert(description=DESCRIPTION, runbook_url=RUNBOOK, dashboard=DASHBOARD)
    )
    alert = Alert.objects.get()
    assert Event.objects.get(kind="alert-fired").alert == alert
    entry = _entry(logged_in(make_user("ann", "viewer")), incident)
    details = entry.select_one("details.alert-details")
    assert details.select_one("summary").get_text() == "Alert details"
    assert details.select_one(".alert-description").get_text() == DESCRIPTION
    buttons = {a.get_text(): a["href"] for a in details.select(".alert-links a.button")}
    assert buttons == {
        "Runbook": RUNBOOK,
        "Dashboard": DASHBOARD,
        "Source": "http://prometheus.example/graph",
    }
    assert all(
        a["rel"] == ["noopener", "noreferrer", "nofollow"] for a in details.select("a.button")
    )
    labels = {
        dt.get_text(): dd.get_text()
        for dt, dd in zip(details.select("dl dt"), details.select("dl dd"), strict=True)
    }
    assert labels["instance"] == "db-2:9100"
    assert labels["alertname"] == "A-d1"
    assert details.select_one(".alert-page a")["href"] == f"/incidents/inbox/{alert.pk}/"
    # Its own page says the same, above its times and labels.
    page = BeautifulSoup(
        logged_in(make_user("bo", "viewer")).get(f"/incidents/inbox/{alert.pk}/").content,
        "html.parser",
    )
    section = page.select_one("section.alert-details")
    assert section.select_one(".alert-description").get_text() == DESCRIPTION
    assert section.select_one("a.button")["href"] == RUNBOOK


def test_only_web_addresses_are_links(client: Any, make_user: Any) -> None:
    from postmortems.server.incidents.models import Alert

    incident = _opened(
        client,
        _alert(
            runbook_url="javascript:alert(document.cookie)",
            dashboard="Disk dashboard in Grafana",
            note="see https://status.example/db and <b>this</b>",
        ),
    )
    details = _entry(logged_in(make_user("ann", "viewer")), incident).select_one(
        "details.alert-details"
    )
    buttons = [a.get_text() for a in details.select("a.button")]
    assert buttons == ["Source"]  # no runbook or dashboard button for what is no address
    hrefs = [a["href"] for a in details.select("a")]
    assert not any(h.startswith("javascript") for h in hrefs)
    shown = {
        dt.get_text(): dd
        for dt, dd in zip(details.select("dl dt"), details.select("dl dd"), strict=True)
    }
    assert shown["runbook_url"].get_text() == "javascript:alert(document.cookie)"  # as text
    assert shown["note"].select_one("a")["href"] == "https://status.example/db"
    assert shown["note"].select("b") == []
    alert = Alert.objects.get()
    page = BeautifulSoup(
        logged_in(make_user("bo", "viewer")).get(f"/incidents/inbox/{alert.pk}/").content,
        "html.parser",
    )
    assert not any(a["href"].startswith("javascript") for a in page.select("main a[href]"))


def test_a_restricted_alerts_details_are_its_teams_only(client: Any, make_user: Any) -> None:
    """Whoever sees the incident but not the alert (an alert of another team's restriction,
    put there by hand) reads its entry's words, not its details."""
    from postmortems.server.accounts.models import Team
    from postmortems.server.incidents.models import Alert

    incident = _opened(client, _alert(description=DESCRIPTION, runbook_url=RUNBOOK))
    Team.objects.create(slug="sec", name="Security")
    Alert.objects.update(restricted=True, team="sec")
    outsider = _entry(logged_in(make_user("ann", "author")), incident)
    assert outsider.select_one("details.alert-details") is None
    assert DESCRIPTION.splitlines()[0] not in outsider.get_text()
    insider = _entry(logged_in(make_user("sid", "viewer", team="sec")), incident)
    assert insider.select_one("details.alert-details .alert-description") is not None


def test_an_alert_attached_from_the_inbox_brings_its_details(client: Any, make_user: Any) -> None:
    from postmortems.server.incidents import services, triage
    from postmortems.server.incidents.models import Alert

    integ, secret = integration(team="sre")
    warning = _alert(description=DESCRIPTION)
    warning["labels"]["severity"] = "warning"  # to the inbox
    assert post(client, integ, secret, am_payload("g-w", warning)).status_code == 200
    ann = make_user("ann", "author")
    from django.utils import timezone

    incident = services.declare("Database trouble", ann, team="sre", now=timezone.now())
    alert = Alert.objects.get()
    (fired,) = triage.attach(alert, incident, ann, timezone.now())
    fired.refresh_from_db()
    assert fired.alert == alert
    entry = _entry(logged_in(ann), incident)
    assert entry.select_one(".alert-description").get_text() == DESCRIPTION


def test_the_migration_links_the_alert_entries_stored_before(client: Any) -> None:
    import importlib

    from django.apps import apps

    from postmortems.server.incidents.models import Alert, Event

    nanos = example("alertmanager")["alerts"][0] | {"fingerprint": "c6b1"}
    offset = am_alert("d2", starts="2026-03-01T11:00:00+01:00", status="resolved")
    offset["endsAt"] = "2026-03-01T11:30:00+01:00"
    integ, secret = integration(team="sre")
    assert post(client, integ, secret, am_payload("g", nanos, offset)).status_code == 200
    linked = dict(Event.objects.exclude(alert=None).values_list("pk", "alert_id"))
    assert len(linked) == 3  # two firings and a resolution
    Event.objects.update(alert=None)
    migration = importlib.import_module(
        "postmortems.server.incidents.migrations.0008_event_alert_and_details_change"
    )
    migration.link_alert_events(apps, None)
    assert dict(Event.objects.exclude(alert=None).values_list("pk", "alert_id")) == linked
    kinds = Event.objects.filter(alert=Alert.objects.get(fingerprint="d2")).values_list("kind")
    assert sorted(k for (k,) in kinds) == ["alert-fired", "alert-resolved"]


def _api_timeline(user: Any, key: str) -> list[dict[str, Any]]:
    from django.test import Client

    from postmortems.server.accounts.models import ApiToken

    _, raw = ApiToken.issue(user, "cli", scope="read")
    api = Client(headers={"Authorization": f"Bearer {raw}"}, raise_request_exception=False)
    answer = api.get(f"/api/incidents/{key}")
    assert answer.status_code == 200, answer.content
    timeline: list[dict[str, Any]] = answer.json()["timeline"]
    return timeline


def test_the_api_names_the_alert_of_each_alert_entry(client: Any, make_user: Any) -> None:
    """An API client links an alert entry to its alert as the page does: id, fingerprint, name,
    status and the alert's page; every other entry has none."""
    from postmortems.server.incidents.models import Alert, Incident

    integ, secret = integration(team="sre")
    resolved = am_alert("d3", status="resolved")
    resolved["endsAt"] = "2026-03-01T10:30:00Z"
    for sent in (am_alert("d3"), resolved):
        assert post(client, integ, secret, am_payload("g-disk", sent)).status_code == 200
    incident, alert = Incident.objects.get(), Alert.objects.get()
    timeline = _api_timeline(make_user("ann", "viewer"), incident.key)
    by_kind = {e["kind"]: e["alert"] for e in timeline if e["kind"].startswith("alert-")}
    expected = {
        "id": alert.pk,
        "fingerprint": "d3",
        "name": "A-d3",
        "status": "resolved",
        "page": f"/incidents/inbox/{alert.pk}/",
    }
    assert by_kind == {"alert-fired": expected, "alert-resolved": expected}
    viewer = logged_in(make_user("bo", "viewer"))
    assert "A-d3" in viewer.get(expected["page"]).content.decode()  # the alert's own page
    others = [e for e in timeline if not e["kind"].startswith("alert-")]
    assert others
    assert all(e["alert"] is None for e in others)


def test_the_api_leaves_out_an_alert_of_another_teams_restriction(
    client: Any, make_user: Any
) -> None:
    from postmortems.server.accounts.models import Team
    from postmortems.server.incidents.models import Alert

    incident = _opened(client, _alert(description=DESCRIPTION))
    Team.objects.create(slug="sec", name="Security")
    Alert.objects.update(restricted=True, team="sec", fingerprint="secret-fp")
    outsider = _api_timeline(make_user("ann", "author"), incident.key)
    fired = next(e for e in outsider if e["kind"] == "alert-fired")
    assert fired["alert"] is None
    assert "secret-fp" not in json.dumps(outsider)
    insider = _api_timeline(make_user("sid", "viewer", team="sec"), incident.key)
    fired = next(e for e in insider if e["kind"] == "alert-fired")
    assert fired["alert"]["fingerprint"] == "secret-fp"
