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
from postmortems.document.sections import is_phase_title, marker_of
from postmortems.document.timeparse import Found, find_dates, find_times, leading_date, leading_time
from postmortems.document.zones import Zone

_SEP = re.compile(r"^[\s*_`~]*(?:[-–—:|>]+|\bZ\b)?[\s*_`~]*[-–—:|]*\s*")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_SKIP = (LineKind.BLANK, LineKind.RULE, LineKind.TABLE_RULE, LineKind.CODE, LineKind.COMMENT)


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
    paragraph: bool = False


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
    """Group the lines of a timeline into entries.

    A new entry starts at: a line (bullet, row, heading or bare line) that begins with a time or
    a date; a top-level list item; a headed phase ("Detection:", "**Escalation**"); a
    ``Label: text`` line. Indented lines, sub-bullets and untimed lines after an entry continue
    it. A timeline of untimed paragraphs counts each paragraph, without a lead-in paragraph.
    """
    drafts: list[_Draft] = []
    rest: list[Line] = []
    list_indent: int | None = None
    current_day: dt.date | None = None
    in_phase = False
    phase_timed_checked = True
    after_blank = True
    paragraphs: list[_Draft] = []  # untimed paragraph entries (kept apart until the end)
    for ln in lines:
        if ln.kind in _SKIP:
            if ln.kind is not LineKind.BLANK:
                rest.append(ln)
            after_blank = True
            continue
        blank_before, after_blank = after_blank, False
        m = marker_of(ln) if ln.kind in (LineKind.HEADING, LineKind.TEXT, LineKind.LIST) else None
        if m is not None and (is_phase_title(m.title) or (m.kind is None and m.level >= 7)):
            found = leading_time(m.title, year=ctx.year, zones=ctx.zones) or _time_in(m.rest, ctx)
            text = f"{m.title}: {clean_text(m.rest)}" if m.rest else m.title
            d = _Draft(ln.number, ln.raw, found, [text])
            d.day = current_day
            drafts.append(d)
            in_phase, phase_timed_checked = True, found is not None or bool(m.rest)
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
                in_phase = False
            else:
                rest.append(ln)
            continue
        text = ln.text if ln.kind in (LineKind.LIST, LineKind.HEADING) else ln.raw.strip()
        if in_phase and drafts and not (ln.kind is LineKind.LIST and ln.indent == 0):
            if not phase_timed_checked and drafts[-1].found is None:
                drafts[-1].found = _time_in(text, ctx)
            phase_timed_checked = True
            drafts[-1].parts.append(clean_text(text))
            continue
        found = leading_time(text, year=ctx.year, zones=ctx.zones)
        is_item = ln.kind is LineKind.LIST and (list_indent is None or ln.indent <= list_indent)
        if ln.kind is LineKind.LIST and list_indent is None:
            list_indent = ln.indent
        if found is not None:
            in_phase = False
            for piece_found, piece in _run_on(text, found, ctx):
                d = _Draft(ln.number, ln.raw, piece_found, [piece] if piece else [])
                d.day = piece_found.date or current_day
                d.day_stated = piece_found.date is not None
                if piece_found.date is not None:
                    current_day = piece_found.date
                drafts.append(d)
            continue
        dated = leading_date(text, year=ctx.year)
        if dated is not None and len(text) - dated[0] > 3:
            in_phase = False
            current_day = dated[1]
            d = _Draft(ln.number, ln.raw, None, [clean_text(text)])
            d.day, d.day_stated = dated[1], True
            drafts.append(d)
            continue
        if is_item or (ln.kind is LineKind.TEXT and ln.indent == 0 and _LABEL_LINE.match(text)):
            d = _Draft(ln.number, ln.raw, None, [clean_text(text)])
            d.day = current_day
            drafts.append(d)
            continue
        if drafts and (ln.indent > 0 or ln.kind is LineKind.LIST or not blank_before):
            drafts[-1].parts.extend(_continuation(text, drafts[-1], ctx))
            continue
        if drafts and drafts[-1].found is not None:
            drafts[-1].parts.append(clean_text(text))
            continue
        if ln.kind is LineKind.TEXT and not text.rstrip("*_ ").endswith(":"):
            d = _Draft(ln.number, ln.raw, None, [clean_text(text)])
            d.day = current_day
            d.paragraph = True
            drafts.append(d)
            paragraphs.append(d)
            continue
        rest.append(ln)
    return _drop_lead_in(drafts, paragraphs), rest


def _drop_lead_in(drafts: list[_Draft], paragraphs: list[_Draft]) -> list[_Draft]:
    """In a timeline of untimed steps, a first paragraph saying when the work began is a lead-in."""
    if len(paragraphs) < 2 or drafts[0] is not paragraphs[0]:
        return drafts
    if any(d.found is not None for d in drafts):
        return drafts
    first = " ".join(paragraphs[0].parts)
    later = any(find_times(" ".join(d.parts)) for d in drafts[1:])
    if find_times(first) and not later:
        return drafts[1:]
    return drafts


def _time_in(text: str, ctx: Context) -> Found | None:
    """The first time anywhere in a short text ("The issue was detected at 9:00 AM")."""
    times = find_times(text[:200], year=ctx.year, zones=ctx.zones)
    return times[0] if times else None


_LABEL_LINE = re.compile(r"^[*_]*[A-Z][\w /&'()-]{1,40}?[*_]*\s*:[*_]*\s+\S")
# A time written as the stamp of a new event in the middle of a line: "… done. 12:06pm EAT: …"
_STAMP_AFTER = re.compile(r"\s*(?:[-–—:]|\]|\))\s")


def _run_on(text: str, found: Found, ctx: Context) -> list[tuple[Found, str]]:
    """One line holding several stamped events ("12:00pm EAT: a. 12:06pm EAT: b") → events."""
    out: list[tuple[Found, str]] = []
    cur, start = found, found.end
    for f in find_times(text[found.end :], year=ctx.year, zones=ctx.zones):
        pos = found.end + f.start
        before = text[:pos].rstrip(" *_`")
        if not before or before[-1] not in ".;!)\"'`-–—":
            continue
        if not _STAMP_AFTER.match(text, found.end + f.end):
            continue
        out.append((cur, clean_text(text[start:pos])))
        cur = Found(pos, found.end + f.end, f.time, f.date, f.zone, f.until)
        start = found.end + f.end
    out.append((cur, clean_text(text[start:])))
    return out


def _continuation(text: str, draft: _Draft, ctx: Context) -> list[str]:
    return [clean_text(text)]


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
            if d.day is not None and d.day_stated:
                day = d.day
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
