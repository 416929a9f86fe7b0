"""Sending one page notification: an email to the person, or a post to every configured webhook
(the allowed destinations: ``webhook_urls``, signed like the workflow's with ``webhook_secret``).
Each carries the signed acknowledgement link; what each says is :mod:`.pagemail`'s."""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.urls import reverse

from postmortems.oncall import walltime
from postmortems.server import outbox
from postmortems.server.config import absolute_url
from postmortems.server.config import current as server_settings
from postmortems.server.mailsubject import subject as mail_subject
from postmortems.server.oncall import acklinks, pagemail
from postmortems.server.oncall.models import Notification, Page, Schedule, SwapRequest
from postmortems.server.workflow import webhooks

log = logging.getLogger(__name__)


def ack_url(page_id: int, user: str) -> str:
    return absolute_url(reverse("oncall:ack_link", args=[acklinks.make(page_id, user)]))


def _email(row: Notification, said: pagemail.Told) -> str:
    return _mail(row.user, said.subject, said.body, missing="{user} has no email address")


def _mail(user: str, subject: str, body: str, *, missing: str = "") -> str:
    """Email the active account ``user``; what went wrong (``missing``, formatted, when it has no
    address; '' when it was sent)."""
    to = User.objects.filter(username=user, is_active=True).values_list("email", flat=True)
    if not to or not to[0]:
        return missing.format(user=user)
    conf = server_settings()
    return outbox.send(
        [(mail_subject(subject), body, conf.email_from, [to[0]])], conf.email_backend
    )


def _webhooks(row: Notification, said: pagemail.Told, link: str) -> list[str]:
    conf = server_settings()
    text = said.line
    body = {
        "text": text,
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": f"{text}\n<{link}|Acknowledge>"}}
        ],
        "event": "page",
        "page": row.page.pk,
        "incident": row.page.incident_key,
        "user": row.user if said.named else "",
        "step": row.step + 1,  # counted as the text counts them ("step 1 of 2")
        "round": row.round + 1,
        "url": link,
    }
    return webhooks.post_all(conf.webhook_urls, body, conf.webhook_secret)


def send(notification_id: int) -> list[str]:
    """Send the notification; what could not be delivered (empty when all was)."""
    row = Notification.objects.select_related("page").get(pk=notification_id)
    if row.page.state not in (Page.State.OPEN, Page.State.EXHAUSTED):
        # Acknowledged (or its incident ended) before the worker got to it: "you are paged"
        # would now be wrong, so it is not sent, and the row says why.
        why = f"not sent: the page was {row.page.state} before it went"
        Notification.objects.filter(pk=row.pk).update(ok=True, detail=why)
        return []
    link = ack_url(row.page.pk, row.user)
    said = pagemail.told(row, link)
    if row.channel == "email":
        problems = [p for p in [_email(row, said)] if p]
    else:
        problems = _webhooks(row, said, link)
    for problem in problems:
        log.warning(
            "page notification %s (page %s) not delivered: %s", row.pk, row.page_id, problem
        )
    Notification.objects.filter(pk=row.pk).update(
        ok=not problems, detail="\n".join(problems) or "sent"
    )
    return problems


# Who hears of a swap, by its state: the person asked, then the person who asked; a swap
# cancelled, each of its two people who did not cancel it (:func:`swap_told`).
_SWAP_NEWS = {
    SwapRequest.State.ASKED: ("responder", "{requester} asks you to take a shift on {schedule}"),
    SwapRequest.State.ACCEPTED: ("requester", "{responder} accepted your swap on {schedule}"),
    SwapRequest.State.DECLINED: ("requester", "{responder} declined your swap on {schedule}"),
    SwapRequest.State.CANCELLED: ("responder", "{by} cancelled the swap on {schedule}"),
}
UNDONE = (
    "It had been accepted: its overrides are removed (a shift under way is traded back from "
    "now), so each of you has the shifts of the rotation again."
)


