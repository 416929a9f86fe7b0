"""An incident declared from an alert of the inbox records that alert: its Time in inbox counts
from it (not from an earlier alert attached later), and its page links it to who may see it."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from tests.server.incident_fixtures import am_alert, am_payload, integration, logged_in, post

pytestmark = pytest.mark.django_db

DECLARE = {"severity": "SEV3", "team": "sre", "services": "checkout", "timezone": "UTC"}


def _alert(fingerprint: str) -> Any:
    from postmortems.server.incidents.models import Alert

    return Alert.objects.get(fingerprint=fingerprint)


@pytest.fixture
def prod(db: None) -> tuple[Any, str]:
    return integration("prod", team="sre")


def _received(client: Client, prod: tuple[Any, str], fingerprint: str, minutes_ago: int) -> Any:
    """An alert of team sre's Alertmanager in the inbox, received ``minutes_ago``."""
    from django.utils import timezone

    from postmortems.server.incidents.models import Alert

    began = (timezone.now() - dt.timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
    alert = am_alert(fingerprint, severity="warning", starts=began)
    assert post(client, *prod, am_payload(fingerprint, alert)).status_code == 200
    when = timezone.now() - dt.timedelta(minutes=minutes_ago, seconds=10)
    Alert.objects.filter(fingerprint=fingerprint).update(received=when)
    return _alert(fingerprint)


def _page(client: Client, key: str) -> BeautifulSoup:
    answer = client.get(f"/incidents/{key}/")
    assert answer.status_code == 200
    return BeautifulSoup(answer.content, "html.parser")


def _in_inbox(page: BeautifulSoup) -> str | None:
    rows = [[td.get_text(" ", strip=True) for td in tr("td")] for tr in page("tr")]
    return next((r[1] for r in rows if r[:1] == ["Time in inbox"]), None)


def _declared_from(page: BeautifulSoup) -> str:
    found = page.select_one("p.declared-from")
    return " ".join(found.get_text().split()) if found else ""


def _declared_then_attached(client: Client, prod: Any, me: Client, name: str) -> Any:
    """Alerts ``<name>0`` (received 30 minutes ago) and ``<name>1`` (6 minutes ago): ``me``
    declares an incident from the second, then attaches the first to it; the incident."""
    earlier = _received(client, prod, f"{name}0", 30)
    declared = _received(client, prod, f"{name}1", 6)
    answer = me.post(f"/incidents/inbox/{declared.pk}/open/", {**DECLARE, "title": "Slow"})
    assert answer.status_code == 302
    incident = _alert(f"{name}1").incident
    attached = me.post(f"/incidents/inbox/{earlier.pk}/attach/", {"incident": incident.key})
    assert attached.status_code == 302
    assert _alert(f"{name}0").incident_id == incident.pk
    incident.refresh_from_db()
    return incident


def test_time_in_inbox_counts_from_the_alert_declared_from(
    make_user: Any, client: Client, prod: Any
) -> None:
    """An alert that waited longer in the inbox, attached after the declaration, does not
    change it: the incident was declared from the other one."""
    me = logged_in(make_user("ann", "author", team="sre"))
    incident = _declared_then_attached(client, prod, me, "new")
    declared = _alert("new1")
    assert incident.declared_from_id == declared.pk  # attaching later leaves it
    page = _page(me, incident.key)
    assert (_in_inbox(page) or "").startswith("6 min")  # not the 30 min of new0
    assert _declared_from(page) == "Declared from the alert alert new1"
    link = page.select_one("p.declared-from a")
    assert link["href"] == f"/incidents/inbox/{declared.pk}/"
    assert me.get(link["href"]).status_code == 200


def test_an_incident_declared_by_hand_keeps_its_rule(
    make_user: Any, client: Client, prod: Any
) -> None:
    """Declared on the incidents page, then an alert attached: no Time in inbox, no alert it
    was declared from."""
    alert = _received(client, prod, "w9", 12)
    me = logged_in(make_user("ann", "author", team="sre"))
    answer = me.post("/incidents/declare/", {**DECLARE, "title": "By hand"})
    assert answer.status_code == 302
    key = answer["Location"].strip("/").split("/")[-1]
    assert me.post(f"/incidents/inbox/{alert.pk}/attach/", {"incident": key}).status_code == 302
    page = _page(me, key)
    assert _in_inbox(page) is None
    assert page.select_one("p.declared-from") is None
    from postmortems.server.incidents.models import Incident

    assert Incident.objects.get(key=key).declared_from_id is None


def test_without_its_alert_no_other_alert_stands_in(
    make_user: Any, client: Client, prod: Any
) -> None:
    """Its alert deleted (its integration's with it): no time in the inbox is known, and an
    alert attached later is not taken for it."""
    from postmortems.server.incidents.models import Alert, Incident

    me = logged_in(make_user("ann", "author", team="sre"))
    incident = _declared_then_attached(client, prod, me, "d")
    declared = _alert("d1")
    assert (_in_inbox(_page(me, incident.key)) or "").startswith("6 min")
    Alert.objects.filter(pk=declared.pk).delete()
    assert Incident.objects.get(pk=incident.pk).declared_from_id is None  # SET_NULL
    page = _page(me, incident.key)
    assert _in_inbox(page) is None  # not the 30 min of d0
    assert page.select_one("p.declared-from") is None


def test_an_alert_the_reader_may_not_see_is_neither_named_nor_linked(
    make_user: Any, client: Client, prod: Any
) -> None:
    from postmortems.server.accounts.models import set_role
    from postmortems.server.incidents.models import Alert

    declared = _received(client, prod, "s1", 6)
    ann = logged_in(make_user("ann", "author", team="sre"))
    ann.post(f"/incidents/inbox/{declared.pk}/open/", {**DECLARE, "title": "Slow"})
    incident = _alert("s1").incident
    # the alert restricted to another team since (the admin may): the incident stays readable
    Alert.objects.filter(pk=declared.pk).update(restricted=True, team="sec")
    page = _page(ann, incident.key)
    assert _declared_from(page) == "Declared from an alert you may not see."
    assert page.select_one("p.declared-from a") is None
    assert f"/incidents/inbox/{declared.pk}/" not in str(page)
    # its own team's reader sees it named and linked
    sam = make_user("sam", "viewer", team="sec")
    set_role(sam, "sre", "viewer")
    sec = logged_in(sam)
    assert _declared_from(_page(sec, incident.key)) == "Declared from the alert alert s1"


def test_a_restricted_incident_shows_nothing_to_an_outsider(
    make_user: Any, client: Client, prod: Any
) -> None:
    integ, secret = integration("vault", team="sec", restricted=True)
    warning = am_alert("v1", severity="warning", service="vault")
    assert post(client, integ, secret, am_payload("v", warning)).status_code == 200
    alert = _alert("v1")
    sam = logged_in(make_user("sam", "author", team="sec"))
    data = {**DECLARE, "team": "sec", "restricted": "on", "title": "Vault sealed"}
    assert sam.post(f"/incidents/inbox/{alert.pk}/open/", data).status_code == 302
    incident = _alert("v1").incident
    assert incident.declared_from_id == alert.pk
    assert _declared_from(_page(sam, incident.key)) == "Declared from the alert alert v1"
    eve = make_user("eve", "admin", team="sre")
    outsider = logged_in(eve)
    assert outsider.get(f"/incidents/{incident.key}/").status_code == 404
    assert outsider.get(f"/incidents/inbox/{alert.pk}/").status_code == 404
    # nor to the API: absent from the list, 404 by its key, its alert named nowhere
    assert incident.key not in json.dumps(_api(eve).get("/api/incidents").json())
    answer = _api(eve).get(f"/api/incidents/{incident.key}")
    assert answer.status_code == 404
    assert "v1" not in answer.content.decode()


def test_the_migration_finds_the_alert_an_earlier_declaration_attached(
    make_user: Any, client: Client, prod: Any
) -> None:
    """Incidents declared from the inbox before the record take the alert attached in the
    declaration's transaction; one declared by hand with an alert attached later takes none."""
    import importlib

    from django.apps import apps

    from postmortems.server.incidents.models import Incident

    step = importlib.import_module(
        "postmortems.server.incidents.migrations.0016_incident_declared_from"
    )
    me = logged_in(make_user("ann", "author", team="sre"))
    from_inbox = _declared_then_attached(client, prod, me, "m")
    declared = _alert("m1")
    by_hand = me.post("/incidents/declare/", {**DECLARE, "title": "By hand"})
    hand_key = by_hand["Location"].strip("/").split("/")[-1]
    later = _received(client, prod, "m2", 3)
    me.post(f"/incidents/inbox/{later.pk}/attach/", {"incident": hand_key})
    Incident.objects.update(declared_from=None)  # as before the migration
    step.record_declared_from(apps, None)
    assert Incident.objects.get(pk=from_inbox.pk).declared_from_id == declared.pk
    assert Incident.objects.get(key=hand_key).declared_from_id is None


def _api(user: Any, scope: str = "read") -> Client:
    from postmortems.server.accounts.models import ApiToken

    _, raw = ApiToken.issue(user, "cli", scope=scope)
    return Client(headers={"Authorization": f"Bearer {raw}"})


def test_the_api_names_the_alert_to_who_may_see_it(
    make_user: Any, client: Client, prod: Any
) -> None:
    """GET /api/incidents/{key} gives the alert declared from (not the one attached later);
    restricted to another team since, it is null to ann and named to that team's reader, and
    nothing of it (id, fingerprint, summary) is in ann's answer."""
    from postmortems.server.accounts.models import set_role
    from postmortems.server.incidents.models import Alert

    ann = make_user("ann", "author", team="sre")
    incident = _declared_then_attached(client, prod, logged_in(ann), "api")
    declared = _alert("api1")
    Alert.objects.filter(pk=declared.pk).update(summary="Checkout p99 above 2s")
    answer = _api(ann).get(f"/api/incidents/{incident.key}")
    assert answer.status_code == 200
    assert answer.json()["declared_from"] == {
        "id": declared.pk,
        "fingerprint": "api1",
        "name": declared.labels["alertname"],
        "summary": "Checkout p99 above 2s",
        "status": "firing",
        "integration": "alertmanager/prod",
        "page": f"/incidents/inbox/{declared.pk}/",
    }
    Alert.objects.filter(pk=declared.pk).update(restricted=True, team="sec")
    hidden = _api(ann).get(f"/api/incidents/{incident.key}").json()
    assert hidden["declared_from"] is None
    assert "Checkout p99" not in json.dumps(hidden)
    assert f"/incidents/inbox/{declared.pk}/" not in json.dumps(hidden)
    sam = make_user("sam", "viewer", team="sec")
    set_role(sam, "sre", "viewer")
    seen = _api(sam).get(f"/api/incidents/{incident.key}").json()["declared_from"]
    assert (seen["id"], seen["fingerprint"]) == (declared.pk, "api1")


def test_the_api_says_null_when_declared_otherwise_or_its_alert_deleted(
    make_user: Any, client: Client, prod: Any
) -> None:
    from postmortems.server.incidents.models import Alert

    ann = make_user("ann", "author", team="sre")
    api = _api(ann, scope="write")
    made = api.post(
        "/api/incidents",
        data=json.dumps({"title": "By the API", "team": "sre"}),
        content_type="application/json",
    )
    assert made.status_code == 201
    assert made.json()["declared_from"] is None
    incident = _declared_then_attached(client, prod, logged_in(ann), "gone")
    assert api.get(f"/api/incidents/{incident.key}").json()["declared_from"]["fingerprint"] == (
        "gone1"
    )
    Alert.objects.filter(fingerprint="gone1").delete()
    assert api.get(f"/api/incidents/{incident.key}").json()["declared_from"] is None
