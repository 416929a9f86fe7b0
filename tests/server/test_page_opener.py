"""Who was paged is part of the story, and so is who paged: a page a person opened (the
incident's *Page someone* form, the pages form, ``POST /api/oncall/pages``) says so on the
incident's timeline ("ivy paged the primary schedule: carol is on call") and in the postmortem
drafted from it; a page an alert's policy opened says only who it reached, as before. The API's
page object names who opened it (``opened_by``), null when no person did, and for a reader who
may not see the page's restricted incident.

Before, the timeline said "paged carol — paged by ivy: step 1 of 1, round 1 of 2 (user carol)"
for a page by hand, and nothing of who paged a policy."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from incident_fixtures import declared, logged_in
from oncall_fixtures import apply, pm_here, policy, rotation

WHY = "need DB help on replica lag"


def _world(make_user: Any) -> dict[str, Any]:
    """Team sre: ivy and carol (authors); schedule primary (carol on call), policy to-carol."""
    people = {n: make_user(n, "author") for n in ("ivy", "carol")}
    apply(rotation("primary", ("carol",)), source="")
    apply(policies=(policy("to-carol", (((("user", "carol"),), 10),)),), source="")
    return people


def _drafted_lines(incident: Any) -> list[str]:
    """The bullets of the postmortem drafted from ``incident``'s record, without their times."""
    from postmortems.incident.draft import draft_postmortem
    from postmortems.server.incidents import services

    text = draft_postmortem(services.domain(incident))
    bullets = (line.split(" - ", 1) for line in text.splitlines() if line.startswith("- "))
    return [said[1] for said in bullets if len(said) == 2]


def _page(client: Any, key: str, target: str, message: str = "") -> None:
    data = {"target": target, "message": message}
    assert client.post(f"/oncall/incidents/{key}/page/", data).status_code == 302


def _api(user: Any, scope: str = "write") -> Client:
    from postmortems.server.accounts.models import ApiToken

    token = ApiToken.issue(user, "script", scope=scope)[1]
    return Client(headers={"Authorization": f"Bearer {token}"})


@pytest.mark.django_db
def test_a_schedule_paged_by_hand_names_who_paged_it_on_the_timeline_and_in_the_draft(
    make_user: Any,
) -> None:
    people = _world(make_user)
    incident = declared(people["ivy"])
    _page(logged_in(people["ivy"]), incident.key, "schedule:primary", WHY)
    event = incident.events.get(kind="page")
    assert event.text == f"ivy paged the primary schedule: carol is on call — “{WHY}”"
    assert ["by", "ivy"] in event.detail
    html = logged_in(people["carol"]).get(f"/incidents/{incident.key}/").content.decode()
    assert f"ivy paged the primary schedule: carol is on call — “{WHY}”" in html
    assert f"ivy paged the primary schedule: carol is on call — “{WHY}”." in _drafted_lines(
        incident
    )


@pytest.mark.django_db
def test_a_policy_paged_by_a_person_names_them_and_one_an_alert_paged_does_not(
    make_user: Any,
) -> None:
    """Ivy pages policy to-carol from the incident's form: "ivy paged carol — to-carol …", and
    the draft's bullet leads with ivy. The same policy paged with no person (as an alert's
    policy pages) still reads "Paged: carol — to-carol."."""
    from postmortems.server.oncall import paging
    from postmortems.server.oncall.models import Policy

    people = _world(make_user)
    by_ivy = declared(people["ivy"])
    _page(logged_in(people["ivy"]), by_ivy.key, "policy:to-carol")
    text = by_ivy.events.get(kind="page").text
    assert text == "ivy paged carol — to-carol: step 1 of 1 (user carol)"
    assert "ivy paged carol — to-carol." in _drafted_lines(by_ivy)
    by_nobody = declared(people["ivy"])
    row = Policy.objects.get(name="to-carol")
    paging.open_page(row, summary="x", now=timezone.now(), incident_key=by_nobody.key)
    event = by_nobody.events.get(kind="page")
    assert event.text == "paged carol — to-carol: step 1 of 1 (user carol)"
    assert not [value for key, value in event.detail if key == "by"]
    lines = _drafted_lines(by_nobody)
    assert "Paged: carol — to-carol." in lines
    assert not [line for line in lines if "ivy paged" in line]


