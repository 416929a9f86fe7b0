"""What a document says about when its incident happened, before its timeline is read: the
incident's day and year (the front matter, the summary, the head, the timeline, the file name),
whether numeric dates are day first, and the zone and date its times are read in."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from postmortems.document import summarytimes
from postmortems.document.dateparse import date_matches, day_first, find_dates
from postmortems.document.lines import Line, LineKind
from postmortems.document.model import (
    Meta,
    SectionKind,
)
from postmortems.document.parts import _NOT_PROSE, _Part
from postmortems.document.timelinedraft import Context
from postmortems.document.wording import any_word
from postmortems.document.zones import Zone


def _context_date(
    meta: Meta, texts: Sequence[str], path: str | None, dmy: bool = False
) -> dt.date | None:
    """The incident's day: the front matter's start, else the first date the summary, the head
    or the timeline states (a date without a year takes the document's year), else the date a
    file name carries ("2021-10-03-network-outage.md")."""
    if meta.started is not None:
        return meta.started.date()
    named = _path_date(path)
    year = _document_year(texts) or (named.year if named else None)
    told = _day_it_happened(texts, year, dmy)
    if told is not None:
        return told
    for text in texts:
        head = text[:4000]
        if next(date_matches(head), None) is None:
            continue  # no date in it, so none on any of its lines: skip reading them one by one
        for line in head.split("\n"):
            if _NOT_INCIDENT_DATE.search(line):
                continue  # "Due date: 18th December 2023" is not when the outage happened
            dates = find_dates(line, year, day_first=dmy)
            if dates:
                return dates[0][2]
    return named


# "This incident occurred on February 19, 2020": the day itself, over a post's dateline above it
_HAPPENED_ON = re.compile(
    r"\b(?:incident|outage|issue|disruption|downtime|problem|failure)\s+(?:\w+\s+){0,2}?"
    r"(?:occurred|happened|took place)\s+on\s+",
    re.IGNORECASE,
)


# "**Date:** 2024-05-14", "Incident date: May 14, 2024": the head's field that states the day
_DATE_FIELD = re.compile(r"^[*_ \t]*(?:incident[ \t]+)?date[*_ \t]*:[^\n]*", re.IGNORECASE | re.M)


def date_fields(head: str) -> str:
    """The lines of the document's head that state its date as a field."""
    return "\n".join(m[0] for m in _DATE_FIELD.finditer(head))


def _day_it_happened(texts: Sequence[str], year: int | None, dmy: bool) -> dt.date | None:
    """The date a sentence says the incident happened on, when one says so."""
    for text in texts:
        for m in _HAPPENED_ON.finditer(text[:4000]):
            dates = find_dates(text[m.end() : m.end() + 40], year, day_first=dmy)
            if dates and dates[0][0] == 0:
                return dates[0][2]
    return None


def _document_year(texts: Sequence[str]) -> int | None:
    """The year of the first full date, else the one year written ("Date (2021)")."""
    for text in texts:
        dates = find_dates(text[:4000])
        if dates:
            return dates[0][2].year
    joined = "\n".join(t[:4000] for t in texts)
    years = {m[0] for m in _LONE_YEAR.finditer(joined)}
    return int(years.pop()) if len(years) == 1 else None


_ISO_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})-([01]\d)-([0-3]\d)(?!\d)")


def _path_date(path: str | None) -> dt.date | None:
    m = _ISO_DATE.search(os.path.basename(path)) if path else None
    return _iso_date(m) if m else None


def _iso_date(m: re.Match[str]) -> dt.date | None:
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


_LONE_YEAR = re.compile(r"(?<![\d/.:-])(?:19|20)\d{2}(?![\d/.:-])")
# "(Update: this was resolved the morning of 2021-06-30)": a note added later, not the day
_NOT_INCIDENT_DATE = any_word(
    r"due(?! to\b)|deadline|submitted|written|published|posted|updated|last modified|"
    r"released|update(?=\s*:)"
)


@dataclass
class _Texts:
    """The prose the facts are read from, by where it stands."""

    summary: str  # the summary and impact sections, their headings included
    head: str  # the title, the preamble and unnamed parts before the first named section
    timeline_titles: str
    timeline: str

    @property
    def all(self) -> list[str]:
        return [self.head, self.timeline_titles, self.summary, self.timeline]


def _prose(lines: Sequence[Line]) -> list[str]:
    return [ln.raw for ln in lines if ln.kind not in _NOT_PROSE]


