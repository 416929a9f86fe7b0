"""Writes stay within the teams a role applies to (a second security review's findings): a review
request does not outlive the reviewer role, a postmortem of no team cannot be taken or hidden by
any author, a declared incident pages only its own team's on-call, a policy that pages a whole
team needs the admin role there, and a delete through the API leaves no cached list behind."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.utils.html import escape
from workflow_fixtures import NOW, clean_text, with_settings

pytestmark = pytest.mark.django_db


def _teams(text: str, teams: str) -> str:
    return text.replace("authors: [alice]\n", f"authors: [alice]\nteams: [{teams}]\n", 1)


def _api(user: Any) -> Client:
    from postmortems.server.accounts.models import ApiToken

    _, raw = ApiToken.issue(user, "cli", scope="write")
    return Client(headers={"Authorization": f"Bearer {raw}"}, raise_request_exception=False)


def _post_json(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, data=json.dumps(body), content_type="application/json")


def test_a_demoted_reviewer_no_longer_approves(make_user: Any, client: Any, settings: Any) -> None:
    from postmortems.server.accounts.models import Membership
    from postmortems.server.library import store
    from postmortems.server.workflow import lifecycle, services
    from postmortems.server.workflow.models import ReviewRequest

    with_settings(settings, review_approvals=("*:2",))
    alice = make_user("alice", "author")
    rita = make_user("rita", "reviewer")
    ron = make_user("ron", "reviewer")
    pm = store.create(_teams(clean_text(status="draft"), "sre"), alice).postmortem
    services.request_review(pm, alice, [rita, ron], now=NOW)
    pm.refresh_from_db()
    assert services.Who.REVIEWER in services.parts_of(rita, pm)
    services.approve(pm, rita, now=NOW)  # one of two, while she is a reviewer
    approve = lifecycle.find("approve", services.state(pm))
    assert approve is not None
    assert services.facts_for(pm, approve, lint=False).approvals == 1
    Membership.objects.filter(user=rita).update(role="viewer")  # off the review rota
    rita = type(rita).objects.get(pk=rita.pk)  # a new request reads the role again
    assert services.Who.REVIEWER not in services.parts_of(rita, pm)
    # her earlier approval no longer counts, and she cannot give another one
    assert services.facts_for(pm, approve, lint=False).approvals == 0
    client.force_login(rita)
    r = client.post(f"/p/{pm.key}/workflow/move/", {"transition": "approve"}, follow=True)
    assert "no longer hold the reviewer role" in r.content.decode()
    services.approve(pm, ron, now=NOW)  # ron's approval alone is not enough
    pm.refresh_from_db()
    assert pm.status == "in-review"
    assert ReviewRequest.objects.get(postmortem=pm, reviewer=ron).verdict == "approved"


def test_a_reviewer_of_another_team_no_longer_reviews_a_moved_postmortem(
    make_user: Any, client: Any, settings: Any
) -> None:
    from postmortems.server.accounts.models import set_role
    from postmortems.server.library import store
    from postmortems.server.workflow import services
    from postmortems.server.workflow.models import Comment

    with_settings(settings, review_approvals=("*:1",))
    alice = make_user("alice", "author")
    set_role(alice, "web", "author")
    rita = make_user("rita", "reviewer")  # reviewer in sre only
    pm = store.create(_teams(clean_text(status="draft"), "sre"), alice).postmortem
    services.request_review(pm, alice, [rita], now=NOW)
    pm.refresh_from_db()
    store.update(pm.key, pm.text.replace("teams: [sre]", "teams: [web]"), alice, pm.version)
    client.force_login(rita)
    client.post(f"/p/{pm.key}/workflow/comment/", {"text": "lgtm"})
    client.post(f"/p/{pm.key}/workflow/move/", {"transition": "approve"})
    pm.refresh_from_db()
    assert pm.status != "approved"
    assert not Comment.objects.filter(postmortem=pm, author=rita).exists()


@pytest.mark.parametrize(
    ("added", "why"),
    [
        ("restricted: true\n", "a restricted postmortem names its teams"),
        ("teams: [web]\nrestricted: true\n", "needs the admin role in team web"),
        ("teams: [web]\n", "needs the admin role in team web"),
    ],
)
def test_an_author_cannot_take_or_hide_a_postmortem_of_no_team(
    make_user: Any, client: Any, added: str, why: str
) -> None:
    from postmortems.server.library import store
    from postmortems.server.library.models import Postmortem

    sam = make_user("sam", "author", team="sre")
    mallory = make_user("mallory", "author", team="web")
    pm = store.create(clean_text(), sam).postmortem  # no teams: it belongs to every team
    client.force_login(mallory)
    text = pm.text.replace("authors: [alice]\n", "authors: [alice]\n" + added)
    r = client.post(f"/p/{pm.key}/edit/", {"text": text, "base_version": pm.version})
    assert r.status_code in (400, 403)
    assert why in r.content.decode()
    assert escape(text) in r.content.decode()  # what was written is kept
    row = Postmortem.objects.get(pk=pm.pk)
    assert not row.restricted
    assert row.teams == frozenset()
    client.force_login(sam)
    assert client.get(f"/p/{pm.key}/").status_code == 200


def test_an_author_cannot_give_a_teams_postmortem_to_every_team(make_user: Any) -> None:
    """`teams: []` would let every team write it, and its author could not take it back."""
    from postmortems.server.library import store
    from postmortems.server.library.boundaries import NotAllowed

    sam = make_user("sam", "author", team="sre")
    ada = make_user("ada", "admin", team="sre")
    text = clean_text().replace("authors: [alice]\n", "authors: [alice]\nteams: [sre]\n")
    pm = store.create(text, sam).postmortem
    emptied = pm.text.replace("teams: [sre]\n", "teams: []\n")
    with pytest.raises(NotAllowed) as refused:
        store.update(pm.key, emptied, sam, pm.version)
    assert str(refused.value) == (
        "a postmortem of no team belongs to every team: taking its teams away needs the admin "
        "role in team sre — ask an administrator of that team, or a superuser"
    )
    assert store.update(pm.key, emptied, ada, pm.version).postmortem.teams == frozenset()


def test_an_admin_of_the_team_may_claim_a_postmortem_of_no_team(make_user: Any) -> None:
    from postmortems.server.library import store

    sam = make_user("sam", "author", team="sre")
    ada = make_user("ada", "admin", team="web")
    pm = store.create(clean_text(), sam).postmortem
    text = pm.text.replace("authors: [alice]\n", "authors: [alice]\nteams: [web]\n")
    saved = store.update(pm.key, text, ada, pm.version).postmortem
    assert saved.teams == frozenset({"web"})


def test_a_declared_incident_pages_only_its_own_teams_on_call(make_user: Any) -> None:
    from oncall_fixtures import policy

    from postmortems.oncall import model
    from postmortems.server.incidents.models import Event
    from postmortems.server.oncall import store
    from postmortems.server.oncall.models import Page

    money = policy("money-page", (((("user", "mo"),), 5),), team="money")
    web = policy("web-page", (((("user", "wes"),), 5),), team="web")
    services = (
        model.Service("ledger", "money-page", "money"),
        model.Service("shop", "web-page", "web"),
    )
    store.apply_config(model.Config((), (money, web), {}, services), dry_run=False)
    make_user("mo", "author", team="money")
    make_user("wes", "author", team="web")
    mallory = make_user("mallory", "author", team="web")
    api = _api(mallory)
    assert (
        _post_json(api, "/api/oncall/pages", {"policy": "money-page", "summary": "x"}).status_code
        == 404
    )
    body = {"title": "checkout", "team": "web", "services": ["ledger", "shop"], "page": True}
    r = _post_json(api, "/api/incidents", body)
    assert r.status_code == 201, r.content
    assert list(Page.objects.values_list("policy_name", flat=True)) == ["web-page"]
    notes = Event.objects.filter(kind="note", text__startswith="Not paged").values_list(
        "text", flat=True
    )
    assert ["ledger" in n and "no author role" in n for n in notes] == [True]


@pytest.mark.parametrize(("who", "team"), [("sam", ""), ("sam", "sre"), ("root", "web")])
def test_a_declared_incident_pages_what_its_declarer_could_page_by_hand(
    make_user: Any, who: str, team: str
) -> None:
    from oncall_fixtures import policy

    from postmortems.oncall import model
    from postmortems.server.accounts.models import Team
    from postmortems.server.incidents import services as incidents
    from postmortems.server.incidents.models import Event
    from postmortems.server.oncall import store
    from postmortems.server.oncall.models import Page, Service

    sre = policy("sre-page", (((("user", "alice"),), 5),), team="sre")
    services = (
        model.Service("checkout-api", "sre-page", "sre"),
        model.Service("orphan", "sre-page", "sre"),
    )
    store.apply_config(model.Config((), (sre,), {}, services), dry_run=False)
    Service.objects.filter(name="orphan").update(policy="gone-policy")  # deleted since
    make_user("alice", "viewer", team="sre")
    users = {
        "sam": make_user("sam", "author", team="sre"),
        "root": make_user("root", superuser=True),
    }
    if team:
        Team.objects.get_or_create(slug=team, defaults={"name": team})  # a team the server has
    incident = incidents.declare(
        "checkout down",
        users[who],
        team=team,
        services=("checkout-api", "orphan", "payments"),  # payments: no on-call service
        now=NOW,
        page=True,
    )
    assert list(Page.objects.values_list("policy_name", flat=True)) == ["sre-page"]
    notes = list(
        Event.objects.filter(incident=incident, kind="note").values_list("text", flat=True)
    )
    assert any("orphan" in n and "policy is missing" in n for n in notes)
    assert any(n.startswith("Nobody was paged for payments: no escalation policy") for n in notes)
    assert not any("Not paged" in n for n in notes)


def test_a_policy_that_pages_another_team_needs_the_admin_role_there(make_user: Any) -> None:
    from postmortems.server.oncall.models import Policy

    for name in ("alice", "bob", "carol"):
        make_user(name, "author", team="sre")
    walt = make_user("walt", "admin", team="web")
    yaml = (
        "escalation_policies:\n"
        "  - name: web-page\n    team: web\n    steps:\n"
        "      - targets: [{team: sre}]\n        delay: 10m\n"
    )
    files = {"files": [{"path": "oncall/web.yaml", "text": yaml}]}
    r = _post_json(_api(walt), "/api/oncall/apply", files)
    assert r.status_code == 403, r.content
    assert "sre" in r.json()["detail"]
    assert not Policy.objects.exists()
    from postmortems.server.accounts.models import set_role

    set_role(walt, "sre", "admin")
    assert _post_json(_api(walt), "/api/oncall/apply", files).status_code == 200


def test_a_delete_through_the_api_leaves_no_cached_list_behind(
    make_user: Any, client: Any, settings: Any
) -> None:
    from django.core.cache import cache

    from postmortems.server.library import store

    cache.clear()  # the lists' cache (each process's memory, as in the server)
    ada = make_user("ada", "admin", team="sre")
    title = "title: Checkout API returned 502s after certificate expiry"
    store.create(clean_text().replace(title, "title: GONE-TITLE-XYZ"), ada)
    client.force_login(ada)
    assert "GONE-TITLE-XYZ" in client.get("/").content.decode()
    assert client.delete("/api/postmortems/PM-W-1").status_code == 204
    assert "GONE-TITLE-XYZ" not in client.get("/").content.decode()
