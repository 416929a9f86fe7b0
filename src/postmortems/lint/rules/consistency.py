"""PM7xx: consistency — front matter against the body, summary times against the timeline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from postmortems.document.affected import users_pct
from postmortems.document.model import SectionKind, TimelineEntry, WallTime
from postmortems.document.zones import Zone
from postmortems.lint.context import Context
from postmortems.lint.registry import Finding, rule
from postmortems.lint.rules.timeline import timeline_zone_offset
from postmortems.lint.summaryfacts import minutes_apart, summary_facts
from postmortems.lint.violation import Severity


def _front_line(ctx: Context, key: str) -> int:
    for i, line in enumerate(ctx.source_lines[: ctx.body_start], start=1):
        if line.strip().startswith(f"{key}:"):
            return i
    return 1


def _offset(when: WallTime) -> int | None:
    return when.zone.offset_at(when.date) if when.zone else None


@rule(
    "PM701",
    "front-matter-timezone-mismatch",
    Severity.WARNING,
    requirement="Consistency: front-matter timezone agrees with the summary",
)
def front_matter_timezone_mismatch(ctx: Context) -> Iterator[Finding]:
    """What it does:
        Reports front matter `timezone:` whose offset differs from the timezone written next
        to the summary's times.

    Why it matters:
        Front matter wins for tools, so every time shown by the team server would be shifted.

    Example:
        ---
        timezone: UTC
        ---
        ## Issue Summary
        From 04:00 to 06:30 PST …

    Use instead:
        ---
        timezone: America/Los_Angeles
        ---
    """
    meta_zone = ctx.doc.meta.timezone
    s = summary_facts(ctx)
    if meta_zone is None or s is None or s.start is None or s.start.zone is None:
        return
    own = _own_offset(meta_zone, s.start)  # at the start itself: the DST change's day differs
    if own is None:
        own = meta_zone.offset_at(s.start.date)
    if s.start.zone.offset_at(s.start.date) != own:
        yield Finding(
            _front_line(ctx, "timezone"),
            f"front matter says timezone {meta_zone.label} but the summary uses "
            f"{s.start.zone.label} — make them agree",
        )


def _clash(meta_value: dt.datetime, stated: WallTime) -> bool:
    if meta_value.tzinfo is not None and stated.aware is not None:
        return abs((meta_value - stated.aware).total_seconds()) >= 60
    if stated.date is not None and stated.date != meta_value.date():
        return True
    return (meta_value.hour, meta_value.minute) != (stated.time.hour, stated.time.minute)


def _meta_time_rule(ctx: Context, key: str, which: str) -> Iterator[Finding]:
    value: dt.datetime | None = getattr(ctx.doc.meta, key)
    s = summary_facts(ctx)
    stated = None if s is None else (s.start if which == "start" else s.end)
    if value is None or stated is None:
        return
    if _clash(value, stated):
        yield Finding(
            _front_line(ctx, key),
            f"front matter `{key}: {value.isoformat()}` disagrees with the summary's {which} "
            f"({stated.local_text()}{' ' + stated.zone.label if stated.zone else ''}) — make "
            "them agree",
        )


# The front-matter times checked against the summary's: code, key, which time of the summary,
# and for the docs a wrong and the right value for "From 04:00 to 06:30 PST".
_META_TIMES = (
    ("PM702", "started", "start", "05:00", "04:00"),
    ("PM703", "resolved", "end", "07:30", "06:30"),
)


def _register_meta_time(code: str, key: str, which: str, wrong: str, right: str) -> None:
    def check(ctx: Context) -> Iterator[Finding]:
        yield from _meta_time_rule(ctx, key, which)

    check.__doc__ = f"""What it does:
        Reports front matter `{key}:` that is not the {which} stated in the summary.

    Why it matters:
        Front matter feeds the duration and MTTR figures tools show; the summary is what
        people read. When they disagree, one of them is wrong.

    Example:
        ---
        {key}: 2024-02-12T{wrong}-08:00
        ---
        From 04:00 to 06:30 PST on February 12, 2024 …

    Use instead:
        ---
        {key}: 2024-02-12T{right}-08:00
        ---
    """
    name = f"front-matter-{which}-mismatch"
    check.__name__ = name.replace("-", "_")
    requirement = f"Consistency: front-matter `{key}` agrees with the summary's {which}"
    rule(code, name, Severity.WARNING, requirement=requirement)(check)


for _meta_time in _META_TIMES:
    _register_meta_time(*_meta_time)


@rule(
    "PM704",
    "front-matter-impact-mismatch",
    Severity.WARNING,
    requirement="Consistency: front-matter % of users agrees with the summary",
)
def front_matter_impact_mismatch(ctx: Context) -> Iterator[Finding]:
    """What it does:
        Reports front matter `impact.users_affected_pct` that differs from the percentage of
        users the summary states.

    Why it matters:
        Severity and dashboards use the front matter; readers believe the summary.

    Example:
        ---
        impact: {users_affected_pct: 50}
        ---
        About 75% of users could not check out.

    Use instead:
        ---
        impact: {users_affected_pct: 75}
        ---
    """
    meta_pct = ctx.doc.meta.users_affected_pct
    s = summary_facts(ctx)
    stated = users_pct(s.text) if s is not None else None
    if meta_pct is not None and stated is not None and abs(meta_pct - stated) > 0.5:
        yield Finding(
            _front_line(ctx, "impact"),
            f"front matter says {meta_pct:g}% of users, the summary {stated:g}% — make them agree",
        )


def _timeline_vs_summary(ctx: Context, which: str) -> Iterator[Finding]:
    s = summary_facts(ctx)
    stated = None if s is None else (s.start if which == "start" else s.end)
    timed = [e for e in ctx.doc.timeline if e.when is not None]
    if stated is None or len(timed) < 2:
        return
    if which == "start" and stated.date is not None:
        # entries before the day of the start are context (a change made days earlier)
        same_day = [e for e in timed if e.when is not None and e.when.date == stated.date]
        timed = same_day or timed
        if not same_day and any(e.when is not None and e.when.date for e in timed):
            return
    entry = timed[0] if which == "start" else timed[-1]
    assert entry.when is not None
    tolerance = int(ctx.options["timeline-tolerance-minutes"])
    a, b = stated, entry.when
    declared = None if entry.zone_stated else timeline_zone_offset(ctx)
    b_offset = declared if declared is not None else _offset(b)
    if (_offset(a) is not None and b_offset is not None) and _offset(a) != b_offset:
        return  # different zones: PM707's business
    gap = minutes_apart(a, b)
    if which == "end" and gap > tolerance and _before(b, a):
        yield Finding(
            entry.line or ctx.heading_line(SectionKind.TIMELINE),
            f"the timeline stops at {_at(b, a)}, before the resolution at {_at(a, b)} the "
            f"summary states ({gap} min later) — add the entries up to the resolution",
        )
    elif gap > tolerance and which == "start" and not _stated_in(stated, timed, tolerance):
        position = "first" if which == "start" else "last"
        yield Finding(
            entry.line or ctx.heading_line(SectionKind.TIMELINE),
            f"the summary's {which} is {_at(a, b)} but the {position} timeline entry is at "
            f"{_at(b, a)} ({gap} min apart) — correct one of them",
        )


def _at(when: WallTime, other: WallTime) -> str:
    """``10:00``, or ``2026-11-11 10:00`` when ``other`` is on another day: two times compared
    across days read as nonsense without their dates."""
    if when.date is not None and other.date is not None and when.date != other.date:
        return when.local_text()
    return f"{when.time:%H:%M}"


def _stated_in(stated: WallTime, timed: list[TimelineEntry], tolerance: int) -> bool:
    """Some entry is at the summary's time: the timeline holds context before the start."""
    return any(e.when is not None and minutes_apart(stated, e.when) <= tolerance for e in timed)


