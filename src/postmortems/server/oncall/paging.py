"""Paging: open a page on a policy, advance every open page in a tick given the time, and
acknowledge. The escalation rules are the pure ``postmortems.oncall.escalation.advance``; this
module stores its state on the Page row and turns each of its notifications into Notification
rows (unique per person, step, round and channel: a step never pages anyone twice) and background
tasks that send them.

Nothing here reads the clock: ``now`` is given (by the worker's loop, a view, or a test).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from postmortems.oncall import escalation, evaluate, model
from postmortems.server.accounts.models import Membership
from postmortems.server.config import current as server_settings
from postmortems.server.oncall import timeline
from postmortems.server.oncall.convert import policy_of
from postmortems.server.oncall.models import Notification, Page, Policy, Schedule, Step
from postmortems.server.oncall.queries import pure_schedules
from postmortems.server.oncall.visibility import through_schedule

Resolver = Callable[[model.Target, dt.datetime], tuple[str, ...]]


def resolve(target: model.Target, at: dt.datetime) -> tuple[str, ...]:
    """Who a step's target pages at ``at``: a person, a schedule's on-call people, or a team's
    members."""
    if target.kind == "user":
        return (target.name,)
    if target.kind == "schedule":
        row = Schedule.objects.filter(name=target.name).first()
        if row is None:
            return ()
        pure = pure_schedules([row], start=at, end=at + dt.timedelta(seconds=1))[row.pk]
        return evaluate.on_call(pure, at)
    names = Membership.objects.filter(team__slug=target.name).values_list(
        "user__username", flat=True
    )
    return tuple(sorted(names))


def exhausted(
    policy: model.EscalationPolicy, state: escalation.PageState, now: dt.datetime
) -> bool:
    """Every step of every round paged, the last delay over, and nobody acknowledged: nothing
    more will happen."""
    every = {(s, r) for s in range(len(policy.steps)) for r in range(policy.repeat + 1)}
    length = sum((s.delay for s in policy.steps), dt.timedelta()) * (policy.repeat + 1)
    done = every <= set(state.notified) and now >= state.opened + length
    return state.acknowledged is None and done


def state_of(page: Page) -> escalation.PageState:
    return escalation.PageState(
        policy=page.policy_name,
        opened=page.opened,
        step=page.step,
        round=page.round,
        notified=tuple((int(s), int(r)) for s, r in page.notified),
        acknowledged=page.acknowledged_at,
    )


def open_page(
    policy: Policy,
    *,
    summary: str,
    now: dt.datetime,
    incident_key: str = "",
    alert: str = "",
    message: str = "",
    by: User | None = None,
) -> Page:
    """A new page on ``policy``; its first step is paged at once. ``message``: why, in the
    words of whoever pages (the notifications and the timeline say it); ``by``: the person who
    pages (none for an alert, or the server's own command line), whom the message is from."""
    return _opened(
        now,
        policy=policy,
        policy_name=policy.name,
        opened_by=by,
        summary=summary,
        message=message,
        incident_key=incident_key,
        alert=alert,
    )


def _opened(now: dt.datetime, **fields: Any) -> Page:
    """A new page of ``fields``, opened at ``now``, its first step paged at once."""
    with transaction.atomic():
        page = Page.objects.create(opened=now, **fields)
        _advance(page, now)
    return page


# A page by hand of one person or schedule: paged at once, once more after DIRECT_WAIT, and
# exhausted DIRECT_WAIT later if nobody acknowledged (its timeline says so).
DIRECT_WAIT = dt.timedelta(minutes=5)
DIRECT_REPEAT = 1


def open_direct(
    target: model.Target,
    by: User,
    *,
    summary: str,
    now: dt.datetime,
    incident_key: str,
    team: str,
    message: str = "",
) -> Page:
    """A new page of one person or schedule, by hand; paged at once. ``team``: the team of a
    restricted schedule (only its members see the page)."""
    return _opened(
        now,
        policy_name=Page.BY_HAND,
        targets=[{"kind": target.kind, "name": target.name}],
        team=team,
        opened_by=by,
        summary=summary,
        message=message,
        incident_key=incident_key,
    )


def tick(now: dt.datetime) -> int:
    """Advance every open page to ``now``; the number of notifications made."""
    made = 0
    for page_id in Page.objects.filter(state=Page.State.OPEN).values_list("pk", flat=True):
        with transaction.atomic():
            page = Page.objects.select_for_update().filter(pk=page_id).first()
            if page is not None and page.state == Page.State.OPEN:
                made += _advance(page, now)
    return made


def _pure_policy(row: Policy) -> model.EscalationPolicy:
    return policy_of(row, list(Step.objects.filter(policy=row).order_by("position", "id")))


def pure_of(page: Page) -> model.EscalationPolicy | None:
    """What ``page`` escalates through: its policy, or for a page by hand its one target paged
    :data:`DIRECT_REPEAT` more times (named ``paged by <who>`` in the reasons); None when its
    policy was deleted."""
    if page.targets:
        who = page.opened_by.get_username() if page.opened_by else "someone"
        targets = tuple(model.Target(str(t["kind"]), str(t["name"])) for t in page.targets)
        step = model.Step(targets, DIRECT_WAIT)
        return model.EscalationPolicy(f"paged by {who}", (step,), DIRECT_REPEAT, page.team)
    return _pure_policy(page.policy) if page.policy is not None else None


def next_due(page: Page) -> dt.datetime | None:
    """When ``page`` pages its next step; None once acknowledged, ended or out of steps."""
    pure = pure_of(page) if page.state == Page.State.OPEN else None
    return escalation.next_due(pure, state_of(page)) if pure is not None else None


def _advance(page: Page, now: dt.datetime) -> int:
    pure = pure_of(page)
    if pure is None:
        return 0
    before = state_of(page)
    state, notes = escalation.advance(pure, before, now, resolve)
    page.step, page.round = state.step, state.round
    page.notified = [list(n) for n in state.notified]
    if exhausted(pure, state, now):
        page.state = Page.State.EXHAUSTED
    page.save(update_fields=["step", "round", "notified", "state"])
    made = 0
    for note in notes:
        made += _notify(page, note, now, pure)
    _record_silence(
        page, set(state.notified) - set(before.notified) - {(n.step, n.round) for n in notes}, now
    )
    return made


def _record_silence(page: Page, nobody: set[tuple[int, int]], now: dt.datetime) -> None:
    """Who was not paged is part of the story too: a step that reached nobody (a gap in its
    schedule, an empty team), and a page that ran out of steps."""
    name = f"page {page.pk} ({page.policy_name})"
    for step, rnd in sorted(nobody):
        where = f"step {step + 1}" + (f" (round {rnd + 1})" if rnd else "")
        text = f"{name}: {where} reached nobody (no one on call there); it goes on to the next"
        timeline.record(page, "nobody", text, now, key=f"nobody:{step}:{rnd}")
    if page.state == Page.State.EXHAUSTED:
        text = (
            f"{name} ran out of steps: nobody acknowledged; "
            "page someone from the incident's Paging panel"
        )
        timeline.record(page, "exhausted", text, now)


def _channels(username: str) -> list[str]:
    channels = []
    if User.objects.filter(username=username, is_active=True).exclude(email="").exists():
        channels.append("email")
    if server_settings().webhook_urls:
        channels.append("webhook")
    return channels or ["none"]


REASON_LENGTH = 200  # Notification.reason


def stored_reason(reason: str) -> str:
    """The reason as a notification keeps it: a long one is cut in its policy's name, never in
    the schedule it ends with (which says whether its person is named: ``visibility.Names``)."""
    if len(reason) <= REASON_LENGTH:
        return reason
    head = through_schedule(reason)[0]
    tail = reason[len(head) :]  # " (schedule primary)", or nothing
    return head[: REASON_LENGTH - len(tail) - 1] + "…" + tail


def _notify(
    page: Page, note: escalation.Notify, now: dt.datetime, pure: model.EscalationPolicy
) -> int:
    from postmortems.server.oncall.tasks import deliver_page

    kind, words = _paged_how(page, note, pure)
    key = f"{note.step}:{note.round}:{note.user}"
    hidden = note.target.name if note.target and note.target.kind == "schedule" else ""
    by = page.opened_by.get_username() if page.opened_by and kind == "page" else ""
    text, redacted = _told(page, note, words, hidden, by)
    timeline.record(
        page,
        kind,
        text,
        now,
        key=key,
        schedules=[hidden] if hidden else [],
        redacted=redacted,
        again=kind == "again",
        by=by,
    )
    made = 0
    through = Schedule.objects.filter(name=hidden).first() if hidden else None
    for channel in _channels(note.user):
        try:
            with transaction.atomic():
                row = Notification.objects.create(
                    page=page,
                    user=note.user,
                    step=note.step,
                    round=note.round,
                    channel=channel,
                    reason=stored_reason(note.reason),
                    schedule=through,
                    schedule_team=through.team if through else "",
                    schedule_restricted=through.restricted if through else None,
                    created=now,
                )
        except IntegrityError:  # already paged for this step: never twice
            continue
        if channel == "none":
            Notification.objects.filter(pk=row.pk).update(
                detail="no email address and no webhook configured: not reachable"
            )
            continue
        deliver_page.enqueue(row.pk)
        made += 1
    return made


def _paged_how(
    page: Page, note: escalation.Notify, pure: model.EscalationPolicy
) -> tuple[str, str]:
    """How the timeline tells one person paged: its kind, and the words before the reason with
    ``{person}`` where the person is named. The first page; a later one to someone the page
    already reached, who did not acknowledge (the same person again: a repeat, not an
    escalation); or an escalation."""
    if note.step == 0 and note.round == 0:
        return "page", "paged {person}"
    before = page.notifications.filter(user=note.user).exclude(step=note.step, round=note.round)
    if not before.exists():
        return "escalation", "escalated to {person}"
    if note.round:
        where = f"round {note.round + 1} of {pure.repeat + 1}"
    else:
        where = f"step {note.step + 1} of {len(pure.steps)}"
    return "again", f"paged {{person}} again ({where}, no acknowledgement)"


def _told(page: Page, note: escalation.Notify, words: str, hidden: str, by: str) -> tuple[str, str]:
    """The timeline's words for ``note``, and the same without the on-call of the restricted
    schedule ``hidden`` (nor, for a page by hand, the schedule). A first page says its
    message, and who paged when a person did (``by``): ``priya paged the payments-primary
    schedule: sam is on call``, ``priya paged carol``, or for a policy ``priya paged sam —
    sre-default: step 1 of 2 (schedule sre-primary)``; an alert's page says it as before."""
    said = f" — “{page.message}”" if page.message and note.step == note.round == 0 else ""
    if by and page.targets and note.target is not None:  # by hand: the target says it all
        if note.target.kind == "schedule":
            shown = f"{by} paged the {hidden} schedule: {note.user} is on call{said}"
            return shown, f"{by} paged a restricted schedule{said}"
        return f"{by} paged {note.user}{said}", f"{by} paged {note.user}{said}"
    lead = f"{by} {words}" if by else words
    where = note.reason.removesuffix(f" (schedule {hidden})")  # the policy and step
    shown = f"{lead.format(person=note.user)} — {note.reason}{said}"
    return shown, f"{lead.format(person='the on-call of a restricted schedule')} — {where}{said}"


ACKNOWLEDGED_HIDDEN = (
    "the page was acknowledged (the name is hidden: its policy pages a restricted schedule)"
)


def acknowledged_text(page: Page, by: str) -> str:
    """The acknowledgement on the incident's timeline: whose page it was when ``by`` is not
    someone it reached (an author of its policy's team may acknowledge for them)."""
    reached = list(
        dict.fromkeys(page.notifications.order_by("created", "id").values_list("user", flat=True))
    )
    if not reached or by in reached:
        return f"{by} acknowledged the page"
    if len(reached) == 1:
        return f"{by} acknowledged {reached[0]}'s page"
    return f"{by} acknowledged the page to {', '.join(reached[:-1])} and {reached[-1]}"


def acknowledge(page: Page, user: User, now: dt.datetime) -> bool:
    """Acknowledge ``page`` as ``user``; False when it was no longer open (nothing changes)."""
    with transaction.atomic():
        locked = Page.objects.select_for_update().get(pk=page.pk)
        if locked.state not in (Page.State.OPEN, Page.State.EXHAUSTED):
            return False
        locked.state = Page.State.ACKNOWLEDGED
        locked.acknowledged_by, locked.acknowledged_at = user, now
        locked.save(update_fields=["state", "acknowledged_by", "acknowledged_at"])
        timeline.record(
            locked,
            "acknowledged",
            acknowledged_text(locked, user.get_username()),
            now,
            schedules=timeline.schedules_paged(locked),
            redacted=ACKNOWLEDGED_HIDDEN,
        )
    page.refresh_from_db()
    return True
