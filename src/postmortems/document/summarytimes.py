"""The start and end of an outage as a summary states them ("from 10:00 to 11:30 PST", "began at",
"restored by"), the zone the document declares or writes beside its times, and arithmetic on
wall times."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace

from postmortems.document.dateparse import find_dates
from postmortems.document.model import WallTime
from postmortems.document.parenzone import paren_zone
from postmortems.document.timeparse import HEDGE, Found, find_times
from postmortems.document.wording import any_word
from postmortems.document.zones import (
    LONG_NAMES,
    ZONE_DECLARATION_RE,
    Zone,
    zone_from_text,
    zone_of_place,
)

# Words that mark a time as the start or the end, anywhere in its clause ("the outage began at")
# or right before it ("from 10:00", "to 11:00").
_START_CUE = re.compile(
    r"\b(start(?:ed|ing|s)?|began|begin|onset|commenced|went down|occurred)\b|"
    r"\b(?:from|between|since)\s+(?:" + HEDGE + r"\s+)?\W*$",
    re.I,
)
_END_CUE = re.compile(
    r"\b(end(?:ed|s|ing)?|resolved|restored|reinstated|recovered|fixed|solved|corrected|repaired|"
    r"mitigated|"
    r"back (?:up|online|to)|fully operational|operational again|came back|closed)\b|"
    r"\b(?:until|till|(?<!close )(?<!up )(?<!due )(?<!prior )(?<!next )to|through|by)\s+"
    r"(?:" + HEDGE + r"\s+)?\W*$",
    re.I,
)


def declared_zone(text: str, zones: Mapping[str, int] | None = None) -> Zone | None:
    """A document-level declaration: "All times in PST", "(times are UTC)", "(Kigali time)",
    "(Paris time, CEST)" (the abbreviation says which half of the year)."""
    for m in ZONE_DECLARATION_RE.finditer(text):
        if m.group("place"):
            abbr = zone_from_text(m["abbr"], zones) if m["abbr"] else None
            zone = abbr or zone_of_place(m.group("place"))
        else:
            zone = zone_from_text(m.group("zone"), zones)
        if zone is not None:
            return zone
    return None


def _with_date(found: Found, day: dt.date | None, zone: Zone | None) -> WallTime:
    return WallTime(
        found.time, found.date or day, found.zone or zone, found.date is None and day is not None
    )


# "… at around 2.30PM PST the website was fully operational again", "At 04:40 AM EST, the
# platform was fully restored"
_END_AFTER = re.compile(
    r",?(?:(?!\band\b)(?:[^.;!?,\n]|\.(?=\w))){0,50}?\b(?:was|were|is|are|got|became|came)\s+"
    r"(?:fully\s+|finally\s+|"
    r"completely\s+)?(?:back|restored|resolved|recovered|operational|up and running|fixed|"
    r"stable|mitigated)\b",
    re.IGNORECASE,
)
# "… at around 3am UTC the network halted"
_START_AFTER = re.compile(
    r"(?:(?!\band\b)(?:[^.;!?\n]|\.(?=\w))){0,60}?\b(?:went (?:down|offline|dark)|halted|crashed|"
    r"stalled|"
    r"(?:was|were) (?:down|unavailable|unreachable|offline)|became (?:unavailable|unresponsive|"
    r"unreachable|inaccessible)|stopped (?:working|responding|serving)|started (?:failing|"
    r"returning|to fail))\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?;]\s|\n")


Window = tuple[WallTime, WallTime]


def summary_windows(
    text: str,
    day: dt.date | None,
    zone: Zone | None,
    zones: Mapping[str, int] | None = None,
    *,
    day_first: bool = False,
) -> tuple[WallTime | None, WallTime | None, list[Window]]:
    """Start and end stated by the summary, and the windows it states when it states several.

    A range ("from 10:00 AM to 2:00 PM") gives both, and the ranges joined to it ("and again
    between 13:05 and 13:30") are further windows. Otherwise a time after a start cue ("started
    at", "began") is the start, else the first time stated; a later time after an end cue
    ("resolved by", "until") is the end.
    """
    start = end = None
    first: WallTime | None = None
    lone_end: WallTime | None = None  # "… till about 1300", with no start stated
    year = day.year if day else None
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if not any(c.isdigit() for c in line):
            continue
        line_dates = find_dates(line, year, day_first=day_first)
        line_day = line_dates[0][2] if line_dates else day
        for f in find_times(line, year=year, zones=zones):
            when = _with_date(f, _date_before(line_dates, f.start) or line_day, zone)
            before = _clause_before(line, f.start)
            after = line[f.end : f.end + 80]
            is_start = _starts(before) or bool(_START_AFTER.match(after))
            is_end = not is_start and _ends(before, after)
            if f.until is not None and start is None and not is_end:
                u_day = _date_before(line_dates, f.until.start) or when.date
                until = _with_date(f.until, u_day, when.zone)
                if when.zone is None and until.zone is not None:
                    when = replace(when, zone=until.zone)
                rest = " ".join([line[f.end :], *_wrapped(lines, i)])
                found = _further_windows(rest, (when, _after(when, until)), year, zones, day_first)
                return when, found[-1][1], found
            if start is None and is_start:
                start = when
            elif end is None and is_end and (start is not None or first is not None):
                end = when
            elif first is None and not is_end:
                first = when
            elif is_end and lone_end is None and start is None and first is None:
                lone_end = when
    start = start or first
    if start is None:
        return None, lone_end, []
    if end is not None and _just_before(start, end):
        end = None  # "… backdated to 00:25" after a start at 00:27 is no end of the outage
    if start is not None and end is not None:
        end = _after(start, end)
        if end.zone is None and start.zone is not None:
            end = replace(end, zone=start.zone)
    return start, end, []


# A line that opens a block (a list item, a heading, a table row, a quote) is not a wrapped line.
_BLOCK = re.compile(r"\s*(?:[-*+•]\s|\d{1,3}[.)]\s|#|\||>)")


def _wrapped(lines: Sequence[str], i: int) -> list[str]:
    """The lines that continue ``lines[i]``'s paragraph (a wrapped sentence)."""
    out = []
    for line in lines[i + 1 : i + 4]:
        if not line.strip() or _BLOCK.match(line):
            break
        out.append(line)
    return out


# Between one window and the next: "and", ", and again", "and then again between"
_JOINED = re.compile(
    r"[\s,;]*(?:(?:and|&)\s+)?(?:(?:then\s+)?again\s+|once more\s+|a second time\s+)?"
    r"(?:between|from)?\s*",
    re.IGNORECASE,
)
# "… It went down again from 13:05 to 13:30": a later window, told in a sentence of its own
_AGAIN = any_word(r"again|once more|a second time|another (?:outage|window|period|spell)")
_GAP = 80  # the most characters between two windows of one statement


def _further_windows(
    rest: str,
    first: Window,
    year: int | None,
    zones: Mapping[str, int] | None,
    day_first: bool,
) -> list[Window]:
    """``first`` and the windows joined to it in ``rest`` (the text after it): each a range,
    after the window before it, joined to it by "and" or said to come "again"."""
    windows = [first]
    dates = find_dates(rest, year, day_first=day_first)
    pos = 0
    for f in find_times(rest, year=year, zones=zones):
        gap = rest[pos : f.start]
        joined = _JOINED.fullmatch(gap) or (len(gap) <= _GAP and _AGAIN.search(gap))
        if f.until is None or not joined:
            break
        prev, written = windows[-1][1], f.date or _date_before(dates, f.start)
        when = _following(prev, _with_date(f, written or prev.date, None), written is not None)
        if when is None:
            break
        u_day = _date_before(dates, f.until.start) or when.date
        until = _with_date(f.until, u_day, when.zone or prev.zone)
        when = replace(when, zone=when.zone or until.zone or prev.zone)
        windows.append((when, _after(when, until)))
        pos = f.end
    return windows


def _following(prev: WallTime, when: WallTime, written: bool) -> WallTime | None:
    """``when`` as the start of a window after one that ended at ``prev``: on the next day when
    its clock is earlier by an hour or more and its date is not ``written`` (23:50, then 00:10);
    None when it is not after ``prev``."""
    if when.date is not None and prev.date is not None and when.date != prev.date:
        return when if when.date > prev.date else None
    if when.time > prev.time:
        return when
    if written or _just_before(prev, when) or when.time == prev.time:
        return None
    if when.date is None:
        return when
    return replace(when, date=when.date + dt.timedelta(days=1), date_inferred=True)


# "all good since 4:02pm", "have worked normally since 11:35 AM": since the recovery, the end
_RECOVERED_SINCE = re.compile(
    r"\b(?:good|normal(?:ly)?|fine|stable|healthy|working|ok(?:ay)?|green|quiet|"
    r"no (?:errors?|alerts?|issues?|problems?))\s+(?:ever\s+)?since\s+(?:" + HEDGE + r"\s+)?\W*$",
    re.IGNORECASE,
)


def _ends(before: str, after: str) -> bool:
    """An end cue before a time ("until", "all good since"), or after it ("… was restored")."""
    return bool(
        _END_CUE.search(before) or _RECOVERED_SINCE.search(before) or _END_AFTER.match(after)
    )


def _starts(before: str) -> bool:
    """A start cue before a time, unless an end cue comes after it: in "started at 2:11 AM and
    ended at 09:30 AM" the nearer "ended" marks 09:30."""
    cues = list(_START_CUE.finditer(before))
    if not cues or _RECOVERED_SINCE.search(before):
        return False
    return not any(m.start() >= cues[-1].end() for m in _END_CUE.finditer(before))


def _clause_before(line: str, pos: int) -> str:
    """The words before a time in its sentence (at most 50 characters)."""
    before = line[max(0, pos - 50) : pos]
    cut = [m.end() for m in _SENTENCE_END.finditer(before)]
    return before[cut[-1] :] if cut else before


def _just_before(start: WallTime, end: WallTime) -> bool:
    """An end less than an hour before the start on the clock: not a midnight crossing."""
    a = start.time.hour * 60 + start.time.minute
    b = end.time.hour * 60 + end.time.minute
    return (start.date is None or end.date is None or end.date == start.date) and 0 < a - b < 60


def _after(start: WallTime, end: WallTime) -> WallTime:
    """An end earlier than the start on an inferred date is on the next day (midnight), unless
    their zones say it is later (from 01:20 PDT to 01:00 PST: the clocks went back)."""
    if (
        start.date is not None
        and end.date is not None
        and end.date == start.date
        and end.time < start.time
        and not _later_by_offsets(start, end)
    ):
        return replace(end, date=end.date + dt.timedelta(days=1), date_inferred=True)
    return end


def _later_by_offsets(start: WallTime, end: WallTime) -> bool:
    """Whether two times written with fixed offsets (PDT, PST, UTC-7) are in order as instants."""
    zones = (start.zone, end.zone)
    if any(z is None or z.offset is None for z in zones):
        return False
    a, b = start.aware, end.aware
    return a is not None and b is not None and b >= a


def first_zone(texts: Sequence[str], zones: Mapping[str, int] | None = None) -> Zone | None:
    """The first zone written next to a time in these texts, else one written in parentheses
    ("Duration: 45 minutes (PST)", "| Time (UTC) |"), else a zone named in words ("an outage
    that began this morning Eastern time")."""
    for text in texts:
        for f in find_times(text, zones=zones):
            if f.zone is not None:
                return f.zone
            if f.until is not None and f.until.zone is not None:
                return f.until.zone
    return paren_zone(texts, zones) or _named_zone(texts)


# "Eastern time", "Central European Summer Time": a zone's name in words, which no other word
# shares (unlike "ET" or "Eastern" alone).
_NAMED_ZONE = re.compile(
    r"\b(?:"
    + "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in sorted(LONG_NAMES, key=len)[::-1])
    + r")\b",
    re.IGNORECASE,
)


def _named_zone(texts: Sequence[str]) -> Zone | None:
    for text in texts:
        for m in _NAMED_ZONE.finditer(text):
            if m[0].lower().endswith("time"):
                return zone_from_text(" ".join(m[0].split()))
    return None


def _date_before(dates: list[tuple[int, int, dt.date]], pos: int) -> dt.date | None:
    before = [d for s, e, d in dates if e <= pos]
    return before[-1] if before else None


def minutes_between(start: WallTime, end: WallTime) -> int | None:
    a_at, b_at = start.aware, end.aware
    if a_at is not None and b_at is not None:  # instants: "01:45 CEST to 02:45 CET" is 2 h
        gap = b_at.astimezone(dt.UTC) - a_at.astimezone(dt.UTC)
        return None if gap < dt.timedelta(0) else int(gap.total_seconds() // 60)
    if start.date and end.date:
        a = dt.datetime.combine(start.date, start.time)
        b = dt.datetime.combine(end.date, end.time)
        if b < a:
            return None
        return int((b - a).total_seconds() // 60)
    a_min = start.time.hour * 60 + start.time.minute
    b_min = end.time.hour * 60 + end.time.minute
    return (b_min - a_min) % 1440


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
