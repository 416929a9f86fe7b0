"""examples/oncall/ loads, and who is on call at a few instants is what the rotation says.

The expected people are worked out by hand from the file (weeks since Monday 5 January 2026,
modulo the number of people) and the whole year is checked against the reference evaluator.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from postmortems.oncall.evaluate import on_call
from postmortems.oncall.spec import load_files

from .strategies import YEAR_END, YEAR_START
from .test_reference import change_points, reference

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "oncall" / "platform.yaml"
BERLIN = ZoneInfo("Europe/Berlin")


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("schedule", "at", "expected"),
    [
        ("platform-primary", berlin(2026, 1, 5, 6, 59), ()),  # before either rotation began
        ("platform-primary", berlin(2026, 1, 5, 8), ("anna",)),  # Berlin week 0
        ("platform-primary", berlin(2026, 1, 5, 20), ("diego",)),  # Los Angeles week 0
        ("platform-primary", berlin(2026, 1, 12, 10), ("ben",)),  # Berlin week 1
        ("platform-primary", berlin(2026, 1, 13, 3), ("erin",)),  # Los Angeles week 1
        ("platform-primary", berlin(2026, 3, 10, 12), ("ben",)),  # week 9 is anna's: overridden
        ("platform-primary", berlin(2026, 3, 10, 20), ("erin",)),  # Los Angeles week 9
        ("platform-primary", berlin(2026, 3, 12, 12), ("anna",)),  # the override has ended
        ("platform-primary", berlin(2026, 3, 30, 6, 59), ("erin",)),  # after the DST change
        ("platform-primary", berlin(2026, 3, 30, 7), ("anna",)),  # Berlin week 12
        ("platform-secondary", berlin(2026, 1, 7, 12), ("jonas",)),  # business day 2
        ("platform-secondary", berlin(2026, 1, 10, 12), ("frank",)),  # Saturday: managers
        ("platform-secondary", berlin(2026, 1, 12, 8, 59), ("frank",)),
        ("platform-secondary", berlin(2026, 1, 12, 9), ("ivan",)),  # business day 7
        ("platform-secondary", berlin(2026, 1, 12, 17), ("greta",)),  # managers week 1
    ],
)
def test_who_is_on_call(schedule: str, at: datetime, expected: tuple[str, ...]) -> None:
    config = load_files([EXAMPLE])
    found = config.schedule(schedule)
    assert found is not None
    assert on_call(found, at) == expected


def test_the_example_agrees_with_the_reference_all_year() -> None:
    config = load_files([EXAMPLE])
    assert [p.name for p in config.policies] == ["platform-default"]
    for schedule in config.schedules:
        for at in sorted(p for p in change_points(schedule) if YEAR_START <= p < YEAR_END):
            assert on_call(schedule, at) == reference(schedule, at), at
        for hour in range(0, 365 * 24, 7):
            at = YEAR_START + timedelta(hours=hour)
            assert on_call(schedule, at) == reference(schedule, at), at


def test_the_docs_show_the_example_as_it_is() -> None:
    doc = (EXAMPLE.parents[2] / "docs" / "oncall.md").read_text(encoding="utf-8")
    assert f"```yaml\n{EXAMPLE.read_text(encoding='utf-8')}```" in doc


def test_each_final_shift_comes_from_its_layers_own_timeline() -> None:
    from postmortems.oncall.evaluate import layer_shifts, shifts

    for schedule in load_files([EXAMPLE]).schedules:
        rows = layer_shifts(schedule, YEAR_START, YEAR_END)
        assert list(rows) == [layer.name for layer in schedule.layers]
        for shift in shifts(schedule, YEAR_START, YEAR_END):
            if shift.layer is None:
                continue  # an override changed who
            assert any(
                row.start <= shift.start and shift.end <= row.end and row.users == shift.users
                for row in rows[shift.layer]
            ), shift
