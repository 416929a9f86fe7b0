"""Markdown (with optional YAML front matter) → :class:`Document`.

The parser never raises on the body: whatever the shape, it returns its best reading. Only
unreadable front matter raises :class:`FrontMatterError` (the caller decides whether a broken
file stops a run).
"""

from __future__ import annotations

import collections
import datetime as dt
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from postmortems.document import actions, facts, statuslog, summarytimes, timeline, titles
from postmortems.document.classify import classify
from postmortems.document.frontblock import split as split_front_matter
from postmortems.document.frontmatter import load
from postmortems.document.lines import Line, LineKind, split_lines
from postmortems.document.model import (
    ActionItem,
    Document,
    Meta,
    Problem,
    Section,
    SectionKind,
    Span,
    TimelineEntry,
)
from postmortems.document.sections import (
    TIMED_LINE,
    Marker,
    flattened_marker,
    is_phase_line,
    is_phase_title,
    marker_of,
)
from postmortems.document.timelinedraft import Context
from postmortems.document.timeparse import date_matches, day_first, find_dates, leading_time
from postmortems.document.wording import any_word
from postmortems.document.zones import Zone

# A marker of one of these kinds, deeper than a section of the key kind, stays inside it.
CONTAINS: dict[SectionKind, frozenset[SectionKind]] = {
    SectionKind.SUMMARY: frozenset(
        {
            SectionKind.IMPACT,
            SectionKind.ROOT_CAUSE,
            SectionKind.DETECTION,
            SectionKind.TRIGGER,
            SectionKind.RESOLUTION,
        }
    ),
    SectionKind.ROOT_CAUSE_AND_RESOLUTION: frozenset(
        {SectionKind.ROOT_CAUSE, SectionKind.RESOLUTION, SectionKind.TRIGGER}
    ),
    SectionKind.ROOT_CAUSE: frozenset({SectionKind.TRIGGER}),
    SectionKind.MEASURES: frozenset({SectionKind.MEASURES}),
    SectionKind.LESSONS: frozenset({SectionKind.MEASURES, SectionKind.ROOT_CAUSE}),
}


_NOT_PROSE = (LineKind.CODE, LineKind.COMMENT)


@dataclass
class _Part:
    marker: Marker | None
    lines: list[Line]
    level: int
    subkinds: list[SectionKind]
    phases: int = 0  # phase markers ("Detection:", "Escalation:") kept inside a timeline


