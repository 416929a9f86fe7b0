"""The body of a postmortem as a sanitized HTML fragment: sections with anchored headings, the
timeline as a list with milestone marks, and the action items as a table with their status."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from postmortems.document.model import ActionItem, Document, Section, SectionKind, TimelineEntry
from postmortems.document.moments import Moment, read_timeline
from postmortems.document.titles import clean
from postmortems.render.axis import Placed, day_of, label, place
from postmortems.render.escape import escape
from postmortems.render.markdown import (
    ImageResolver,
    PageResolver,
    Slugs,
    inline_html,
    plain,
    to_html,
)
from postmortems.render.marks import marked

# A TOML front-matter block (``+++`` … ``+++``, as blog engines write it) is data, not text: the
# title comes from it (postmortems.document.titles), the page does not show it.
_TOML_BLOCK = re.compile(r"\A\s*\+\+\+[ \t]*\n.*?^\+\+\+[ \t]*$\n?", re.DOTALL | re.MULTILINE)

_UNDERLINE = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")

# Ids the page itself uses; a section called "Timeline" must not take them.
RESERVED_IDS = (
    "top",
    "summary-card",
    "diagram",
    "toc",
    "content",
    "tl-title",
    "tl-desc",
    "tl-title-narrow",
    "tl-desc-narrow",
    "tl-title-medium",
    "tl-desc-medium",
)


@dataclass(frozen=True)
class Heading:
    """An anchored section heading, for the table of contents."""

    id: str
    text: str


@dataclass(frozen=True)
class Body:
    """The sanitized HTML, its headings and its length in words (a long body gets a table of
    contents)."""

    html: str
    headings: tuple[Heading, ...]
    words: int


def entry_id(index: int) -> str:
    """The id of the timeline list's entry ``index`` (from 0), which the diagram links to: a
    heading's id never has a dot, so none can take it."""
    return f"entry.{index + 1}"


def _entries(doc: Document) -> str:
    """The timeline as a list; each day's first entry dated when it spans days, and each entry
    given the zone it states when they state more than one (across a change of the clocks,
    01:30 CEST then 02:10 CET is in order; 01:30 then 02:10 would not say so)."""
    rows = []
    placed = place(doc).placed
    days = {day_of(p.at) for p in placed if p.at is not None} - {None}
    zones = [_stated_zone(p.entry) for p in placed]
    several_zones = len(set(zones) - {""}) > 1
    shown_day = None
    for n, (p, mark) in enumerate(zip(placed, _marks(doc, placed), strict=True)):
        when = label(p.at) if p.at is not None else ""
        if p.until is not None:
            when += f"–{label(p.until)}"
        day = day_of(p.at) if p.at is not None else None
        if len(days) > 1 and day is not None and day != shown_day:
            when, shown_day = f"{day:%Y-%m-%d} {when}", day
        if when and several_zones and zones[n]:
            when += f" {zones[n]}"
        stamp = f'<span class="when">{escape(when)}</span> ' if when else ""
        tag = ""
        if mark is not Moment.ACTION:
            name = "misleading path" if mark is Moment.MISLEADING else mark.value
            tag = f' <span class="mark mark-{mark.value}">{name}</span>'
        rows.append(
            f'<li class="entry entry-{mark.value}" id="{entry_id(p.index)}">{stamp}'
            f'<span class="what">{inline_html(p.entry.text)}</span>{tag}</li>'
        )
    return f'<ol class="pm-entries">{"".join(rows)}</ol>'


def _marks(doc: Document, placed: Sequence[Placed]) -> list[Moment]:
    """Each entry's mark, as the diagram's: one entry for each milestone (``marks.marked``: the
    first detection, escalation and mitigation, the last resolution, or the entries at the
    moments the front matter states) and every misleading path; an entry that only reads as a
    milestone again is an action."""
    entries = [p.entry for p in placed]
    chosen = {i: moment for moment, i in marked(doc, placed).items()}
    read = read_timeline([e.text for e in entries])
    return [
        chosen.get(i, Moment.MISLEADING if m is Moment.MISLEADING else Moment.ACTION)
        for i, m in enumerate(read)
    ]


