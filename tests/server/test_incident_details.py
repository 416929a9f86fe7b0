"""An incident's title, services and team changed after it was declared: on its page (Edit
details) and through `PATCH /api/incidents/{key}`, each change on the timeline, the team's
rights and a restricted incident's team respected, and the drafted postmortem following."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from tests.server.incident_fixtures import logged_in

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 4, 12, 0, tzinfo=dt.UTC)
NEW_TITLE = "Expired certificate on the edge proxies"


def _declared(user: Any, **kw: Any) -> Any:
    from postmortems.server.incidents import services

    kw.setdefault("team", "sre")
    return services.declare("Checkout 502s", user, services=["checkout"], now=NOW, **kw)


def _changes(incident: Any) -> list[tuple[str, str]]:
    return list(incident.events.filter(kind="details-change").values_list("text", "author"))


def _form(page: bytes) -> Any:
    return BeautifulSoup(page, "html.parser").select_one("form.edit-details")


def test_an_author_edits_the_details_on_the_page(make_user: Any) -> None:
    from postmortems.server.accounts.models import set_role

    ann = make_user("ann", "author")
    set_role(ann, "platform", "author")
    incident = _declared(ann)
    me = logged_in(ann)
    form = _form(me.get(f"/incidents/{incident.key}/").content)
    assert form["action"] == f"/incidents/{incident.key}/details/"
    assert form.select_one("input[name=title]")["value"] == "Checkout 502s"
    assert form.select_one("input[name=services]")["value"] == "checkout"
    answer = me.post(
        form["action"],
        {"title": f"  {NEW_TITLE} ", "services": "checkout, edge-proxy, ", "team": "platform"},
    )
    assert answer.status_code == 302
    incident.refresh_from_db()
    assert (incident.title, incident.services, incident.team) == (
        NEW_TITLE,
        ["checkout", "edge-proxy"],
        "platform",
    )
    assert _changes(incident) == [
        (f"Title changed from “Checkout 502s” to “{NEW_TITLE}”.", "ann"),
        ("Services changed from checkout to checkout, edge-proxy.", "ann"),
        ("Team changed from sre to platform.", "ann"),
    ]
    last = incident.events.filter(kind="details-change").order_by("id").last()
    assert answer["Location"] == f"/incidents/{incident.key}/#event-{last.pk}"
    page = BeautifulSoup(me.get(answer["Location"]).content, "html.parser")
    assert page.select_one("h1").get_text() == NEW_TITLE
    assert "Team changed from sre to platform." in page.select_one("table.timeline").get_text()
    # The same values again: nothing written.
    again = me.post(
        form["action"], {"title": NEW_TITLE, "services": "edge-proxy,checkout", "team": "platform"}
    )
    assert again.status_code == 302
    assert len(_changes(incident)) == 3
    assert "Nothing changed" in me.get(again["Location"]).content.decode()


def test_a_team_you_may_not_declare_for_is_refused_beside_the_field(make_user: Any) -> None:
    from postmortems.server.accounts.models import Team

    Team.objects.create(slug="payments", name="Payments")
    ann = make_user("ann", "author")
    incident = _declared(ann)
    answer = logged_in(ann).post(
        f"/incidents/{incident.key}/details/",
        {"title": NEW_TITLE, "services": "checkout", "team": "payments"},
    )
    assert answer.status_code == 403
    form = _form(answer.content)
    error = form.select_one("#details-team-error")
    assert "you need the author role in team payments" in error.get_text()
    assert form.select_one("input[name=team]")["aria-invalid"] == "true"
    assert form.select_one("input[name=title]")["value"] == NEW_TITLE  # what was typed is kept
    assert form.select_one("input[name=team]")["value"] == "payments"
    incident.refresh_from_db()
    assert (incident.title, incident.team) == ("Checkout 502s", "sre")
    assert _changes(incident) == []


def test_a_restricted_incident_keeps_a_team_that_exists(make_user: Any) -> None:
    ann = make_user("ann", "author")
    boss = make_user("root", superuser=True)
    incident = _declared(ann, restricted=True)
    me = logged_in(ann)
    page = me.get(f"/incidents/{incident.key}/").content.decode()
    assert "it stays restricted" in page
    no_team = me.post(f"/incidents/{incident.key}/details/", {"title": "x", "team": ""})
    assert no_team.status_code == 400
    said = _form(no_team.content).select_one("#details-team-error").get_text()
    assert "a restricted incident needs a team" in said
    ghost = logged_in(boss).post(
        f"/incidents/{incident.key}/details/", {"title": "x", "team": "ghost"}
    )
    assert ghost.status_code == 400
    assert "no team 'ghost'" in _form(ghost.content).select_one("#details-team-error").get_text()
    incident.refresh_from_db()
    assert (incident.title, incident.team, incident.restricted) == ("Checkout 502s", "sre", True)


def test_a_team_the_server_does_not_have_is_refused(make_user: Any) -> None:
    """Not restricted, the incident was moved to any name a superuser typed: its team would be
    one nobody is in. The form, and the API, say which teams may be chosen."""
    from postmortems.server.accounts.models import Team

    Team.objects.create(slug="payments", name="Payments")
    incident = _declared(make_user("ann", "author"))
    boss = make_user("root", superuser=True)
    page = logged_in(boss).post(
        f"/incidents/{incident.key}/details/", {"title": NEW_TITLE, "team": "nope"}
    )
    assert page.status_code == 400
    said = _form(page.content).select_one("#details-team-error").get_text()
    assert "no team 'nope': an incident's team is one of the server's teams" in said
    assert "choose one of payments, sre (or leave the team as it is)" in said
    answer = _patch(_api(boss), incident.key, {"title": NEW_TITLE, "team": " nope "})
    assert answer.status_code == 422
    body = answer.json()
    assert body["detail"] == "no team 'nope': an incident's team is one of the server's teams"
    assert body["hint"] == "choose one of payments, sre (or leave the team as it is)"
    assert body["errors"] == [{"field": "team", "msg": body["detail"]}]
    incident.refresh_from_db()
    assert (incident.title, incident.team) == ("Checkout 502s", "sre")
    assert _changes(incident) == []
    # An author is offered the teams they may move it to, not every team.
    mine = _patch(_api(make_user("bea", "author")), incident.key, {"team": "nope"})
    assert mine.json()["hint"] == "choose one of sre (or leave the team as it is)"
    assert _patch(_api(boss), incident.key, {"team": "payments"}).status_code == 200


def test_a_blank_title_is_refused_and_a_viewer_has_no_form(make_user: Any) -> None:
    ann = make_user("ann", "author")
    incident = _declared(ann)
    blank = logged_in(ann).post(
        f"/incidents/{incident.key}/details/", {"title": "  ", "team": "sre"}
    )
    assert blank.status_code == 400
    assert _form(blank.content).select_one("#details-title-error") is not None
    vic = logged_in(make_user("vic", "viewer"))
    assert _form(vic.get(f"/incidents/{incident.key}/").content) is None
    refused = vic.post(f"/incidents/{incident.key}/details/", {"title": "mine", "team": "sre"})
    assert refused.status_code == 403
    incident.refresh_from_db()
    assert incident.title == "Checkout 502s"


def test_the_alerts_of_an_incident_move_with_its_team(client: Any, make_user: Any) -> None:
    from tests.server.incident_fixtures import open_incident

    from postmortems.server.accounts.models import set_role
    from postmortems.server.incidents import details
    from postmortems.server.incidents.models import Alert

    incident = open_incident(client)
    ann = make_user("ann", "author")
    set_role(ann, "web", "author")
    details.change_details(incident, ann, NOW, team="web")
    assert set(Alert.objects.values_list("team", flat=True)) == {"web"}


def test_the_drafted_postmortem_follows_the_new_title_and_services(make_user: Any) -> None:
    from postmortems.server.incidents import details, drafting

    ann = make_user("ann", "author")
    first = _declared(ann)
    details.change_details(first, ann, NOW, title=NEW_TITLE, services_named=["checkout", "edge"])
    pm = drafting.write_postmortem(first, ann, NOW)
    assert pm.title == NEW_TITLE
    assert "services: [checkout, edge]" in pm.text
    second = _declared(ann)
    drafting.write_postmortem(second, ann, NOW)
    second.refresh_from_db()
    details.change_details(second, ann, NOW, title=NEW_TITLE, services_named=["checkout", "edge"])
    diff = drafting.offered(second).diff
    assert "-title: Checkout 502s\n" in diff
    assert f"+title: {NEW_TITLE}\n" in diff
    assert "+services: [checkout, edge]\n" in diff


def _api(user: Any) -> Client:
    from postmortems.server.accounts.models import ApiToken

    _, raw = ApiToken.issue(user, "cli", scope="write")
    return Client(headers={"Authorization": f"Bearer {raw}"}, raise_request_exception=False)


def _patch(api: Client, key: str, body: Any) -> Any:
    return api.patch(
        f"/api/incidents/{key}", data=json.dumps(body), content_type="application/json"
    )


def test_the_api_changes_the_details(make_user: Any) -> None:
    from postmortems.server.accounts.models import Team, set_role

    ann = make_user("ann", "author")
    set_role(ann, "platform", "author")
    Team.objects.create(slug="payments", name="Payments")
    incident = _declared(ann)
    api = _api(ann)
    done = _patch(api, incident.key, {"title": NEW_TITLE, "services": ["edge", "checkout"]})
    assert done.status_code == 200, done.content
    body = done.json()
    assert (body["title"], body["services"], body["team"]) == (
        NEW_TITLE,
        ["checkout", "edge"],
        "sre",
    )
    said = [e["text"] for e in body["timeline"] if e["kind"] == "details-change"]
    assert said == [
        f"Title changed from “Checkout 502s” to “{NEW_TITLE}”.",
        "Services changed from checkout to checkout, edge.",
    ]
    assert _patch(api, incident.key, {"team": "platform"}).json()["team"] == "platform"
    same = _patch(api, incident.key, {"title": NEW_TITLE, "team": "platform"})
    assert same.status_code == 200
    assert len(_changes(incident)) == 3  # the same values again: nothing
    forbidden = _patch(api, incident.key, {"team": "payments"})
    assert forbidden.status_code == 403
    assert "author role in team payments" in forbidden.json()["detail"]
    for bad in ({"title": ""}, {"title": "   "}, {"severity": "SEV1"}, {"services": "checkout"}):
        answer = _patch(api, incident.key, bad)
        assert answer.status_code == 422, bad
        assert answer["Content-Type"].startswith("application/json")
    assert _patch(api, "INC-2026-9999", {"title": "x"}).status_code == 404
    viewer = _api(make_user("vic", "viewer"))
    assert _patch(viewer, incident.key, {"title": "mine"}).status_code == 403


def test_the_api_keeps_a_restricted_incidents_team(make_user: Any) -> None:
    ann = make_user("ann", "author")
    incident = _declared(ann, restricted=True)
    answer = _patch(_api(ann), incident.key, {"team": ""})
    assert answer.status_code == 409
    assert "a restricted incident needs a team" in answer.json()["detail"]
    incident.refresh_from_db()
    assert incident.team == "sre"


def test_the_schema_documents_the_patch() -> None:
    schema = Client().get("/api/openapi.json").json()
    operation = schema["paths"]["/api/incidents/{key}"]["patch"]
    assert operation["summary"] == "Change the title, services or team"
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    fields = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]["properties"]
    assert set(fields) == {"title", "services", "team"}
    assert {"403", "409", "422"} <= set(operation["responses"])


def test_an_incident_is_declared_only_of_a_team_the_server_has(make_user: Any) -> None:
    """A superuser may declare for any team, but not for one the server does not have: the
    incident would be nobody's. The API and the form say so; no team at all is fine."""
    from postmortems.server.incidents.models import Incident

    boss = make_user("root", superuser=True)
    body = {"title": "Checkout 502s", "team": "nope"}
    answer = _api(boss).post(
        "/api/incidents", data=json.dumps(body), content_type="application/json"
    )
    assert answer.status_code == 422, answer.content
    said = answer.json()["detail"]
    assert said.startswith("no team 'nope': an incident's team is one of the server's teams")
    assert said.endswith("leave the team empty or name an existing one")
    page = logged_in(boss).post(
        "/incidents/declare/", {**body, "severity": "SEV3", "timezone": "UTC"}
    )
    assert page.status_code == 400
    assert "no team &#x27;nope&#x27;" in page.content.decode()
    assert not Incident.objects.filter(team="nope").exists()
    unteamed = _api(boss).post(
        "/api/incidents",
        data=json.dumps({"title": "Checkout 502s"}),
        content_type="application/json",
    )
    assert unteamed.status_code == 201


def test_a_time_to_detect_not_known_says_why_and_what_to_set(make_user: Any) -> None:
    """Declared by hand, the impact is known to start when it was declared: the time to detect
    is not known, and the page says how to make it known (Started, set by hand)."""
    from postmortems.server.incidents import services
    from postmortems.server.incidents.views import STARTED_AT_DETECTION

    ann = make_user("ann", "author", team="sre")
    now = dt.datetime(2026, 3, 1, 10, 0, tzinfo=dt.UTC)
    incident = services.declare("Checkout 502s", ann, severity="SEV2", team="sre", now=now)
    client = logged_in(ann)

    def detect() -> str:
        page = BeautifulSoup(client.get(f"/incidents/{incident.key}/").content, "html.parser")
        rows = page.select("table.metrics tbody tr")
        return next(r.select("td")[1].get_text() for r in rows if "detect" in r.get_text())

    assert detect() == f"– ({STARTED_AT_DETECTION})"
    early = now - dt.timedelta(minutes=12)
    services.set_milestone(incident, "started", early, ann, "the first 502 in the logs", now)
    incident.refresh_from_db()
    assert detect() == "12 min"
