"""Dates on the on-call pages name their year when it is not this year: a swap of a shift next
January, asked in December, reads "Mon 4 Jan 2027", on the schedule's page, on /oncall/, in the
inbox and in the email; one this December reads "Mon 21 Dec" as before."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from bs4 import BeautifulSoup
from oncall_fixtures import apply, rotation

pytestmark = pytest.mark.django_db

DECEMBER = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.UTC)
# alice has every other day from Monday 2 March 2026 (09:00 Berlin): 21 and 31 December, and 4
# January.
THIS_YEAR = {"give_start": "2026-12-21 09:00", "give_end": "2026-12-22 09:00"}
NEXT_YEAR = {"give_start": "2027-01-04 09:00", "give_end": "2027-01-05 09:00"}
NEW_YEAR = {"give_start": "2026-12-31 09:00", "give_end": "2027-01-01 09:00"}


@pytest.fixture
def in_december(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: DECEMBER)


def _text(client: Any, path: str, selector: str) -> str:
    page = client.get(path)
    assert page.status_code == 200
    found = BeautifulSoup(page.content, "html.parser").select_one(selector)
    assert found is not None, selector
    return str(found.get_text(" ", strip=True))


@pytest.mark.usefixtures("in_december")
def test_a_swap_next_january_names_its_year_where_it_is_listed(client: Any, make_user: Any) -> None:
    from postmortems.server.oncall import notify
    from postmortems.server.oncall.models import SwapRequest

    apply(rotation("primary", ("alice", "bob"), zone="Europe/Berlin"), source="")
    alice, bob = make_user("alice", "viewer"), make_user("bob", "viewer")
    client.force_login(alice)
    for period in (THIS_YEAR, NEXT_YEAR, NEW_YEAR):
        asked = client.post("/oncall/s/primary/swaps/", {"responder": "bob", **period})
        assert asked.status_code == 302, asked.content.decode()[:2000]

    january = "Mon 4 Jan 2027 09:00–Tue 5 Jan 2027 09:00"
    december = "Mon 21 Dec 09:00–Tue 22 Dec 09:00"
    listed = _text(client, "/oncall/s/primary/", "#swaps")
    assert f"alice asks bob to take {january}" in listed
    assert f"alice asks bob to take {december}" in listed
    # Across the new year, both ends say their year; this year's alone goes without.
    new_year = "Thu 31 Dec 2026 09:00–Fri 1 Jan 2027 09:00"
    assert f"alice asks bob to take {new_year}" in listed
    assert listed.count("2026") == 1

    client.force_login(bob)
    for path, selector in (("/oncall/", "#asked-of-me"), ("/inbox/", "#inbox-swaps")):
        text = _text(client, path, selector)
        assert f"alice gives {january} Europe/Berlin" in text, path
        assert f"alice gives {december} Europe/Berlin" in text, path

    swap = SwapRequest.objects.get(give_start__year=2027)
    _, _, body = notify.swap_message(swap, SwapRequest.State.ASKED, DECEMBER)
    assert f"alice gives {january} Europe/Berlin" in body
    # Read in January, the same swap is this year's.
    _, _, body = notify.swap_message(swap, SwapRequest.State.ASKED, swap.give_start)
    assert "alice gives Mon 4 Jan 09:00–Tue 5 Jan 09:00 Europe/Berlin" in body


@pytest.mark.usefixtures("in_december")
def test_the_next_hand_over_next_year_names_its_year(client: Any, make_user: Any) -> None:
    """A four-week rotation that handed over this morning hands over next in January: the
    schedule's and the team's pages say which January."""
    apply(rotation("monthly", ("alice", "bob"), zone="Europe/Berlin", unit="weeks", count=4))
    client.force_login(make_user("alice", "viewer"))
    # From Monday 2 March 2026, every 28 days: 7 December 2026, then 4 January 2027.
    said = _text(client, "/oncall/s/monthly/", "#next-change")
    assert said.startswith("Next hand-over Mon 4 Jan 2027 09:00 (Europe/Berlin)")
    said = _text(client, "/oncall/team/sre/", "td.next-change")
    assert said.startswith("Mon 4 Jan 2027 09:00 (Europe/Berlin)")
