"""Removing an override made here, and cancelling an accepted swap, by one rule of time: an
override to come is removed; one under way ends now (its end set to now, kept: who was on call
until now stays as it was, on the calendar and in the pages' history); one over is history and
stays. A half of an accepted swap not yet over cancels the swap, both halves by that rule.

Who may: an author of the schedule's team; for a half of a swap, also either person of the swap
(its requester, or the one who took it), whatever their role: a trade they made, they may undo.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

from django.db import transaction

from postmortems.oncall import walltime
from postmortems.server.accounts.access import Access
from postmortems.server.oncall.models import Override, SwapRequest
from postmortems.server.oncall.notify import swap_reaches, swap_told
from postmortems.server.oncall.services import OncallError, describe, tell
from postmortems.server.oncall.visibility import may_edit


class NotAllowed(OncallError):
    """A removal the user's role does not allow (a 403 at the edges)."""


@dataclasses.dataclass(frozen=True)
class Removal:
    """What a removal did: the overrides to come ``removed``, those under way ``ended`` now
    (their new ``end``); ``swap``: the swap it cancelled, when the override was a half of one."""

    swap: SwapRequest | None
    removed: list[Override]
    ended: list[Override]


def may_remove(access: Access, override: Override, username: str) -> bool:
    """An author of the schedule's team; for a half of a swap, either person of the swap too."""
    if may_edit(access, override.schedule.team):
        return True
    swap = override.swap if override.swap_id is not None else None
    return swap is not None and username in (swap.requester, swap.responder)


def _check_may_remove(access: Access, override: Override, username: str) -> None:
    if may_remove(access, override, username):
        return
    team = override.schedule.team or "(none)"
    if override.swap is not None:
        swap = override.swap
        raise NotAllowed(
            f"only {swap.requester} and {swap.responder}, whose swap it is, or an author of "
            f"team {team} may cancel {swap.label()}",
            hint=f"ask {swap.requester} or {swap.responder}",
        )
    raise NotAllowed(
        f"your role cannot change schedules of team {team}",
        hint="ask someone with the author role in that team",
    )


def remove_override(access: Access, override: Override, *, by: str, now: dt.datetime) -> Removal:
    """Remove (to come) or end now (under way) an override made here, by ``by``; one of the
    schedule's file is removed in that file, one over stays. A half of an accepted swap not yet
    over cancels the swap (:func:`cancel_swap`): removing one half alone would leave one person
    on call twice and the other with no shift back."""
    _check_may_remove(access, override, by)
    if override.from_file:
        raise OncallError(
            f"this override is in {override.schedule.file_shown}",
            hint="remove it from that file and run `pm oncall apply`",
        )
    halves = Override.objects.filter(swap_id=override.swap_id, end__gt=now)
    if override.swap_id is not None and halves.exists():
        return cancel_swap(override.swap_id, by, now=now)
    with transaction.atomic():
        row = Override.objects.select_for_update().filter(pk=override.pk).first()
        if row is None:  # two removals at once
            raise OncallError(
                "this override was already removed", hint="reload the schedule's page"
            )
        if row.end <= now:
            raise OncallError(
                f"this override is over ({describe(row, where=False)}): it stays as the "
                "history of who was on call",
                hint="an override over changes no shift to come; add one for the time to come",
            )
        done = Removal(None, [], [])
        _end_or_remove(row, now, done)
    return done


def cancel_swap(swap_id: int, by: str, *, now: dt.datetime) -> Removal:
    """Undo an accepted swap, in one transaction: each half by the rule of time (to come:
    removed; under way: ended now; over: kept, as when it was accepted); the swap reads
    cancelled, by ``by`` at ``now``, and its people who did not cancel it are told."""
    with transaction.atomic():
        swap = SwapRequest.objects.select_for_update().select_related("schedule").get(pk=swap_id)
        if swap.state != SwapRequest.State.ACCEPTED:  # two removals at once: the first did it
            raise OncallError(
                f"{swap.label()} was already {swap.state}", hint="reload the schedule's page"
            )
        done = Removal(swap, [], [])
        for half in Override.objects.select_for_update().filter(swap=swap).order_by("start"):
            _end_or_remove(half, now, done)
        swap.state = SwapRequest.State.CANCELLED
        swap.cancelled_by, swap.cancelled_at = by, now
        swap.save(update_fields=["state", "cancelled_by", "cancelled_at"])
        tell(swap)
    return done


def _end_or_remove(override: Override, now: dt.datetime, done: Removal) -> None:
    """The rule of time, for an override locked in the caller's transaction."""
    if override.start >= now:
        done.removed.append(override)
        Override.objects.filter(pk=override.pk).delete()  # the instance keeps its pk
    elif override.end > now:
        override.end = now
        override.save(update_fields=["end"])
        done.ended.append(override)


def ended_at(done: Removal) -> str:
    """When the overrides under way were ended, in their schedule's zone: ``14:20 (UTC)``."""
    first = done.ended[0]
    zone = ZoneInfo(first.schedule.timezone)
    return f"{walltime.label(first.end, zone, '%H:%M')} ({zone.key})"


def said(found: Override, done: Removal) -> str:
    """What the page (and the API's ``detail``) says of a removal: removed, or ended at what
    time; for a swap, that it is cancelled, and who is told (those the email reaches: an
    address, and the schedule theirs)."""
    if done.swap is None and done.ended:
        ended = describe(done.ended[0], where=False)
        return f"Override ended at {ended_at(done)}, kept as history: {ended}."
    if done.swap is None:
        return f"Override removed: {describe(found, where=False)}."
    what = "its overrides are removed"
    if done.ended and done.removed:
        what = f"its overrides to come are removed and the one under way ended at {ended_at(done)}"
    elif done.ended:
        what = f"its override under way ended at {ended_at(done)}"
    text = f"{done.swap.label().capitalize()} cancelled: {what}, so each has the shifts of the "
    text += "rotation again"
    swap = done.swap
    told = [p for p in swap_told(swap, swap.state) if swap_reaches(p, swap.schedule)]
    if told:
        text += f"; {' and '.join(told)} {'is' if len(told) == 1 else 'are'} told by email"
    return text + "."
