"""Page someone from the incident's page: the Paging panel's form pages a person, the on-call of
a schedule, or an escalation policy for the incident, for whoever may change the incident, among
what they may see; a refusal comes back beside the form (400) with the choice kept.

Before, paging by hand meant On-call → Pages and typing the incident's key, and only a policy."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.utils import timezone
from incident_fixtures import declared, logged_in
from oncall_fixtures import apply, policy, rotation

pytestmark = pytest.mark.django_db


def _world(make_user: Any) -> dict[str, Any]:
    """Team sre: ivy (author), vic (viewer), alice, bob and carol on schedule primary; team red:
    wanda on the restricted schedule red-secret and red's policy."""
    people = {n: make_user(n, "author") for n in ("ivy", "alice", "bob", "carol")}
    for user in people.values():
        user.email = f"{user.username}@example.com"
        user.save()
    people["vic"] = make_user("vic", "viewer")
    people["wanda"] = make_user("wanda", "author", team="red")
    apply(rotation("primary"), source="")
    apply(rotation("red-secret", ("wanda",), team="red"), source="")
    apply(policies=(policy(), policy("red-page", team="red")), source="")
    from postmortems.server.oncall.models import Schedule

    Schedule.objects.filter(name="red-secret").update(restricted=True)
    return people


def _form(html: bytes) -> Any:
    return BeautifulSoup(html, "html.parser").find("form", id="page-someone")


def _options(html: bytes) -> dict[str, list[str]]:
    form = _form(html)
    return {
        group["label"]: [o["value"] for o in group.find_all("option")]
        for group in form.find_all("optgroup")
    }


def _said(answer: Any) -> str:
    """The refusal said beside the form (under the panel's heading once it is gone)."""
    panel = BeautifulSoup(answer.content, "html.parser").find(id="incident-pages")
    error = panel.find(id="page-someone-error")
    return str(error.get_text()) if error else ""


def test_the_paging_panel_offers_what_the_user_may_see_and_page(make_user: Any) -> None:
    people = _world(make_user)
    incident = declared(people["ivy"])
    html = logged_in(people["ivy"]).get(f"/incidents/{incident.key}/").content
    options = _options(html)
    # The incident's team first, a viewer of it too (a page reaches a person: whoever it
    # reached may acknowledge it; what they may write is their role's business) …
    assert options["People of team sre"] == [
        "user:alice",
        "user:bob",
        "user:carol",
        "user:ivy",
        "user:vic",
    ]
    # … then another team's people: pulling them in is ordinary escalation, and the incident
    # is not restricted, so red reads it.
    assert options["Other people who may see it"] == ["user:wanda"]
    # Not red's restricted schedule, nor red's policy: ivy is not in team red.
    assert options["Schedules (whoever is on call)"] == ["schedule:primary"]
    assert options["Escalation policies (step by step)"] == ["policy:sre-page"]
    assert _form(html).find("select")["id"] == "page-target"  # the label's control
    # A viewer of the team gets no form; nor does anyone once the incident is resolved.
    assert _form(logged_in(people["vic"]).get(f"/incidents/{incident.key}/").content) is None
    from postmortems.server.incidents import services

    services.change_status(incident, "investigating", people["ivy"], timezone.now())
    services.change_status(incident, "resolved", people["ivy"], timezone.now())
    assert _form(logged_in(people["ivy"]).get(f"/incidents/{incident.key}/").content) is None


def test_paging_a_person_pages_them_at_once_and_again_then_runs_out(make_user: Any) -> None:
    from postmortems.server.oncall import paging
    from postmortems.server.oncall.models import Notification, Page

    people = _world(make_user)
    incident = declared(people["ivy"])
    client = logged_in(people["ivy"])
    answer = client.post(f"/oncall/incidents/{incident.key}/page/", {"target": "user:carol"})
    assert answer.status_code == 302
    assert answer["Location"] == f"/incidents/{incident.key}/#incident-pages"
    page = Page.objects.get()
    assert (page.policy_name, page.targets, page.opened_by) == (
        "by hand",
        [{"kind": "user", "name": "carol"}],
        people["ivy"],
    )
    assert page.summary == f"{incident.key}: Checkout 502s"
    assert list(Notification.objects.values_list("user", "round")) == [("carol", 0)]
    event = incident.events.get(kind="page")
    assert event.text == "ivy paged carol"  # who paged, whom: the target says the rest
    shown = client.get(f"/incidents/{incident.key}/")
    panel = BeautifulSoup(shown.content, "html.parser").find(id="incident-pages")
    assert "by hand by ivy: user carol" in " ".join(panel.get_text(" ").split())
    assert f"Paged user carol for {incident.key} (Page #{page.pk})." in shown.content.decode()
    paging.tick(page.opened + dt.timedelta(minutes=5))
    assert list(Notification.objects.values_list("user", "round")) == [("carol", 0), ("carol", 1)]
    paging.tick(page.opened + dt.timedelta(minutes=10))
    page.refresh_from_db()
    assert page.state == "exhausted"
    # Ran out: carol may be paged again.
    again = client.post(f"/oncall/incidents/{incident.key}/page/", {"target": "user:carol"})
    assert again.status_code == 302
    assert Page.objects.count() == 2


