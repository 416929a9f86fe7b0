"""Timeline entries from a timeline section, whatever shape it has.

Shapes: bullets or numbered items (``- 14:05 - text``), table rows, ``### 14:05`` headings, bare
lines that start with a time, and date lines (``_4/21/23_``, ``**Day 2 — Dec 19**``) that set the
date of the entries below them. Continuation lines join the entry above. Dates roll over at
midnight: ``23:50`` then ``00:10`` is the next day.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from postmortems.document.lines import Line, LineKind
from postmortems.document.model import TimelineEntry, WallTime
from postmortems.document.timeparse import Found, find_dates, leading_time
from postmortems.document.zones import Zone

_SEP = re.compile(r"^[\s*_`~]*(?:[-–—:|>]+|\bZ\b)?[\s*_`~]*[-–—:|]*\s*")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")


@dataclass
class Context:
    """What the rest of the document says about dates and zones."""

    zone: Zone | None = None
    date: dt.date | None = None
    year: int | None = None
    zones: Mapping[str, int] | None = None


@dataclass
class _Draft:
    line: int
    raw: str
    found: Found | None
    parts: list[str] = field(default_factory=list)
    day: dt.date | None = None
    day_stated: bool = False


def clean_text(text: str) -> str:
    """Entry text without leading separators and emphasis markers left over from the time."""
    text = _SEP.sub("", text, count=1).strip()
    text = re.sub(r"^(?:\*\*|__)(.*?)(?:\*\*|__)$", r"\1", text)
    return " ".join(text.split())


def extract(lines: Sequence[Line], ctx: Context) -> tuple[list[TimelineEntry], list[Line]]:
    """(entries, lines that are not part of any entry)."""
    drafts, rest = _drafts(lines, ctx)
    return _finish(drafts, ctx), rest


def _date_line(line: Line, ctx: Context) -> dt.date | None:
    """A line that only states a date ("_4/21/23_", "**December 18, 2023**", "### Day 1")."""
    text = line.text if line.kind in (LineKind.HEADING, LineKind.LIST) else line.raw.strip()
    if len(text) > 60 or line.kind is LineKind.TABLE:
        return None
    dates = find_dates(text, ctx.year)
    if len(dates) != 1 or leading_time(text) is not None:
        return None
    leftover = text[: dates[0][0]] + text[dates[0][1] :]
    if (
        len(
            re.sub(
                r"[\W_]+|\b(?:on|day|\d+|mon|tue|wed|thu|fri|sat|sun)\w*\b",
                "",
                leftover,
                flags=re.I,
            )
        )
        > 12
    ):
        return None
    return dates[0][2]


def _drafts(lines: Sequence[Line], ctx: Context) -> tuple[list[_Draft], list[Line]]:
    drafts: list[_Draft] = []
    rest: list[Line] = []
    timed_lists = any(
        ln.kind is LineKind.LIST and leading_time(ln.text, year=ctx.year) for ln in lines
    )
    list_indent: int | None = None
    current_day: dt.date | None = None
    for ln in lines:
        if ln.kind in (
            LineKind.BLANK,
            LineKind.RULE,
            LineKind.TABLE_RULE,
            LineKind.CODE,
            LineKind.COMMENT,
        ):
            if ln.kind is not LineKind.BLANK:
                rest.append(ln)
            continue
        day = _date_line(ln, ctx)
        if day is not None:
            current_day = day
            continue
        if ln.kind is LineKind.TABLE:
            draft = _table_row(ln, ctx)
            if draft is not None:
                draft.day, draft.day_stated = (draft.day or current_day), draft.day is not None
                drafts.append(draft)
            else:
                rest.append(ln)
            continue
        text = ln.text if ln.kind in (LineKind.LIST, LineKind.HEADING) else ln.raw.strip()
        found = leading_time(text, year=ctx.year, zones=ctx.zones)
        is_item = ln.kind is LineKind.LIST and (list_indent is None or ln.indent <= list_indent)
        if (
            found is not None
            or (is_item and not timed_lists)
            or (is_item and timed_lists and not drafts)
        ):
            if ln.kind is LineKind.LIST and list_indent is None:
                list_indent = ln.indent
            body = text[found.end :] if found is not None else text
            d = _Draft(ln.number, ln.raw, found, [clean_text(body)] if clean_text(body) else [])
            d.day = (found.date if found else None) or current_day
            d.day_stated = bool(found and found.date)
            drafts.append(d)
        elif (
            drafts
            and ln.kind in (LineKind.LIST, LineKind.TEXT)
            and (ln.indent > 0 or ln.kind is LineKind.LIST or drafts[-1].line >= ln.number - 1)
        ):
            drafts[-1].parts.append(clean_text(ln.text))
        else:
            rest.append(ln)
    return drafts, rest


def _table_row(ln: Line, ctx: Context) -> _Draft | None:
    cells = [c.strip() for c in _CELL_SPLIT.split(ln.raw.strip().strip("|"))]
    for i, cell in enumerate(cells):
        found = leading_time(cell, year=ctx.year, zones=ctx.zones)
        if found is not None:
            others = [clean_text(c) for j, c in enumerate(cells) if j != i and c]
            tail = clean_text(cell[found.end :])
            text = " - ".join([t for t in [tail, *others] if t])
            return _Draft(ln.number, ln.raw, found, [text] if text else [], found.date)
    return None


def _finish(drafts: list[_Draft], ctx: Context) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    day = ctx.date
    previous: dt.datetime | None = None
    for d in drafts:
        text = " ".join(p for p in d.parts if p)
        if d.found is None:
            entries.append(TimelineEntry(text, raw=d.raw, line=d.line))
            continue
        inferred = not d.day_stated
        if d.day is not None:
            day = d.day
        zone = d.found.zone or ctx.zone
        when_day = day
        if day is not None and previous is not None and inferred:
            candidate = dt.datetime.combine(day, d.found.time)
            if candidate < previous and candidate + dt.timedelta(days=1) - previous <= dt.timedelta(
                hours=12
            ):
                when_day = day + dt.timedelta(days=1)
                day = when_day
        when = WallTime(d.found.time, when_day, zone, inferred and when_day is not None)
        if when_day is not None:
            previous = dt.datetime.combine(when_day, d.found.time)
        until = None
        if d.found.until is not None:
            u = d.found.until
            until = WallTime(u.time, u.date or when_day, u.zone or zone, u.date is None)
        entries.append(
            TimelineEntry(
                text, when, until, zone_stated=d.found.zone is not None, raw=d.raw, line=d.line
            )
        )
    return entries
