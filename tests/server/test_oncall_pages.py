"""The on-call pages and API: who is on call, the calendar, the forms (rotation, override, swap)
and team boundaries (a restricted schedule is invisible outside its team)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from oncall_fixtures import MONDAY, apply, policy, rotation

from postmortems.oncall import evaluate, model

pytestmark = pytest.mark.django_db


def _restricted(name: str = "payroll", team: str = "web") -> None:
    from postmortems.server.oncall.models import Schedule

    apply(rotation(name, ("wanda",), team=team), source="")
    Schedule.objects.filter(name=name).update(restricted=True)


def test_the_list_and_the_team_page_show_who_is_on_call_now(client: Any, make_user: Any) -> None:
    apply(rotation("primary", ("alice",)), source="")
    _restricted()
    client.force_login(make_user("sam", "viewer"))
    html = client.get("/oncall/").content.decode()
    row = BeautifulSoup(html, "html.parser").find("a", string="primary").find_parent("tr")
    assert "alice" in row.get_text()
    assert "payroll" not in html
    assert "wanda" not in html
    team = BeautifulSoup(client.get("/oncall/team/sre/").content, "html.parser")
    assert team.find(id="team-now").get_text(strip=True) == "alice"
    assert client.get("/oncall/s/payroll/").status_code == 404
    assert "wanda" not in client.get("/oncall/team/web/").content.decode()


def test_someone_on_call_without_an_account_is_marked_as_not_reachable(
    client: Any, make_user: Any
) -> None:
    """A schedule applied from YAML may name people who have no account yet: nobody is paged
    under such a name, so the list and the schedule say so beside it."""
    apply(rotation("primary", ("chiara",)), source="")
    client.force_login(make_user("sam", "viewer"))
    row = BeautifulSoup(client.get("/oncall/").content, "html.parser").find("a", string="primary")
    who = row.find_parent("tr").select_one(".who-now")
    assert who.get_text(" ", strip=True) == "chiara no account"
    now = BeautifulSoup(client.get("/oncall/s/primary/").content, "html.parser").find(id="now")
    assert "no account" in now.get_text()
    make_user("chiara", "author")
    now = BeautifulSoup(client.get("/oncall/s/primary/").content, "html.parser").find(id="now")
    assert now.get_text(strip=True) == "On call now:chiara"


def test_a_restricted_schedule_is_visible_to_its_team(client: Any, make_user: Any) -> None:
    _restricted()
    client.force_login(make_user("walt", "viewer", team="web"))
    assert "wanda" in client.get("/oncall/s/payroll/").content.decode()


def test_the_schedule_page_draws_layers_the_final_rotation_and_gaps(
    client: Any, make_user: Any, monkeypatch: Any
) -> None:
    office = rotation("office", ("alice", "bob"), zone="Europe/Berlin", business_hours=("erin",))
    only_office = model.Schedule("days", "Europe/Berlin", office.layers[1:], team="sre")
    apply(office, only_office, source="")
    zone = office.zone
    start = dt.datetime.combine(MONDAY, dt.time(), zone)
    monkeypatch.setattr("django.utils.timezone.now", lambda: start)  # every gap is to come
    client.force_login(make_user("sam", "viewer"))
    soup = BeautifulSoup(client.get("/oncall/s/days/?from=2026-03-02").content, "html.parser")
    weeks = soup.select("svg.oncall-week")
    assert len(weeks) == 4
    assert "office" in weeks[0].get_text()
    assert "on call" in weeks[0].get_text()
    expected = evaluate.gaps(only_office, start, start + dt.timedelta(weeks=4))
    # From the first hand-over (Monday 09:00) on: four weekday nights and a weekend a week;
    # Monday's early hours were before the rotation began, no gap.
    assert len(soup.select("#gaps li")) == len(expected) == 4 * 5
    assert len(weeks[0].select("rect.gap")) == 5
    first = soup.select("#gaps li")[0].get_text()
    assert first.startswith("Mon 2 Mar 17:00")  # drawn in the schedule's zone
    # The same weeks as a list (a phone's view): every shift and gap, in order, in the zone.
    agenda = soup.select("#agenda li")
    shifts = evaluate.shifts(only_office, start, start + dt.timedelta(weeks=4))
    assert len(agenda) == len(expected) + len([s for s in shifts if s.users])
    assert agenda[0].get_text(" ", strip=True) == "Mon 2 Mar 09:00 – Mon 2 Mar 17:00 erin"
    assert agenda[1].get_text(" ", strip=True) == "Mon 2 Mar 17:00 – Tue 3 Mar 09:00 nobody (gap)"
    assert [li.get("class") for li in agenda[:4]] == [None, ["gap"], None, ["gap"]]
    full = BeautifulSoup(client.get("/oncall/s/office/?from=2026-03-02").content, "html.parser")
    # Covered from its first hand-over on: no gap at all (before it, the rotation had not begun).
    assert full.select("rect.gap") == []
    assert full.select_one("#gaps").get_text() == "No gaps from now on in these weeks."
    titles = [t.get_text() for t in full.select("svg.oncall-week")[0].select("g.shift title")]
    assert any(t.startswith("erin, Mon 02 Mar 09:00") for t in titles)
    # The layers' windows as people read them, not as weekday numbers.
    only = [tr.select("td")[-1].get_text() for tr in full.select("table tbody tr")[:2]]
    assert only == ["always", "Mon–Fri 09:00–17:00"]
    assert full.select_one("#from-error") is None
    # A day that is none is said (400), and the weeks from today are shown under it.
    for bad in ("2026-02-30", "next-week", "0001-01-01"):
        refused = client.get(f"/oncall/s/office/?from={bad}")
        assert refused.status_code == 400
        page = BeautifulSoup(refused.content, "html.parser")
        said = page.select_one("#from-error").get_text()
        assert said.startswith(f"“{bad}” is not a day from 1900-01-01 to 9000-12-31"), said
        assert page.select_one("#gaps").get_text() == "No gaps from now on in these weeks."


def test_days_of_a_window_read_as_names() -> None:
    from postmortems.server.oncall.models import _days

    assert _days([0, 1, 2, 3, 4]) == "Mon–Fri"
    assert _days([5, 6]) == "Sat, Sun"
    assert _days([6, 0, 2]) == "Mon, Wed, Sun"
    assert _days([0, 1, 2, 4, 5, 6]) == "Mon–Wed, Fri–Sun"


def _rotation_form(**changes: str) -> dict[str, str]:
    form = {
        "name": "web-primary",
        "timezone": "Europe/Berlin",
        "team": "sre",
        "layer": "main",
        "users": "alice, bob",
        "shift_count": "1",
        "shift_unit": "weeks",
        "handoff": "09:00",
        "start": "2026-03-02",
    }
    return {**form, **changes}


def test_a_rotation_and_an_override_made_with_the_forms(client: Any, make_user: Any) -> None:
    from postmortems.server.oncall import store
    from postmortems.server.oncall.models import Layer, Schedule

    client.force_login(make_user("alice", "author"))
    make_user("bob", "author"), make_user("carol", "author")
    answer = client.post("/oncall/new/", _rotation_form())
    assert answer.status_code == 302
    row = Schedule.objects.get(name="web-primary")
    assert (row.managed_by, row.team, row.timezone) == ("", "sre", "Europe/Berlin")
    assert Layer.objects.get(schedule=row).users == ["alice", "bob"]
    override = {"user": "carol", "kind": "replace", "replaces": "", "start": "2026-03-05T09:00"}
    answer = client.post(
        "/oncall/s/web-primary/overrides/", {**override, "end": "2026-03-05T18:00"}
    )
    assert answer.status_code == 302
    pure = store.load_config().schedules[0]
    assert pure.overrides[0].start == dt.datetime(2026, 3, 5, 8, 0, tzinfo=dt.UTC)  # 09:00 CET
    assert evaluate.on_call(pure, dt.datetime(2026, 3, 5, 8, 30, tzinfo=dt.UTC)) == ("carol",)
    assert evaluate.on_call(pure, dt.datetime(2026, 3, 5, 7, 59, tzinfo=dt.UTC)) == ("alice",)
    api = "/api/oncall/schedules/web-primary/on-call"
    assert client.get(api, {"at": "2026-03-05T08:30:00Z"}).json()["on_call"] == ["carol"]
    # The override ends at 18:00 CET (17:00 UTC), its end not included.
    assert client.get(api, {"at": "2026-03-05T17:00:00Z"}).json()["on_call"] == ["alice"]
    # A year's cover across the new year of the schedule's zone (not of UTC: from 00:30 on the
    # 1st in Berlin is the 31st in UTC): its times are shown with their years.
    yearly = {**override, "start": "2026-12-20T09:00", "end": "2027-12-20T09:00"}
    assert client.post("/oncall/s/web-primary/overrides/", yearly).status_code == 302
    # (bob: carol is on call alone then already, and an override that changes nothing is refused)
    early = {**override, "user": "bob", "start": "2027-01-01T00:30", "end": "2027-01-02T09:00"}
    assert client.post("/oncall/s/web-primary/overrides/", early).status_code == 302
    page = BeautifulSoup(client.get("/oncall/s/web-primary/").content, "html.parser")
    cells = [td.get_text() for td in page.select("#overrides td[data-label=From]")]
    assert "Sun 20 Dec 2026 09:00" in cells
    # One year in Berlin: its year is said only when it is not this year (tests/oncall/
    # test_walltime.py checks the zone's year, not UTC's, with a clock of its own).
    from django.utils import timezone

    this_year = timezone.now().astimezone(ZoneInfo("Europe/Berlin")).year
    assert ("Fri 1 Jan 00:30" if this_year == 2027 else "Fri 1 Jan 2027 00:30") in cells


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"end": "2026-03-05T08:00"}, "the end must be after the start"),
        ({"start": "2026-03-29T02:30", "end": "2026-03-29T05:00"}, "2026-03-29 02:30"),
        ({"user": "bad name!"}, "not a username"),
        ({"kind": "remove", "replaces": "bob"}, "only a replace override replaces someone"),
        ({"end": "8999-01-01T00:00"}, "an override lasts at most 366 days (this one: 2,546,772)"),
    ],
)
def test_a_bad_override_answers_400_saying_what_is_wrong(
    client: Any, make_user: Any, fields: dict[str, str], message: str
) -> None:
    from postmortems.server.oncall.models import Override

    apply(rotation("primary", zone="Europe/Berlin"), source="")
    client.force_login(make_user("alice", "author"))
    post = {"user": "carol", "kind": "replace", "start": "2026-03-05T09:00"}
    post |= {"end": "2026-03-05T18:00", **fields}
    answer = client.post("/oncall/s/primary/overrides/", post)
    assert answer.status_code == 400
    assert message in answer.content.decode()
    assert not Override.objects.exists()
    # said at the top too (the form is below the calendar), with a link down to it
    top = BeautifulSoup(answer.content, "html.parser").find("h1").find_next_sibling("p")
    assert top.get_text(" ", strip=True).startswith("Not saved: the override has a problem")
    assert top.find("a")["href"] == "#override-form"


def test_a_rotation_or_an_override_of_someone_with_no_account_is_refused(
    client: Any, make_user: Any
) -> None:
    from postmortems.server.oncall.models import Override, Schedule

    client.force_login(make_user("alice", "author"))
    bob = make_user("bob", "author")
    ghost = client.post("/oncall/new/", _rotation_form(users="alice, ghostuser"))
    assert ghost.status_code == 400
    assert "no account ghostuser: a page to it would reach nobody" in ghost.content.decode()
    beside = BeautifulSoup(ghost.content, "html.parser").select_one("#id_users_error")
    assert beside is not None  # said beside the field that holds the name
    assert "no account ghostuser" in beside.get_text()
    assert not Schedule.objects.exists()
    assert client.post("/oncall/new/", _rotation_form()).status_code == 302
    override = {"user": "nobodyhere", "kind": "replace", "start": "2026-03-05T09:00"}
    answer = client.post(
        "/oncall/s/web-primary/overrides/", {**override, "end": "2026-03-05T18:00"}
    )
    assert answer.status_code == 400
    assert "no account nobodyhere" in answer.content.decode()
    assert not Override.objects.exists()
    # Taking someone off the rotation who has left (an inactive account) is still possible, in
    # their week (bob's is the second).
    type(bob).objects.filter(pk=bob.pk).update(is_active=False)
    off = {"user": "bob", "kind": "remove", "start": "2026-03-10T09:00", "end": "2026-03-11T09:00"}
    assert client.post("/oncall/s/web-primary/overrides/", off).status_code == 302
    assert Override.objects.get().user == "bob"


def test_a_bad_rotation_answers_400_and_a_viewer_cannot_make_one(
    client: Any, make_user: Any
) -> None:
    from postmortems.server.oncall.models import Schedule

    client.force_login(make_user("vic", "viewer"))
    # No button for who may not make one; the page says why instead of a form to fill in vain.
    assert "New rotation</a>" not in client.get("/oncall/").content.decode()
    offered = client.get("/oncall/new/").content.decode()
    assert "Making a rotation needs the author role in a team" in offered
    assert 'name="name"' not in offered
    bad_zone = client.post("/oncall/new/", _rotation_form(timezone="Mars/Olympus"))
    assert bad_zone.status_code == 400
    assert "is not an IANA time zone" in bad_zone.content.decode()
    refused = client.post("/oncall/new/", _rotation_form())
    assert refused.status_code == 400
    assert "your role cannot make schedules of team sre" in refused.content.decode()
    assert not Schedule.objects.exists()


def test_forms_need_the_csrf_token(make_user: Any) -> None:
    from django.test import Client

    from postmortems.server.oncall.models import Schedule

    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("alice", "author"))
    assert client.post("/oncall/new/", _rotation_form()).status_code == 403
    assert not Schedule.objects.exists()


@pytest.mark.usefixtures("shifts_to_come")
def test_a_swap_asked_and_accepted_becomes_a_pair_of_overrides(client: Any, make_user: Any) -> None:
    from postmortems.server.oncall import store
    from postmortems.server.oncall.models import Override, SwapRequest

    apply(rotation("primary", ("alice", "bob")), source="")
    alice, bob = make_user("alice", "author"), make_user("bob", "author")
    make_user("carol", "author")
    client.force_login(alice)
    ask = {"responder": "bob", "give_start": "2026-03-02T09:00", "give_end": "2026-03-03T09:00"}
    ask |= {"take_start": "2026-03-03T09:00", "take_end": "2026-03-04T09:00"}
    assert client.post("/oncall/s/primary/swaps/", ask).status_code == 302
    swap = SwapRequest.objects.get()
    assert not Override.objects.exists()  # asked, not yet accepted
    client.force_login(make_user("dan", "author"))
    client.post(f"/oncall/swaps/{swap.pk}/answer/", {"accept": "1"})
    assert not Override.objects.exists()  # only bob may accept
    client.force_login(bob)
    assert "Accept" in client.get("/oncall/s/primary/").content.decode()
    client.post(f"/oncall/swaps/{swap.pk}/answer/", {"accept": "1"})
    pure = store.load_config().schedules[0]
    at = dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC)
    assert evaluate.on_call(pure, at) == ("bob",)
    assert evaluate.on_call(pure, at + dt.timedelta(days=1)) == ("alice",)
    assert evaluate.on_call(pure, at + dt.timedelta(days=2)) == ("alice",)  # the rotation again
    again = client.post(f"/oncall/swaps/{swap.pk}/answer/", {"accept": "1"}, follow=True)
    assert "already accepted" in again.content.decode()
    assert Override.objects.count() == 2


@pytest.mark.usefixtures("shifts_to_come")
def test_the_swap_form_is_for_the_people_of_the_rotation(client: Any, make_user: Any) -> None:
    """A viewer on the rotation may ask for a swap (no author role needed); somebody with no
    shift on it, an author included, is not offered a form that can only refuse them."""
    from postmortems.server.oncall.models import SwapRequest

    apply(rotation("primary", ("alice", "bob")), source="")
    people = {
        "alice": make_user("alice", "viewer"),
        "bob": make_user("bob", "viewer"),
        "sam": make_user("sam", "viewer"),
        "erin": make_user("erin", "author"),
    }

    def forms(who: str) -> set[str]:
        client.force_login(people[who])
        page = BeautifulSoup(client.get("/oncall/s/primary/").content, "html.parser")
        return {f["id"] for f in page.select("form[id]") if f["id"].endswith("-form")}

    assert forms("alice") == {"swap-form"}
    page = BeautifulSoup(client.get("/oncall/s/primary/").content, "html.parser")
    said = page.find("form", id="swap-form").find_previous("p").get_text()
    assert said == "Times in UTC."  # the zone the times typed are read in (no DST: no more)
    assert forms("sam") == set()
    assert forms("erin") == {"override-form", "layer-form"}
    client.force_login(people["alice"])
    ask = {"responder": "bob", "give_start": "2026-03-02T09:00", "give_end": "2026-03-03T09:00"}
    assert client.post("/oncall/s/primary/swaps/", ask).status_code == 302
    assert SwapRequest.objects.get().requester == "alice"


@pytest.mark.usefixtures("shifts_to_come")
@pytest.mark.parametrize(
    ("who", "changes", "message"),
    [
        # dan is in no layer: he has no shift to give
        ("dan", {}, "you are not on call on primary from 2026-03-02 09:00 to 2026-03-03 09:00"),
        # bob is not on call on Wednesday 4 March (carol is): there is nothing of his to take
        (
            "alice",
            {"take_start": "2026-03-04T09:00", "take_end": "2026-03-05T09:00"},
            "bob is not on call on primary from 2026-03-04 09:00",
        ),
        ("alice", {"responder": "nobody"}, "no account nobody"),
        # the check reads every shift of the period: a swap is of days or weeks
        ("alice", {"give_end": "2036-03-03T09:00"}, "a swap trades shifts of at most 92 days"),
    ],
)
def test_a_swap_trades_shifts_the_two_people_have(
    client: Any, make_user: Any, who: str, changes: dict[str, str], message: str
) -> None:
    from postmortems.server.oncall.models import SwapRequest

    apply(rotation("primary", ("alice", "bob", "carol")), source="")
    users = {name: make_user(name, "author") for name in ("alice", "bob", "dan")}
    client.force_login(users[who])
    ask = {"responder": "bob", "give_start": "2026-03-02T09:00", "give_end": "2026-03-03T09:00"}
    answer = client.post("/oncall/s/primary/swaps/", {**ask, **changes})
    assert answer.status_code == 400
    assert message in answer.content.decode()
    assert not SwapRequest.objects.exists()


def test_the_api_answers_who_is_on_call_and_the_shifts(client: Any, make_user: Any) -> None:
    apply(rotation("primary", ("alice", "bob")), source="")
    _restricted()
    client.force_login(make_user("sam", "viewer"))
    at = "2026-03-03T10:00:00+00:00"
    who = client.get("/api/oncall/schedules/primary/on-call", {"at": at}).json()
    assert who == {"schedule": "primary", "at": "2026-03-03T10:00:00Z", "on_call": ["bob"]}
    team = client.get("/api/oncall/teams/sre/on-call", {"at": at}).json()
    assert team["on_call"] == ["bob"]
    assert team["schedules"] == {"primary": ["bob"]}
    shifts = client.get(
        "/api/oncall/schedules/primary/shifts",
        {"from": "2026-03-02T00:00:00Z", "to": "2026-03-04T00:00:00Z"},
    ).json()["shifts"]
    assert [(s["start"][:13], s["users"]) for s in shifts] == [
        ("2026-03-02T09", ["alice"]),
        ("2026-03-03T09", ["bob"]),
    ]
    assert client.get("/api/oncall/schedules/payroll/on-call").status_code == 404
    assert client.get("/api/oncall/teams/web/on-call").status_code == 404
    naive = client.get("/api/oncall/schedules/primary/on-call", {"at": "2026-03-03T10:00"})
    assert naive.status_code == 422
    long = client.get(
        "/api/oncall/schedules/primary/shifts",
        {"from": "2026-01-01T00:00:00Z", "to": "2028-01-01T00:00:00Z"},
    )
    assert long.status_code == 422
    assert "at most 400 days" in long.json()["detail"]


def test_any_offset_is_read_as_its_instant(client: Any, make_user: Any) -> None:
    # PostgreSQL stores offsets up to ±15:59 only; Python reads up to ±23:59 (a fuzzer's 500).
    apply(rotation("primary", ("alice", "bob")), source="")
    client.force_login(make_user("sam", "viewer"))
    far = client.get("/api/oncall/teams/sre/on-call", {"at": "2026-03-04T05:15:00+19:15"})
    assert far.status_code == 200
    assert far.json()["at"] == "2026-03-03T10:00:00Z"
    assert far.json()["on_call"] == ["bob"]
    old = client.get("/api/oncall/schedules/primary/on-call", {"at": "0318-07-29T22:52:20+19:15"})
    assert old.status_code == 200
    # At the calendar's ends a local time may have no date: refused, saying what is taken.
    edge = client.get("/api/oncall/schedules/primary/on-call", {"at": "0001-01-01T00:00:00+01:00"})
    assert edge.status_code == 422
    assert "between 0001-01-02 and 9999-12-30" in edge.text


def test_a_schedule_managed_by_code_keeps_its_layers_in_the_file(
    client: Any, make_user: Any
) -> None:
    """Its rotation changes only in the file: no layer form, and a layer posted is refused
    (overrides and swaps are made here: tests/server/test_oncall_code_overrides.py)."""
    from postmortems.server.oncall.models import Layer

    apply(rotation("primary"), source="oncall/sre.yaml")
    make_user("alice", "admin")
    client.force_login(make_user("bob", "author"))
    page = client.get("/oncall/s/primary/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Managed by code" in html
    assert "oncall/sre.yaml" in html
    assert 'id="layer-form"' not in html
    assert 'id="override-form"' in html
    post = {
        "layer": "extra",
        "users": "bob",
        "shift_count": "1",
        "shift_unit": "weeks",
        "handoff": "09:00",
        "start": "2026-03-02",
    }
    answer = client.post("/oncall/s/primary/layers/", post, follow=True)
    assert Layer.objects.count() == 1
    assert "managed by oncall/sre.yaml" in answer.content.decode()
    assert "change its layers in that file" in answer.content.decode()


def test_the_admin_shows_a_schedule_managed_by_code_read_only(client: Any, make_user: Any) -> None:
    from postmortems.server.oncall.models import Schedule

    apply(rotation("coded"), source="oncall/sre.yaml")
    apply(rotation("manual"), source="")
    client.force_login(make_user("root", superuser=True))
    coded, manual = (Schedule.objects.get(name=n).pk for n in ("coded", "manual"))
    coded_page = client.get(f"/admin/oncall/schedule/{coded}/change/").content.decode()
    assert 'name="_save"' not in coded_page  # no save button: read-only
    assert 'name="_save"' in client.get(f"/admin/oncall/schedule/{manual}/change/").content.decode()
    answer = client.post(f"/admin/oncall/schedule/{coded}/change/", {"name": "hacked"})
    assert answer.status_code == 403
    assert Schedule.objects.filter(name="coded").exists()


def test_paging_through_the_api_needs_the_author_role(client: Any, make_user: Any) -> None:
    from postmortems.server.accounts.models import ApiToken
    from postmortems.server.oncall.models import Page

    apply(policies=(policy(),))
    for name, role, status in (("vic", "viewer", 403), ("ann", "author", 201)):
        _, raw = ApiToken.issue(make_user(name, role), "t")
        answer = client.post(
            "/api/oncall/pages",
            {"policy": "sre-page", "summary": "db down"},
            content_type="application/json",
            headers={"Authorization": f"Bearer {raw}"},
        )
        assert answer.status_code == status, answer.content
    assert Page.objects.count() == 1
    missing = client.post(
        "/api/oncall/pages",
        {"policy": "nope", "summary": "x"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert missing.status_code == 404
    assert missing.json()["detail"] == "no escalation policy 'nope' that you may page"


def test_dates_near_the_calendars_ends_are_refused_not_a_500(client: Any, make_user: Any) -> None:
    # A period, a rotation and a time zone around year 1 or 9999 would leave Python's calendar.
    west = rotation("west", ("alice", "bob"), zone="America/Los_Angeles", business_hours=("carol",))
    apply(west, source="")
    client.force_login(make_user("sam", "viewer"))
    page = client.get("/oncall/workload/", {"since": "9999-12-30", "to": "9999-12-31"})
    assert page.status_code == 400
    assert "give a day from 1900-01-01 to 9000-12-31" in page.content.decode()
    # The calendar's own links stay within the days it may show.
    first = BeautifulSoup(client.get("/oncall/s/west/?from=1900-01-01").content, "html.parser")
    assert first.select("p.oncall-nav")[1].a["href"] == "?from=1900-01-01"
    last = BeautifulSoup(client.get("/oncall/s/west/?from=9000-12-20").content, "html.parser")
    assert last.select("p.oncall-nav")[1].select("a")[-1]["href"] == "?from=9000-12-31"
    far_day = client.get("/oncall/s/west/", {"from": "9999-12-31"})
    assert far_day.status_code == 400  # said, and today's weeks shown
    assert "is not a day from 1900-01-01 to 9000-12-31" in far_day.content.decode()
    far = {"from": "9999-12-01T00:00:00Z", "to": "9999-12-30T23:59:59Z"}
    shifts = client.get("/api/oncall/schedules/west/shifts", far)
    assert shifts.status_code == 422
    assert "too near the calendar's ends" in shifts.json()["detail"]


def test_a_team_that_does_not_exist_is_a_404(client: Any, make_user: Any) -> None:
    apply(rotation("primary", ("alice",)), source="")
    client.force_login(make_user("sam", "viewer"))
    assert client.get("/oncall/team/sre/").status_code == 200
    assert client.get("/oncall/team/sre-typo/").status_code == 404
    assert client.get("/actions/team/sre-typo/").status_code == 404
    assert client.get("/actions/team/sre/").status_code == 200  # a team, with no items yet
    mine = BeautifulSoup(client.get("/actions/").content, "html.parser")
    assert "/actions/team/sre/" in [a["href"] for a in mine.select("nav.tabs a")]


@pytest.mark.usefixtures("shifts_to_come")
def test_a_swap_on_a_restricted_schedule_is_asked_of_its_team_only(
    client: Any, make_user: Any
) -> None:
    """The swap's email carries the schedule, the periods and the note: never to someone the
    schedule is hidden from."""
    from postmortems.server.oncall.models import SwapRequest

    _restricted("payroll", team="web")
    wanda = make_user("wanda", "author", team="web")
    make_user("sam", "author", team="sre")
    make_user("walt", "viewer", team="web")
    client.force_login(wanda)
    ask = {"give_start": "2026-03-02T09:00", "give_end": "2026-03-03T09:00", "note": "hi"}
    refused = client.post("/oncall/s/payroll/swaps/", {**ask, "responder": "sam"})
    assert refused.status_code == 400
    assert "sam may not see schedule payroll" in refused.content.decode()
    assert not SwapRequest.objects.exists()
    assert client.post("/oncall/s/payroll/swaps/", {**ask, "responder": "walt"}).status_code == 302
    assert SwapRequest.objects.get().responder == "walt"


def test_the_database_refuses_an_add_or_remove_that_replaces_someone(make_user: Any) -> None:
    """The pure model's rule, kept by a constraint too: one such row stopped every schedule page,
    feed and `pm oncall` command."""
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    from postmortems.server.oncall.models import Override, Schedule

    apply(rotation("primary", zone="Europe/Berlin"), source="")
    row = Schedule.objects.get(name="primary")
    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        Override.objects.create(
            schedule=row,
            start=now,
            end=now + dt.timedelta(hours=1),
            user="a",
            replaces="b",
            kind="remove",
        )


@pytest.mark.django_db(transaction=True)
def test_the_migration_mends_rows_stored_before_the_rule() -> None:
    import datetime as dt_

    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = [("oncall", "0002_service")], [("oncall", "0003_replaces_only_with_replace")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    schedule = old.get_model("oncall", "Schedule").objects.create(name="s", timezone="UTC")
    start = dt_.datetime(2026, 3, 1, tzinfo=dt_.UTC)
    override = old.get_model("oncall", "Override")
    fields = {"schedule": schedule, "start": start, "end": start + dt_.timedelta(hours=1)}
    override.objects.create(**fields, user="a", replaces="b", kind="remove")
    override.objects.create(**fields, user="c", replaces="d", kind="replace")
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    new = executor.loader.project_state(after).apps.get_model("oncall", "Override")
    assert sorted(new.objects.values_list("user", "replaces")) == [("a", ""), ("c", "d")]
    # Back to the latest schema: the tests after this one use the models as they are.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_an_incidents_pages_are_listed_for_whoever_may_see_them(
    client: Any, make_user: Any
) -> None:
    """An integrator finds the page to acknowledge by the incident's key."""
    from postmortems.server.accounts.models import ApiToken
    from postmortems.server.oncall import paging
    from postmortems.server.oncall.models import Policy

    apply(policies=(policy(),))
    row = Policy.objects.get()
    now = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    mine = paging.open_page(row, summary="db down", incident_key="INC-1", now=now)
    paging.open_page(row, summary="other", incident_key="INC-2", now=now)
    _, raw = ApiToken.issue(make_user("vic", "viewer"), "t")
    headers = {"Authorization": f"Bearer {raw}"}
    found = client.get("/api/oncall/pages", {"incident": "INC-1"}, headers=headers).json()
    assert [(p["id"], p["step"], p["round"], p["state"]) for p in found] == [
        (mine.pk, 1, 1, "open")
    ]
    assert len(client.get("/api/oncall/pages", headers=headers).json()) == 2
    assert client.get("/api/oncall/pages", {"state": "resolved"}, headers=headers).json() == []
    _, other = ApiToken.issue(make_user("olga", "viewer", team="elsewhere"), "t")
    row.team = "sre"
    row.save()
    hidden = client.get("/api/oncall/pages", headers={"Authorization": f"Bearer {other}"})
    assert hidden.json() == []  # a team's policy's pages stay with the team


