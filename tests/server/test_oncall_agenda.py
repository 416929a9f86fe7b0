"""A phone reads the schedule's weeks as a list grouped by day: an hourly rotation's four weeks
are 28 days, each folded to one line (who, how many shifts, how many yours, a gap) but today and
the day asked for; a day of a few shifts is listed open."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from bs4 import BeautifulSoup
from oncall_fixtures import apply, rotation

pytestmark = pytest.mark.django_db

UTC = dt.UTC
NOW = dt.datetime(2026, 3, 4, 12, 30, tzinfo=UTC)  # Wednesday of the first week shown


def _page(client: Any, monkeypatch: Any, query: str = "") -> BeautifulSoup:
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)
    answer = client.get(f"/oncall/s/primary/{query}")
    assert answer.status_code == 200
    return BeautifulSoup(answer.content, "html.parser")


def _days(page: BeautifulSoup) -> list[tuple[str, bool, str]]:
    """Each day listed: its name, open or folded, and its folded line."""
    return [
        (
            d.select_one("summary .day").get_text(),
            d.has_attr("open"),
            d.select_one("summary .folded").get_text(),
        )
        for d in page.select("#agenda details.agenda-day")
    ]


def test_an_hourly_rotation_is_listed_day_by_day(
    client: Any, make_user: Any, monkeypatch: Any
) -> None:
    apply(rotation("primary", ("alice", "bob", "carol"), unit="hours"), source="")
    client.force_login(make_user("alice", "viewer"))
    page = _page(client, monkeypatch)
    days = _days(page)
    # Monday 2 March (the rotation's first hand-over at 09:00) to Sunday 29 March.
    assert len(days) == 28
    assert days[0] == ("Mon 2 Mar", False, "15 shifts: alice, bob, carol")
    assert days[2] == ("Wed 4 Mar · Today", True, "24 shifts: alice, bob, carol · 4 of them yours")
    assert days[3] == ("Thu 5 Mar", False, "24 shifts: alice, bob, carol · 8 of them yours")
    assert [d for d in days if d[1]] == [days[2]]  # only today is open
    # Every shift is still there, under its day, with its swap link.
    shifts = page.select("#agenda li")
    assert len(shifts) == 15 + 27 * 24
    today = page.select("#agenda details.today li")
    assert today[0].get_text(" ", strip=True) == "Wed 4 Mar 00:00 – Wed 4 Mar 01:00 alice"
    assert [li.get_text(" ", strip=True) for li in today if "· now" in li.get_text()] == [
        "Wed 4 Mar 12:00 – Wed 4 Mar 13:00 · now alice Swap this shift"
    ]
    thursday = page.select("#agenda details.agenda-day")[3]
    assert len(thursday.select("li.mine a.swap-link")) == 8
    # The day asked for opens too (later weeks hold no today).
    later = _days(_page(client, monkeypatch, "?from=2026-04-08"))
    assert [name for name, opened, _ in later if opened] == ["Wed 8 Apr"]


def test_a_day_of_few_shifts_is_listed_open_and_a_gap_is_said(
    client: Any, make_user: Any, monkeypatch: Any
) -> None:
    """A business-hours rotation: each weekday a shift and a gap, open; a weekend day is one
    gap; a folded line says a gap from now on."""
    from postmortems.oncall import model

    office = rotation("primary", (), business_hours=("erin",))
    apply(model.Schedule("primary", "UTC", office.layers[1:], team="sre"), source="")
    client.force_login(make_user("erin", "viewer"))
    days = _days(_page(client, monkeypatch))
    assert all(opened for _, opened, _ in days)
    assert days[0] == ("Mon 2 Mar", True, "1 shift: erin · past gap")  # over: not yours to swap
    assert days[3] == ("Thu 5 Mar", True, "1 shift: erin · 1 of them yours · gap")
    # Friday's gap runs to Monday: the weekend is no day of its own.
    assert [name for name, _, _ in days[4:6]] == ["Fri 6 Mar", "Mon 9 Mar"]


def test_a_day_of_only_a_gap_says_nobody() -> None:
    from zoneinfo import ZoneInfo

    from postmortems.server.oncall import agenda
    from postmortems.server.oncall.drawing import Segment

    day = dt.datetime(2026, 3, 7, tzinfo=UTC)
    gap = Segment(day, day + dt.timedelta(days=2), "")
    [found] = agenda.days([gap], ZoneInfo("UTC"), start=day, now=NOW, asked=NOW.date())
    assert (found.label, found.open, found.summary, found.alarm) == (
        "Sat 7 Mar",
        True,
        "nobody · gap",
        True,
    )
