"""What the issue summary itself states (not what the timeline implies), for PM2xx and PM7xx."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from postmortems.document import facts
from postmortems.document.model import SectionKind, WallTime
from postmortems.document.zones import Zone
from postmortems.lint.context import Context


@dataclass(frozen=True, slots=True)
class SummaryFacts:
    """What the summary states, for the rules that compare it with the rest."""

    text: str
    line: int  # where to report (the summary heading)
    start: WallTime | None
    end: WallTime | None
    stated_minutes: int | None
    zone: Zone | None  # stated in the summary (next to a time or declared) or front matter


def summary_facts(ctx: Context) -> SummaryFacts | None:
    """Facts of the summary (and impact) sections, cached; None when there is no summary."""
    if "summary" in ctx._cache:
        cached: SummaryFacts | None = ctx._cache["summary"]
        return cached
    result = _compute(ctx)
    ctx._cache["summary"] = result
    return result


def _compute(ctx: Context) -> SummaryFacts | None:
    doc = ctx.doc
    sections = ctx.sections(SectionKind.SUMMARY, SectionKind.IMPACT)
    if not sections:
        return None
    text = ctx.summary_text
    day = doc.meta.started.date() if doc.meta.started else _first_date(ctx)
    start, end = facts.summary_times(text, day, None)
    zone = (
        (start.zone if start else None)
        or (end.zone if end else None)
        or facts.declared_zone(text)
        or doc.meta.timezone
    )
    return SummaryFacts(text, sections[0].span.start, start, end, facts.stated_duration(text), zone)


def _first_date(ctx: Context) -> dt.date | None:
    start = ctx.doc.facts.start
    return start.date if start else None


def minutes_apart(a: WallTime, b: WallTime) -> int:
    """Absolute minutes between two wall times; without both dates, across midnight."""
    if a.date and b.date:
        delta = dt.datetime.combine(b.date, b.time) - dt.datetime.combine(a.date, a.time)
        return abs(int(delta.total_seconds() // 60))
    x = a.time.hour * 60 + a.time.minute
    y = b.time.hour * 60 + b.time.minute
    d = abs(x - y)
    return min(d, 1440 - d)


def between(start: WallTime, end: WallTime) -> int | None:
    return facts.minutes_between(start, end)


WORDS = re.compile(r"[A-Za-z][A-Za-z'-]*")
