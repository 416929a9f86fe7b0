"""The extraction contract (DESIGN §5): one JSON-ready dict per document."""

from __future__ import annotations

import datetime as dt
from typing import Any

from postmortems.document.dateparse import find_dates
from postmortems.document.model import ActionItem, Document, SectionKind, TimelineEntry
from postmortems.document.outage import outage_window
from postmortems.document.roles import section_flags
from postmortems.document.rootcause import section_cause
from postmortems.document.zones import Zone

SCHEMA = "postmortems.extract/1"

__all__ = ["SCHEMA", "extract", "section_flags"]


def _inferred(doc: Document) -> set[str]:
    """The extract's fields the text does not state plainly; front matter states them plainly."""
    stated = {
        "start": doc.meta.started is not None,
        "end": doc.meta.resolved is not None,
        "duration_minutes": doc.meta.started is not None and doc.meta.resolved is not None,
        "timezone": doc.meta.timezone is not None,
    }
    out = {name for name in doc.facts.inferred if not stated.get(name, False)}
    if "timezone" in out:
        out.add("utc_offset_minutes")
    return out


def extract(doc: Document) -> dict[str, Any]:
    """What the document states, in the shape scored against the gold labels."""
    out: dict[str, Any] = {"path": doc.path, "schema": SCHEMA, "is_postmortem": doc.is_postmortem}
    if not doc.is_postmortem:
        out.update(kind=doc.kind.value, reason=doc.kind_reason, **_nothing_stated(doc))
        return out
    f = doc.facts
    zone = doc.zone
    start_text, end_text, duration = _window(doc)
    day = doc.meta.started.date() if doc.meta.started else (f.start.date if f.start else None)
    at = f.start.time if f.start and f.start.date == day else None  # the offset when it began
    at = _side_of_repeated_hour(doc, zone, day, at)
    pct = doc.meta.users_affected_pct
    pct = f.users_affected_pct if pct is None else pct
    out.update(
        title=doc.title,
        sections=section_flags(doc),
        timezone=zone.label_at(day, at) if zone else None,
        utc_offset_minutes=_offset(doc, zone, day, at) if zone else None,
        start=start_text,
        end=end_text,
        duration_minutes=duration,
        users_affected_pct=int(pct) if pct is not None and float(pct).is_integer() else pct,
        root_cause=f.root_cause or section_cause(doc),
        inferred=sorted(_inferred(doc)),
        incidents=doc.incidents,
        timeline=[_entry(e) for e in doc.timeline],
        action_items=[_task(a) for a in doc.action_items],
    )
    return out


def _side_of_repeated_hour(
    doc: Document, zone: Zone | None, day: dt.date | None, at: dt.time | None
) -> dt.time | None:
    """``at`` on the side of an hour the clocks repeat (01:00 PDT, then 01:00 PST) that the
    document states: the front matter's start's offset, else the summary's own zone label."""
    if zone is None or zone.iana is None or day is None or at is None:
        return at
    started, stated = doc.meta.started, doc.facts.start
    offset = started.utcoffset() if started is not None and started.date() == day else None
    if offset is None and stated is not None and stated.zone is not None:
        minutes = stated.zone.offset
        offset = dt.timedelta(minutes=minutes) if minutes is not None else None
    if offset is None:
        return at
    sides = (at.replace(fold=fold) for fold in (0, 1))
    return next((t for t in sides if zone.offset_at(day, t) == offset // _MINUTE), at)


_MINUTE = dt.timedelta(minutes=1)


def _offset(doc: Document, zone: Zone, day: dt.date | None, at: dt.time | None) -> int | None:
    """The zone's offset when the outage began; with no year written, on the month and day the
    summary gives ("Thursday, May 15th, at 3:30pm Mountain Time" is daylight time)."""
    if day is None and zone.iana is not None:
        texts = [doc.title or "", doc.preamble]
        texts += [s.body for s in doc.sections if s.kind is SectionKind.SUMMARY]
        dates = find_dates("\n".join(texts), year=_ANY_YEAR)
        season = zone.offset_in_season(dates[0][2].month, dates[0][2].day) if dates else None
        if season is not None:
            return season
    return zone.offset_at(day, at)


_ANY_YEAR = 2000  # a leap year: February 29 is a date


def _nothing_stated(doc: Document) -> dict[str, Any]:
    """The fields of a file that is not a postmortem: every section absent, nothing known."""
    return {
        "sections": dict.fromkeys(section_flags(doc), False),
        "timezone": None,
        "utc_offset_minutes": None,
        "start": None,
        "end": None,
        "duration_minutes": None,
        "users_affected_pct": None,
        "timeline": [],
        "action_items": [],
        "inferred": [],
        "incidents": 0,
    }


def _window(doc: Document) -> tuple[str | None, str | None, int | None]:
    """Start, end and duration as the outage window reads them (the card's reading): an end
    before the start has no duration."""
    w = outage_window(doc)
    start = w.start.local_text() if w.start else None
    return start, w.end.local_text() if w.end else None, w.duration_minutes


def _entry(e: TimelineEntry) -> dict[str, Any]:
    return {
        "time": e.when.time.strftime("%H:%M") if e.when else None,
        "date": e.when.date.isoformat() if e.when and e.when.date else None,
        "text": e.text,
    }


def _task(a: ActionItem) -> dict[str, Any]:
    return {
        "text": a.text,
        "done": a.done,
        "owner": a.owner,
        "due": a.due.isoformat() if a.due else None,
    }