def _stated_zone(entry: TimelineEntry) -> str:
    """The zone an entry states itself (``PDT``), or ''."""
    zone = entry.when.zone if entry.when is not None and entry.zone_stated else None
    return zone.label if zone is not None else ""


# What the table says of an item in each state. A document's checkbox knows two, open and done;
# the server holds four, and its page shows them (:func:`mark_items`).
ITEM_STATES = {
    "open": "Open",
    "in-progress": "In progress",
    "done": "✓ Done",
    "wont-do": "Won't do",
}
CLOSED_STATES = frozenset({"done", "wont-do"})


def _status(state: str) -> str:
    return f'<span class="status status-{state}">{ITEM_STATES[state]}</span>'


def _item_row(item: ActionItem, position: int) -> str:
    """One task's row; ``data-position`` (its place in the task list) lets a page say the state
    its server holds for it (:func:`mark_items`)."""
    status = _status("done" if item.done else "open")
    owner = escape(item.owner) if item.owner else '<span class="muted">—</span>'
    due = '<td><span class="muted">—</span></td>'
    if item.due is not None:
        day = item.due.isoformat()
        # An open item's due date is marked so a page shown later can say it is overdue
        # (mark_items): the stored HTML does not know what day it will be read on.
        cell = f'<span class="date">{day}</span>'
        due = f"<td>{cell}</td>" if item.done else f'<td class="due" data-due="{day}">{cell}</td>'
    return (
        f'<tr data-position="{position}"><td>{status}</td><td>{inline_html(item.text)}</td>'
        f"<td>{owner}</td>{due}</tr>"
    )


# A row's start with its status, or an open item's due date: one pass over the stored HTML
# finds both, a due date belonging to the row started last.
_ITEM_MARKS = re.compile(
    r'<tr data-position="(\d+)"><td><span class="status status-[a-z-]+">[^<]*</span></td>'
    r'|<td class="due" data-due="(\d{4}-\d\d-\d\d)"><span class="date">\2</span></td>'
)


def mark_items(html: str, today: dt.date, states: Mapping[int, str] | None = None) -> str:
    """``html`` (a body from :func:`build_body`) with the open items due before ``today``
    marked overdue; with ``states`` (an item's position in the task list → its state, a key of
    :data:`ITEM_STATES`), each item's status as they say, a closed one never overdue.

    The page does this when it is shown, without reading the document again: the stored HTML
    does not know the day, and a server knows more of an item than its checkbox."""
    states = states or {}
    row: list[str] = [""]  # the state of the row started last

    def mark(m: re.Match[str]) -> str:
        if m[1] is not None:
            row[0] = states.get(int(m[1]), "")
            if row[0] not in ITEM_STATES:
                return m[0]
            return f'<tr data-position="{m[1]}"><td>{_status(row[0])}</td>'
        day = m[2]
        if row[0] in CLOSED_STATES:
            return f'<td><span class="date">{day}</span></td>'
        if day >= today.isoformat():
            return m[0]
        return (
            f'<td class="due overdue" data-due="{day}"><span class="date overdue-date">{day}'
            '</span> <span class="badge overdue">overdue</span></td>'
        )

    return _ITEM_MARKS.sub(mark, html)


def action_table(items: tuple[ActionItem, ...]) -> str:
    """The action items as a table: status, task, owner, due date."""
    done = sum(1 for i in items if i.done)
    head = (
        f'<table class="pm-actions"><caption>Action items: {done} of {len(items)} done'
        '</caption><thead><tr><th scope="col">Status</th><th scope="col">Task</th>'
        '<th scope="col">Owner</th><th scope="col">Due</th></tr></thead><tbody>'
    )
    rows = "".join(_item_row(item, n) for n, item in enumerate(items))
    return head + rows + "</tbody></table>"


