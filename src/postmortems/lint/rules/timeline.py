"""PM301–PM305: the timeline's form — bullets with a time first, short entries, chronological,
timezone known. What it covers (detection, how it was detected, actions, a misleading path,
escalation and resolution: PM306–PM311) is checked in
:mod:`postmortems.lint.rules.timelinecoverage`.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterator, Sequence

from postmortems.document.dateparse import find_dates
from postmortems.document.lines import LineKind
from postmortems.document.markup import LINK
from postmortems.document.model import SectionKind, TimelineEntry
from postmortems.document.summarytimes import declared_zone
from postmortems.document.timeparse import find_times, leading_date, leading_time
from postmortems.document.zones import Zone, zone_from_text
from postmortems.lint.context import LIST_ITEM, Context
from postmortems.lint.registry import Finding, rule
from postmortems.lint.violation import Edit, Fix, Severity


@rule(
    "PM301",
    "timeline-not-bullets",
    Severity.INFO,
    requirement="Timeline: entries are bullets of the form `time - text`",
)
def timeline_not_bullets(ctx: Context) -> Iterator[Finding]:
    """What it does:
        Reports, once, timeline entries written as bare lines that start with a time. Markdown
        joins consecutive bare lines into one paragraph, so the entries run together. Bullets,
        numbered items, table rows and headed entries are all timelines and are not reported.
        `--fix` turns the bare lines into `- ` bullets.

    Why it matters:
        One entry per bullet, time first, is what readers scan and what tools (the team
        server, `pm incident`) read back without guessing.

    Example:
        04:07 PST pager alert on the 5xx rate.
        04:15 PST rolled back the deploy.

    Use instead:
        - 04:07 PST - Pager alert on the 5xx rate.
        - 04:15 PST - Rolled back the deploy.
    """
    section = ctx.doc.section(SectionKind.TIMELINE)
    if section is not None and ctx.is_update_log(section):
        return  # a status page's update log: its time lines are read as they stand
    entries = {e.line for e in ctx.doc.timeline}
    # a bare line runs into the line above it or into the next entry; a blank line between
    # keeps entries apart
    bare = [
        e
        for e in ctx.doc.timeline
        if _is_bare_line(ctx, e)
        and (
            (e.line + 1 in entries and not _HARD_BREAK.search(ctx.source_line(e.line)))
            or _follows_text(ctx, e.line)
        )
    ]
    if not bare:
        return
    edits = tuple(Edit(e.line, e.line, f"- {ctx.source_line(e.line).strip()}") for e in bare)
    count = f"{len(bare)} timeline entries are" if len(bare) > 1 else "a timeline entry is"
    yield Finding(
        bare[0].line,
        f"{count} bare lines, which Markdown joins into one paragraph — write each as a "
        f"bullet: “{_suggest(ctx.source_line(bare[0].line))}”",
        fix=Fix("make them - bullets", edits),
    )


def _follows_text(ctx: Context, line: int) -> bool:
    if line < 2 or ctx.lines[line - 2].kind not in (LineKind.TEXT, LineKind.LIST):
        return False
    return not _HARD_BREAK.search(ctx.source_line(line - 1))


_HARD_BREAK = re.compile(r"(?:<br\s*/?>|\\| {2,})\s*$", re.I)  # "<br>", "\", two spaces


def _is_bare_line(ctx: Context, entry: TimelineEntry) -> bool:
    """A timed entry written as a plain text line (not a list item, table row or heading)."""
    if entry.when is None or not 0 < entry.line <= len(ctx.lines):
        return False
    raw = ctx.source_line(entry.line)
    return ctx.lines[entry.line - 1].kind is LineKind.TEXT and _time_first(raw.strip())


def _suggest(raw: str) -> str:
    """``- 10:50 UTC - Issue identified`` from ``10:50 AM (UTC): Issue identified``."""
    text = LIST_ITEM.sub(r"\g<rest>", raw).strip()
    found = leading_time(text.lstrip("*_` "))
    if found is None:
        return "- 04:07 PST - what happened"
    text = text.lstrip("*_` ")
    when = text[found.start : found.end].strip(" *_`")
    rest = text[found.end :].lstrip(" :-–—|*_`)")
    short = rest if len(rest) <= 40 else rest[:40].rsplit(" ", 1)[0] + " …"
    return f"- {when} - {short}"


def _time_first(text: str) -> bool:
    text = text.lstrip("*_` ")
    found = leading_time(text)
    return found is not None and found.start <= 2


@rule(
    "PM302",
    "timeline-entry-without-time",
    Severity.WARNING,
    requirement="Timeline: every entry has a time",
)
def timeline_entry_without_time(ctx: Context) -> Iterator[Finding]:
    """What it does:
        Reports timeline entries without a time of day. When no entry has one, it reports
        the timeline once. A timeline that spans several days may give dates without times.

    Why it matters:
        A timeline without times cannot show how long detection, escalation and resolution
        took.

    Example:
        - Pager alert fired.
        - Rolled back the deploy.

    Use instead:
        - 04:07 PST - Pager alert fired.
        - 04:15 PST - Rolled back the deploy.
    """
    entries = ctx.doc.timeline
    untimed = [
        e
        for e in entries
        if e.when is None and not _dated_day(e, entries) and not _under_time_heading(ctx, e)
    ]
    if not untimed:
        return
    if len(untimed) == len(entries):
        yield Finding(
            untimed[0].line or ctx.heading_line(SectionKind.TIMELINE),
            f"no timeline entry has a time ({len(entries)} entries) — start each with one "
            "(“- 04:07 PST - …”)",
        )
        return
    for e in untimed:
        yield Finding(
            e.line or ctx.heading_line(SectionKind.TIMELINE),
            "timeline entry has no time — start it with one",
        )


@rule(
    "PM303",
    "timeline-without-timezone",
    Severity.WARNING,
    requirement="Timeline: a timezone is known for each time",
)
def timeline_without_timezone(ctx: Context) -> Iterator[Finding]:
    """What it does:
        Reports, once, timeline times whose timezone is known from nowhere: not on the entry,
        not declared ("All times PST"), not in front matter.

    Why it matters:
        Without a timezone the timeline cannot be lined up with alerts, deploys and logs.

    Example:
        ## Timeline
        - 04:07 - Pager alert fired.

    Use instead:
        ## Timeline (all times PST)
        - 04:07 - Pager alert fired.
    """
    zoneless = [e for e in ctx.doc.timeline if e.when is not None and e.when.zone is None]
    if zoneless and heading_zone(ctx) is None and not _declared_in_timeline(ctx):
        yield Finding(
            zoneless[0].line or ctx.heading_line(SectionKind.TIMELINE),
            f"{len(zoneless)} timeline time{'s have' if len(zoneless) > 1 else ' has'} no "
            "timezone — declare it once (“## Timeline (all times PST)”) or on each entry",
        )


_HEADING_ZONE = re.compile(
    r"\(\s*(?:(?:all\s+)?times?\s+(?:are\s+)?)?(?:in\s+)?(?P<zone>[^()]{2,40}?)\s*\)"
)


def heading_zone(ctx: Context) -> Zone | None:
    """A zone named in the timeline's heading: "## Timeline (in UTC)", "## Timeline (PST)"."""
    for section in ctx.sections(SectionKind.TIMELINE):
        for m in _HEADING_ZONE.finditer(section.title):
            zone = zone_from_text(m["zone"])
            if zone is not None:
                return zone
    return None


