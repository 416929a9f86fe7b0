"""Summary facts: start, end, duration, timezone, % of users affected, the root-cause sentence."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace

from postmortems.document.model import Facts, TimelineEntry, WallTime
from postmortems.document.timeparse import ZONE_PATTERN, Found, find_dates, find_times
from postmortems.document.zones import ZONE_DECLARATION_RE, Zone, zone_from_text, zone_of_place

_DURATION_PART = re.compile(
    r"(?:(?<![\w.:])|(?<=\dh))"  # "1h50m": the minutes follow the hours
    r"(?:(?P<n>\d+(?:\.\d+)?|(?:twenty|thirty|forty|fifty|sixty)(?:[- ](?:one|two|"
    r"three|four|five|six|seven|eight|nine))?|an?|one|two|three|four|five|six|seven|eight|nine|"
    r"ten|eleven|twelve|half an?)(?:\s+|-|(?<=\d))(?P<u>days?|hours?|hrs?|minutes?|mins?)|"
    r"(?P<n2>\d+(?:\.\d+)?)(?P<u2>h|m))(?:\b|(?<=h)(?=\d+m\b))",
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
    "eleven": 11,
    "twelve": 12,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "half an": 0.5,
    "half a": 0.5,
}
# A stated duration: strong cues name the outage's length; "for 15 minutes" may be any event's.
_APPROX = r"(?:about |approximately |roughly |around |nearly |over |almost |~\s?)?"
_DURATION_CUE = re.compile(
    r"\b(duration|lasted|lasting|outage of|downtime of|total(?:ing|ling|ed)?(?: of)?|took)\b"
    r"[^.\n\d]{0,25}?",
    re.IGNORECASE,
)
_WEAK_DURATION_CUE = re.compile(
    r"\bfor " + _APPROX + r"(?=\d|an?\b|one|two|three|half)", re.IGNORECASE
)
_JOIN = re.compile(r"[\s,]*(?:and\s+)?")
_PCT = re.compile(r"(?<![\w=.])(?P<n>\d{1,3}(?:\.\d+)?)\s?(?:%|percent\b)", re.IGNORECASE)
_USERS = re.compile(
    r"\b(users?|customers?|clients?|visitors?|requests?|traffic|accounts?|"
    r"subscribers?|people|members?|merchants?|players?|sessions?|userbase|"
    r"user base|population|tenants?|sites?|orders?|transactions?|logins?|sign-?ins?|"
    r"attempts|calls|queries|page ?views|websites?)\b",
    re.I,
)
# "all users", "every customer": 100% when no percentage is written (the guide's rule)
_ALL_USERS = re.compile(
    r"\b(?:all|every(?:one of)?)\s+(?:of\s+)?(?:our\s+|the\s+|its\s+)?(?:users?|customers?|"
    r"visitors?)\b",
    re.I,
)
_NOT_USERS = re.compile(
    r"\b(cpu|memory|disk|slower|faster|increase|decrease|utili[sz]ation|"
    r"load|capacity|uptime|availability|width|height|coverage|error rate|degradation|degraded|"
    r"drop|reduction|decline|loss|less|more|latency)\b",
    re.I,
)
# Words that mark a time as the start or the end, anywhere in its clause ("the outage began at")
# or right before it ("from 10:00", "to 11:00").
_START_CUE = re.compile(
    r"\b(start(?:ed|ing|s)?|began|begin|onset|commenced|went down|occurred)\b|"
    r"\b(?:from|between|since)\s+(?:approximately\s+|about\s+|around\s+)?\W*$",
    re.I,
)
_END_CUE = re.compile(
    r"\b(end(?:ed|s|ing)?|resolved|restored|recovered|fixed|solved|mitigated|back (?:up|online|to)|"
    r"fully operational|operational again|came back|closed)\b|"
    r"\b(?:until|till|(?<!close )(?<!up )(?<!due )(?<!prior )(?<!next )to|through|by)\s+"
    r"(?:approximately\s+|about\s+|around\s+)?\W*$",
    re.I,
)
_ROOT = re.compile(r"\broot[- ]?cause", re.IGNORECASE)


def _number(word: str) -> float | None:
    """``45``, ``1.5``, ``an``, ``twenty-four``."""
    if word[:1].isdigit():
        return float(word)
    parts = re.split(r"[- ]", word)
    if len(parts) == 2 and parts[0] in _WORDS and parts[1] in _WORDS:
        return _WORDS[parts[0]] + _WORDS[parts[1]]
    return _WORDS.get(word)


def duration_of(text: str) -> int | None:
    """Minutes in "2 hours and 45 minutes", "45 min", "1.5 hours", "an hour"."""
    total = 0.0
    found = False
    last_end: int | None = None
    for m in _DURATION_PART.finditer(text):
        if last_end is not None and not _JOIN.fullmatch(text, last_end, m.start()):
            break  # "15 minutes. Restored at 2115hrs": only the parts written together count
        last_end = m.end()
        n = (m["n"] or m["n2"]).lower()
        value = _number(n)
        unit = (m["u"] or m["u2"]).lower()
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


def stated_duration(text: str, *, weak: bool = False) -> int | None:
    """A duration the text states with a cue ("Duration: 2 hours", "lasted 45 minutes"); with
    ``weak``, also "for 15 minutes"."""
    cue_re = _WEAK_DURATION_CUE if weak else _DURATION_CUE
    for line in text.split("\n"):
        for cue in cue_re.finditer(line):
            minutes = duration_of(line[cue.end() : cue.end() + 60].lstrip(" :*_-~"))
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


def all_users(text: str) -> bool:
    return bool(_ALL_USERS.search(text))


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


_BREAK = re.compile(r"[.!?](?=\s|$)|\n[ \t]*\n|\n[ \t]*(?:[-*+]\s|\d{1,3}[.)]\s|#)")


def root_cause_sentence(text: str) -> str | None:
    """The sentence that names the root cause, its wrapped lines joined."""
    m = _ROOT.search(text)
    if not m:
        return None
    start = 0
    for b in _BREAK.finditer(text, max(0, m.start() - 800), m.start()):
        start = b.end()
    end_match = _BREAK.search(text, m.end())
    end = (
        len(text)
        if end_match is None
        else end_match.start() + (1 if end_match.group(0)[:1] in ".!?" else 0)
    )
    sentence = " ".join(text[start:end].split())
    return sentence.lstrip("-*+#>: ").strip() or None


def _with_date(found: Found, day: dt.date | None, zone: Zone | None) -> WallTime:
    return WallTime(
        found.time, found.date or day, found.zone or zone, found.date is None and day is not None
    )


# "… at around 2.30PM PST the website was fully operational again"
_END_AFTER = re.compile(
    r"(?:(?!\band\b)[^.;!?,\n]){0,50}?\b(?:was|were|is|are|got|became|came)\s+(?:fully\s+|finally\s+|"
    r"completely\s+)?(?:back|restored|resolved|recovered|operational|up and running|fixed|"
    r"stable|mitigated)\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?;]\s|\n")


def summary_times(
    text: str, day: dt.date | None, zone: Zone | None, zones: Mapping[str, int] | None = None
) -> tuple[WallTime | None, WallTime | None]:
    """Start and end stated by the summary.

    A range ("from 10:00 AM to 2:00 PM") gives both. Otherwise a time after a start cue
    ("started at", "began") is the start, else the first time stated; a later time after an end
    cue ("resolved by", "until") is the end.
    """
    start = end = None
    first: WallTime | None = None
    year = day.year if day else None
    for line in text.split("\n"):
        if not any(c.isdigit() for c in line):
            continue
        line_dates = find_dates(line, year)
        line_day = line_dates[0][2] if line_dates else day
        for f in find_times(line, year=year, zones=zones):
            when = _with_date(f, _date_before(line_dates, f.start) or line_day, zone)
            before = _clause_before(line, f.start)
            is_start = bool(_START_CUE.search(before))
            after = line[f.end : f.end + 80]
            is_end = not is_start and bool(_END_CUE.search(before) or _END_AFTER.match(after))
            if f.until is not None and start is None and not is_end:
                u_day = _date_before(line_dates, f.until.start) or when.date
                until = _with_date(f.until, u_day, when.zone)
                if when.zone is None and until.zone is not None:
                    when = replace(when, zone=until.zone)
                return when, _after(when, until)
            if start is None and is_start:
                start = when
            elif end is None and is_end and (start is not None or first is not None):
                end = when
            elif first is None and not is_end:
                first = when
    start = start or first
    if start is not None and end is not None:
        end = _after(start, end)
        if end.zone is None and start.zone is not None:
            end = replace(end, zone=start.zone)
    return start, end


def _clause_before(line: str, pos: int) -> str:
    """The words before a time in its sentence (at most 50 characters)."""
    before = line[max(0, pos - 50) : pos]
    cut = [m.end() for m in _SENTENCE_END.finditer(before)]
    return before[cut[-1] :] if cut else before


def _after(start: WallTime, end: WallTime) -> WallTime:
    """An end earlier than the start on an inferred date is on the next day (midnight)."""
    if (
        start.date is not None
        and end.date is not None
        and end.date == start.date
        and end.time < start.time
    ):
        return replace(end, date=end.date + dt.timedelta(days=1), date_inferred=True)
    return end


def first_zone(texts: Sequence[str], zones: Mapping[str, int] | None = None) -> Zone | None:
    """The first zone written next to a time in these texts, else one written in parentheses
    ("Duration: 45 minutes (PST)", "| Time (UTC) |")."""
    for text in texts:
        for f in find_times(text, zones=zones):
            if f.zone is not None:
                return f.zone
            if f.until is not None and f.until.zone is not None:
                return f.until.zone
    for text in texts:
        for m in _PAREN_ZONE.finditer(text):
            word = m["zone"]
            if word.isalpha() and len(word) <= 4 and not word.isupper():
                continue
            zone = zone_from_text(word, zones)
            if zone is not None:
                return zone
    return None


_PAREN_ZONE = re.compile(
    r"\((?:all\s+)?(?:times?\s+(?:in\s+)?)?(?P<zone>" + ZONE_PATTERN + r")\)", re.IGNORECASE
)


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


_BEGINS = re.compile(
    r"\b(?:incident|outage|impact|downtime)\s+(?:begins|began|starts|started)\b", re.IGNORECASE
)
_ENDS = re.compile(
    r"\b(?:incident|outage|impact|downtime)\s+(?:ends|ended|is over|over)\b", re.IGNORECASE
)


def from_timeline(entries: Sequence[TimelineEntry]) -> tuple[WallTime | None, WallTime | None]:
    """The first and the last timed entries, unless entries say "INCIDENT BEGINS" / "… ENDS"."""
    timed = [e for e in entries if e.when is not None]
    if not timed:
        return None, None
    first = next((e for e in timed if _BEGINS.search(e.text)), timed[0])
    last = next((e for e in reversed(timed) if _ENDS.search(e.text)), timed[-1])
    if len(timed) < 2:
        return first.when, None
    return first.when, last.when


def build(
    sources: Sequence[str],
    *,
    day: dt.date | None,
    zone: Zone | None,
    entries: Sequence[TimelineEntry],
    zones: Mapping[str, int] | None = None,
    timeline_text: str = "",
    timeline_notes: str = "",
) -> Facts:
    """Facts from the first source that states them (summary, then the head of the document),
    else from the timeline."""
    start = end = None
    for text in sources:
        start, end = summary_times(text, day, zone, zones)
        if start is not None or end is not None:
            break
    duration = next((d for t in sources if (d := stated_duration(t)) is not None), None)
    weak = next((d for t in sources if (d := stated_duration(t, weak=True)) is not None), None)
    if start is None and end is None:
        # "**Total impact duration:** 5 hours 26 minutes (10:45 - 16:11 UTC)" under the timeline
        window = "\n".join(x for x in timeline_notes.split("\n") if _DURATION_CUE.search(x))
        start, end = summary_times(window, day, zone, zones) if window else (None, None)
        if start is None or end is None:
            start, end = from_timeline(entries)
        if start is None:
            start = next(iter(find_times_walltime(timeline_text, day, zone, zones)), None)
        if start is not None and end is None and duration is not None:
            end = plus_minutes(start, duration)
    elif start is not None and end is None:
        if duration is not None or weak is not None:
            end = plus_minutes(start, duration if duration is not None else weak or 0)
        else:
            _s, last = from_timeline(entries)
            if last is not None and _later(start, last):
                end = last
    if duration is None and start is not None and end is not None:
        duration = minutes_between(start, end)
    if duration is None:
        duration = weak
    pct = next((p for t in sources if (p := users_pct(t)) is not None), None)
    if pct is None and any(all_users(t) for t in sources):
        pct = 100.0
    root = None
    for text in sources:
        root = root_cause_sentence(text)
        if root is not None:
            break
    return Facts(
        start=_zoned(start, zone),
        end=_zoned(end, zone),
        duration_minutes=duration,
        zone=zone,
        users_affected_pct=pct,
        root_cause=root,
    )


def plus_minutes(when: WallTime, minutes: int) -> WallTime:
    """The wall time ``minutes`` after ``when`` (the date moves when it is known)."""
    base = dt.datetime.combine(when.date or dt.date(2000, 1, 1), when.time)
    later = base + dt.timedelta(minutes=minutes)
    return WallTime(
        later.time(), later.date() if when.date else None, when.zone, when.date_inferred
    )


def _later(start: WallTime, end: WallTime) -> bool:
    if start.date and end.date:
        return dt.datetime.combine(end.date, end.time) > dt.datetime.combine(start.date, start.time)
    return True


def _zoned(when: WallTime | None, zone: Zone | None) -> WallTime | None:
    if when is None or when.zone is not None or zone is None:
        return when
    return replace(when, zone=zone)


def find_times_walltime(
    text: str, day: dt.date | None, zone: Zone | None, zones: Mapping[str, int] | None
) -> list[WallTime]:
    year = day.year if day else None
    return [_with_date(f, day, zone) for f in find_times(text, year=year, zones=zones)]
