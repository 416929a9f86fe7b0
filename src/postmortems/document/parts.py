"""A document's body cut into parts: its title, the parts at section headings (a phase marker inside
a timeline, a sub-heading inside the section it belongs to), a timeline written before or after
the sections, and the headings that name separate incidents."""

from __future__ import annotations

import collections
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from postmortems.document import timeline, titles
from postmortems.document.dateparse import date_matches
from postmortems.document.lines import Line, LineKind
from postmortems.document.model import (
    Meta,
    SectionKind,
)
from postmortems.document.sections import (
    TIMED_LINE,
    Marker,
    flattened_marker,
    is_phase_line,
    is_phase_title,
    marker_of,
)
from postmortems.document.timeparse import leading_time
from postmortems.document.wording import any_word

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
    """The item opens with a date and a time ("21 January 2024 @ 01:30 UTC – …", or "march
    10th, 6:47 am …" with the year left to the document) and says what happened then."""
    found = leading_time(text)
    if found is None or not _WORD.search(text, found.end):
        return False  # "November 4th -- 16:30 to 18:00 UTC": a window of a list of windows
    return found.date is not None or any(
        m.start() <= found.start + 2 for m in date_matches(text[: found.end])
    )


_WORD = re.compile(r"[^\W\d_]{2,}")

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
        opens = _opens_paragraph(lines, i)
        wrapped = ln.kind is LineKind.TEXT and (ln.indent or not opens) and start is not None
        if ln.kind is LineKind.BLANK or wrapped or (ln.kind is LineKind.LIST and ln.indent):
            end = i + 1 if start is not None and ln.kind is not LineKind.BLANK else end
        elif (ln.kind is LineKind.LIST or opens) and _dated_stamp(ln.text):
            start, items, end = i if start is None else start, items + 1, i + 1
        else:
            start, items = None, 0
        if start is not None and items >= 3:  # the last entry's wrapped lines are its own
            found = (start, len(lines) if _only_blank(lines, end) else end)
    return found


def _opens_paragraph(lines: Sequence[Line], i: int) -> bool:
    """The line is unindented text after a blank line: a paragraph's first line (paragraphs that
    each open with a date and a time are entries as list items are)."""
    ln = lines[i]
    return (
        ln.kind is LineKind.TEXT
        and not ln.indent
        and (i == 0 or lines[i - 1].kind is LineKind.BLANK)
    )


def _only_blank(lines: Sequence[Line], start: int) -> bool:
    return all(lines[i].kind is LineKind.BLANK for i in range(start, len(lines)))


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
