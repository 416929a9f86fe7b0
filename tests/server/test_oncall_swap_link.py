""" "Swap this shift" from a schedule's calendar: each shift to come of the signed-in person (in
the drawing and in the phone's list) links to the schedule's page with the swap form filled in
with that shift (``?give_start=…&give_end=…``, wall times in the schedule's zone with their
offset, read by the form); a link whose values are no shift says why, with a 400, never a
500."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from oncall_fixtures import apply, rotation

from postmortems.oncall import evaluate

pytestmark = pytest.mark.django_db


def _soup(answer: Any) -> BeautifulSoup:
    return BeautifulSoup(answer.content, "html.parser")


def _weeks_ahead() -> str:
    """A day a week from now: the calendar's weeks are then all to come."""
    from django.utils import timezone

    return (timezone.now().date() + dt.timedelta(weeks=1)).isoformat()


def _links(page: BeautifulSoup) -> tuple[list[str], list[str]]:
    """The swap links of the phone's list and of the drawing."""
    listed = [a["href"] for a in page.select("#agenda a.swap-link")]
    drawn = [a["href"] for a in page.select("#calendar svg a.mine")]
    return listed, drawn


def _shift_of(href: str) -> tuple[str, str]:
    query = parse_qs(urlsplit(href).query)
    return query["give_start"][0], query["give_end"][0]


def test_a_shift_of_mine_opens_the_swap_form_filled_with_it(client: Any, make_user: Any) -> None:
    from postmortems.server.oncall import store
    from postmortems.server.oncall.models import SwapRequest

    apply(rotation("primary", ("alice", "bob"), zone="Europe/Berlin"), source="")
    alice, _ = make_user("alice", "viewer"), make_user("bob", "viewer")
    client.force_login(alice)
    page = _soup(client.get(f"/oncall/s/primary/?from={_weeks_ahead()}"))
    listed, drawn = _links(page)
    # alice's day of every two over four weeks, the ones across the first and last midnights
    # included (the hand-over is at 09:00): 14 or 15, by the parity of the weeks
    assert len(listed) in (14, 15)
    assert set(drawn) == set(listed)  # a shift across two weeks is drawn (and linked) in each
    # Weeks with links are groups a screen reader walks into (an image's links are not read).
    assert {svg["role"] for svg in page.select("#calendar svg")} == {"group"}
    assert all(href.endswith("#swap-form") for href in listed)
    # Each link is one of alice's shifts, whole, in the schedule's zone.
    pure, zone = store.load_config().schedules[0], ZoneInfo("Europe/Berlin")
    for href in listed:
        start, end = (dt.datetime.fromisoformat(t) for t in _shift_of(href))
        assert evaluate.shifts(pure, start, end)[0].users == ("alice",)
        assert start.utcoffset() == start.astimezone(zone).utcoffset()  # Berlin's wall time
        assert (start.hour, end - start) == (9, dt.timedelta(days=1))
    mine = page.select("#agenda li.mine")
    assert [li.select_one("a.swap-link")["href"] for li in mine] == listed
    assert all("alice" in li.get_text() for li in mine)
    assert "Your shifts to come are outlined" in page.select_one("#swap-hint").get_text()

    opened = client.get(listed[0])
    assert opened.status_code == 200
    form = _soup(opened).select_one("#swap-form")
    start, end = (dt.datetime.fromisoformat(t) for t in _shift_of(listed[0]))
    # Shown as a wall time of the schedule's zone with its abbreviation (CET or CEST).
    shown = form.select_one("input[name=give_start]")["value"]
    assert shown == f"{start:%Y-%m-%d %H:%M} {start.astimezone(zone).tzname()}"
    assert shown.endswith((" CET", " CEST"))
    until = form.select_one("input[name=give_end]")["value"]
    assert until == f"{end:%Y-%m-%d %H:%M} {end.astimezone(zone).tzname()}"
    assert not form.select_one("input[name=take_start]").get("value")
    ask = {"responder": "bob", "give_start": shown, "give_end": until}  # posted as shown
    asked = client.post("/oncall/s/primary/swaps/", ask)
    assert asked.status_code == 302
    swap = SwapRequest.objects.get()
    assert (swap.give_start, swap.give_end) == (start, end)


