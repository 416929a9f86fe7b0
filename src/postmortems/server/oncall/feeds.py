"""Calendar feeds through secret, revocable URLs: per schedule, or per person (your own shifts).

The URL carries a random token; only its SHA-256 is stored. A fetch finds the token, checks it is
not revoked and that its owner may still see the schedule (restricted schedules stay with their
team), and answers 404 otherwise, the same as for an unknown token.
"""

from __future__ import annotations

import datetime as dt

import icalendar
from django.contrib.auth.models import User
from django.http import Http404

from postmortems.oncall import evaluate, ical, model
from postmortems.server.accounts.access import access_of
from postmortems.server.oncall.models import FeedToken, Schedule, hash_feed_token
from postmortems.server.oncall.queries import pure_schedules
from postmortems.server.oncall.visibility import visible_schedules

BEFORE = dt.timedelta(days=14)
AHEAD = dt.timedelta(days=365)
ALARM = dt.timedelta(minutes=30)
# Read this far beyond the window, so that a shift across its edges keeps its own start and end:
# cut at the edge, a shift would start at the second the feed was fetched, and its UID (made of
# its times) would change at every fetch.
MARGIN = dt.timedelta(days=31)


def issue(owner: User, schedule: Schedule | None, *, now: dt.datetime) -> tuple[FeedToken, str]:
    """A new feed of ``schedule`` (None: the owner's own shifts); the raw token, shown once."""
    raw = FeedToken.new_raw()
    token = FeedToken.objects.create(
        owner=owner,
        schedule=schedule,
        person="" if schedule else owner.get_username(),
        digest=hash_feed_token(raw),
        hint=raw[:8],
        created=now,
    )
    return token, raw


def revoke(owner: User, token_id: int, *, now: dt.datetime) -> bool:
    return bool(
        FeedToken.objects.filter(owner=owner, pk=token_id, revoked__isnull=True).update(revoked=now)
    )


def find(raw: str) -> FeedToken:
    token = (
        FeedToken.objects.select_related("owner", "schedule")
        .filter(digest=hash_feed_token(raw), revoked__isnull=True, owner__is_active=True)
        .first()
    )
    if token is None:
        raise Http404("no such feed")
    return token


def body(token: FeedToken, *, now: dt.datetime) -> bytes:
    """The feed's iCalendar text: its shifts from two weeks ago to a year ahead."""
    seen = visible_schedules(access_of(token.owner))
    # From midnights (UTC): a shift too long for MARGIN, cut at the window's edge, keeps its
    # times and its UID for the day, not only for the second of one fetch.
    today = now.astimezone(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    start, end = today - BEFORE, today + AHEAD
    if token.schedule_id is not None:
        row = seen.filter(pk=token.schedule_id).first()
        if row is None:
            raise Http404("no such feed")
        pure = pure_schedules([row], start=start - MARGIN, end=end + MARGIN)[row.pk]
        return ical.feed(_whole_shifts(pure, start, end), name=row.name, alarm=ALARM, made=now)
    # One feed per schedule (its events named after it), gathered in one calendar.
    merged = icalendar.Calendar.from_ical(
        ical.feed([], name="your shifts", who=token.person, alarm=ALARM, made=now)
    )
    for pure in pure_schedules(seen, start=start - MARGIN, end=end + MARGIN).values():
        names = {u for layer in pure.layers for u in layer.users}
        if token.person not in names | {o.user for o in pure.overrides}:
            continue
        found = _whole_shifts(pure, start, end)
        part = ical.feed(found, name=pure.name, who=token.person, alarm=ALARM, made=now)
        for event in icalendar.Calendar.from_ical(part).walk("VEVENT"):
            merged.add_component(event)
    return bytes(merged.to_ical())


def _whole_shifts(pure: model.Schedule, start: dt.datetime, end: dt.datetime) -> list[model.Shift]:
    """The shifts that overlap ``start`` to ``end``, each whole (up to :data:`MARGIN` beyond)."""
    found = evaluate.shifts(pure, start - MARGIN, end + MARGIN)
    return [s for s in found if s.end > start and s.start < end]
