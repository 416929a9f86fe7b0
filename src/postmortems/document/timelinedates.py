"""The dates and times a timeline's lines state: date lines, a date in brackets after a stamp, the
first day of a range, a time in a label or anywhere in a short text, a mistyped numeric stamp."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

from postmortems.document.dateparse import find_dates
from postmortems.document.lines import Line, LineKind
from postmortems.document.timelinedraft import Context, _Draft
from postmortems.document.timeparse import Found, find_times, leading_date, leading_time
from postmortems.document.zones import ZONE_DECLARATION_RE

# What a date line may hold besides its date: punctuation, weekdays, "on", "day", numbers.
_DATE_LINE_WORDS = re.compile(r"[\W_]+|\b(?:on|day|\d+|mon|tue|wed|thu|fri|sat|sun)\w*\b", re.I)


# After a date, a colon or a dash and a word: the date's entry says what happened.
_SAYS_WHAT = re.compile(r"[*_]*[^\S\n]*(?::|[-–—][^\S\n])[*_]*[^\S\n]*[A-Za-z]")


def _date_line(line: Line, ctx: Context) -> dt.date | None:
    """A line that only states a date ("_4/21/23_", "**December 18, 2023**", "### Day 1")."""
    text = line.text if line.kind in (LineKind.HEADING, LineKind.LIST) else line.raw.strip()
    if len(text) > 60 or line.kind is LineKind.TABLE:
        return None
    dates = find_dates(text, ctx.year, day_first=ctx.day_first)
    if len(dates) != 1 or leading_time(text) is not None:
        return None
    if _SAYS_WHAT.match(text, dates[0][1]):
        return None  # "**Feb 05, 2021:** Disclosure": what happened that day, an entry
    # "### 03-10-2021 (All times CEST)": the zone declared beside the date is no other text
    leftover = ZONE_DECLARATION_RE.sub("", text[: dates[0][0]] + text[dates[0][1] :])
    if len(_DATE_LINE_WORDS.sub("", leftover)) > 12:
        return None
    return dates[0][2]


_DATE_AFTER = re.compile(r"[\s*_]*\(([^()]{3,30})\)")


def _date_after(text: str, found: Found, ctx: Context) -> Found:
    """ "22:30 UTC (Oct 29) - …": a date in brackets right after a stamp dates it."""
    m = _DATE_AFTER.match(text, found.end)
    if found.date is not None or m is None:
        return found
    dates = find_dates(m[1], ctx.year, day_first=ctx.day_first)
    if not dates or len(m[1].strip()) - (dates[0][1] - dates[0][0]) > 4:
        return found
    return replace(found, end=m.end(), date=dates[0][2])


def _time_from_text(d: _Draft, ctx: Context) -> None:
    """An untimed entry takes the first time its text states (anywhere under a sub-heading); a
    sub-heading without a date takes the date its text opens with ("On 15 April, …")."""
    text = " ".join(d.parts)
    d.found = _time_in(text, ctx, limit=None if d.heading else 200)
    if d.found is not None and d.found.date is not None:
        d.day, d.day_stated = d.found.date, True
    elif d.heading and not d.day_stated and len(d.parts) > 1:
        dates = find_dates(d.parts[1][:80], ctx.year, day_first=ctx.day_first)
        if dates:
            d.day, d.day_stated = dates[0][2], True


_RANGE_START = re.compile(r"^\W*(\d{1,2})\s*(?:[-–—]|to)\s*(?=\d{1,2}\b)")
_RANGE_WORD = re.compile(r"^\W*(?:between|from|since|on|around|circa)\s+", re.IGNORECASE)


def _leading_day(text: str, ctx: Context) -> dt.date | None:
    """The date a heading or row opens with; of a range ("20–24 August: …", "Between 2023-07-10
    and 2023-07-16") its first day."""
    text = _RANGE_WORD.sub("", text, count=1)
    m = _RANGE_START.match(text)
    found = leading_date(text[m.end() :] if m else text, year=ctx.year, day_first=ctx.day_first)
    if found is None:
        return None
    if m is None:
        return found[1]
    try:
        return found[1].replace(day=int(m[1]))
    except ValueError:
        return None


_LABEL_HEAD = re.compile(r"^[-*+\s]*+(?:\*\*|__)?(?P<label>[^:*_]{1,80}?)(?:\*\*|__)?\s*:\s")


def _time_in_label(text: str, ctx: Context) -> Found | None:
    """ "**Issue Detection (November 10, 2023, 8:00 PM)**: …" → the time in the label."""
    m = _LABEL_HEAD.match(text)
    if not m or not any(c.isdigit() for c in m["label"]):
        return None
    times = find_times(m["label"], year=ctx.year, zones=ctx.zones)
    if not times:
        return None
    t = times[0]
    dates = find_dates(m["label"], ctx.year, day_first=ctx.day_first)
    day = t.date or (dates[0][2] if dates else None)
    return Found(0, m.end(), t.time, day, t.zone, t.until)


_NUMERIC_STAMP = re.compile(r"^[-*+\s]*\d{1,4}(?:[/.-]\d{1,4}){1,2}\s*[-–—:]\s+\S")


def _stamp_like(text: str) -> tuple[int, dt.date | None] | None:
    """ "11/03/202 - Version released": a mistyped date still opens an entry."""
    m = _NUMERIC_STAMP.match(text)
    return (m.end() - 1, None) if m else None


def _time_in(text: str, ctx: Context, limit: int | None = 200) -> Found | None:
    """The first time anywhere in a short text ("The issue was detected at 9:00 AM")."""
    times = find_times(text[:limit], year=ctx.year, zones=ctx.zones)
    return times[0] if times else None