def _before(a: WallTime, b: WallTime) -> bool:
    """``a`` is earlier than ``b`` (without both dates, within 12 hours across midnight)."""
    if a.date and b.date and a.date != b.date:
        return a.date < b.date
    x = a.time.hour * 60 + a.time.minute
    y = b.time.hour * 60 + b.time.minute
    return 0 < (y - x) % 1440 < 720


@rule(
    "PM705",
    "summary-start-vs-timeline",
    Severity.WARNING,
    requirement="Consistency: the summary's start agrees with the first timeline entry",
)
def summary_start_vs_timeline(ctx: Context) -> Iterator[Finding]:
    """What it does:
        Reports a summary start more than `timeline-tolerance-minutes` (60) away from the
        first timed timeline entry, unless an entry is at the summary's start (entries before
        it are context: the change that shipped days earlier).

    Why it matters:
        A summary that says 04:00 over a timeline that starts at 09:00 usually has a typo or
        a timezone slip; readers cannot tell which is right.

    Example:
        From 04:00 to 06:30 PST …
        - 09:07 PST - Pager alert fired.

    Use instead:
        From 04:00 to 06:30 PST …
        - 04:07 PST - Pager alert fired.
    """
    yield from _timeline_vs_summary(ctx, "start")


@rule(
    "PM706",
    "summary-end-vs-timeline",
    Severity.WARNING,
    requirement="Consistency: the summary's end agrees with the last timeline entry",
)
def summary_end_vs_timeline(ctx: Context) -> Iterator[Finding]:
    """What it does:
        Reports a timeline that stops more than `timeline-tolerance-minutes` (60) before the
        end the summary states: the entries up to the resolution are missing. A timeline that
        goes on after the end (follow-up work) is not reported.

    Why it matters:
        The end of the outage should be the resolution at the end of the timeline.

    Example:
        From 04:00 to 08:30 PST …
        - 05:45 PST - Found the expired certificate.

    Use instead:
        From 04:00 to 08:30 PST …
        - 05:45 PST - Found the expired certificate.
        - 08:30 PST - New certificate installed; incident closed.
    """
    yield from _timeline_vs_summary(ctx, "end")


