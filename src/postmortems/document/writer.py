"""Model → canonical Markdown (DESIGN §4).

Front matter in the field-table order, the title as an H1 when the front matter has none, each
section as a level-2 heading (a level-1 section stays level 1, so the headings under it stay
under it), timeline entries as ``- HH:MM - text`` bullets and action items as checkbox lines.
``parse(write(doc)) == doc``, and a canonical file is a fixed point of ``write(parse(text))``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from postmortems.document import frontmatter
from postmortems.document.actionitem import format_item
from postmortems.document.model import Document, SectionKind, TimelineEntry, WallTime
from postmortems.document.parser import parse
from postmortems.document.timelineclock import next_date
from postmortems.document.zones import Zone

# A body whose first line is `---` would be read back as the start of front matter.
_FENCE_FIRST = re.compile(r"\A---[ \t]*(?:\n|\Z)")


def _stamp(when: WallTime, zone_label: str | None) -> str:
    text = when.time.strftime("%H:%M")
    if when.date is not None and not when.date_inferred:
        text = f"{when.date.isoformat()} {text}"
    return f"{text} {zone_label}" if zone_label else text


def format_stamp(entry: TimelineEntry) -> str:
    """``14:05 PST``, ``2024-02-12 14:05`` or ``14:00 to 14:30 PST`` (empty without a time)."""
    if entry.when is None:
        return ""
    zone = entry.when.zone.label if entry.zone_stated and entry.when.zone else None
    stamp = _stamp(entry.when, None if entry.until else zone)
    if entry.until is not None:
        # "to", not "-": "07:30-20:00" would read as a time with a UTC offset.
        stamp += " to " + _stamp(entry.until, zone)
    return stamp


def format_entry(entry: TimelineEntry) -> str:
    """``- 14:05 PST - text``, ``- 2024-02-12 14:05 - text`` or ``- 14:00 to 14:30 - text``."""
    stamp = format_stamp(entry)
    if not stamp:
        return f"- {entry.text}"
    return f"- {stamp} - {entry.text}" if entry.text else f"- {stamp}"


@dataclass
class _Days:
    """What a reader of the canonical timeline knows about the date, entry by entry.

    Mirrors how the parser dates entries: an entry without a date of its own takes the date of
    the last date line above it, else the date of the entry before, rolling over midnight when
    the clock goes back by twelve hours or more. Where that would give the wrong date, the writer
    puts a date line (``2024-02-12``) above the entry.
    """

    day: dt.date | None = None
    line_day: dt.date | None = None
    previous: dt.datetime | None = None
    zone: Zone | None = None  # the zone the previous entry states

    def predict(self, time: dt.time, line_day: dt.date | None, zone: Zone | None) -> dt.date | None:
        day = line_day or self.day
        if day is not None and self.previous is not None:
            return next_date(day, time, zone, self.previous, self.zone)
        return day

    def date_line(self, when: WallTime, zone: Zone | None) -> dt.date | None:
        """The date line to write above an entry whose date is inferred, or None."""
        assert when.date is not None
        if self.day is not None and self.predict(when.time, self.line_day, zone) == when.date:
            return None
        for day in (when.date, when.date - dt.timedelta(days=1), when.date + dt.timedelta(days=1)):
            if self.predict(when.time, day, zone) == when.date:
                return day
        return when.date  # unreachable: one of the three days leads to the date

    def advance(self, when: WallTime, zone: Zone | None) -> None:
        if when.date is not None:
            self.day = when.date
            self.previous, self.zone = dt.datetime.combine(when.date, when.time), zone


def format_timeline(
    entries: Sequence[TimelineEntry], start_day: dt.date | None = None, declare: Zone | None = None
) -> str:
    """Timeline entries as bullets, with date lines where a reader could not infer the dates.

    ``start_day`` is the date a reader takes for the first entry from the rest of the document
    (the title, the summary, ``started``); None when unknown, which puts a date line above the
    first entry whose date is inferred. ``declare`` is a zone the first date line declares
    (``2021-09-29 (all times CEST)``) for the entries that state none.
    """
    days = _Days(day=start_day)
    out: list[str] = []
    for entry in entries:
        when = entry.when
        zone = when.zone if when is not None and entry.zone_stated else None
        if when is not None and when.date is not None and when.date_inferred:
            line = days.date_line(when, zone)
            if line is not None:
                note = f" (all times {declare.iana or declare.label})" if declare else ""
                out.append(f"\n{line.isoformat()}{note}\n")
                days.line_day, declare = line, None
        out.append(format_entry(entry))
        if when is not None:
            days.advance(when, zone)
    return "\n".join(out).strip("\n")


def _homes(doc: Document, kind: SectionKind, lines: Sequence[int]) -> dict[int, list[int]]:
    """{index of a section of ``kind``: indexes of the entries (or items) written in it}.

    Each goes back to the section whose source span holds its line (the parser reads every
    timeline section); one built in code (no source line) goes with the one before it, the
    first one to the first section of the kind.
    """
    candidates = [i for i, s in enumerate(doc.sections) if s.kind is kind]
    homes: dict[int, list[int]] = {}
    if not candidates:
        return homes
    home = candidates[0]
    for n, line in enumerate(lines):
        for i in candidates:
            span = doc.sections[i].span
            if line and span.start <= line <= span.end:
                home = i
                break
        homes.setdefault(home, []).append(n)
    return homes


def _first_inferred_day(doc: Document) -> dt.date | None:
    """The date of the first timed entry when it is inferred: a guess at the document's date."""
    for entry in doc.timeline:
        if entry.when is not None:
            return entry.when.date if entry.when.date_inferred else None
    return None