def parse(
    text: str, path: str | None = None, *, zones: Mapping[str, int] | None = None
) -> Document:
    """Read a postmortem. ``zones`` extends the timezone abbreviation table."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    yaml_text, body, offset = split_front_matter(text)
    meta, problems = load(yaml_text, path) if yaml_text is not None else (Meta(), [])
    lines = split_lines(body, offset)
    title, rest = _title(lines, meta)
    rest = statuslog.as_timeline(rest) or rest
    preamble, parts = _opening_timeline(*_split(rest))
    return _assemble(meta, title, preamble, _timed_part(parts), text, path, problems, zones, lines)


def _opening_timeline(preamble: list[Line], parts: list[_Part]) -> tuple[list[Line], list[_Part]]:
    """With no timeline heading, a list of three or more entries that each open with a date and
    a time in the text before the first heading (a post told without headings: "times are UTC:"
    and then "- 2017-01-24 23:33 - …") is the timeline; the prose after it is an unnamed part."""
    if any(p.marker is not None and p.marker.kind is SectionKind.TIMELINE for p in parts):
        return preamble, parts
    run = _timed_run(preamble)
    if run is None:
        return preamble, parts
    start, end = run
    steps = _Part(Marker(preamble[start], "Timeline", SectionKind.TIMELINE, 2), [], 2, [])
    steps.lines = preamble[start:end]
    after = [ln for ln in preamble[end:] if ln.kind is not LineKind.BLANK]
    rest = [_Part(Marker(after[0], "", None, 2), preamble[end:], 2, [])] if after else []
    return preamble[:start], [steps, *rest, *parts]


def _timed_part(parts: list[_Part]) -> list[_Part]:
    """With no timeline heading, a part under an unknown heading ("What happened, minute by
    minute") that lists three or more timed entries, as bullets or table rows, is the timeline;
    else a list of three or more dated entries that closes another part ("How did we respond?"
    and then "- 21 January 2024 @ 01:30 UTC – …") is the timeline, split from that part."""
    if any(p.marker is not None and p.marker.kind is SectionKind.TIMELINE for p in parts):
        return parts
    for p in parts:
        if p.marker is not None and p.marker.kind is None:
            timed = sum(1 for ln in p.lines if TIMED_LINE.match(ln.raw))
            if timed >= 3:
                p.marker = replace(p.marker, kind=SectionKind.TIMELINE)
                return parts
    for i, p in enumerate(parts):
        kind = p.marker.kind if p.marker is not None else None
        if kind in _HOLDS_NO_TIMELINE:
            continue
        run = _closing_timed_run(p.lines)
        if run is not None:
            first = p.lines[run]
            marker = Marker(first, "Timeline", SectionKind.TIMELINE, p.level + 1)
            steps = _Part(marker, p.lines[run:], p.level + 1, [])
            p.lines = p.lines[:run]
            return [*parts[: i + 1], steps, *parts[i + 1 :]]
    return parts


def _dated_stamp(text: str) -> bool:
    """The item opens with a date and a time ("21 January 2024 @ 01:30 UTC – …")."""
    found = leading_time(text)
    return found is not None and found.date is not None


# A list of dated steps in these parts is their own: tasks with dates, the timeline's own lines.
_HOLDS_NO_TIMELINE = frozenset({SectionKind.TIMELINE, SectionKind.MEASURES})


def _closing_timed_run(lines: Sequence[Line]) -> int | None:
    """The index of the first item of a run of three or more top-level list items that each
    start with a date and a time and run to the end of ``lines`` (their wrapped lines and blank
    lines between them included), else None."""
    run = _timed_run(lines)
    return run[0] if run is not None and run[1] == len(lines) else None


def _timed_run(lines: Sequence[Line]) -> tuple[int, int] | None:
    """The span of the last run of three or more top-level list items that each start with a
    date and a time (their wrapped lines, sub-items and the blank lines between them included),
    else None."""
    start: int | None = None
    items, end, found = 0, 0, None
    for i, ln in enumerate(lines):
        wrapped = ln.kind is LineKind.TEXT and ln.indent and start is not None
        if ln.kind is LineKind.BLANK or wrapped or (ln.kind is LineKind.LIST and ln.indent):
            end = i + 1 if start is not None and ln.kind is not LineKind.BLANK else end
            continue  # a wrapped line or a sub-item of an entry
        if ln.kind is LineKind.LIST and _dated_stamp(ln.text):
            start, items, end = i if start is None else start, items + 1, i + 1
        else:
            start, items = None, 0
        if start is not None and items >= 3:
            found = (start, len(lines) if _only_blank(lines[end:]) else end)
    return found


def _only_blank(lines: Sequence[Line]) -> bool:
    return all(ln.kind is LineKind.BLANK for ln in lines)


# A heading that names one incident of several: "Incident #7", "October 24, 2025 - Rate limiting
# outage", "API outage (Major)".
_INCIDENT_NUMBER = re.compile(r"\bincident\s*(?:#|no\.?\s*|number\s+)?\d+\b", re.IGNORECASE)
_INCIDENT_WORD = any_word(
    r"outages?|incidents?|downtime|down|errors?|degrad\w*|fail\w*|attacks?|halt\w*|"
    r"time ?outs?|stall\w*|stuck|crash\w*|overload\w*|exhaust\w*|misconfigur\w*|latency|"
    r"breach\w*|compromis\w*"
)
_SEVERITY_TAG = re.compile(r"\((?:major|minor|critical|sev[- ]?\d|p\d)\)", re.IGNORECASE)


def _names_an_incident(title: str) -> bool:
    if _INCIDENT_NUMBER.search(title):
        return True
    if not _INCIDENT_WORD.search(title):
        return False
    return any(True for _ in date_matches(title)) or bool(_SEVERITY_TAG.search(title))


def incident_headings(lines: Sequence[Line]) -> list[Line]:
    """The headings of the incidents a document reports, when it reports several: the most
    headings of one level that each name an incident (a roundup of a month's outages,
    "Incident #1" … "Incident #8"); none for a document about one incident."""
    named = [ln for ln in lines if ln.kind is LineKind.HEADING and _names_an_incident(ln.text)]
    per_level = collections.Counter(ln.level for ln in named)
    level, most = max(per_level.items(), key=lambda kv: kv[1], default=(0, 0))
    return [ln for ln in named if ln.level == level] if most >= 2 else []


def _first_incident(entries: list[TimelineEntry], headings: Sequence[Line]) -> list[TimelineEntry]:
    """The timeline entries of the first incident of several (those above the second one's
    heading); all entries when the document reports one incident, or when its incidents are
    entries of one timeline (``### 3 August: API outage`` headings inside it), which read as one
    chronology."""
    entry_lines = {e.line for e in entries}
    apart = [h for h in headings if h.number not in entry_lines]
    if len(apart) < 2:
        return entries
    first = [e for e in entries if e.line < apart[1].number]
    return first or entries


def _title(lines: list[Line], meta: Meta) -> tuple[str | None, list[Line]]:
    """The document title and the lines after it: :func:`postmortems.document.titles.split`."""
    return titles.split(lines, meta.title)


def _split(lines: list[Line]) -> tuple[list[Line], list[_Part]]:
    preamble: list[Line] = []
    parts: list[_Part] = []
    previous: Line | None = None
    for ln in lines:
        m = marker_of(ln)
        if m is None and (previous is None or previous.kind is LineKind.BLANK):
            m = flattened_marker(ln)
        previous = ln
        cur = parts[-1] if parts else None
        if m is not None and cur is not None and _is_phase(m, cur):
            cur.phases += 1
            if m.kind is not None:
                cur.subkinds.append(m.kind)
            cur.lines.append(ln)
            continue
        if m is not None and _starts_section(m, cur):
            level = m.level if m.level < 7 else (7 + m.line.indent)
            first = [replace(ln, raw=m.rest, kind=LineKind.TEXT, text=m.rest)] if m.rest else []
            parts.append(_Part(m, first, level, []))
            continue
        if m is not None and m.kind is not None and cur is not None:
            cur.subkinds.append(m.kind)
        (cur.lines if cur is not None else preamble).append(ln)
    return preamble, parts


def _subkinds(body: Sequence[Line], texts: Sequence[str]) -> tuple[SectionKind, ...]:
    """Kinds of the parts marked inside a section ("Root Cause:", a "Resolution:" phase).

    Read from what the section keeps (its body, its entries or tasks) so that the canonical
    rewrite has the same ones: unique, in the order of :class:`SectionKind`.
    """
    lines = [*body, *(Line(0, t, LineKind.TEXT, text=t) for t in texts)]
    marked = {m.kind for ln in lines if (m := marker_of(ln)) is not None}
    return tuple(k for k in SectionKind if k in marked)


def _is_phase(m: Marker, cur: _Part) -> bool:
    """A "Detection:" / "Escalation:" / "Resolution:" marker that is an entry of a timeline."""
    if cur.marker is None or cur.marker.kind is not SectionKind.TIMELINE:
        return False
    if not is_phase_title(m.title):
        return False
    level = m.level if m.level < 7 else 7 + m.line.indent
    if level < cur.level:
        return False
    phased = cur.phases > 0 or any(is_phase_line(ln) for ln in cur.lines)
    if level == cur.level and not phased and m.kind is not None:
        # "Timeline:" then "Actions taken: …" lines between its timed lines (label style)
        content = any(ln.kind is not LineKind.BLANK for ln in cur.lines)
        label_style = m.level >= 7 and content and m.kind is not SectionKind.RESOLUTION
        return m.kind is SectionKind.DETECTION or label_style
    return True


def _starts_section(m: Marker, cur: _Part | None) -> bool:
    level = m.level if m.level < 7 else 7 + m.line.indent
    timed = cur is not None and cur.marker is not None and cur.marker.kind is SectionKind.TIMELINE
    if timed and timeline.is_entry_heading(m):
        return False  # "## 13:20" inside a timeline is one of its entries
    if m.kind is None:
        return m.level < 7 and (cur is None or level <= cur.level)
    if cur is None or cur.marker is None or cur.marker.kind is None:
        return True
    if level > cur.level and m.kind in CONTAINS.get(cur.marker.kind, frozenset()):
        return False
    return level <= cur.level or m.kind is not cur.marker.kind


def _body(lines: Sequence[Line]) -> str:
    """Section text: runs of blank lines collapsed, common indentation removed."""
    out: list[str] = []
    for ln in lines:
        raw = ln.raw
        if ln.kind is LineKind.BLANK or not raw.strip():
            if out and out[-1] != "":
                out.append("")
            continue
        out.append(raw.rstrip())
    while out and out[-1] == "":
        out.pop()
    return _dedent("\n".join(out))


def _dedent(text: str) -> str:
    lines = text.split("\n")
    indents = [len(x) - len(x.lstrip(" ")) for x in lines if x.strip()]
    cut = min(indents, default=0)
    return "\n".join(x[cut:] for x in lines) if cut else text


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
        head="\n".join([title or "", *_prose(preamble), *opening]),
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
    start, end = summarytimes.summary_times(texts.summary, day, None, zones, day_first=dmy)
    if start is None and end is None:
        start, end = summarytimes.summary_times(texts.head, day, None, zones, day_first=dmy)
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
    :func:`postmortems.document.timeparse.day_first`): its dates written with the month's name
    are read anywhere in it (``whole``)."""
    joined = "\n".join(texts.all)
    iso = _ISO_DATE.search(joined)
    known = _path_date(path) or (_iso_date(iso) if iso else None)
    zone = meta.timezone or declared or summarytimes.first_zone(texts.all, zones)
    whole = whole or joined
    worded = [d for a, b, d in find_dates(whole) if _NAMED_MONTH.search(whole, a, b)]
    return day_first(joined, known=known, zone=zone.label if zone else None, worded=worded)


_NAMED_MONTH = re.compile(r"[A-Za-z]{3}")


def _section(p: _Part, body: Sequence[Line], texts: Sequence[str]) -> Section:
    assert p.marker is not None
    end = p.lines[-1].number if p.lines else p.marker.line.number
    return Section(
        p.marker.kind or SectionKind.OTHER,
        p.marker.title,
        _body(body),
        p.marker.level if p.marker.level < 7 else 2,
        _subkinds(body, texts),
        Span(p.marker.line.number, end),
    )


def _measures_body(
    p: _Part, items: Sequence[ActionItem], taken: set[int]
) -> tuple[list[Line], list[str]]:
    """A measures section without its tasks (each leaves a paragraph break, so the prose around
    it stays apart); the tasks' texts go with the section that holds the first one, where the
    canonical rewrite puts them all."""
    body = [ln if ln.number not in taken else Line(ln.number, "", LineKind.BLANK) for ln in p.lines]
    home = bool(items) and any(ln.number == items[0].line for ln in p.lines)
    return body, [a.text for a in items] if home else []


def _sections(
    parts: Sequence[_Part], ctx: Context, items: Sequence[ActionItem], taken: set[int]
) -> tuple[list[Section], list[TimelineEntry]]:
    sections: list[Section] = []
    entries: list[TimelineEntry] = []
    for p in parts:
        assert p.marker is not None
        body: Sequence[Line] = p.lines
        texts: list[str] = []
        if p.marker.kind is SectionKind.TIMELINE:
            found, body = timeline.extract(p.lines, ctx)
            entries.extend(found)
            texts = [e.text for e in found]
        elif p.marker.kind is SectionKind.MEASURES:
            body, texts = _measures_body(p, items, taken)
        sections.append(_section(p, body, texts))
    return sections, entries


def _document_zone(
    zone: Zone | None,
    entries: Sequence[TimelineEntry],
    ctx: Context,
    texts: _Texts,
    zones: Mapping[str, int] | None,
) -> Zone | None:
    """Front matter or summary first, then the zone the entries write, a declared one, and last
    the first zone written anywhere."""
    if zone is not None:
        return zone
    zone = _stated_zone(entries) or ctx.zone
    if zone is not None:
        return zone
    order = [texts.summary, texts.head, texts.timeline_titles, texts.timeline]
    return summarytimes.first_zone(order, zones)


def _assemble(
    meta: Meta,
    title: str | None,
    preamble_lines: list[Line],
    parts: list[_Part],
    text: str,
    path: str | None,
    problems: list[Problem],
    zones: Mapping[str, int] | None,
    lines: Sequence[Line],
) -> Document:
    texts = _texts(title, preamble_lines, parts)
    incidents = incident_headings(lines)
    zone, ctx = _reading_context(meta, texts, path, zones, text)
    items, taken = _action_items(parts, ctx.year)
    sections, entries = _sections(parts, ctx, items, taken)
    zone = _document_zone(zone, entries, ctx, texts, zones)
    entries = _with_zone(entries, zone)
    doc_facts = facts.build(
        [texts.summary, texts.head],
        day=ctx.date,
        stated_day=_context_date(meta, [texts.summary], None, ctx.day_first),
        day_first=ctx.day_first,
        zone=zone,
        entries=_first_incident(entries, incidents),
        zones=zones,
        timeline_text=texts.timeline,
        timeline_notes="\n".join(s.body for s in sections if s.kind is SectionKind.TIMELINE),
        stats="\n".join(_prose(lines)),
    )
    # The body only: front matter is data about the document, not its prose.
    doc_kind, reason = classify(split_front_matter(text)[1], sections, entries)
    return Document(
        meta=meta,
        title=title,
        preamble=_body(preamble_lines),
        sections=tuple(sections),
        timeline=tuple(entries),
        action_items=tuple(items),
        facts=doc_facts,
        kind=doc_kind,
        kind_reason=reason,
        path=path,
        source=text,
        problems=tuple(problems),
        incidents=max(1, len(incidents)),
    )


def _action_items(parts: Sequence[_Part], year: int | None) -> tuple[list[ActionItem], set[int]]:
    """The specific task list of the measures sections, and the source lines it takes."""
    found: list[actions.Group] = []
    for p in parts:
        if p.marker is not None and p.marker.kind is SectionKind.MEASURES:
            found.extend(actions.groups(p.marker.title, p.lines, year))
    if not found:
        for p in parts:
            if p.marker is not None and p.marker.kind is SectionKind.LESSONS and _plans(p):
                found.extend(actions.groups(p.marker.title, p.lines, year))
    chosen = actions.choose(found)
    items = [item for g in chosen for item in g.items]
    taken = {n for g in chosen for lines in g.lines for n in lines}
    return items, taken


# "Here's what we're doing to prevent future outages:": a lead-in to what will be done.
_PLAN_LEAD = re.compile(
    r"\b(?:what we(?:'re| are| will be| plan to be)? (?:doing|changing)|we will|we're going to|"
    r"we are going to)\b[^\n]{0,80}:[^\S\n]*$",
    re.IGNORECASE | re.MULTILINE,
)


def _plans(p: _Part) -> bool:
    """A lessons part whose lead-in says what will be done: its list is the task list."""
    return any(_PLAN_LEAD.search(ln.raw) for ln in p.lines if ln.kind is LineKind.TEXT)


def _stated_zone(entries: Sequence[TimelineEntry]) -> Zone | None:
    """The zone most timeline entries write on themselves, when they write one."""
    counts = collections.Counter(
        e.when.zone for e in entries if e.when and e.when.zone and e.zone_stated
    )
    if not counts:
        return None
    return counts.most_common(1)[0][0]


def _with_zone(entries: list[TimelineEntry], zone: Zone | None) -> list[TimelineEntry]:
    """Entries that do not state a zone take the document's."""
    out = []
    for e in entries:
        if e.when is not None and not e.zone_stated and e.when.zone != zone:
            e = replace(e, when=replace(e.when, zone=zone))
            if e.until is not None:
                e = replace(e, until=replace(e.until, zone=zone))
        out.append(e)
    return out
