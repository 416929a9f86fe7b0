"""Paging driven by a clock the test moves: a page escalates after each step's delay, repeats,
stops when acknowledged, never pages anyone twice for one step; the signed link in a
notification acknowledges only on its POST."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from oncall_fixtures import NOW, Clock, apply, people, policy, rotation

from postmortems.oncall import evaluate

pytestmark = pytest.mark.django_db


def _paged() -> list[tuple[str, int, int]]:
    from postmortems.server.oncall.models import Notification

    return list(Notification.objects.order_by("id").values_list("user", "step", "round"))


def _open(name: str = "sre-page", now: dt.datetime = NOW, **kwargs: Any) -> Any:
    from postmortems.server.oncall import paging
    from postmortems.server.oncall.models import Policy

    return paging.open_page(Policy.objects.get(name=name), summary="db down", now=now, **kwargs)


def test_an_unacknowledged_page_escalates_after_each_delay_and_repeats(make_user: Any) -> None:
    from postmortems.server.oncall import paging

    people(make_user, "alice", "bob")
    apply(policies=(policy(repeat=1),))
    clock = Clock()
    page = _open(now=clock())
    assert _paged() == [("alice", 0, 0)]  # the first step at once
    paging.tick(clock())
    paging.tick(clock.advance(minutes=9, seconds=59))
    assert _paged() == [("alice", 0, 0)]  # not before the delay
    paging.tick(clock.advance(seconds=1))
    assert _paged() == [("alice", 0, 0), ("bob", 1, 0)]
    paging.tick(clock())
    paging.tick(clock.advance(minutes=15))  # round two starts over
    paging.tick(clock.advance(minutes=10))
    expected = [("alice", 0, 0), ("bob", 1, 0), ("alice", 0, 1), ("bob", 1, 1)]
    assert _paged() == expected
    for _ in range(3):
        paging.tick(clock.advance(hours=1))
    assert _paged() == expected  # repeated once, then no more
    page.refresh_from_db()
    assert page.state == "exhausted"


def test_acknowledging_stops_the_escalation(make_user: Any) -> None:
    from postmortems.server.oncall import paging

    alice, _bob = people(make_user, "alice", "bob")
    apply(policies=(policy(repeat=3),))
    clock = Clock()
    page = _open(now=clock())
    assert paging.acknowledge(page, alice, clock.advance(minutes=5))
    for _ in range(5):
        paging.tick(clock.advance(minutes=30))
    assert _paged() == [("alice", 0, 0)]
    page.refresh_from_db()
    assert (page.state, page.acknowledged_by, page.acknowledged_at) == (
        "acknowledged",
        alice,
        NOW + dt.timedelta(minutes=5),
    )
    assert not paging.acknowledge(page, alice, clock())  # once


def test_a_late_tick_catches_up_without_paging_anyone_twice(make_user: Any) -> None:
    from postmortems.server.oncall import paging

    people(make_user, "alice", "bob")
    apply(policies=(policy(),))
    _open()
    paging.tick(NOW + dt.timedelta(hours=2))  # the worker was down: both steps are due
    paging.tick(NOW + dt.timedelta(hours=2))
    assert _paged() == [("alice", 0, 0), ("bob", 1, 0)]


def test_a_schedule_step_pages_whoever_is_on_call_at_that_moment(make_user: Any) -> None:
    schedule = rotation("primary", ("alice", "bob", "carol"))
    people(make_user, "alice", "bob", "carol")
    steps = (((("schedule", "primary"),), 30),)
    apply(schedule, policies=(policy(steps=steps),))
    _open()
    (on_call,) = evaluate.on_call(schedule, NOW)
    assert _paged() == [(on_call, 0, 0)]


def test_the_page_pages_and_the_api_acknowledge(client: Any, make_user: Any) -> None:
    from postmortems.server.accounts.models import ApiToken

    alice, _ = people(make_user, "alice", "bob")
    apply(policies=(policy(),))
    page = _open()
    client.force_login(alice)
    html = client.get(f"/oncall/pages/{page.pk}/").content.decode()
    assert "db down" in html
    assert "Acknowledge" in html
    _, raw = ApiToken.issue(alice, "cli")
    headers = {"Authorization": f"Bearer {raw}"}
    answer = client.post(f"/api/oncall/pages/{page.pk}/ack", headers=headers)
    assert answer.status_code == 200
    assert answer.json()["state"] == "acknowledged"
    assert answer.json()["acknowledged_by"] == "alice"
    again = client.post(f"/api/oncall/pages/{page.pk}/ack", headers=headers)
    assert again.status_code == 409


def test_the_acknowledge_button_on_the_page(client: Any, make_user: Any) -> None:
    alice, _ = people(make_user, "alice", "bob")
    apply(policies=(policy(),))
    page = _open()
    client.force_login(alice)
    answer = client.post(f"/oncall/pages/{page.pk}/ack/", follow=True)
    assert "Acknowledged" in answer.content.decode()
    page.refresh_from_db()
    assert page.acknowledged_by == alice


def test_a_reader_the_page_did_not_reach_cannot_stop_its_escalation(
    client: Any, make_user: Any
) -> None:
    """A viewer of the team sees the page but may not acknowledge it (on the page or through
    the API); someone it reached may, whatever their role, as may an author of the team."""
    from postmortems.server.accounts.models import ApiToken

    people(make_user, "alice", "bob")
    apply(policies=(policy(),))
    page = _open()  # alice is paged first
    vic = make_user("vic", "viewer")
    client.force_login(vic)
    shown = client.get(f"/oncall/pages/{page.pk}/").content.decode()
    assert "db down" in shown
    assert 'action="/oncall/pages/' not in shown  # no Acknowledge button
    refused = client.post(f"/oncall/pages/{page.pk}/ack/", follow=True)
    assert "only someone this page reached" in refused.content.decode()
    _, raw = ApiToken.issue(vic, "cli", scope=ApiToken.Scope.WRITE)
    api = client.post(
        f"/api/oncall/pages/{page.pk}/ack", headers={"Authorization": f"Bearer {raw}"}
    )
    assert api.status_code == 403
    assert "only someone this page reached" in api.json()["detail"]
    page.refresh_from_db()
    assert page.state == "open"

    from django.contrib.auth.models import User

    from postmortems.server.accounts.models import set_role

    paged = User.objects.get(username=page.notifications.get().user)
    set_role(paged, "sre", "viewer")  # reached by the page: may, though now a viewer
    client.force_login(paged)
    answer = client.post(f"/oncall/pages/{page.pk}/ack/", follow=True)
    assert "Acknowledged" in answer.content.decode()


def test_a_page_of_another_team_is_not_visible(client: Any, make_user: Any) -> None:
    people(make_user, "alice", "bob")
    apply(policies=(policy(team="sre"),))
    page = _open()
    client.force_login(make_user("walt", "admin", team="web"))
    assert client.get(f"/oncall/pages/{page.pk}/").status_code == 404
    assert client.post(f"/oncall/pages/{page.pk}/ack/").status_code == 404
    assert "db down" not in client.get("/oncall/pages/").content.decode()


def test_the_signed_link_acknowledges_only_on_the_post_of_its_confirmation(
    make_user: Any,
) -> None:
    from django.test import Client

    from postmortems.server.oncall import acklinks

    people(make_user, "alice", "bob")
    apply(policies=(policy(),))
    page = _open()
    link = f"/oncall/ack/{acklinks.make(page.pk, 'bob')}/"
    scanner = Client(enforce_csrf_checks=True)  # anonymous, like a mail scanner or a phone
    for _ in range(3):
        shown = scanner.get(link)
        assert shown.status_code == 200
    page.refresh_from_db()
    assert page.state == "open"  # following the link changed nothing
    form = BeautifulSoup(shown.content, "html.parser").find("form", attrs={"method": "post"})
    assert "Acknowledge as bob" in form.get_text()
    token = form.find("input", attrs={"name": "csrfmiddlewaretoken"})["value"]
    assert scanner.post(link).status_code == 403  # no CSRF token: refused
    done = scanner.post(link, {"csrfmiddlewaretoken": token})
    assert done.status_code == 200
    assert "acknowledged by bob" in done.content.decode()
    page.refresh_from_db()
    assert (page.state, page.acknowledged_by.username) == ("acknowledged", "bob")


@pytest.mark.parametrize("mangle", ["tamper", "other-salt", "garbage"])
def test_a_forged_link_answers_404(make_user: Any, mangle: str) -> None:
    from django.core import signing
    from django.test import Client

    from postmortems.server.oncall import acklinks

    people(make_user, "alice", "bob")
    apply(policies=(policy(),))
    page = _open()
    good = acklinks.make(page.pk, "bob")
    token = {
        "tamper": good[:-3] + ("abc" if not good.endswith("abc") else "xyz"),
        "other-salt": signing.dumps({"p": page.pk, "u": "bob"}, salt="other"),
        "garbage": "x",
    }[mangle]
    assert Client().post(f"/oncall/ack/{token}/").status_code in (403, 404)
    assert Client().get(f"/oncall/ack/{token}/").status_code == 404
    page.refresh_from_db()
    assert page.state == "open"


def test_pages_escalations_and_the_acknowledgement_are_on_the_incident_timeline(
    make_user: Any,
) -> None:
    from postmortems.server.incidents import services
    from postmortems.server.oncall import paging

    alice, bob = people(make_user, "alice", "bob")
    apply(policies=(policy(),))
    incident = services.declare("checkout down", alice, team="sre", now=NOW)
    page = _open(incident_key=incident.key)
    paging.tick(NOW + dt.timedelta(minutes=10))
    paging.tick(NOW + dt.timedelta(minutes=11))  # nothing new: nothing added
    paging.acknowledge(page, bob, NOW + dt.timedelta(minutes=12))
    mine = incident.events.filter(author="on-call").order_by("at", "id")
    assert [(e.at - NOW, e.kind, e.text) for e in mine] == [
        (dt.timedelta(0), "page", "paged alice — sre-page: step 1 of 2 (user alice)"),
        (
            dt.timedelta(minutes=10),
            "escalation",
            "escalated to bob — sre-page: step 2 of 2 (user bob)",
        ),
        (dt.timedelta(minutes=12), "acknowledgement", "bob acknowledged the page"),
    ]
    incident.refresh_from_db()
    assert incident.acknowledged == NOW + dt.timedelta(minutes=12)  # its milestones follow


def test_an_acknowledgement_for_someone_else_says_whose_page_it_was(make_user: Any) -> None:
    """An author of the team may acknowledge a page that reached someone else; the timeline,
    and the draft's line from it, then say whose page it was."""
    from postmortems.incident.timeline import timeline_entries
    from postmortems.server.incidents import services
    from postmortems.server.oncall import paging

    alice, _bob = people(make_user, "alice", "bob")
    demo = make_user("demo", "author", team="sre")
    apply(policies=(policy(),))
    incident = services.declare("checkout down", alice, team="sre", now=NOW)
    page = _open(incident_key=incident.key)
    assert paging.acknowledge(page, demo, NOW + dt.timedelta(minutes=2))
    other = _open("sre-page", incident_key="", now=NOW)
    paging.tick(NOW + dt.timedelta(minutes=10))  # alice, then bob
    said = incident.events.get(kind="acknowledgement").text
    assert said == "demo acknowledged alice's page"
    lines = [e.text for e in timeline_entries(services.domain(incident))]
    assert "Acknowledged: demo acknowledged alice's page." in lines
    assert paging.acknowledged_text(other, "demo") == "demo acknowledged the page to alice and bob"
    assert paging.acknowledged_text(other, "bob") == "bob acknowledged the page"


