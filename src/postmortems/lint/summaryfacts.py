"""What the issue summary itself states (not what the timeline implies), for PM2xx and PM7xx."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from postmortems.document import durations, summarytimes
from postmortems.document.model import SectionKind, WallTime
from postmortems.document.wording import any_word
from postmortems.document.zones import Zone
from postmortems.lint.context import Context
from postmortems.lint.roles import explain, names_other_subject, own_sections, role


@dataclass(slots=True)
class SummaryFacts:
    """What the summary states, for the rules that compare it with the rest."""

    text: str
    line: int  # where to report (the summary heading)
    start: WallTime | None
    end: WallTime | None
    stated_minutes: int | None  # with a strong cue ("lasted 45 minutes", "Duration: 2 h")
    zone: Zone | None  # stated in the summary (next to a time or declared) or front matter
    any_minutes: int | None = None  # also "down for about 1h50m"


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
    sections = [
        s
        for s in own_sections(doc, SectionKind.SUMMARY, SectionKind.IMPACT)
        if not names_other_subject(s.title)
    ]
    if not sections:
        return None
    # the opening paragraph before the first heading is what readers read first
    text = "\n".join([doc.preamble, *(ctx.section_text(s) for s in sections)])
    day = doc.meta.started.date() if doc.meta.started else _first_date(ctx)
    start, end, _ = summarytimes.summary_windows(text, day, None)
    zone = (
        (start.zone if start else None)
        or (end.zone if end else None)
        or summarytimes.declared_zone(text)
        or doc.meta.timezone
    )
    stated = durations.stated_duration(text)
    weak = stated or durations.stated_duration(text, weak=True) or _duration_after_cue(text)
    return SummaryFacts(text, sections[0].span.start, start, end, stated, zone, weak)


def _first_date(ctx: Context) -> dt.date | None:
    start = ctx.doc.facts.start
    return start.date if start else None


# "fixed in about 40 minutes", "restored within 2 hours"
_IN_CUE = re.compile(
    r"\b(?:in|within|after|over|lasting|spanning)\s+(?:about |approximately |roughly |around "
    r"|nearly |almost |just over |under |~\s?)?(?=\d|an?\b|one|two|three|half)",
    re.IGNORECASE,
)


def _duration_after_cue(text: str) -> int | None:
    for cue in _IN_CUE.finditer(text):
        minutes = durations.duration_of(text[cue.end() : cue.end() + 40])
        if minutes:
            return minutes
    return None


_NO_OUTAGE = any_word(
    r"(?:was|were) never exploited|(?:was|were)(?: not|n't) exploited|"
    r"no (?:users?|customers?) (?:were |was )?(?:impacted|affected)|no (?:user|customer) impact|"
    r"(?:there was )?no (?:downtime|outage|service disruption)|no funds were (?:lost|stolen)|"
    r"before (?:it|this|the (?:bug|issue|vulnerability)) (?:could be|was) exploited|"
    r"no evidence (?:that )?(?:any|anyone|users?) (?:\w+ ){0,6}(?:downloaded|affected|"
    r"exploited|impacted|used)"
)


_SECURITY_REPORT = any_word(
    r"vulnerabilit\w*|bug bounty|bugcrowd|hackerone|security researcher|researcher "
    r"(?:submitted|reported)|responsible disclosure|CVE-\d+|bug report|"
    r"(?:version|release) [\d.]+ (?:\w+ ){0,6}(?:fix|fixes)"
)
_OUTAGE = any_word(
    r"outage|downtime|went down|was down|were down|unavailable|unreachable|stalled|halted|"
    r"exploited on|funds (?:were )?(?:lost|stolen)|users? (?:could not|couldn't|were unable)"
)


def without_outage(ctx: Context) -> bool:
    """Nothing went down: the document says so (a vulnerability fixed before it was exploited),
    or it is a bug or security report fixed in a release, with a timeline of dates and no
    outage words. The outage's start, end, duration and share of users do not apply."""
    if "no-outage" not in ctx._cache:
        ctx._cache["no-outage"] = _said_no_outage(ctx)
    result: bool = ctx._cache["no-outage"]
    return result


def _said_no_outage(ctx: Context) -> bool:
    source = ctx.doc.source
    if _NO_OUTAGE.search(source):
        return True
    clock = any(e.when is not None for e in ctx.doc.timeline)
    return not clock and bool(_SECURITY_REPORT.search(source)) and not _OUTAGE.search(source)


def summary_explain(ctx: Context) -> str:
    """Which sections the summary rules read (`pm lint --explain`)."""
    sections = [
        s
        for s in own_sections(ctx.doc, SectionKind.SUMMARY, SectionKind.IMPACT)
        if not names_other_subject(s.title)
    ]
    if not sections:
        return ""
    text = "; ".join(explain(ctx, s, role(s)) for s in sections)
    return text + (
        "; with the opening paragraph above the first heading" if ctx.doc.preamble else ""
    )


def minutes_apart(a: WallTime, b: WallTime) -> int:
    """Absolute minutes between two wall times; without both dates, across midnight."""
    if a.date and b.date:
        delta = dt.datetime.combine(b.date, b.time) - dt.datetime.combine(a.date, a.time)
        return abs(int(delta.total_seconds() // 60))
    x = a.time.hour * 60 + a.time.minute
    y = b.time.hour * 60 + b.time.minute
    d = abs(x - y)
    return min(d, 1440 - d)


def between(start: WallTime, end: WallTime, zone: Zone | None = None) -> int | None:
    """Minutes from ``start`` to ``end``; times without a zone are ``zone``'s, so that a
    window across a DST change lasts the time between its instants (01:30 to 03:30 the night
    Sydney's clocks go forward is 1 h)."""
    if zone is not None:
        start = start if start.zone else replace(start, zone=zone)
        end = end if end.zone else replace(end, zone=zone)
    return summarytimes.minutes_between(start, end)
