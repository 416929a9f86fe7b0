"""Timeline entries from a timeline section, whatever shape it has.

Shapes: bullets or numbered items (``- 14:05 - text``), table rows, ``### 14:05`` headings, bare
lines that start with a time or a date, run-on paragraphs of stamped events ("12:00pm EAT: …
12:06pm EAT: …"), phases written as labels ("Detection:", "**Escalation:**"), untimed steps
(numbered, one per line, or one per paragraph after a lead-in), and date lines (``_4/21/23_``,
``**Day 2 — Dec 19**``) that set the date of the entries below them. Indented lines, sub-bullets
and untimed lines under a timed entry continue it; template prompts ("When was the issue
detected?") and notes beside a timed list are not entries. An entry is timed when its text states
a time. Dates roll over at midnight: ``23:50`` then ``00:10`` is the next day.
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
    own_line: bool = False  # an untimed entry on its own line, right under another
    bare_phase: bool = False  # a phase heading with nothing of its own yet
    source: list[Line] = field(default_factory=list)  # lines of a paragraph entry


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
    date_lines: list[Line] = []
    commentary = False  # under a heading that follows the timed list, until the next time
    entry_kind: LineKind | None = None  # the kind of line the first timed entry is written on
    phase_indent = 0
    phase_is_item = False
    after_blank = True
    paragraphs: list[_Draft] = []  # untimed paragraph entries (kept apart until the end)
    leads: dict[str, Found | None] = {}

    def lead_of(text: str) -> Found | None:
        # Each line is asked twice (is the list timed? does this entry start with a time?).
        if text not in leads:
            leads[text] = leading_time(text, year=ctx.year, zones=ctx.zones)
        return leads[text]

    # (zones only name the zone of a time found, never whether one is found)
    timed_list = any(ln.kind is LineKind.LIST and lead_of(ln.text) is not None for ln in lines)
    for i, ln in enumerate(lines):
        if ln.kind in _SKIP:
            rest.append(ln)  # blank lines too: they keep the body's paragraphs apart
            after_blank = True
            continue
        blank_before, after_blank = after_blank, False
        phase = _phase_of(ln)
        if phase is not None and not phase[1] and timed_list and _prose_follows(lines, i, ctx):
            # "**Misleading paths:**" over a paragraph, beside a timed list: commentary
            commentary = True
            rest.append(ln)
            continue
        under_timed = (
            ln.kind is LineKind.LIST
            and ln.indent > 0
            and bool(drafts)
            and not in_phase
            and drafts[-1].found is not None
        )
        if under_timed:
            phase = None  # "  - Misleading path: …" under a timed bullet belongs to it
        if phase is not None and (ln.indent == 0 or ln.kind is LineKind.HEADING or not in_phase):
            title, after = phase
            found = (
                leading_time(title, year=ctx.year, zones=ctx.zones)
                or _time_in_label(title + ": ", ctx)
                or _time_in(after, ctx)
            )
            text = f"{title}: {clean_text(after)}" if after else title
            d = _Draft(ln.number, ln.raw, found, [text])
            d.day = current_day
            d.bare_phase, d.source = not after and found is None, [ln]
            drafts.append(d)
            in_phase, phase_indent = True, ln.indent if ln.kind is LineKind.LIST else 0
            phase_is_item = ln.kind is LineKind.LIST
            continue
        day = _date_line(ln, ctx)
        if day is not None:
            current_day = day
            date_lines.append(ln)
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
        text = _TAG.sub("", text) if "<" in text else text
        if _ONLY_MEDIA.match(text):
            rest.append(ln)
            continue
        if len(text) < 120 and (text.endswith("?") or _PROMPT.match(text)):
            rest.append(ln)  # a prompt left from a template ("When was the issue detected?")
            continue
        lead = lead_of(text)
        if commentary and lead is None:
            rest.append(ln)
            continue
        commentary = False
        same_level_item = phase_is_item and ln.kind is LineKind.LIST and ln.indent <= phase_indent
        nested = ln.kind is LineKind.LIST and ln.indent > phase_indent
        if (
            in_phase
            and lead is not None
            and not nested
            and drafts[-1].bare_phase
            and len(drafts[-1].parts) == 1
        ):
            # "actions taken" over "01:15 PM: …": a heading left from a template, not an entry
            rest.extend(drafts.pop().source)
            in_phase = False
        if (
            in_phase
            and drafts
            and (ln.indent > phase_indent or (lead is None and not same_level_item))
        ):
            if drafts[-1].found is None:  # a phase is timed by the first time written in it
                drafts[-1].found = _time_in(text, ctx)
            drafts[-1].parts.append(clean_text(text))
            continue
        found = lead or _time_in_label(text, ctx)
        is_item = ln.kind is LineKind.LIST and (list_indent is None or ln.indent <= list_indent)
        if (
            is_item
            and found is None
            and entry_kind in (LineKind.TEXT, LineKind.HEADING)
            and drafts
            and drafts[-1].found is not None
        ):
            # a bulleted list under a bare-line entry belongs to that entry
            _continue(drafts, ln, text, ctx)
            continue
        if found is not None and entry_kind is None:
            entry_kind = ln.kind
        if ln.kind is LineKind.LIST and list_indent is None:
            list_indent = ln.indent
        if found is not None:
            in_phase = False
            for piece_found, piece in _run_on(text, found, ctx):
                d = _Draft(ln.number, ln.raw, piece_found, [piece] if piece else [])
                d.day = piece_found.date or current_day
                d.day_stated = piece_found.date is not None
                drafts.append(d)
            continue
        dated = leading_date(text, year=ctx.year) or _stamp_like(text)
        if dated is not None and len(text) - dated[0] > 3:
            in_phase = False
            d = _Draft(ln.number, ln.raw, None, [clean_text(text)])
            d.day, d.day_stated = dated[1] or current_day, dated[1] is not None
            drafts.append(d)
            continue
        label_line = ln.kind is LineKind.TEXT and ln.indent == 0 and _LABEL_LINE.match(text)
        if label_line and timed_list and found is None:
            # "**Total impact duration:** 5 hours" beside a timed list: a note, not an event
            rest.append(ln)
            continue
        if is_item or label_line:
            d = _Draft(ln.number, ln.raw, None, [clean_text(text)])
            d.day = current_day
            drafts.append(d)
            continue
        if drafts and (ln.indent > 0 or ln.kind is LineKind.LIST or not blank_before):
            prev = drafts[-1]
            if prev.paragraph and ln.kind is LineKind.TEXT and _own_line(prev, text):
                # untimed events written one per line: each line is an entry
                d = _Draft(ln.number, ln.raw, None, [clean_text(text)])
                d.day, d.paragraph, d.source, d.own_line = current_day, True, [ln], True
                drafts.append(d)
                paragraphs.append(d)
            elif prev.paragraph:
                prev.parts.append(clean_text(text))
                prev.source.append(ln)
            else:
                _continue(drafts, ln, text, ctx)
            continue
        if drafts and drafts[-1].found is not None:
            _continue(drafts, ln, text, ctx)
            continue
        if ln.kind is LineKind.TEXT and not text.rstrip("*_ ").endswith(":"):
            d = _Draft(ln.number, ln.raw, None, [clean_text(text)])
            d.day = current_day
            d.paragraph = True
            d.source = [ln]
            drafts.append(d)
            paragraphs.append(d)
            continue
        rest.append(ln)
    kept = _drop_lead_in(drafts, paragraphs)
    if not kept:
        rest.extend(date_lines)  # a date with no entry under it stays text (nothing is lost)
    for d in kept:
        if d.found is None:  # an entry carries a time when its text states one
            d.found = _time_in(" ".join(d.parts), ctx)
            if d.found is not None and d.found.date is not None:
                d.day, d.day_stated = d.found.date, True
    if len(kept) < len(drafts):
        keep = {id(d) for d in kept}
        rest.extend(ln for d in drafts if id(d) not in keep for ln in d.source)
    return kept, sorted(rest, key=lambda x: x.number)


_PHASE_LABEL = re.compile(r"^(?P<t>[^:]{2,60}?)\s*:\s*(?P<rest>.*)$")


def _phase_of(ln: Line) -> tuple[str, str] | None:
    """(title, text after it) when the line heads a phase of the incident or a bold entry."""
    if ln.kind not in (LineKind.HEADING, LineKind.TEXT, LineKind.LIST):
        return None
    m = marker_of(ln)
    if m is not None and (is_phase_title(m.title) or (m.kind is None and m.level >= 7)):
        return m.title, m.rest
    plain = " ".join(_EMPHASIS.sub("", ln.text).split())
    lm = _PHASE_LABEL.match(plain)
    if lm and is_phase_title(lm["t"]):
        return lm["t"].strip(), lm["rest"].strip()
    return None


_EMPHASIS = re.compile(r"\*\*|__|</?[A-Za-z][^<>]*>")


def _drop_lead_in(drafts: list[_Draft], paragraphs: list[_Draft]) -> list[_Draft]:
    """Paragraphs are entries only in a timeline made of paragraphs; there, a first paragraph
    saying when the work began is a lead-in, and one that only points elsewhere ("see the status
    page") is no entry."""
    if not paragraphs:
        return drafts
    if len(paragraphs) == len(drafts) and all(
        _POINTER.search(" ".join(d.parts)) and not find_times(" ".join(d.parts)) for d in paragraphs
    ):
        return []
    if len(paragraphs) < len(drafts):
        return [d for d in drafts if not d.paragraph]
    if len(paragraphs) < 2 or any(d.own_line for d in paragraphs):
        return drafts
    if any(d.found is not None for d in drafts):
        return drafts
    first = " ".join(paragraphs[0].parts)
    later = any(find_times(" ".join(d.parts)) for d in drafts[1:])
    if find_times(first) and not later:
        return drafts[1:]
    return drafts


_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_ONLY_MEDIA = re.compile(r"^(?:!?\[[^\]]*\]\([^)]*\)\s*)+$")
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
    dates = find_dates(m["label"], ctx.year)
    day = t.date or (dates[0][2] if dates else None)
    return Found(0, m.end(), t.time, day, t.zone, t.until)


_POINTER = re.compile(r"\]\([^)\[\]]+\)|https?://|<https?://", re.IGNORECASE)
# "how was the issue detected", "which team/individuals was the incident escalated to"
_PROMPT = re.compile(
    r"^[*_]*(?:when|how|what|which|who|why|where)\b(?:\s+[^\s.!,\d]+){1,11}\s*:?[*_]*$",
    re.IGNORECASE,
)


def _prose_follows(lines: Sequence[Line], i: int, ctx: Context) -> bool:
    """The next non-blank line after ``lines[i]`` is a paragraph, not an entry."""
    for ln in lines[i + 1 :]:
        if ln.kind is LineKind.BLANK:
            continue
        return ln.kind is LineKind.TEXT and leading_time(ln.raw.strip(), year=ctx.year) is None
    return False


_OPEN_END = re.compile(r"(?:[,\-–—(]|\b(?:and|or|to|the|a|an|of|with|for|in|on|at|by))$", re.I)


def _own_line(prev: _Draft, text: str) -> bool:
    """A line that starts a new statement rather than continuing the wrapped line above."""
    last = prev.source[-1].raw.strip() if prev.source else ""
    return bool(text[:1].isupper() and last and not _OPEN_END.search(last))


_NUMERIC_STAMP = re.compile(r"^[-*+\s]*\d{1,4}(?:[/.-]\d{1,4}){1,2}\s*[-–—:]\s+\S")


def _stamp_like(text: str) -> tuple[int, dt.date | None] | None:
    """ "11/03/202 - Version released": a mistyped date still opens an entry."""
    m = _NUMERIC_STAMP.match(text)
    return (m.end() - 1, None) if m else None


def _time_in(text: str, ctx: Context) -> Found | None:
    """The first time anywhere in a short text ("The issue was detected at 9:00 AM")."""
    times = find_times(text[:200], year=ctx.year, zones=ctx.zones)
    return times[0] if times else None


_LABEL_LINE = re.compile(r"^[*_]*[A-Z][\w /&'()-]{1,40}?[*_]*\s*:[*_]*\s+\S")
# A time written as the stamp of a new event in the middle of a line: "… done. 12:06pm EAT: …"
_STAMP_AFTER = re.compile(r"\s*(?:[-–—:]|\]|\))\s")


def _continue(drafts: list[_Draft], ln: Line, text: str, ctx: Context) -> None:
    """Add a line to the entry above; a stamped event inside it starts a new entry."""
    pieces = _run_on(text, Found(0, 0, dt.time(0)), ctx)
    if pieces[0][1]:
        drafts[-1].parts.append(pieces[0][1])
    for found, piece in pieces[1:]:
        d = _Draft(ln.number, ln.raw, found, [piece] if piece else [])
        d.day = found.date or drafts[-1].day
        d.day_stated = found.date is not None
        drafts.append(d)


_NEW_EVENT = re.compile(r"\s*:\s+[A-Z]")


def _run_on(text: str, found: Found, ctx: Context) -> list[tuple[Found, str]]:
    """One line holding several stamped events ("12:00pm EAT: a. 12:06pm EAT: b") → events."""
    out: list[tuple[Found, str]] = []
    cur, start = found, found.end
    for f in find_times(text[found.end :], year=ctx.year, zones=ctx.zones):
        pos = found.end + f.start
        before = text[:pos].rstrip(" *_`")
        after = found.end + f.end
        if not _STAMP_AFTER.match(text, after):
            continue
        # "… to the requests 12:09pm EAT: Issue was handled …", but not a labelled stamp
        # such as "actions taken 01:15 PM: …"
        sentence_end = bool(before) and before[-1] in ".;!)\"'`-–—"
        if not sentence_end and (
            not _NEW_EVENT.match(text, after) or len(text[start:pos].split()) < 4
        ):
            continue
        out.append((cur, clean_text(text[start:pos])))
        cur = Found(pos, found.end + f.end, f.time, f.date, f.zone, f.until)
        start = found.end + f.end
    out.append((cur, clean_text(text[start:])))
    return out


def _table_row(ln: Line, ctx: Context) -> _Draft | None:
    cells = [c.strip() for c in _CELL_SPLIT.split(ln.raw.strip().strip("|"))]
    for i, cell in enumerate(cells):
        found = leading_time(cell, year=ctx.year, zones=ctx.zones)
        if found is not None:
            others = [clean_text(c) for j, c in enumerate(cells) if j != i and c]
            tail = clean_text(cell[found.end :])
            text = " - ".join([t for t in [tail, *others] if t])
            day = found.date or _date_cell(cells, i, ctx)
            return _Draft(ln.number, ln.raw, found, [text] if text else [], day)
    return None


def _date_cell(cells: Sequence[str], skip: int, ctx: Context) -> dt.date | None:
    """The date of a row written in a cell of its own ("| Sun | Nov 1 | 19:10 | …")."""
    for j, cell in enumerate(cells):
        if j != skip and len(cell) <= 25:
            dates = find_dates(cell, ctx.year)
            if dates and dates[0][0] <= 2:
                return dates[0][2]
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
