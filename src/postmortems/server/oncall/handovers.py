"""Hand-overs: each change of who is on call on a schedule is recorded once (by the tick), and
the outgoing person may leave a note for the incoming one on it."""

from __future__ import annotations

import datetime as dt
import itertools

from django.db import IntegrityError, transaction

from postmortems.oncall import evaluate, model
from postmortems.server.oncall import timeline
from postmortems.server.oncall.models import Handover, Page, Schedule
from postmortems.server.oncall.queries import pure_schedules

LOOKBACK = dt.timedelta(hours=1)  # changes this recent are recorded (a stopped worker catches up)


def changes(
    schedule: Schedule, pure: model.Schedule, start: dt.datetime, end: dt.datetime
) -> list[Handover]:
    """The hand-overs of ``schedule`` (``pure``: its pure form) in ``(start, end]``, unsaved."""
    found = evaluate.shifts(pure, start, end)
    out = []
    for before, after in itertools.pairwise(found):
        if before.users != after.users and start < after.start <= end:
            out.append(
                Handover(
                    schedule=schedule,
                    at=after.start,
                    outgoing=list(before.users),
                    incoming=list(after.users),
                )
            )
    return out


def record(now: dt.datetime) -> int:
    """Store the hand-overs of every schedule in the last hour; the number new."""
    made = 0
    rows = list(Schedule.objects.all())
    pure = pure_schedules(rows, start=now - LOOKBACK, end=now)
    for schedule in rows:
        for handover in changes(schedule, pure[schedule.pk], now - LOOKBACK, now):
            try:
                with transaction.atomic():
                    handover.save()
            except IntegrityError:
                continue  # recorded by an earlier tick
            made += 1
            _on_incidents(handover)
    return made


def _on_incidents(handover: Handover) -> None:
    """A hand-over on a schedule that open pages escalate to goes on their incidents' timelines."""
    name = handover.schedule.name
    pages = Page.objects.filter(state__in=[Page.State.OPEN, Page.State.EXHAUSTED]).exclude(
        incident_key=""
    )
    for page in pages.select_related("policy"):
        if name in timeline.schedules_paged(page):
            who = f"{', '.join(handover.outgoing) or 'nobody'} → {', '.join(handover.incoming)}"
            text = f"on-call hand-over on {name}: {who}"
            timeline.record(
                page,
                "handover",
                text,
                handover.at,
                key=f"handover:{handover.pk}",
                schedules=[name],
                redacted="on-call hand-over on a restricted schedule",
            )


def leave_note(handover: Handover, author: str, note: str) -> None:
    """Only someone handing over (or taking over) writes the note."""
    from postmortems.server.oncall.services import OncallError

    if author not in handover.outgoing and author not in handover.incoming:
        raise OncallError(
            "only the people of this hand-over may write its note",
            hint=f"{', '.join(handover.outgoing) or 'nobody'} → {', '.join(handover.incoming)}",
        )
    handover.note, handover.author = note, author
    handover.save(update_fields=["note", "author"])