@pytest.mark.django_db
def test_the_api_page_object_says_who_opened_it(make_user: Any) -> None:
    """``opened_by``: ivy for her page by the API and by the incident's form; null for a page
    no person opened."""
    from postmortems.server.oncall import paging
    from postmortems.server.oncall.models import Page, Policy

    people = _world(make_user)
    api = _api(people["ivy"])
    body = {"policy": "to-carol", "summary": "down", "incident": declared(people["ivy"]).key}
    made = api.post("/api/oncall/pages", json.dumps(body), content_type="application/json")
    assert made.status_code == 201
    assert made.json()["opened_by"] == "ivy"
    assert api.get(f"/api/oncall/pages/{made.json()['id']}").json()["opened_by"] == "ivy"
    _page(logged_in(people["ivy"]), declared(people["ivy"]).key, "user:carol")
    row = Policy.objects.get(name="to-carol")
    alone = paging.open_page(row, summary="x", now=timezone.now(), incident_key="")
    listed = {p["id"]: p["opened_by"] for p in api.get("/api/oncall/pages").json()}
    by_hand = Page.objects.get(policy_name=Page.BY_HAND)
    assert listed == {made.json()["id"]: "ivy", by_hand.pk: "ivy", alone.pk: None}
    schema = api.get("/api/openapi.json").json()["components"]["schemas"]["PageOut"]
    assert "opened_by" in schema["required"]
    assert "null when no person did" in schema["properties"]["opened_by"]["description"]


@pytest.mark.django_db
def test_who_paged_a_restricted_incident_is_not_told_to_someone_paged_who_may_not_see_it(
    make_user: Any,
) -> None:
    """Ivy pages policy to-wanda for sre's restricted incident (an admin let it: the policy is
    sre's): wanda of team red may read the page, not the incident, and the API names no one who
    opened it to her; ivy sees herself named."""
    from postmortems.server.oncall import paging
    from postmortems.server.oncall.models import Policy

    people = _world(make_user)
    wanda = make_user("wanda", "author", team="red")
    apply(policies=(policy("to-wanda", (((("user", "wanda"),), 10),)),), source="")
    secret = declared(people["ivy"], restricted=True)
    row = Policy.objects.get(name="to-wanda")
    page = paging.open_page(
        row, summary=secret.key, now=timezone.now(), incident_key=secret.key, by=people["ivy"]
    )
    seen = _api(wanda, "read").get(f"/api/oncall/pages/{page.pk}").json()
    assert (seen["summary"], seen["opened_by"]) == (f"Restricted incident {secret.key}", None)
    mine = _api(people["ivy"], "read").get(f"/api/oncall/pages/{page.pk}").json()
    assert mine["opened_by"] == "ivy"
    assert "ivy" not in json.dumps(_api(wanda, "read").get("/api/oncall/pages").json())


@pytest.mark.django_db
def test_pm_page_open_names_who_paged_on_the_timeline(
    make_user: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    people = _world(make_user)
    incident = declared(people["ivy"])
    pm = pm_here(monkeypatch, capsys, "page")
    args = ("page", "open", "--policy", "to-carol", "--summary", "db", "--incident", incident.key)
    assert pm(*args, "--message", WHY, "--as", "ivy")[0] == 0
    text = incident.events.get(kind="page").text
    assert text == f"ivy paged carol — to-carol: step 1 of 1 (user carol) — “{WHY}”"
    assert f"ivy paged carol — to-carol — “{WHY}”." in _drafted_lines(incident)


@pytest.mark.django_db
def test_the_pages_form_names_who_paged_on_the_timeline(make_user: Any) -> None:
    """*On-call → Pages*: ivy pages policy to-carol for an incident with the form there."""
    people = _world(make_user)
    incident = declared(people["ivy"])
    data = {"summary": "checkout down", "incident": incident.key}
    answer = logged_in(people["ivy"]).post("/oncall/policies/to-carol/page/", data)
    assert answer.status_code == 302
    text = incident.events.get(kind="page").text
    assert text == "ivy paged carol — to-carol: step 1 of 1 (user carol)"