def _declared_in_timeline(ctx: Context) -> bool:
    """ "All events are documented in [UTC](…) time": a declaration with its zone linked."""
    text = LINK.sub(r"\1", ctx.text_of((SectionKind.TIMELINE,)))
    if declared_zone(text) is not None:
        return True
    return any(zone_from_text(m[1]) for m in _EVENTS_IN_ZONE.finditer(text))


# "All events are documented in UTC time", "timestamps below are in CET"
_EVENTS_IN_ZONE = re.compile(
    r"\b(?:times?|events?|timestamps?|entries)\b[^.\n]{0,40}?\bin\s+([A-Z][A-Za-z0-9+:-]{1,8})\b"
)


def timeline_zone_offset(ctx: Context) -> int | None:
    """The UTC offset (minutes) the timeline's heading declares, if any."""
    zone = heading_zone(ctx)
    return zone.offset_at(None) if zone is not None else None


def _under_time_heading(ctx: Context, entry: TimelineEntry) -> bool:
    """The entry is the text of a heading that gives the time ("### 06:10" then the text)."""
    number = entry.line - 1
    while number > 0 and not ctx.source_line(number).strip():
        number -= 1
    above = ctx.source_line(number).strip()
    return above.startswith("#") and bool(find_times(above))


def _dated_day(entry: TimelineEntry, entries: Sequence[TimelineEntry]) -> bool:
    """An entry without a clock time in a timeline that spans several days: there the date
    is the time that matters, and an undated paragraph continues the dated entry above."""
    return len({_entry_date(e) for e in entries} - {None}) > 1


def _entry_date(entry: TimelineEntry, year: int = dt.date.min.year) -> dt.date | None:
    if entry.when is not None and entry.when.date is not None:
        return entry.when.date
    text = entry.raw.strip().lstrip("#-*+ ").lstrip("*_` ")
    found = leading_date(text, year=year)
    if found:
        return found[1]
    dates = find_dates(text[:40], year)  # "On 11 April 2026, we began …", "27 August: …"
    return dates[0][2] if dates else None


def _instant(e: TimelineEntry) -> dt.datetime | None:
    w = e.when
    if w is None or w.date is None:
        return None
    aware = w.aware
    if aware is not None:
        return aware.astimezone(dt.UTC).replace(tzinfo=None)
    return dt.datetime.combine(w.date, w.time)


