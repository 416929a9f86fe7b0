"""Finding dates in free text (``December 18, 2023``, ``18/12/2023``, ``2024-02-12``) and whether a
document writes numeric dates day first."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence

from postmortems.document.textscan import _digit_starts, _scan, folded

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<{}>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<{}>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<{}>(?:19|20)\d{{2}})"

DATE_RE = re.compile(
    "|".join(
        [
            r"(?P<iso>(?P<iy>(?:19|20)\d{2})[-/.](?P<im>[01]?\d)[-/.](?P<id>[0-3]?\d))(?![\d])",
            # December 18, 2023 / Dec 18th 2023 / December 18 (no year)
            _MONTH.format("m1")
            + r"\s+"
            + _DAY.format("d1")
            + r"(?![:\d])(?:\s*[-–]\s*[0-3]?\d(?:st|nd|rd|th)?(?![:\d]))?(?:,?\s*"
            + _YEAR.format("y1")
            + r")?",
            # 18 December 2023 / 18th of Dec, 2023
            r"(?<![\d:])"
            + _DAY.format("d2")
            + r"\s+(?:of\s+)?"
            + _MONTH.format("m2")
            + r"(?:,?\s*"
            + _YEAR.format("y2")
            + r")?",
            # 12/18/2023, 18/12/2023, 12/18/23, 18.12.2023 (not a version such as 1.2.10)
            r"(?<![\d/.])(?P<a>[0-3]?\d)(?:/(?P<b>[0-3]?\d)/(?P<y3>(?:19|20)?\d{2})"
            r"|\.(?P<b5>[0-3]?\d)\.(?P<y5>(?:19|20)\d{2}))(?![\d/.]\d)",
            # 9/10 7:55 (month/day without a year, only right before a time)
            r"(?<![\d/])(?P<sa>1[0-2]|0?[1-9])/(?P<sb>[0-3]?\d)(?![\d/])"
            r"(?=,?\s+(?:at\s+)?\d{1,2}(?::\d{2}|\s?[ap]\.?m))",
            # 04-12-2022 (a four-digit year: "10-12-15" could be anything), also with the en
            # dashes a blog's typography puts for hyphens ("9–11–2018")
            r"(?<![\d/\-–])(?P<a4>[0-3]?\d)(?P<s4>[-–])(?P<b4>[0-3]?\d)(?P=s4)"
            r"(?P<y4>(?:19|20)\d{2})(?![\d\-–])",
            # 4/21/23 handled above; "May 2023" is not a day.
        ]
    ),
    re.IGNORECASE,
)


_HAS_DIGIT = re.compile(r"\d")

# Scanning prose with the big alternations above tries every branch at every character (about
# 0.3 µs a character: most of parsing's time). Every match starts at a digit, at a month name
# (dates) or at a word before "midnight"/"noon" (times), so :func:`_scan` tries the pattern only
# there. It yields exactly what ``finditer`` yields (property-tested against it): none of these
# patterns can match the empty string, and ``match`` at a position still sees the text before it
# for look-behinds.
_MONTH_START = re.compile("jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec")


def _date_starts(text: str) -> list[int]:
    low = folded(text)
    starts = _digit_starts(text)
    months = [m.start() for m in _MONTH_START.finditer(low)]
    return sorted(starts + months) if months else starts


def date_matches(text: str) -> Iterator[re.Match[str]]:
    """``DATE_RE.finditer(text)``, fast."""
    return _scan(DATE_RE, text, _date_starts(text))


def _year(text: str | None, fallback: int | None) -> int | None:
    if text is None:
        return fallback
    year = int(text)
    return year + 2000 if year < 100 else year


def _make_date(year: int | None, month: int, day: int) -> dt.date | None:
    if year is None:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def find_dates(
    text: str, year: int | None = None, *, day_first: bool = False
) -> list[tuple[int, int, dt.date]]:
    """Every calendar date in ``text`` as (start, end, date); a missing year takes ``year``.
    ``day_first`` reads a numeric date that could be either way (``03/10/2021``) as day/month."""
    out: list[tuple[int, int, dt.date]] = []
    if not _HAS_DIGIT.search(text):
        return out
    for m in date_matches(text):
        day = _date_of(m, year, day_first)
        if day is not None:
            out.append((m.start(), m.end(), day))
    return out


def _date_of(m: re.Match[str], year: int | None, day_first: bool = False) -> dt.date | None:
    if m["iso"]:
        return _make_date(int(m["iy"]), int(m["im"]), int(m["id"]))
    if m["m1"]:
        return _make_date(_year(m["y1"], year), MONTHS[m["m1"].lower()], int(m["d1"]))
    if m["m2"]:
        return _make_date(_year(m["y2"], year), MONTHS[m["m2"].lower()], int(m["d2"]))
    if m["sa"]:
        return _make_date(year, int(m["sa"]), int(m["sb"]))
    if m["a4"]:
        a, b, y = int(m["a4"]), int(m["b4"]), _year(m["y4"], year)
    elif m["b5"]:
        a, b, y = int(m["a"]), int(m["b5"]), _year(m["y5"], year)
    else:
        a, b, y = int(m["a"]), int(m["b"]), _year(m["y3"], year)
    # month first unless it cannot be, or the document writes day first
    month, day = (b, a) if a > 12 or (day_first and b <= 12) else (a, b)
    return _make_date(y, month, day)


_NUMERIC_DATE = re.compile(
    r"(?<![\d/.-])(?P<a>[0-3]?\d)(?P<sep>[/.-])(?P<b>[0-3]?\d)(?P=sep)(?P<y>(?:19|20)?\d{2})(?![\d/.-]?\d)"
)
# Zones of the countries that write the month first; elsewhere a date is written day first.
_MONTH_FIRST_ZONES = frozenset(
    [
        "PST",
        "PDT",
        "PT",
        "MST",
        "MDT",
        "MT",
        "CST",
        "CDT",
        "CT",
        "EST",
        "EDT",
        "ET",
        "AKST",
        "AKDT",
        "HST",
        "AST",
        "ADT",
    ]
)


def day_first(
    text: str,
    *,
    known: dt.date | None = None,
    zone: str | None = None,
    worded: Sequence[dt.date] = (),
) -> bool:
    """Whether the document writes numeric dates day first (``03/10/2021`` is 3 October).

    The document decides by the dates that can be read only one way (``25/10/2021``), else by
    a date it states elsewhere (``known``: from ISO dates or the file name; ``worded``: written
    with the month's name, "expired on 8 January 2026" beside "08-01-2026") that one reading
    matches, else by its zone: day first outside the Americas' zones, month first in them and
    with UTC.
    """
    votes = 0
    stated = {(d.month, d.day) for d in ([known] if known else [])}
    stated |= {(d.month, d.day) for d in worded}
    for m in _NUMERIC_DATE.finditer(text):
        a, b = int(m["a"]), int(m["b"])
        if a > 12 >= b:
            votes += 1
        elif b > 12 >= a:
            votes -= 1
        elif stated and a != b:
            votes += (b, a) in stated
            votes -= (a, b) in stated
    if votes:
        return votes > 0
    return zone is not None and zone not in _MONTH_FIRST_ZONES and zone not in GENERIC_UTC


GENERIC_UTC = frozenset({"UTC", "GMT", "Z", "UT"})