def test_a_page_links_to_its_incident(client: Any, make_user: Any) -> None:
    """From the pages list and a page, the responder goes to the incident in one click."""
    from bs4 import BeautifulSoup

    from postmortems.server.oncall import paging
    from postmortems.server.oncall.models import Policy

    apply(policies=(policy(),))
    now = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    page = paging.open_page(Policy.objects.get(), summary="db down", incident_key="INC-1", now=now)
    paging.open_page(Policy.objects.get(), summary="a test page", now=now)
    client.force_login(make_user("ann", "author"))
    listed = BeautifulSoup(client.get("/oncall/pages/").content, "html.parser")
    links = [a["href"] for a in listed.select("table a[href^='/incidents/']")]
    assert links == ["/incidents/INC-1/"]  # the test page has no incident to link
    one = BeautifulSoup(client.get(f"/oncall/pages/{page.pk}/").content, "html.parser")
    assert one.select_one("p.meta a")["href"] == "/incidents/INC-1/"


def test_the_rotation_form_ties_its_help_and_errors_to_their_fields(
    client: Any, make_user: Any
) -> None:
    """Every id a control's aria-describedby names is on the page (Django names the help text
    ``ID_helptext`` and the error ``ID_error``), a refused field is marked invalid with its error
    beside it, and the weekdays are a fieldset with a legend, not a label for nothing."""
    client.force_login(make_user("alice", "author"))
    page = BeautifulSoup(client.get("/oncall/new/").content, "html.parser")
    bad = client.post("/oncall/new/", _rotation_form(name="Web Primary"))
    assert bad.status_code == 400
    refused = BeautifulSoup(bad.content, "html.parser")
    for soup in (page, refused):
        form = soup.find("form", class_="oncall-form")
        for control in form.find_all(attrs={"aria-describedby": True}):
            for ident in control["aria-describedby"].split():
                assert soup.find(id=ident), (control["name"], ident)
        assert not form.find("label", attrs={"for": ""})
        weekdays = form.find("fieldset", class_="weekdays")
        assert weekdays.legend.get_text(strip=True) == "Only on these days"
        assert len(weekdays.find_all("input", type="checkbox")) == 7
    name = refused.find(id="id_name")
    assert name["aria-invalid"] == "true"
    assert "lower-case" in refused.find(id="id_name_error").get_text()


