"""Paging from alerts: an alert that opens an incident pages its routing rule's policy, else its
service's; an alert that joins one pages only through a rule with paging on; the page escalates
in the tick (a clock the test moves) and every step is on the incident's timeline."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from oncall_fixtures import policy
from tests.server.incident_fixtures import am_alert, am_payload, integration, post

from postmortems.oncall import model

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    return Client(raise_request_exception=False)


def _setup(*services: model.Service) -> None:
    from postmortems.server.oncall import store

    dba = policy("dba", (((("user", "dora"),), 5),), team="sre")
    config = model.Config((), (policy(), dba), {}, services)
    store.apply_config(config, dry_run=False)


def _rule(**fields: Any) -> Any:
    from postmortems.server.incidents.models import RoutingRule

    return RoutingRule.objects.create(**fields)


def _pages() -> list[tuple[str, str, str]]:
    from postmortems.server.oncall.models import Page

    rows = Page.objects.order_by("id").values_list("policy_name", "incident_key", "state")
    return list(rows)


def _timeline(key: str) -> list[tuple[str, str]]:
    from postmortems.server.incidents.models import Event

    found = Event.objects.filter(incident__key=key, kind__in=["page", "escalation", "note"])
    return list(found.order_by("at", "id").values_list("kind", "text"))


def _send(client: Client, integ: Any, secret: str, group: str, *alerts: dict[str, Any]) -> str:
    answer = post(client, integ, secret, am_payload(group, *alerts))
    assert answer.status_code == 200, answer.content
    incidents: list[str] = answer.json()["incidents"]
    assert len(incidents) == 1
    return incidents[0]


def test_an_alert_that_opens_an_incident_pages_its_services_policy_and_escalates(
    client: Client,
) -> None:
    from postmortems.server.oncall import paging
    from postmortems.server.oncall.models import Notification, Page

    _setup(model.Service("checkout", "sre-page", "sre"))
    integ, secret = integration(team="sre")
    key = _send(client, integ, secret, "g1", am_alert("a1", service="checkout"))
    assert _pages() == [("sre-page", key, "open")]
    page = Page.objects.get()
    assert page.alert == "a1"
    assert page.summary == f"{key}: alert a1"
    assert [(k, t.split(" — ")[0]) for k, t in _timeline(key)] == [("page", "paged alice")]
    # The tick, driven by a clock: bob after the first step's 10 minutes, not before.
    paging.tick(page.opened + dt.timedelta(minutes=9))
    assert list(Notification.objects.values_list("user", flat=True)) == ["alice"]
    paging.tick(page.opened + dt.timedelta(minutes=10))
    assert [k for k, _ in _timeline(key)] == ["page", "escalation"]
    assert _timeline(key)[1][1].startswith("escalated to bob — ")
    # The same payload again (Alertmanager repeats) pages no one again.
    again = post(client, integ, secret, am_payload("g1", am_alert("a1", service="checkout")))
    assert again.status_code == 200
    assert again.json()["new"] == 0
    assert len(_pages()) == 1
    assert Notification.objects.count() == 2


def test_the_rules_policy_wins_over_the_services(client: Client) -> None:
    _setup(model.Service("checkout", "sre-page", "sre"))
    _rule(matchers='service="checkout"', action="open", policy="dba")
    integ, secret = integration(team="sre")
    key = _send(client, integ, secret, "g1", am_alert("a1", service="checkout"))
    assert _pages() == [("dba", key, "open")]
    assert [(k, t.split(" — ")[0]) for k, t in _timeline(key)] == [("page", "paged dora")]


def test_an_alert_joining_an_incident_pages_only_through_a_rule_with_paging_on(
    client: Client, make_user: Any
) -> None:
    from postmortems.server.oncall import paging
    from postmortems.server.oncall.models import Page

    _setup(model.Service("checkout", "sre-page", "sre"))
    integ, secret = integration(team="sre")
    key = _send(client, integ, secret, "g1", am_alert("a1", service="checkout"))
    # Another group, same service: it joins the open incident, and pages no one.
    assert _send(client, integ, secret, "g2", am_alert("a2", service="checkout")) == key
    assert len(_pages()) == 1
    # A rule with paging on: a joining alert pages the rule's policy...
    _rule(matchers='alertname="A-a3"', action="join", policy="dba", page=True)
    assert _send(client, integ, secret, "g3", am_alert("a3", service="checkout")) == key
    assert _pages() == [("sre-page", key, "open"), ("dba", key, "open")]
    # ...but never a policy this incident is already paging.
    assert _send(client, integ, secret, "g4", am_alert("a3b", service="checkout")) == key
    _rule(matchers='alertname="A-a4"', action="join", policy="sre-page", page=True)
    assert _send(client, integ, secret, "g5", am_alert("a4", service="checkout")) == key
    assert len(_pages()) == 2
    # Once acknowledged, a new alert through that rule pages again.
    paging.acknowledge(Page.objects.get(policy_name="sre-page"), make_user("alice"), _now())
    assert _send(client, integ, secret, "g6", am_alert("a4", service="checkout", starts=_LATER))
    assert [p[0] for p in _pages()] == ["sre-page", "dba", "sre-page"]


_LATER = "2026-03-01T11:00:00Z"


def _now() -> dt.datetime:
    from django.utils import timezone

    return timezone.now()


def _links(key: str) -> list[str]:
    from postmortems.server.incidents.models import Event

    found = Event.objects.filter(incident__key=key, kind="note").order_by("at", "id")
    return list(found.values_list("link", flat=True))


HOW_TO_ROUTE = (
    "Name a policy for the service under services: in the on-call YAML (pm oncall apply), or "
    "page someone from this incident's Paging panel."
)


def test_with_no_policy_for_its_service_an_alert_pages_its_teams_only_policy(
    client: Client,
) -> None:
    """Before, an alert about a service with no policy paged nobody although its team has one
    policy, the obvious one to page; the note says which was paged and why."""
    from postmortems.server.oncall import store

    lone = policy("sre-page", (((("user", "alice"),), 10),), team="sre")
    store.apply_config(model.Config((), (lone,), {}), dry_run=False)
    integ, secret = integration(team="sre")
    key = _send(client, integ, secret, "g1", am_alert("a1", service="nothing-known"))
    assert _pages() == [("sre-page", key, "open")]
    assert [(k, t.split(" — ")[0]) for k, t in _timeline(key)] == [
        (
            "note",
            "Paged sre-page, the only escalation policy of team sre: no escalation policy is set "
            "for service 'nothing-known'. Name a policy for the service to choose whom its "
            "alerts page.",
        ),
        ("page", "paged alice"),
    ]
    (link,) = _links(key)
    assert link.startswith("http")
    assert link.endswith("/oncall/#services")
    # A rule naming a policy that does not exist falls back the same way, saying so.
    _rule(matchers='service="web"', action="open", policy="nope")
    other = _send(client, integ, secret, "g2", am_alert("a2", service="web"))
    assert _pages()[1] == ("sre-page", other, "open")
    assert _timeline(other)[0][1].startswith(
        "Paged sre-page, the only escalation policy of team sre: there is no escalation "
        "policy named 'nope'."
    )
    # An alert that names no service: the note says how to give it one.
    nameless = _send(client, integ, secret, "g3", am_alert("a3", service=""))
    assert _timeline(nameless)[0][1] == (
        "Paged sre-page, the only escalation policy of team sre: no escalation policy is set "
        "for an alert that names no service. Give the alert a service label (service, app or "
        "job) to choose whom it pages."
    )


@pytest.mark.parametrize(
    ("team", "why"),
    [
        (
            "sre",
            "team sre has 2 escalation policies (dba, sre-page), so which to page is not clear",
        ),
        ("web", "team web has no escalation policy to page instead"),
        ("", "the alert has no team whose policy could be paged instead"),
    ],
)
def test_with_no_policy_and_no_single_policy_of_its_team_nobody_is_paged_and_told_how_to_fix(
    client: Client, make_user: Any, team: str, why: str
) -> None:
    _setup()  # two policies of team sre: sre-page and dba
    integ, secret = integration(team=team)
    key = _send(client, integ, secret, "g1", am_alert("a1", service="nothing-known"))
    assert _pages() == []
    assert _timeline(key) == [  # who was not paged is part of the story
        (
            "note",
            f"Nobody was paged: no escalation policy is set for service 'nothing-known', and "
            f"{why}. {HOW_TO_ROUTE}",
        )
    ]
    (link,) = _links(key)
    assert link.endswith("/oncall/#services")
    # The link opens the services' table, where whom each service pages is shown.
    viewer = Client()
    viewer.force_login(make_user("sam", "viewer", team="sre"))
    assert 'id="services"' in viewer.get("/oncall/").content.decode()


def test_a_restricted_incident_is_paged_by_its_key_only(client: Client) -> None:
    _setup(model.Service("vault", "sre-page", "sre"))
    integ, secret = integration("sec", team="sre", restricted=True)
    key = _send(client, integ, secret, "g1", am_alert("a1", service="vault"))
    from postmortems.server.oncall.models import Page

    assert Page.objects.get().summary == key


@pytest.mark.parametrize("restricted", [False, True])
def test_who_is_on_call_on_a_restricted_schedule_is_named_only_to_its_team(
    client: Client, make_user: Any, restricted: bool
) -> None:
    """A restricted schedule hides who is on call on it: a page of it for an incident that
    other teams read says that its on-call was paged, not who nor the schedule."""
    from oncall_fixtures import rotation

    from postmortems.server.incidents.models import Event
    from postmortems.server.oncall import paging, store
    from postmortems.server.oncall.models import Page, Schedule

    red = rotation("red-secret", ("wanda", "xavier"), team="red")
    pager = policy("red-page", (((("schedule", "red-secret"),), 10),), team="red")
    service = model.Service("payroll-api", "red-page", "red")
    store.apply_config(model.Config((red,), (pager,), {}, (service,)), dry_run=False)
    Schedule.objects.filter(name="red-secret").update(restricted=True)
    integ, secret = integration("prod", team="red", restricted=restricted)
    start = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    key = _send(client, integ, secret, "g1", am_alert("a1", service="payroll-api", starts=start))

    page = Page.objects.get()
    assert page.notifications.get().user in {"wanda", "xavier"}  # paged all the same
    [(kind, text)] = _timeline(key)
    assert kind == "page"
    if restricted:  # only team red reads the incident
        assert text.startswith(f"paged {page.notifications.get().user} — red-page")
        assert "red-secret" in text
    else:
        assert text == "paged the on-call of a restricted schedule — red-page: step 1 of 1"
    paged = make_user(page.notifications.get().user, "author", team="red")
    paging.acknowledge(page, paged, dt.datetime.now(dt.UTC))
    acked = Event.objects.get(incident__key=key, kind="acknowledgement").text
    if restricted:
        assert acked == f"{paged.username} acknowledged the page"
        return
    assert (
        acked
        == "the page was acknowledged (the name is hidden: its policy pages a restricted schedule)"
    )
    reader = Client()
    reader.force_login(make_user("sam", "viewer", team="blue"))
    shown = reader.get(f"/incidents/{key}/").content.decode()
    api = reader.get(f"/api/incidents/{key}").content.decode()  # ids included
    for told in (shown, api):
        assert "red-secret" not in told
        assert "wanda" not in told
        assert "xavier" not in told


def test_services_are_applied_exported_and_refused_when_their_policy_is_missing() -> None:
    from postmortems.server.oncall import store

    service = model.Service("checkout", "sre-page", "payments")
    config = model.Config(
        (), (policy(),), {"sre-page": "a.yaml", "service:checkout": "a.yaml"}, (service,)
    )
    assert store.apply_config(config, dry_run=False) == [
        "create team payments",
        "create team sre",
        "create policy sre-page (a.yaml)",
        "create service checkout (a.yaml)",
    ]
    assert store.apply_config(config, dry_run=False) == []
    loaded = store.load_config()
    assert loaded == config
    assert loaded.sources["service:checkout"] == "a.yaml"
    moved = model.Config((), (policy(),), config.sources, (model.Service("checkout", "dba"),))
    with pytest.raises(store.StoreError) as caught:
        store.apply_config(moved, dry_run=False)
    assert "service 'checkout' pages policy 'dba', which does not exist" in str(caught.value)
    gone = model.Config((), (policy(),), {"sre-page": "a.yaml"})
    assert store.apply_config(gone, dry_run=False) == [
        "delete service checkout (no longer in a.yaml)"
    ]


def test_the_on_call_list_shows_the_services_a_user_may_see(make_user: Any) -> None:
    from bs4 import BeautifulSoup

    _setup(model.Service("checkout", "sre-page", "sre"), model.Service("ledger", "dba", "money"))
    client = Client()
    client.force_login(make_user("sam", "viewer", "sre"))
    page = BeautifulSoup(client.get("/oncall/").content, "html.parser")
    table = page.find(id="services").find_next("table")
    rows = [
        [td.get_text(" ", strip=True) for td in tr.find_all("td")]
        for tr in table.tbody.find_all("tr")
    ]
    assert rows == [["checkout", "sre-page", "sre", "in the UI"]]  # not money's ledger
    assert table.find("a", string="sre-page")["href"] == "/oncall/pages/#policy-sre-page"
    # The service's page (its incidents, who is on call, its postmortems): there even when it
    # has no postmortem yet, since its policy pages someone
    service = table.find("a", string="checkout")["href"]
    assert service == "/services/checkout/"
    assert client.get(service).status_code == 200


def _declare(make_user: Any, **body: Any) -> dict[str, Any]:
    from postmortems.server.accounts.models import ApiToken

    _, raw = ApiToken.issue(make_user("ann", "author", team="sre"), "cli", scope="write")
    api = Client(headers={"Authorization": f"Bearer {raw}"}, raise_request_exception=False)
    answer = api.post("/api/incidents", data=json.dumps(body), content_type="application/json")
    assert answer.status_code == 201, answer.content
    made: dict[str, Any] = answer.json()
    return made


def test_a_declared_incident_pages_the_policy_of_each_of_its_services(make_user: Any) -> None:
    _setup(
        model.Service("checkout", "sre-page", "sre"),
        model.Service("cart", "sre-page", "sre"),
        model.Service("db", "dba", "sre"),
    )
    made = _declare(
        make_user, title="Checkout down", team="sre", services=["checkout", "cart", "db", "web"]
    )
    key = made["key"]
    # Each policy once (checkout and cart share one); a service without a policy pages nobody.
    assert sorted(_pages()) == [("dba", key, "open"), ("sre-page", key, "open")]
    assert sorted(t.split(" — ")[0] for k, t in _timeline(key) if k == "page") == [
        "paged alice",
        "paged dora",
    ]


def test_declaring_without_paging_pages_nobody(make_user: Any) -> None:
    _setup(model.Service("checkout", "sre-page", "sre"))
    _declare(make_user, title="Checkout slow", team="sre", services=["checkout"], page=False)
    assert _pages() == []


def test_a_restricted_declared_incident_pages_with_its_key_only(make_user: Any) -> None:
    from postmortems.server.oncall.models import Page

    _setup(model.Service("checkout", "sre-page", "sre"))
    made = _declare(
        make_user, title="Card data exposed", team="sre", services=["checkout"], restricted=True
    )
    assert Page.objects.get().summary == made["key"]


def test_an_incident_that_ends_stops_its_pages(client: Client, make_user: Any) -> None:
    """Resolved (or closed, cancelled, a duplicate) before anyone acknowledged: the page is
    resolved, nobody else is paged, and the timeline says why the paging stopped."""
    from postmortems.server.oncall import paging
    from postmortems.server.oncall.models import Notification, Page

    _setup(model.Service("checkout", "sre-page", "sre"))
    integ, secret = integration(team="sre")
    key = _send(client, integ, secret, "g1", am_alert("a1", service="checkout"))
    page = Page.objects.get()
    commander = Client()
    commander.force_login(make_user("ivy", "author", team="sre"))
    for status in ("investigating", "resolved"):
        moved = commander.post(f"/incidents/{key}/status/", {"status": status, "why": ""})
        assert moved.status_code == 302, moved.content
    assert _pages() == [("sre-page", key, "resolved")]
    assert paging.tick(page.opened + dt.timedelta(hours=3)) == 0
    assert list(Notification.objects.values_list("user", flat=True)) == ["alice"]
    notes = [t for k, t in _timeline(key) if k == "note"]
    assert notes == [f"page {page.pk} (sre-page) stopped: the incident is resolved"]
    shown = commander.get(f"/oncall/pages/{page.pk}/").content.decode()
    assert "paging stopped" in shown
    assert "Acknowledge</button>" not in shown
    # Reopened, the incident does not page again by itself.
    assert (
        commander.post(f"/incidents/{key}/status/", {"status": "investigating"}).status_code == 302
    )
    assert _pages() == [("sre-page", key, "resolved")]


def test_a_duplicate_of_an_incident_nobody_is_paged_for_moves_its_pages_there(
    client: Client, make_user: Any
) -> None:
    """Marked a duplicate of an incident declared without paging, the alert's page is the only
    one: it moves to the incident that goes on and keeps escalating for it, both timelines
    saying so."""
    from django.utils import timezone

    from postmortems.server.incidents import services
    from postmortems.server.incidents.models import Incident
    from postmortems.server.oncall import paging
    from postmortems.server.oncall.models import Page

    _setup(model.Service("checkout", "sre-page", "sre"))
    integ, secret = integration(team="sre")
    key = _send(client, integ, secret, "g1", am_alert("a1", service="checkout"))
    ivy = make_user("ivy", "author", team="sre")
    other = services.declare("Checkout down", ivy, team="sre", now=timezone.now(), page=False)
    incident = Incident.objects.get(key=key)
    services.change_status(incident, "duplicate", ivy, timezone.now(), duplicate_of=other)
    page = Page.objects.get()
    assert _pages() == [("sre-page", other.key, "open")]
    assert page.summary == f"{other.key}: Checkout down"
    assert _timeline(key)[-1] == (
        "note",
        f"page {page.pk} (sre-page) moved to {other.key}: this incident is a duplicate of it",
    )
    paging.tick(page.opened + dt.timedelta(minutes=10))  # bob, now for the other incident
    kinds = [(k, t.split(" — ")[0]) for k, t in _timeline(other.key)]
    assert kinds == [
        ("note", f"{key} marked as a duplicate of this incident by ivy: alert a1"),
        (
            "note",
            f"page {page.pk} (sre-page) moved here from {key}, marked a duplicate of this "
            "incident: nobody was paged for this one, so it goes on escalating until someone "
            "acknowledges",
        ),
        ("escalation", "escalated to bob"),
    ]


def test_a_step_that_reaches_nobody_and_a_page_that_runs_out_are_on_the_timeline(
    client: Client,
) -> None:
    """A schedule with a gap at step 1, a person at step 2, nobody acknowledging."""
    from postmortems.server.oncall import paging, store
    from postmortems.server.oncall.models import Page

    later = model.Layer(
        "main", ("alice",), model.ShiftLength(1, "days"), dt.time(9), dt.date(2099, 1, 5)
    )
    empty = model.Schedule("empty", "UTC", (later,), team="sre")  # nobody on call until 2099
    steps = (((("schedule", "empty"),), 5), ((("user", "bob"),), 5))
    config = model.Config(
        (empty,), (policy("gappy", steps),), {}, (model.Service("web", "gappy", "sre"),)
    )
    store.apply_config(config, dry_run=False)
    integ, secret = integration(team="sre")
    key = _send(client, integ, secret, "g1", am_alert("a1", service="web"))
    page = Page.objects.get()
    assert _timeline(key) == [
        (
            "note",
            f"page {page.pk} (gappy): step 1 reached nobody (no one on call there); "
            "it goes on to the next",
        )
    ]
    paging.tick(page.opened + dt.timedelta(minutes=5))
    paging.tick(page.opened + dt.timedelta(minutes=10))
    texts = [t.split(" — ")[0] for _, t in _timeline(key)]
    assert texts[1:] == [
        "escalated to bob",
        f"page {page.pk} (gappy) ran out of steps: nobody acknowledged; "
        "page someone from the incident's Paging panel",
    ]
    assert Page.objects.get().state == "exhausted"


def test_a_declared_incident_with_no_policy_for_its_services_pages_its_teams_only_one(
    make_user: Any,
) -> None:
    """As an alert does: no service of the incident names a policy (or it names none), and its
    team has one policy: that one is paged, and the timeline says why. A team with none pages
    nobody, and the note says so."""
    from postmortems.server.accounts.models import set_role
    from postmortems.server.oncall import store

    store.apply_config(model.Config((), (policy(),), {}, ()), dry_run=False)  # sre's only one
    ann = make_user("ann", "author", team="sre")
    web = _declare(lambda *a, **k: ann, title="Web down", team="sre", services=["web", "db"])["key"]
    bare = _declare(lambda *a, **k: ann, title="Something is off", team="sre")["key"]
    assert _pages() == [("sre-page", web, "open"), ("sre-page", bare, "open")]
    notes = [t for k, t in _timeline(web) if k == "note"]
    assert notes == [
        "Paged sre-page, the only escalation policy of team sre: no escalation policy is set "
        "for db, web. Name a policy for a service to choose whom it pages."
    ]
    assert [t for k, t in _timeline(bare) if k == "note"] == [
        "Paged sre-page, the only escalation policy of team sre: the incident names no service. "
        "Name a policy for a service to choose whom it pages."
    ]
    set_role(ann, "blue", "author")
    blue = _declare(lambda *a, **k: ann, title="Blue down", team="blue", services=["web"])["key"]
    assert [p for p in _pages() if p[1] == blue] == []  # team blue has no policy
    [said] = [t for k, t in _timeline(blue) if k == "note"]
    assert said.startswith(
        "Nobody was paged: no escalation policy is set for web, and team blue has no escalation "
        "policy to page instead. Name a policy for the service"
    )


def test_a_declared_incident_of_a_team_with_two_policies_pages_nobody_and_says_so(
    make_user: Any,
) -> None:
    _setup()  # sre-page and dba, both team sre
    ann = make_user("ann", "author", team="sre")
    key = _declare(lambda *a, **k: ann, title="Web down", team="sre", services=["web"])["key"]
    bare = _declare(lambda *a, **k: ann, title="Something is off", team="sre")["key"]
    assert _pages() == []
    [note] = [t for k, t in _timeline(key) if k == "note"]
    assert note.startswith(
        "Nobody was paged: no escalation policy is set for web, and team sre has 2 escalation "
        "policies (dba, sre-page), so which to page is not clear."
    )
    [said] = [t for k, t in _timeline(bare) if k == "note"]  # a note even with no service
    assert said.startswith("Nobody was paged: the incident names no service, and team sre has 2")
