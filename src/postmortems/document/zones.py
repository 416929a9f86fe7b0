"""Timezones as documents write them: abbreviations, offsets (``GMT+1``), IANA names, long names.

The abbreviation table is data (``ABBREVIATIONS``) and can be extended by configuration. Note that
``GMT+1`` means UTC+1 here, as every human writer means it (POSIX and dateutil invert the sign).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

# Fixed-offset abbreviations, in minutes east of UTC. Ambiguous ones take their most common
# meaning in English-language incident write-ups (CST = US Central, IST = India).
ABBREVIATIONS: dict[str, int] = {
    "UTC": 0,
    "GMT": 0,
    "Z": 0,
    "WET": 0,
    "UT": 0,
    "BST": 60,
    "CET": 60,
    "WAT": 60,
    "WEST": 60,
    "CEST": 120,
    "CAT": 120,
    "EET": 120,
    "SAST": 120,
    "IST_ISRAEL": 120,
    "EAT": 180,
    "EEST": 180,
    "MSK": 180,
    "AST_ARABIA": 180,
    "TRT": 180,
    "GST": 240,
    "PKT": 300,
    "IST": 330,
    "NPT": 345,
    "BDT": 360,
    "ICT": 420,
    "WIB": 420,
    "HKT": 480,
    "SGT": 480,
    "AWST": 480,
    "PHT": 480,
    "JST": 540,
    "KST": 540,
    "ACST": 570,
    "AEST": 600,
    "AEDT": 660,
    "NZST": 720,
    "NZDT": 780,
    "NST": -210,
    "AST": -240,
    "ADT": -180,
    "EDT": -240,
    "EST": -300,
    "CDT": -300,
    "CST": -360,
    "MDT": -360,
    "MST": -420,
    "PDT": -420,
    "PST": -480,
    "AKDT": -480,
    "AKST": -540,
    "HST": -600,
    "BRT": -180,
    "ART": -180,
    "CLT": -240,
}

# Generic names whose offset depends on the date (daylight saving).
GENERIC: dict[str, str] = {
    "PT": "America/Los_Angeles",
    "MT": "America/Denver",
    "CT": "America/Chicago",
    "ET": "America/New_York",
}

# Long names and places, lower case, to the label a reader would write.
LONG_NAMES: dict[str, str] = {
    "coordinated universal time": "UTC",
    "universal time": "UTC",
    "greenwich mean time": "GMT",
    "pacific standard time": "PST",
    "pacific daylight time": "PDT",
    "pacific time": "PT",
    "eastern standard time": "EST",
    "eastern daylight time": "EDT",
    "eastern time": "ET",
    "central standard time": "CST",
    "central daylight time": "CDT",
    "central time": "CT",
    "mountain standard time": "MST",
    "mountain time": "MT",
    # "10:00 US Eastern (ET)", "2 p.m. Pacific": a region is its generic zone
    "us eastern": "ET",
    "us pacific": "PT",
    "us central": "CT",
    "us mountain": "MT",
    "eastern": "ET",
    "pacific": "PT",
    "east africa time": "EAT",
    "east african time": "EAT",
    "eastern africa time": "EAT",
    "eastern african time": "EAT",
    "eastern european time": "EET",
    "eastern european summer time": "EEST",
    "west africa time": "WAT",
    "west african time": "WAT",
    "central africa time": "CAT",
    "central african time": "CAT",
    "south africa standard time": "SAST",
    "south african standard time": "SAST",
    "central european time": "CET",
    "central european summer time": "CEST",
    "british summer time": "BST",
    "india standard time": "IST",
    "indian standard time": "IST",
    "japan standard time": "JST",
    # Windows zone names, as people copy them from their clocks
    "west central africa standard time": "WAT",
    "w. central africa standard time": "WAT",
    "e. africa standard time": "EAT",
    "e. europe standard time": "EET",
    "w. europe standard time": "CET",
    "central europe standard time": "CET",
    "gmt standard time": "GMT",
    "utc standard time": "UTC",
}


@dataclass(frozen=True, slots=True)
class Zone:
    """A timezone as stated in a document.

    ``label`` is what the document wrote, upper-cased and shortened (``PST``, ``GMT+1``, ``PT``);
    ``offset`` is minutes east of UTC for fixed zones, ``iana`` names a zone with daylight saving.
    """

    label: str
    offset: int | None = None
    iana: str | None = None

    def offset_at(self, day: dt.date | None = None, time: dt.time | None = None) -> int | None:
        """Minutes east of UTC on ``day`` at ``time`` (noon when not given: the clocks change
        at night), standard time when no day is known."""
        if self.offset is not None:
            return self.offset
        if self.iana is None:
            return None
        when = dt.datetime.combine(day or dt.date(2001, 1, 15), time or dt.time(12))
        delta = when.replace(tzinfo=_zoneinfo(self.iana)).utcoffset()
        return None if delta is None else int(delta.total_seconds() // 60)

    def offset_in_season(self, month: int, day: int) -> int | None:
        """Minutes east of UTC on ``month``/``day`` of a year not written: the offset every
        recent year agrees on (mid-May is daylight time in any year), None when they differ
        (the weeks the clocks change)."""
        if self.iana is None:
            return self.offset
        found = {
            self.offset_at(d) for y in range(2007, 2031) if (d := _date_or_none(y, month, day))
        }
        return found.pop() if len(found) == 1 else None

    def label_at(self, day: dt.date | None = None, time: dt.time | None = None) -> str:
        """The label a reader writes on ``day`` at ``time`` (noon when not given): ``PDT`` in
        summer for ``America/Los_Angeles``.

        Generic names (``PT``) and fixed zones keep the label as written.
        """
        if self.iana is None or self.label in GENERIC or day is None:
            return self.label
        when = dt.datetime.combine(day, time or dt.time(12), tzinfo=_zoneinfo(self.iana))
        name = when.tzname()
        return name if name and name.isalpha() else self.label

    def tzinfo(self, day: dt.date | None = None) -> dt.tzinfo:
        if self.iana is not None:
            return _zoneinfo(self.iana)
        return dt.timezone(dt.timedelta(minutes=self.offset or 0))

    def __str__(self) -> str:
        return self.label


def minutes_apart(start: dt.datetime, end: dt.datetime, zone: Zone | None) -> int | None:
    """Whole minutes from ``start`` to ``end``, instants apart: a time without an offset is the
    document's zone's (02:10 CEST to 03:40 CET the night the clocks go back is 150 minutes, not
    90); None when one has an offset and the other cannot get one."""

    def instant(when: dt.datetime) -> dt.datetime:
        if when.tzinfo is None and zone is not None:
            when = when.replace(tzinfo=zone.tzinfo(when.date()))
        return when.astimezone(dt.UTC) if when.tzinfo is not None else when

    try:
        return int((instant(end) - instant(start)).total_seconds() // 60)
    except TypeError:  # one aware, one naive, and no zone to place the naive one
        return None


def _date_or_none(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:  # February 29 of a common year
        return None


@functools.lru_cache(maxsize=256)
def _zoneinfo(name: str) -> ZoneInfo:
    return ZoneInfo(name)


_OFFSET = re.compile(
    r"^(?:(?P<base>UTC|GMT|UT)\s*)?(?P<sign>[+\-−])\s*(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?$",
    re.IGNORECASE,
)


def offset_label(minutes: int, base: str = "UTC") -> str:
    """``UTC+1``, ``UTC-8``, ``UTC+5:30``."""
    sign = "+" if minutes >= 0 else "-"
    h, m = divmod(abs(minutes), 60)
    return f"{base}{sign}{h}" + (f":{m:02d}" if m else "")


def zone_from_text(text: str, extra: Mapping[str, int] | None = None) -> Zone | None:
    """The zone named by ``text`` (an abbreviation, offset, long name or IANA name), or None."""
    raw = text.strip().strip("()[]").strip()
    if not raw:
        return None
    upper = raw.upper()
    if upper == "Z":  # ISO 8601 "Zulu"
        return Zone("UTC", offset=0)
    table = {**ABBREVIATIONS, **(extra or {})}
    if upper in table and "_" not in upper:
        return Zone(upper, offset=table[upper])
    if upper in GENERIC:
        return Zone(upper, iana=GENERIC[upper])
    m = _OFFSET.match(raw.replace(" ", ""))
    if m:
        minutes = int(m["h"]) * 60 + int(m["m"] or 0)
        if minutes > 14 * 60:
            return None
        minutes = -minutes if m["sign"] in "-−" else minutes
        base = (m["base"] or "UTC").upper()
        if minutes == 0:
            return Zone(base, offset=0)
        return Zone(offset_label(minutes, base), offset=minutes)
    long = LONG_NAMES.get(" ".join(raw.lower().split()))
    if long is not None:
        return zone_from_text(long, extra)
    if "/" in raw:
        return _iana_zone(raw)
    return None


def _iana_zone(name: str) -> Zone | None:
    from zoneinfo import ZoneInfoNotFoundError

    try:
        info = _zoneinfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    label = info.tzname(dt.datetime(2001, 1, 15, 12)) or name
    if label[:1] in "+-":
        label = name
    return Zone(label if label.isalpha() else name, iana=name)


def zone_of_place(place: str) -> Zone | None:
    """``Kigali`` → CAT, ``Lagos`` → WAT: a city named as "(Kigali time)". A city whose clocks
    change keeps its IANA zone: "(Paris time)" is CET in March and CEST in July."""
    key = place.strip().replace(" ", "_").title()
    for region in ("Africa", "Europe", "America", "Asia", "Australia"):
        zone = _iana_zone(f"{region}/{key}")
        if zone is not None:
            fixed = ABBREVIATIONS.get(zone.label)
            summer = zone.offset_at(dt.date(2001, 7, 15), dt.time(12))
            if fixed is not None and summer == fixed:
                return Zone(zone.label, offset=fixed)
            return zone
    return None


# "All times in PST", "(all times are UTC)", "times are in East Africa Time", "(Kigali time)",
# "(Paris time, CET)",
# "All times in this report are in EDT", "Times in this document are UTC"
# An IANA name first: "US/Pacific" is a zone, not the letters "US".
_DECL_ZONE = (
    r"(?P<zone>(?:UTC|GMT)\s?[+\-−]\s?\d{1,2}(?::?\d{2})?|[A-Z][A-Za-z]+/[A-Z][a-z][A-Za-z_]*"
    r"|[A-Z]{2,5}\b|(?i:"
    + "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in sorted(LONG_NAMES, key=len)[::-1])
    + r")\b)"
)
ZONE_DECLARATION_RE = re.compile(
    r"(?i:(?:all\s+)?times?(?:stamps)?\s+"
    r"(?:(?:in|of|throughout)\s+(?:this|the)\s+(?:report|document|doc|post-?mortem|timeline|"
    r"page|write-?up)\s+)?"
    r"(?:are\s+|is\s+|listed\s+|given\s+|shown\s+)?"
    # "All times are approximated to UTC", "times converted to CET"
    r"(?:(?:approximated|converted|normali[sz]ed|rounded)\s+to\s+)?"
    r"(?:in\s+|on\s+)?(?:the\s+)?)" + _DECL_ZONE + r"|\((?P<place>[A-Z][a-z]+)\s+time"
    r"(?:,\s*(?P<abbr>[A-Z]{2,5}))?\)",
)