def test_paging_a_schedule_pages_whoever_is_on_call_and_a_policy_its_steps(
    make_user: Any,
) -> None:
    from postmortems.server.oncall import queries
    from postmortems.server.oncall.models import Notification, Page, Schedule

    people = _world(make_user)
    incident = declared(people["ivy"])
    client = logged_in(people["ivy"])
    url = f"/oncall/incidents/{incident.key}/page/"
    assert client.post(url, {"target": "schedule:primary"}).status_code == 302
    on_call = queries.on_call(Schedule.objects.get(name="primary"), timezone.now())
    assert list(Notification.objects.values_list("user", flat=True)) == list(on_call)
    assert client.post(url, {"target": "policy:sre-page"}).status_code == 302
    assert list(Page.objects.order_by("id").values_list("policy_name", flat=True)) == [
        "by hand",
        "sre-page",
    ]
    assert Notification.objects.filter(page__policy_name="sre-page").get().user == "alice"


@pytest.mark.parametrize(
    ("target", "said", "at"),
    [  # the form's own check beside the field; the paging's refusals beside the button
        ("nobody", "choose whom to page from the list: a person, a schedule or a policy", "target"),
        ("", "choose whom to page from the list", "target"),
        ("schedule:red-secret", "no schedule 'red-secret'", "someone"),  # not ivy's to see
        ("policy:red-page", "no escalation policy 'red-page' that you may page", "someone"),
        ("user:ghost", "'ghost' cannot be paged for", "someone"),
    ],
)
def test_a_refused_page_comes_back_beside_the_form(
    make_user: Any, target: str, said: str, at: str
) -> None:
    from postmortems.server.oncall.models import Page

    people = _world(make_user)
    incident = declared(people["ivy"])
    answer = logged_in(people["ivy"]).post(
        f"/oncall/incidents/{incident.key}/page/", {"target": target}
    )
    assert answer.status_code == 400
    form = _form(answer.content)
    error = form.find(class_="field-error")
    assert said in error.get_text()
    assert Page.objects.count() == 0
    assert error["id"] == f"page-{at}-error"
    if at == "target":  # tied to the control for screen readers
        assert form.find("select")["aria-describedby"] == "page-target-error"


def test_refusals_of_a_restricted_incident_an_ended_one_and_a_page_already_going(
    make_user: Any,
) -> None:
    from postmortems.server.incidents import services
    from postmortems.server.oncall.models import Page

    people = _world(make_user)
    client = logged_in(people["ivy"])
    secret = declared(people["ivy"], restricted=True)
    url = f"/oncall/incidents/{secret.key}/page/"
    refused = client.post(url, {"target": "user:wanda"})  # team red cannot see it
    assert refused.status_code == 400
    assert f"'wanda' cannot be paged for {secret.key}" in _said(refused)
    kept = _form(refused.content).find("option", selected=True)
    assert kept is None  # wanda is not offered for a restricted incident of sre
    assert client.post(url, {"target": "policy:sre-page"}).status_code == 302
    again = client.post(url, {"target": "policy:sre-page"})
    assert again.status_code == 400
    assert f"sre-page is already paging {secret.key}" in _said(again)
    assert client.post(url, {"target": "user:bob"}).status_code == 302
    twice = client.post(url, {"target": "user:bob"})
    assert twice.status_code == 400
    assert f"user bob is already paged for {secret.key}" in _said(twice)
    selected = _form(twice.content).find("option", selected=True)
    assert selected["value"] == "user:bob"  # the choice is kept
    # Red's open schedule would page wanda, who cannot see it: refused as she is (below).
    apply(rotation("red-open", ("wanda",), team="red"), source="")
    assert client.post(url, {"target": "schedule:red-open"}).status_code == 400
    services.change_status(secret, "investigating", people["ivy"], timezone.now())
    services.change_status(secret, "resolved", people["ivy"], timezone.now())
    ended = client.post(url, {"target": "user:carol"})
    assert ended.status_code == 400
    assert f"{secret.key} is resolved: nobody is paged for it" in _said(ended)
    assert Page.objects.count() == 2
    # The page to bob is seen as the incident is: by its team (sre), not by wanda of team red.
    to_bob = Page.objects.filter(policy=None).earliest("pk")
    assert to_bob.team == "sre"
    assert logged_in(people["wanda"]).get(f"/oncall/pages/{to_bob.pk}/").status_code == 404
    assert (
        f"/oncall/pages/{to_bob.pk}/"
        not in logged_in(people["wanda"]).get("/oncall/pages/").content.decode()
    )
    assert client.get(f"/oncall/pages/{to_bob.pk}/").status_code == 200
    # Someone who may not change the incident: 403; who may not see it: 404.
    assert logged_in(people["vic"]).post(url, {"target": "user:bob"}).status_code == 403
    assert logged_in(people["wanda"]).post(url, {"target": "user:bob"}).status_code == 404


