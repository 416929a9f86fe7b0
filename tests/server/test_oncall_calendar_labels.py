"""The calendar's labels: a name too long for its bar ends in a visible "…", and the bar is
named whole (a tip shown on hover and on the keyboard's focus, the accessible name); a week
across the new year says which of its days are in the new year."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from bs4 import BeautifulSoup

from postmortems.server.oncall import labelfit
from postmortems.server.oncall.drawing import Row, Segment, heading, week_svg

LONDON = ZoneInfo("Europe/London")
MONDAY = dt.datetime(2026, 12, 7, tzinfo=LONDON)


def _at(day: int, hour: int) -> dt.datetime:
    return dt.datetime(2026, 12, day, hour, tzinfo=LONDON)


def _week(
    *segments: Segment, start: dt.datetime = MONDAY, now: dt.datetime | None = None
) -> BeautifulSoup:
    svg = week_svg([Row("overrides", segments)], start, LONDON, now)
    return BeautifulSoup(svg, "html.parser").svg


def test_a_label_is_cut_by_the_room_its_letters_take_with_an_ellipsis() -> None:
    assert labelfit.fit("demo", 32) == ("demo", False)  # 'm' is wide, but four letters fit
    assert labelfit.fit("sam for demo", 80) == ("sam for demo", False)
    shown, cut = labelfit.fit("sam for demo", 52)
    assert cut
    assert shown.endswith("…")
    assert "sam for demo".startswith(shown[:-1])
    assert labelfit.width(shown) <= 52
    assert labelfit.fit("alice, bob", 50) == ("alice…", True)  # no comma before the "…"
    assert labelfit.fit("bob", 12) == ("", True)  # a letter and "…" tell nothing
    # wide letters take more room than narrow ones
    assert labelfit.width("mmmm") > labelfit.width("iiii") * 3


def test_a_long_override_in_a_short_bar_is_named_whole() -> None:
    """Fourteen hours of "sam for demo": the bar shows its start and "…"; its tip (over the
    whole week, drawn last) takes the focus, is named by the whole label and its times, and
    holds the whole label to show."""
    week = _week(Segment(_at(8, 8), _at(8, 22), "sam for demo", who="sam"))
    bar = week.select_one("g.shift.cut")
    shown = bar.select_one("text")
    assert shown.get_text().endswith("…")
    assert shown["aria-hidden"] == "true"
    assert bar.select_one("rect title").get_text() == "sam for demo, Tue 08 Dec 08:00 – Tue 22:00"
    tip = week.select_one("g.tip")
    assert tip["tabindex"] == "0"
    assert tip["role"] == "img"
    assert tip["aria-label"] == "sam for demo, Tue 08 Dec 08:00 – Tue 22:00"
    pop = tip.select_one("g.pop")
    assert pop["visibility"] == "hidden"  # until the pointer or the focus is on it (oncall.css)
    assert pop.select_one("text").get_text() == "sam for demo"
    assert week.find_all(recursive=False)[-1] is tip  # over every bar and the moment's line
    assert week["role"] == "group"  # a screen reader walks into it to the named bar


def test_a_label_that_fits_needs_no_tip() -> None:
    week = _week(Segment(_at(8, 0), _at(10, 0), "sam for demo", who="sam"))
    assert week.select_one("g.shift text").get_text() == "sam for demo"
    assert week.select("g.tip") == []
    assert week.select("g.shift.cut") == []
    assert week["role"] == "img"


def test_a_bar_too_short_for_any_text_shows_its_label_to_the_pointer_only() -> None:
    """An hour's bar holds no letter: no text, no stop for the keyboard (an hourly rotation
    would be dozens of them), the tip for the pointer."""
    week = _week(Segment(_at(8, 8), _at(8, 9), "sam for demo", who="sam"))
    assert week.select_one("g.shift text") is None
    tip = week.select_one("g.tip")
    assert tip["aria-hidden"] == "true"
    assert not tip.has_attr("tabindex")
    assert tip.select_one("g.pop text").get_text() == "sam for demo"
    assert week["role"] == "img"


def test_a_cut_shift_of_yours_is_a_swap_link_named_whole() -> None:
    week = _week(Segment(_at(8, 8), _at(8, 22), "sam for demo", href="/swap?a=1", who="sam"))
    link = week.select_one("a.mine")
    assert link["aria-label"] == "Swap this shift: sam for demo, Tue 08 Dec 08:00 – Tue 22:00"
    assert link["href"] == "/swap?a=1"
    assert link.select_one("g.pop text").get_text() == "sam for demo"
    assert week.find_all(recursive=False)[-1] is link


def test_the_tip_of_a_bar_at_the_weeks_end_stays_in_the_week() -> None:
    week = _week(
        Segment(
            _at(13, 20),
            _at(
                13,
                23,
            ),
            "someone-with-a-long-name for demo",
        )
    )
    pop = week.select_one("g.pop rect")
    assert float(pop["x"]) + float(pop["width"]) <= 790


def test_a_week_across_the_new_year_names_the_year_where_it_begins() -> None:
    start = dt.datetime(2026, 12, 28, tzinfo=LONDON)
    week = _week(start=start)
    days = [t.get_text() for t in week.find_all("text", recursive=False)][:7]
    assert days == [
        "Mon 28 Dec",
        "Tue 29 Dec",
        "Wed 30 Dec",
        "Thu 31 Dec",
        "Fri 01 Jan 2027",
        "Sat 02 Jan",
        "Sun 03 Jan",
    ]
    assert week["aria-label"] == "week of 28 Dec 2026 to 03 Jan 2027"
    assert _week()["aria-label"] == "week of 07 Dec 2026"  # a week of one year, as before
    # New Year's Day as today: "Today 01 Jan" (the reader knows the year it is)
    today = dt.datetime(2027, 1, 1, 12, tzinfo=LONDON)
    labels = [t.get_text() for t in _week(start=start, now=today).select("text.today-label")]
    assert labels == ["Today 01 Jan"]
    assert heading(dt.date(2027, 1, 4)) == "Mon 04 Jan"
