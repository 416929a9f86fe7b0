"""Removing an override keeps history, as cancelling a swap does (one rule, ``removal``): to
come it is removed; under way it ends now, kept (who was on call until now stays on the calendar
and in the pages' history); over it stays, refused. Either person of an accepted swap may cancel
it, whatever their role; anyone else needs the author role (403 otherwise)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from oncall_fixtures import apply, rotation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shifts_to_come")]

CLOCK = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)  # the shifts_to_come clock
HOUR = dt.timedelta(hours=1)
API = "/api/oncall/schedules/primary/overrides"


def _override(start: dt.datetime, end: dt.datetime, user: str = "dave") -> Any:
    """``user`` on call as well on primary from ``start`` to ``end``, made here by sam."""
    from postmortems.server.oncall.models import Override, Schedule

    primary = Schedule.objects.get(name="primary")
    return Override.objects.create(
        schedule=primary, user=user, kind="add", start=start, end=end, made_by="sam"
    )


def _on_call(at: dt.datetime) -> tuple[str, ...]:
    from postmortems.oncall import evaluate
    from postmortems.server.oncall import store

    return evaluate.on_call(store.load_config().schedules[0], at)


def _token_client(user: Any) -> Client:
    from postmortems.server.accounts.models import ApiToken

    token = ApiToken.issue(user, "bot", scope="write")[1]
    return Client(headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def team(make_user: Any) -> dict[str, Any]:
    """primary (UTC, daily from Monday 2 March 09:00: alice, bob, carol) of team sre; sam its
    author; alice, bob, carol, dave and vic its viewers."""
    apply(rotation("primary"), source="")
    made = {"sam": make_user("sam", "author")}
    made |= {n: make_user(n, "viewer") for n in ("alice", "bob", "carol", "dave", "vic")}
    return made


def test_an_override_under_way_ends_now_and_stays_as_history(
    client: Any, team: dict[str, Any]
) -> None:
    under_way = _override(CLOCK - 2 * HOUR, CLOCK + 2 * HOUR)
    client.force_login(team["sam"])
    page = BeautifulSoup(client.get("/oncall/s/primary/").content, "html.parser")
    button = page.select_one(f"#override-{under_way.pk} button")
    assert button.get_text() == "End now"  # not "Remove": the morning stays
    assert button["aria-label"] == (
        "End override now (the time before is kept): dave is added, Sun 01 Mar 2026 10:00 – "
        "Sun 01 Mar 2026 14:00 (UTC)"
    )
    done = client.post(f"/oncall/overrides/{under_way.pk}/delete/", follow=True)
    said = BeautifulSoup(done.content, "html.parser").get_text()
    assert (
        "Override ended at 12:00 (UTC), kept as history: dave is added, Sun 01 Mar 2026 10:00 – "
        "Sun 01 Mar 2026 12:00 (UTC)." in said
    )
    under_way.refresh_from_db()  # kept, ended now
    assert (under_way.start, under_way.end) == (CLOCK - 2 * HOUR, CLOCK)
    assert _on_call(CLOCK - HOUR) == ("dave",)  # who was on call this morning stays
    assert _on_call(CLOCK + HOUR) == ()  # from now on, no more
    # No longer listed among the overrides not over, so no button to remove it again.
    page = BeautifulSoup(done.content, "html.parser")
    assert page.select_one(f"#override-{under_way.pk}") is None


def test_an_override_to_come_is_removed_and_one_over_is_refused(
    client: Any, team: dict[str, Any]
) -> None:
    from postmortems.server.oncall.models import Override

    to_come = _override(CLOCK + HOUR, CLOCK + 3 * HOUR)
    over = _override(CLOCK - 3 * HOUR, CLOCK - HOUR)
    client.force_login(team["sam"])
    page = BeautifulSoup(client.get("/oncall/s/primary/").content, "html.parser")
    assert page.select_one(f"#override-{to_come.pk} button").get_text() == "Remove"
    assert page.select_one(f"#override-{over.pk}") is None  # over: not listed
    done = client.post(f"/oncall/overrides/{to_come.pk}/delete/", follow=True)
    assert "Override removed: dave is added, Sun 01 Mar 2026 13:00" in done.content.decode()
    assert list(Override.objects.all()) == [over]
    refused = client.post(f"/oncall/overrides/{over.pk}/delete/", follow=True)
    assert (
        "this override is over (dave is added, Sun 01 Mar 2026 09:00 – Sun 01 Mar 2026 11:00"
        in (refused.content.decode())
    )
    assert list(Override.objects.all()) == [over]


def test_the_api_says_removed_or_ended_and_refuses_one_over(team: dict[str, Any]) -> None:
    from postmortems.server.oncall.models import Override

    sam = _token_client(team["sam"])
    under_way = _override(CLOCK - 2 * HOUR, CLOCK + 2 * HOUR)
    to_come = _override(CLOCK + HOUR, CLOCK + 3 * HOUR, user="vic")
    ended = sam.delete(f"{API}/{under_way.pk}")
    assert ended.status_code == 200
    body = ended.json()
    assert (body["swap"], body["removed"]) == (None, [])
    assert [(o["id"], o["end"]) for o in body["ended"]] == [(under_way.pk, "2026-03-01T12:00:00Z")]
    assert body["detail"].startswith("Override ended at 12:00 (UTC), kept as history: dave")
    assert sam.delete(f"{API}/{to_come.pk}").status_code == 204  # to come: removed, as before
    over = sam.delete(f"{API}/{under_way.pk}")  # ended now, it is over
    assert over.status_code == 409
    assert over.json()["hint"].startswith("an override over changes no shift to come")
    assert list(Override.objects.values_list("pk", "end")) == [(under_way.pk, CLOCK)]


def _swap(client: Any, team: dict[str, Any]) -> Any:
    """alice (a viewer) gives Monday to bob (a viewer) and takes his Tuesday; bob accepts."""
    from postmortems.server.oncall.models import SwapRequest

    client.force_login(team["alice"])
    ask = {"responder": "bob", "give_start": "2026-03-02T09:00", "give_end": "2026-03-03T09:00"}
    ask |= {"take_start": "2026-03-03T09:00", "take_end": "2026-03-04T09:00"}
    assert client.post("/oncall/s/primary/swaps/", ask).status_code == 302
    swap = SwapRequest.objects.get()
    client.force_login(team["bob"])
    assert client.post(f"/oncall/swaps/{swap.pk}/answer/", {"accept": "1"}).status_code == 302
    return swap


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_either_person_of_a_swap_cancels_it_from_the_page(
    client: Any, team: dict[str, Any], who: str
) -> None:
    from postmortems.server.oncall.models import Override

    swap = _swap(client, team)
    client.force_login(team[who])
    page = BeautifulSoup(client.get("/oncall/s/primary/").content, "html.parser")
    buttons = page.select("#overrides button")
    assert [b.get_text() for b in buttons] == [f"Cancel swap {swap.pk}"] * 2
    assert page.select_one("#override-form") is None  # a viewer: no override of their own
    half = Override.objects.filter(swap=swap).first()
    done = client.post(f"/oncall/overrides/{half.pk}/delete/", follow=True)
    said = done.content.decode()
    assert f"Swap {swap.pk} (alice ↔ bob) cancelled: its overrides are removed" in said
    assert not Override.objects.exists()  # both halves, by the swap's own path
    swap.refresh_from_db()
    assert (swap.state, swap.cancelled_by, swap.cancelled_at) == ("cancelled", who, CLOCK)


def test_anyone_else_without_the_author_role_gets_403(client: Any, team: dict[str, Any]) -> None:
    from postmortems.server.oncall.models import Override

    swap = _swap(client, team)
    own = _override(CLOCK + HOUR, CLOCK + 3 * HOUR)
    client.force_login(team["carol"])  # on the rotation, not on the swap, a viewer
    page = BeautifulSoup(client.get("/oncall/s/primary/").content, "html.parser")
    assert page.select("#overrides button") == []
    half = Override.objects.filter(swap=swap).first()
    refused = client.post(f"/oncall/overrides/{half.pk}/delete/")
    assert refused.status_code == 403
    text = BeautifulSoup(refused.content, "html.parser").get_text()
    assert (
        f"Only alice and bob, whose swap it is, or an author of team sre may cancel swap "
        f"{swap.pk} (alice ↔ bob) — ask alice or bob." in text
    )
    refused = client.post(f"/oncall/overrides/{own.pk}/delete/")
    assert refused.status_code == 403
    assert "Your role cannot change schedules of team sre" in refused.content.decode()
    # The API: the same rule and words.
    vic = _token_client(team["vic"])
    answer = vic.delete(f"{API}/{half.pk}")
    assert answer.status_code == 403
    assert answer.json()["detail"].startswith("only alice and bob, whose swap it is")
    assert vic.delete(f"{API}/{own.pk}").status_code == 403
    assert Override.objects.count() == 3
    swap.refresh_from_db()
    assert swap.state == "accepted"
    # bob, through the API with a token of his own, a viewer: cancelled, by him.
    answer = _token_client(team["bob"]).delete(f"{API}/{half.pk}")
    assert answer.status_code == 200
    assert answer.json()["swap"] == swap.pk
    swap.refresh_from_db()
    assert (swap.state, swap.cancelled_by) == ("cancelled", "bob")
    assert list(Override.objects.all()) == [own]  # his own swap only
