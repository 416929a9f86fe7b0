"""The timeline reader: the lines of a timeline section, one at a time, grouped into entries."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from postmortems.document.lines import Line, LineKind
from postmortems.document.markup import table_cells
from postmortems.document.timelinedates import (
    _date_after,
    _date_line,
    _leading_day,
    _stamp_like,
    _time_from_text,
    _time_in,
    _time_in_label,
)
from postmortems.document.timelinedraft import Context, _Draft
from postmortems.document.timelinerows import _column_names, _table_row
from postmortems.document.timelineshapes import (
    _drop_lead_in,
    _is_prompt,
    _own_line,
    _phase_of,
    _prose_follows,
)
from postmortems.document.timelinetext import _continue, _run_on, _split_breaks, _unwrap, clean_text
from postmortems.document.timeparse import Found, leading_date, leading_time

_SKIP = (LineKind.BLANK, LineKind.RULE, LineKind.TABLE_RULE, LineKind.CODE, LineKind.COMMENT)
_TABLE_KINDS = (LineKind.TABLE, LineKind.TABLE_RULE)


@dataclass
class _Phase:
    """A phase being read ("**Detection:**" and the lines under it)."""

    indent: int  # the indent of the phase's own line (0 unless it is a list item)
    is_item: bool  # written as a list item ("- Detection: …")


class _Reader:
    """Reads the lines of a timeline, one at a time, into entries.

    A new entry starts at: a line (bullet, row, heading or bare line) that begins with a time or
    a date; a top-level list item; a headed phase ("Detection:", "**Escalation**"); a
    ``Label: text`` line. Indented lines, sub-bullets and untimed lines after an entry continue
    it. A timeline of untimed paragraphs counts each paragraph, without a lead-in paragraph.
    Each line goes through the steps of :meth:`read` in order; the first that takes it wins.
    """

    def __init__(self, lines: Sequence[Line], ctx: Context) -> None:
        self.ctx = ctx
        self._leads: dict[str, Found | None] = {}
        self.lines = _split_breaks(lines, self.lead_of)
        self.drafts: list[_Draft] = []
        self.rest: list[Line] = []  # lines that are not part of any entry
        self.paragraphs: list[_Draft] = []  # untimed paragraph entries (kept apart until the end)
        self.date_lines: list[Line] = []
        self.table_head: list[Line] | None = None  # the first rows of a table, none an entry yet
        self.table_heads: list[tuple[_Draft, list[Line]]] = []  # (first entry, rows above it)
        self.table_dropped: tuple[_Draft, list[Line]] | None = None  # of the table being read
        self.day: dt.date | None = None  # set by the last date line
        self.phase: _Phase | None = None
        self.list_indent: int | None = None  # the indent of the timeline's top-level items
        self.entry_kind: LineKind | None = None  # the kind of line the first timed entry is on
        self.commentary = False  # under a heading that follows the timed list, until the next time
        self.after_blank = True
        self.level = 0  # the level of the last sub-heading that opened or timed an entry
        # a timeline divided by sub-headings: each over prose is an entry even without a date
        first = next((ln for ln in self.lines if ln.kind not in _SKIP), None)
        self.headed = first is not None and first.kind is LineKind.HEADING
        # (zones only name the zone of a time found, never whether one is found)
        self.timed_list = any(
            ln.kind is LineKind.LIST and self.lead_of(ln.text) is not None for ln in lines
        )

    def lead_of(self, text: str) -> Found | None:
        """The time a text starts with (each line is asked twice: is the list timed? does this
        entry start with a time?)."""
        if text not in self._leads:
            found = leading_time(
                text, year=self.ctx.year, zones=self.ctx.zones, day_first=self.ctx.day_first
            )
            self._leads[text] = _date_after(text, found, self.ctx) if found else None
        return self._leads[text]

    def read(self) -> tuple[list[_Draft], list[Line]]:
        for i, ln in enumerate(self.lines):
            self._table_head(ln, self.lines[i - 1] if i else None)
            if ln.kind is LineKind.TABLE_RULE and self.table_head:
                self.table_head.append(ln)  # the rule under the header row, for now
                self.after_blank = True
                continue
            if ln.kind in _SKIP:
                self.rest.append(ln)  # blank lines too: they keep the body's paragraphs apart
                self.after_blank = True
                continue
            blank_before, self.after_blank = self.after_blank, False
            if self._phase_line(i, ln) or self._heading_line(ln):
                continue
            if not (self._date_line(ln) or self._table_line(ln)):
                self._text_line(ln, blank_before)
        return self._result()

    def _add(self, ln: Line, found: Found | None, text: str) -> _Draft:
        d = _Draft(ln.number, ln.raw, found, [text], self.day)
        self.drafts.append(d)
        return d

    def _phase_line(self, i: int, ln: Line) -> bool:
        """A line heading a phase ("**Detection:** …"), or commentary beside a timed list."""
        phase = _phase_of(ln)
        if phase is None:
            return False
        title, after = phase
        if not after and self.timed_list and _prose_follows(self.lines, i, self.ctx):
            # "**Misleading paths:**" over a paragraph, beside a timed list: commentary
            self.commentary = True
            self.rest.append(ln)
            return True
        if self._under_timed(ln):
            return False  # "  - Misleading path: …" under a timed bullet belongs to it
        if ln.indent > 0 and ln.kind is not LineKind.HEADING and self.phase is not None:
            return False
        found = (
            leading_time(
                title, year=self.ctx.year, zones=self.ctx.zones, day_first=self.ctx.day_first
            )
            or _time_in_label(title + ": ", self.ctx)
            or _time_in(after, self.ctx)
        )
        d = self._add(ln, found, f"{title}: {clean_text(after)}" if after else title)
        d.bare_phase, d.source = not after and found is None, [ln]
        is_item = ln.kind is LineKind.LIST
        self.phase = _Phase(ln.indent if is_item else 0, is_item)
        return True

    def _under_timed(self, ln: Line) -> bool:
        """A sub-bullet of a timed entry, outside any phase."""
        return (
            ln.kind is LineKind.LIST
            and ln.indent > 0
            and bool(self.drafts)
            and self.phase is None
            and self.drafts[-1].found is not None
        )

    def _heading_line(self, ln: Line) -> bool:
        """A sub-heading opens an entry made of the prose under it; one over entries only labels
        them, and dates them when it states a date (decided at the end, :meth:`_headings`)."""
        if ln.kind is not LineKind.HEADING:
            return False
        text = _unwrap(ln.text)
        if self.lead_of(text) is not None:
            self.level = ln.level  # "### 14:05": a timed entry, read as a text line
            return False
        if self.level and ln.level > self.level and self.drafts:
            self._join(ln, text)  # "#### Details" inside the entry above
            return True
        day = _leading_day(text, self.ctx) or _date_line(ln, self.ctx)
        if day is None and not self.headed:
            return False  # a heading among prose entries is read as one of their lines
        self.level = ln.level
        if day is not None:
            self.day = day
        d = _Draft(ln.number, ln.raw, None, [clean_text(text)], self.day, day is not None)
        d.heading, d.source = ln.level, [ln]
        self.drafts.append(d)
        self.phase = None
        return True

    def _join(self, ln: Line, text: str) -> None:
        """A line that is part of the entry above."""
        last = self.drafts[-1]
        if last.heading:
            last.parts.append(clean_text(text))
            last.source.append(ln)
        else:
            _continue(self.drafts, ln, text, self.ctx)

    def _in_heading_entry(self) -> bool:
        """The entry above is a sub-heading with prose of its own (a list under it joins it)."""
        return bool(self.drafts) and self.drafts[-1].heading > 0 and len(self.drafts[-1].parts) > 1

    def _date_line(self, ln: Line) -> bool:
        """A line that only states a date: the date of the entries below it."""
        day = _date_line(ln, self.ctx)
        if day is None:
            return False
        self.day = day
        self.date_lines.append(ln)
        return True

    def _table_head(self, ln: Line, before: Line | None) -> None:
        """Keep a table's header row and rule apart while every row below is an entry (they
        are the table's, not text, then); a row that is not, or the end of a table without
        an entry, puts them back in the text."""
        if ln.kind is LineKind.TABLE and (before is None or before.kind not in _TABLE_KINDS):
            self.table_head, self.table_dropped = [], None  # a table starts
        elif ln.kind not in _TABLE_KINDS:  # the table, if any, has ended
            self.rest.extend(self.table_head or ())  # with no entry: its header is text
            self.table_head = self.table_dropped = None

    def _keep_table_head(self) -> None:
        """The table's header and rule stay in the text."""
        self.rest.extend(self.table_head or ())
        self.table_head = None
        if self.table_dropped is not None:
            self.table_heads.remove(self.table_dropped)
            self.rest.extend(self.table_dropped[1])
            self.table_dropped = None

    def _table_line(self, ln: Line) -> bool:
        if ln.kind is not LineKind.TABLE:
            return False
        filled = [c for c in table_cells(ln.raw) if c]
        only = filled[0] if len(filled) == 1 else None  # a row of one cell may be a date line
        day = _date_line(Line(ln.number, only, LineKind.TEXT), self.ctx) if only else None
        if day is not None:
            self.day = day  # "| 2024-02-12 | |": the date of the rows below, as a date line is
            self.date_lines.append(ln)
            return True
        draft = _table_row(ln, self.ctx)
        if draft is None:
            if self.table_head == [] and _column_names(ln):
                self.table_head.append(ln)  # "| Time | Event |", for now
            else:
                self._keep_table_head()  # a row that is no entry: the table is not all entries
                self.rest.append(ln)
            return True
        if self.table_head:
            # A table of entries: its header and rule are the table's, not text. They go with
            # its first entry (back to the text if that entry is not kept).
            self.table_dropped = (draft, self.table_head)
            self.table_heads.append(self.table_dropped)
        self.table_head = None
        draft.day, draft.day_stated = (draft.day or self.day), draft.day is not None
        self.drafts.append(draft)
        self.phase = None
        return True

    def _text_line(self, ln: Line, blank_before: bool) -> None:
        """A list item, heading or bare line that is neither a phase, a date nor a row."""
        text = ln.text if ln.kind in (LineKind.LIST, LineKind.HEADING) else ln.raw.strip()
        text = _unwrap(text, links=False) if "<" in text or "{{" in text else text
        if _ONLY_MEDIA.match(text) or (len(text) < 120 and _is_prompt(text)):
            self.rest.append(ln)
            return
        lead = self.lead_of(text)
        if self.commentary and lead is None:
            self.rest.append(ln)
            return
        self.commentary = False
        if self.phase is not None and self._phase_body(ln, text, lead):
            return
        if not self._entry(ln, text, lead):
            self._follow(ln, text, blank_before)

    def _phase_body(self, ln: Line, text: str, lead: Found | None) -> bool:
        """A line under a phase heading continues the phase, unless it is an entry of its own."""
        assert self.phase is not None
        last = self.drafts[-1]
        nested = ln.kind is LineKind.LIST and ln.indent > self.phase.indent
        if lead is not None and not nested and last.bare_phase and len(last.parts) == 1:
            # "actions taken" over "01:15 PM: …": a heading left from a template, not an entry
            self.rest.extend(self.drafts.pop().source)
            self.phase = None
            return False
        same_level_item = (
            self.phase.is_item and ln.kind is LineKind.LIST and ln.indent <= self.phase.indent
        )
        if ln.indent > self.phase.indent or (lead is None and not same_level_item):
            if last.found is None:  # a phase is timed by the first time written in it
                last.found = _time_in(text, self.ctx)
            last.parts.append(clean_text(text))
            return True
        return False

    def _entry(self, ln: Line, text: str, lead: Found | None) -> bool:
        """A line that opens an entry: timed, dated, a top-level item or a ``Label: text`` line."""
        found = lead or _time_in_label(text, self.ctx)
        is_item = ln.kind is LineKind.LIST and (
            self.list_indent is None or ln.indent <= self.list_indent
        )
        if is_item and found is None and self._under_bare_line():
            _continue(self.drafts, ln, text, self.ctx)  # a bulleted list under a bare-line entry
            return True
        if found is None and self._in_heading_entry() and leading_date(text) is None:
            self._join(ln, text)
            return True
        if found is not None and self.entry_kind is None:
            self.entry_kind = ln.kind
        if ln.kind is LineKind.LIST and self.list_indent is None:
            self.list_indent = ln.indent
        if found is not None:
            self._timed_entry(ln, text, found)
            return True
        return self._dated_entry(ln, text) or self._untimed_entry(ln, text, is_item)

    def _under_bare_line(self) -> bool:
        """The entries are bare lines or headings and the last one is timed."""
        return (
            self.entry_kind in (LineKind.TEXT, LineKind.HEADING)
            and bool(self.drafts)
            and self.drafts[-1].found is not None
        )

    def _timed_entry(self, ln: Line, text: str, found: Found) -> None:
        """One entry per stamped event on the line ("12:00pm: a. 12:06pm: b" is two)."""
        self.phase = None
        for piece_found, piece in _run_on(text, found, self.ctx):
            d = _Draft(ln.number, ln.raw, piece_found, [piece] if piece else [])
            d.day = piece_found.date or self.day
            d.day_stated = piece_found.date is not None
            self.drafts.append(d)

    def _dated_entry(self, ln: Line, text: str) -> bool:
        """A line that starts with a date and says something after it."""
        dated = leading_date(text, year=self.ctx.year, day_first=self.ctx.day_first) or _stamp_like(
            text
        )
        if dated is None or len(text) - dated[0] <= 3:
            return False
        self.phase = None
        d = self._add(ln, None, clean_text(text))
        d.day, d.day_stated = dated[1] or self.day, dated[1] is not None
        return True

    def _untimed_entry(self, ln: Line, text: str, is_item: bool) -> bool:
        """A top-level item or a ``Label: text`` line without a time."""
        label_line = ln.kind is LineKind.TEXT and ln.indent == 0 and bool(_LABEL_LINE.match(text))
        if label_line and self.timed_list:
            # "**Total impact duration:** 5 hours" beside a timed list: a note, not an event
            self.rest.append(ln)
            return True
        if label_line and self._stamp_only():
            # "### 8:47" over "Decide to delete the hub pod: `kubectl …`": the stamp's text
            _continue(self.drafts, ln, text, self.ctx)
            return True
        if is_item or label_line:
            self._add(ln, None, clean_text(text))
            return True
        return False

    def _stamp_only(self) -> bool:
        """The entry above is a time with no text yet (a heading "### 8:47")."""
        prev = self.drafts[-1] if self.drafts else None
        return prev is not None and prev.found is not None and not any(prev.parts)

    def _follow(self, ln: Line, text: str, blank_before: bool) -> None:
        """A line that opens no entry: it continues the one above, or is an untimed paragraph."""
        if self.drafts and self.drafts[-1].heading:
            self._join(ln, text)
        elif self.drafts and (ln.indent > 0 or ln.kind is LineKind.LIST or not blank_before):
            self._continue_above(ln, text)
        elif self.drafts and self.drafts[-1].found is not None:
            _continue(self.drafts, ln, text, self.ctx)
        elif ln.kind is LineKind.TEXT and not text.rstrip("*_ ").endswith(":"):
            self._paragraph(ln, text, own_line=False)
        else:
            self.rest.append(ln)

    def _continue_above(self, ln: Line, text: str) -> None:
        prev = self.drafts[-1]
        if prev.paragraph and ln.kind is LineKind.TEXT and _own_line(prev, text):
            self._paragraph(ln, text, own_line=True)  # untimed events written one per line
        elif prev.paragraph:
            prev.parts.append(clean_text(text))
            prev.source.append(ln)
        else:
            _continue(self.drafts, ln, text, self.ctx)

    def _paragraph(self, ln: Line, text: str, own_line: bool) -> None:
        d = self._add(ln, None, clean_text(text))
        d.paragraph, d.source, d.own_line = True, [ln], own_line
        self.paragraphs.append(d)

    def _result(self) -> tuple[list[_Draft], list[Line]]:
        """The entries kept, each timed when its text states a time, and the other lines."""
        drafts = self._headings(self.drafts)
        kept = _drop_lead_in(drafts, self.paragraphs)
        if not kept:
            self.rest.extend(self.date_lines)  # a date with no entry under it stays text
        for d in kept:
            if d.found is None:  # an entry carries a time when its text states one
                _time_from_text(d, self.ctx)
        self.rest.extend(self.table_head or ())  # a table that ended the timeline
        keep = {id(d) for d in kept}
        if len(kept) < len(drafts):
            self.rest.extend(ln for d in drafts if id(d) not in keep for ln in d.source)
        self.rest.extend(ln for d, head in self.table_heads if id(d) not in keep for ln in head)
        return kept, sorted(self.rest, key=lambda x: x.number)

    def _headings(self, drafts: list[_Draft]) -> list[_Draft]:
        """Sub-headings that are entries: those over prose that state a date, and all those over
        prose in a timeline with no timed line of its own. A sub-heading over entries, or over a
        lead-in to them ("what happened:"), labels them (and dates them)."""
        timed = any(d.found is not None and not d.heading for d in drafts)
        out: list[_Draft] = []
        for i, d in enumerate(drafts):
            body = d.parts[1:]
            lead_in = bool(body) and body[-1].endswith(":") and i + 1 < len(drafts)
            if not d.heading or (body and not lead_in and (d.day_stated or not timed)):
                out.append(d)
                continue
            if d.day_stated:
                self.date_lines.append(d.source[0])  # the date of the entries below
            self.rest.extend(d.source[0 if not d.day_stated else 1 :])
        return out


_ONLY_MEDIA = re.compile(r"^(?:!?\[[^\]]*\]\([^)]*\)\s*)+$")


_LABEL_LINE = re.compile(r"^[*_]*[A-Z][\w /&'()-]{1,40}?[*_]*\s*:[*_]*\s+\S")
