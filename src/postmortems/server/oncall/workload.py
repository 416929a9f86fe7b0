"""Workload per person over a period: hours on call (on the schedules one may see) up to now,
pages received, and how many of those came off hours (before 09:00, from 18:00, or at a
weekend, in the zone asked for)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from postmortems.oncall import evaluate
from postmortems.server.accounts.access import Access
from postmortems.server.oncall.models import Notification
from postmortems.server.oncall.queries import pure_schedules
from postmortems.server.oncall.visibility import (
    NAMING_FIELDS,
    names_from,
    visible_pages,
    visible_schedules,
)

WORK_START, WORK_END = dt.time(9), dt.time(18)


@dataclass(frozen=True)
class Load:
    person: str
    hours: float
    pages: int
    off_hours: int


def off_hours(at: dt.datetime, zone: ZoneInfo) -> bool:
    wall = at.astimezone(zone)
    return wall.weekday() >= 5 or not (WORK_START <= wall.time() < WORK_END)


def workload(
    access: Access, start: dt.datetime, end: dt.datetime, zone: ZoneInfo, *, now: dt.datetime
) -> list[Load]:
    """One row per person with time on call or pages in ``[start, end)``, most hours first: of
    the schedules and pages ``access`` may see. Hours are counted up to ``now``: a shift to
    come (tonight's, an override next week) is no work done yet."""
    pages = visible_pages(access)
    hours: dict[str, float] = defaultdict(float)
    until = min(end, now)
    seen = visible_schedules(access) if start < until else visible_schedules(access).none()
    for pure in pure_schedules(seen, start=start, end=until).values():
        for shift in evaluate.shifts(pure, start, until):
            for person in shift.users:
                hours[person] += (shift.end - shift.start).total_seconds() / 3600
    paged: dict[str, set[tuple[int, int, int]]] = defaultdict(set)
    late: dict[str, set[tuple[int, int, int]]] = defaultdict(set)
    found = Notification.objects.filter(page__in=pages, created__gte=start, created__lt=end)
    rows = list(found.only(*NAMING_FIELDS, "step", "round", "created"))
    names = names_from(access, rows)  # the on-call of a restricted schedule is not named
    for n in rows:
        key = (n.page_id, n.step, n.round)  # one page, whatever the channels
        paged[names.row(n)].add(key)
        if off_hours(n.created, zone):
            late[names.row(n)].add(key)
    people = sorted(set(hours) | set(paged), key=lambda p: (-hours.get(p, 0), p))
    return [Load(p, round(hours.get(p, 0), 2), len(paged[p]), len(late[p])) for p in people]


def cell(text: str) -> str:
    """A text cell a spreadsheet will not run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def as_csv(rows: Sequence[Load]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["person", "hours_on_call", "pages", "off_hours_pages"])
    for row in rows:
        writer.writerow([cell(row.person), f"{row.hours:.2f}", row.pages, row.off_hours])
    return out.getvalue()
