"""Summary facts: start, end, duration, timezone, % of users affected, the root-cause sentence."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence

from postmortems.document.model import Facts, TimelineEntry, WallTime
from postmortems.document.timeparse import Found, find_dates, find_times
from postmortems.document.zones import ZONE_DECLARATION_RE, Zone, zone_from_text, zone_of_place

_DURATION_PART = re.compile(
    r"(?P<n>\d+(?:\.\d+)?|an?|one|two|three|four|five|six|seven|eight|nine|ten|half an?)"
    r"[\s-]*(?P<u>days?|hours?|hrs?|h|minutes?|mins?|m)\b",
    re.IGNORECASE,
)
_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "half an": 0.5,
    "half a": 0.5,
}
_DURATION_CUE = re.compile(
    r"\b(duration|lasted|lasting|for (?:about |approximately |roughly |"
    r"around |nearly |over |almost )?(?=\d|an?\b|one|two|three|half)|"
    r"outage of|downtime of|total of)",
    re.IGNORECASE,
)
_PCT = re.compile(r"(?<![\w=.])(?P<n>\d{1,3}(?:\.\d+)?)\s?(?:%|percent\b)", re.IGNORECASE)
_USERS = re.compile(
    r"\b(users?|customers?|clients?|visitors?|requests?|traffic|accounts?|"
    r"subscribers?|people|members?|merchants?|players?|sessions?|userbase|"
    r"user base|population|tenants?|sites?|orders?|transactions?)\b",
    re.I,
)
_NOT_USERS = re.compile(
    r"\b(cpu|memory|disk|slower|faster|increase|decrease|utili[sz]ation|"
    r"load|capacity|uptime|availability|width|height|coverage|error rate)\b",
    re.I,
)
_START_CUE = re.compile(r"\b(start(?:ed|ing)?|began|begin|from|between|onset|since)\b", re.I)
_END_CUE = re.compile(
    r"\b(end(?:ed)?|resolved|restored|until|till|to|through|recovered|fixed)\b", re.I
)
_ROOT = re.compile(r"[^.!?\n]*\broot[- ]cause[^.!?\n]*[.!?]?", re.IGNORECASE)


def duration_of(text: str) -> int | None:
    """Minutes in "2 hours and 45 minutes", "45 min", "1.5 hours", "an hour"."""
    total = 0.0
    found = False
    for m in _DURATION_PART.finditer(text):
        n = m["n"].lower()
        value = _WORDS.get(n) if n in _WORDS else float(n)
        unit = m["u"].lower()
        if value is None:
            continue
        found = True
        if unit.startswith("d"):
            total += value * 1440
        elif unit.startswith("h"):
            total += value * 60
        else:
            total += value
    return round(total) if found else None


def stated_duration(text: str) -> int | None:
    """A duration the text states with a cue ("Duration: 2 hours", "lasted 45 minutes")."""
    for line in text.split("\n"):
        for cue in _DURATION_CUE.finditer(line):
            minutes = duration_of(line[cue.end() : cue.end() + 60])
            if minutes:
                return minutes
    return None


def users_pct(text: str) -> float | None:
    """The headline % of users affected; not ``width=100%``, not "30% slower"."""
    for line in text.split("\n"):
        for m in _PCT.finditer(line):
            window = line[max(0, m.start() - 60) : m.end() + 60]
            after = line[m.end() : m.end() + 40]
            if _NOT_USERS.search(after[:25]) or not _USERS.search(window):
                continue
            value = float(m["n"])
            if value <= 100:
                return value
    return None


def declared_zone(text: str, zones: Mapping[str, int] | None = None) -> Zone | None:
    """A document-level declaration: "All times in PST", "(times are UTC)", "(Kigali time)"."""
    for m in ZONE_DECLARATION_RE.finditer(text):
        if m.group("place"):
            zone = zone_of_place(m.group("place"))
        else:
            zone = zone_from_text(m.group("zone"), zones)
        if zone is not None:
            return zone
    return None


def root_cause_sentence(text: str) -> str | None:
    m = _ROOT.search(text)
    return " ".join(m.group(0).split()) if m else None


def _with_date(found: Found, day: dt.date | None, zone: Zone | None) -> WallTime:
    return WallTime(
        found.time, found.date or day, found.zone or zone, found.date is None and day is not None
    )


def summary_times(
    text: str, day: dt.date | None, zone: Zone | None, zones: Mapping[str, int] | None = None
) -> tuple[WallTime | None, WallTime | None]:
    """Start and end stated by the summary: a range, or start/end cues next to times."""
    start = end = None
    for line in text.split("\n"):
        year = day.year if day else None
        line_dates = find_dates(line, year)
        line_day = line_dates[0][2] if line_dates else day
        for f in find_times(line, year=year, zones=zones):
            if f.until is not None and start is None:
                s = _with_date(f, _date_before(line_dates, f.start) or line_day, zone)
                u_day = _date_before(line_dates, f.until.start) or s.date
                return s, _with_date(f.until, u_day, s.zone)
            before = line[max(0, f.start - 40) : f.start]
            when = _with_date(f, _date_before(line_dates, f.start) or line_day, zone)
            if start is None and _START_CUE.search(before):
                start = when
            elif end is None and _END_CUE.search(before):
                end = when
    return start, end


def _date_before(dates: list[tuple[int, int, dt.date]], pos: int) -> dt.date | None:
    before = [d for s, e, d in dates if e <= pos]
    return before[-1] if before else None


def minutes_between(start: WallTime, end: WallTime) -> int | None:
    if start.date and end.date:
        a = dt.datetime.combine(start.date, start.time)
        b = dt.datetime.combine(end.date, end.time)
        if b < a:
            return None
        return int((b - a).total_seconds() // 60)
    a_min = start.time.hour * 60 + start.time.minute
    b_min = end.time.hour * 60 + end.time.minute
    return (b_min - a_min) % 1440


def from_timeline(entries: Sequence[TimelineEntry]) -> tuple[WallTime | None, WallTime | None]:
    timed = [e.when for e in entries if e.when is not None]
    if len(timed) < 2:
        return (timed[0] if timed else None), None
    return timed[0], timed[-1]


def build(
    summary: str,
    *,
    day: dt.date | None,
    zone: Zone | None,
    entries: Sequence[TimelineEntry],
    zones: Mapping[str, int] | None = None,
) -> Facts:
    start, end = summary_times(summary, day, zone, zones)
    if start is None and end is None:
        start, end = from_timeline(entries)
    duration = stated_duration(summary)
    if duration is None and start is not None and end is not None:
        duration = minutes_between(start, end)
    stated_zone = (start.zone if start else None) or zone
    return Facts(
        start=start,
        end=end,
        duration_minutes=duration,
        zone=stated_zone,
        users_affected_pct=users_pct(summary),
        root_cause=root_cause_sentence(summary),
    )
