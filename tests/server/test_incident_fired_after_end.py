"""An alert sent firing again with its start after its incident ended (Alertmanager does so after
its ``resolve_timeout``) is not swallowed by the ended incident: it is routed as a new alert —
a new incident that pages, an open one, or the inbox — that says it fired again after that
incident, whose timeline says where it went. While the incident is open it fires again there
(``test_incident_ingest``).

Before: the alert's row stayed in the ended incident, firing; the incident's timeline said
``Alert fired again`` and nobody saw it: no incident, no inbox entry, no page."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from oncall_fixtures import policy
from tests.server.incident_fixtures import am_alert, am_payload, integration, logged_in, post

from postmortems.oncall import model

pytestmark = pytest.mark.django_db

ENDED = "2026-03-01T10:20:00Z"


@pytest.fixture
def client() -> Client:
    return Client(raise_request_exception=False)


def _send(client: Client, integ: Any, secret: str, status: str, **kw: Any) -> dict[str, Any]:
    ends = ENDED if status == "resolved" else "0001-01-01T00:00:00Z"
    alert = am_alert("F", status=status, ends=ends, **kw)
    answer = post(client, integ, secret, am_payload("g", alert, status=status))
    assert answer.status_code == 200, answer.content
    result: dict[str, Any] = answer.json()
    return result


def _resolve(key: str, make_user: Any) -> Any:
    from django.utils import timezone

    from postmortems.server.incidents import services
    from postmortems.server.incidents.models import Incident

    incident = Incident.objects.get(key=key)
    services.change_status(incident, "resolved", make_user("ivy", "author"), timezone.now())
    return incident


def _texts(key: str, kind: str = "note") -> list[str]:
    from postmortems.server.incidents.models import Event

    rows = Event.objects.filter(incident__key=key, kind=kind).order_by("at", "id")
    return list(rows.values_list("text", flat=True))


def _links(key: str) -> list[str]:
    from postmortems.server.incidents.models import Event

    rows = Event.objects.filter(incident__key=key, kind="note").order_by("at", "id")
    return list(rows.values_list("link", flat=True))


def _url(path: str) -> str:
    from postmortems.server.config import absolute_url

    return absolute_url(path)


def test_an_alert_firing_again_after_its_incident_was_resolved_opens_one_that_pages(
    client: Client, make_user: Any
) -> None:
    from postmortems.server.incidents.models import Alert
    from postmortems.server.oncall import store
    from postmortems.server.oncall.models import Page

    pages = policy("checkout-page", (((("user", "alice"),), 10),))
    service = model.Service("checkout", "checkout-page", "sre")
    store.apply_config(model.Config((), (pages,), {}, (service,)), dry_run=False)
    integ, secret = integration(team="sre")
    (first,) = _send(client, integ, secret, "firing")["incidents"]
    assert _send(client, integ, secret, "resolved")["changed"] == 1
    _resolve(first, make_user)
    assert Page.objects.get().state == "resolved"
    again = _send(client, integ, secret, "firing")
    (second,) = again["incidents"]
    assert second != first
    assert again["new"] == 1
    # The earlier firing stays as it was, in the incident that ended.
    old, new = Alert.objects.order_by("firings")
    assert (old.incident.key, old.status, old.firings) == (first, "resolved", 1)
    assert (new.incident.key, new.status, new.firings) == (second, "firing", 2)
    assert _texts(second, "alert-fired") == ["Alert fired: alert F"]  # in this incident
    assert _texts(second) == [
        f"This alert fired again after {first} was resolved: it was in that incident before."
    ]
    assert _links(second) == [_url(f"/incidents/{first}/")]
    assert _texts(first)[-1] == (
        f"Alert fired again after this incident was resolved: alert F — it opened {second}."
    )
    assert _links(first)[-1] == _url(f"/incidents/{second}/")
    # It pages, as a new alert that opens an incident does.
    assert Page.objects.filter(incident_key=second, state="open").exists()
    # Alertmanager's repeats change nothing; the next resolution and firing are the new row's.
    repeat = _send(client, integ, secret, "firing")
    assert (repeat["new"], repeat["changed"], repeat["events"]) == (0, 0, 0)
    assert _send(client, integ, secret, "resolved")["incidents"] == [second]
    assert Alert.objects.get(pk=new.pk).status == "resolved"
    assert Alert.objects.get(pk=old.pk).status == "resolved"
    assert _send(client, integ, secret, "firing")["incidents"] == [second]  # still open
    assert _texts(second, "alert-fired")[-1] == "Alert fired again: alert F"
    assert Alert.objects.count() == 2


def test_an_alert_routing_sends_to_the_inbox_goes_back_there_saying_which_incident_ended(
    client: Client, make_user: Any
) -> None:
    """A warning stays in the inbox; a person attached it to an incident, which was resolved;
    sent firing again, it is in the inbox once more, and says after which incident."""
    from django.utils import timezone

    from postmortems.server.incidents import services, triage
    from postmortems.server.incidents.models import Alert

    integ, secret = integration(team="sre")
    assert _send(client, integ, secret, "firing", severity="warning")["incidents"] == []
    ann = make_user("ann", "author")
    incident = services.declare("Checkout slow", ann, team="sre", now=timezone.now())
    triage.attach(Alert.objects.get(), incident, ann, timezone.now())
    _send(client, integ, secret, "resolved", severity="warning")
    _resolve(incident.key, make_user)
    again = _send(client, integ, secret, "firing", severity="warning")
    assert (again["new"], again["incidents"]) == (1, [])
    new = Alert.objects.get(incident__isnull=True)
    assert (new.status, new.firings) == ("firing", 2)
    inbox = BeautifulSoup(logged_in(ann).get("/incidents/inbox/").content, "html.parser")
    row = inbox.select_one(f"#alert-{new.pk}")
    said = " ".join(row.select_one(".fired-after").get_text(" ").split())
    assert said == f"Fired again after {incident.key} was resolved"
    assert row.select_one(".fired-after a")["href"] == f"/incidents/{incident.key}/"
    page = BeautifulSoup(logged_in(ann).get(f"/incidents/inbox/{new.pk}/").content, "html.parser")
    assert f"Fired again after {incident.key} was resolved" in page.select_one("#fired-after").text
    assert _texts(incident.key)[-1] == (
        "Alert fired again after this incident was resolved: alert F — it is in the alert inbox."
    )
    assert _links(incident.key)[-1] == _url(f"/incidents/inbox/{new.pk}/")


def _restricted_then_public(client: Client, make_user: Any, **rule: str) -> tuple[str, Any]:
    """An alert of team red's restricted integration opened an incident, since resolved; the
    integration is public now, and a rule sends its alerts to team blue (``rule``: more)."""
    from postmortems.server.incidents.models import RoutingRule

    integ, secret = integration(team="red", restricted=True)
    (first,) = _send(client, integ, secret, "firing")["incidents"]
    _send(client, integ, secret, "resolved")
    _resolve(first, make_user)
    RoutingRule.objects.create(integration=integ, matchers="service=checkout", team="blue", **rule)
    integ.restricted = False
    integ.save()
    return first, _send(client, integ, secret, "firing")


def test_a_restricted_incident_is_named_only_where_all_readers_may_see_it(
    client: Client, make_user: Any
) -> None:
    """The public incident it opens does not name the restricted one it fired again after; the
    restricted one names the public one."""
    first, again = _restricted_then_public(client, make_user)
    (second,) = again["incidents"]
    assert _texts(second)[0] == (
        "This alert fired again after a restricted incident was resolved: it was in that "
        "incident before."
    )
    assert _links(second)[0] == ""
    assert _texts(first)[-1].endswith(f"— it opened {second}.")


def test_the_inbox_says_an_incident_you_may_not_see_without_its_key(
    client: Client, make_user: Any
) -> None:
    from postmortems.server.incidents.models import Alert

    first, again = _restricted_then_public(client, make_user, action="inbox")
    assert again["incidents"] == []
    new = Alert.objects.get(incident__isnull=True)
    blue = logged_in(make_user("bo", "author", team="blue"))
    inbox = BeautifulSoup(blue.get("/incidents/inbox/").content, "html.parser")
    said = " ".join(inbox.select_one(f"#alert-{new.pk} .fired-after").get_text(" ").split())
    assert said == "Fired again after an incident you may not see ended"
    assert first not in blue.get(f"/incidents/inbox/{new.pk}/").content.decode()
    red = logged_in(make_user("rita", "author", team="red"))
    inbox = BeautifulSoup(red.get("/incidents/inbox/").content, "html.parser")
    assert first in inbox.select_one(f"#alert-{new.pk} .fired-after").get_text()