@pytest.mark.parametrize("acknowledge", [False, True])
def test_the_signed_links_page_leads_on_to_the_incident_and_the_page(
    make_user: Any, acknowledge: bool
) -> None:
    """Whoever opens the link on a phone goes on to the incident from it, before and after."""
    from django.test import Client

    from postmortems.server.oncall import acklinks

    people(make_user, "alice", "bob")
    apply(policies=(policy(),))
    page = _open(incident_key="INC-2026-0042")
    link = f"/oncall/ack/{acklinks.make(page.pk, 'bob')}/"
    answer = Client().post(link) if acknowledge else Client().get(link)
    onward = BeautifulSoup(answer.content, "html.parser").select_one("#ack-next")
    hrefs = [a["href"] for a in onward.find_all("a")]
    assert hrefs == ["/incidents/INC-2026-0042/", f"/oncall/pages/{page.pk}/"]
    assert "Open incident INC-2026-0042" in onward.get_text()


def _times(html: bytes, where: str) -> tuple[str, str, str]:
    """At ``where``: the time in the policy's zone, the instant the reader's own time is
    written from (``<time class="local">``), and what stands there before the script runs."""
    found = BeautifulSoup(html, "html.parser").select_one(where)
    local = found.select_one("time.local")
    return found.select_one(".at").get_text(), local["datetime"], local.get_text()