@pytest.mark.usefixtures("shifts_to_come")
def test_asking_and_answering_a_swap_is_confirmed_where_it_is_seen(
    client: Any, make_user: Any
) -> None:
    """The swap form is far below the calendar: asked, the page opens at the request; answered,
    it says how (the request leaves the page)."""
    from postmortems.server.oncall.models import SwapRequest

    apply(rotation("primary", ("alice", "bob")), source="")
    alice, bob = make_user("alice", "author"), make_user("bob", "author")
    client.force_login(alice)
    ask = {"responder": "bob", "give_start": "2026-03-02T09:00", "give_end": "2026-03-03T09:00"}
    asked = client.post("/oncall/s/primary/swaps/", ask)
    assert asked["Location"] == "/oncall/s/primary/#swaps"
    page = BeautifulSoup(client.get("/oncall/s/primary/").content, "html.parser")
    assert "alice asks bob" in page.select_one("#swaps").get_text()
    swap = SwapRequest.objects.get()
    client.force_login(bob)
    answered = client.post(f"/oncall/swaps/{swap.pk}/answer/", {"accept": "1"}, follow=True)
    said = BeautifulSoup(answered.content, "html.parser").select_one(".messages").get_text()
    assert "Swap accepted: the calendar of primary shows the traded shifts." in said


