"""The review work around the demo's written postmortems, played once on an empty library.

Each postmortem is saved by its author; its ``status:`` says how far its review got, and the
history that led there is recorded as events (the insights read events). Reviews still open are
requested through the workflow, so the reviewers are notified as in real use (the console email
backend prints it).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from postmortems.server.library.models import Postmortem

ANCHOR = dt.date(2025, 6, 1)  # the written files are dated as if today were this day
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_ZONE = re.compile(r"^timezone: *(\S+)", re.MULTILINE)
_STARTED = re.compile(r"^started: *(\S+)", re.MULTILINE)
_PROSE_DATE = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|December)"
    r" (\d{1,2}), (\d{4})\b"
)


_FIRST_AUTHOR = re.compile(r"^authors: \[(\w+)", re.M)


@dataclass(frozen=True)
class Review:
    reviewer: str
    verdict: str = ""  # "" (asked, no answer yet), approved, changes-requested


@dataclass(frozen=True)
class Note:
    """A comment on the line that starts with ``on`` (or on the whole document)."""

    author: str
    text: str
    on: str = ""
    reply: tuple[str, str] | None = None  # (author, text)
    resolved: bool = False  # by its author, once the reply did what it asked


@dataclass(frozen=True)
class Plot:
    reviews: tuple[Review, ...] = ()
    notes: tuple[Note, ...] = ()
    in_progress: tuple[int, ...] = ()  # positions of items someone has started
    history: tuple[str, ...] = field(default=())


# The path each status took; the events are spaced a day or two apart after the incident.
PATHS = {
    "draft": (),
    "in-review": ("request-review",),
    "changes-requested": ("request-review", "request-changes"),
    "approved": ("request-review", "approve"),
    "published": ("request-review", "approve", "publish"),
    "not-required": ("not-required",),
}
_STEP = {
    "request-review": ("draft", "in-review"),
    "request-changes": ("in-review", "changes-requested"),
    "approve": ("in-review", "approved"),
    "publish": ("approved", "published"),
    "not-required": ("draft", "not-required"),
}

# Each plot follows the review rules (``review_approvals``: SEV1 and SEV2 need two approvals):
# an approved or published postmortem has the approvals its severity needs, and one in review has
# as many reviewers asked (PM-DEMO-004 waits for its second approval; tests/server/test_demo.py).
PLOTS = {
    "PM-DEMO-001": Plot(
        reviews=(Review("priya", "approved"), Review("sam", "approved")), in_progress=(1,)
    ),
    "PM-DEMO-002": Plot(reviews=(Review("lena", "approved"), Review("sam", "approved"))),
    "PM-DEMO-003": Plot(
        reviews=(Review("priya", "approved"),),
        notes=(
            Note(
                "priya",
                "Worth saying how many rows were skipped: it shows why nobody noticed.",
                on="- 14:05 UTC",
                reply=("demo", "Added the count to the timeline entry."),
                resolved=True,  # approved since: nothing is left open
            ),
        ),
    ),
    "PM-DEMO-004": Plot(
        reviews=(Review("sam", "approved"), Review("priya")),  # one approval of two
        notes=(
            Note(
                "priya",
                "Did anything page before the login alert? The gateway logged errors at 10:12.",
                on="- 10:15 EDT",
            ),
        ),
    ),
    "PM-DEMO-005": Plot(
        reviews=(Review("lena", "changes-requested"),),
        notes=(
            Note(
                "lena",
                "The root cause stops at the shared queue. Why did the campaign not use the "
                "bulk queue we set up last year?",
                on="Transactional and bulk",
            ),
        ),
    ),
    "PM-DEMO-007": Plot(reviews=(Review("sam"),)),
    "PM-DEMO-009": Plot(
        reviews=(Review("sam", "approved"), Review("lena", "approved")), in_progress=(2,)
    ),
    # Its team's only other member, and an admin: all who may review a restricted one here.
    "PM-DEMO-SEC-1": Plot(reviews=(Review("noor"), Review("admin"))),
}


def shift_dates(text: str, days: int) -> str:
    """Every ISO and written-out date moved by ``days`` (the times of day stay).

    When the move crosses a daylight-saving change of the document's ``timezone:``, its
    offsets and zone abbreviations follow (04:00 PST in February is 04:00 PDT in August).
    """

    def iso(m: re.Match[str]) -> str:
        day = dt.date(int(m[1]), int(m[2]), int(m[3])) + dt.timedelta(days=days)
        return day.isoformat()

    def prose(m: re.Match[str]) -> str:
        day = dt.datetime.strptime(m[0], "%B %d, %Y").date() + dt.timedelta(days=days)
        return f"{day:%B} {day.day}, {day.year}"

    moved = _PROSE_DATE.sub(prose, _ISO_DATE.sub(iso, text))
    return _follow_daylight_saving(text, moved, days)


def _follow_daylight_saving(text: str, moved: str, days: int) -> str:
    zone, started = _ZONE.search(text), _STARTED.search(text)
    if zone is None or started is None:
        return moved
    local = dt.datetime.fromisoformat(started[1]).astimezone(ZoneInfo(zone[1]))
    later = (local.replace(tzinfo=None) + dt.timedelta(days=days)).replace(tzinfo=local.tzinfo)
    was, now = local.tzname() or "", later.tzname() or ""
    if was != now and was.isalpha() and now.isalpha():
        moved = re.sub(rf"\b{was}\b", now, moved)
    stamp = r"(T\d\d:\d\d(?::\d\d)?)"  # an offset only where it follows an ISO time of day
    return re.sub(stamp + re.escape(_offset(local)), rf"\g<1>{_offset(later)}", moved)


def _offset(moment: dt.datetime) -> str:
    """The ``-08:00`` of ``2025-02-12T04:00-08:00``."""
    return moment.isoformat()[-6:]


def play(folder: Path, today: dt.date, now: dt.datetime) -> list[str]:
    """Save the written postmortems and their review work; nothing when they are there already."""
    from postmortems.server.library.models import Postmortem

    if Postmortem.objects.filter(key__startswith="PM-DEMO-").exists():
        return []
    days = (today - ANCHOR).days
    keys = []
    for path in sorted(folder.glob("*.md")):
        keys.append(_one(path.name, shift_dates(path.read_text(encoding="utf-8"), days), now))
    return keys


def _one(name: str, text: str, now: dt.datetime) -> str:
    from django.contrib.auth import get_user_model

    from postmortems.server.library import store
    from postmortems.server.library.models import Revision

    # saved as an operator's import (which keeps the stated status), then credited to its author
    pm = store.create(text, None, source_name=name).postmortem
    author = get_user_model().objects.filter(username=_author(pm)).first()
    if author is not None:
        Revision.objects.filter(postmortem=pm).update(author=author)
        type(pm).objects.filter(pk=pm.pk).update(created_by=author)
        pm.refresh_from_db()
    plot = PLOTS.get(pm.key, Plot())
    start = (pm.incident_date or now.date()) + dt.timedelta(days=1)
    moment = min(dt.datetime.combine(start, dt.time(9, 30), tzinfo=dt.UTC), now)
    _history(pm, plot, moment, now)
    _learning(pm)
    _reviews(pm, plot, moment, now)
    _notes(pm, plot, moment, now)
    _progress(pm, plot, now)
    return pm.key


def _at(start: dt.datetime, step: int, now: dt.datetime) -> dt.datetime:
    return min(start + dt.timedelta(days=step, hours=step * 3), now)


def _history(pm: Postmortem, plot: Plot, start: dt.datetime, now: dt.datetime) -> None:
    from postmortems.server.workflow.models import Event

    for i, (step, name, source, target, note) in enumerate(_steps(pm, plot)):
        Event.objects.create(
            postmortem=pm,
            actor=_user(name),
            created=_at(start, i, now),
            transition=step,
            from_state=source,
            to_state=target,
            note=note,
        )


def _steps(pm: Postmortem, plot: Plot) -> list[tuple[str, str, str, str, str]]:
    """The history that led to ``pm``'s status, as (transition, actor, from, to, note): each
    approval but the last is one short of enough (in-review to in-review, as the workflow records
    it); a postmortem still in review has its approvals so far after the request."""
    from postmortems.server.workflow.services import APPROVAL, MORE_NEEDED

    status = pm.status or "draft"
    approvers = [r.reviewer for r in plot.reviews if r.verdict == "approved"]
    changes = [r.reviewer for r in plot.reviews if r.verdict == "changes-requested"]
    short = [(APPROVAL, who, "in-review", "in-review", MORE_NEEDED) for who in approvers]
    out: list[tuple[str, str, str, str, str]] = []
    for step in PATHS.get(status, ()):
        source, target = _STEP[step]
        if step == "approve":
            out += short[:-1]
            out.append((step, approvers[-1] if approvers else "", source, target, ""))
        elif step == "request-changes":
            out.append((step, changes[0] if changes else "", source, target, ""))
        else:
            out.append((step, _author(pm), source, target, ""))
    return out + short if status == "in-review" else out


def _learning(pm: Postmortem) -> None:
    """At an approval, what the reviewer decided for the insights: the repeat of an earlier
    incident acknowledged (the workflow asks for it), the suggested contributing factors
    confirmed."""
    from postmortems.server.insights import factors
    from postmortems.server.workflow import repeats
    from postmortems.server.workflow.models import Event

    approval = Event.objects.filter(postmortem=pm, transition="approve").first()
    if approval is None:
        return
    reviewer, at = approval.actor, approval.created
    found = repeats.check(pm, reviewer, at.date())
    if found:
        repeats.record(pm, reviewer, "in-review", found, at - dt.timedelta(minutes=5))
    for slug, _ in factors.suggestions(pm):
        factors.decide(pm, slug, "confirmed", reviewer, at)


def _reviews(pm: Postmortem, plot: Plot, start: dt.datetime, now: dt.datetime) -> None:
    from postmortems.server.workflow import services
    from postmortems.server.workflow.models import ReviewRequest

    waiting = [_user(r.reviewer) for r in plot.reviews if not r.verdict]
    if waiting:  # asked through the workflow: the reviewer is notified
        services.request_review(pm, _user(_author(pm)), waiting, now=start)
    for r in plot.reviews:
        if r.verdict:
            ReviewRequest.objects.create(
                postmortem=pm,
                reviewer=_user(r.reviewer),
                requested_by=_user(_author(pm)),
                state=ReviewRequest.State.ACCEPTED,
                verdict=r.verdict,
                created=start,
                answered=_at(start, 1, now),
            )


def _notes(pm: Postmortem, plot: Plot, start: dt.datetime, now: dt.datetime) -> None:
    from postmortems.server.workflow import comments

    lines = pm.text.splitlines()
    for note in plot.notes:
        line = next((i for i, t in enumerate(lines, 1) if note.on and t.startswith(note.on)), None)
        at = _at(start, 1, now)
        first = comments.add(pm, _user(note.author), note.text, now=at, line=line)
        if note.reply:
            who, text = note.reply
            comments.add(pm, _user(who), text, now=_at(start, 2, now), reply_to=first)
        if note.resolved:
            comments.resolve(first, _user(note.author))


def _progress(pm: Postmortem, plot: Plot, now: dt.datetime) -> None:
    from postmortems.server.workflow.models import ActionItem

    items = ActionItem.objects.filter(postmortem=pm, position__in=plot.in_progress)
    items.update(status=ActionItem.State.IN_PROGRESS)


def _author(pm: Postmortem) -> str:
    found = _FIRST_AUTHOR.search(pm.text)
    return found[1] if found else ""


def _user(name: str | None) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(username=name or "").first()