def test_a_restricted_schedule_paged_by_hand_is_named_only_to_its_team(make_user: Any) -> None:
    """Wanda (team red) pages red's restricted schedule for an incident everyone reads: the
    page is seen by team red only, and the timeline says a restricted schedule's on-call."""
    from postmortems.server.oncall.models import Page

    people = _world(make_user)
    from postmortems.server.accounts.models import set_role

    set_role(people["wanda"], "sre", "author")  # wanda may change sre's incident too
    incident = declared(people["ivy"])
    wanda = logged_in(people["wanda"])
    url = f"/oncall/incidents/{incident.key}/page/"
    assert wanda.post(url, {"target": "schedule:red-secret"}).status_code == 302
    page = Page.objects.get()
    assert page.team == "red"
    event = incident.events.get(kind="page")
    # who paged is named, neither the schedule nor its on-call
    assert event.text == "wanda paged a restricted schedule"
    ivy = logged_in(people["ivy"])
    assert ivy.get(f"/oncall/pages/{page.pk}/").status_code == 404
    html = ivy.get(f"/incidents/{incident.key}/").content.decode()
    assert "red-secret" not in html
    assert f"/oncall/pages/{page.pk}/" not in html
    assert wanda.get(f"/oncall/pages/{page.pk}/").status_code == 200
    # A webhook post, in a shared channel, names neither the schedule nor who is on call.
    from postmortems.server.oncall import pagemail

    said = pagemail.told(page.notifications.get(), "https://ack")
    assert not said.named
    assert said.line == (
        f"Page #{page.pk}: [SEV3] {incident.key} Checkout 502s — the on-call of a restricted "
        "schedule, paged by wanda: step 1 of 1, round 1 of 2"
    )
    # Renamed (or deleted) before the post goes out: still restricted, as it was then; a row
    # kept before notifications held their schedule fails closed on a name no schedule has.
    from postmortems.server.oncall.models import Schedule

    Schedule.objects.filter(name="red-secret").update(name="red-vault", restricted=False)
    assert not pagemail.told(page.notifications.get(), "https://ack").named
    page.notifications.update(schedule=None, schedule_team="", schedule_restricted=None)
    assert not pagemail.told(page.notifications.get(), "https://ack").named
    Schedule.objects.filter(name="red-vault").update(name="red-secret")  # open, by that name
    assert pagemail.told(page.notifications.get(), "https://ack").named


def test_a_refused_change_keeps_what_was_typed_with_the_paging_panel_on_the_page(
    make_user: Any,
) -> None:
    """The panel is drawn first, through the request: it found what a refused form kept and
    the page's own form came back empty (the kept text is now the same to every template)."""
    people = _world(make_user)
    incident = declared(people["ivy"])
    answer = logged_in(people["ivy"]).post(
        f"/incidents/{incident.key}/status/",
        {"status": "triage", "why": "rolled back the deploy at 14:02"},
    )
    assert answer.status_code == 400  # it is in triage already
    page = BeautifulSoup(answer.content, "html.parser")
    assert page.find(id="incident-pages") is not None
    assert page.find(id="status-why")["value"] == "rolled back the deploy at 14:02"


