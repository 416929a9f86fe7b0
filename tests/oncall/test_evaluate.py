"""Who is on call, worked out by hand for the cases the docs promise (DST, layers, overrides)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from postmortems.oncall.evaluate import begins, gaps, keeping_turn, on_call, shifts
from postmortems.oncall.model import Layer, Override, Restriction, Schedule, ShiftLength, swap

BERLIN = ZoneInfo("Europe/Berlin")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")


def rotation(unit: str, count: int, handoff: time, start: date, **kw: object) -> Layer:
    return Layer("rota", ("ana", "bo"), ShiftLength(count, unit), handoff, start, **kw)  # type: ignore[arg-type]


def at(zone: ZoneInfo, *args: int) -> datetime:
    return datetime(*args, tzinfo=zone)  # type: ignore[misc]


def test_a_day_shift_across_spring_forward_is_23_hours() -> None:
    # Berlin springs forward on 29 March 2026 at 02:00; hand-overs stay at 09:00 wall time.
    schedule = Schedule("s", "Europe/Berlin", (rotation("days", 1, time(9), date(2026, 3, 28)),))
    day = shifts(schedule, at(BERLIN, 2026, 3, 28, 9), at(BERLIN, 2026, 3, 29, 9))
    assert [(s.users, s.end - s.start) for s in day] == [(("ana",), timedelta(hours=23))]


def test_a_day_shift_across_fall_back_is_25_hours() -> None:
    schedule = Schedule("s", "Europe/Berlin", (rotation("days", 1, time(9), date(2026, 10, 24)),))
    day = shifts(schedule, at(BERLIN, 2026, 10, 24, 9), at(BERLIN, 2026, 10, 25, 9))
    assert [(s.users, s.end - s.start) for s in day] == [(("ana",), timedelta(hours=25))]


def test_an_hour_shift_is_absolute_so_the_wall_clock_hand_over_moves() -> None:
    schedule = Schedule("s", "Europe/Berlin", (rotation("hours", 24, time(9), date(2026, 3, 28)),))
    # ana from 28 Mar 09:00 CET, bo from 29 Mar 10:00 CEST (24 hours later), ana again 30 Mar 10:00.
    assert on_call(schedule, at(BERLIN, 2026, 3, 29, 9, 30)) == ("ana",)
    assert on_call(schedule, at(BERLIN, 2026, 3, 29, 10)) == ("bo",)
    assert on_call(schedule, at(BERLIN, 2026, 3, 30, 9, 59)) == ("bo",)
    assert on_call(schedule, at(BERLIN, 2026, 3, 30, 10)) == ("ana",)


def test_a_hand_over_in_the_skipped_hour_happens_when_the_clock_resumes() -> None:
    # 02:30 does not exist on 29 March in Berlin: the hand-over is at 03:30 CEST (01:30 UTC).
    schedule = Schedule(
        "s", "Europe/Berlin", (rotation("days", 1, time(2, 30), date(2026, 3, 28)),)
    )
    assert on_call(schedule, datetime(2026, 3, 29, 1, 29, tzinfo=UTC)) == ("ana",)
    assert on_call(schedule, datetime(2026, 3, 29, 1, 30, tzinfo=UTC)) == ("bo",)


def test_a_hand_over_in_the_repeated_hour_happens_the_first_time() -> None:
    # 02:30 happens twice on 25 October in Berlin: first at 00:30 UTC (CEST), then 01:30 UTC.
    schedule = Schedule(
        "s", "Europe/Berlin", (rotation("days", 1, time(2, 30), date(2026, 10, 24)),)
    )
    assert on_call(schedule, datetime(2026, 10, 25, 0, 29, tzinfo=UTC)) == ("ana",)
    assert on_call(schedule, datetime(2026, 10, 25, 0, 30, tzinfo=UTC)) == ("bo",)


def test_lord_howe_half_hour_change() -> None:
    # Lord Howe goes from +10:30 to +11:00 on 4 October 2026 at 02:00 (clocks to 02:30).
    # A day shift handing over at 09:00 that day lasts 23 and a half hours.
    schedule = Schedule(
        "s", "Australia/Lord_Howe", (rotation("days", 1, time(9), date(2026, 10, 3)),)
    )
    day = shifts(schedule, at(LORD_HOWE, 2026, 10, 3, 9), at(LORD_HOWE, 2026, 10, 4, 9))
    assert [s.end - s.start for s in day] == [timedelta(hours=23, minutes=30)]


def test_the_last_layer_wins_where_it_covers() -> None:
    base = Layer("base", ("ana",), ShiftLength(1, "weeks"), time(9), date(2026, 1, 5))
    office = Layer(
        "office",
        ("bo",),
        ShiftLength(1, "weeks"),
        time(9),
        date(2026, 1, 5),
        (Restriction((0, 1, 2, 3, 4), time(9), time(17)),),
    )
    schedule = Schedule("s", "Europe/Berlin", (base, office))
    assert on_call(schedule, at(BERLIN, 2026, 1, 7, 12)) == ("bo",)  # Wednesday noon
    assert on_call(schedule, at(BERLIN, 2026, 1, 7, 17)) == ("ana",)
    assert on_call(schedule, at(BERLIN, 2026, 1, 10, 12)) == ("ana",)  # Saturday


def test_a_restriction_that_wraps_midnight_belongs_to_the_day_it_opens() -> None:
    nights = Restriction((4,), time(22), time(6))  # Friday night
    schedule = Schedule(
        "s", "UTC", (rotation("weeks", 1, time(0), date(2026, 1, 5), restrictions=(nights,)),)
    )
    utc = ZoneInfo("UTC")
    assert on_call(schedule, at(utc, 2026, 1, 9, 21, 59)) == ()
    assert on_call(schedule, at(utc, 2026, 1, 9, 22)) == ("ana",)
    assert on_call(schedule, at(utc, 2026, 1, 10, 5, 59)) == ("ana",)  # Saturday morning
    assert on_call(schedule, at(utc, 2026, 1, 10, 6)) == ()
    assert on_call(schedule, at(utc, 2026, 1, 11, 3)) == ()  # Sunday morning: no


def test_before_the_start_no_one_is_on_call_and_no_gap_is_reported() -> None:
    # A rotation starting Monday 5 Jan at 09:00 had not begun before: no one is on call then,
    # and no one is missing (the false alarm of a new rotation: a "gap" before its first day).
    schedule = Schedule("s", "Europe/Berlin", (rotation("weeks", 1, time(9), date(2026, 1, 5)),))
    assert on_call(schedule, at(BERLIN, 2026, 1, 5, 8, 59)) == ()
    assert begins(schedule) == at(BERLIN, 2026, 1, 5, 9)
    assert gaps(schedule, at(BERLIN, 2026, 1, 1), at(BERLIN, 2026, 2, 1)) == []
    assert gaps(schedule, at(BERLIN, 2026, 1, 1), at(BERLIN, 2026, 1, 5, 9)) == []


def test_gaps_are_reported_from_the_earliest_layers_first_hand_over() -> None:
    # Two layers: business hours from Monday 5 Jan, nights from Wednesday 7 Jan. The schedule
    # began on Monday at 09:00, so Monday and Tuesday nights are gaps, the time before is not.
    days = Restriction((0, 1, 2, 3, 4, 5, 6), time(9), time(17))
    nights = Restriction((0, 1, 2, 3, 4, 5, 6), time(17), time(9))
    office = rotation("weeks", 1, time(9), date(2026, 1, 5), restrictions=(days,))
    late = rotation("weeks", 1, time(17), date(2026, 1, 7), restrictions=(nights,))
    schedule = Schedule("s", "Europe/Berlin", (office, late))
    assert gaps(schedule, at(BERLIN, 2026, 1, 1), at(BERLIN, 2026, 1, 9)) == [
        (at(BERLIN, 2026, 1, 5, 17), at(BERLIN, 2026, 1, 6, 9)),
        (at(BERLIN, 2026, 1, 6, 17), at(BERLIN, 2026, 1, 7, 9)),
    ]


def test_a_schedule_without_layers_is_a_gap_wherever_no_override_puts_someone() -> None:
    cover = Override(at(BERLIN, 2026, 1, 2), at(BERLIN, 2026, 1, 3), "cy")
    schedule = Schedule("s", "Europe/Berlin", (), (cover,))
    assert begins(schedule) is None
    assert gaps(schedule, at(BERLIN, 2026, 1, 1), at(BERLIN, 2026, 1, 4)) == [
        (at(BERLIN, 2026, 1, 1), at(BERLIN, 2026, 1, 2)),
        (at(BERLIN, 2026, 1, 3), at(BERLIN, 2026, 1, 4)),
    ]


def week(schedule_overrides: tuple[Override, ...]) -> Schedule:
    layer = rotation("weeks", 1, time(9), date(2026, 1, 5))
    return Schedule("s", "Europe/Berlin", (layer,), schedule_overrides)


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        (Override(at(BERLIN, 2026, 1, 6), at(BERLIN, 2026, 1, 7), "cy"), ("cy",)),
        (Override(at(BERLIN, 2026, 1, 6), at(BERLIN, 2026, 1, 7), "cy", "ana"), ("cy",)),
        (Override(at(BERLIN, 2026, 1, 6), at(BERLIN, 2026, 1, 7), "cy", "bo"), ("ana",)),
        (Override(at(BERLIN, 2026, 1, 6), at(BERLIN, 2026, 1, 7), "cy", kind="add"), ("ana", "cy")),
        (Override(at(BERLIN, 2026, 1, 6), at(BERLIN, 2026, 1, 7), "ana", kind="remove"), ()),
    ],
)
def test_overrides(override: Override, expected: tuple[str, ...]) -> None:
    schedule = week((override,))
    assert on_call(schedule, at(BERLIN, 2026, 1, 6, 12)) == expected
    assert on_call(schedule, at(BERLIN, 2026, 1, 7, 12)) == ("ana",)  # the override has ended


def test_a_swap_is_two_overrides() -> None:
    plain = week(())
    mine, theirs = shifts(plain, at(BERLIN, 2026, 1, 5, 9), at(BERLIN, 2026, 1, 19, 9))
    assert (mine.users, theirs.users) == (("ana",), ("bo",))
    swapped = week(swap(mine, "ana", theirs, "bo"))
    assert on_call(swapped, at(BERLIN, 2026, 1, 8)) == ("bo",)
    assert on_call(swapped, at(BERLIN, 2026, 1, 15)) == ("ana",)
    assert on_call(swapped, at(BERLIN, 2026, 1, 20)) == ("ana",)  # the third week: as planned


def test_shifts_name_the_layer_unless_an_override_changed_them() -> None:
    override = Override(at(BERLIN, 2026, 1, 6), at(BERLIN, 2026, 1, 7), "cy")
    found = shifts(week((override,)), at(BERLIN, 2026, 1, 5, 9), at(BERLIN, 2026, 1, 12, 9))
    assert [(s.start, s.users, s.layer) for s in found] == [
        (at(BERLIN, 2026, 1, 5, 9), ("ana",), "rota"),
        (at(BERLIN, 2026, 1, 6), ("cy",), None),
        (at(BERLIN, 2026, 1, 7), ("ana",), "rota"),
    ]


def test_naive_times_are_refused() -> None:
    schedule = week(())
    with pytest.raises(ValueError, match="aware"):
        on_call(schedule, datetime(2026, 1, 6, 12))


@pytest.mark.parametrize(
    "make",
    [
        lambda: Override(datetime(2026, 1, 6), datetime(2026, 1, 7), "cy"),
        lambda: Override(at(BERLIN, 2026, 1, 7), at(BERLIN, 2026, 1, 6), "cy"),
        lambda: Override(at(BERLIN, 2026, 1, 6), at(BERLIN, 2026, 1, 7), "cy", "ana", "add"),
        lambda: ShiftLength(0, "days"),
        lambda: ShiftLength(1, "months"),
    ],
)
def test_values_the_evaluator_cannot_use_are_refused_when_made(make: object) -> None:
    with pytest.raises(ValueError, match=r"override|shift"):
        make()  # type: ignore[operator]


def _weekly(*users: str, start: date = date(2026, 1, 5)) -> Layer:
    return Layer("rota", users, ShiftLength(1, "weeks"), time(9), start)


@pytest.mark.parametrize(
    ("new", "kept"),
    [
        # Week 11 of ana, bo, cy (from Mon 5 Jan 2026) is bo's; with dee it would be cy's.
        (("ana", "bo", "cy", "dee"), ("dee", "ana", "bo", "cy")),
        # ana leaves: week 11 of bo, cy is bo's already.
        (("bo", "cy"), ("bo", "cy")),
        # bo leaves: nobody keeps a turn that is no one's now.
        (("ana", "cy"), ("ana", "cy")),
    ],
)
def test_keeping_turn_keeps_the_person_on_call_and_the_order(
    new: tuple[str, ...], kept: tuple[str, ...]
) -> None:
    """Someone joins or leaves: the new list, started elsewhere, keeps whoever is on call."""
    old, wednesday = _weekly("ana", "bo", "cy"), at(BERLIN, 2026, 3, 18, 12)  # week 11: index 10
    assert on_call(Schedule("s", "Europe/Berlin", (old,)), wednesday) == ("bo",)
    result = keeping_turn(old, _weekly(*new), BERLIN, wednesday)
    assert result == kept
    after = Schedule("s", "Europe/Berlin", (_weekly(*result),))
    if "bo" in new:
        assert on_call(after, wednesday) == ("bo",)
        following = on_call(after, wednesday + timedelta(weeks=1))
        assert following == (new[(new.index("bo") + 1) % len(new)],)  # then the next as typed


def test_keeping_turn_before_a_rotation_begins_changes_nothing() -> None:
    old, new = _weekly("ana", "bo"), _weekly("bo", "cy", "ana")
    assert keeping_turn(old, new, BERLIN, at(BERLIN, 2026, 1, 1, 12)) == ("bo", "cy", "ana")
