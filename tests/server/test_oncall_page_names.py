"""A page names to each reader only whom they may know is on call: a person it reached through
a restricted schedule of another team is "the on-call of a restricted schedule" to someone the
same page reached from outside that team (its page, its notifications, who acknowledged it,
the pages list, the inbox, the signed link and the API), as the incident's timeline says it.
Members of the schedule's team and superusers see the name; the person is named to themself."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from oncall_fixtures import NOW, apply, policy, rotation

pytestmark = pytest.mark.django_db

HIDDEN = "the on-call of a restricted schedule"
# red's own policy pages its restricted schedule and, beside it, sam of team blue.
RED_AND_SAM = (((("schedule", "red-secret"), ("user", "sam")), 5),)


def _paged(make_user: Any) -> Any:
    from postmortems.server.oncall import paging
    from postmortems.server.oncall.models import Policy, Schedule

    make_user("wanda", "author", team="red")
    make_user("sam", "author", team="blue")
    make_user("rita", "viewer", team="red")
    apply(rotation("red-secret", ("wanda",), team="red"), source="")
    apply(policies=(policy("red-page", RED_AND_SAM, team="red"),), source="")
    Schedule.objects.filter(name="red-secret").update(restricted=True)
    page = paging.open_page(Policy.objects.get(name="red-page"), summary="db down", now=NOW)
    assert sorted(page.notifications.values_list("user", flat=True)) == ["sam", "wanda"]
    return page


def _as(name: str) -> Client:
    from django.contrib.auth.models import User

    client = Client()
    client.force_login(User.objects.get(username=name))
    return client


def _api(name: str, path: str) -> Any:
    from django.contrib.auth.models import User

    from postmortems.server.accounts.models import ApiToken

    token = ApiToken.issue(User.objects.get(username=name), "t", scope="read")[1]
    return Client().get(f"/api/oncall{path}", headers={"Authorization": f"Bearer {token}"}).json()


def _text(client: Client, path: str) -> str:
    answer = client.get(path)
    assert answer.status_code == 200, path
    return BeautifulSoup(answer.content, "html.parser").get_text(" ")


def test_a_page_names_a_restricted_schedules_on_call_only_to_its_team(make_user: Any) -> None:
    from django.contrib.auth.models import User

    from postmortems.server.oncall import acklinks, paging

    page = _paged(make_user)
    sam = _as("sam")
    shown = _text(sam, f"/oncall/pages/{page.pk}/")
    assert "wanda" not in shown
    assert HIDDEN in shown
    assert "sam" in shown
    assert "wanda" not in _text(sam, "/inbox/")
    assert _api("sam", f"/pages/{page.pk}")["paged"] == ["sam", HIDDEN]
    assert "wanda" in _text(_as("rita"), f"/oncall/pages/{page.pk}/")  # red: its own on-call
    assert _api("rita", f"/pages/{page.pk}")["paged"] == ["sam", "wanda"]

    assert paging.acknowledge(page, User.objects.get(username="wanda"), NOW)
    assert f"acknowledged by {HIDDEN}" in _text(sam, f"/oncall/pages/{page.pk}/")
    listed = _text(sam, "/oncall/pages/")
    assert "db down" in listed
    assert "wanda" not in listed
    answer = _api("sam", "/pages")
    assert [(p["id"], p["acknowledged_by"]) for p in answer] == [(page.pk, HIDDEN)]
    assert _api("wanda", f"/pages/{page.pk}")["acknowledged_by"] == "wanda"  # to herself

    link = _text(Client(), f"/oncall/ack/{acklinks.make(page.pk, 'sam')}/")
    assert f"Acknowledged by {HIDDEN}" in link
    link = _text(Client(), f"/oncall/ack/{acklinks.make(page.pk, 'wanda')}/")
    assert "Acknowledged by wanda" in link


def test_someone_paged_both_ways_is_named_only_where_paged_as_a_person(make_user: Any) -> None:
    """Reached through the restricted schedule at step 1 and as a person at step 2: the page
    names them (step 2 does), but not on step 1's row, which would say whom the schedule had."""
    from postmortems.server.oncall import paging
    from postmortems.server.oncall.models import Policy, Schedule

    make_user("wanda", "author", team="red")
    make_user("sam", "author", team="blue")
    both = (((("schedule", "red-secret"), ("user", "sam")), 5), ((("user", "wanda"),), 5))
    apply(rotation("red-secret", ("wanda",), team="red"), source="")
    apply(policies=(policy("red-page", both, team="red"),), source="")
    Schedule.objects.filter(name="red-secret").update(restricted=True)
    page = paging.open_page(Policy.objects.get(name="red-page"), summary="db down", now=NOW)
    assert _api("sam", f"/pages/{page.pk}")["paged"] == ["sam", HIDDEN]
    paging.tick(NOW + dt.timedelta(minutes=6))
    assert _api("sam", f"/pages/{page.pk}")["paged"] == ["sam", "wanda"]
    page_html = BeautifulSoup(_as("sam").get(f"/oncall/pages/{page.pk}/").content, "html.parser")
    rows = [
        (
            tr.select_one("[data-label=Who]").get_text(),
            tr.select_one("[data-label=Step]").get_text(),
        )
        for tr in page_html.select("table tbody tr")
    ]
    assert sorted(rows) == [("sam", "1"), (HIDDEN, "1"), ("wanda", "2")]


