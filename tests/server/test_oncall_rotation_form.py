"""The new-rotation form suggests the person's teams and common time zones (as the declare form
does); the calendar marks today; gaps are alarms only within the rotation's life and from now
on — before its first hand-over nothing is missing, and a gap already over is history, muted."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from bs4 import BeautifulSoup
from oncall_fixtures import apply, rotation

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def _soup(answer: Any) -> BeautifulSoup:
    return BeautifulSoup(answer.content, "html.parser")


def _clock(monkeypatch: Any, at: dt.datetime) -> None:
    monkeypatch.setattr("django.utils.timezone.now", lambda: at)


def test_the_form_suggests_my_teams_and_common_zones(client: Any, make_user: Any) -> None:
    from postmortems.server.accounts.models import set_role

    sam = make_user("sam", "author", team="sre")
    set_role(sam, "red", "viewer")  # a viewer there: may not make its schedules
    make_user("other", "author", team="payments")
    client.force_login(sam)
    form = _soup(client.get("/oncall/new/")).select_one("form.oncall-form")
    team = form.select_one("input[name=team]")
    teams = form.select_one(f"datalist#{team['list']}")
    assert [o["value"] for o in teams.select("option")] == ["sre"]
    assert team["value"] == "sre"  # the only one, filled in
    assert team["autocomplete"] == "off"
    zone = form.select_one("input[name=timezone]")
    zones = [o["value"] for o in form.select_one(f"datalist#{zone['list']}").select("option")]
    from postmortems.server.library.forms import ZONES

    assert zones == list(ZONES)
    assert {"UTC", "Europe/Berlin", "America/New_York"} <= set(zones)
    assert zone["value"] == "UTC"
    # Two teams: suggested, none filled in; a superuser is offered every team.
    set_role(sam, "red", "author")
    form = _soup(client.get("/oncall/new/")).select_one("form.oncall-form")
    assert [o["value"] for o in form.select("datalist#id_team-options option")] == ["red", "sre"]
    assert not form.select_one("input[name=team]").get("value")
    client.force_login(make_user("root", superuser=True))
    form = _soup(client.get("/oncall/new/")).select_one("form.oncall-form")
    offered = [o["value"] for o in form.select("datalist#id_team-options option")]
    assert offered == ["payments", "red", "sre"]


def test_a_zone_typed_freely_is_still_checked_beside_its_field(client: Any, make_user: Any) -> None:
    client.force_login(make_user("sam", "author"))
    post = {
        "name": "web",
        "timezone": "Mars/Olympus",
        "team": "sre",
        "layer": "main",
        "users": "sam",
        "shift_count": "1",
        "shift_unit": "weeks",
        "handoff": "09:00",
        "start": "2026-12-01",
    }
    refused = _soup(client.post("/oncall/new/", post))
    said = refused.select_one("#id_timezone_error").get_text()
    assert "'Mars/Olympus' is not an IANA time zone" in said
    assert refused.select_one("input[name=timezone]")["value"] == "Mars/Olympus"
    assert refused.select_one("datalist#id_timezone-options") is not None


def test_a_new_rotation_shows_no_gap_before_it_begins(
    client: Any, make_user: Any, monkeypatch: Any
) -> None:
    """Made on Monday 30 November for Tuesday 1 December 09:00: the calendar of this week
    says no gap (before 1 December 09:00 the rotation had not begun)."""
    _clock(monkeypatch, dt.datetime(2026, 11, 30, 10, tzinfo=UTC))
    client.force_login(make_user("sam", "author"))
    post = {
        "name": "web",
        "timezone": "Europe/London",
        "team": "sre",
        "layer": "main",
        "users": "sam",
        "shift_count": "1",
        "shift_unit": "weeks",
        "handoff": "09:00",
        "start": "2026-12-01",
    }
    assert client.post("/oncall/new/", post).status_code == 302
    page = _soup(client.get("/oncall/s/web/"))
    assert page.select_one("#gaps").get_text() == "No gaps from now on in these weeks."
    assert page.select("rect.gap") == []
    assert page.select_one("#past-gaps") is None
    assert "nobody (gap)" not in page.select_one("#agenda").get_text()
    first = page.select_one("#agenda li").get_text(" ", strip=True)
    # sam alone: one shift from then on, into next year (both ends say their year)
    assert first.startswith("Tue 1 Dec 2026 09:00 – ")
    assert "2027" in first
    assert first.endswith(" sam Swap this shift")


def test_gaps_already_over_are_history_and_muted(
    client: Any, make_user: Any, monkeypatch: Any
) -> None:
    # Business hours only, from Monday 2 March; now is Wednesday 4 March, 12:00.
    office = rotation("office", (), business_hours=("erin",))
    from postmortems.oncall import model

    only = model.Schedule("office", "UTC", office.layers[1:], team="sre")
    apply(only, source="")
    _clock(monkeypatch, dt.datetime(2026, 3, 4, 12, tzinfo=UTC))
    client.force_login(make_user("erin", "viewer"))
    page = _soup(client.get("/oncall/s/office/"))
    alarms = [li.get_text() for li in page.select("#gaps li .when")]
    assert alarms[0] == "Wed 4 Mar 17:00 – Thu 5 Mar 09:00"  # from now on, in red
    assert page.select_one("h3.error").get_text() == "Gaps: nobody on call"
    history = [li.get_text() for li in page.select("#past-gaps li .when")]
    assert history == ["Mon 2 Mar 17:00 – Tue 3 Mar 09:00", "Tue 3 Mar 17:00 – Wed 4 Mar 09:00"]
    assert "history, not an alarm" in page.select_one("#past-gaps-note").get_text()
    week = page.select("svg.oncall-week")[0]
    assert len(week.select("rect.gap.past")) == 2
    assert len([r for r in week.select("rect.gap") if "past" not in r["class"]]) == 3
    past = [li for li in page.select("#agenda li.gap") if "past" in li["class"]]
    assert [li.get_text(" ", strip=True).endswith("nobody (past gap)") for li in past] == [
        True,
        True,
    ]


def test_the_calendar_marks_today(client: Any, make_user: Any, monkeypatch: Any) -> None:
    apply(rotation("primary", ("alice", "bob")), source="")
    _clock(monkeypatch, dt.datetime(2026, 3, 4, 12, tzinfo=UTC))  # Wednesday
    client.force_login(make_user("alice", "viewer"))
    page = _soup(client.get("/oncall/s/primary/"))
    weeks = page.select("svg.oncall-week")
    this_week = weeks[0]
    assert this_week["aria-label"] == "week of 02 Mar 2026 (today: Wed 04 Mar)"
    assert this_week.select_one("text.today-label").get_text() == "Today 04 Mar"
    today = this_week.select_one("rect.today")
    # The third day column of seven (Monday is the first): x from the labels' width on.
    assert float(today["x"]) == pytest.approx(90 + 2 * 100)
    assert float(today["width"]) == pytest.approx(100)
    now = this_week.select_one("line.now")
    assert float(now["x1"]) == pytest.approx(90 + 2.5 * 100)  # noon
    assert "now: Wed 04 Mar 12:00" in now.get_text()
    assert all(w.select_one("rect.today") is None for w in weeks[1:])
    # The phone's list says which shift is on now.
    current = [li for li in page.select("#agenda li") if "· now" in li.get_text()]
    assert [li.get_text(" ", strip=True) for li in current] == [
        "Wed 4 Mar 09:00 – Thu 5 Mar 09:00 · now alice Swap this shift"
    ]
    # Weeks that do not hold today mark nothing.
    later = _soup(client.get("/oncall/s/primary/?from=2026-04-06"))
    assert later.select("rect.today, line.now, text.today-label") == []


def test_each_gap_says_when_it_is_in_the_readers_own_time(
    client: Any, make_user: Any, monkeypatch: Any
) -> None:
    """A schedule in Berlin read from New York: each gap is listed in the schedule's zone and,
    in brackets, as instants the browser writes in the reader's zone (``time.local``, UTC
    where scripts do not run); the note below names the schedule's zone."""
    from postmortems.oncall import model

    office = rotation("office", (), zone="Europe/Berlin", business_hours=("erin",))
    apply(model.Schedule("office", "Europe/Berlin", office.layers[1:], team="sre"), source="")
    _clock(monkeypatch, dt.datetime(2026, 3, 4, 12, tzinfo=UTC))
    client.force_login(make_user("erin", "viewer"))
    page = _soup(client.get("/oncall/s/office/"))
    gap = page.select("#gaps li")[0]
    assert gap.select_one(".when").get_text() == "Wed 4 Mar 17:00 – Thu 5 Mar 09:00"
    ends = [t["datetime"] for t in gap.select("time.local")]
    assert [dt.datetime.fromisoformat(t) for t in ends] == [
        dt.datetime(2026, 3, 4, 16, tzinfo=UTC),
        dt.datetime(2026, 3, 5, 8, tzinfo=UTC),
    ]
    assert gap.select_one(".yours").get_text() == "(2026-03-04 16:00 UTC – 2026-03-05 08:00 UTC)"
    assert page.select("#past-gaps li time.local")  # history too
    note = page.select_one("#gaps-zone").get_text()
    assert note == "Gaps in Europe/Berlin; in brackets, UTC."
    assert page.select_one("#gaps-zone .local-zone")  # "your time (America/New_York)", by script


def test_the_rotation_form_says_what_each_field_is(client: Any, make_user: Any) -> None:
    """Labels a person reads (the layers' table's words), not the fields' names: "Handoff",
    "Shift count", "From time" said nothing of a window of the week."""
    client.force_login(make_user("sam", "author"))
    form = _soup(client.get("/oncall/new/")).select_one("form.oncall-form")
    labels = [label.get_text(strip=True) for label in form.select(".field-row > label")]
    assert labels[4:] == [
        "Layer name",
        "People, in turn",
        "Shift length",
        "Shift length in",
        "Hand-over time",
        "First day",
        "Only from",
        "until",
    ]
    assert form.select_one("fieldset.weekdays legend").get_text() == "Only on these days"
    help_of = {
        name: form.select_one(f"#id_{name}_helptext").get_text()
        for name in ("handoff", "from_time", "to_time")
    }
    assert "day and week shifts keep it across DST changes" in help_of["handoff"]
    assert help_of["from_time"] == "Empty: all day."
    assert "runs past midnight" in help_of["to_time"]