def _render(doc: Document, start_day: dt.date | None, declare: Zone | None = None) -> str:
    timeline = _homes(doc, SectionKind.TIMELINE, [e.line for e in doc.timeline])
    # Tasks are one list: they go back together, to the section of the first one.
    todo = _homes(doc, SectionKind.MEASURES, [a.line for a in doc.action_items[:1]])
    chunks: list[str] = []
    if doc.title and doc.meta.title is None:
        chunks.append(f"# {doc.title}")
    if doc.preamble:
        chunks.append(doc.preamble)
    for i, section in enumerate(doc.sections):
        parts = [f"{'#' * (1 if section.level == 1 else 2)} {section.title}"]
        if section.body:
            parts.append(section.body)
        if i in timeline:
            entries = [doc.timeline[n] for n in timeline[i]]
            parts.append(format_timeline(entries, start_day, declare))
            declare = None
        if i in todo:
            parts.append("\n".join(format_item(a) for a in doc.action_items))
        chunks.append("\n\n".join(parts))
    body = "\n\n".join(chunks) + "\n" if chunks else ""
    fm = frontmatter.dump(doc.meta)
    if fm or _FENCE_FIRST.match(body):
        return f"---\n{fm}---\n\n{body}" if body else f"---\n{fm}---\n"
    return body


def _unstated_zone(doc: Document) -> Zone | None:
    """The zone of the timed entries that state none: the document's, read from its text."""
    for entry in doc.timeline:
        if entry.when is not None and not entry.zone_stated and entry.when.zone is not None:
            return entry.when.zone
    return None


def write(doc: Document) -> str:
    """The canonical Markdown text of ``doc``.

    Dates and zones of timeline entries are left to the reader where the rest of the document
    lets it infer them; the text is read back to check that guess. Where it was wrong, date lines
    are written above the entries, and the first one declares the zone when the original said it
    where the canonical form keeps no trace of it (``#### 29-09-2021 (All times CEST)``).
    """
    guess, zone = _first_inferred_day(doc), _unstated_zone(doc)
    text = _render(doc, guess)
    if guess is None and zone is None:
        return text
    tries = [(guess, None), (None, None), (guess, zone), (None, zone)]
    for start_day, declare in dict.fromkeys(tries):
        candidate = (
            text if start_day == guess and declare is None else _render(doc, start_day, declare)
        )
        if parse(candidate).timeline == doc.timeline:
            return candidate
    return _render(doc, None)
