"""A swap of a shift that starts in the hour a fall-back repeats, with a real rotation over the
change: hourly shifts of alice and bob handing over at half past, so on the day the clocks go
back one 01:30 shift is bob's (the first 01:30) and the next, an hour later, alice's (the second
01:30). The calendar tells them apart (the zone's abbreviation), its link names the instant
(wall time and offset), the form shows it with the abbreviation and reads it back to that
instant, and a repeated time typed without it is refused saying what to write."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from oncall_fixtures import apply

from postmortems.oncall import evaluate, model

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def fall_back_day(zone: str, today: dt.date) -> tuple[dt.date, dt.datetime]:
    """The next day after ``today`` (a week on at least) when ``zone``'s clocks go back, and
    the instant they do, by the rule of law: the last Sunday of October at 01:00 UTC in the UK;
    the first Sunday of November at 02:00 EDT (06:00 UTC) in the United States."""
    for year in (today.year, today.year + 1):
        if zone == "Europe/London":
            day = dt.date(year, 10, 31)
            day -= dt.timedelta(days=(day.weekday() + 1) % 7)
            at = dt.datetime.combine(day, dt.time(1), UTC)
        else:
            day = dt.date(year, 11, 1)
            day += dt.timedelta(days=(6 - day.weekday()) % 7)
            at = dt.datetime.combine(day, dt.time(6), UTC)
        if day > today + dt.timedelta(weeks=1):
            return day, at
    raise AssertionError("no fall-back in two years")


# zone, its summer and its winter abbreviation
ZONES = [("Europe/London", "BST", "GMT"), ("America/New_York", "EDT", "EST")]


def _hourly(zone: str, day: dt.date) -> model.Schedule:
    """alice and bob by turns, an hour each, from 00:30 the day before (a shift of 1 hour is
    an hour of real time, so the repeated hour has two shifts, each starting at 01:30)."""
    layer = model.Layer(
        name="hourly",
        users=("alice", "bob"),
        shift=model.ShiftLength(count=1, unit="hours"),
        handoff=dt.time(0, 30),
        start=day - dt.timedelta(days=1),
    )
    return model.Schedule("late", zone, (layer,), (), "sre")


@pytest.mark.parametrize(("zone", "summer", "winter"), ZONES)
def test_a_shift_in_the_repeated_hour_is_swapped(
    client: Any, make_user: Any, zone: str, summer: str, winter: str
) -> None:
    from django.utils import timezone

    from postmortems.server.oncall import notify, services, store
    from postmortems.server.oncall.models import SwapRequest

    day, change = fall_back_day(zone, timezone.now().date())
    tz = ZoneInfo(zone)
    assert (change - dt.timedelta(minutes=1)).astimezone(tz).tzname() == summer  # the rule holds
    assert change.astimezone(tz).tzname() == winter
    apply(_hourly(zone, day), source="")
    alice = make_user("alice", "viewer")
    make_user("bob", "viewer")
    # 25 hours from the first hand-over (00:30 the day before, summer time) to the first 01:30:
    # bob's; the second 01:30, an hour later, is alice's.
    first, second = change - dt.timedelta(minutes=30), change + dt.timedelta(minutes=30)
    pure = store.load_config().schedules[0]
    assert evaluate.on_call(pure, first) == ("bob",)
    assert evaluate.on_call(pure, second) == ("alice",)

    client.force_login(alice)
    page = BeautifulSoup(client.get(f"/oncall/s/late/?from={day}").content, "html.parser")
    on_the_day = f"{second.astimezone(tz):%a} {day.day} {second.astimezone(tz):%b}"
    if day.year != timezone.now().astimezone(tz).year:  # the next fall-back, read in December
        on_the_day += f" {day.year}"
    when = f"{on_the_day} 01:30 {winter}"
    [mine] = [li for li in page.select("#agenda li.mine") if li.get_text().startswith(when)]
    # 02:30 happens once: no abbreviation needed
    assert mine.select_one(".when").get_text() == f"{when} – {on_the_day} 02:30"
    link = mine.select_one("a.swap-link")["href"]
    offset = f"{second.astimezone(tz):%z}"
    assert parse_qs(urlsplit(link).query)["give_start"] == [f"{day}T01:30{offset[:3]}:{offset[3:]}"]
    drawn = page.select_one(f'#calendar a.mine[href="{link}"]')
    # The drawing says which 01:30 too (its days are written 07 Nov).
    assert f"{second.astimezone(tz):%a %d %b} 01:30 {winter} –" in drawn["aria-label"]

    opened = BeautifulSoup(client.get(link).content, "html.parser")
    form = opened.select_one("#swap-form")
    shown = form.select_one("input[name=give_start]")["value"]
    assert shown == f"{day} 01:30 {winter}"
    assert form.select_one("input[name=give_end]")["value"] == f"{day} 02:30 {winter}"
    said = opened.select_one("#swap-times-fall-back").get_text()
    assert f"Write {day} 01:30 {summer} for the first 01:30, {day} 01:30 {winter}" in said

    # Asked as shown, taking bob's first 01:30 in return (typed with its abbreviation).
    ask = {"responder": "bob", "give_start": shown, "give_end": f"{day} 02:30 {winter}"}
    ask |= {"take_start": f"{day} 01:30 {summer}", "take_end": f"{day} 01:30 {winter}"}
    assert client.post("/oncall/s/late/swaps/", ask).status_code == 302
    swap = SwapRequest.objects.get()
    assert (swap.give_start, swap.give_end) == (second, second + dt.timedelta(hours=1))
    assert (swap.take_start, swap.take_end) == (first, second)
    # bob's email says which 01:30 each is.
    gives, takes = notify.swap_periods(swap, timezone.now())
    # As the pages write days (7 Nov), with the year when not this one.
    assert gives == f"alice gives {on_the_day} 01:30 {winter}–{on_the_day} 02:30 {zone}"
    assert takes == (
        f"and takes {on_the_day} 01:30 {summer}–{on_the_day} 01:30 {winter} {zone} back"
    )
    services.answer_swap(swap, "bob", accept=True, now=timezone.now())
    pure = store.load_config().schedules[0]
    assert evaluate.on_call(pure, first) == ("alice",)  # the first 01:30 is alice's now
    assert evaluate.on_call(pure, second) == ("bob",)  # and the second bob's


@pytest.mark.parametrize(("zone", "summer", "winter"), ZONES)
def test_a_repeated_time_typed_without_its_abbreviation_is_refused_saying_which(
    client: Any, make_user: Any, zone: str, summer: str, winter: str
) -> None:
    from django.utils import timezone

    from postmortems.server.oncall.models import SwapRequest

    day, _ = fall_back_day(zone, timezone.now().date())
    apply(_hourly(zone, day), source="")
    client.force_login(make_user("alice", "viewer"))
    make_user("bob", "viewer")
    page = BeautifulSoup(client.get(f"/oncall/s/late/?from={day}").content, "html.parser")
    action = page.select_one("#swap-form")["action"]
    ask = {"responder": "bob", "give_start": f"{day} 01:30", "give_end": f"{day} 02:30"}
    answer = client.post(action, ask)
    assert answer.status_code == 400
    refused = BeautifulSoup(answer.content, "html.parser")
    # Back at the same weeks, with what the form says of their fall-back.
    assert refused.select_one("#swap-form")["action"] == action
    assert f"{day} 01:30 {summer} for the first" in refused.select_one("#swap-times-fall-back").text
    form = refused.select_one("#swap-form")
    error = form.select_one("#swap_give_start_error").get_text()
    assert error == (
        f"{day} 01:30 happens twice in {zone}: the clocks go back over it — write "
        f"{day} 01:30 {summer} for the first time or {day} 01:30 {winter} for the second"
    )
    assert form.select_one("input[name=give_start]")["value"] == f"{day} 01:30"  # kept
    # A link naming it without its offset says so too, above the empty form.
    linked = client.get(f"/oncall/s/late/?give_start={day}T01:30&give_end={day}T02:30")
    assert linked.status_code == 400
    said = BeautifulSoup(linked.content, "html.parser").select_one("#swap-link-error").get_text()
    assert f"{day} 01:30 happens twice in {zone}" in said
    assert not SwapRequest.objects.exists()