def test_an_override_has_the_colour_of_who_covers(client: Any, make_user: Any) -> None:
    """An override "carol for bob" has carol's colour, in the overrides row as in the final one."""
    tuesday = dt.datetime.combine(MONDAY + dt.timedelta(days=1), dt.time(12), dt.UTC)
    cover = model.Override(tuesday, tuesday + dt.timedelta(hours=4), "carol", replaces="bob")
    apply(rotation("cover", ("alice", "bob"), overrides=(cover,)), source="")
    client.force_login(make_user("sam", "viewer"))
    page = BeautifulSoup(client.get("/oncall/s/cover/?from=2026-03-02").content, "html.parser")
    fills = {
        r.select_one("title").get_text().split(",")[0]: r["fill"]
        for r in page.select("svg.oncall-week")[0].select("g.shift rect")
    }
    assert fills["carol for bob"] == fills["carol"]
    # the rotation's alice and bob, then carol: hues a golden angle apart, in every week
    assert [fills[name] for name in ("alice", "bob", "carol")] == [
        "hsl(200 65% 82%)",
        "hsl(338 65% 82%)",
        "hsl(115 65% 82%)",
    ]
    later = page.select("svg.oncall-week")[1].select("g.shift rect")
    assert {r["fill"] for r in later} <= set(fills.values())
    # drawn from a week carol is not in, alice and bob keep their colours
    weeks = BeautifulSoup(client.get("/oncall/s/cover/?from=2026-03-16").content, "html.parser")
    shown = {
        r.select_one("title").get_text().split(",")[0]: r["fill"]
        for r in weeks.select("svg.oncall-week g.shift rect")
    }
    assert (shown["alice"], shown["bob"]) == (fills["alice"], fills["bob"])
    assert "carol" not in shown


