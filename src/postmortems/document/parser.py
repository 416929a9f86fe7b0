"""Markdown (with optional YAML front matter) → :class:`Document`.

The parser never raises on the body: whatever the shape, it returns its best reading. Only
unreadable front matter raises :class:`FrontMatterError` (the caller decides whether a broken
file stops a run).
"""

from __future__ import annotations

import collections
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace

from postmortems.document import actions, facts, statuslog, summarytimes, timeline
from postmortems.document.actionitem import Group
from postmortems.document.classify import classify
from postmortems.document.frontblock import split as split_front_matter
from postmortems.document.frontmatter import load, refuse_unclosed
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
from postmortems.document.paragraphtimes import told_in_paragraphs
from postmortems.document.parts import (
    _body,
    _opening_timeline,
    _Part,
    _split,
    _subkinds,
    _timed_part,
    _title,
    incident_headings,
)
from postmortems.document.readingcontext import (
    _context_date,
    _prose,
    _reading_context,
    _Texts,
    _texts,
    date_fields,
)
from postmortems.document.timelinedraft import Context
from postmortems.document.zones import Zone


def parse(
    text: str, path: str | None = None, *, zones: Mapping[str, int] | None = None
) -> Document:
    """Read a postmortem. ``zones`` extends the timezone abbreviation table."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    yaml_text, body, offset = split_front_matter(text)
    if yaml_text is None:
        refuse_unclosed(text, path)
    meta, problems = load(yaml_text, path) if yaml_text is not None else (Meta(), [])
    lines = split_lines(body, offset)
    title, rest = _title(lines, meta)
    rest = statuslog.as_timeline(rest) or rest
    preamble, parts = _opening_timeline(*_split(rest))
    return _assemble(meta, title, preamble, _timed_part(parts), text, path, problems, zones, lines)


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
    told = [] if any(e.when for e in entries) else told_in_paragraphs(lines, ctx)
    doc_facts = facts.build(
        [texts.summary, texts.head],
        day=ctx.date,
        stated_day=_context_date(
            meta, [texts.summary, date_fields(texts.head)], None, ctx.day_first
        ),
        day_first=ctx.day_first,
        zone=zone,
        entries=_first_incident(entries, incidents),
        zones=zones,
        timeline_text=texts.timeline,
        timeline_notes="\n".join(s.body for s in sections if s.kind is SectionKind.TIMELINE),
        stats="\n".join(_prose(lines)),
        told=_with_zone(told, zone),
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
    found: list[Group] = []
    for p in parts:
        if p.marker is not None and p.marker.kind is SectionKind.MEASURES:
            found.extend(actions.groups(p.marker.title, p.lines, year))
    if not found:
        for p in parts:
            if p.marker is not None and p.marker.kind is SectionKind.LESSONS and _plans(p):
                found.extend(actions.groups(p.marker.title, p.lines, year))
    if not found:
        found = _assigned_lists(parts, year)
    chosen = actions.choose(found)
    items = [item for g in chosen for item in g.items]
    taken = {n for g in chosen for lines in g.lines for n in lines}
    return items, taken


# "## Actions" or "## Follow-ups": the actions taken during the incident, or the work to do.
_ACTIONS_TITLE = re.compile(
    r"^\W*(?:next |open |follow[- ]?up )?(?:actions?|follow[- ]?ups?)\W*$", re.IGNORECASE
)


def _assigned_lists(parts: Sequence[_Part], year: int | None) -> list[Group]:
    """Under a heading that could be either ("## Actions"), a list whose every item names an
    owner or a due date: the work to do, so the task list."""
    found: list[Group] = []
    for p in parts:
        if p.marker is None or p.marker.kind not in (None, SectionKind.OTHER):
            continue
        if _ACTIONS_TITLE.match(p.marker.title):
            lists = actions.groups(p.marker.title, p.lines, year)
            found.extend(g for g in lists if g.items and all(i.owner or i.due for i in g.items))
    return found


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