def swap_told(swap: SwapRequest, state: str) -> list[str]:
    """Who hears of ``swap`` moving to ``state``: cancelled (by its requester before an answer,
    or by anyone removing a half of it once accepted), its people but the one who did it."""
    if state != SwapRequest.State.CANCELLED:
        return [getattr(swap, _SWAP_NEWS[SwapRequest.State(state)][0])]
    by = swap.cancelled_by or swap.requester  # cancelled before this was kept: the requester
    return [p for p in dict.fromkeys((swap.requester, swap.responder)) if p != by]


def swap_reaches(user: str, schedule: Schedule) -> bool:
    """Whether the news of a swap on ``schedule`` is emailed to ``user``: one who may still see
    it (not one who left the team, or whose schedule became restricted) and has an address
    (without one, the schedule's page and /oncall/ show it)."""
    from postmortems.server.oncall.services import may_see

    has_address = User.objects.filter(username=user, is_active=True).exclude(email="").exists()
    return has_address and may_see(user, schedule)


def swap_periods(swap: SwapRequest, now: dt.datetime) -> list[str]:
    """What the swap trades, in the schedule's zone: ``gives …``, and ``takes … back``; each
    time with its year when it is not ``now``'s (a shift in January, asked in December)."""
    zone = ZoneInfo(swap.schedule.timezone)

    def span(start: dt.datetime, end: dt.datetime) -> str:
        said = walltime.dated(start, zone, now, end), walltime.dated(end, zone, now, start)
        return f"{said[0]}–{said[1]} {zone.key}"

    periods = [f"{swap.requester} gives {span(swap.give_start, swap.give_end)}"]
    if swap.take_start and swap.take_end:
        periods.append(f"and takes {span(swap.take_start, swap.take_end)} back")
    return periods


def swap_asked(swap: SwapRequest, now: dt.datetime) -> str:
    """What the page tells the one who asked for ``swap``: what was asked, of whom, and how they
    hear of it (by email when it reaches them: :func:`swap_reaches`; in their inbox always)."""
    who = swap.responder
    told = "by email and in their inbox" if swap_reaches(who, swap.schedule) else "in their inbox"
    return (
        f"Swap asked of {who}: {' '.join(swap_periods(swap, now))}. {who} is told {told}, and "
        "accepts or declines there or on this page; nothing changes until they accept."
    )


def swap_message(swap: SwapRequest, state: str, now: dt.datetime) -> tuple[str, str, str]:
    """(to whom, subject, body) of the news of ``swap`` moving to ``state``, with the link to
    the schedule where it is answered; to whom: the first of :func:`swap_told`."""
    subject = _SWAP_NEWS[SwapRequest.State(state)][1].format(
        requester=swap.requester,
        responder=swap.responder,
        by=swap.cancelled_by or swap.requester,
        schedule=swap.schedule.name,
    )
    lines = swap_periods(swap, now)
    if swap.note:
        lines.append(f"Note: {swap.note}")
    if state == SwapRequest.State.CANCELLED and swap.undone:
        lines.append(UNDONE)
    link = absolute_url(reverse("oncall:detail", args=[swap.schedule.name]))
    action = "Accept or decline it" if state == SwapRequest.State.ASKED else "The schedule"
    body = "\n".join([*lines, "", f"{action}: {link}#swaps", ""])
    return (swap_told(swap, state) or [""])[0], subject, body


def send_swap(swap_id: int, state: str, *, now: dt.datetime) -> str:
    """Email the news of a swap's move to ``state`` to the people it concerns, each if they may
    still see the schedule and have an address; what went wrong ('' : nothing, or nothing to
    send).
    ``now``: when it is sent (its times name their year when not that one)."""
    swap = SwapRequest.objects.select_related("schedule").get(pk=swap_id)
    if state == SwapRequest.State.ASKED and swap.state != state:
        return ""  # answered before the worker ran: the answer's own news follows
    _, subject, body = swap_message(swap, state, now)
    problems = []
    for user in swap_told(swap, state):
        if not swap_reaches(user, swap.schedule):
            continue
        if problem := _mail(user, subject, body):
            log.warning("swap %s news not delivered: %s", swap_id, problem)
            problems.append(problem)
    return "; ".join(problems)