def _part_text(parts: Sequence[_Part], kinds: set[SectionKind]) -> str:
    # the marker line too: "**Duration: 30 mins** (13:20 ~ 13:30 EAT)" states facts
    return "\n".join(
        "\n".join([p.marker.title, "", *_prose(p.lines)])
        for p in parts
        if p.marker is not None and p.marker.kind in kinds
    )


def _texts(title: str | None, preamble: Sequence[Line], parts: Sequence[_Part]) -> _Texts:
    opening: list[str] = []
    for p in parts:
        if p.marker is None or p.marker.kind is not None:
            break
        opening.extend(_prose(p.lines))
    opening = opening or _first_part_opens(preamble, parts)
    timelines = [p for p in parts if p.marker and p.marker.kind is SectionKind.TIMELINE]
    return _Texts(
        summary=_part_text(parts, {SectionKind.SUMMARY, SectionKind.IMPACT}),
        # the title a paragraph of its own: no sentence runs on from it into the text
        head="\n".join([title or "", "", *_prose(preamble), *opening]),
        timeline_titles=" ".join(p.marker.title for p in timelines if p.marker),
        timeline=_part_text(parts, {SectionKind.TIMELINE}),
    )


_SUMMING_UP = frozenset({SectionKind.SUMMARY, SectionKind.IMPACT, SectionKind.TIMELINE})


def _first_part_opens(preamble: Sequence[Line], parts: Sequence[_Part]) -> list[str]:
    """With no summary and nothing before the first part, the first part opens the document
    ("**What Went Wrong**" / "On January 29th at approximately 5:50 PM EST, customers …"):
    its prose is read as the opening."""
    if any(p.marker is not None and p.marker.kind in _SUMMING_UP for p in parts):
        return []
    if not parts or any(ln.kind is LineKind.TEXT and ln.raw.strip() for ln in preamble):
        return []
    return _prose(parts[0].lines)


def _reading_context(
    meta: Meta,
    texts: _Texts,
    path: str | None,
    zones: Mapping[str, int] | None,
    whole: str = "",
) -> tuple[Zone | None, Context]:
    """The zone the summary or front matter states (if any), and what the timeline is read
    with: that zone or a declared one ("All times in PST"), the incident's day and year."""
    declared = summarytimes.declared_zone("\n".join(texts.all), zones)
    dmy = _day_first(meta, texts, path, declared, zones, whole)
    day = _context_date(meta, [texts.summary, texts.head, texts.timeline], path, dmy)
    start, end, _ = summarytimes.summary_windows(texts.summary, day, None, zones, day_first=dmy)
    if start is None and end is None:
        start, end, _ = summarytimes.summary_windows(texts.head, day, None, zones, day_first=dmy)
    zone = meta.timezone or (start.zone if start else None) or (end.zone if end else None)
    own_day = _declared_day(texts.timeline, day.year if day else None, dmy)
    day = own_day or day
    year = day.year if day else None
    return zone, Context(
        zone or declared, day, year, zones, day_first=dmy, own_dates=own_day is not None
    )


# "Unless otherwise noted all events happened on 2019-10-21", "All times are on March 3, 2024"
_DECLARED_DAY = re.compile(
    r"\b(?:all|every)\s+(?:the\s+)?(?:events?|times?|entries|timestamps?)\b[^.\n]{0,40}?"
    r"\b(?:on|from)\s+(?=\S)",
    re.IGNORECASE,
)


def _declared_day(timeline_text: str, year: int | None, dmy: bool) -> dt.date | None:
    """The day a timeline declares for its entries, when it declares one."""
    for m in _DECLARED_DAY.finditer(timeline_text):
        dates = find_dates(timeline_text[m.end() : m.end() + 40], year, day_first=dmy)
        if dates and dates[0][0] <= 4:
            return dates[0][2]
    return None


def _day_first(
    meta: Meta,
    texts: _Texts,
    path: str | None,
    declared: Zone | None,
    zones: Mapping[str, int] | None,
    whole: str = "",
) -> bool:
    """Whether the document writes numeric dates day first, by its own evidence (see
    :func:`postmortems.document.dateparse.day_first`): its dates written with the month's name
    are read anywhere in it (``whole``)."""
    joined = "\n".join(texts.all)
    iso = _ISO_DATE.search(joined)
    known = _path_date(path) or (_iso_date(iso) if iso else None)
    zone = meta.timezone or declared or summarytimes.first_zone(texts.all, zones)
    whole = whole or joined
    worded = [d for a, b, d in find_dates(whole) if _NAMED_MONTH.search(whole, a, b)]
    return day_first(joined, known=known, zone=zone.label if zone else None, worded=worded)


_NAMED_MONTH = re.compile(r"[A-Za-z]{3}")