PAGE_BOB = ((("user", "bob"),), 5)
PAGE_BERLIN = ((("schedule", "berlin"),), 5)


@pytest.mark.parametrize(
    ("steps", "zone", "shown"),
    [
        # The first schedule paged is in Berlin: 12:00 UTC is 13:00 there (winter time).
        ((PAGE_BOB, PAGE_BERLIN), "Europe/Berlin", "13:00 CET"),
        # Pages reaching people only (no schedule): UTC, named.
        ((PAGE_BOB,), "UTC", "12:00 UTC"),
    ],
)
def test_the_acknowledgement_page_shows_times_in_the_policys_zone_named(
    client: Any, make_user: Any, steps: Any, zone: str, shown: str
) -> None:
    """The signed link's page and the page itself: each time in the zone of the first schedule
    the policy pages (the on-call's clock), the zone named, and the reader's own time beside it
    (written by localtime.js from the instant)."""
    from django.test import Client

    from postmortems.server.oncall import acklinks, paging

    bob = people(make_user, "bob")[0]
    apply(rotation("berlin", ("bob",), zone="Europe/Berlin"), policies=(policy(steps=steps),))
    page = _open()
    link = f"/oncall/ack/{acklinks.make(page.pk, 'bob')}/"
    answer = Client().get(link)
    assert _times(answer.content, "#ack-opened") == (
        f"2026-03-04 {shown}",
        NOW.astimezone(ZoneInfo(zone)).isoformat(),
        "2026-03-04 12:00 UTC",
    )
    note = BeautifulSoup(answer.content, "html.parser").select_one("#zone-note").get_text()
    assert note == f"Times in {zone}; in brackets, UTC."  # the script says "your time (…)"
    paging.acknowledge(page, bob, NOW + dt.timedelta(minutes=5))
    again = Client().get(link)
    at, _, _ = _times(again.content, "#ack-state")
    assert at == f"2026-03-04 {shown.replace(':00', ':05', 1)}"
    client.force_login(bob)
    own = client.get(f"/oncall/pages/{page.pk}/").content
    assert _times(own, "p.meta")[0] == f"2026-03-04 {shown}"
    assert _times(own, "#state")[0] == at
    assert _times(own, "td[data-label=When]")[0] == f"2026-03-04 {shown}"


