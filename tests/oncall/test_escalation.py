"""Escalation driven by a clock the test controls: steps after their delays, repeats, stops on
acknowledgement, and never pages twice for the same step and round."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from postmortems.oncall.escalation import (
    Notify,
    PageState,
    acknowledge,
    advance,
    next_due,
    open_page,
)
from postmortems.oncall.model import EscalationPolicy, Step, Target

OPENED = datetime(2026, 5, 4, 14, 0, tzinfo=UTC)
PRIMARY = Target("schedule", "primary")
POLICY = EscalationPolicy(
    "default",
    (
        Step((PRIMARY,), timedelta(minutes=10)),
        Step((Target("user", "bo"), Target("team", "platform")), timedelta(minutes=15)),
    ),
    repeat=1,
)


def resolve(target: Target, at: datetime) -> tuple[str, ...]:
    """ana is on call until 14:30, then cy; the platform team is bo and di."""
    if target == PRIMARY:
        return ("ana",) if at < OPENED + timedelta(minutes=30) else ("cy",)
    if target.kind == "team":
        return ("bo", "di")
    return (target.name,)


class Clock:
    """Ticks the page like the worker does, recording who was paged when."""

    def __init__(self) -> None:
        self.state = open_page(POLICY, OPENED)
        self.log: list[tuple[int, str, int, int]] = []  # minutes after opening, user, step, round

    def tick(self, minutes: int) -> list[Notify]:
        now = OPENED + timedelta(minutes=minutes)
        self.state, pages = advance(POLICY, self.state, now, resolve)
        self.log += [(minutes, p.user, p.step, p.round) for p in pages]
        return pages


def test_each_step_after_its_delay_then_again_then_nothing() -> None:
    clock = Clock()
    for minute in range(120):
        clock.tick(minute)
    assert clock.log == [
        (0, "ana", 0, 0),
        (10, "bo", 1, 0),  # bo is named and in the team: paged once
        (10, "di", 1, 0),
        (25, "ana", 0, 1),  # the second round
        (35, "bo", 1, 1),
        (35, "di", 1, 1),
    ]
    assert next_due(POLICY, clock.state) is None


def test_a_target_is_resolved_when_its_step_comes_due() -> None:
    policy = EscalationPolicy("p", (Step((PRIMARY,), timedelta(minutes=40)),), repeat=1)
    state = open_page(policy, OPENED)
    state, first = advance(policy, state, OPENED, resolve)
    state, second = advance(policy, state, OPENED + timedelta(minutes=40), resolve)
    assert [p.user for p in first + second] == ["ana", "cy"]  # the hand-over at 14:30


def test_acknowledgement_stops_the_escalation() -> None:
    clock = Clock()
    for minute in range(12):
        clock.tick(minute)
    clock.state = acknowledge(clock.state, OPENED + timedelta(minutes=12))
    for minute in range(12, 120):
        assert clock.tick(minute) == []
    assert [entry[0] for entry in clock.log] == [0, 10, 10]
    assert next_due(POLICY, clock.state) is None
    assert acknowledge(clock.state, OPENED + timedelta(hours=1)).acknowledged == OPENED + timedelta(
        minutes=12
    )


def test_a_late_tick_pages_every_step_that_came_due_once() -> None:
    clock = Clock()
    clock.tick(0)
    assert next_due(POLICY, clock.state) == OPENED + timedelta(minutes=10)
    pages = clock.tick(30)  # the worker was down for half an hour
    assert [(p.user, p.step, p.round) for p in pages] == [
        ("bo", 1, 0),
        ("di", 1, 0),
        ("cy", 0, 1),  # resolved when paged: cy took over at 14:30
    ]
    assert "round 2 of 2" in pages[-1].reason
    assert clock.tick(30) == []


@settings(max_examples=100)
@given(st.lists(st.integers(0, 90), max_size=40), st.one_of(st.none(), st.integers(0, 90)))
def test_any_ticks_page_each_step_and_round_once(ticks: list[int], ack: int | None) -> None:
    clock = Clock()
    for minute in sorted(ticks):
        if ack is not None and minute >= ack:
            clock.state = acknowledge(clock.state, OPENED + timedelta(minutes=ack))
        clock.tick(minute)
    pairs = [(user, step, rnd) for _, user, step, rnd in clock.log]
    assert len(pairs) == len(set(pairs))
    # Every (step, round) due by the last tick before the acknowledgement was paged.
    due = {(0, 0): 0, (1, 0): 10, (0, 1): 25, (1, 1): 35}
    last = max((m for m in ticks if ack is None or m < ack), default=None)
    expected = {key for key, minute in due.items() if last is not None and minute <= last}
    assert {(step, rnd) for _, _, step, rnd in clock.log} == expected
    assert isinstance(clock.state, PageState)
