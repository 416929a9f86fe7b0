"""Escalation as a pure state machine: given a policy, a page's state and the time, whom to page.

A page opened at ``opened`` pages step 0 at once, step 1 after step 0's delay, and so on; after
the last step's delay the steps begin again, ``repeat`` more times. :func:`advance` is called
with the current time (by the worker's tick, or a test's clock): it pages every (step, round)
that has come due and was not paged yet, each exactly once, resolving targets at ``now``. Once
the page is acknowledged, nothing more is paged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime

from postmortems.oncall.model import EscalationPolicy, Target

Resolve = Callable[[Target, datetime], tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class PageState:
    """Where a page is: the last (``step``, ``round``) paged, all those paged, the ack time."""

    policy: str
    opened: datetime
    step: int = 0
    round: int = 0
    notified: tuple[tuple[int, int], ...] = ()
    acknowledged: datetime | None = None


@dataclass(frozen=True, slots=True)
class Notify:
    """Page ``user`` for (``step``, ``round``), both counted from 0; ``reason`` is for people."""

    user: str
    step: int
    round: int
    reason: str
    target: Target | None = None


def open_page(policy: EscalationPolicy, opened: datetime) -> PageState:
    """A new page of ``policy``; nothing is paged until :func:`advance` is called."""
    return PageState(policy.name, opened)


def schedule(policy: EscalationPolicy, opened: datetime) -> Iterator[tuple[int, int, datetime]]:
    """(step, round, due) for every page the policy can send, in order."""
    due = opened
    for round_ in range(policy.repeat + 1):
        for index, step in enumerate(policy.steps):
            yield index, round_, due
            due += step.delay


def advance(
    policy: EscalationPolicy, state: PageState, now: datetime, resolve: Resolve
) -> tuple[PageState, list[Notify]]:
    """The state at ``now`` and whom to page now: every due (step, round) not yet paged.

    A target that resolves to no one (a gap in a schedule) pages no one, but its step counts as
    paged: escalation goes on to the next step after the delay.
    """
    if state.acknowledged is not None:
        return state, []
    done = set(state.notified)
    notified = list(state.notified)
    pages: list[Notify] = []
    step, round_ = state.step, state.round
    for index, rnd, due in schedule(policy, state.opened):
        if due > now:
            break
        if (index, rnd) in done:
            continue
        pages.extend(_pages(policy, index, rnd, now, resolve))
        notified.append((index, rnd))
        step, round_ = index, rnd
    new = replace(state, step=step, round=round_, notified=tuple(notified))
    return new, pages


def acknowledge(state: PageState, at: datetime) -> PageState:
    """The page acknowledged at ``at`` (the first acknowledgement counts)."""
    return state if state.acknowledged is not None else replace(state, acknowledged=at)


def next_due(policy: EscalationPolicy, state: PageState) -> datetime | None:
    """When the next step comes due, None once acknowledged or when every step was paged."""
    if state.acknowledged is not None:
        return None
    done = set(state.notified)
    return next((due for i, r, due in schedule(policy, state.opened) if (i, r) not in done), None)


def _pages(
    policy: EscalationPolicy, index: int, rnd: int, now: datetime, resolve: Resolve
) -> list[Notify]:
    seen: set[str] = set()
    pages: list[Notify] = []
    step = policy.steps[index]
    where = f"step {index + 1} of {len(policy.steps)}"
    if policy.repeat:
        where += f", round {rnd + 1} of {policy.repeat + 1}"
    for target in step.targets:
        for user in resolve(target, now):
            if user not in seen:
                seen.add(user)
                reason = f"{policy.name}: {where} ({target.kind} {target.name})"
                pages.append(Notify(user, index, rnd, reason, target))
    return pages
