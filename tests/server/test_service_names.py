"""Service names on the server: the declare and details forms, the API, alerts' labels and the
rows stored before the rule, all by postmortems.servicenames (docs/incidents.md)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from tests.server.incident_fixtures import am_alert, am_payload, integration, logged_in, post

pytestmark = pytest.mark.django_db

FORM = {"title": "Checkout slow", "severity": "SEV2", "team": "sre", "timezone": "UTC"}
JUNK = "Checkout API, ../../etc, <b>x</b>"


def _services_error(page: bytes) -> str:
    soup = BeautifulSoup(page, "html.parser")
    control = soup.select_one("#declare-services")
    assert control["aria-invalid"] == "true"
    return str(soup.select_one(f"#{control['aria-describedby']}").get_text(" ", strip=True))


def test_the_declare_form_refuses_what_is_no_service_name_and_keeps_the_text(
    make_user: Any,
) -> None:
    from postmortems.server.incidents.models import Incident

    me = logged_in(make_user("ann", "author", team="sre"))
    answer = me.post("/incidents/declare/", {**FORM, "services": JUNK}, follow=True)
    assert answer.status_code == 400
    said = _services_error(answer.content)
    assert "'../../etc' is not a service name; '<b>x</b>' is not a service name" in said
    assert "lower-case letters (of any script), digits and - _ . /" in said
    soup = BeautifulSoup(answer.content, "html.parser")
    assert soup.select_one("#declare-services")["value"] == JUNK  # all of it, as typed
    assert soup.select_one("#declare-title")["value"] == "Checkout slow"
    assert not Incident.objects.exists()


def test_the_declare_form_writes_a_name_as_a_service_name_and_says_so(make_user: Any) -> None:
    from postmortems.server.incidents.models import Incident

    me = logged_in(make_user("ann", "author", team="sre"))
    typed = {**FORM, "services": "Checkout API, nginx, checkout-api"}
    answer = me.post("/incidents/declare/", typed, follow=True)
    assert Incident.objects.get().services == ["checkout-api", "nginx"]
    said = BeautifulSoup(answer.content, "html.parser").select_one(".messages").get_text()
    assert "Services are kept as service names: “Checkout API” as checkout-api." in said


def test_a_long_name_is_refused_on_the_details_form_the_text_kept(make_user: Any) -> None:
    from postmortems.server.incidents import services

    ann = make_user("ann", "author", team="sre")
    incident = services.declare("Slow", ann, team="sre", services=["checkout-api"], now=_now())
    long = "x" * 200
    answer = logged_in(ann).post(
        f"/incidents/{incident.key}/details/",
        {"title": "Slow", "services": f"checkout-api, {long}", "team": "sre"},
    )
    assert answer.status_code == 400
    soup = BeautifulSoup(answer.content, "html.parser")
    assert soup.select_one("#details-services")["value"] == f"checkout-api, {long}"
    assert "is 200 characters long" in answer.content.decode()
    incident.refresh_from_db()
    assert incident.services == ["checkout-api"]


def _token(user: Any) -> Client:
    from postmortems.server.accounts.models import ApiToken

    _, raw = ApiToken.issue(user, "cli", scope="write")
    return Client(headers={"Authorization": f"Bearer {raw}"}, raise_request_exception=False)


def _send(client: Client, method: str, path: str, body: Any) -> Any:
    return client.generic(method, path, json.dumps(body), content_type="application/json")


def test_the_api_normalises_a_name_and_refuses_what_is_none(make_user: Any) -> None:
    api = _token(make_user("ann", "author", team="sre"))
    body = {"title": "DB slow", "team": "sre", "page": False}
    made = _send(api, "POST", "/api/incidents", {**body, "services": ["Checkout API", "nginx"]})
    assert made.status_code == 201, made.content
    assert made.json()["services"] == ["checkout-api", "nginx"]
    refused = _send(api, "POST", "/api/incidents", {**body, "services": ["ok", "../../etc"]})
    assert refused.status_code == 422
    (error,) = refused.json()["errors"]
    assert error["field"] == "services.1"
    assert "'../../etc' is not a service name: a service name is lower-case" in error["msg"]
    key = made.json()["key"]
    patched = _send(api, "PATCH", f"/api/incidents/{key}", {"services": ["<b>x</b>"]})
    assert patched.status_code == 422
    assert _send(api, "PATCH", f"/api/incidents/{key}", {"services": ["Nginx"]}).json()[
        "services"
    ] == ["nginx"]


@pytest.mark.parametrize(
    ("label", "service"),
    [("Checkout API", "checkout-api"), ("../../etc", ""), ("<b>x</b>", ""), ("x" * 200, "")],
)
def test_an_alerts_service_label_is_normalised_or_left_out_never_refused(
    client: Client, label: str, service: str
) -> None:
    from postmortems.server.incidents.models import Alert, Incident

    integ, secret = integration(team="sre")
    answer = post(client, integ, secret, am_payload("g1", am_alert("f1", service=label)))
    assert answer.status_code == 200
    alert = Alert.objects.get()
    assert alert.service == service
    assert alert.labels["service"] == label  # the label as sent stays on the alert
    assert Incident.objects.get().services == ([service] if service else [])


def test_a_routing_rule_and_a_service_typed_in_the_admin_are_service_names() -> None:
    from postmortems.server.incidents.admin import RoutingRuleForm
    from postmortems.server.oncall.admin import ServiceForm

    rule = RoutingRuleForm(data={"service": "../etc"})
    rule.is_valid()
    assert "'../etc' is not a service name" in rule.errors["service"][0]
    service = ServiceForm(data={"name": "Checkout API"})
    service.is_valid()
    assert "name" not in service.errors
    assert service.cleaned_data["name"] == "checkout-api"


def _now() -> dt.datetime:
    from django.utils import timezone

    return timezone.now()


BEFORE = [
    ("incidents", "0014_postmortem_drafted_event"),
    ("library", "0014_card_incident_key"),
]


@pytest.mark.django_db(transaction=True)
def test_the_migrations_name_the_services_stored_before_the_rule(
    client: Client, make_pm: Any
) -> None:
    """Stored before: an incident's typed services, an alert's label as its service, and the
    labels of a postmortem whose front matter names no service name. After: the names, the
    rest kept as typed on the incident (no name to give it), left out of the alert and of the
    postmortem's labels (as reading its text now does); the Markdown untouched."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from postmortems.server.incidents.models import Alert, Incident
    from postmortems.server.library.models import Label, Postmortem

    # The alert comes in first: today's code writes today's columns. Then back before the rule.
    integ, secret = integration(team="sre")
    assert post(client, integ, secret, am_payload("g1", am_alert("f1"))).status_code == 200
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        Incident.objects.update(services=["../../etc", "Checkout API", "checkout-api"])
        Alert.objects.update(service="Checkout API")
        bad, good = make_pm("PM-T-1"), make_pm("PM-T-2")
        Label.objects.filter(postmortem=bad, kind="services").update(value="Checkout API")
        Postmortem.objects.filter(pk=bad.pk).update(
            label_values={"services": ["Checkout API", "nginx"], "tags": ["tls"]}
        )
        before = {pm.key: (pm.text, pm.label_values) for pm in Postmortem.objects.all()}
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
        assert Incident.objects.get().services == ["../../etc", "checkout-api"]
        assert Alert.objects.get().service == "checkout-api"
        bad.refresh_from_db()
        assert bad.text == before["PM-T-1"][0]
        assert bad.label_values == {"tags": ["tls"]}
        assert not Label.objects.filter(postmortem=bad, kind="services").exists()
        good.refresh_from_db()
        assert good.label_values == before["PM-T-2"][1]
        assert Label.objects.filter(postmortem=good, kind="services").exists()
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