def test_a_swap_of_a_shift_that_is_over_is_refused_asked_or_answered(
    client: Any, make_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Who was on call stays as it was: a swap trades shifts to come."""
    from django.utils import timezone

    from postmortems.server.oncall.models import Override, SwapRequest

    apply(rotation("primary", ("alice", "bob")), source="")
    alice, bob = make_user("alice", "author"), make_user("bob", "author")
    ask = {"responder": "bob", "give_start": "2026-03-02T09:00", "give_end": "2026-03-03T09:00"}
    client.force_login(alice)
    over = client.post("/oncall/s/primary/swaps/", ask)  # the real clock: long over
    assert over.status_code == 400
    assert "that shift is over" in over.content.decode()
    assert not SwapRequest.objects.exists()
    before = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: before)
    assert client.post("/oncall/s/primary/swaps/", ask).status_code == 302
    monkeypatch.setattr(timezone, "now", lambda: before + dt.timedelta(days=3))  # answered late
    client.force_login(bob)
    late = client.post(f"/oncall/swaps/{SwapRequest.objects.get().pk}/answer/", {"accept": "1"})
    assert "that shift is over" in client.get(late.url).content.decode()
    assert not Override.objects.exists()
    assert SwapRequest.objects.get().state == SwapRequest.State.ASKED  # may still be declined
    assert "Accept" not in client.get("/oncall/s/primary/").content.decode()  # offered no more
    # Accepted while the shift is under way: traded from now, the hours before stay alice's.
    during = dt.datetime(2026, 3, 2, 15, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: during)
    accepted = client.post(f"/oncall/swaps/{SwapRequest.objects.get().pk}/answer/", {"accept": "1"})
    assert accepted.status_code == 302
    [override] = Override.objects.all()
    assert (override.user, override.start) == ("bob", during)


def test_hours_without_days_cover_every_day_and_one_hour_alone_is_refused(
    client: Any, make_user: Any
) -> None:
    from postmortems.server.oncall import store

    client.force_login(make_user("alice", "author"))
    make_user("bob", "author")
    half = client.post("/oncall/new/", _rotation_form(from_time="09:00"))
    assert half.status_code == 400
    assert "give both hours, from and to (or neither: all day)" in half.content.decode()
    made = client.post("/oncall/new/", _rotation_form(from_time="09:00", to_time="17:00"))
    assert made.status_code == 302
    [layer] = store.load_config().schedules[0].layers
    assert [(r.weekdays, r.start.hour, r.end.hour) for r in layer.restrictions] == [
        ((0, 1, 2, 3, 4, 5, 6), 9, 17)
    ]


def test_the_forms_refuse_names_the_export_could_not_read_back(client: Any, make_user: Any) -> None:
    """`pm oncall check` refuses two layers of one name and a schedule named as a policy: the
    forms refuse them too, so the export of what they made reads back."""
    from postmortems.server.oncall.models import Layer, Schedule

    apply(policies=(policy(),), source="")
    client.force_login(make_user("alice", "author"))
    make_user("bob", "author")
    named = client.post("/oncall/new/", _rotation_form(name="sre-page"))
    assert named.status_code == 400
    assert "an escalation policy is named sre-page" in named.content.decode()
    hidden = client.post("/oncall/new/", _rotation_form(team="", restricted="on"))
    assert hidden.status_code == 400
    assert "a restricted schedule names its team" in hidden.content.decode()
    assert not Schedule.objects.exists()
    assert client.post("/oncall/new/", _rotation_form()).status_code == 302
    again = {k: v for k, v in _rotation_form().items() if k not in ("name", "timezone", "team")}
    twice = client.post("/oncall/s/web-primary/layers/", again, follow=True)
    assert "schedule web-primary has a layer named main" in twice.content.decode()
    assert Layer.objects.count() == 1


def test_a_rotation_that_has_not_begun_is_no_gap(client: Any, make_user: Any) -> None:
    """Before its first hand-over nobody is missing: the list, the team's page and the
    schedule's say when it begins; a schedule that has begun and has nobody is a gap."""
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    later = (timezone.now() + dt.timedelta(days=3)).date()
    apply(rotation("web"), source="")
    client.force_login(make_user("alice", "author"))
    make_user("bob", "author")
    made = client.post("/oncall/new/", _rotation_form(name="soon", start=later.isoformat()))
    assert made.status_code == 302
    name = dt.datetime.combine(later, dt.time(9), ZoneInfo("Europe/Berlin")).tzname()
    begins = f"nobody yet: begins {later} 09:00 {name}"
    for url in ("/oncall/", "/oncall/team/sre/", "/oncall/s/soon/"):
        assert begins in client.get(url).content.decode(), url
    from postmortems.server.oncall.models import Layer

    Layer.objects.filter(schedule__name="web").update(users=[])  # begun, and nobody on it
    assert "nobody (gap)" in client.get("/oncall/s/web/").content.decode()