@pytest.mark.django_db(transaction=True)
def test_the_migration_bounds_the_hand_pages_of_restricted_incidents_stored_before() -> None:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("oncall", "0006_override_from_file"), ("incidents", "0011_entry_names")]
    after = [("oncall", "0007_hand_pages_of_restricted_incidents")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps
        incident, page = old.get_model("incidents", "Incident"), old.get_model("oncall", "Page")
        now = timezone.now()
        for key, restricted in (("INC-1", True), ("INC-2", False)):
            incident.objects.create(
                key=key,
                year=2026,
                number=int(key[-1]),
                title="t",
                severity="SEV2",
                status="investigating",
                team="sre",
                restricted=restricted,
                created=now,
            )
            page.objects.create(
                policy_name="by hand", summary=key, incident_key=key, opened=now, team=""
            )
        executor = MigrationExecutor(connection)
        executor.migrate(after)
        new = executor.loader.project_state(after).apps.get_model("oncall", "Page")
        assert dict(new.objects.values_list("incident_key", "team")) == {
            "INC-1": "sre",
            "INC-2": "",
        }
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def test_the_second_round_of_a_page_to_one_person_is_a_repeat_not_an_escalation(
    make_user: Any,
) -> None:
    """Nobody acknowledged, so round 2 pages carol again: the timeline and the draft say so,
    and the incident has not escalated."""
    from postmortems.incident.timeline import timeline_entries
    from postmortems.server.incidents import services
    from postmortems.server.oncall import paging
    from postmortems.server.oncall.models import Page

    people = _world(make_user)
    incident = declared(people["ivy"])
    logged_in(people["ivy"]).post(
        f"/oncall/incidents/{incident.key}/page/", {"target": "user:carol"}
    )
    paging.tick(Page.objects.get().opened + dt.timedelta(minutes=5))
    pages = list(
        incident.events.filter(kind__in=["page", "escalation"]).values_list("kind", "text")
    )
    assert pages[-1] == (
        "page",
        "paged carol again (round 2 of 2, no acknowledgement) — paged by ivy: step 1 of 1, "
        "round 2 of 2 (user carol)",
    )
    incident.refresh_from_db()
    assert incident.escalated is None
    lines = [e.text for e in timeline_entries(services.domain(incident))]
    assert "Paged again: carol (round 2 of 2, no acknowledgement)." in lines


# --- a restricted incident pages only people who may see it ---------------------------------


def _reaching_world(make_user: Any) -> dict[str, Any]:
    """_world, and what would reach wanda (team red) from team sre: red's open schedule
    red-open, sre's policy sre-to-red stepping to it, and a policy of no team paging team red."""
    people = _world(make_user)
    apply(rotation("red-open", ("wanda",), team="red"), source="")
    to_red = policy("sre-to-red", (((("schedule", "red-open"),), 10),))
    everyone = policy("all-hands", (((("team", "red"),), 10),), team="")
    apply(policies=(to_red, everyone), source="")
    return people


def test_a_restricted_incident_offers_only_schedules_and_policies_whose_people_see_it(
    make_user: Any,
) -> None:
    people = _reaching_world(make_user)
    ivy = logged_in(people["ivy"])
    open_one = _options(ivy.get(f"/incidents/{declared(people['ivy']).key}/").content)
    assert open_one["Schedules (whoever is on call)"] == ["schedule:primary", "schedule:red-open"]
    assert open_one["Escalation policies (step by step)"] == [
        "policy:all-hands",
        "policy:sre-page",
        "policy:sre-to-red",
    ]
    secret = declared(people["ivy"], restricted=True)
    html = ivy.get(f"/incidents/{secret.key}/").content
    options = _options(html)
    assert options["Schedules (whoever is on call)"] == ["schedule:primary"]
    assert options["Escalation policies (step by step)"] == ["policy:sre-page"]
    # Only who may see it: the team's people, and no other group (wanda is red's).
    assert next(iter(options)) == "People of team sre"
    assert "Other people who may see it" not in options
    assert "user:wanda" not in str(options)
    note = BeautifulSoup(html, "html.parser").find(class_="page-someone-note").get_text()
    assert "restricted to team sre: only the people who may see it are offered" in note


def test_a_restricted_incident_refuses_a_schedule_or_policy_that_reaches_another_team(
    make_user: Any,
) -> None:
    """The defect: a user of team red was refused, red's schedule accepted (and paged wanda,
    who got a link to an incident that is 404 for her)."""
    from postmortems.oncall import model
    from postmortems.server.oncall.models import Notification, Page

    people = _reaching_world(make_user)
    secret = declared(people["ivy"], restricted=True)
    url = f"/oncall/incidents/{secret.key}/page/"
    ivy = logged_in(people["ivy"])
    schedule = ivy.post(url, {"target": "schedule:red-open"})
    assert schedule.status_code == 400
    assert _said(schedule) == (
        f"'red-open' cannot be paged for {secret.key}: wanda may be on call there and cannot "
        "see this restricted incident — page a person of team sre, or a schedule or policy "
        "that pages only people who may see the incident"
    )
    assert _form(schedule.content).find("option", selected=True) is None  # not offered
    for name, through in (("sre-to-red", "schedule red-open"), ("all-hands", "team red")):
        refused = ivy.post(url, {"target": f"policy:{name}"})
        assert refused.status_code == 400
        assert _said(refused).startswith(
            f"'{name}' cannot be paged for {secret.key}: its {through} may page people who "
            "cannot see this restricted incident — "
        )
    assert (Page.objects.count(), Notification.objects.count()) == (0, 0)
    # An override that adds wanda to primary keeps primary out while it lasts, not after.
    now = timezone.now()
    while_on = model.Override(now - dt.timedelta(hours=1), now + dt.timedelta(hours=1), "wanda")
    apply(rotation("primary", overrides=(while_on,)), source="")
    assert "wanda may be on call there" in _said(ivy.post(url, {"target": "schedule:primary"}))
    over = model.Override(now - dt.timedelta(hours=2), now - dt.timedelta(hours=1), "wanda")
    apply(rotation("primary", overrides=(over,)), source="")
    assert ivy.post(url, {"target": "schedule:primary"}).status_code == 302
    # The same schedule and policies page an incident everyone reads.
    open_one = declared(people["ivy"])
    assert ivy.post(f"/oncall/incidents/{open_one.key}/page/", {"target": "policy:sre-to-red"})[
        "Location"
    ].endswith("#incident-pages")
    assert Notification.objects.filter(page__policy_name="sre-to-red").get().user == "wanda"


def test_the_api_the_pages_form_and_pm_page_open_refuse_it_too(
    make_user: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from oncall_fixtures import pm_here

    from postmortems.server.accounts.models import ApiToken
    from postmortems.server.oncall.models import Page

    people = _reaching_world(make_user)
    secret = declared(people["ivy"], restricted=True)
    token = ApiToken.issue(people["ivy"], "script", scope="write")[1]
    api = Client(headers={"Authorization": f"Bearer {token}"})

    def page(policy_name: str, key: str) -> Any:
        body = {"policy": policy_name, "summary": "checkout down", "incident": key}
        return api.post("/api/oncall/pages", json.dumps(body), content_type="application/json")

    refused = page("sre-to-red", secret.key)
    assert refused.status_code == 409
    assert refused.json()["detail"] == (
        f"'sre-to-red' cannot be paged for {secret.key}: its schedule red-open may page people "
        "who cannot see this restricted incident"
    )
    assert refused.json()["hint"].startswith("page a person of team sre")
    form = {"summary": "checkout down", "incident": secret.key}
    said = logged_in(people["ivy"]).post("/oncall/policies/all-hands/page/", form, follow=True)
    assert f"&#x27;all-hands&#x27; cannot be paged for {secret.key}" in said.content.decode()
    pm = pm_here(monkeypatch, capsys, "page")
    code, out, err = pm(
        "page",
        "open",
        "--policy",
        "sre-to-red",
        "--summary",
        "x",
        "--incident",
        secret.key,
        "--as",
        "ivy",
    )
    assert (code, out) == (3, "")
    assert err.startswith(f"pm: 'sre-to-red' cannot be paged for {secret.key}: its schedule")
    assert Page.objects.count() == 0
    assert page("sre-page", secret.key).status_code == 201  # sre's own people: paged
    assert page("sre-to-red", declared(people["ivy"]).key).status_code == 201
    assert pm("page", "open", "--policy", "all-hands", "--summary", "x", "--as", "ivy")[0] == 0


def test_the_teams_people_are_all_offered_however_many_accounts_there_are(
    make_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The list of everyone who may respond is cut (``RESPONDERS_SHOWN``, by name): the team's
    own people, late in the alphabet, are still offered in their group."""
    from postmortems.server.incidents import rights

    people = _world(make_user)
    monkeypatch.setattr(rights, "RESPONDERS_SHOWN", 2)  # alice and bob of a long list
    page = logged_in(people["ivy"]).get(f"/incidents/{declared(people['ivy']).key}/")
    offered = _options(page.content)
    teammates = next(v for k, v in offered.items() if k.startswith("People of team"))
    assert {"user:carol", "user:ivy", "user:vic"} <= set(teammates)
