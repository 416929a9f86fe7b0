"""Swap requests in the inbox: the person asked sees each one there, with what it trades in the
schedule's zone, and answers it in place (Accept, Decline), back at the inbox; nobody else sees
it, nor does someone who may no longer see its schedule."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from oncall_fixtures import apply, rotation

pytestmark = pytest.mark.django_db

# alice has Monday 2 March (09:00 Berlin), bob Tuesday: alice asks bob to take hers.
ASK = {
    "responder": "bob",
    "give_start": "2026-03-02 09:00",
    "give_end": "2026-03-03 09:00",
    "note": "school play",
}


def _swaps(client: Any) -> BeautifulSoup | None:
    page = client.get("/inbox/")
    assert page.status_code == 200
    return BeautifulSoup(page.content, "html.parser").select_one("#inbox-swaps")


def _asked(client: Any, make_user: Any, schedule: str = "primary") -> tuple[Any, Any, Any]:
    alice, bob = make_user("alice", "author"), make_user("bob", "viewer")
    client.force_login(alice)
    assert client.post(f"/oncall/s/{schedule}/swaps/", ASK).status_code == 302
    from postmortems.server.oncall.models import SwapRequest

    return alice, bob, SwapRequest.objects.get()


@pytest.mark.usefixtures("shifts_to_come")
def test_a_swap_asked_of_me_is_in_my_inbox_and_accepted_there(client: Any, make_user: Any) -> None:
    from postmortems.server.oncall.models import Override

    apply(rotation("primary", ("alice", "bob"), zone="Europe/Berlin"), source="oncall/sre.yaml")
    _, bob, swap = _asked(client, make_user)
    assert _swaps(client) is None  # the asker's inbox: nothing to answer
    client.force_login(bob)
    section = _swaps(client)
    assert section is not None
    assert section.select_one("h2").get_text() == "Swap requests"
    row = section.select_one(f"li[data-swap='{swap.pk}']")
    text = row.get_text(" ", strip=True)
    assert "primary : alice gives Mon 2 Mar 09:00–Tue 3 Mar 09:00 Europe/Berlin" in text
    assert "(school play)" in text
    assert row.select_one("a")["href"] == "/oncall/s/primary/#swaps"
    form = row.select_one("form")
    assert form["action"] == f"/oncall/swaps/{swap.pk}/answer/"
    assert form.select_one("input[name=next]")["value"] == "/inbox/"
    assert [b.get_text() for b in form.select("button")] == ["Accept", "Decline"]

    answered = client.post(form["action"], {"accept": "1", "next": "/inbox/"})
    assert answered.status_code == 302
    assert answered["Location"] == "/inbox/"
    back = BeautifulSoup(client.get("/inbox/").content, "html.parser")
    said = back.select_one(".messages").get_text()
    assert "Swap accepted: the calendar of primary shows the traded shifts." in said
    assert back.select_one("#inbox-swaps") is None  # answered: it leaves the inbox
    [made] = Override.objects.filter(note=f"swap {swap.pk}: alice ↔ bob")
    assert made.made_by == "bob"  # who accepted it


@pytest.mark.usefixtures("shifts_to_come")
def test_a_swap_declined_from_the_inbox_goes_back_there(client: Any, make_user: Any) -> None:
    from postmortems.server.oncall.models import Override, SwapRequest

    apply(rotation("primary", ("alice", "bob"), zone="Europe/Berlin"), source="")
    _, bob, swap = _asked(client, make_user)
    client.force_login(bob)
    answered = client.post(f"/oncall/swaps/{swap.pk}/answer/", {"accept": "0", "next": "/inbox/"})
    assert answered["Location"] == "/inbox/"
    assert SwapRequest.objects.get().state == "declined"
    assert not Override.objects.exists()
    # A swap answered already: said at the inbox, where the button was.
    again = client.post(
        f"/oncall/swaps/{swap.pk}/answer/", {"accept": "1", "next": "/inbox/"}, follow=True
    )
    assert again.redirect_chain[-1][0] == "/inbox/"
    assert "this swap was already declined" in again.content.decode()
    # A ``next`` off this site is not followed: the schedule's page instead.
    off = client.post(
        f"/oncall/swaps/{swap.pk}/answer/", {"accept": "0", "next": "https://evil.example/"}
    )
    assert off["Location"] == "/oncall/s/primary/"


@pytest.mark.usefixtures("shifts_to_come")
def test_a_swap_on_a_schedule_i_may_no_longer_see_is_not_in_my_inbox(
    client: Any, make_user: Any
) -> None:
    from postmortems.server.accounts.models import Membership, set_role
    from postmortems.server.oncall.models import Schedule

    apply(rotation("payroll", ("alice", "bob"), team="web"), source="")
    Schedule.objects.filter(name="payroll").update(restricted=True)
    alice, bob = make_user("alice", "author", team="web"), make_user("bob", "viewer", team="web")
    client.force_login(alice)
    assert client.post("/oncall/s/payroll/swaps/", ASK).status_code == 302
    client.force_login(bob)
    assert _swaps(client) is not None
    Membership.objects.filter(user=bob).delete()  # bob left team web for team sre
    set_role(bob, "sre", "viewer")
    assert _swaps(client) is None
    assert "payroll" not in client.get("/inbox/").content.decode()