def _source_attrs(section: Section) -> str:
    """Where the section starts in the source and its title as written: the server places review
    comments (on a line or a section) beside the section they are about."""
    if not section.span.start:
        return ""
    return f' data-line="{section.span.start}" data-title="{escape(section.title)}"'


def _section(
    doc: Document,
    section: Section,
    slugs: Slugs,
    headings: list[Heading],
    images: ImageResolver | None,
    pages: PageResolver | None,
) -> str:
    title = plain(section.title) or section.title or section.kind.value
    sid = slugs(title)
    headings.append(Heading(sid, title))
    parts = [
        f'<section class="pm-section kind-{section.kind.value}" aria-labelledby="{sid}"'
        f"{_source_attrs(section)}>"
        f'<h2 id="{sid}">{escape(title)}<a class="anchor" href="#{sid}" '
        f'aria-label="Link to this section">#</a></h2>'
    ]
    if section.body:
        parts.append(to_html(section.body, slugs=slugs, base=3, images=images, pages=pages))
    if doc.timeline and section is doc.section(SectionKind.TIMELINE):
        parts.append(_entries(doc))
    if doc.action_items and section is doc.section(SectionKind.MEASURES):
        parts.append(action_table(doc.action_items))
    parts.append("</section>")
    return "".join(parts)


def _is_title(section: Section, doc: Document) -> bool:
    """A section that is only the document's title line (an opening heading or bold line)."""
    return (
        section.kind is SectionKind.OTHER and bool(doc.title) and clean(section.title) == doc.title
    )


def _without_title(preamble: str, doc: Document) -> str:
    """The preamble without a first line that repeats the title (with a setext underline)."""
    lines = preamble.lstrip("\n").split("\n")
    if not doc.title or not lines or clean(lines[0]) != doc.title:
        return preamble
    rest = lines[1:]
    if rest and _UNDERLINE.match(rest[0]):
        rest = rest[1:]
    return "\n".join(rest)


def build_body(
    doc: Document, images: ImageResolver | None = None, pages: PageResolver | None = None
) -> Body:
    """The body and its outline (for the table of contents); ``images`` and ``pages`` map local
    images and links to where the page finds them (:func:`postmortems.render.markdown.to_html`)."""
    slugs = Slugs(RESERVED_IDS)
    headings: list[Heading] = []
    preamble = _without_title(_TOML_BLOCK.sub("", doc.preamble), doc) if doc.preamble else ""
    local = {"images": images, "pages": pages}
    parts = [to_html(preamble, slugs=slugs, base=2, **local)] if preamble.strip() else []
    for i, section in enumerate(doc.sections):
        if i == 0 and _is_title(section, doc):  # the card's heading says it already
            parts.append(to_html(section.body, slugs=slugs, base=3, **local))
        else:
            parts.append(_section(doc, section, slugs, headings, images, pages))
    # Entries or items the parser found outside any section of their kind are still shown.
    if doc.timeline and doc.section(SectionKind.TIMELINE) is None:
        sid = slugs("Timeline")
        parts.append(f'<section class="pm-section"><h2 id="{sid}">Timeline</h2>{_entries(doc)}')
        parts.append("</section>")
        headings.append(Heading(sid, "Timeline"))
    if doc.action_items and doc.section(SectionKind.MEASURES) is None:
        sid = slugs("Action items")
        parts.append(f'<section class="pm-section"><h2 id="{sid}">Action items</h2>')
        parts.append(action_table(doc.action_items) + "</section>")
        headings.append(Heading(sid, "Action items"))
    words = len(doc.source.split()) if doc.source else sum(len(p.split()) for p in parts)
    return Body("".join(parts), tuple(headings), words)


def render_body(doc: Document) -> str:
    """The sanitized HTML fragment of the document body."""
    return build_body(doc).html