def test_the_workload_counts_a_hidden_on_calls_pages_without_their_name(make_user: Any) -> None:
    _paged(make_user)
    period = {"since": "2026-03-01", "to": "2026-03-10", "zone": "UTC"}
    sam = _as("sam")
    shown = _text(sam, "/oncall/workload/?" + "&".join(f"{k}={v}" for k, v in period.items()))
    assert "wanda" not in shown
    assert HIDDEN in shown
    csv = sam.get("/oncall/workload/", {**period, "format": "csv"}).content.decode()
    assert "wanda" not in csv
    assert f"{HIDDEN},0.00,1,0" in csv.splitlines()
    red = _as("rita").get("/oncall/workload/", {**period, "format": "csv"}).content.decode()
    assert "wanda,183.00,1,0" in red.splitlines()  # her team sees her hours and her page


def test_a_long_reason_keeps_the_schedule_and_a_cut_one_hides_its_person(make_user: Any) -> None:
    """Policy and schedule names of 100 characters: the notification keeps the schedule's name
    whole (its policy's is cut). A row an older version cut inside the schedule's name hides its
    person when a hidden schedule's name begins so."""
    from postmortems.server.oncall import paging
    from postmortems.server.oncall.models import Notification, Policy, Schedule

    make_user("wanda", "author", team="red")
    make_user("sam", "author", team="blue")
    long_schedule, long_policy = "r" * 100, "p" * 100
    steps = (((("schedule", long_schedule), ("user", "sam")), 5),)
    apply(rotation(long_schedule, ("wanda",), team="red"), source="")
    apply(policies=(policy(long_policy, steps, team="red"),), source="")
    Schedule.objects.filter(name=long_schedule).update(restricted=True)
    page = paging.open_page(Policy.objects.get(name=long_policy), summary="db down", now=NOW)
    kept = Notification.objects.get(page=page, user="wanda").reason
    assert len(kept) == 200
    assert kept.endswith(f" (schedule {long_schedule})")
    assert _api("sam", f"/pages/{page.pk}")["paged"] == ["sam", HIDDEN]
    Notification.objects.filter(page=page, user="wanda").update(  # as an older version kept it
        reason=kept[:150], schedule=None, schedule_team="", schedule_restricted=None
    )
    assert _api("sam", f"/pages/{page.pk}")["paged"] == ["sam", HIDDEN]
    assert _api("wanda", f"/pages/{page.pk}")["paged"] == ["sam", "wanda"]


