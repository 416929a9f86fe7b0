"""Finding times, dates, ranges and zones in free text.

Our own regular expressions (not dateutil: it inverts ``GMT+1``; not pendulum: it takes unknown
zones for UTC). Handles ``14:05``, ``2:05 PM``, ``13:20PM``, ``3:AM``, ``2100hrs WAT``,
``2024-02-12T08:19:34+0100``, ``10:00 AM - 2:00 PM``, ``December 18, 2023``, ``18/12/2023``.
Dates are found by :mod:`postmortems.document.dateparse`; where a time or a date may start, by
:mod:`postmortems.document.textscan`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from postmortems.document.dateparse import _date_of, _make_date, date_matches, find_dates
from postmortems.document.textscan import _digit_starts, _scan, folded
from postmortems.document.zones import ABBREVIATIONS, GENERIC, LONG_NAMES, Zone, zone_from_text

_ZONE_WORDS = sorted([*ABBREVIATIONS, *GENERIC], key=len, reverse=True)
_LONG = sorted(LONG_NAMES, key=len, reverse=True)
ZONE_PATTERN = (
    r"(?:(?:UTC|GMT)\s?[+\-−]\s?\d{1,2}(?::?\d{2})?"
    r"|\+\d{2}:?\d{2}"  # "-11:00" after a time is the end of a range, not an offset
    r"|(?:" + "|".join(re.escape(w) for w in _LONG) + r")"
    r"|(?:" + "|".join(w for w in _ZONE_WORDS if w.isalpha()) + r"))"
)
_ZONE_AFTER = re.compile(
    r"\s*(?:\(\s*)?(?P<zone>" + ZONE_PATTERN + r")(?![A-Za-z])(?:\s*\))?",
    re.IGNORECASE,
)

# A hedge before a time: "from at least midnight", "until approximately 1300"
HEDGE = r"(?:about|approximately|approx\.|around|roughly|circa|at\s+least|as\s+early\s+as)"

# "3p" only where a stamp can end ("3p -", "3p PST"): "Pixel 5a with" is no time
_AMPM = (
    r"(?P<ampm>[ap]\.?\s?m\.?(?![a-z])|[ap](?![a-z])(?=\s*(?:[-–—:,.)\]|]|$|(?-i:[A-Z]{2,5}\b))))"
)
TIME_RE = re.compile(
    "|".join(
        [
            # ISO 8601 date-time: 2024-02-12T08:19:34+0100, 2024-02-12 08:19
            r"(?P<isodate>(?:19|20)\d{2}-[01]\d-[0-3]\d)[T ](?P<ih>[0-2]\d):(?P<imin>[0-5]\d)"
            r"(?::[0-5]\d(?:\.\d+)?)?(?:\s?" + _AMPM.replace("ampm", "ampm0") + r")?"
            r"(?P<ioff>Z|[+\-]\d{2}:?\d{2})?",
            # 14:05, 2:05 PM, 13:20PM, 3:AM, 10:45:33
            r"(?<![\d:.])(?P<h>[01]?\d|2[0-4])\s?:\s?(?P<m>[0-5]\d)?(?::[0-5]\d)?(?!\d)"
            r"(?:\s?" + _AMPM.replace("ampm", "ampm1") + r")?",
            # at midnight, at noon, from at least midnight
            r"\b(?:at|by|around|until|from|since)\s+(?:" + HEDGE + r"\s+)?"
            r"(?P<word>midnight|noon|midday)\b",
            # 2.30PM (a dot only with am/pm: "1.5 hours" is no time)
            r"(?<![\d:.])(?P<h4>1[0-2]|0?[1-9])\.(?P<m4>[0-5]\d)\s?"
            + _AMPM.replace("ampm", "ampm4"),
            # 3 PM, 3pm, 11 a.m.
            r"(?<![\d:.,])(?P<h2>1[0-2]|0?[1-9])\s?" + _AMPM.replace("ampm", "ampm2"),
            # 2100hrs, 2100 hrs, 0930h
            r"(?<![\d:])(?P<h3>[01]\d|2[0-3])(?P<m3>[0-5]\d)\s?(?:hrs|hours|hr|h)\b",
            # 10h47 CEST (the French way; only with a zone: "2h30" alone may be a duration; a
            # range "14h02 to 15h10" is _H_RANGE's)
            r"(?<![\d:.])(?P<h5>[01]\d|2[0-3])h(?P<m5>[0-5]\d)(?=\s?\(?(?-i:[A-Z]{2,5})\b)",
            # 08.45 UTC (a dot only with UTC or GMT after it: "10.12 LTS" is a version)
            r"(?<![\d:.])(?P<h6>[01]\d|2[0-3])\.(?P<m6>[0-5]\d)(?=\s?(?-i:UTC|GMT)\b)",
        ]
    ),
    re.IGNORECASE,
)
# "1400 UTC": four digits followed by a zone (kept apart: "2023 UTC" is not a time).
_HHMM_ZONE = re.compile(r"(?<![\d:/.-])(?P<h>[01]\d|2[0-3])(?P<m>[0-5]\d)(?=\s?(?:UTC|GMT|Z)\b)")
_HHMM_RANGE = re.compile(
    r"(?<![\d:/.-])(?P<h1>[01]\d|2[0-3])(?P<m1>[0-5]\d)\s?(?:hrs?)?(?:\s?[-–—]\s?|\s+(?:to|and|until)\s+)"
    r"(?P<h2>[01]\d|2[0-3])(?P<m2>[0-5]\d)(?P<hrs>\s?hrs?\b)?(?![\d:/.-])"
)
# "14h02 to 15h10", "9h05-9h40": a range of times written the French way (one such time alone,
# without a zone, may be a length).
_H_RANGE = re.compile(
    r"(?<![\d:.])(?P<h1>[01]?\d|2[0-3])h(?P<m1>[0-5]\d)\s?(?:[-–—]|to|until|till)\s?"
    r"(?P<h2>[01]?\d|2[0-3])h(?P<m2>[0-5]\d)(?!\d)",
    re.IGNORECASE,
)
# Four digits after a word that introduces a time, with no zone: "until about 1300" (a year such
# as "by 2030" is left alone).
_HHMM = re.compile(
    r"(?<![\d:/.,-])(?P<h>[01]\d|2[0-3])(?P<m>[0-5]\d)(?![\d:/.,-]?\d)(?!\s?%)"
    r"(?!\s+(?:per|of|[a-z]+s)\b)"  # "at 1200 requests per second" is a count
)
_WORD_BEFORE = re.compile(
    r"\b(?:at|by|from|until|till|since)\s+(?:" + HEDGE + r"\s+)?$",
    re.IGNORECASE,
)
# A value something is set to or stays at ("set at 1500", "capped at 2000", "peaked at 1800").
_SETTING_BEFORE = re.compile(
    r"\b(?:set|configured|capped|limited|kept|held|pinned|fixed|defaulted|stayed|remained|"
    r"stood|peaked|plateaued|maxed out|topped out|hovered|hovering)\s+"
    r"(?:(?:at|to)\s+)(?:" + HEDGE + r"\s+)?$",
    re.IGNORECASE,
)
_TIME_WORD = re.compile(r"\b(?:at|by|from|until|till|to|around|since|and)\s+$|[-–~]\s*$", re.I)
_RANGE_SEP = re.compile(
    r"\s*(?:-|–|—|~|to|until|till|through|and)\s*(?:" + HEDGE + r"\s+)?",
    re.IGNORECASE,
)
# "2:00 PM to May 15, 2023, 3:30 PM", "8:00 PM - November 11, 2023, 2:00 AM", "7:55 PT to 9/11 6:00"
_RANGE_GAP = re.compile(
    r"[\s*_,)]*(?:-|–|—|~|to|until|till|through)\s*(?:the\s+)?(?P<date>.{0,40}?)"
    r"[\s,*_]*(?:at\s+|@\s*)?",
    re.IGNORECASE,
)
_CLOCK_WORD_TIME = re.compile(
    r"\b(?:at|by|around|until|from|since)\s+(?:" + HEDGE + r"\s+)?(?:midnight|noon|midday)\b",
    re.IGNORECASE,
)


def _has_clock_word(text: str) -> bool:
    low = folded(text)
    return "noon" in low or "midnight" in low or "midday" in low


def _time_starts(text: str) -> list[int]:
    starts = _digit_starts(text)
    if _has_clock_word(text):
        words = [m.start() for m in _CLOCK_WORD_TIME.finditer(text)]
        return sorted(starts + words)
    return starts


@dataclass
class Found:
    """A time found in text, with the date and zone written next to it."""

    start: int
    end: int
    time: dt.time
    date: dt.date | None = None
    zone: Zone | None = None
    until: Found | None = None


def _zone_at(text: str, pos: int, extra: Mapping[str, int] | None) -> tuple[Zone | None, int]:
    m = _ZONE_AFTER.match(text, pos)
    if not m:
        return None, pos
    word = m["zone"]
    # A bare "at" or "ET" inside prose would be too eager: require upper case for short words.
    if word.isalpha() and len(word) <= 4 and not word.isupper():
        return None, pos
    return zone_from_text(word, extra), m.end()


_ON_DATE = re.compile(r"\s?(?:on\s+|,\s*)(?:the\s+)?")


def _date_after(text: str, pos: int) -> tuple[re.Match[str], int] | None:
    """The date written right after a time ("01:10 on 2024-09-30"), read in the 40 characters
    after "on", and where it ends in ``text``."""
    on = _ON_DATE.match(text, pos)
    if on is None:
        return None
    date = next(date_matches(text[on.end() : on.end() + 40]), None)
    return (date, on.end() + date.end()) if date is not None and date.start() == 0 else None


def _zone_after_date(text: str, pos: int, zones: Mapping[str, int] | None) -> Zone | None:
    """The zone written after the date that follows a time ("01:10 on 2024-09-30 (CEST)")."""
    dated = _date_after(text, pos)
    return _zone_at(text, dated[1], zones)[0] if dated is not None else None


def _clock(m: re.Match[str]) -> tuple[int, int] | None:
    if m["isodate"]:
        hour, minute, ampm = int(m["ih"]), int(m["imin"]), m["ampm0"]
    elif m["word"] is not None:
        return (0 if m["word"].lower() == "midnight" else 12), 0
    elif m["h"] is not None:
        hour, minute, ampm = int(m["h"]), int(m["m"] or 0), m["ampm1"]
    elif m["h2"] is not None:
        hour, minute, ampm = int(m["h2"]), 0, m["ampm2"]
    elif m["h4"] is not None:
        hour, minute, ampm = int(m["h4"]), int(m["m4"]), m["ampm4"]
    elif m["h5"] is not None:
        hour, minute, ampm = int(m["h5"]), int(m["m5"]), None
    elif m["h6"] is not None:
        hour, minute, ampm = int(m["h6"]), int(m["m6"]), None
    else:
        hour, minute, ampm = int(m["h3"]), int(m["m3"]), None
    if ampm and hour <= 12:  # "13:20PM" is already 24-hour: keep it
        pm = ampm[0].lower() == "p"
        hour = (hour % 12) + (12 if pm else 0)
    if hour == 24 and minute == 0:
        hour = 0
    if hour > 23:
        return None
    return hour, minute


def _iso_offset(text: str | None) -> Zone | None:
    if text is None:
        return None
    if text.upper() == "Z":
        return Zone("UTC", offset=0)
    return zone_from_text("UTC" + text)


def _colonless_ranges(
    text: str, starts: list[int], zones: Mapping[str, int] | None, raw: list[Found]
) -> Iterator[Found]:
    """Ranges written without a colon: "0900–1300 PST" (with a zone or "hrs"), "14h02 to 15h10"."""
    for m in [*_scan(_HHMM_RANGE, text, starts), *_scan(_H_RANGE, text, starts)]:
        if any(f.start <= m.start() < f.end for f in raw):
            continue
        zone, end = _zone_at(text, m.end(), zones)
        if zone is None and m.re is _HHMM_RANGE and not m["hrs"]:
            continue
        if zone is None and m.re is _H_RANGE and len(m["h1"]) < 2:
            continue  # "a restore takes 1h30 to 2h00": lengths; "09h05 to 09h40", "9h05-9h40 CET"
        until = Found(m.start("h2"), end, dt.time(int(m["h2"]), int(m["m2"])), None, zone)
        yield Found(m.start(), end, dt.time(int(m["h1"]), int(m["m1"])), None, zone, until)


def find_times(
    text: str, *, year: int | None = None, zones: Mapping[str, int] | None = None
) -> list[Found]:
    """Every time of day in ``text``, ranges folded into one :class:`Found` with ``until``."""
    raw: list[Found] = []
    starts = _time_starts(text)
    if not starts:
        return raw
    for m in _scan(TIME_RE, text, starts):
        clock = _clock(m)
        if clock is None or (m["h"] is not None and m["m"] is None and not m["ampm1"]):
            continue
        day = _make_date(*map(int, m["isodate"].split("-"))) if m["isodate"] else None
        zone, end = _iso_offset(m["ioff"]), m.end()
        if zone is None:
            zone, end = _zone_at(text, m.end(), zones)
        if zone is None:  # "01:10 on 2024-09-30 (CEST)": the zone after the time's date
            zone = _zone_after_date(text, end, zones)
        raw.append(Found(m.start(), end, dt.time(*clock), day, zone))
    raw += _colonless_ranges(text, starts, zones, raw)
    for m in _scan(_HHMM_ZONE, text, starts):
        if 1990 <= int(m[0]) <= 2039 and not _TIME_WORD.search(text, 0, m.start()):
            continue  # "in 2024 UTC" is a year; "at 2000 UTC" is a time
        if not any(f.start <= m.start() < f.end for f in raw):
            zone, end = _zone_at(text, m.end(), zones)
            raw.append(Found(m.start(), end, dt.time(int(m["h"]), int(m["m"])), None, zone))
    for m in _scan(_HHMM, text, starts):  # "till about 1300"
        if 1990 <= int(m[0]) <= 2039 or not _WORD_BEFORE.search(text, 0, m.start()):
            continue
        if _SETTING_BEFORE.search(text, max(0, m.start() - 40), m.start()):
            continue  # "the MTU was set at 1500": a value, not a time
        if not any(f.start <= m.start() < f.end for f in raw):
            raw.append(Found(m.start(), m.end(), dt.time(int(m["h"]), int(m["m"]))))
    raw.sort(key=lambda f: f.start)
    kept: list[Found] = []
    for f in raw:  # "14:05 GMT+01:00": the offset is part of the zone, not a second time
        if kept and f.start < kept[-1].end:
            continue
        kept.append(f)
    return _fold_ranges(text, kept)


_WEEKDAY = re.compile(
    r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s*)?", re.I
)


def _dated_gap(gap: str) -> tuple[re.Match[str] | None, dt.date | None]:
    """A range separator followed by the date of the second time, and that date."""
    m = _RANGE_GAP.fullmatch(gap)
    if m is None or not m["date"]:
        return None, None
    text = m["date"].strip(" ,*_")
    dates = list(date_matches(text))
    lead = text[: dates[0].start()] if dates else ""
    if dates and _WEEKDAY.fullmatch(lead) and not text[dates[0].end() :].strip(" ,*_"):
        return m, _date_of(dates[0], None)
    short = _SHORT_DATE.fullmatch(text + " ")
    if short:
        return m, None
    return None, None


# "23:30 on 2024-09-29 and 01:10 on 2024-09-30": each time followed by its date
_DATED_SEP = re.compile(
    r"\s?on\s+(?:the\s+)?(?P<date>[^\n]{4,40}?)[\s,*_]*(?:-|–|—|to|until|till|through|and)\s*"
    r"(?:" + HEDGE + r"\s+)?",
    re.IGNORECASE,
)


def _range_gap(text: str, gap: str, after: int) -> tuple[bool, dt.date | None, dt.date | None]:
    """Whether ``gap`` joins two times into a range, with the dates it gives the first and the
    second time (``after``: where the second time ends, for a date written after it)."""
    if _RANGE_SEP.fullmatch(gap):
        return True, None, None
    sep, gap_day = _dated_gap(gap)
    if sep is not None:
        return True, None, gap_day
    first = _DATED_SEP.fullmatch(gap)
    if first is None:
        return False, None, None
    dates = list(date_matches(first["date"]))
    if len(dates) != 1 or dates[0].group(0) != first["date"].strip():
        return False, None, None
    second = _date_after(text, after)
    return True, _date_of(dates[0], None), _date_of(second[0], None) if second else None


def _fold_ranges(text: str, found: list[Found]) -> list[Found]:
    out: list[Found] = []
    i = 0
    while i < len(found):
        cur = found[i]
        nxt = found[i + 1] if i + 1 < len(found) else None
        if nxt is not None:
            joined, first_day, second_day = _range_gap(text, text[cur.end : nxt.start], nxt.end)
            if joined:
                zone = cur.zone or nxt.zone
                day = nxt.date or second_day
                second = Found(nxt.start, nxt.end, nxt.time, day, nxt.zone or zone)
                first = cur.date or first_day
                out.append(Found(cur.start, nxt.end, cur.time, first, zone, until=second))
                i += 2
                continue
        out.append(cur)
        i += 1
    return out


_LEAD = re.compile(
    r"^\s*(?:[-*+•=]\s+|\d{1,3}[.)]\s+|\|\s*)?(?:\[[ xX]\]\s*)?[*_`~>#\s\[(]*"
    r"(?:~\s*|approx\.?\s*|around\s+)?",
    re.IGNORECASE,
)


# "0900 - First user report", "14h02 - Alert fired", "9h05 - …": a 24-hour stamp without a
# colon, only where a line starts with it.
_BARE_HHMM = re.compile(
    r"(?P<h>[01]\d|2[0-3]|\d(?=h))h?(?P<m>[0-5]\d)"
    r"(?=\s*(?:hrs?\b|h\b)?\s*(?:[A-Z]{2,4}\s*)?[-–—:]\s)"
)
_SHORT_DATE = re.compile(r"(?P<a>1[0-2]|0?[1-9])/(?P<b>[0-3]?\d)(?![\d/])[,\s]+")


def leading_time(
    text: str,
    *,
    year: int | None = None,
    zones: Mapping[str, int] | None = None,
    day_first: bool = False,
) -> Found | None:
    """The time a line starts with (after a bullet, bold markers, a date), or None."""
    lead = _LEAD.match(text)
    pos = lead.end() if lead else 0
    rest = text[pos:]
    times = find_times(rest[:80], year=year, zones=zones)
    if times and times[0].start <= 1:
        t = times[0]
        return Found(pos + t.start, pos + t.end, t.time, t.date, t.zone, t.until)
    bare = _BARE_HHMM.match(rest)
    if bare:
        zone, end = _zone_at(rest, bare.end(), zones)
        clock = dt.time(int(bare["h"]), int(bare["m"]))
        return Found(pos, pos + end, clock, None, zone)
    short = _SHORT_DATE.match(rest)
    if short:  # "9/10 7:55 PT - …": month/day without a year
        day = _make_date(year, int(short["a"]), int(short["b"])) if year else None
        times = find_times(rest[short.end() : short.end() + 60], year=year, zones=zones)
        if times and times[0].start == 0:
            t = times[0]
            end = pos + short.end() + t.end
            return Found(pos, end, t.time, t.date or day, t.zone, t.until)
    # A date first: "Dec 18, 2023 10:45 - …", "2023-12-18 10:45", "[Mon 18/12] 10:45"
    for dm in date_matches(rest[:40]):
        _s, e, day = dm.start(), dm.end(), _date_of(dm, year, day_first)
        if _s <= 2:
            tail = rest[e:]
            skip = len(tail) - len(tail.lstrip(" ,@-–—:*_|at~").lstrip())  # "~23:00": about
            times = find_times(tail[skip : skip + 60], year=year, zones=zones)
            if times and times[0].start == 0:
                t = times[0]
                return Found(pos, pos + e + skip + t.end, t.time, t.date or day, t.zone, t.until)
            return None
    return None


def leading_date(
    text: str, *, year: int | None = None, day_first: bool = False
) -> tuple[int, dt.date] | None:
    """(end, date) when ``text`` starts with a calendar date ("01/31/2023 - …"), else None."""
    lead = _LEAD.match(text)
    pos = lead.end() if lead else 0
    for s, e, day in find_dates(text[pos : pos + 40], year, day_first=day_first):
        if s <= 2:
            return pos + e, day
        break
    return None