def test_only_my_shifts_to_come_are_offered(client: Any, make_user: Any) -> None:
    """Not another's, not a past one; not to someone with no shift on the rotation (an author
    included). A schedule kept in a file offers them too: a swap is made on the server."""
    from django.utils import timezone

    apply(rotation("primary", ("alice", "bob")), source="")
    apply(rotation("coded", ("alice", "bob")), source="oncall/sre.yaml")
    alice, erin = make_user("alice", "viewer"), make_user("erin", "author")
    client.force_login(alice)
    page = _soup(client.get(f"/oncall/s/primary/?from={_weeks_ahead()}"))
    assert all("bob" not in li.get_text() for li in page.select("#agenda li.mine"))
    past = (timezone.now().date() - dt.timedelta(weeks=8)).isoformat()
    long_ago = _soup(client.get(f"/oncall/s/primary/?from={past}"))
    assert _links(long_ago) == ([], [])
    assert {svg["role"] for svg in long_ago.select("#calendar svg")} == {"img"}
    coded = _links(_soup(client.get(f"/oncall/s/coded/?from={_weeks_ahead()}")))
    assert coded[0]  # alice's shifts, in the drawing and the list
    assert set(coded[0]) == set(coded[1])
    assert all("/oncall/s/coded/?" in link for link in coded[0])
    client.force_login(erin)
    erins = _soup(client.get(f"/oncall/s/primary/?from={_weeks_ahead()}"))
    assert _links(erins) == ([], [])
    assert erins.select_one("#swap-hint") is None


def test_a_shift_across_the_calendars_edge_is_offered_whole(client: Any, make_user: Any) -> None:
    """Weekly shifts handing over on Mondays at 09:00: the weeks drawn start on a Monday at
    00:00, so the first shift began the Monday before; the link gives it from that hand-over."""
    apply(rotation("weekly", ("alice", "bob"), unit="weeks"), source="")
    shifts = []
    for name in ("alice", "bob"):  # the one whose shift it is
        client.force_login(make_user(name, "viewer"))
        page = _soup(client.get(f"/oncall/s/weekly/?from={_weeks_ahead()}"))
        shifts += [tuple(map(dt.datetime.fromisoformat, _shift_of(h))) for h in _links(page)[0]]
    monday = dt.date.fromisoformat(_weeks_ahead())
    monday -= dt.timedelta(days=monday.weekday())
    first = dt.datetime.combine(monday - dt.timedelta(weeks=1), dt.time(9), dt.UTC)
    assert min(shifts) == (first, first + dt.timedelta(weeks=1))
    assert len(shifts) == 5  # and the four that start in the weeks drawn


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("give_start=soon&give_end=2030-01-02T09:00", "its start “soon”: Enter a valid date/time."),
        ("give_start=2030-02-30T09:00&give_end=2030-03-02T09:00", "Enter a valid date/time."),
        ("give_start=0001-01-01T00:00&give_end=0001-01-02T00:00", "give a day from 1900-01-01"),
        ("give_start=2030-01-02T09:00", "its end: This field is required."),
        (
            "give_start=2030-01-03T09:00&give_end=2030-01-02T09:00",
            "each period must end after it starts",
        ),
        ("give_start=2030-01-01T09:00&give_end=2030-06-01T09:00", "at most 92 days"),
        # 02:30 does not exist in Berlin on 31 March 2030 (the clocks skip to 03:30)
        (
            "give_start=2030-03-31T02:30&give_end=2030-04-01T09:00",
            "2030-03-31 02:30 does not happen in Europe/Berlin: the clocks go forward over it",
        ),
    ],
)
def test_a_link_with_no_shift_in_it_says_why(
    client: Any, make_user: Any, query: str, message: str
) -> None:
    apply(rotation("primary", ("alice", "bob"), zone="Europe/Berlin"), source="")
    client.force_login(make_user("alice", "viewer"))
    answer = client.get(f"/oncall/s/primary/?{query}")
    assert answer.status_code == 400
    said = _soup(answer).select_one("#swap-link-error").get_text()
    assert said.startswith("The shift in the link was not filled in: ")
    assert message in said
    assert said.endswith("Choose the shift in the calendar again, or type it below.")
    form = _soup(answer).select_one("#swap-form")
    assert not form.select_one("input[name=give_start]").get("value")  # nothing half-filled
    assert _soup(answer).select("#calendar svg.oncall-week")  # the page is all there