def test_a_restricted_schedule_renamed_or_deleted_names_its_on_call_to_its_team_only(
    make_user: Any,
) -> None:
    """A notification keeps the schedule it went through, and its team and restriction then:
    its team sees the name after a rename and after a deletion; no one else does, even once the
    schedule is opened or moved to their team, or an open schedule takes the old name."""
    from postmortems.server.oncall.models import Schedule

    page = _paged(make_user)
    Schedule.objects.filter(name="red-secret").update(name="red-vault")
    assert _api("sam", f"/pages/{page.pk}")["paged"] == ["sam", HIDDEN]
    assert _api("rita", f"/pages/{page.pk}")["paged"] == ["sam", "wanda"]
    Schedule.objects.filter(name="red-vault").update(restricted=False)  # opened since
    assert _api("sam", f"/pages/{page.pk}")["paged"] == ["sam", HIDDEN]
    Schedule.objects.filter(name="red-vault").update(restricted=True, team="blue")  # moved
    assert _api("sam", f"/pages/{page.pk}")["paged"] == ["sam", HIDDEN]
    assert _api("rita", f"/pages/{page.pk}")["paged"] == ["sam", HIDDEN]  # not red's now
    Schedule.objects.filter(name="red-vault").update(team="red")
    Schedule.objects.filter(name="red-vault").delete()
    assert _api("sam", f"/pages/{page.pk}")["paged"] == ["sam", HIDDEN]
    assert _api("rita", f"/pages/{page.pk}")["paged"] == ["sam", "wanda"]  # red's, as it was
    apply(rotation("red-secret", ("wanda",), team="red"), source="")  # open, the old name
    assert _api("sam", f"/pages/{page.pk}")["paged"] == ["sam", HIDDEN]


def test_a_notification_kept_before_its_schedule_was_fails_closed_by_name(
    make_user: Any,
) -> None:
    """A row paged before notifications kept their schedule is read by the name in its reason:
    a restricted schedule renamed or deleted since hides its person, its own team included (it
    may have been restricted); an open schedule of that name names them."""
    from postmortems.server.oncall.models import Notification, Schedule

    page = _paged(make_user)
    Notification.objects.filter(page=page).update(
        schedule=None, schedule_team="", schedule_restricted=None
    )
    assert _api("sam", f"/pages/{page.pk}")["paged"] == ["sam", HIDDEN]
    assert _api("rita", f"/pages/{page.pk}")["paged"] == ["sam", "wanda"]
    Schedule.objects.filter(name="red-secret").update(name="red-vault")
    assert _api("sam", f"/pages/{page.pk}")["paged"] == ["sam", HIDDEN]
    assert _api("rita", f"/pages/{page.pk}")["paged"] == ["sam", HIDDEN]  # gone for red too
    Schedule.objects.filter(name="red-vault").delete()
    apply(rotation("red-secret", ("wanda",), team="red"), source="")  # open this time
    assert _api("sam", f"/pages/{page.pk}")["paged"] == ["sam", "wanda"]


def test_the_admin_hides_a_restricted_schedules_on_call_from_other_teams_staff(
    make_user: Any,
) -> None:
    """sam of blue, staff with the on-call app's permissions, sees in the admin the page and his
    own notification, but not wanda's (sent through red's restricted schedule) nor who
    acknowledged the page; a superuser sees both."""
    from django.contrib.auth.models import Permission, User

    from postmortems.server.oncall import paging
    from postmortems.server.oncall.models import Notification

    page = _paged(make_user)
    assert paging.acknowledge(page, User.objects.get(username="wanda"), NOW)
    sam = User.objects.get(username="sam")
    sam.is_staff = True
    sam.save()
    sam.user_permissions.set(Permission.objects.filter(content_type__app_label="oncall"))
    hers = Notification.objects.get(page=page, user="wanda").pk
    his = Notification.objects.get(page=page, user="sam").pk
    client = _as("sam")
    listed = _text(client, "/admin/oncall/notification/")
    assert "sam" in listed
    assert "wanda" not in listed
    assert client.get(f"/admin/oncall/notification/{his}/change/").status_code == 200
    gone = client.get(f"/admin/oncall/notification/{hers}/change/", follow=True)
    assert "wanda" not in gone.content.decode()
    page_form = _text(client, f"/admin/oncall/page/{page.pk}/change/")
    assert "db down" in page_form
    assert "wanda" not in page_form
    assert "Acknowledged by" not in page_form

    mine = _text(client, f"/admin/oncall/notification/{his}/change/")
    assert "Schedule restricted" in mine  # read-only: kept as it was paged

    boss = make_user("boss", "viewer", team="green", superuser=True)
    client.force_login(boss)
    assert "wanda" in _text(client, "/admin/oncall/notification/")
    assert "wanda" in _text(client, f"/admin/oncall/page/{page.pk}/change/")