@rule(
    "PM304",
    "timeline-not-chronological",
    Severity.WARNING,
    requirement="Timeline: entries are in chronological order (midnight roll-over understood)",
)
def timeline_not_chronological(ctx: Context) -> Iterator[Finding]:
    """What it does:
        Reports a timeline entry whose time is earlier than the one before it. A time just
        after midnight following one late in the evening (23:50 then 00:10) is the next day,
        not a step back.

    Why it matters:
        An out-of-order entry is usually a typo in a time, which then skews every duration
        computed from the timeline.

    Example:
        - 14:05 UTC - Alert fired.
        - 13:50 UTC - Rolled back.

    Use instead:
        - 13:50 UTC - Rolled back.
        - 14:05 UTC - Alert fired.
    """
    timed = [e for e in ctx.doc.timeline if e.when is not None]
    for prev, cur in itertools.pairwise(timed):
        if _earlier(prev, cur) and not _new_day_between(ctx, prev, cur):
            assert prev.when is not None
            assert cur.when is not None
            yield Finding(
                cur.line or ctx.heading_line(SectionKind.TIMELINE),
                f"{cur.when.time:%H:%M} comes after {prev.when.time:%H:%M} (line {prev.line}) — "
                "put entries in time order or correct the time",
            )


def _earlier(prev: TimelineEntry, cur: TimelineEntry) -> bool:
    assert prev.when is not None
    assert cur.when is not None
    day, before = cur.when.date, prev.when.date
    if day and before and day != before and not cur.when.date_inferred:
        return day < before  # "### March 12 19:57": a date written on the entry
    a, b = _instant(prev), _instant(cur)
    if a is not None and b is not None and not _date_guessed(prev, cur):
        return b < a
    assert prev.when is not None
    assert cur.when is not None
    x = prev.when.time.hour * 60 + prev.when.time.minute
    y = cur.when.time.hour * 60 + cur.when.time.minute
    return y < x and x - y < 12 * 60  # a bigger step back is the next day


def _new_day_between(ctx: Context, prev: TimelineEntry, cur: TimelineEntry) -> bool:
    """A heading or a line of its own that names a date lies between the two entries
    ("### 04-10-2021"): the second entry is on another day."""
    for number in range(prev.line + 1, cur.line + 1):  # the entry's own heading too
        raw = ctx.source_line(number).strip()
        bare = raw.lstrip("#").strip(" *_:")
        own_line = raw.startswith("#") or len(bare.split()) <= 6
        if own_line and not raw.startswith(("-", "*", "+", "|")) and find_dates(bare[:40]):
            return True
    return False


def _date_guessed(*entries: TimelineEntry) -> bool:
    """A date the parser carried over or rolled forward, not one written on the entry: the
    order is then judged on the clock, a big step back being the next day."""
    return any(e.when is not None and e.when.date_inferred for e in entries)


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)")
_ABBREV = re.compile(r"\b(?:e\.g|i\.e|etc|approx|vs|a\.m|p\.m|Mr|Dr|St)\.", re.I)


def sentences(text: str) -> list[str]:
    """Sentences of ``text`` (abbreviations and decimals do not end one)."""
    if "." in text:
        text = _ABBREV.sub(lambda m: m.group(0).replace(".", ""), text)
    parts = _SENTENCE_END.split(text.strip())
    return [p for p in parts if any(c.isalnum() for c in p)]


@rule(
    "PM305",
    "timeline-entry-too-long",
    Severity.WARNING,
    requirement="Timeline: 1–2 short sentences per entry",
)
def timeline_entry_too_long(ctx: Context) -> Iterator[Finding]:
    """What it does:
        Reports a timeline entry of more than `timeline-max-sentences` sentences (2) or more
        than `timeline-max-words` words (50); when four or more entries are, it reports the
        timeline once.

    Why it matters:
        The timeline is scanned, not read; the detail belongs in the root cause section.

    Example:
        - 04:40 - We looked at the database. Latency was high. We checked the replicas. They
          were fine. We restarted the primary.

    Use instead:
        - 04:40 - Database latency looked high; the team checked the primary (a red herring).
    """
    most = int(ctx.options["timeline-max-sentences"])
    words_max = int(ctx.options["timeline-max-words"])
    long = [
        (e, len(sentences(e.text)), len(e.text.split()))
        for e in ctx.doc.timeline
        if len(sentences(e.text)) > most or len(e.text.split()) > words_max
    ]
    if len(long) >= _MANY_LONG:  # one finding for a timeline written as paragraphs
        e, count, words = max(long, key=lambda t: t[2])
        yield Finding(
            long[0][0].line or ctx.heading_line(SectionKind.TIMELINE),
            f"{len(long)} of {len(ctx.doc.timeline)} timeline entries are longer than {most} "
            f"short sentences (line {e.line}: {count} sentences, {words} words) — keep each "
            "to a line or two; move detail to the root cause",
        )
        return
    for e, count, words in long:
        yield Finding(
            e.line or ctx.heading_line(SectionKind.TIMELINE),
            f"timeline entry has {count} sentences and {words} words — keep it to {most} "
            "short sentences; move detail to the root cause",
        )


_MANY_LONG = 4
