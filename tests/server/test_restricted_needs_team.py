"""A restricted incident names its team, on every path that makes one restricted: it is seen by
its team only, and with no team (or one that does not exist) superusers alone would see it, so
whoever declared it would lose it. An integration marked restricted names its team too."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from tests.server.incident_fixtures import am_alert, am_payload, integration, post

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 1, 10, 0, tzinfo=dt.UTC)


def _client(user: Any) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def test_the_declare_form_refuses_a_restricted_incident_without_a_team(make_user: Any) -> None:
    from postmortems.server.incidents.models import Incident

    ann = _client(make_user("ann", "author", team="sre"))
    form = {"title": "Payroll export leaked", "severity": "SEV1", "timezone": "UTC"}
    refused = ann.post("/incidents/declare/", {**form, "restricted": "on", "team": ""})
    assert refused.status_code == 400
    soup = BeautifulSoup(refused.content, "html.parser")
    said = soup.select_one("p.field-error#declare-team-error")
    assert said is not None
    assert "a restricted incident needs a team" in said.get_text()
    assert not Incident.objects.exists()
    # The form comes back as sent: fixing it never loses the restriction.
    assert soup.find("input", attrs={"name": "restricted"}).has_attr("checked")
    assert soup.find("input", attrs={"name": "title"})["value"] == form["title"]
    made = ann.post("/incidents/declare/", {**form, "restricted": "on", "team": "sre"})
    assert made.status_code == 302
    incident = Incident.objects.get()
    assert (incident.restricted, incident.team) == (True, "sre")
    assert ann.get(made.url).status_code == 200  # the person who declared it still sees it


def test_a_superuser_cannot_restrict_an_incident_to_a_team_that_does_not_exist(
    make_user: Any,
) -> None:
    from postmortems.server.incidents.models import Incident

    root = _client(make_user("root", superuser=True))
    form = {"title": "Vault", "severity": "SEV1", "timezone": "UTC", "restricted": "on"}
    refused = root.post("/incidents/declare/", {**form, "team": "secops"})
    assert refused.status_code == 400
    assert "no team &#x27;secops&#x27;" in refused.content.decode()
    assert not Incident.objects.exists()


def test_the_api_refuses_a_restricted_incident_without_a_team(make_user: Any) -> None:
    from postmortems.server.accounts.models import ApiToken
    from postmortems.server.incidents.models import Incident

    _, raw = ApiToken.issue(make_user("ann", "author", team="sre"), "cli")
    api = Client(headers={"Authorization": f"Bearer {raw}"}, raise_request_exception=False)
    body = {"title": "Payroll export leaked", "restricted": True}
    refused = api.post("/api/incidents", json.dumps(body), content_type="application/json")
    assert refused.status_code == 422
    assert "a restricted incident needs a team" in refused.json()["detail"]
    assert not Incident.objects.exists()
    schema = api.get("/api/openapi.json").json()["components"]["schemas"]["IncidentDeclareIn"]
    assert schema["then"]["required"] == ["team"]  # the contract says so too


def test_the_service_refuses_it_whoever_calls(make_user: Any) -> None:
    from postmortems.incident.model import IncidentError
    from postmortems.server.incidents import services

    root = make_user("root", superuser=True)
    with pytest.raises(IncidentError, match="needs a team"):
        services.declare("Vault", root, restricted=True, now=NOW)
    with pytest.raises(IncidentError, match="no team 'ghosts'"):
        services.declare("Vault", root, team="ghosts", restricted=True, now=NOW)
    assert services.declare("Vault", root, now=NOW).team == ""  # an open one needs none


def test_a_restricted_integration_needs_a_team() -> None:
    from postmortems.errors import PostmortemsError
    from postmortems.server.incidents.models import Integration

    with pytest.raises(PostmortemsError, match="a restricted integration needs a team") as no:
        integration("vault", restricted=True)
    assert "--team" in str(no.value)
    assert not Integration.objects.exists()


def test_the_admin_refuses_a_restricted_integration_or_incident_without_a_team(
    make_user: Any,
) -> None:
    from postmortems.server.incidents import services
    from postmortems.server.incidents.models import Incident, Integration

    admin = _client(make_user("root", superuser=True))
    integ, _secret = integration("prod", team="sre")
    form = {"name": "prod", "kind": "alertmanager", "team": "", "timezone": "UTC"}
    refused = admin.post(
        f"/admin/incidents/integration/{integ.pk}/change/", form | {"restricted": "on"}
    )
    assert refused.status_code == 200  # the form again, with the error
    assert "a restricted integration needs a team" in refused.content.decode()
    assert not Integration.objects.get().restricted
    incident = services.declare("Vault", make_user("ann", "author", team="sre"), now=NOW)
    page = f"/admin/incidents/incident/{incident.pk}/change/"
    data = _form_values(admin.get(page).content) | {"restricted": "on"}
    refused = admin.post(page, data | {"team": ""})
    assert "a restricted incident needs a team" in refused.content.decode()
    assert not Incident.objects.get().restricted
    admin.post(page, data | {"team": "sre"})
    assert (Incident.objects.get().restricted, Incident.objects.get().team) == (True, "sre")


def test_the_admin_refuses_a_restricted_alert_without_a_team(client: Client) -> None:
    from django.core.exceptions import ValidationError

    from postmortems.server.incidents.models import Alert

    integ, secret = integration("prod", team="sre")
    post(client, integ, secret, am_payload("g1", am_alert("f1")))
    alert = Alert.objects.get()
    alert.restricted, alert.team = True, ""
    with pytest.raises(ValidationError, match="a restricted alert needs a team"):
        alert.clean()
    alert.team = "sre"
    alert.clean()


def _form_values(html: bytes) -> dict[str, str]:
    """What the admin's change form would post as it is shown."""
    form = BeautifulSoup(html, "html.parser").find("form", id="incident_form")
    values = {}
    for field in form.find_all(["input", "select", "textarea"]):
        name = field.get("name")
        if not name or (field.get("type") == "checkbox" and not field.has_attr("checked")):
            continue
        if field.name == "select":
            chosen = field.find("option", selected=True)
            values[name] = chosen["value"] if chosen else ""
        else:
            values[name] = field.get_text() if field.name == "textarea" else field.get("value", "")
    return values


def test_a_restricted_integration_saved_without_a_team_before_the_rule_keeps_its_alerts(
    client: Client, caplog: Any
) -> None:
    """One made before a team was required: its alerts are not refused (an alert is never lost
    for the server's configuration), and the log says what to fix."""
    from postmortems.server.incidents.models import Incident, Integration

    integ, secret = integration("ids", team="sre", restricted=True)
    Integration.objects.filter(pk=integ.pk).update(team="")
    with caplog.at_level("ERROR"):
        answer = post(client, integ, secret, am_payload("g1", am_alert("f1")))
    assert answer.status_code == 200
    assert Incident.objects.get().restricted
    assert "integration alertmanager/ids is restricted but names no team" in caplog.text
