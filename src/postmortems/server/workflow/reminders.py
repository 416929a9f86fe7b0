"""What ``pm remind`` does: the staff-review fallback, reviewer reminders and due/overdue
action-item reminders.

Each round of review (from the last move into in-review, :func:`services.round_start`) is
reminded and falls back on its own: a resubmitted postmortem's reviewers are reminded again, and
the staff are asked again when the new round is not answered in time; an earlier round's
acceptance, verdicts or fallback count for nothing in it.

Idempotent: the fallback runs once per round (it leaves a ``staff-review`` event in the
history) and each reminder has a delivery key (item and day; reviewer and round), so running it
every few minutes is fine.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db import connection, transaction

from postmortems.document.model import Status
from postmortems.server.config import current as server_settings
from postmortems.server.library.models import Postmortem
from postmortems.server.workflow import services, shortfall
from postmortems.server.workflow.actions import OPEN_STATES
from postmortems.server.workflow.errors import WorkflowError
from postmortems.server.workflow.models import ActionItem, Event, ReviewRequest
from postmortems.server.workflow.notify import Kind, notify

REMIND_LOCK = 0x706D_7265  # "pmre": the advisory lock of pm remind


@dataclass
class Report:
    staff_assigned: list[str] = field(default_factory=list)
    due: list[int] = field(default_factory=list)
    overdue: list[int] = field(default_factory=list)
    # Postmortems past the fallback time that no staff reviewer may review (restricted to teams
    # the staff team is not in), and those short of reviewers with nobody left to ask, each with
    # why; the others go on.
    no_staff: list[str] = field(default_factory=list)
    reviewers_reminded: list[str] = field(default_factory=list)  # "KEY:username" each

    def lines(self) -> list[str]:
        return [
            f"staff reviewers assigned: {len(self.staff_assigned)}"
            + (f" ({', '.join(self.staff_assigned)})" if self.staff_assigned else ""),
            *(f"no staff reviewer for {why}" for why in self.no_staff),
            f"review reminders sent: {len(self.reviewers_reminded)}",
            f"due reminders sent: {len(self.due)}",
            f"overdue reminders sent: {len(self.overdue)}",
        ]


def staff_fallback(now: dt.datetime, report: Report) -> None:
    """Ask staff reviewers where no peer accepted in time; where fewer people may review a
    postmortem than it needs approvals (:mod:`shortfall`), at once, the superusers too."""
    conf = server_settings()
    limit = now - dt.timedelta(days=conf.staff_fallback_days)
    for pm in Postmortem.objects.filter(status=Status.IN_REVIEW):
        reviews = services.active_reviews(pm)
        if shortfall.is_short(pm, reviews):
            people = shortfall.fallback_people(pm, conf.staff_review_team)
            if not people:
                count = shortfall.may_review_count(pm, reviews)
                needed = services.required_approvals(pm)
                report.no_staff.append(
                    f"{pm.key}: it needs {needed} approvals, {count} may review it, "
                    "and no staff reviewer or superuser is left to ask"
                )
            _ask_staff(pm, people, now, report)
        elif conf.staff_review_team and _peer_late(pm, limit):
            _fall_back_to_staff(pm, reviews, conf.staff_review_team, now, report)


def _fall_back_to_staff(
    pm: Postmortem, reviews: list[ReviewRequest], team_name: str, now: dt.datetime, report: Report
) -> None:
    """Ask the staff team's reviewers who may read ``pm``: not its authors, nor the peers asked
    and late (one in the staff team is not asked again "as staff"; the staff asked in an
    earlier round are, in this one)."""
    mine = {a.pk for a in services.authors(pm)}
    peers = {r.reviewer_id for r in reviews if not r.staff}
    team = shortfall.staff_reviewers(team_name)
    everyone = [u for u in team if u.pk not in mine | peers]
    staff = [u for u in everyone if services.may_review(u, pm)]
    if team and not everyone:
        report.no_staff.append(f"{pm.key}: every staff reviewer wrote it or is asked already")
    elif not staff and everyone:
        report.no_staff.append(f"{pm.key}: none of them may read it (restricted)")
    _ask_staff(pm, staff, now, report)


def _peer_late(pm: Postmortem, limit: dt.datetime) -> bool:
    """In this round since before ``limit``, and nobody answered in it: no reviewer accepted
    or gave a verdict since it started, and the staff were not asked in it yet."""
    start = services.round_start(pm)
    if start is None or start.created > limit:
        return False
    since = start.created
    reviews = ReviewRequest.objects.filter(postmortem=pm)
    if reviews.filter(state=ReviewRequest.State.ACCEPTED, answered__gte=since).exists():
        return False
    if reviews.filter(staff=True, created__gte=since).exists():
        return False  # already fell back in this round
    asked = Event.objects.filter(postmortem=pm, transition=STAFF_REVIEW, created__gte=since)
    return not asked.exists()


STAFF_REVIEW = "staff-review"  # the history's row of a staff fallback (once a round)


def _ask_staff(pm: Postmortem, people: list[User], now: dt.datetime, report: Report) -> None:
    if not people:
        return
    try:
        with transaction.atomic():  # one postmortem's refusal never stops the run
            services.request_review(pm, None, people, now=now, staff=True)
            names = ", ".join(u.username for u in people)
            note = f"staff reviewers asked: {names}"
            Event.in_place(pm, None, now, STAFF_REVIEW, Status.IN_REVIEW.value, note)
    except WorkflowError as exc:
        report.no_staff.append(exc.said)
        return
    report.staff_assigned.append(pm.key)


def review_reminders(now: dt.datetime, report: Report) -> None:
    """Remind each reviewer of a round who has given no verdict in it yet, once a round, half
    of ``staff_fallback_days`` after they were asked in it (none when that is 0: the staff are
    asked at once). A resubmit starts a new round, so they are reminded again."""
    wait = dt.timedelta(days=server_settings().staff_fallback_days) / 2
    if not wait:
        return
    for pm in Postmortem.objects.filter(status=Status.IN_REVIEW):
        start = services.round_start(pm)
        if start is None:
            continue
        for row in services.active_reviews(pm):
            asked = max(start.created, row.created)
            if row.verdict or asked > now - wait or not services.may_review(row.reviewer, pm):
                continue
            key = f"review-reminder:{row.pk}:round{start.pk}"
            day = asked.astimezone(dt.UTC).date()
            text = f"reminder: {pm.title} waits for your review (asked {day})"
            if notify(Kind.REVIEW_REMINDER, pm, [row.reviewer], text, now=now, key=key):
                report.reviewers_reminded.append(f"{pm.key}:{row.reviewer.username}")


def overdue_week(due: dt.date, today: dt.date) -> int:
    """Which of an overdue item's reminders is due on ``today``: 0 from its first day overdue,
    then 1, 2, … each seventh day after its due date. One reminder each: the day it falls
    overdue, then weekly (a run missed sends that week's on the next), not every day."""
    return (today - due).days // 7


def item_reminders(now: dt.datetime, report: Report) -> None:
    today = now.date()
    soon = today + dt.timedelta(days=1)
    rows = ActionItem.objects.filter(status__in=OPEN_STATES, due__isnull=False, due__lte=soon)
    for row in rows.exclude(owner="").select_related("postmortem"):
        owner = User.objects.filter(username=row.owner).first()
        if owner is None or row.due is None:
            continue
        if row.due < today:
            week = overdue_week(row.due, today)
            key, kind, bucket = f"overdue:{row.pk}:{row.due}:w{week}", Kind.OVERDUE, report.overdue
            text = f"overdue since {row.due}: {row.text}"
        else:
            key, kind, bucket = f"due:{row.pk}:{row.due}", Kind.DUE, report.due
            text = f"due {row.due}: {row.text}"
        if notify(kind, row.postmortem, [owner], text, now=now, key=key) is not None:
            bucket.append(row.pk)


def remind(now: dt.datetime) -> Report:
    """Run every reminder job once for the moment ``now``.

    One run at a time: two ``pm remind`` started together (two cron hosts) queue up instead of
    both sending, or both failing on the delivery keys (PostgreSQL: an advisory lock; SQLite: its
    write lock, which the transaction takes at once).
    """
    report = Report()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [REMIND_LOCK])
        review_reminders(now, report)
        staff_fallback(now, report)
        item_reminders(now, report)
    return report