def test_a_page_s_delete_confirmation_in_the_admin_names_no_hidden_on_call(
    make_user: Any,
) -> None:
    """blue's policy pages red's schedule, which red restricts afterwards: sam of blue, staff,
    may delete blue's page; its confirmation lists the notifications without their people."""
    from django.contrib.auth.models import Permission, User

    from postmortems.server.oncall import paging
    from postmortems.server.oncall.models import Policy, Schedule

    make_user("wanda", "author", team="red")
    sam = make_user("sam", "author", team="blue")
    apply(rotation("red-open", ("wanda",), team="red"), source="")
    steps = (((("schedule", "red-open"),), 5),)
    apply(policies=(policy("blue-page", steps, team="blue"),), source="")
    page = paging.open_page(Policy.objects.get(name="blue-page"), summary="db down", now=NOW)
    Schedule.objects.filter(name="red-open").update(restricted=True)
    sam.is_staff = True
    sam.save()
    sam.user_permissions.set(Permission.objects.filter(content_type__app_label="oncall"))
    client = _as("sam")
    assert _api("sam", f"/pages/{page.pk}")["paged"] == [HIDDEN]
    confirm = client.get(f"/admin/oncall/page/{page.pk}/delete/")
    assert confirm.status_code == 200
    assert "notification" in confirm.content.decode()
    assert "wanda" not in confirm.content.decode()
    chosen = {"action": "delete_selected", "_selected_action": [page.pk]}
    listed = client.post("/admin/oncall/page/", chosen)
    assert listed.status_code == 200
    assert "notification" in listed.content.decode()
    assert "wanda" not in listed.content.decode()
    assert User.objects.filter(username="wanda").exists()


def _by_hand(schedule: str, summary: str, minutes: int, team: str = "") -> Any:
    """wanda pages ``schedule`` by hand, ``minutes`` after NOW (``team``: the page's)."""
    from django.contrib.auth.models import User

    from postmortems.oncall.model import Target
    from postmortems.server.oncall import paging

    wanda = User.objects.get(username="wanda")
    return paging.open_direct(
        Target("schedule", schedule),
        wanda,
        summary=summary,
        now=NOW + dt.timedelta(minutes=minutes),
        incident_key="",
        team=team,
    )


