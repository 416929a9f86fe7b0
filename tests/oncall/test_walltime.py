"""Wall times said and read back without ambiguity (``postmortems.oncall.walltime``): what a
form shows of an instant reads back to that instant, every quarter hour of a year, in zones
with hour and half-hour changes; a repeated time needs its abbreviation or offset, a skipped one
is refused; the note on the hour a fall-back repeats."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from postmortems.oncall import walltime

LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    "zone", ["Europe/London", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "UTC"]
)
def test_what_a_form_shows_reads_back_to_the_same_instant(zone: str) -> None:
    tz = ZoneInfo(zone)
    at, end = datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)
    repeated = 0
    while at < end:
        shown = walltime.written(at, tz)
        assert walltime.resolve(*walltime.parse(shown), tz) == at, shown
        iso = at.astimezone(tz).isoformat(timespec="minutes")  # what a calendar link holds
        assert walltime.resolve(*walltime.parse(iso), tz) == at, iso
        repeated += walltime.repeated(at, tz)
        # Every quarter hour within a day of a change of offset; hourly elsewhere.
        near = {(at + timedelta(days=d)).astimezone(tz).utcoffset() for d in (-1, 0, 1)}
        at += timedelta(minutes=15 if len(near) > 1 else 60)
    # The quarter hours of the two passes of the repeated hour (half an hour on Lord Howe).
    expected = {"Europe/London": 8, "America/New_York": 8, "Australia/Lord_Howe": 4}
    assert repeated == expected.get(zone, 0)


@pytest.mark.parametrize(
    ("typed", "instant"),
    [
        ("2026-10-25 01:30 BST", datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
        ("2026-10-25 01:30 gmt", datetime(2026, 10, 25, 1, 30, tzinfo=UTC)),
        ("2026-10-25 01:30 +01:00", datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
        ("2026-10-25 01:30 +0000", datetime(2026, 10, 25, 1, 30, tzinfo=UTC)),
        ("2026-10-25T01:30+00:00", datetime(2026, 10, 25, 1, 30, tzinfo=UTC)),
        ("2026-10-25T01:30Z", datetime(2026, 10, 25, 1, 30, tzinfo=UTC)),
        ("2026-10-25T03:00", datetime(2026, 10, 25, 3, 0, tzinfo=UTC)),
        ("2026-07-01 09:00", datetime(2026, 7, 1, 8, 0, tzinfo=UTC)),
        ("  2026-07-01T09:00  ", datetime(2026, 7, 1, 8, 0, tzinfo=UTC)),
    ],
)
def test_a_typed_time_names_one_instant(typed: str, instant: datetime) -> None:
    assert walltime.resolve(*walltime.parse(typed), LONDON) == instant


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        (
            "2026-10-25 01:30",
            "2026-10-25 01:30 happens twice in Europe/London: the clocks go back over it — "
            "write 2026-10-25 01:30 BST for the first time or 2026-10-25 01:30 GMT for the second",
        ),
        (
            "2026-03-29 01:30",
            "2026-03-29 01:30 does not happen in Europe/London: the clocks go forward over it — "
            "give a time before or after the change",
        ),
        (
            "2026-03-29 01:30 GMT",  # skipped, whatever follows it
            "2026-03-29 01:30 does not happen in Europe/London: the clocks go forward over it — "
            "give a time before or after the change",
        ),
        (
            "2026-07-01 09:00 GMT",
            "GMT is not the time of Europe/London at 2026-07-01 09:00 — write 2026-07-01 09:00 "
            "BST (or leave the zone out: times are in Europe/London)",
        ),
        (
            "2026-10-25 01:30 CET",
            "CET is not the time of Europe/London at 2026-10-25 01:30 — write 2026-10-25 01:30 "
            "BST or 2026-10-25 01:30 GMT",
        ),
        (
            "2026-07-01 09:00 Europe/Paris",  # another zone, written in full
            "Europe/Paris is another zone: the times are in Europe/London — write 2026-07-01 "
            "09:00 BST (or leave the zone out: times are in Europe/London)",
        ),
    ],
)
def test_a_time_that_is_not_one_instant_is_refused_saying_what_to_write(
    typed: str, said: str
) -> None:
    with pytest.raises(walltime.WallTimeError) as caught:
        walltime.resolve(*walltime.parse(typed), LONDON)
    assert caught.value.said == said


@pytest.mark.parametrize(
    "typed", ["soon", "", "2026-02-30 09:00", "09:00", "2026-10-25T01:30+00:00 GMT"]
)
def test_what_is_no_date_and_time_is_a_value_error(typed: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 (the form says "Enter a valid date/time.")
        walltime.parse(typed)


def test_the_labels_say_which_only_where_a_time_happens_twice() -> None:
    first, second = (
        datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
        datetime(2026, 10, 25, 1, 30, tzinfo=UTC),
    )
    assert walltime.label(first, LONDON) == "Sun 25 Oct 01:30 BST"
    assert walltime.label(second, LONDON) == "Sun 25 Oct 01:30 GMT"
    assert walltime.label(second + timedelta(hours=1), LONDON) == "Sun 25 Oct 02:30"
    assert walltime.written(second + timedelta(hours=1), LONDON) == "2026-10-25 02:30 GMT"
    # Lord Howe's abbreviations are numbers: the offsets tell its repeated half hour apart.
    howe = ZoneInfo("Australia/Lord_Howe")
    twice = [datetime(2026, 4, 4, 14, 45, tzinfo=UTC), datetime(2026, 4, 4, 15, 15, tzinfo=UTC)]
    assert [walltime.written(at, howe) for at in twice] == [
        "2026-04-05 01:45 +11:00",
        "2026-04-05 01:45 +10:30",
    ]


def test_the_note_on_the_hour_a_fall_back_repeats() -> None:
    """By the rules of law: the UK goes back at 02:00 BST on the last Sunday of October, the
    United States at 02:00 EDT on the first Sunday of November, Lord Howe by half an hour at
    02:00 on the first Sunday of April."""
    year = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))
    assert walltime.fall_back_note(LONDON, *year) == (
        "On Sun 25 Oct 2026 the clocks go back: 01:00–02:00 happens twice in Europe/London. "
        "Write 2026-10-25 01:30 BST for the first 01:30, 2026-10-25 01:30 GMT for the second."
    )
    assert walltime.fall_back_note(ZoneInfo("America/New_York"), *year) == (
        "On Sun 1 Nov 2026 the clocks go back: 01:00–02:00 happens twice in America/New_York. "
        "Write 2026-11-01 01:30 EDT for the first 01:30, 2026-11-01 01:30 EST for the second."
    )
    assert walltime.fall_backs(ZoneInfo("Australia/Lord_Howe"), *year) == [
        (datetime(2026, 4, 4, 15, 0, tzinfo=UTC), timedelta(minutes=30))
    ]
    assert walltime.fall_back_note(ZoneInfo("UTC"), *year) == ""
    # Only the changes between the two instants given.
    spring = (datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 10, 25, 0, 59, tzinfo=UTC))
    assert walltime.fall_back_note(LONDON, *spring) == ""


def test_a_zones_names_over_a_year() -> None:
    at = datetime(2026, 1, 1, tzinfo=UTC)
    assert walltime.abbreviations(LONDON, at) == ["GMT", "BST"]
    assert walltime.abbreviations(ZoneInfo("UTC"), at) == ["UTC"]


def test_the_schedules_own_zone_written_in_full_is_read() -> None:
    at = walltime.resolve(*walltime.parse("2026-07-01 09:00 Europe/London"), LONDON)
    assert at == walltime.resolve(*walltime.parse("2026-07-01 09:00"), LONDON)


def test_a_date_says_its_year_when_it_is_not_this_years() -> None:
    """A time the pages list names its year when it is not the reader's year in the zone, or
    when its period's other end is in another year: next January, read in December, is not
    this January."""
    berlin = ZoneInfo("Europe/Berlin")
    december = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
    january = datetime(2027, 1, 8, 8, 0, tzinfo=UTC)  # 09:00 in Berlin
    assert walltime.dated(january, berlin, december) == "Fri 8 Jan 2027 09:00"
    assert walltime.dated(january, berlin, january - timedelta(days=3)) == "Fri 8 Jan 09:00"
    # The zone's year, not UTC's: 23:30 UTC on 31 December is already January in Berlin.
    new_year = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    assert walltime.dated(new_year, berlin, january) == "Fri 1 Jan 00:30"
    assert walltime.dated(new_year, ZoneInfo("UTC"), january) == "Thu 31 Dec 2026 23:30"
    # A period into the next year: both ends say theirs.
    eve = datetime(2026, 12, 31, 19, 0, tzinfo=UTC)
    assert walltime.dated(eve, berlin, december, january) == "Thu 31 Dec 2026 20:00"
    assert walltime.dated(january, berlin, january, eve) == "Fri 8 Jan 2027 09:00"
    # In the hour a fall-back repeats, the abbreviation still says which.
    late = datetime(2027, 10, 31, 1, 30, tzinfo=UTC)  # 01:30 GMT, the second 01:30 in London
    assert walltime.dated(late, ZoneInfo("Europe/London"), december) == "Sun 31 Oct 2027 01:30 GMT"