def test_the_acknowledgement_page_shows_times_in_its_incidents_zone(make_user: Any) -> None:
    """A page sent by hand for an incident: its link's page says its times in the incident's
    zone (the incident's page says them there), not UTC (a page by hand has no policy); a
    restricted incident's zone is not told to a reader who may not see it."""
    from django.test import Client

    from postmortems.oncall.model import Target
    from postmortems.server.incidents import services
    from postmortems.server.oncall import acklinks, paging
    from postmortems.server.oncall.models import Page

    alice = people(make_user, "alice")[0]
    make_user("sam", "author", team="sre")
    incident = services.declare(
        "checkout down", alice, team="sre", timezone="Europe/London", now=NOW
    )
    page = paging.open_direct(
        Target("user", "alice"), alice, summary="db", now=NOW, incident_key=incident.key, team=""
    )
    answer = Client().get(f"/oncall/ack/{acklinks.make(page.pk, 'alice')}/")
    soup = BeautifulSoup(answer.content, "html.parser")
    assert soup.select_one("#zone-note").get_text() == ("Times in Europe/London; in brackets, UTC.")
    assert soup.select_one("#ack-opened .at").get_text() == "2026-03-04 12:00 GMT"
    type(incident).objects.filter(pk=incident.pk).update(restricted=True)
    hidden = Client().get(f"/oncall/ack/{acklinks.make(page.pk, 'alice')}/")  # signed out
    note = BeautifulSoup(hidden.content, "html.parser").select_one("#zone-note").get_text()
    assert note == "Times in UTC; in brackets, UTC."
    # Paging stopped before anyone acknowledged: no time on the page, so no note on times.
    Page.objects.filter(pk=page.pk).update(state=Page.State.RESOLVED, stopped="incident resolved")
    stopped = BeautifulSoup(
        Client().get(f"/oncall/ack/{acklinks.make(page.pk, 'alice')}/").content, "html.parser"
    )
    assert "Nothing to do" in stopped.select_one("#ack-state").get_text()
    assert stopped.select_one("#zone-note") is None
