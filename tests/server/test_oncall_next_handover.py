"""The schedule's page says when those on call now hand over, and to whom, in the schedule's
zone and (in brackets, by the browser) the reader's: what an on-call person asks first."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from bs4 import BeautifulSoup
from oncall_fixtures import apply, rotation

from postmortems.oncall import model

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def _next(client: Any, monkeypatch: Any, at: dt.datetime, name: str = "primary") -> Any:
    monkeypatch.setattr("django.utils.timezone.now", lambda: at)
    page = BeautifulSoup(client.get(f"/oncall/s/{name}/").content, "html.parser")
    return page.select_one("#next-change")


def test_the_next_hand_over_and_who_takes_it(client: Any, make_user: Any, monkeypatch: Any) -> None:
    apply(rotation("primary"), source="")  # alice, bob, carol: a day each from Mon 2 March 09:00
    client.force_login(make_user("sam", "viewer"))
    said = _next(client, monkeypatch, dt.datetime(2026, 3, 4, 12, tzinfo=UTC))  # carol's day
    text = said.get_text(" ", strip=True)
    assert text == "Next hand-over Thu 5 Mar 09:00 (UTC) ( 2026-03-05 09:00 UTC ) : alice"
    when = dt.datetime.fromisoformat(said.select_one("time.local")["datetime"])
    assert when == dt.datetime(2026, 3, 5, 9, tzinfo=UTC)


def test_a_weekly_hand_over_across_the_spring_change_keeps_its_wall_time(
    client: Any, make_user: Any, monkeypatch: Any
) -> None:
    """Berlin, weekly from Monday 2 March: alice's week from 23 March ends on Monday 30 March at
    09:00 CEST (07:00 UTC), after the clocks went forward on the 29th."""
    apply(rotation("primary", zone="Europe/Berlin", unit="weeks"), source="")
    client.force_login(make_user("sam", "viewer"))
    said = _next(client, monkeypatch, dt.datetime(2026, 3, 27, 12, tzinfo=UTC))
    assert said.get_text(" ", strip=True).startswith("Next hand-over Mon 30 Mar 09:00 (Europe/")
    assert said.get_text().endswith(": bob")
    when = dt.datetime.fromisoformat(said.select_one("time.local")["datetime"])
    assert when == dt.datetime(2026, 3, 30, 7, tzinfo=UTC)


def test_a_gap_to_come_and_the_end_of_a_gap_are_said(
    client: Any, make_user: Any, monkeypatch: Any
) -> None:
    office = rotation("office", (), zone="Europe/Berlin", business_hours=("erin",))
    apply(model.Schedule("office", "Europe/Berlin", office.layers[1:], team="sre"), source="")
    client.force_login(make_user("sam", "viewer"))
    working = _next(client, monkeypatch, dt.datetime(2026, 3, 4, 12, tzinfo=UTC), "office")
    assert working.get_text(" ", strip=True).startswith("Next hand-over Wed 4 Mar 17:00")
    assert working.get_text().endswith(": nobody (a gap)")
    night = _next(client, monkeypatch, dt.datetime(2026, 3, 4, 20, tzinfo=UTC), "office")
    assert night.get_text(" ", strip=True).startswith("Next hand-over Thu 5 Mar 09:00")
    assert night.get_text().endswith(": erin")


def test_nothing_is_said_when_nobody_hands_over_within_five_weeks(
    client: Any, make_user: Any, monkeypatch: Any
) -> None:
    apply(rotation("primary", ("alice",), unit="weeks"), source="")  # alice alone, always
    client.force_login(make_user("sam", "viewer"))
    assert _next(client, monkeypatch, dt.datetime(2026, 3, 4, 12, tzinfo=UTC)) is None


def test_the_team_page_says_each_schedules_next_hand_over_in_its_zone(
    client: Any, make_user: Any, monkeypatch: Any
) -> None:
    """Two schedules of team sre in two zones: each row says its own next hand-over, as the
    wall time of its zone, the instant for the browser, and who takes it."""
    apply(
        rotation("primary", zone="Europe/Berlin", unit="weeks"),
        rotation("west", ("dan",), zone="America/Los_Angeles"),
        source="",
    )
    client.force_login(make_user("sam", "viewer"))
    monkeypatch.setattr(
        "django.utils.timezone.now", lambda: dt.datetime(2026, 3, 27, 12, tzinfo=UTC)
    )
    page = BeautifulSoup(client.get("/oncall/team/sre/").content, "html.parser")
    rows = {
        tr.select_one("a").get_text(): tr.select_one("td.next-change")
        for tr in page.select("tbody tr")
    }
    berlin = rows["primary"]
    assert berlin.get_text(" ", strip=True).startswith("Mon 30 Mar 09:00 (Europe/Berlin)")
    assert berlin.get_text().endswith(": bob")
    when = dt.datetime.fromisoformat(berlin.select_one("time.local")["datetime"])
    assert when == dt.datetime(2026, 3, 30, 7, tzinfo=UTC)
    assert rows["west"].get_text(strip=True) == ""  # dan alone: no hand-over within five weeks