def test_a_page_by_hand_names_a_restricted_schedule_only_to_its_team(make_user: Any) -> None:
    """sam (team blue) was on red's restricted schedule by an override from before the rule
    below, and it was paged by hand: his page, the pages list, his inbox, the API and the
    signed link said "schedule red-secret", whose own page answers him 404."""

    from postmortems.server.oncall import acklinks
    from postmortems.server.oncall.models import Override, Schedule

    make_user("wanda", "author", team="red")
    make_user("sam", "author", team="blue")
    make_user("rita", "viewer", team="red")
    apply(rotation("red-secret", ("wanda",), team="red"), source="")
    secret = Schedule.objects.get(name="red-secret")
    secret.restricted = True
    secret.save()
    Override.objects.create(
        schedule=secret, start=NOW, end=NOW + dt.timedelta(hours=2), user="sam", kind="add"
    )
    page = _by_hand("red-secret", "vault sealed", 5, team="red")
    assert "sam" in page.notifications.values_list("user", flat=True)
    sam = _as("sam")
    assert sam.get("/oncall/s/red-secret/").status_code == 404
    for path in (f"/oncall/pages/{page.pk}/", "/oncall/pages/", "/inbox/"):
        shown = _text(sam, path)
        assert "vault sealed" in shown, path  # the page reached him: he sees it
        assert "red-secret" not in shown, path
        assert "a restricted schedule" in shown, path
    assert _api("sam", f"/pages/{page.pk}")["targets"] == ["a restricted schedule"]
    link = _text(Client(), f"/oncall/ack/{acklinks.make(page.pk, 'sam')}/")
    assert "red-secret" not in link
    assert "schedule red-secret" in _text(_as("rita"), f"/oncall/pages/{page.pk}/")
    assert _api("rita", f"/pages/{page.pk}")["targets"] == ["schedule red-secret"]
    # The signed link names it as its own person may read it, signed in or not.
    Override.objects.create(
        schedule=secret, start=NOW, end=NOW + dt.timedelta(hours=2), user="rita", kind="add"
    )
    mine = acklinks.make(page.pk, "rita")
    assert "schedule red-secret" in _text(Client(), f"/oncall/ack/{mine}/")
    # An open schedule paged for a restricted incident of red (the page kept to red) is named.
    apply(rotation("blue-open", ("sam",), team="blue"), source="")
    open_page = _by_hand("blue-open", "vault sealed again", 9, team="red")
    assert _api("sam", f"/pages/{open_page.pk}")["targets"] == ["schedule blue-open"]
    # Deleted since: hidden from whoever the page was not kept to.
    secret.delete()
    assert _api("sam", f"/pages/{page.pk}")["targets"] == ["a restricted schedule"]
    assert _api("rita", f"/pages/{page.pk}")["targets"] == ["schedule red-secret"]


def test_only_its_team_is_put_on_call_on_a_restricted_schedule(make_user: Any) -> None:
    """As a swap already was: an override or a layer naming someone outside the team is
    refused, beside its field; an open schedule takes anyone."""
    from postmortems.server.oncall import services
    from postmortems.server.oncall.models import Override, Schedule

    make_user("wanda", "author", team="red")
    make_user("sam", "author", team="blue")
    apply(rotation("red-secret", ("wanda",), team="red"), source="")
    apply(rotation("red-open", ("wanda",), team="red"), source="")
    Schedule.objects.filter(name="red-secret").update(restricted=True)
    wanda = _as("wanda")
    override = {"user": "sam", "kind": "add", "start": "2026-03-05 10:00"}
    override["end"] = "2026-03-05 12:00"
    refused = wanda.post("/oncall/s/red-secret/overrides/", override)
    assert refused.status_code in (400, 409, 422)
    assert "sam may not see schedule red-secret" in refused.content.decode()
    assert not Override.objects.filter(user="sam").exists()
    assert wanda.post("/oncall/s/red-open/overrides/", override).status_code == 302
    with pytest.raises(services.OncallError, match="sam may not see schedule red-secret") as info:
        services.check_may_see(["wanda", "sam"], Schedule.objects.get(name="red-secret"))
    assert info.value.field == "users"
    services.check_may_see(["wanda"], Schedule.objects.get(name="red-secret"))


def test_the_page_lists_read_the_schedules_once(make_user: Any) -> None:
    """Naming each page's schedule asked the database once a page: 10 pages, 10 queries more."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_user("wanda", "author", team="red")
    apply(rotation("red-open", ("wanda",), team="red"), source="")

    def queries(count: int) -> tuple[int, int]:
        for n in range(count):
            _by_hand("red-open", f"page {n}", n)
        client = _as("wanda")
        client.get("/oncall/pages/")  # what a first request reads once (the session's user)
        with CaptureQueriesContext(connection) as html:
            assert client.get("/oncall/pages/").status_code == 200
        with CaptureQueriesContext(connection) as api:
            _api("wanda", "/pages")
        return len(html), len(api)

    two = queries(2)
    twelve = queries(10)
    assert twelve[0] == two[0], "the pages list"
    assert twelve[1] == two[1], "the API's list"
