"""Times, dates, ranges and zones as documents write them."""

from __future__ import annotations

import datetime as dt

import pytest

from postmortems.document.dateparse import find_dates
from postmortems.document.timeparse import find_times, leading_date, leading_time
from postmortems.document.zones import zone_from_text


def only(text: str) -> tuple[str, str | None]:
    found = find_times(text)
    assert len(found) == 1
    f = found[0]
    return f.time.strftime("%H:%M"), (f.zone.label if f.zone else None)


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("at 13:20PM the site went down", ("13:20", None)),  # already 24-hour: PM ignored
        ("around 3:AM nothing worked", ("03:00", None)),
        ("at 2100hrs WAT the alert fired", ("21:00", "WAT")),
        ("2024-02-12T08:19:34+0100 deploy", ("08:19", "UTC+1")),
        ("at 2:05 pm (PST) someone noticed", ("14:05", "PST")),
        ("approximately 4:00 GMT + 1, an error", ("04:00", "GMT+1")),
        ("06:05 Central African Time (CAT) here", ("06:05", "CAT")),
        ("11 a.m. sharp", ("11:00", None)),
        # a US region is its generic zone; "Eastern African Time" stays East Africa's
        ("at 11:30 US Eastern (ET) on March 3", ("11:30", "ET")),
        ("at 2 p.m. Pacific the queue drained", ("14:00", "PT")),
        ("00:10 Eastern African Time (EAT)", ("00:10", "EAT")),
        ("09:00 Eastern European Time", ("09:00", "EET")),
        ("**08.45 UTC** - the domain lapsed", ("08:45", "UTC")),  # a dot, with UTC after it
    ],
)
def test_times_as_written(text: str, want: tuple[str, str | None]) -> None:
    assert only(text) == want


def test_a_number_with_a_dot_before_a_name_is_no_time() -> None:
    assert find_times("we upgraded to Ubuntu 22.04 LTS and 10.12 BETA") == []


def test_gmt_plus_one_means_utc_plus_one() -> None:
    zone = zone_from_text("GMT+1")
    assert zone is not None
    assert zone.offset_at() == 60
    minus = zone_from_text("UTC-8")
    assert minus is not None
    assert minus.offset_at() == -480


def test_a_year_is_not_a_time() -> None:
    assert find_times("In 2024 UTC became our standard") == []
    assert find_times("at 2000 UTC")[0].time == dt.time(20, 0)


def test_range_gives_start_and_until() -> None:
    (f,) = find_times("from 10:00 AM to 2:00 PM (UTC)")
    assert f.time == dt.time(10, 0)
    assert f.until is not None
    assert f.until.time == dt.time(14, 0)
    assert f.zone is not None
    assert f.zone.label == "UTC"


def test_range_with_a_date_before_the_second_time() -> None:
    (f,) = find_times("8:00 PM - November 11, 2023, 2:00 AM (UTC)")
    assert f.until is not None
    assert f.until.time == dt.time(2, 0)
    assert f.until.date == dt.date(2023, 11, 11)


def test_words_before_a_date_do_not_make_a_range() -> None:
    found = find_times("15:30 UTC - Detection November 10, 2023, 15:30 UTC detected")
    assert len(found) == 2
    assert found[0].until is None


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("December 18, 2023", dt.date(2023, 12, 18)),
        ("18th of Dec, 2023", dt.date(2023, 12, 18)),
        ("2023-12-18", dt.date(2023, 12, 18)),
        ("18/12/2023", dt.date(2023, 12, 18)),
        ("04-12-2022", dt.date(2022, 4, 12)),
        ("January 14-19, 2026", dt.date(2026, 1, 14)),
    ],
)
def test_dates(text: str, want: dt.date) -> None:
    assert find_dates(text)[0][2] == want


def test_version_numbers_are_not_dates() -> None:
    assert find_dates("release 10-12-15 shipped") == []
    assert find_dates("running Chia software 1.2.10 at the time") == []
    assert find_dates("on 18.12.2023 at noon")[0][2] == dt.date(2023, 12, 18)


@pytest.mark.parametrize(
    ("line", "hhmm", "day"),
    [
        ("- 14:05 - paged", "14:05", None),
        ("[ 4: 45 am PST ] - first attempt", "04:45", None),
        ("0900 - First user report of 500 error", "09:00", None),
        ("9/10 7:55 PT - First user complaint", "07:55", dt.date(2018, 9, 10)),
        ("Dec 18, 2023 10:45 - rollback", "10:45", dt.date(2023, 12, 18)),
        ("| Jan 14, 10:18 AM | report |", "10:18", dt.date(2018, 1, 14)),
    ],
)
def test_leading_time(line: str, hhmm: str, day: dt.date | None) -> None:
    found = leading_time(line, year=2018)
    assert found is not None
    assert found.time.strftime("%H:%M") == hhmm
    assert found.date == day


def test_no_leading_time_in_prose() -> None:
    assert leading_time("We restarted it at 10:00 after lunch") is None


def test_leading_date_without_time() -> None:
    got = leading_date("01/31/2023 - A researcher submitted a bug report")
    assert got is not None
    assert got[1] == dt.date(2023, 1, 31)


def test_four_digit_range_with_zone() -> None:
    (f,) = find_times("a 500 error during 0900–1300 PST on Sept. 11, 2018")
    assert (f.time, f.until.time if f.until else None) == (dt.time(9), dt.time(13))
    assert find_times("between 2017-2018 we grew") == []


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("10:00-11:00 UTC", ("10:00", "UTC", "11:00")),
        ("14:05 GMT+01:00 then", ("14:05", "GMT+1", None)),
        ("14:05:33Z", ("14:05", "UTC", None)),
        ("between 14:00 and 15:30 UTC", ("14:00", "UTC", "15:30")),
        ("from 11pm to 1am EST", ("23:00", "EST", "01:00")),
    ],
)
def test_ranges_and_offsets(text: str, want: tuple[str, str | None, str | None]) -> None:
    (f,) = find_times(text)
    got = (
        f.time.strftime("%H:%M"),
        f.zone.label if f.zone else None,
        f.until.time.strftime("%H:%M") if f.until else None,
    )
    assert got == want


def test_a_date_written_with_its_month_name_says_which_way_numbers_go() -> None:
    from postmortems.document.dateparse import day_first

    text = "- **08-01-2026** – the certificate expired\n- **11-01-2026 10:00 UTC** – failures"
    assert not day_first(text, zone="UTC")
    assert day_first(text, zone="UTC", worded=[dt.date(2026, 1, 8)])  # "on 8 January 2026"
    assert not day_first(text, zone="UTC", worded=[dt.date(2026, 8, 1)])  # "on August 1"


def test_a_numeric_date_with_en_dashes_is_a_date() -> None:
    # a blog's typography turns "9-12-2018" into "9–12–2018"
    found = leading_time("9–12–2018, 1:00 PM PDT: Begin the work.")
    assert found is not None
    assert (found.date, found.time) == (dt.date(2018, 9, 12), dt.time(13, 0))