@rule(
    "PM707",
    "timezone-mismatch",
    Severity.WARNING,
    requirement="Consistency: the summary and the timeline use the same timezone",
)
def timezone_mismatch(ctx: Context) -> Iterator[Finding]:
    """What it does:
        Reports timeline entries written in a timezone other than the summary's (PST in the
        summary, UTC in the timeline).

    Why it matters:
        Mixed timezones are the most common source of wrong durations in postmortems.

    Example:
        On 2024-03-05 from 14:00 to 15:10 UTC …
        - 06:12 PST - Checkout errors paged the on-call engineer.

    Use instead:
        On 2024-03-05 from 14:00 to 15:10 UTC …
        - 14:12 UTC - Checkout errors paged the on-call engineer.
    """
    s = summary_facts(ctx)
    if s is None or s.start is None or s.start.zone is None:
        return
    mine = s.start.zone.offset_at(s.start.date)
    for e in ctx.doc.timeline:
        if e.when is None or e.when.zone is None or not e.zone_stated:
            continue
        theirs = e.when.zone.offset_at(e.when.date)
        if _across_dst(ctx, e.when, theirs):
            continue
        if theirs is not None and mine is not None and theirs != mine:
            yield Finding(
                e.line or ctx.heading_line(SectionKind.TIMELINE),
                f"timeline entry in {e.when.zone.label} but the summary uses "
                f"{s.start.zone.label} — use one timezone",
            )
            return


def _own_offset(zone: Zone | None, when: WallTime) -> int | None:
    """The offset a zone with daylight saving (``Europe/Berlin``) has at the instant ``when``
    states (None: not such a zone, or no instant)."""
    instant = when.aware
    if zone is None or zone.iana is None or instant is None:
        return None
    own = instant.astimezone(zone.tzinfo()).utcoffset()
    return None if own is None else int(own.total_seconds() // 60)


def _across_dst(ctx: Context, when: WallTime, offset: int | None) -> bool:
    """The entry is in the document's own zone, on the other side of a DST change ("03:15
    CEST" after "01:30 CET" in a Europe/Berlin postmortem): the same zone, not another one."""
    return offset is not None and _own_offset(ctx.doc.zone, when) == offset
